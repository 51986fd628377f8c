//! `runbook trust FILE`: headless runs of a user's runbook execute its observe steps only once its exact content
//! is trusted. The store lists SHA-256 hashes, so any edit revokes trust.

use super::Code;
use crate::bundled::state_dir;
use anyhow::{bail, Context as _};
use sha2::{Digest, Sha256};
use std::io::Write;
use std::path::PathBuf;

fn store() -> PathBuf {
    state_dir().join("trusted")
}

pub fn content_hash(bytes: &[u8]) -> String {
    Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect()
}

pub fn is_trusted(bytes: &[u8]) -> bool {
    let hash = content_hash(bytes);
    std::fs::read_to_string(store())
        .map(|text| text.lines().any(|l| l.split_whitespace().next() == Some(hash.as_str())))
        .unwrap_or(false)
}

/// Records the file's hash; the runbook must load cleanly first.
pub fn run(file: &str) -> anyhow::Result<Code> {
    let bytes = super::source::read_runbook(std::path::Path::new(file)).map_err(anyhow::Error::msg)?;
    if let Err(e) = crate::engine::load(file, &bytes) {
        // The located diagnostics first, as `runbook check` prints them; then why nothing was trusted.
        crate::textsafe::eprint_line(&e.to_string());
        bail!("not trusting a runbook that does not pass `runbook check`");
    }
    let mut out = crate::textsafe::stdout(false);
    if is_trusted(&bytes) {
        writeln!(out, "{file} is already trusted")?;
        out.flush()?;
        return Ok(Code::Success);
    }
    let path = store();
    let absolute = std::fs::canonicalize(file).unwrap_or_else(|_| PathBuf::from(file));
    let line = format!("{}  {}\n", content_hash(&bytes), absolute.display());
    path.parent()
        .map(std::fs::create_dir_all)
        .unwrap_or(Ok(()))
        .and_then(|_| std::fs::OpenOptions::new().create(true).append(true).open(&path)?.write_all(line.as_bytes()))
        .with_context(|| format!("cannot write {}", path.display()))?;
    writeln!(out, "trusted {file} (sha256 {}); any edit revokes it", &line[..16])?;
    out.flush()?;
    Ok(Code::Success)
}
