//! Helpers shared by the `tui_sim_*` tests: small programs (debug-build simulator runs are slow, so tests that
//! need many runs use these instead of the 100,000-iteration built-ins) and an app with a simulator view open.
//! The simulator reads and writes no state directory, so nothing here points HOME or XDG anywhere: all tests
//! share one process, and a variable set for one would be set for all.

// Each test file uses a different subset of these helpers.
#![allow(dead_code)]

use runbook::probes::output::SimSource;
use runbook::sim::GoVersion;
use runbook::tui::action::{Intent, Message};
use runbook::tui::sim::SimSpec;
use runbook::tui::{App, Theme};

pub(crate) use crate::tui_support as views;

/// A writer and a reader sharing a map without a lock, 300 iterations with 6 µs of work between accesses (so
/// the write windows are visible and the read check can land in one). Seed 1 crashes.
pub const TINY_REPRO: &str = r#"
name: tiny-repro
description: "tiny reproduction for tests"
file: /src/tiny/main.go
maps: {m: {key: int}}
waitgroups: [wg]
goroutines:
  - name: main
    func: main.main
    end_line: 20
    ops:
      - {op: wg_add, wg: wg, n: 2, line: 8}
      - {op: go, goroutine: writer, line: 9}
      - {op: go, goroutine: reader, line: 14}
      - {op: wg_wait, wg: wg, line: 19}
  - name: writer
    func: main.main.func1
    ops:
      - op: loop
        times: 300
        body:
          - {op: write, map: m, key: i, line: 11}
          - {op: work, ns: 6000, line: 12}
      - {op: wg_done, wg: wg, line: 13}
  - name: reader
    func: main.main.func2
    ops:
      - op: loop
        times: 300
        body:
          - {op: read, map: m, key: i, line: 16}
          - {op: work, ns: 6000, line: 17}
      - {op: wg_done, wg: wg, line: 18}
"#;

/// The same with a mutex around each access: never crashes.
pub const TINY_FIXED: &str = r#"
name: tiny-fixed
description: "tiny fix for tests"
file: /src/tiny/main.go
maps: {m: {key: int}}
waitgroups: [wg]
mutexes: [mu]
goroutines:
  - name: main
    func: main.main
    end_line: 20
    ops:
      - {op: wg_add, wg: wg, n: 2, line: 8}
      - {op: go, goroutine: writer, line: 9}
      - {op: go, goroutine: reader, line: 14}
      - {op: wg_wait, wg: wg, line: 19}
  - name: writer
    func: main.main.func1
    ops:
      - op: loop
        times: 300
        body:
          - {op: lock, mutex: mu, line: 10}
          - {op: write, map: m, key: i, line: 11}
          - {op: unlock, mutex: mu, line: 12}
          - {op: work, ns: 6000, line: 12}
      - {op: wg_done, wg: wg, line: 13}
  - name: reader
    func: main.main.func2
    ops:
      - op: loop
        times: 300
        body:
          - {op: lock, mutex: mu, line: 15}
          - {op: read, map: m, key: i, line: 16}
          - {op: unlock, mutex: mu, line: 17}
          - {op: work, ns: 6000, line: 17}
      - {op: wg_done, wg: wg, line: 18}
"#;

pub fn yaml(name: &str, text: &str) -> SimSource {
    SimSource::Yaml { name: name.into(), text: text.into() }
}

/// The tiny reproduction and its fix, as `f` cycles them.
pub fn tiny_family() -> Vec<SimSource> {
    vec![yaml("tiny-repro.yaml", TINY_REPRO), yaml("tiny-fixed.yaml", TINY_FIXED)]
}

/// An app on a one-step runbook.
pub fn app(theme: Theme) -> App {
    views::app_from(&views::runbook("      - id: r\n        title: R\n"), "/srv", theme)
}

/// An app with the simulator open on `spec`, its first run done.
pub fn sim_app(spec: SimSpec, width: u16, height: u16) -> App {
    let mut app = app(Theme::plain());
    app.apply(Message::Resize { width, height });
    app.apply(Intent::OpenSim(Box::new(spec)));
    views::settle(&mut app);
    app
}

pub fn tiny_spec(seed: u64) -> SimSpec {
    SimSpec::family(tiny_family(), GoVersion::NEWEST, seed)
}
