//! `locate::grep` (run as `runbook grep --json`) finds the same (path, line, column) triples as `rg -n --column --no-heading` on a
//! generated tree that exercises what differs between naive grep and ripgrep: .gitignore rules in a git
//! repository (nested, negated, anchored), .ignore files, hidden files, binary files (NUL early, NUL after
//! the first buffer), non-UTF-8 names and contents, CRLF and missing final newlines.

#![allow(clippy::expect_used, clippy::unwrap_used)] // a test or benchmark set-up that fails should panic loudly

use crate::common;

use runbook::locate::GrepOptions;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

type Triple = (Vec<u8>, u64, u64);

/// A small seeded generator: the tree is the same on every run.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        self.0 >> 33
    }
    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[(self.next() % items.len() as u64) as usize]
    }
}

fn generated_line(rng: &mut Lcg) -> String {
    let pieces = [
        "m := make(map[string]int)",
        "var cache map[int]*Entry",
        "x := map[K]V{}",
        "MAP[STRING]BOOL in caps",
        "func (s *Server) handle() {",
        "return nil",
        "// map without brackets",
        "literal map[string] in a comment",
        "\tmu.Lock(); defer mu.Unlock()",
        "sum += m[key]",
    ];
    format!("{} {}", rng.pick(&pieces), rng.next() % 1000)
}

fn build_tree(root: &Path) {
    use std::os::unix::ffi::OsStrExt as _;
    git2::Repository::init(root).expect("git init");
    let mut rng = Lcg(0x5eed);
    let dirs = ["", "pkg", "pkg/cache", "internal/store", "vendor/lib", "build", "docs"];
    for i in 0..60 {
        let dir = dirs[i % dirs.len()];
        let ext = ["go", "txt", "log", "md"][i % 4];
        let lines: Vec<String> = (0..(5 + rng.next() % 40)).map(|_| generated_line(&mut rng)).collect();
        let mut content = lines.join("\n");
        if i % 3 != 0 {
            content.push('\n'); // every third file lacks a final newline
        }
        if i % 7 == 0 {
            content = content.replace('\n', "\r\n");
        }
        common::write(&root.join(dir).join(format!("file{i}.{ext}")), content);
    }
    common::write(&root.join(".gitignore"), "*.log\n!keep.log\nbuild/\n/rootonly.go\n");
    common::write(&root.join("pkg/.gitignore"), "secret*\n");
    common::write(&root.join("docs/.ignore"), "ignored-by-dotignore.md\n");
    common::write(&root.join("keep.log"), "m := map[string]int{} kept by negation\n");
    common::write(&root.join("rootonly.go"), "var m map[string]int // ignored at the root\n");
    common::write(&root.join("pkg/rootonly.go"), "var m map[string]int // not ignored below\n");
    common::write(&root.join("pkg/secret_keys.go"), "var keys map[string]string\n");
    common::write(&root.join("docs/ignored-by-dotignore.md"), "map[a]b\n");
    common::write(&root.join(".hidden/conf.go"), "var hidden map[string]int\n");
    common::write(&root.join("pkg/.env.go"), "var env map[string]string\n");
    // Binary: NUL in the first buffer, after a match (rg reports nothing for a walked file).
    common::write(&root.join("pkg/early.bin"), b"x := map[string]int\n\x00\x01\x02map[a]b\n");
    // Binary: NUL after ripgrep's 64 KiB buffer; matches in the first buffer are reported, later ones not.
    let mut late = Vec::new();
    for i in 0..3000 {
        late.extend_from_slice(format!("line {i} map[int]string padding padding\n").as_bytes());
    }
    late.extend_from_slice(b"\x00binary tail map[x]y\n");
    common::write(&root.join("pkg/late.dat"), &late);
    // Non-UTF-8 contents and names.
    common::write(&root.join("pkg/latin1.go"), b"// caf\xe9 map[string]int\nvar \xff\xfe map[int]int\n");
    let odd_name = std::ffi::OsStr::from_bytes(b"pkg/na\xefve-\xff.go");
    common::write(&root.join(odd_name), "var m map[string]bool\n");
    // UTF-16 with a BOM: both tools transcode it.
    let mut utf16 = vec![0xff, 0xfe];
    for unit in "var u map[string]int\n".encode_utf16() {
        utf16.extend_from_slice(&unit.to_le_bytes());
    }
    common::write(&root.join("pkg/utf16.go"), utf16);
}

/// Parses `path:line:column:text` lines; paths are raw bytes and may hold anything but `:` here. rg's
/// "path: binary file matches (...)" notices are not matches and have no line number: they are dropped.
fn parse_rg(stdout: &[u8]) -> BTreeSet<Triple> {
    stdout
        .split(|&b| b == b'\n')
        .filter(|l| !l.is_empty())
        .filter_map(|line| {
            let mut parts = line.splitn(4, |&b| b == b':');
            let path = parts.next().unwrap_or_default().to_vec();
            let number = |p: Option<&[u8]>| -> u64 {
                std::str::from_utf8(p.unwrap_or_default()).ok().and_then(|s| s.parse().ok()).unwrap_or(0)
            };
            let line_no = number(parts.next());
            let column = number(parts.next());
            (line_no > 0).then_some((path, line_no, column))
        })
        .collect()
}

fn rg_triples(rg: &Path, cwd: &Path, args: &[&str]) -> BTreeSet<Triple> {
    let output = Command::new(rg)
        .current_dir(cwd)
        .env_remove("RIPGREP_CONFIG_PATH")
        .args(["-n", "--column", "--no-heading", "--color=never"])
        .args(args)
        .output()
        .expect("run rg");
    assert!(output.status.code().is_some_and(|c| c <= 1), "rg {args:?}: {output:?}");
    parse_rg(&output.stdout)
}

