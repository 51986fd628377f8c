//! Finding a runbook by file path or bundled id, and loading it with its provenance (bundled runbooks are trusted).

use crate::bundled;
use crate::engine::{self, Runbook};
use anyhow::{anyhow, Context as _};
use std::path::Path;

pub struct Source {
    /// The name shown in messages: a path, or `runbooks/ID.yaml` for bundled ones.
    pub name: String,
    pub bytes: Vec<u8>,
    pub bundled: bool,
    /// Directory of the file (the working directory for bundled runbooks).
    pub dir: String,
}

/// A path that exists is a file; otherwise a bundled id.
pub fn find(file_or_id: &str) -> anyhow::Result<Source> {
    let path = Path::new(file_or_id);
    if path.exists()
        || file_or_id.contains('/')
        || file_or_id.ends_with(".yaml")
        || file_or_id.ends_with(".yml")
        || file_or_id.ends_with(".md")
    {
        let bytes = read_runbook(path).map_err(anyhow::Error::msg)?;
        let dir = std::fs::canonicalize(path)
            .ok()
            .and_then(|p| p.parent().map(|d| d.display().to_string()))
            .unwrap_or_else(|| ".".into());
        return Ok(Source { name: file_or_id.to_string(), bytes, bundled: false, dir });
    }
    match bundled::runbook(file_or_id) {
        Some(b) => Ok(Source { name: b.file, bytes: b.yaml.to_vec(), bundled: true, dir: workdir() }),
        None => {
            let ids: Vec<String> = bundled::runbooks().into_iter().map(|r| r.id).collect();
            Err(anyhow!("{file_or_id}: no such file, and no bundled runbook has that id (bundled: {})", ids.join(", ")))
        }
    }
}

/// Loads the runbook; its error is the loader's located diagnostics (`exit::message` prints them as they are).
pub fn load(source: &Source) -> anyhow::Result<Runbook> {
    Ok(engine::load(&source.name, &source.bytes)?)
}

/// The bundled assets written out to the cache (`{{assets_dir}}`), as a string for the engine's context.
pub fn assets_dir() -> anyhow::Result<String> {
    let dir = bundled::assets_dir()
        .with_context(|| format!("cannot write the bundled assets to {}", bundled::cache_dir().display()))?;
    Ok(dir.display().to_string())
}

/// A runbook file's bytes: a regular file within the loader's size limit (`/dev/zero` or a FIFO is refused at
/// once, see `bounded_read`).
pub fn read_runbook(path: &Path) -> Result<Vec<u8>, String> {
    crate::bounded_read::read_regular(path, engine::load::MAX_BYTES as u64, "a runbook").map_err(|e| e.to_string())
}

pub fn workdir() -> String {
    std::env::current_dir().map(|d| d.display().to_string()).unwrap_or_else(|_| ".".into())
}
