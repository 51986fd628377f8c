//! Path mapping on the inventory incident (tests/fixtures/incident): the frames of crash logs built in
//! `/go/src/app`, `/build/inventory`, with `-trimpath`, and a race report from `/home/ci/src/inventory` all land on
//! the service's own files; and when the automatic mapping guesses wrong, `--map FROM=TO` corrects the session's
//! evidence, its blame and the report, and the journal keeps the correction.

// Helpers outside #[test] fns: a failed expect is a failed test with its message.
#![allow(clippy::expect_used, clippy::unwrap_used)]

use crate::common;

use runbook::golang::{parse_logs, ParseReport};
use runbook::locate::{MappingKind, PathMapper, Rewrite};
use std::path::{Path, PathBuf};
use std::process::Stdio;

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

const RACY_COMMIT: &str = "f9aba8a844121bab6f766cfe21f3b050f14c5c60";

/// The inventory repository with a decoy: an old copy of the service under `app/` (a legacy directory), so the
/// longest-suffix rule maps `/go/src/app/internal/stock/stock.go` to `app/internal/stock/stock.go`: a wrong guess.
fn repo_with_a_decoy(git: &Path, dir: &Path) -> PathBuf {
    let repo = common::incident_repo(git, dir);
    let stock = std::fs::read_to_string(repo.join("internal/stock/stock.go")).unwrap();
    common::write(&repo.join("app/internal/stock/stock.go"), stock);
    common::commit_all(git, &repo, "Legacy", 1_700_000_000, "keep the old app's copy");
    repo
}

/// The triage and locate phases headless on the plain crash log, with `maps` as `--map`; the JSON events.
fn run_located(home: &Path, repo: &Path, journal: &Path, maps: &[&str]) -> Vec<serde_json::Value> {
    let mut cmd = common::runbook(home);
    cmd.current_dir(home)
        .args(["run", "go-map-concurrency", "--headless", "--json", "--phase", "triage", "--phase", "locate"])
        .arg("--log")
        .arg(common::fixture("incident/logs/crash.go1.27.log"))
        .arg("--var")
        .arg(format!("repo={}", repo.display()))
        .arg("--journal")
        .arg(journal)
        .stdin(Stdio::null());
    for map in maps {
        cmd.args(["--map", map]);
    }
    let out = cmd.output().unwrap();
    common::json_lines(&out)
}

fn report(home: &Path, journal: &Path) -> serde_json::Value {
    let out = common::runbook(home).args(["report"]).arg(journal).args(["--format", "json"]).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).unwrap()
}

#[test]
fn a_wrong_suffix_guess_is_corrected_by_map_in_the_evidence_the_blame_and_the_report() {
    let Some(git) = common::git_tool() else { return };
    let dir = tempfile::tempdir().unwrap();
    let repo = repo_with_a_decoy(&git, dir.path());

    // Without --map: the suffix rule takes the decoy, and says so.
    let guessed = dir.path().join("guessed.jsonl");
    let events = run_located(dir.path(), &repo, &guessed, &[]);
    let evidence = events.iter().find(|e| e["type"] == "evidence").expect("an evidence event");
    let site = &evidence["triage"]["service_frame"];
    assert_eq!(site["file"], "app/internal/stock/stock.go", "{site}");
    assert_eq!(site["mapped_by"], "by suffix /go/src/=", "{site}");
    assert_eq!(report(dir.path(), &guessed)["root_cause"]["site"]["file"], "app/internal/stock/stock.go");

    // With --map: the user's rewrite wins everywhere.
    let corrected = dir.path().join("corrected.jsonl");
    let events = run_located(dir.path(), &repo, &corrected, &["/go/src/app/="]);
    let evidence = events.iter().find(|e| e["type"] == "evidence").expect("an evidence event");
    let triage = &evidence["triage"];
    assert_eq!(triage["service_frame"]["file"], "internal/stock/stock.go", "{triage}");
    assert_eq!(triage["service_frame"]["mapped_by"], "by your rewrite /go/src/app/=");
    assert_eq!(triage["mapping"], "by your rewrite /go/src/app/=");
    assert_eq!(triage["rewrites"], serde_json::json!(["/go/src/app/="]), "the journal records the rewrite");
    let blame = events
        .iter()
        .find(|e| e["type"] == "capture" && e["name"] == "crash_blame")
        .unwrap_or_else(|| panic!("no crash_blame capture: {events:#?}"));
    assert_eq!(blame["value"][0]["commit"], RACY_COMMIT, "{blame}");

    // The report reads the mapping from the journal: no --map needed.
    let rc = &report(dir.path(), &corrected)["root_cause"];
    assert_eq!(rc["site"]["file"], "internal/stock/stock.go", "{rc:#}");
    assert_eq!(rc["site"]["line"], 33);
    let located = rc["located"].as_array().unwrap();
    assert!(
        located.iter().any(|l| l["file"] == "internal/stock/stock.go" && l["line"] == 33 && l["commit"] == RACY_COMMIT),
        "{rc:#}"
    );
}

#[test]
fn a_bad_map_is_refused_up_front_naming_the_flag() {
    let home = tempfile::tempdir().unwrap();
    let out = common::runbook(home.path())
        .current_dir(home.path())
        .args(["run", "go-map-concurrency", "--headless", "--map", "/go/src/app", "--log"])
        .arg(common::fixture("incident/logs/crash.go1.27.log"))
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("--map /go/src/app") && err.contains("FROM=TO"), "{err}");
}

#[test]
fn resume_with_map_triages_the_stored_evidence_again_and_the_interrupted_blame_uses_it() {
    let Some(git) = common::git_tool() else { return };
    let dir = tempfile::tempdir().unwrap();
    let repo = repo_with_a_decoy(&git, dir.path());
    let full = dir.path().join("full.jsonl");
    run_located(dir.path(), &repo, &full, &[]);
    // The session died while blaming the crash's line: its journal ends at that step's start.
    let text = std::fs::read_to_string(&full).unwrap();
    let cut = text.find("{\"type\":\"step_started\",\"step\":\"blame_crash\"").expect("blame_crash started");
    let end = cut + text[cut..].find('\n').unwrap() + 1;
    let journal = dir.path().join("died.jsonl");
    std::fs::write(&journal, &text[..end]).unwrap();

    let out = common::runbook(dir.path())
        .current_dir(dir.path())
        .arg("resume")
        .arg(&journal)
        .args(["--headless", "--json", "--phase", "triage", "--phase", "locate", "--map", "/go/src/app/="])
        .stdin(Stdio::null())
        .output()
        .unwrap();
    let events = common::json_lines(&out);
    let evidence = events.iter().find(|e| e["type"] == "evidence").expect("the evidence triaged again");
    assert_eq!(evidence["triage"]["service_frame"]["file"], "internal/stock/stock.go", "{evidence}");
    assert_eq!(evidence["triage"]["rewrites"], serde_json::json!(["/go/src/app/="]));
    let blame = events
        .iter()
        .find(|e| e["type"] == "capture" && e["name"] == "crash_blame")
        .unwrap_or_else(|| panic!("no crash_blame: {events:#?}\n{}", String::from_utf8_lossy(&out.stderr)));
    assert_eq!(blame["value"][0]["commit"], RACY_COMMIT, "{blame}");
    let rc = &report(dir.path(), &journal)["root_cause"];
    assert_eq!(rc["site"]["file"], "internal/stock/stock.go", "{rc:#}");
}