struct Case {
    options: GrepOptions,
    rg_args: Vec<String>,
}

fn case(pattern: &str, paths: &[&str], include: &[&str], exclude: &[&str], flags: &[&str]) -> Case {
    let mut rg_args: Vec<String> = flags.iter().map(|f| f.to_string()).collect();
    rg_args.extend(include.iter().flat_map(|g| ["-g".to_string(), g.to_string()]));
    rg_args.extend(exclude.iter().flat_map(|g| ["-g".to_string(), format!("!{g}")]));
    rg_args.push("-e".into());
    rg_args.push(pattern.into());
    rg_args.extend(paths.iter().map(|p| p.to_string()));
    Case {
        options: GrepOptions {
            pattern: pattern.into(),
            paths: paths.iter().map(PathBuf::from).collect(),
            include: include.iter().map(|g| g.to_string()).collect(),
            exclude: exclude.iter().map(|g| g.to_string()).collect(),
            ignore_case: flags.contains(&"-i"),
            fixed_strings: flags.contains(&"-F"),
            context: 0,
        },
        rg_args,
    }
}

#[test]
fn same_matches_as_ripgrep_on_a_generated_git_tree() {
    let Some(rg) = common::rg() else { return };
    let temp = tempfile::tempdir().expect("tempdir");
    let parent = temp.path();
    build_tree(&parent.join("tree"));
    let cases = [
        case(r"map\[.*\]", &["tree"], &[], &[], &[]),
        case(r"map\[.*\]", &["tree/"], &["*.go"], &[], &[]),
        case(r"map\[.*\]", &["./tree"], &["*.go"], &["vendor/**"], &[]),
        case(r"map\[string\]", &["tree/pkg", "tree/internal"], &[], &["*.txt"], &["-i"]),
        case("map[string]", &["tree"], &[], &[], &["-F"]),
        case("MAP[", &["tree"], &["*.{go,md}"], &[], &["-F", "-i"]),
        case(r"^\s*var\b", &["tree"], &[], &[], &[]),
        case(r"map\[", &["tree/pkg/early.bin", "tree/pkg/late.dat", "tree/keep.log"], &[], &[], &[]),
        case("nothing-matches-this", &["tree"], &[], &[], &[]),
    ];
    let mut compared = 0;
    for case in &cases {
        // Paths are relative: run both from the parent directory.
        let ours = ours_triples(parent, &case.options);
        let args: Vec<&str> = case.rg_args.iter().map(String::as_str).collect();
        let theirs = rg_triples(&rg, parent, &args);
        let show = |set: BTreeSet<&Triple>| -> Vec<String> {
            let lines = set.into_iter().map(|(p, l, c)| format!("{}:{l}:{c}", String::from_utf8_lossy(p)));
            lines.take(20).collect()
        };
        assert!(
            ours == theirs,
            "rg {:?}\nonly ours: {:#?}\nonly rg: {:#?}",
            case.rg_args,
            show(ours.difference(&theirs).collect()),
            show(theirs.difference(&ours).collect()),
        );
        compared += theirs.len();
    }
    assert!(compared > 500, "the tree should produce plenty of matches, got {compared}");
}

#[test]
fn cli_without_paths_prints_what_rg_prints_in_the_current_directory() {
    let Some(rg) = common::rg() else { return };
    let temp = tempfile::tempdir().expect("tempdir");
    build_tree(temp.path());
    let ours = Command::new(env!("CARGO_BIN_EXE_runbook"))
        .current_dir(temp.path())
        .args(["grep", r"map\[.*\]", "--include", "*.go"])
        .output()
        .expect("run runbook grep");
    assert_eq!(ours.status.code(), Some(0), "{ours:?}");
    let theirs = Command::new(&rg)
        .current_dir(temp.path())
        .env_remove("RIPGREP_CONFIG_PATH")
        .args(["-n", "--no-heading", "--color=never", "-g", "*.go", r"map\[.*\]"])
        .output()
        .expect("run rg");
    let sorted = |out: &[u8]| {
        let mut lines: Vec<Vec<u8>> = out.split(|&b| b == b'\n').map(<[u8]>::to_vec).collect();
        lines.sort();
        lines
    };
    assert_eq!(sorted(&ours.stdout), sorted(&theirs.stdout));
}

/// The triples `runbook grep --json` (the library behind a printer) finds, run from `cwd` as rg is. A child
/// process, not the library in this one: the paths are relative to a working directory, and this process's is
/// shared by every test of the binary.
fn ours_triples(cwd: &Path, options: &GrepOptions) -> BTreeSet<Triple> {
    use base64::Engine as _;
    let mut cmd = Command::new(common::bin());
    cmd.current_dir(cwd).args(["grep", "--json"]);
    for glob in &options.include {
        cmd.arg("--include").arg(glob);
    }
    for glob in &options.exclude {
        cmd.arg("--exclude").arg(glob);
    }
    if options.ignore_case {
        cmd.arg("-i");
    }
    if options.fixed_strings {
        cmd.arg("-F");
    }
    cmd.arg("--").arg(&options.pattern).args(&options.paths);
    let output = cmd.output().expect("run runbook grep");
    assert!(output.status.code().is_some_and(|c| c <= 1), "runbook grep {options:?}: {output:?}");
    let path = |m: &serde_json::Value| match m["path_b64"].as_str() {
        Some(b64) => base64::engine::general_purpose::STANDARD.decode(b64).expect("path_b64"),
        None => m["path"].as_str().expect("path").as_bytes().to_vec(),
    };
    common::json_lines(&output)
        .iter()
        .filter(|m| m["type"] == "match")
        .map(|m| (path(m), m["line"].as_u64().expect("line"), m["column"].as_u64().expect("column")))
        .collect()
}
