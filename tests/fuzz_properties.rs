//! Property tests (proptest): no input may make the Go-output parsers, the runbook loader or the template
//! renderer panic, abort or hang, and their work must grow linearly with the input (issue 12, fuzzing).
//! Inputs mix arbitrary bytes with lines cut from the real captured logs, so the generator reaches deep states,
//! and with the shapes that broke the loader before (deep nesting, aliases of large scalars).
//!
//! Work is counted, not timed: a counting global allocator tallies, per thread, the allocations and bytes a call
//! makes. "Linear" is checked by feeding an input and the same input four times over: the work may grow at most
//! eightfold (plus a constant), where a quadratic algorithm grows sixteenfold.
//!
//! `cargo test` runs `DEFAULT_CASES` cases per property (CI: well under two minutes for the file);
//! `make fuzz` sets PROPTEST_CASES for long runs by hand.

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests: a panic is a failure with its message

use crate::alloc_support::work;
use proptest::prelude::*;
use std::path::Path;

/// Work on four copies of an input stays within eight times the work on one (plus `slack`): linear, not quadratic.
fn assert_linear(one: (u64, u64), four: (u64, u64), slack: u64, what: &str) {
    assert!(four.0 <= 8 * one.0 + slack, "{what}: {} allocations for 4x the input, {} for 1x", four.0, one.0);
    assert!(four.1 <= 8 * one.1 + slack * 64, "{what}: {} bytes allocated for 4x the input, {} for 1x", four.1, one.1);
}

const DEFAULT_CASES: u32 = 256;

fn cases() -> u32 {
    std::env::var("PROPTEST_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(DEFAULT_CASES)
}

fn real_lines() -> Vec<String> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/go/logs");
    let mut lines = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let text = std::fs::read(entry.unwrap().path()).unwrap();
        lines.extend(String::from_utf8_lossy(&text).lines().take(400).map(str::to_string));
    }
    lines
}

fn log_strategy() -> impl Strategy<Value = Vec<u8>> {
    let lines = real_lines();
    let n = lines.len();
    prop::collection::vec(
        prop_oneof![
            4 => (0..n).prop_map(move |i| lines[i].clone().into_bytes()),
            1 => prop::collection::vec(any::<u8>(), 0..80),
            1 => "(gc [0-9]{1,3} @[0-9.]{1,6}s [0-9]{1,3}%: |goroutine [0-9]+ \\[[a-z ]{0,12}\\]:|\t/[a-z/]{1,20}\\.go:[0-9]{1,4} \\+0x[0-9a-f]{1,4}|WARNING: DATA RACE|==================)".prop_map(String::into_bytes),
        ],
        0..120,
    )
    .prop_map(|pieces| pieces.join(&b"\n"[..]))
}

