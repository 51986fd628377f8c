//! Stores one redacted evidence log as a side file beside the journal (`<journal>.evidence/NN-name.log`), with
//! its SHA-256, so the session directory carries its own evidence: report, replay and resume read it from there.
//! Evidence is exempt from the output spill cap: it is the incident, not a step's chatter.

use super::redact::Redactor;
use crate::engine::EvidenceFile;
use anyhow::Context as _;
use sha2::{Digest, Sha256};
use std::path::Path;

pub struct Stored {
    pub file: EvidenceFile,
    /// The redacted bytes (what was stored).
    pub bytes: Vec<u8>,
    /// How many matches `--redact` masked.
    pub redactions: usize,
}

/// Writes the redacted copy of `bytes` into `dir` as the `index`-th log.
pub fn store(dir: &Path, index: usize, source: &str, bytes: &[u8], redactor: &Redactor) -> anyhow::Result<Stored> {
    let (redacted, redactions) = redactor.apply(bytes);
    let file = write(dir, index, source, &redacted)?;
    Ok(Stored { file, bytes: redacted, redactions })
}

/// Writes `redacted` (already masked) into `dir` as the `index`-th log, with its hash and line count.
pub fn write(dir: &Path, index: usize, source: &str, redacted: &[u8]) -> anyhow::Result<EvidenceFile> {
    std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let path = dir.join(format!("{:02}-{}.log", index + 1, safe_name(source)));
    std::fs::write(&path, redacted).with_context(|| format!("cannot store the evidence in {}", path.display()))?;
    let sha256 = hex(&Sha256::digest(redacted));
    let lines = redacted.iter().filter(|b| **b == b'\n').count() as u64
        + u64::from(!redacted.is_empty() && !redacted.ends_with(b"\n"));
    Ok(EvidenceFile {
        source: source.to_string(),
        path: path.display().to_string(),
        sha256,
        bytes: redacted.len() as u64,
        lines,
    })
}

/// A file-name-safe short form of a source (`/var/log/api.log.gz` → `api.log.gz`, `-` → `stdin`).
fn safe_name(source: &str) -> String {
    if source == "-" {
        return "stdin".into();
    }
    let base = source.rsplit('/').find(|s| !s.is_empty()).unwrap_or("log");
    let safe: String =
        base.chars().map(|c| if c.is_ascii_alphanumeric() || "._-".contains(c) { c } else { '_' }).take(48).collect();
    if safe.is_empty() {
        "log".into()
    } else {
        safe
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_stored_copy_is_redacted_and_hashed() {
        let dir = tempfile::tempdir().unwrap();
        let r = Redactor::new(&["secret[0-9]+".into()]).unwrap();
        let s = store(dir.path(), 0, "/var/log/api 1.log", b"key=secret42\nline two", &r).unwrap();
        assert_eq!(std::fs::read(&s.file.path).unwrap(), b"key=[REDACTED]\nline two");
        assert!(s.file.path.ends_with("01-api_1.log.log"), "{}", s.file.path);
        assert_eq!((s.file.lines, s.file.bytes, s.redactions), (2, 23, 1));
        assert_eq!(s.file.sha256, hex(&Sha256::digest(b"key=[REDACTED]\nline two")));
        assert_eq!(safe_name("-"), "stdin");
    }
}
