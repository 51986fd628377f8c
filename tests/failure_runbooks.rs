//! The bundled runbooks beyond the map race (go-nil, go-sync-misuse, go-deadlock, go-memory), run headless on
//! real Go output: the captures in tests/fixtures/failures/logs (Go 1.19.8 and 1.27.3, made by
//! tests/fixtures/failures/capture.sh from the runbooks' own practice programs in assets/). Each run works on a
//! git copy of the practice program as the service's repository, so the locate steps find real lines and commits.

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests: a panic is a failure with its message
use crate::common;

use serde_json::Value;
use std::path::{Path, PathBuf};

const VERSIONS: [&str; 2] = ["go1.19", "go1.27"];

fn capture_log(name: &str, version: &str) -> PathBuf {
    common::fixture(&format!("failures/logs/{name}.{version}.log"))
}

/// A git repository holding a copy of `assets/ASSET` (the captures' paths, /tmp/runbook-failures/ASSET/…, map
/// into it by suffix), committed once by "Dana".
fn service_repo(git: &Path, dir: &Path, asset: &str) -> PathBuf {
    let repo = dir.join("service");
    let source = Path::new(env!("CARGO_MANIFEST_DIR")).join("assets").join(asset);
    for entry in std::fs::read_dir(&source).unwrap() {
        let entry = entry.unwrap();
        if entry.file_type().unwrap().is_file() {
            common::write(&repo.join(entry.file_name()), std::fs::read(entry.path()).unwrap());
        }
    }
    common::git(git, &repo, &["init", "-q"]);
    common::commit_all(git, &repo, "Dana", 1_790_000_000, "the service as it crashed");
    repo
}

/// `runbook run ID --headless --json --log LOG --var repo=REPO ARGS…`: the JSON events.
fn run_headless(home: &Path, id: &str, log: &Path, repo: &Path, args: &[&str]) -> Vec<Value> {
    let out = common::runbook(home)
        .current_dir(home)
        .args(["run", id, "--headless", "--json", "--log"])
        .arg(log)
        .arg("--var")
        .arg(format!("repo={}", repo.display()))
        .args(args)
        .output()
        .unwrap();
    let events = common::json_lines(&out);
    assert!(
        events.iter().any(|e| e["type"] == "run_finished"),
        "no run_finished: {}\n{events:#?}",
        String::from_utf8_lossy(&out.stderr)
    );
    events
}

fn finished<'a>(events: &'a [Value], step: &str) -> &'a Value {
    events
        .iter()
        .find(|e| e["type"] == "step_finished" && e["step"] == step)
        .unwrap_or_else(|| panic!("step {step} did not finish: {events:#?}"))
}

fn captured<'a>(events: &'a [Value], name: &str) -> &'a Value {
    events
        .iter()
        .find(|e| e["type"] == "capture" && e["name"] == name)
        .map(|e| &e["value"])
        .unwrap_or_else(|| panic!("no capture {name}: {events:#?}"))
}

fn grep_texts(value: &Value) -> Vec<String> {
    value.as_array().unwrap().iter().map(|m| m["text"].as_str().unwrap().trim().to_string()).collect()
}

fn triage_pick(home: &Path, log: &Path) -> Value {
    let out = common::runbook(home).current_dir(home).args(["triage", "--json"]).arg(log).output().unwrap();
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("not JSON ({e}): {out:?}"))
}

