//! `runbook list`: the bundled runbooks.

use super::Code;
use crate::bundled;
use crate::engine;
use std::io::Write;

pub fn run() -> anyhow::Result<Code> {
    let mut out = std::io::stdout().lock();
    for b in bundled::runbooks() {
        match engine::load(&b.file, b.yaml) {
            Ok(rb) => writeln!(out, "{:<24} {} ({} steps)", rb.id, rb.title, rb.step_count())?,
            Err(e) => writeln!(out, "{:<24} <invalid: {e}>", b.id)?,
        }
    }
    out.flush()?;
    Ok(Code::Success)
}
