//! The simulator must agree with real Go on the built-in programs (issue 6). Real runs depend on timing, so this
//! asserts one-sided facts only: every fix never crashes and `-race` stays silent; the handbook's program under
//! `-race` reports a race on every run; the reproduction crashes at least once in N runs; and the simulator
//! reaches the same verdicts. Go is found through `RUNBOOK_GO` (and `RUNBOOK_GO119` for Go 1.19); without it
//! the test prints `skipped: go not found`, unless `RUNBOOK_REQUIRE_TOOLS=1`. Programs are built once, then
//! run serially.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests: a panic is a failure with its message

use runbook::sim::{self, GoVersion, MapFatal, SimOptions};
use std::path::{Path, PathBuf};
use std::process::Command;

const FIXES: [&str; 4] = ["fixed-mutex", "fixed-rwmutex", "fixed-syncmap", "fixed-sharded"];

fn runs() -> usize {
    std::env::var("RUNBOOK_SIM_GO_RUNS").ok().and_then(|v| v.parse().ok()).unwrap_or(5)
}

fn find_go(var: &str) -> Option<PathBuf> {
    let path = std::env::var_os(var).map(PathBuf::from).filter(|p| p.is_file());
    if path.is_none() {
        if std::env::var("RUNBOOK_REQUIRE_TOOLS").as_deref() == Ok("1") {
            panic!("{var} is not set to a go binary and RUNBOOK_REQUIRE_TOOLS=1");
        }
        println!("skipped: go not found ({var})");
    }
    path
}

fn go_command(go: &Path, cache: &Path) -> Command {
    let mut c = Command::new(go);
    c.env("GOTOOLCHAIN", "local").env("GOPROXY", "off").env("GOFLAGS", "-mod=mod");
    if std::env::var_os("GOCACHE").is_none() {
        c.env("GOCACHE", cache);
    }
    if std::env::var_os("HOME").is_none() {
        c.env("HOME", cache);
    }
    c
}

/// Builds `assets/sim/<name>` (with `-race` if asked) into `out`, returning the binary's path.
fn build(go: &Path, cache: &Path, name: &str, race: bool, out: &Path) -> PathBuf {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/sim").join(name);
    let bin = out.join(format!("{name}{}", if race { "-race" } else { "" }));
    let mut c = go_command(go, cache);
    c.arg("build");
    if race {
        c.arg("-race");
    }
    let status = c.arg("-o").arg(&bin).arg(".").current_dir(&src).status().expect("run go build");
    assert!(status.success(), "go build {name} (race={race}) failed");
    bin
}

struct RealRun {
    code: i32,
    stderr: String,
}

fn run_binary(bin: &Path) -> RealRun {
    let out = Command::new(bin).output().expect("run built program");
    RealRun { code: out.status.code().unwrap_or(-1), stderr: String::from_utf8_lossy(&out.stderr).into_owned() }
}

fn check_against(go: &Path, version: &str) {
    let tmp = std::env::temp_dir().join(format!("runbook-sim-vs-go-{version}-{}", std::process::id()));
    std::fs::create_dir_all(&tmp).expect("temp dir");
    let cache = std::env::temp_dir().join("runbook-go-cache");
    let n = runs();
    let opts = SimOptions { go: GoVersion::parse(version).expect("version"), ..SimOptions::default() };

    for name in FIXES {
        for race in [false, true] {
            let bin = build(go, &cache, name, race, &tmp);
            for _ in 0..n {
                let r = run_binary(&bin);
                assert_eq!(r.code, 0, "go{version} {name} race={race} exited {}: {}", r.code, r.stderr);
                assert!(!r.stderr.contains("fatal error"), "{name}: {}", r.stderr);
                assert!(!r.stderr.contains("WARNING: DATA RACE"), "{name} -race reported: {}", r.stderr);
            }
        }
        let program = sim::builtin(name).expect("built-in");
        let s = sim::run_many(&program, &opts, 1);
        assert_eq!((s.crashes, s.races_detected, s.panic_count(), s.deadlocks), (0, 0, 0, 0), "sim {name}");
    }

    let handbook_race = build(go, &cache, "handbook", true, &tmp);
    for _ in 0..n {
        let r = run_binary(&handbook_race);
        assert!(r.stderr.contains("WARNING: DATA RACE"), "go{version} handbook -race without report: {}", r.stderr);
    }
    let s = sim::run_many(&sim::builtin("handbook").expect("built-in"), &opts, 50);
    assert_eq!(s.races_detected, 50, "sim: the race detector fires on every handbook run");
    assert_eq!(s.crashes, 0, "sim: the handbook's program does not reproduce the map crash");

    let repro = build(go, &cache, "repro", false, &tmp);
    let want = format!("fatal error: {}", MapFatal::ReadWrite.message());
    // The two loops overlap only when both goroutines really run at once; with the CPUs busy (the other tests of
    // the binary run beside this one) most runs finish one loop first. A run takes milliseconds, and the first
    // crash ends the search, so many tries cost little.
    const TRIES: usize = 500;
    let crashed = (0..TRIES).any(|_| {
        let r = run_binary(&repro);
        r.code == 2 && r.stderr.contains(&want)
    });
    assert!(crashed, "go{version}: repro never crashed in {TRIES} runs");
    let program = sim::builtin("repro").expect("built-in");
    let sim_crash =
        (1..=10).map(|seed| sim::run(&program, &SimOptions { seed, ..opts.clone() })).find_map(|o| o.message);
    assert_eq!(sim_crash.as_deref(), Some(MapFatal::ReadWrite.message()), "sim repro: same fatal error as Go");

    let _ = std::fs::remove_dir_all(&tmp);
}

/// One test, so the real runs of both versions are serial (cargo runs tests of a file in parallel).
#[test]
fn simulator_agrees_with_real_go() {
    if let Some(go) = find_go("RUNBOOK_GO") {
        check_against(&go, "1.27");
    }
    if let Some(go) = find_go("RUNBOOK_GO119") {
        check_against(&go, "1.19");
    }
}
