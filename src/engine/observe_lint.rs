//! `observe` is a promise: the step writes nothing outside runbook's cache and temporary directories (Go's build
//! cache included). Headless runs and trusted runbooks run `observe` steps without asking, so a step that is
//! marked `observe` but plainly writes elsewhere is a trap. `check` warns about the plain cases, read from the
//! command's text with a small shell word splitter:
//! - a redirection to a file (`> out.txt`, `>> log`, `&> f`); fd duplication (`2>&1`) and `/dev/null` do not count;
//! - `tee FILE`, `rm`, `mv`, `cp`, `sed -i`, `go build -o`;
//! - git commands that change the work tree, the index or the history (`checkout`, `reset`, `commit`, …).
//!
//! Unless the step's working directory is runbook's own (`{{assets_dir}}…`) or a temporary one (`/tmp…`). It is
//! a lint, not a proof: a script can always write in ways no reading of its text sees.

use super::model::{Action, Mode, Runbook, Step};

/// Git subcommands that write to the work tree, the index or the history.
const GIT_WRITES: [&str; 17] = [
    "add",
    "am",
    "apply",
    "checkout",
    "cherry-pick",
    "clean",
    "commit",
    "merge",
    "mv",
    "pull",
    "rebase",
    "reset",
    "restore",
    "revert",
    "rm",
    "stash",
    "switch",
];

/// A warning about one step: where it is and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ObserveWarning {
    pub step: String,
    /// The step's path in the file (`phases[0].steps[2]`) and position.
    pub path: String,
    pub line: usize,
    pub col: usize,
    pub message: String,
}

/// Every `observe` step whose command plainly writes outside runbook's directories.
pub fn warnings(runbook: &Runbook) -> Vec<ObserveWarning> {
    runbook.phases.iter().flat_map(|p| p.steps.iter()).filter_map(step_warning).collect()
}

fn step_warning(step: &Step) -> Option<ObserveWarning> {
    let Some(Action::Run(run)) = &step.action else { return None };
    if step.mode != Mode::Observe {
        return None;
    }
    let cwd = run.cwd.as_deref().unwrap_or("").trim();
    if cwd.starts_with("{{assets_dir}}") || cwd.starts_with("{{ assets_dir }}") || cwd.starts_with("/tmp") {
        return None;
    }
    let writes = writes_in(&run.command);
    let first = writes.first()?;
    Some(ObserveWarning {
        step: step.id.clone(),
        path: format!("{}.run.command", step.path),
        line: step.pos.line,
        col: step.pos.col,
        message: format!(
            "step `{}` is `observe` but its command writes: {first}; mark it `mode: change`, or run it in \
             {{{{assets_dir}}}} or /tmp",
            step.id
        ),
    })
}

/// What a command plainly writes, in words (`redirects output to out.txt`, `runs rm`).
pub fn writes_in(command: &str) -> Vec<String> {
    let mut found = Vec::new();
    for words in simple_commands(command) {
        let mut redirect_next = false;
        for (word, quoted) in &words {
            if *quoted && !redirect_next {
                continue;
            }
            if redirect_next {
                redirect_next = false;
                if let Some(w) = redirect_target(word) {
                    found.push(w);
                }
                continue;
            }
            if let Some(rest) = redirection(word) {
                if rest.is_empty() {
                    redirect_next = true;
                } else if let Some(w) = redirect_target(rest) {
                    found.push(w);
                }
            }
        }
        let words: Vec<String> = words.into_iter().map(|(w, _)| w).collect();
        if let Some(w) = writing_program(&words) {
            found.push(w);
        }
    }
    found
}

/// The part after an output redirection operator (`2>`, `>>`, `&>`, `>|`), when `word` is one.
fn redirection(word: &str) -> Option<&str> {
    let digits = word.trim_start_matches(|c: char| c.is_ascii_digit());
    let rest = digits.strip_prefix('&').filter(|r| r.starts_with('>')).unwrap_or(digits);
    let rest = rest.strip_prefix('>')?;
    let rest = rest.strip_prefix('>').or_else(|| rest.strip_prefix('|')).unwrap_or(rest);
    Some(rest)
}

fn redirect_target(target: &str) -> Option<String> {
    let harmless = target.starts_with('&') || matches!(target, "/dev/null" | "/dev/stdout" | "/dev/stderr");
    (!harmless).then(|| format!("redirects output to `{target}`"))
}

/// The program of a simple command, after assignments and wrappers, when it writes.
fn writing_program(words: &[String]) -> Option<String> {
    let mut rest = words.iter().map(String::as_str).skip_while(|w| is_assignment(w) || redirection(w).is_some());
    let mut program = rest.next()?;
    while matches!(program, "sudo" | "env" | "command" | "exec" | "time" | "nice" | "xargs") {
        program = rest.find(|w| !w.starts_with('-') && !is_assignment(w))?;
    }
    let args: Vec<&str> = rest.collect();
    match program {
        "rm" | "mv" | "cp" => Some(format!("runs `{program}`")),
        "tee" if args.iter().any(|a| !a.starts_with('-') && *a != "/dev/null") => Some("runs `tee` into a file".into()),
        "sed" if args.iter().any(|a| *a == "--in-place" || (a.starts_with("-i") || a.starts_with("--in-place="))) => {
            Some("runs `sed -i`".into())
        }
        "go" if args.first() == Some(&"build") && args.iter().any(|a| *a == "-o" || a.starts_with("-o=")) => {
            Some("runs `go build -o`".into())
        }
        "git" => {
            let mut it = args.iter();
            let sub = loop {
                match it.next() {
                    Some(&"-C" | &"-c" | &"--git-dir" | &"--work-tree") => {
                        it.next();
                    }
                    Some(a) if a.starts_with('-') => {}
                    other => break other.copied(),
                }
            }?;
            GIT_WRITES.contains(&sub).then(|| format!("runs `git {sub}`"))
        }
        _ => None,
    }
}

