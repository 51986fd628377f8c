//! Property tests (proptest): no input may make the Go-output parsers or the runbook loader panic or hang.
//! Inputs mix arbitrary bytes with lines cut from the real captured logs, so the generator reaches deep states.

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests: a panic is a failure with its message

use proptest::prelude::*;
use std::path::Path;

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
    #![proptest_config(ProptestConfig { cases: 400, ..ProptestConfig::default() })]

    #[test]
    fn parse_logs_never_panics(log in log_strategy()) {
        let report = runbook::golang::parse_logs(&[("fuzz".to_string(), log)]);
        let _ = runbook::golang::summary::render(&report);
        let _ = serde_json::to_string(&report).unwrap();
    }

    #[test]
    fn gctrace_parser_never_panics(log in log_strategy()) {
        let trace = runbook::golang::gctrace::parse(&String::from_utf8_lossy(&log));
        let _ = runbook::golang::gcview::render_chart(&trace.cycles, 60);
    }

    #[test]
    fn runbook_loader_never_panics(doc in prop::collection::vec(
        prop_oneof![
            Just("id: x\n"), Just("title: t\n"), Just("phases:\n"), Just("  - id: p\n    title: P\n    steps:\n"),
            Just("      - id: s\n        title: S\n"), Just("        run: {command: \"echo {{a}}\"}\n"),
            Just("        capture: [{name: a, regex: \"(\"}]\n"), Just("&a [*a]\n"), Just("{{x}}: y\n"),
            Just("- - -\n"), Just("'\n"), Just("\t\n"), Just("? [a]\n: b\n"), Just("--- \n"),
        ],
        0..20,
    ), noise in prop::collection::vec(any::<u8>(), 0..16)) {
        let mut bytes = doc.concat().into_bytes();
        bytes.extend(noise);
        let _ = runbook::engine::load("fuzz.yaml", &bytes);
    }
}