#[test]
fn go_nil_on_a_real_nil_map_write_blames_the_write_and_finds_the_literal_that_skipped_the_constructor() {
    let Some(git) = common::git_tool() else { return };
    for version in VERSIONS {
        let home = tempfile::tempdir().unwrap();
        let repo = service_repo(&git, home.path(), "go-nil");
        let log = capture_log("nil_map", version);
        let events = run_headless(home.path(), "go-nil", &log, &repo, &["--phase", "triage", "--phase", "locate"]);
        let triage = &events.iter().find(|e| e["type"] == "evidence").expect("an evidence event")["triage"];
        assert_eq!(triage["kind"], "panic", "{version}: {triage}");
        assert_eq!(triage["message"], "assignment to entry in nil map", "{version}");
        assert_eq!(triage["service_frame"]["file"], "inventory.go", "{version}: {triage}");
        assert_eq!(triage["service_frame"]["line"], 29);
        assert_eq!(triage["service_frame"]["function"], "main.(*Inventory).Add");
        // The path on which the map stayed nil: the caller that built the literal is two frames down.
        let path: Vec<_> = triage["frames"].as_array().unwrap().iter().map(|f| f["function"].clone()).collect();
        assert_eq!(path, ["main.(*Inventory).Add", "main.restock", "main.main"], "{version}");
        for step in ["evidence", "read_crash", "blame_crash", "nil_fields", "zero_values"] {
            assert_eq!(finished(&events, step)["status"], "passed", "{version} {step}: {events:#?}");
        }
        let blame = captured(&events, "crash_blame");
        assert_eq!(blame[0]["line"], 29, "{blame}");
        assert_eq!(blame[0]["author"], "Dana");
        assert_eq!(blame[0]["text"], "\tinv.counts[sku] += n");
        let fields = grep_texts(captured(&events, "nil_fields"));
        assert_eq!(fields, ["counts map[string]int", "limits *Limits"], "{version}");
        // The literal on the crash's path, and nothing from comments.
        let zero = captured(&events, "zero_values");
        assert_eq!(grep_texts(zero), ["inv := &Inventory{} // the path that skipped NewInventory: counts stays nil"]);
        assert!(zero[0]["path"].as_str().unwrap().ends_with("/main.go"), "{zero}");
        assert_eq!(zero[0]["line"], 21);
        let located = events.iter().find(|e| e["type"] == "milestone" && e["milestone"] == "located");
        assert_eq!(located.map(|e| e["step"].clone()), Some("blame_crash".into()), "{version}");
    }
}

#[test]
fn go_nil_on_a_real_nil_pointer_sigsegv_reads_the_signal_and_takes_the_fix_choice() {
    let Some(git) = common::git_tool() else { return };
    for version in VERSIONS {
        let home = tempfile::tempdir().unwrap();
        let repo = service_repo(&git, home.path(), "go-nil");
        let log = capture_log("nil_pointer", version);
        let args = ["--phase", "triage", "--phase", "locate", "--phase", "fix", "--answer", "fix_choice=required"];
        let events = run_headless(home.path(), "go-nil", &log, &repo, &args);
        let triage = &events.iter().find(|e| e["type"] == "evidence").expect("an evidence event")["triage"];
        assert_eq!(triage["message"], "runtime error: invalid memory address or nil pointer dereference");
        assert_eq!(triage["service_frame"]["line"], 39, "{version}: {triage}");
        assert_eq!(triage["service_frame"]["function"], "main.(*Inventory).Allowed");
        let crash = &captured(&events, "crash")["crashes"][0];
        assert_eq!(crash["signal"]["name"], "SIGSEGV", "{version}: {crash}");
        assert_eq!(crash["signal"]["addr"], "0x0", "{version}: {crash}");
        assert_eq!(captured(&events, "crash_blame")[0]["text"], "\treturn n <= inv.limits.MaxPerOrder");
        assert_eq!(captured(&events, "fix")["option"], "required");
        assert_eq!(finished(&events, "fix_required")["status"], "passed", "{events:#?}");
        // The other fixes are branches not taken, and the change steps wait for --yes.
        assert!(!events.iter().any(|e| e["type"] == "step_started" && e["step"] == "fix_lazy"));
        assert_eq!(finished(&events, "fix_check")["status"], "skipped");
    }
}

