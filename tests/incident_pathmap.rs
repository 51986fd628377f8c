//! Path mapping on the inventory incident (tests/fixtures/incident): the frames of crash logs built in
//! `/go/src/app`, `/build/inventory`, with `-trimpath`, and a race report from `/home/ci/src/inventory` all land on
//! the service's own files.

// Helpers outside #[test] fns: a failed expect is a failed test with its message.
#![allow(clippy::expect_used, clippy::unwrap_used)]

use runbook::golang::{parse_logs, ParseReport};
use runbook::locate::{MappingKind, PathMapper, Rewrite};
use std::path::PathBuf;

fn incident() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/incident")
}

fn parse(log: &str) -> ParseReport {
    let path = incident().join("logs").join(log);
    let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    parse_logs(&[(log.to_string(), bytes)])
}

fn service() -> PathMapper {
    PathMapper::for_repo(&incident().join("service"))
}

#[test]
fn the_service_module_path_is_read_from_go_mod() {
    assert_eq!(service().module(), Some("example.com/inventory"));
}

#[test]
fn crash_frames_from_every_build_directory_map_to_the_racy_file() {
    let mapper = service();
    for (log, kind, rewrite) in [
        ("crash.go1.27.log", MappingKind::Suffix, "/go/src/app/="),
        ("crash-kubectl.go1.27.log", MappingKind::Suffix, "/go/src/app/="),
        ("crash.go1.19.log", MappingKind::Suffix, "/go/src/app/="),
        ("crash_all.go1.27.log", MappingKind::Suffix, "/build/inventory/="),
        ("crash_trimpath.go1.27.log", MappingKind::Module, "example.com/inventory/="),
    ] {
        let report = parse(log);
        let frame = report.crash().and_then(|c| c.user_frame.clone()).expect("a crash with a user frame");
        assert_eq!(frame.line, 33, "{log}");
        let mapped = mapper.map(&frame.file).unwrap_or_else(|| panic!("{log}: {} not mapped", frame.file));
        assert_eq!(mapped.file, "internal/stock/stock.go", "{log}");
        assert_eq!((mapped.mapping.kind, mapped.mapping.rewrite().as_str()), (kind, rewrite), "{log}");
    }
}

#[test]
fn every_service_frame_of_the_crash_maps_and_no_standard_library_frame_does() {
    let mapper = service();
    let report = parse("crash.go1.27.log");
    let crash = report.crash().expect("crash");
    let frames = &crash.goroutines[0].frames;
    let mapped: Vec<(String, Option<String>)> =
        frames.iter().map(|f| (f.func.clone(), mapper.map(&f.file).map(|m| m.file))).collect();
    for (func, file) in &mapped {
        let ours = func.starts_with("example.com/inventory/");
        assert_eq!(file.is_some(), ours, "{func} -> {file:?}");
    }
    let files: Vec<&str> = mapped.iter().filter_map(|(_, f)| f.as_deref()).collect();
    assert_eq!(files, ["internal/stock/stock.go", "internal/api/handlers.go", "internal/api/handlers.go"]);
}

#[test]
fn race_report_sites_from_ci_map_to_the_service_and_its_test() {
    let mapper = service();
    for log in ["race_test.go1.27.log", "race_test.go1.19.log"] {
        let report = parse(log);
        let mut files: Vec<String> = report.sites.iter().filter_map(|s| mapper.map(&s.file)).map(|m| m.file).collect();
        files.sort();
        files.dedup();
        assert!(files.contains(&"internal/stock/stock.go".to_string()), "{log}: {files:?}");
        for site in &report.sites {
            let mapped = mapper.map(&site.file).expect("every racing site is the service's");
            assert_eq!(mapped.mapping.rewrite(), "/home/ci/src/inventory/=", "{log}");
        }
    }
}

#[test]
fn a_user_rewrite_wins_over_the_automatic_mapping_and_says_so() {
    // The suffix rule would find the file too; the user's word is the one reported.
    let rewrite: Rewrite = "/go/src/app/svc/=".parse().expect("rewrite");
    let mapper = service().with_rewrites(vec![rewrite]);
    let mapped = mapper.map("/go/src/app/svc/internal/stock/stock.go").expect("mapped");
    assert_eq!(mapped.file, "internal/stock/stock.go");
    assert_eq!(mapped.mapping.kind, MappingKind::User);
    assert_eq!(mapped.mapping.rewrite(), "/go/src/app/svc/=");
}
