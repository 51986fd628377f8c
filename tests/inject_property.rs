//! Issue 12 (hardening), item 1, as a property: a template value never becomes script text. Random hostile values
//! (quotes, `$(…)`, backticks, newlines, `EOF` lines, globs, operators, arbitrary NUL-free characters, and now and
//! then one over the 100 KiB environment limit, which travels as a file) go through every template position of
//! real-world command shapes. Each script is rendered by the library (`engine::script::render_script`, what a
//! `run` step executes), run by `/bin/sh` in a scratch directory with its values beside it, as the shell probe
//! passes them, and:
//! - the value arrives literally: the command writes what it received to `out`, which is compared byte for byte;
//! - nothing else runs: `out` is the only file in the scratch directory (every payload creates a file `M`);
//! - shapes where even a variable is unsafe (arithmetic, comments, quoted heredoc bodies, inside double quotes)
//!   never render, whatever the value.
//!
//! `cargo test` runs `DEFAULT_CASES` cases with a fixed seed (each runs every shape: a few seconds);
//! PROPTEST_CASES runs more, PROPTEST_RNG_SEED other ones (`make fuzz`).

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests: a panic is a failure with its message

use proptest::prelude::*;
use proptest::test_runner::RngSeed;
use runbook::engine::script::{render_script, Script};
use runbook::engine::template::{Reference, Resolver};
use runbook::engine::value::Segment;
use runbook::engine::Value;
use std::path::Path;
use std::process::Command;

const DEFAULT_CASES: u32 = 64;

fn config() -> ProptestConfig {
    let cases = std::env::var("PROPTEST_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(DEFAULT_CASES);
    let mut config = ProptestConfig { cases, failure_persistence: None, ..ProptestConfig::default() };
    // The same cases on every run (no unseeded randomness in tests); PROPTEST_RNG_SEED=N explores others by hand.
    if std::env::var_os("PROPTEST_RNG_SEED").is_none() {
        config.rng_seed = RngSeed::Fixed(12);
    }
    config
}

/// Pieces that break naive quoting: each would run `touch M` (or end a heredoc, or split a word) if the value
/// became script text.
const HOSTILE: &[&str] = &[
    "'",
    "\"",
    "`",
    "\\",
    "$(touch M)",
    "`touch M`",
    "\n",
    "\nEOF\n",
    "EOF",
    "$((1+1))",
    "a[$(touch M)]",
    "${HOME}",
    "$HOME",
    ";touch M;",
    "&& touch M",
    "| touch M",
    "> M",
    "*",
    "?",
    "[a]",
    "~",
    " ",
    "\t",
    "#",
    "-e",
    "--",
    "%s",
    "\\n",
    "é",
    "\u{9b}",
    "$",
    "{{v}}",
    "'$(touch M)'",
    "\"$(touch M)\"",
    "\r\n",
];

fn piece() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => prop::sample::select(HOSTILE).prop_map(str::to_string),
        1 => prop::collection::vec(any::<char>().prop_filter("NUL-free", |c| *c != '\0'), 0..6)
            .prop_map(|cs| cs.into_iter().collect::<String>()),
    ]
}

fn hostile_value() -> impl Strategy<Value = String> {
    (prop::collection::vec(piece(), 0..8), prop::bool::weighted(0.05)).prop_map(|(pieces, big)| {
        let value = pieces.concat();
        if big {
            // Past the environment limit: the value travels as a file and the script reads it back.
            format!("{value}{}{value}", "x".repeat(101 * 1024))
        } else {
            value
        }
    })
}

/// The values a command sees: `v` a string, `list` a list.
struct Values(Value);

impl Resolver for Values {
    fn resolve(&self, reference: &Reference) -> Result<Value, String> {
        let mut path = vec![Segment::Field(reference.name.clone())];
        path.extend(reference.path.iter().cloned());
        self.0.lookup(&path).cloned()
    }
}