#[test]
fn triage_picks_go_nil_for_both_real_nil_crashes_and_the_kubectl_timestamped_one() {
    let home = tempfile::tempdir().unwrap();
    for version in VERSIONS {
        for name in ["nil_map", "nil_pointer", "nil_map_kubectl"] {
            let v = triage_pick(home.path(), &capture_log(name, version));
            assert_eq!(v["runbook"], "go-nil", "{name}.{version}: {v}");
            let ids: Vec<_> = v["candidates"].as_array().unwrap().iter().map(|c| c["id"].clone()).collect();
            assert_eq!(ids, ["go-nil"], "{name}.{version}: only one runbook fits");
        }
    }
    let pointer = triage_pick(home.path(), &capture_log("nil_pointer", "go1.27"));
    let lines: Vec<_> =
        pointer["candidates"][0]["evidence"].as_array().unwrap().iter().map(|l| l["line"].clone()).collect();
    assert_eq!(lines, [1, 2], "the panic line and the SIGSEGV line are the evidence: {pointer}");
}

#[test]
fn every_bundled_runbook_passes_check_without_warnings() {
    let home = tempfile::tempdir().unwrap();
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("runbooks");
    for entry in std::fs::read_dir(&dir).unwrap() {
        let file = entry.unwrap().path();
        let id = file.display();
        let out = common::runbook(home.path()).arg("check").arg(&file).output().unwrap();
        let (stdout, stderr) = (String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
        assert_eq!(out.status.code(), Some(0), "{id}: {stderr}");
        assert!(stdout.contains(": ok (") && stderr.is_empty(), "{id}: {stdout}{stderr}");
    }
}

/// The practice phase of `id` with the Go toolchain of `go_env_var`, all observe steps, headless.
fn practice_with(id: &str, go_env_var: &str) -> Option<Vec<Value>> {
    let go = common::tool(go_env_var, "go")?;
    let home = tempfile::tempdir().unwrap();
    let mut cmd = common::runbook(home.path());
    common::go_env(&mut cmd, &go, home.path());
    let out =
        cmd.current_dir(home.path()).args(["run", id, "--headless", "--json", "--phase", "practice"]).output().unwrap();
    Some(common::json_lines(&out))
}

fn go_nil_practice(go_env_var: &str) {
    let Some(events) = practice_with("go-nil", go_env_var) else { return };
    for (step, code) in [("repro_map", 2), ("repro_pointer", 2), ("practice_fixed", 0)] {
        let f = finished(&events, step);
        assert_eq!(f["status"], "passed", "{step}: {events:#?}");
        assert_eq!(f["exit_code"], code, "{step}");
    }
    let crash = &captured(&events, "practice_crash")["crashes"][0];
    assert_eq!(crash["user_frame"]["func"], "main.(*Inventory).Allowed", "{crash}");
    assert_eq!(crash["signal"]["addr"], "0x0");
}

#[test]
fn go_nil_practice_crashes_both_ways_and_the_fixed_path_passes_with_go_1_27() {
    go_nil_practice("RUNBOOK_GO");
}

#[test]
fn go_nil_practice_crashes_both_ways_and_the_fixed_path_passes_with_go_1_19() {
    go_nil_practice("RUNBOOK_GO119");
}

/// The five misuses as captured: the log's name, the kind and message the triage reads, the service line the
/// crash names (pipeline.go), and that line's text as blamed.
const SYNC_CASES: [(&str, &str, &str, u64, &str); 5] = [
    ("sync_send_closed", "panic", "send on closed channel", 30, "\tresults <- \"retried \" + job"),
    ("sync_close_closed", "panic", "close of closed channel", 40, "func (s *server) onSignal() { close(s.quit) }"),
    ("sync_negative_wg", "panic", "sync: negative WaitGroup counter", 51, "\t\t\t\treturn"),
    (
        "sync_unlock_unlocked",
        "fatal error",
        "sync: unlock of unlocked mutex",
        67,
        "\t\tc.mu.Unlock() // an early return copied from below, without the Lock",
    ),
    (
        "sync_runlock_unlocked",
        "fatal error",
        "sync: RUnlock of unlocked RWMutex",
        80,
        "\t\tc.rw.RUnlock() // a second unlock left from a refactor",
    ),
];

#[test]
fn go_sync_misuse_on_each_real_crash_blames_the_second_party_and_lists_the_owners() {
    let Some(git) = common::git_tool() else { return };
    let home = tempfile::tempdir().unwrap();
    let repo = service_repo(&git, home.path(), "go-sync");
    for version in VERSIONS {
        for (name, kind, message, line, text) in SYNC_CASES {
            let log = capture_log(name, version);
            let events =
                run_headless(home.path(), "go-sync-misuse", &log, &repo, &["--phase", "triage", "--phase", "locate"]);
            let triage = &events.iter().find(|e| e["type"] == "evidence").expect("an evidence event")["triage"];
            assert_eq!(triage["kind"], kind, "{name}.{version}: {triage}");
            assert_eq!(triage["message"], message, "{name}.{version}");
            // The service's frame, below the sync and runtime frames of the toolchain.
            assert_eq!(triage["service_frame"]["file"], "pipeline.go", "{name}.{version}: {triage}");
            assert_eq!(triage["service_frame"]["line"], line, "{name}.{version}");
            assert_eq!(captured(&events, "crash_blame")[0]["text"], text, "{name}.{version}");
            let owners = grep_texts(captured(&events, "owners"));
            for party in [
                "close(results) // every expected result is in; a retry below still sends",
                "results <- \"retried \" + job",
                "defer wg.Done()",
                "c.mu.Unlock() // an early return copied from below, without the Lock",
                "c.rw.RLock()",
            ] {
                assert!(owners.iter().any(|o| o == party), "{name}.{version}: {party} not in {owners:?}");
            }
            assert!(!owners.iter().any(|o| o.contains("<-results")), "a receive is not a send: {owners:?}");
        }
    }
}

#[test]
fn triage_picks_go_sync_misuse_for_each_real_misuse_and_nothing_else() {
    let home = tempfile::tempdir().unwrap();
    for version in VERSIONS {
        for (name, kind, message, _, _) in SYNC_CASES {
            let v = triage_pick(home.path(), &capture_log(name, version));
            let ids: Vec<_> = v["candidates"].as_array().unwrap().iter().map(|c| c["id"].clone()).collect();
            assert_eq!(ids, ["go-sync-misuse"], "{name}.{version}: {v}");
            assert_eq!(v["candidates"][0]["evidence"][0]["text"], format!("{kind}: {message}"));
        }
    }
}

fn go_sync_practice(go_env_var: &str) {
    let Some(events) = practice_with("go-sync-misuse", go_env_var) else { return };
    let f = finished(&events, "practice_runs");
    assert_eq!(f["status"], "passed", "{events:#?}");
}

#[test]
fn go_sync_practice_breaks_each_rule_with_the_documented_message_with_go_1_27() {
    go_sync_practice("RUNBOOK_GO");
}

#[test]
fn go_sync_practice_breaks_each_rule_with_the_documented_message_with_go_1_19() {
    go_sync_practice("RUNBOOK_GO119");
}

#[test]
fn list_shows_each_runbooks_signatures_under_it_and_none_for_the_drill() {
    let home = tempfile::tempdir().unwrap();
    let out = common::runbook(home.path()).arg("list").output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    let lines: Vec<&str> = text.lines().collect();
    let at = |id: &str| lines.iter().position(|l| l.starts_with(&format!("{id} "))).unwrap_or_else(|| panic!("{text}"));
    let signatures = |id: &str| -> Vec<&str> {
        lines[at(id) + 1..].iter().map_while(|l| l.trim_start().strip_prefix("matches: ")).collect()
    };
    assert!(signatures("drill-go-map").is_empty(), "{text}");
    assert_eq!(signatures("go-map-concurrency").len(), 2, "{text}");
    let nil = signatures("go-nil");
    assert!(nil.iter().any(|s| s.contains("assignment to entry in nil map")), "{text}");
    assert!(nil.iter().any(|s| s.contains("SIGSEGV")), "{text}");
    assert!(signatures("go-deadlock").iter().any(|s| s.contains("all goroutines are asleep")), "{text}");
    assert!(signatures("go-memory").iter().any(|s| s.contains("OOMKilled")), "{text}");
    let sync = signatures("go-sync-misuse").join("\n");
    for message in [
        "send on closed channel",
        "close of closed channel",
        "negative WaitGroup counter",
        "unlock of unlocked mutex",
        "RUnlock of unlocked RWMutex",
    ] {
        assert!(sync.contains(message), "{message}: {text}");
    }
}

/// The two debug=2 dumps of the stuck service, 95 s apart, in one file as `curl … >> dumps.txt` twice makes it.
fn two_dumps_in_one_file(dir: &Path, version: &str) -> PathBuf {
    let mut text = std::fs::read(capture_log("deadlock_stuck_dump1", version)).unwrap();
    text.extend(std::fs::read(capture_log("deadlock_stuck_dump2", version)).unwrap());
    let file = dir.join(format!("dumps.{version}.txt"));
    std::fs::write(&file, text).unwrap();
    file
}

#[test]
fn go_deadlock_on_two_real_dumps_finds_the_growing_bucket_the_lock_and_the_inversion() {
    let Some(git) = common::git_tool() else { return };
    for version in VERSIONS {
        let home = tempfile::tempdir().unwrap();
        let repo = service_repo(&git, home.path(), "go-deadlock");
        let log = two_dumps_in_one_file(home.path(), version);
        let events = run_headless(home.path(), "go-deadlock", &log, &repo, &["--phase", "triage", "--phase", "locate"]);
        let triage = &events.iter().find(|e| e["type"] == "evidence").expect("an evidence event")["triage"];
        assert_eq!(triage["kind"], "goroutine dump", "{version}: {triage}");
        // The later dump is the process as it is now; its largest group waits in Transfer on mu.
        assert!(triage["message"].as_str().unwrap().starts_with('4'), "{version}: {}", triage["message"]);
        assert_eq!(triage["service_frame"]["file"], "ledger.go", "{version}: {triage}");
        assert_eq!(triage["service_frame"]["line"], 31);
        for step in ["evidence", "read_dump", "waits_on", "blame_wait", "lock_order"] {
            assert_eq!(finished(&events, step)["status"], "passed", "{version} {step}: {events:#?}");
        }
        let dump = captured(&events, "dump");
        assert_eq!(dump["crashes"].as_array().unwrap().len(), 2, "{version}: two dumps in one file");
        let grew = &dump["dump_changes"][0]["buckets"][0];
        assert_eq!(grew["user_frame"]["func"], "main.(*Ledger).Transfer", "{version}: {grew}");
        let (before, after) = (grew["before"].as_u64().unwrap(), grew["after"].as_u64().unwrap());
        assert!(before > 10 && after > before + 300, "{version}: {before} → {after}");
        let biggest = &dump["crashes"][1]["buckets"][0];
        assert!(biggest["waiting_minutes"].as_u64().unwrap() > 100, "{version}: {biggest}");
        assert_eq!(biggest["max_wait_minutes"], 1, "{version}: waits of 95 s or less read as 1 minute");
        // The pair of the inversion: alone in their buckets, in record (holds mu) and Report (holds statsMu).
        let singles: Vec<&str> = dump["crashes"][1]["buckets"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|b| b["count"] == 1)
            .filter_map(|b| b["user_frame"]["func"].as_str())
            .collect();
        assert!(
            singles.contains(&"main.(*Ledger).record") && singles.contains(&"main.(*Ledger).Report"),
            "{singles:?}"
        );
        // The lock everyone waits on: one address with hundreds of waiters, another with the pair's one each.
        let addresses = captured(&events, "wait_addresses").as_str().unwrap().to_string();
        let counts: Vec<u64> = addresses.lines().filter_map(|l| l.split_whitespace().next()?.parse().ok()).collect();
        assert!(counts.len() == 2 && counts[0] > 300 && counts[1] == 2, "{version}: {addresses}");
        assert_eq!(captured(&events, "wait_blame")[0]["text"], "\tl.mu.Lock()");
        let sites = grep_texts(captured(&events, "lock_sites"));
        for call in ["l.mu.Lock()", "l.statsMu.Lock()", "wg.Wait()"] {
            assert!(sites.iter().any(|s| s == call), "{version}: {call} not in {sites:?}");
        }
    }
}

#[test]
fn triage_picks_go_deadlock_for_all_asleep_a_hung_test_a_sigquit_and_minute_long_waits() {
    let home = tempfile::tempdir().unwrap();
    for version in VERSIONS {
        for name in ["deadlock_all_asleep", "deadlock_test_timeout", "deadlock_sigquit", "deadlock_stuck_dump2"] {
            let v = triage_pick(home.path(), &capture_log(name, version));
            let ids: Vec<_> = v["candidates"].as_array().unwrap().iter().map(|c| c["id"].clone()).collect();
            assert_eq!(ids, ["go-deadlock"], "{name}.{version}: {v}");
        }
        // The first dump was taken 5 s in: nothing has waited a minute, nothing says deadlock.
        let early = triage_pick(home.path(), &capture_log("deadlock_stuck_dump1", version));
        assert_eq!(early["runbook"], Value::Null, "{version}: {early}");
        assert_eq!(early["triage"]["failure"], "goroutine dump");
    }
    let asleep = triage_pick(home.path(), &capture_log("deadlock_all_asleep", "go1.19"));
    assert_eq!(asleep["triage"]["service_frame"]["func"], "main.batch", "{asleep}");
}

fn go_deadlock_practice(go_env_var: &str) {
    let Some(events) = practice_with("go-deadlock", go_env_var) else { return };
    for (step, code) in [("repro_asleep", 2), ("repro_service", 2), ("practice_test", 0)] {
        let f = finished(&events, step);
        assert_eq!(f["status"], "passed", "{step}: {events:#?}");
        assert_eq!(f["exit_code"], code, "{step}");
    }
    let dump = &captured(&events, "practice_dump")["crashes"][0];
    assert_eq!(dump["buckets"][0]["user_frame"]["func"], "main.(*Ledger).Transfer", "{dump}");
}

#[test]
fn go_deadlock_practice_hangs_three_ways_and_the_ordered_locks_finish_with_go_1_27() {
    go_deadlock_practice("RUNBOOK_GO");
}

#[test]
fn go_deadlock_practice_hangs_three_ways_and_the_ordered_locks_finish_with_go_1_19() {
    go_deadlock_practice("RUNBOOK_GO119");
}

#[test]
fn go_memory_on_a_real_out_of_memory_reads_the_growing_heap_and_blames_the_cache() {
    let Some(git) = common::git_tool() else { return };
    for version in VERSIONS {
        let home = tempfile::tempdir().unwrap();
        let repo = service_repo(&git, home.path(), "go-memory");
        let log = capture_log("memory_oom", version);
        let events = run_headless(home.path(), "go-memory", &log, &repo, &["--phase", "triage", "--phase", "locate"]);
        let triage = &events.iter().find(|e| e["type"] == "evidence").expect("an evidence event")["triage"];
        assert_eq!(triage["kind"], "fatal error", "{version}: {triage}");
        assert_eq!(triage["message"], "out of memory", "{version}: not `runtime: out of memory`");
        assert_eq!(triage["service_frame"]["file"], "cache.go", "{version}: {triage}");
        assert_eq!(triage["service_frame"]["line"], 14);
        for step in ["evidence", "read_gc", "blame_alloc", "holders"] {
            assert_eq!(finished(&events, step)["status"], "passed", "{version} {step}: {events:#?}");
        }
        let cycles = captured(&events, "gc")["gc"]["cycles"].as_array().unwrap().clone();
        let live: Vec<u64> = cycles.iter().map(|c| c["heap_mb"][2].as_u64().unwrap()).collect();
        assert!(live.len() >= 4 && live.windows(2).all(|w| w[1] >= w[0]), "{version}: live heap {live:?}");
        assert_eq!(captured(&events, "alloc_blame")[0]["text"], "\tc.entries[key] = append([]byte(nil), response...)");
        let holders = grep_texts(captured(&events, "holders"));
        assert!(holders.iter().any(|h| h == "c.entries[key] = append([]byte(nil), response...)"), "{holders:?}");
    }
}

#[test]
fn gc_limit_tells_a_growing_heap_from_a_flat_one_on_real_traces() {
    let home = tempfile::tempdir().unwrap();
    for version in VERSIONS {
        for (name, verdict) in [
            ("memory_oom", "still growing in the second half"),
            ("memory_gc_pressure", "flat in the second half"),
            ("memory_bounded", "flat in the second half"),
        ] {
            let out = common::runbook(home.path())
                .args(["gc", "--limit", "64MiB"])
                .arg(capture_log(name, version))
                .output()
                .unwrap();
            let text = String::from_utf8_lossy(&out.stdout);
            assert_eq!(out.status.code(), Some(0), "{name}.{version}");
            assert!(text.contains("against a limit of 64 MiB") && text.contains(verdict), "{name}.{version}: {text}");
        }
        // Under GOMEMLIMIT=64MiB the GC ran most cycles with its goal at the limit.
        let out = common::runbook(home.path())
            .args(["gc", "--json", "--limit", "64Mi"])
            .arg(capture_log("memory_gc_pressure", version))
            .output()
            .unwrap();
        let v: Value = serde_json::from_slice(&out.stdout).unwrap();
        let (near, cycles) =
            (v["limit"]["cycles_near_limit"].as_u64().unwrap(), v["limit"]["cycles"].as_u64().unwrap());
        assert!(near * 2 > cycles, "{version}: {near} of {cycles} cycles near the limit");
    }
    let bad = common::runbook(home.path()).args(["gc", "--limit", "lots", "x.log"]).output().unwrap();
    assert_eq!(bad.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("is not a size"));
}

#[test]
fn triage_picks_go_memory_for_out_of_memory_an_oom_kill_and_a_gctrace() {
    let home = tempfile::tempdir().unwrap();
    for version in VERSIONS {
        for name in ["memory_oom", "memory_killed", "memory_gc_pressure"] {
            let v = triage_pick(home.path(), &capture_log(name, version));
            let ids: Vec<_> = v["candidates"].as_array().unwrap().iter().map(|c| c["id"].clone()).collect();
            assert_eq!(ids, ["go-memory"], "{name}.{version}: {v}");
        }
        let oom = triage_pick(home.path(), &capture_log("memory_oom", version));
        assert_eq!(oom["candidates"][0]["matches_failure"], true, "{oom}");
    }
    // No Go output at all: kubectl describe's last state is the evidence.
    let describe = triage_pick(home.path(), &common::fixture("failures/kubectl-describe-oomkilled.txt"));
    assert_eq!(describe["runbook"], "go-memory", "{describe}");
    let lines: Vec<_> =
        describe["candidates"][0]["evidence"].as_array().unwrap().iter().map(|l| l["text"].clone()).collect();
    assert_eq!(lines, ["      Reason:       OOMKilled", "      Exit Code:    137"]);
}

#[test]
fn when_two_runbooks_match_the_one_for_the_failures_line_is_picked_and_the_text_says_where_the_rest_points() {
    let home = tempfile::tempdir().unwrap();
    for version in VERSIONS {
        // A map crash after gc lines (the parser corpus): the map runbook for the crash, go-memory for the gc lines.
        let log = common::fixture(&format!("go/logs/gc_then_crash.{version}.log"));
        let v = triage_pick(home.path(), &log);
        let ids: Vec<_> = v["candidates"].as_array().unwrap().iter().map(|c| c["id"].clone()).collect();
        assert_eq!(ids, ["go-map-concurrency", "go-memory"], "{version}: {v}");
        assert_eq!(v["candidates"][0]["matches_failure"], true);
        assert_eq!(v["candidates"][1]["matches_failure"], false);
        let out = common::runbook(home.path()).current_dir(home.path()).arg("triage").arg(&log).output().unwrap();
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(text.contains("runbook: go-map-concurrency"), "{text}");
        assert!(text.contains("also matches: go-memory  [bundled]"), "{text}");
        assert!(text.contains("other evidence in the log: the failure at"), "{text}");
        assert!(text.contains("is go-map-concurrency's"), "{text}");
    }
}

fn go_memory_practice(go_env_var: &str) {
    let Some(events) = practice_with("go-memory", go_env_var) else { return };
    for (step, code) in [("repro_oom", 2), ("repro_kill", 0)] {
        let f = finished(&events, step);
        assert_eq!(f["status"], "passed", "{step}: {events:#?}");
        assert_eq!(f["exit_code"], code, "{step}");
    }
    assert_eq!(finished(&events, "read_practice")["status"], "passed");
    assert!(!captured(&events, "practice_gc")["gc"]["cycles"].as_array().unwrap().is_empty());
}

#[test]
fn go_memory_practice_runs_out_of_memory_and_is_killed_without_a_trace_with_go_1_27() {
    go_memory_practice("RUNBOOK_GO");
}

#[test]
fn go_memory_practice_runs_out_of_memory_and_is_killed_without_a_trace_with_go_1_19() {
    go_memory_practice("RUNBOOK_GO119");
}

#[test]
fn triage_of_two_real_dumps_lists_the_waiting_groups_and_the_one_that_grew() {
    let home = tempfile::tempdir().unwrap();
    for version in VERSIONS {
        let log = two_dumps_in_one_file(home.path(), version);
        let v = triage_pick(home.path(), &log);
        assert_eq!(v["runbook"], "go-deadlock", "{version}");
        let waiting = v["triage"]["waiting"].as_array().unwrap();
        assert!(!waiting.is_empty() && waiting.len() <= 5, "{version}: {waiting:?}");
        let first = &waiting[0];
        assert_eq!(first["frame"]["func"], "main.(*Ledger).Transfer", "{version}: {first}");
        let (before, count) = (first["before"].as_u64().unwrap(), first["count"].as_u64().unwrap());
        assert!(before < 50 && count > 300, "{version}: {before} → {count}");
        assert_eq!(first["max_wait_minutes"], 1);
        let out = common::runbook(home.path()).current_dir(home.path()).arg("triage").arg(&log).output().unwrap();
        let text = String::from_utf8_lossy(&out.stdout);
        let line = text.lines().find(|l| l.contains("waiting:")).unwrap_or_else(|| panic!("{text}"));
        assert!(
            line.contains("main.(*Ledger).Transfer")
                && line.contains(&format!("({before} → {count} since the dump before)")),
            "{line}"
        );
        // A map crash keeps its `same map?` lines and has no waiting groups.
        let map = triage_pick(home.path(), &common::fixture("go/logs/map_read_write_all.go1.27.log"));
        assert_eq!(map["triage"]["waiting"], serde_json::json!([]), "{map}");
    }
}
