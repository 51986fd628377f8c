//! The `runbook` binary: all behaviour lives in the library; this only maps the result to an exit code.
//!
//! `RUNBOOK_PEAK_RSS=1` prints the process's peak resident memory (`VmHWM`) to standard error on exit: how
//! `make bench` and the tests measure memory (issue 17) without a wrapper process, whose own memory a child
//! would inherit in its peak.
//!
//! `RUNBOOK_FRAME_TIMES=1` prints when the screen's first frames were drawn (`tui::frame_timing`).

fn main() {
    runbook::tui::frame_timing::mark_start();
    let code = runbook::cli::main();
    if std::env::var_os("RUNBOOK_PEAK_RSS").is_some() {
        let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
        let peak = status.lines().find_map(|l| l.strip_prefix("VmHWM:")).map_or("unknown", str::trim);
        eprintln!("runbook: peak RSS {peak}");
    }
    std::process::exit(code);
}