/// Runs the script as the shell probe does: `/bin/sh -c TEXT` with the `RB_*` variables in the environment and
/// the large values in files named by `RB_*_FILE`. Returns the names in the scratch directory and `out`.
fn run(script: &Script) -> (Vec<String>, Vec<u8>) {
    let scratch = tempfile::tempdir().unwrap();
    let files = tempfile::tempdir().unwrap();
    let mut cmd = Command::new("/bin/sh");
    cmd.arg("-c").arg(&script.text).current_dir(scratch.path()).envs(&script.env);
    for (i, (name, content)) in script.files.iter().enumerate() {
        let path = files.path().join(format!("value-{i}"));
        std::fs::write(&path, content).unwrap();
        cmd.env(name, path);
    }
    let status = cmd.status().unwrap();
    assert!(status.success(), "{:?} failed: {status}", script.text);
    let mut names: Vec<String> = std::fs::read_dir(scratch.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    let out = std::fs::read(scratch.path().join("out")).unwrap_or_default();
    (names, out)
}

/// A command shape and what `out` must hold for the value (and list) it was given.
struct Shape {
    command: &'static str,
    expected: fn(&str, &[String]) -> Vec<u8>,
}

const SHAPES: &[Shape] = &[
    // A plain word.
    Shape { command: "printf '%s' {{v}} > out", expected: |v, _| v.as_bytes().to_vec() },
    // Between double-quoted parts (a reference inside the quotes is refused, see `REFUSED`).
    Shape { command: "printf '%s' \"<\"{{v}}\">\" > out", expected: |v, _| format!("<{v}>").into_bytes() },
    // Twice in one word, with literal text.
    Shape { command: "printf '%s' {{v}}:{{v}} > out", expected: |v, _| format!("{v}:{v}").into_bytes() },
    // An unquoted heredoc: a line `EOF` in the value does not end it, `$(…)` in it does not run.
    Shape { command: "cat > out <<EOF\n[{{v}}]\nEOF", expected: |v, _| format!("[{v}]\n").into_bytes() },
    Shape {
        command: "cat <<-EOF > out\n\t{{v}}\n\tEOF\necho done >/dev/null",
        expected: |v, _| format!("{v}\n").into_bytes(),
    },
    // One word per list item.
    Shape {
        command: "for x in {{list}}; do printf '%s\\0' \"$x\"; done > out",
        expected: |_, list| list.iter().flat_map(|item| item.bytes().chain([0])).collect(),
    },
    Shape {
        command: "set -- {{list}}; printf '%s' \"$#\" > out",
        expected: |_, list| list.len().to_string().into_bytes(),
    },
    // An argument after an option (`grep -e PATTERN FILE`; the function stands in for grep and keeps its pattern).
    Shape {
        command: "grep() { printf '%s' \"$2\" > out; }; grep -e {{v}} file",
        expected: |v, _| v.as_bytes().to_vec(),
    },
    // An assignment, and a command substitution (which drops trailing newlines, as it does for any output).
    Shape { command: "x={{v}}; printf '%s' \"$x\" > out", expected: |v, _| v.as_bytes().to_vec() },
    Shape {
        command: "printf '%s' \"$(printf '%s' {{v}})\" > out",
        expected: |v, _| v.trim_end_matches('\n').as_bytes().to_vec(),
    },
    // `case` and a test.
    Shape { command: "case {{v}} in *) printf '%s' {{v}} > out;; esac", expected: |v, _| v.as_bytes().to_vec() },
    Shape {
        command: "if [ -n {{v}} ] || true; then printf '%s' {{v}} > out; fi",
        expected: |v, _| v.as_bytes().to_vec(),
    },
];

/// Shapes where a value would be code or stay literal: `check` refuses them, so they never render.
const REFUSED: &[&str] = &[
    "echo $(( {{v}} ))",
    "echo hi # {{v}}",
    "cat <<'EOF' > out\n{{v}}\nEOF",
    "printf '%s' \"<{{v}}>\" > out",
    "printf '%s' '{{v}}' > out",
    "echo `echo {{v}}`",
    "echo ${x:-{{v}}}",
];

proptest! {
    #![proptest_config(config())]

    #[test]
    fn hostile_values_arrive_literally_and_nothing_else_runs(
        v in hostile_value(),
        list in prop::collection::vec(hostile_value(), 0..4),
    ) {
        let values = Values(Value::from(serde_json::json!({"v": v, "list": list})));
        for shape in SHAPES {
            let script = render_script(shape.command, &values)
                .unwrap_or_else(|e| panic!("{:?} does not render: {e}", shape.command));
            let (names, out) = run(&script);
            prop_assert_eq!(&names, &vec!["out".to_string()], "something else ran for {:?}", shape.command);
            let expected = (shape.expected)(&v, &list);
            prop_assert!(out == expected, "{:?}: got {:?}, want {:?}", shape.command,
                String::from_utf8_lossy(&out), String::from_utf8_lossy(&expected));
        }
        for command in REFUSED {
            prop_assert!(render_script(command, &values).is_err(), "{:?} rendered", command);
        }
    }
}

#[test]
fn the_shapes_render_what_the_property_expects() {
    // A fixed case first, so a broken shape fails with a plain message before any shrinking.
    let values = Values(Value::from(serde_json::json!({"v": "a b", "list": ["x", "y z"]})));
    for shape in SHAPES {
        let script = render_script(shape.command, &values).unwrap();
        let (names, out) = run(&script);
        assert_eq!(names, ["out"], "{}", shape.command);
        assert_eq!(out, (shape.expected)("a b", &["x".into(), "y z".into()]), "{}", shape.command);
    }
    assert!(Path::new("/bin/sh").exists());
}