proptest! {
    #![proptest_config(ProptestConfig { cases: cases(), ..ProptestConfig::default() })]

    #[test]
    fn parse_logs_never_panics(log in log_strategy()) {
        let report = runbook::golang::parse_logs(&[("fuzz".to_string(), log)]);
        let _ = runbook::golang::summary::render(&report);
        let _ = serde_json::to_string(&report).unwrap();
    }

    #[test]
    fn parse_logs_work_is_linear(log in log_strategy()) {
        let four = [&log[..], b"\n", &log[..], b"\n", &log[..], b"\n", &log[..]].concat();
        let one = work(|| drop(runbook::golang::parse_logs(&[("fuzz".to_string(), log.clone())])));
        let many = work(|| drop(runbook::golang::parse_logs(&[("fuzz".to_string(), four)])));
        assert_linear(one, many, 256, "parse_logs");
    }

    #[test]
    fn gctrace_parser_never_panics(log in log_strategy()) {
        let trace = runbook::golang::gctrace::parse(&String::from_utf8_lossy(&log));
        let _ = runbook::golang::gcview::render_chart(&trace.cycles, 60);
    }

    #[test]
    fn gctrace_parser_work_is_linear(log in log_strategy()) {
        let text = String::from_utf8_lossy(&log).into_owned();
        let four = [text.as_str(); 4].join("\n");
        let one = work(|| drop(runbook::golang::gctrace::parse(&text)));
        let many = work(|| drop(runbook::golang::gctrace::parse(&four)));
        assert_linear(one, many, 256, "gctrace::parse");
    }

    #[test]
    fn template_renderer_never_panics_and_is_linear(pieces in prop::collection::vec(
        prop_oneof![
            Just("{{".to_string()), Just("}}".to_string()), Just("{{ a }}".to_string()), Just("{{a.b[0]}}".to_string()),
            Just("{{list}}".to_string()), Just("'".to_string()), Just("\"".to_string()), Just("\\".to_string()),
            Just("{{ a[99999999999999999999] }}".to_string()), Just("$(x)".to_string()), "[ -~]{0,12}",
            any::<String>().prop_map(|s| s.chars().take(8).collect()),
        ],
        0..40,
    )) {
        let template = pieces.concat();
        let resolver = FuzzValues::new();
        let _ = runbook::engine::template::references(&template);
        let _ = runbook::engine::template::references_inside_shell_quotes(&template);
        let one = work(|| drop(runbook::engine::template::render_plain(&template, &resolver)));
        let four = template.repeat(4);
        let many = work(|| drop(runbook::engine::template::render_plain(&four, &resolver)));
        assert_linear(one, many, 64, "render_plain");
    }

    #[test]
    fn runbook_loader_never_panics(doc in prop::collection::vec(
        prop_oneof![
            Just("id: x\n"), Just("title: t\n"), Just("phases:\n"), Just("  - id: p\n    title: P\n    steps:\n"),
            Just("      - id: s\n        title: S\n"), Just("        run: {command: \"echo {{a}}\"}\n"),
            Just("        capture: [{name: a, regex: \"(\"}]\n"), Just("&a [*a]\n"), Just("{{x}}: y\n"),
            Just("- - -\n"), Just("'\n"), Just("\t\n"), Just("? [a]\n: b\n"), Just("--- \n"),
            Just("x: &big yyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyy\n"),
            Just("z: [*big, *big, *big, *big, *big, *big, *big, *big]\n"),
        ],
        0..20,
    ), noise in prop::collection::vec(any::<u8>(), 0..16), depth in 0usize..30_000, flow in any::<bool>()) {
        let mut bytes = doc.concat().into_bytes();
        bytes.extend(noise);
        // Deep nesting, block or flow, anywhere up to 30,000 levels: an error, never a stack overflow.
        let nest = if flow { "[".repeat(depth) } else { "- ".repeat(depth) };
        bytes.extend(nest.as_bytes());
        let _ = runbook::engine::load("fuzz.yaml", &bytes);
    }

    #[test]
    fn sim_program_loader_never_panics(pieces in prop::collection::vec(
        prop_oneof![
            Just("name: p\n"), Just("maps: {m: {}}\n"), Just("waitgroups: [wg]\n"), Just("goroutines:\n"),
            Just("- name: main\n  ops:\n"), Just("  - {op: go, goroutine: main, line: 1}\n"),
            Just("  - {op: loop, times: 4294967295, body: [{op: write, map: m, key: 'i%0', line: 2}]}\n"),
            Just("  - {op: wg_add, wg: wg, n: -9223372036854775808, line: 3}\n"), Just("x: &a yyyyyyyyyyyyyyyy\n"),
            Just("y: [*a, *a, *a, *a]\n"), Just("- - - - -\n"), Just("[[[[[[\n"), Just("'\n"),
        ],
        0..16,
    ), depth in 0usize..5_000) {
        let mut text = pieces.concat();
        text.push_str(&"- ".repeat(depth));
        if let Ok(program) = runbook::sim::Program::from_yaml(&text) {
            let opts = runbook::sim::SimOptions { max_steps: 20_000, ..runbook::sim::SimOptions::default() };
            let _ = runbook::sim::run(&program, &opts);
        }
    }

    #[test]
    fn journal_reader_never_panics(lines in prop::collection::vec(
        prop_oneof![
            Just(r#"{"type":"session_start","format":1}"#.to_string()),
            Just(r#"{"type":"step_started","step":"a","title":"A","ts":"t","offset_ms":1}"#.to_string()),
            Just(r#"{"type":"step_finished","step":"a","status":"passed","ts":"t","offset_ms":2}"#.to_string()),
            Just(r#"{"type":"output","step":"a","stream":"output","line":"x","ts":"t","offset_ms":3}"#.to_string()),
            (0usize..3000).prop_map(|n| format!(r#"{{"type":"capture","step":"a","name":"c","value":{}{}}}"#, "[".repeat(n), "]".repeat(n))),
            any::<String>(),
        ],
        0..30,
    )) {
        let text = lines.join("\n");
        let loaded = runbook::journal::reader::parse(text.as_bytes());
        prop_assert!(loaded.keep_len as usize <= text.len());
    }

    #[test]
    fn runbook_loader_work_is_linear(items in prop::collection::vec(
        prop_oneof![
            Just("  - {id: s%, title: S, run: {command: \"echo {{a}}\"}}\n"),
            Just("  - {id: s%, title: S, grep: {pattern: \"x(\"}}\n"),
            Just("  - {id: s%, title: S, next: s%}\n"),
            Just("  - {id: s%, title: S, capture: [{name: c%, regex: \"(a)\"}]}\n"),
        ],
        1..20,
    )) {
        // A runbook and the same runbook with four times the steps (ids kept unique).
        let doc = |copies: usize| {
            let steps: String = (0..copies)
                .flat_map(|c| items.iter().enumerate().map(move |(i, s)| s.replace('%', &format!("{c}_{i}"))))
                .collect();
            format!("id: x\ntitle: T\nphases:\n- id: p\n  title: P\n  steps:\n{steps}")
        };
        let (one, four) = (doc(1), doc(4));
        let w1 = work(|| drop(runbook::engine::load("fuzz.yaml", one.as_bytes())));
        let w4 = work(|| drop(runbook::engine::load("fuzz.yaml", four.as_bytes())));
        assert_linear(w1, w4, 512, "engine::load");
    }
}

/// Values for the template renderer: each name is a map holding a string, a list and a nested map, so field and
/// index paths resolve (or fail with a message) as they would against captures.
struct FuzzValues(runbook::engine::Value);

impl FuzzValues {
    fn new() -> Self {
        let value = serde_json::json!({"b": {"c": "it's $(x)"}, "list": ["x", "two words", ""], "0": "zero"});
        FuzzValues(runbook::engine::Value::from(value))
    }
}

impl runbook::engine::template::Resolver for FuzzValues {
    fn resolve(&self, reference: &runbook::engine::template::Reference) -> Result<runbook::engine::Value, String> {
        self.0.lookup(&reference.path).cloned()
    }
}
