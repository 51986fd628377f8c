//! The runbooks and assets compiled into the binary, and where assets are written out for commands to use.
//!
//! Runbook commands run real programs (`go run .` in `{{assets_dir}}/repro`), so the embedded files are written to
//! a directory named after their content hash under the user's cache directory: an installed binary works outside
//! the source tree, and two versions of `runbook` never share a stale copy.

use etcetera::BaseStrategy as _;
use include_dir::{include_dir, Dir};
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};

static RUNBOOKS: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/runbooks");
static ASSETS: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/assets");

/// The runbook opened when none is named.
pub const DEFAULT_RUNBOOK: &str = "go-map-concurrency";

/// A bundled runbook: its id (file stem), file name and YAML.
pub struct Bundled {
    pub id: String,
    pub file: String,
    pub yaml: &'static [u8],
}

pub fn runbooks() -> Vec<Bundled> {
    let mut out: Vec<Bundled> = RUNBOOKS
        .files()
        .filter(|f| f.path().extension().is_some_and(|e| e == "yaml" || e == "yml"))
        .map(|f| Bundled {
            id: f.path().file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default(),
            file: format!("runbooks/{}", f.path().display()),
            yaml: f.contents(),
        })
        .collect();
    out.sort_by(|a, b| a.id.cmp(&b.id));
    out
}

pub fn runbook(id: &str) -> Option<Bundled> {
    runbooks().into_iter().find(|r| r.id == id)
}

/// `$XDG_STATE_HOME/runbook`, else `~/.local/state/runbook` (journals, the trust store).
pub fn state_dir() -> PathBuf {
    base_dir(|xdg| xdg.state_dir(), ".local/state").join("runbook")
}

/// Where the user's own runbooks live: `$XDG_CONFIG_HOME/runbook/runbooks` (default `~/.config/runbook/runbooks`).
pub fn user_runbooks_dir() -> PathBuf {
    base_dir(|xdg| Some(xdg.config_dir()), ".config").join("runbook").join("runbooks")
}

/// `$XDG_CACHE_HOME/runbook`, else `~/.cache/runbook` (the assets written out).
pub fn cache_dir() -> PathBuf {
    base_dir(|xdg| Some(xdg.cache_dir()), ".cache").join("runbook")
}

/// A base directory as the XDG spec defines it (etcetera: an `XDG_*` variable counts only when it is an absolute
/// path; the home directory is `$HOME`, else the password database). Without any home directory, under the temp
/// directory: an incident tool keeps working on a machine that is half broken.
fn base_dir(pick: impl Fn(&etcetera::base_strategy::Xdg) -> Option<PathBuf>, under_home: &str) -> PathBuf {
    match etcetera::base_strategy::Xdg::new() {
        Ok(xdg) => pick(&xdg).unwrap_or_else(|| xdg.home_dir().join(under_home)),
        Err(_) => std::env::temp_dir().join(under_home),
    }
}

/// Writes the embedded assets out (once per content hash) and returns their directory.
pub fn assets_dir() -> std::io::Result<PathBuf> {
    let mut hasher = Sha256::new();
    let mut files = Vec::new();
    collect(&ASSETS, &mut files);
    for f in &files {
        hasher.update(f.path().to_string_lossy().as_bytes());
        hasher.update(f.contents());
    }
    let hash = hasher.finalize();
    let short: String = hash.iter().take(6).map(|b| format!("{b:02x}")).collect();
    let dir = cache_dir().join("assets").join(short);
    let marker = dir.join(".complete");
    if marker.exists() {
        return Ok(dir);
    }
    for f in &files {
        let target = dir.join(f.path());
        if let Some(parent) = target.parent() {
            std::fs::create_dir_all(parent)?;
        }
        std::fs::write(&target, f.contents())?;
    }
    std::fs::create_dir_all(&dir)?;
    std::fs::write(&marker, b"")?;
    Ok(dir)
}

fn collect(dir: &'static Dir<'static>, out: &mut Vec<&'static include_dir::File<'static>>) {
    out.extend(dir.files());
    for d in dir.dirs() {
        collect(d, out);
    }
}

/// The path of a bundled asset inside the written-out directory.
pub fn asset_path(relative: &str) -> std::io::Result<PathBuf> {
    Ok(assets_dir()?.join(Path::new(relative)))
}
