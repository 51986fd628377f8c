//! `runbook triage` end to end: the real binary on the inventory incident's logs (tests/fixtures/incident, captured
//! from real runs of the service) and on other Go failures; JSON field names as documented in docs/cli.md.

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests: a panic is a failure with its message
use crate::common;

use serde_json::Value;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Output, Stdio};

fn incident(rel: &str) -> PathBuf {
    common::fixture("incident").join(rel)
}

fn triage(home: &Path, args: &[&str]) -> Output {
    common::runbook(home).current_dir(home).arg("triage").args(args).output().unwrap()
}

fn json(out: &Output) -> Value {
    serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}{}", String::from_utf8_lossy(&out.stdout), stderr(out)))
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn path(p: &Path) -> &str {
    p.to_str().unwrap()
}

#[test]
fn plain_crash_log_picks_the_map_runbook_and_names_the_services_line() {
    let home = tempfile::tempdir().unwrap();
    let service = incident("service");
    let log = incident("logs/crash.go1.27.log");
    let out = triage(home.path(), &["--json", "--repo", path(&service), path(&log)]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let v = json(&out);
    assert_eq!(v["runbook"], "go-map-concurrency");
    assert_eq!(v["candidates"][0]["id"], "go-map-concurrency");
    assert_eq!(v["candidates"][0]["source"], "bundled");
    assert_eq!(v["candidates"][0]["evidence"][0]["line"], 2);
    assert_eq!(v["candidates"][0]["evidence"][0]["text"], "fatal error: concurrent map writes");
    let t = &v["triage"];
    assert_eq!(t["failure"], "fatal error");
    assert_eq!(t["message"], "concurrent map writes");
    assert_eq!(t["operation"], "write");
    assert_eq!(t["goroutine"], 4);
    assert_eq!(t["at"]["line"], 2);
    assert_eq!(t["crash_time"], Value::Null, "a plain log has no shipper timestamps");
    let frame = &t["service_frame"];
    assert_eq!(frame["func"], "example.com/inventory/internal/stock.(*Store).Level");
    assert_eq!(frame["file"], "/go/src/app/internal/stock/stock.go");
    assert_eq!(frame["line"], 33);
    assert_eq!(frame["mapped"]["file"], "internal/stock/stock.go");
    assert_eq!(frame["mapped"]["mapping"]["kind"], "suffix");
    assert_eq!(frame["mapped"]["mapping"]["from"], "/go/src/app/");
    let files: Vec<&str> =
        t["service_frames"].as_array().unwrap().iter().map(|f| f["mapped"]["file"].as_str().unwrap()).collect();
    assert_eq!(files, ["internal/stock/stock.go", "internal/api/handlers.go", "internal/api/handlers.go"]);
    assert_eq!(t["go_version"]["version"], ">= 1.24");
    assert_eq!(t["module"], "example.com/inventory");
}

#[test]
fn kubectl_timestamped_log_gives_the_same_triage_and_the_crash_time() {
    let home = tempfile::tempdir().unwrap();
    let service = incident("service");
    let plain =
        json(&triage(home.path(), &["--json", "--repo", path(&service), path(&incident("logs/crash.go1.27.log"))]));
    let out =
        triage(home.path(), &["--json", "--repo", path(&service), path(&incident("logs/crash-kubectl.go1.27.log"))]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let v = json(&out);
    assert_eq!(v["runbook"], "go-map-concurrency");
    assert_eq!(v["triage"]["crash_time"], "2026-12-06T05:05:57.828332134Z");
    for field in ["failure", "message", "operation", "goroutine", "service_frames", "go_version"] {
        assert_eq!(v["triage"][field], plain["triage"][field], "{field}");
    }
}

#[test]
fn standard_input_and_gzip_are_read() {
    let home = tempfile::tempdir().unwrap();
    let bytes = std::fs::read(incident("logs/crash-kubectl.go1.27.log")).unwrap();
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    encoder.write_all(&bytes).unwrap();
    let gz = encoder.finish().unwrap();
    let gz_file = home.path().join("crash.log.gz");
    std::fs::write(&gz_file, &gz).unwrap();
    let from_file = json(&triage(home.path(), &["--json", path(&gz_file)]));
    assert_eq!(from_file["triage"]["message"], "concurrent map writes");
    for input in [bytes, gz] {
        let mut child = common::runbook(home.path())
            .current_dir(home.path())
            .args(["triage", "--json", "-"])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        child.stdin.take().unwrap().write_all(&input).unwrap();
        let out = child.wait_with_output().unwrap();
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        let v = json(&out);
        assert_eq!(v["runbook"], "go-map-concurrency");
        assert_eq!(v["triage"]["at"]["input"], "-");
        assert_eq!(v["triage"]["crash_time"], "2026-12-06T05:05:57.828332134Z");
    }
}

#[test]
fn the_current_directory_is_the_repository_and_trimpath_maps_by_module() {
    let home = tempfile::tempdir().unwrap();
    let out = common::runbook(home.path())
        .current_dir(incident("service"))
        .args(["triage", "--json"])
        .arg(incident("logs/crash_trimpath.go1.27.log"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let frame = &json(&out)["triage"]["service_frame"];
    assert_eq!(frame["file"], "example.com/inventory/internal/stock/stock.go");
    assert_eq!(frame["mapped"]["file"], "internal/stock/stock.go");
    assert_eq!(frame["mapped"]["mapping"]["kind"], "module");
}

#[test]
fn go_1_19_crash_shows_the_other_goroutine_in_the_same_function_and_the_version() {
    let home = tempfile::tempdir().unwrap();
    let service = incident("service");
    let v = json(&triage(home.path(), &["--json", "--repo", path(&service), path(&incident("logs/crash.go1.19.log"))]));
    let t = &v["triage"];
    assert_eq!(t["go_version"]["version"], "1.19");
    assert_eq!(t["go_version"]["clue"], "GOROOT /usr/lib/go-1.19");
    let same: Vec<(u64, &str, u64, &str)> = t["same_map"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| {
            let frame = &g["frame"];
            (
                g["id"].as_u64().unwrap(),
                frame["mapped"]["file"].as_str().unwrap(),
                frame["line"].as_u64().unwrap(),
                g["reason"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(same, [(11, "internal/stock/stock.go", 34, "same function")]);
}

#[test]
fn a_race_report_from_ci_points_at_the_racy_write() {
    let home = tempfile::tempdir().unwrap();
    let service = incident("service");
    for log in ["logs/race_test.go1.27.log", "logs/race_test.go1.19.log"] {
        let out = triage(home.path(), &["--json", "--repo", path(&service), path(&incident(log))]);
        assert_eq!(out.status.code(), Some(0), "{log}: {}", stderr(&out));
        let v = json(&out);
        assert_eq!(v["runbook"], "go-map-concurrency", "{log}");
        let t = &v["triage"];
        assert_eq!(t["failure"], "data race", "{log}");
        assert_eq!(t["operation"], "write", "{log}");
        assert_eq!(t["service_frame"]["mapped"]["file"], "internal/stock/stock.go", "{log}");
        assert_eq!(t["service_frame"]["line"], 33, "{log}");
        assert!(t["race_reports"].as_u64().unwrap() >= 2, "{log}");
        let evidence = v["candidates"][0]["evidence"].as_array().unwrap();
        assert!(evidence.iter().all(|e| e["text"].as_str().unwrap().trim().starts_with("runtime.map")), "{log}");
    }
}

#[test]
fn a_go_panic_no_runbook_is_for_matches_nothing_but_is_still_triaged() {
    let home = tempfile::tempdir().unwrap();
    let log = common::fixture("go/logs/nested_panic.go1.27.log");
    let out = triage(home.path(), &["--json", path(&log)]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let v = json(&out);
    assert_eq!(v["runbook"], Value::Null);
    assert_eq!(v["candidates"], serde_json::json!([]));
    assert_eq!(v["triage"]["failure"], "panic");
    assert_eq!(v["triage"]["message"], "handler failed: invalid field email");
    assert_eq!(v["triage"]["service_frame"]["func"], "main.handle.func1");
    let text = triage(home.path(), &[path(&log)]);
    assert_eq!(text.status.code(), Some(1));
    let stdout = String::from_utf8_lossy(&text.stdout);
    assert!(stdout.starts_with("panic: handler failed: invalid field email"), "{stdout}");
    assert!(stdout.contains("no runbook's match: fits this evidence"), "{stdout}");
}

#[test]
fn a_nil_dereference_from_the_parser_corpus_picks_go_nil() {
    let home = tempfile::tempdir().unwrap();
    let log = common::fixture("go/logs/nil_deref.go1.27.log");
    let v = json(&triage(home.path(), &["--json", path(&log)]));
    assert_eq!(v["runbook"], "go-nil");
    assert_eq!(v["triage"]["message"], "runtime error: invalid memory address or nil pointer dereference");
    assert_eq!(v["triage"]["service_frame"]["func"], "main.name");
}

#[test]
fn unreadable_input_and_a_bad_rewrite_exit_2_with_a_reason() {
    let home = tempfile::tempdir().unwrap();
    let out = triage(home.path(), &["/nonexistent/crash.log"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("cannot read /nonexistent/crash.log"), "{}", stderr(&out));
    let broken = home.path().join("broken.gz");
    std::fs::write(&broken, [0x1f, 0x8b, 0x08, 0x00, 0x00]).unwrap();
    let out = triage(home.path(), &[path(&broken)]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("cannot decompress"), "{}", stderr(&out));
    let log = incident("logs/crash.go1.27.log");
    let out = triage(home.path(), &["--map", "no-equals-sign", path(&log)]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("FROM=TO"), "{}", stderr(&out));
    assert!(!stderr(&out).contains("panicked"));
}

const USER_RUNBOOK: &str = "id: inventory-stock-race
title: \"Inventory: the stock store crashed\"
match:
  - 'internal/stock\\.\\(\\*Store\\)'
phases:
  - id: p
    title: P
    steps:
      - id: s
        title: Look at the store
";

#[test]
fn a_user_runbook_that_matches_is_picked_before_the_bundled_one_and_listed() {
    let home = tempfile::tempdir().unwrap();
    let dir = home.path().join("team-runbooks");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("inventory.yaml"), USER_RUNBOOK).unwrap();
    let log = incident("logs/crash.go1.27.log");
    let v = json(&triage(home.path(), &["--json", "--runbooks", path(&dir), path(&log)]));
    assert_eq!(v["runbook"], "inventory-stock-race");
    let ids: Vec<&str> = v["candidates"].as_array().unwrap().iter().map(|c| c["id"].as_str().unwrap()).collect();
    assert_eq!(ids, ["inventory-stock-race", "go-map-concurrency"]);
    assert_eq!(v["candidates"][0]["source"], path(&dir.join("inventory.yaml")));
    assert_eq!(v["candidates"][0]["evidence"][0]["line"], 7);
    let text = triage(home.path(), &["--runbooks", path(&dir), path(&log)]);
    let stdout = String::from_utf8_lossy(&text.stdout);
    let open = format!("runbook open {} --log {}", path(&dir.join("inventory.yaml")), path(&log));
    assert!(stdout.contains(&open), "a user runbook is opened by its path: {stdout}");

    // The same runbook in $XDG_CONFIG_HOME/runbook/runbooks is found without --runbooks, and listed with its source.
    let config = home.path().join("config/runbook/runbooks");
    std::fs::create_dir_all(&config).unwrap();
    std::fs::write(config.join("inventory.yaml"), USER_RUNBOOK).unwrap();
    let v = json(&triage(home.path(), &["--json", path(&log)]));
    assert_eq!(v["runbook"], "inventory-stock-race");
    let list = common::runbook(home.path()).arg("list").output().unwrap();
    let listed = String::from_utf8_lossy(&list.stdout);
    let line = listed.lines().find(|l| l.starts_with("inventory-stock-race ")).unwrap_or_else(|| panic!("{listed}"));
    assert!(line.ends_with(&format!("[{}]", path(&config.join("inventory.yaml")))), "{line}");
    assert!(listed.lines().any(|l| l.starts_with("go-map-concurrency ") && l.ends_with("[bundled]")), "{listed}");
}

#[test]
fn the_text_output_says_what_failed_first_and_how_to_open_the_runbook() {
    let home = tempfile::tempdir().unwrap();
    let service = incident("service");
    let log = incident("logs/crash-kubectl.go1.27.log");
    let out = triage(home.path(), &["--repo", path(&service), path(&log)]);
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8_lossy(&out.stdout);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines[0], "fatal error: concurrent map writes");
    assert!(text.contains("  time:           2026-12-06T05:05:57.828332134Z\n"), "{text}");
    assert!(
        text.contains(
            "  service frame:  internal/stock/stock.go:33  example.com/inventory/internal/stock.(*Store).Level\n"
        ),
        "{text}"
    );
    assert!(text.contains("mapped with /go/src/app/="), "{text}");
    assert!(text.contains(&format!("runbook open go-map-concurrency --log {}", path(&log))), "{text}");
}

#[test]
fn a_user_runbook_that_does_not_load_is_reported_not_silently_dropped() {
    let home = tempfile::tempdir().unwrap();
    let dir = home.path().join("team-runbooks");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("broken.yaml"), "id: broken\ntitle: B\nmatch: ['(']\nphases: []\n").unwrap();
    let out = triage(home.path(), &["--json", "--runbooks", path(&dir), path(&incident("logs/crash.go1.27.log"))]);
    assert_eq!(out.status.code(), Some(0), "the bundled runbook still matches");
    assert!(stderr(&out).contains("skipped a runbook that does not load"), "{}", stderr(&out));
    assert!(stderr(&out).contains("broken.yaml:3:9"), "{}", stderr(&out));
}

#[test]
fn empty_and_binary_input_are_triaged_as_nothing_found_without_a_panic() {
    let home = tempfile::tempdir().unwrap();
    let empty = home.path().join("empty.log");
    std::fs::write(&empty, b"").unwrap();
    let binary = home.path().join("core.bin");
    std::fs::write(&binary, (0..=255u8).cycle().take(70_000).collect::<Vec<u8>>()).unwrap();
    for file in [&empty, &binary] {
        let out = triage(home.path(), &["--json", path(file)]);
        assert_eq!(out.status.code(), Some(1), "{}: {}", file.display(), stderr(&out));
        let v = json(&out);
        assert_eq!(v["runbook"], Value::Null);
        assert_eq!(v["triage"]["failure"], Value::Null);
        let text = triage(home.path(), &[path(file)]);
        assert!(String::from_utf8_lossy(&text.stdout).starts_with("no Go crash or race report in the logs"));
    }
}

#[test]
fn a_journald_short_crash_gets_its_year_from_the_files_date_in_triage_and_in_the_evidence() {
    let home = tempfile::tempdir().unwrap();
    let log = home.path().join("relay.log");
    std::fs::copy(crate::common::fixture("shipped/relay.go1.27.journald-short.log"), &log).unwrap();
    let june_2023 = std::time::SystemTime::UNIX_EPOCH + std::time::Duration::from_secs(1_685_620_800);
    std::fs::File::options().write(true).open(&log).unwrap().set_modified(june_2023).unwrap();
    let triage = crate::common::runbook(home.path()).arg("triage").arg(&log).output().unwrap();
    let text = String::from_utf8_lossy(&triage.stdout);
    assert!(text.contains("time:           2023-12-06T05:07:50 (year 2023 from the file's date"), "{text}");
    let run = crate::common::runbook(home.path())
        .current_dir(home.path())
        .args(["run", "go-map-concurrency", "--headless", "--json", "--phase", "triage", "--log"])
        .arg(&log)
        .output()
        .unwrap();
    let events = crate::common::json_lines(&run);
    let evidence = events.iter().find(|e| e["type"] == "evidence").expect("an evidence event");
    assert_eq!(evidence["triage"]["crash_time"], "2023-12-06T05:07:50", "{evidence}");
    assert!(evidence["triage"]["crash_time_note"].as_str().unwrap().contains("year 2023 from the file's date"));
}
