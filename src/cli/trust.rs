//! `runbook trust FILE`: headless runs of a user's runbook execute its observe steps only once its exact content
//! is trusted. The store lists SHA-256 hashes, so any edit revokes trust.

use crate::bundled::state_dir;
use sha2::{Digest, Sha256};
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
pub fn run(file: &str) -> i32 {
    let bytes = match super::source::read_runbook(std::path::Path::new(file)) {
        Ok(b) => b,
        Err(e) => {
            eprintln!("runbook: {e}");
            return 2;
        }
    };
    if let Err(e) = crate::engine::load(file, &bytes) {
        eprintln!("{e}\nrunbook: not trusting a runbook that does not pass `runbook check`");
        return 2;
    }
    if is_trusted(&bytes) {
        println!("{file} is already trusted");
        return 0;
    }
    let path = store();
    let absolute = std::fs::canonicalize(file).unwrap_or_else(|_| PathBuf::from(file));
    let line = format!("{}  {}\n", content_hash(&bytes), absolute.display());
    let result = path.parent().map(std::fs::create_dir_all).unwrap_or(Ok(())).and_then(|_| {
        use std::io::Write;
        std::fs::OpenOptions::new().create(true).append(true).open(&path)?.write_all(line.as_bytes())
    });
    match result {
        Ok(()) => {
            println!("trusted {file} (sha256 {}); any edit revokes it", &line[..16]);
            0
        }
        Err(e) => {
            eprintln!("runbook: cannot write {}: {e}", path.display());
            2
        }
    }
}