fn is_assignment(word: &str) -> bool {
    word.split_once('=').is_some_and(|(name, _)| {
        !name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') && !name.starts_with('-')
    })
}

/// The command split into simple commands (at `;`, `&&`, `||`, `|`, `&`, newlines, parentheses), each a list of
/// words with quotes removed, and whether any of the word was quoted (a quoted `>` is not a redirection).
fn simple_commands(command: &str) -> Vec<Vec<(String, bool)>> {
    let mut commands: Vec<Vec<(String, bool)>> = vec![Vec::new()];
    let mut word = String::new();
    let mut in_word = false;
    let mut quoted = false;
    let mut chars = command.chars().peekable();
    let end_word =
        |word: &mut String, in_word: &mut bool, quoted: &mut bool, commands: &mut Vec<Vec<(String, bool)>>| {
            if *in_word {
                if let Some(current) = commands.last_mut() {
                    current.push((std::mem::take(word), *quoted));
                }
                *in_word = false;
                *quoted = false;
            }
        };
    while let Some(c) = chars.next() {
        match c {
            '\'' => {
                in_word = true;
                quoted = true;
                for q in chars.by_ref() {
                    if q == '\'' {
                        break;
                    }
                    word.push(q);
                }
            }
            '"' => {
                in_word = true;
                quoted = true;
                while let Some(q) = chars.next() {
                    match q {
                        '"' => break,
                        '\\' => word.extend(chars.next()),
                        _ => word.push(q),
                    }
                }
            }
            '\\' => {
                in_word = true;
                quoted = true;
                word.extend(chars.next());
            }
            '#' if !in_word => {
                // A comment runs to the end of the line.
                for n in chars.by_ref() {
                    if n == '\n' {
                        break;
                    }
                }
                end_word(&mut word, &mut in_word, &mut quoted, &mut commands);
                commands.push(Vec::new());
            }
            ';' | '|' | '(' | ')' | '\n' => {
                end_word(&mut word, &mut in_word, &mut quoted, &mut commands);
                commands.push(Vec::new());
            }
            '&' if chars.peek() == Some(&'&') || !(word.ends_with('>') || chars.peek() == Some(&'>')) => {
                end_word(&mut word, &mut in_word, &mut quoted, &mut commands);
                commands.push(Vec::new());
            }
            c if c.is_whitespace() => end_word(&mut word, &mut in_word, &mut quoted, &mut commands),
            c => {
                in_word = true;
                word.push(c);
            }
        }
    }
    end_word(&mut word, &mut in_word, &mut quoted, &mut commands);
    commands.retain(|c| !c.is_empty());
    commands
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_writes_are_found() {
        assert_eq!(writes_in("go test ./... > out.txt"), ["redirects output to `out.txt`"]);
        assert_eq!(writes_in("echo x >>log.txt; true"), ["redirects output to `log.txt`"]);
        assert_eq!(writes_in("make &> build.log"), ["redirects output to `build.log`"]);
        assert_eq!(writes_in("ls | tee listing"), ["runs `tee` into a file"]);
        assert_eq!(writes_in("sed -i s/a/b/ f.go"), ["runs `sed -i`"]);
        assert_eq!(writes_in("FOO=1 sudo rm -rf x"), ["runs `rm`"]);
        assert_eq!(writes_in("git -C {{repo}} checkout main"), ["runs `git checkout`"]);
        assert_eq!(writes_in("go build -o repro . && ./repro"), ["runs `go build -o`"]);
        assert_eq!(writes_in("cd x && git stash"), ["runs `git stash`"]);
    }

    #[test]
    fn reads_duplications_and_quoted_text_are_not_writes() {
        for command in [
            "go test -race ./... 2>&1",
            "go vet ./... 2>/dev/null || true",
            "grep -rn 'a > b' .",
            "echo \"x > y\" | tee /dev/null",
            "git log --oneline -5 && git diff HEAD~1 && git status",
            "go env GOROOT # rm -rf would be bad",
            "go test -run {{test_run or incident.test_run}} {{packages}} &",
            "sed -n 1,5p file.go",
            "grep -c '>' notes.txt",
        ] {
            assert_eq!(writes_in(command), Vec::<String>::new(), "{command}");
        }
    }

    #[test]
    fn only_observe_steps_outside_runbooks_own_directories_are_warned() {
        let yaml = "id: t\ntitle: T\nphases:\n  - id: p\n    title: P\n    steps:\n      - id: saves\n        title: S\n        mode: observe\n        run:\n          command: go test ./... > out.txt\n      - id: changes\n        title: C\n        mode: change\n        run:\n          command: rm -rf build\n      - id: cached\n        title: A\n        mode: observe\n        run:\n          command: go build -o repro .\n          cwd: \"{{assets_dir}}/repro\"\n";
        let runbook = crate::engine::load("t.yaml", yaml.as_bytes()).unwrap();
        let found = warnings(&runbook);
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!((found[0].step.as_str(), found[0].line), ("saves", 7));
        assert!(found[0].message.contains("redirects output to `out.txt`"), "{}", found[0].message);
    }

    #[test]
    fn the_bundled_runbooks_keep_their_observe_promise() {
        for bundled in crate::bundled::runbooks() {
            let runbook = crate::engine::load(&bundled.file, bundled.yaml).unwrap();
            assert_eq!(warnings(&runbook), Vec::new(), "{}", bundled.file);
        }
    }
}
