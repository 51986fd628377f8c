//! Prepares a drill's working directory: the scenario's service copied out of the bundled assets into a fresh
//! temporary directory, committed as a git history with several authors and dated commits (with git2, so no git
//! binary is needed), so that blaming the racy line lands on a believable change.

use super::Scenario;
use std::path::{Path, PathBuf};

#[derive(Debug, thiserror::Error)]
pub enum SetupError {
    #[error("cannot write the bundled assets: {0}")]
    Assets(std::io::Error),
    #[error("cannot prepare the drill directory: {0}")]
    Io(#[from] std::io::Error),
    #[error("cannot build the drill's git history: {0}")]
    Git(#[from] git2::Error),
}

/// A prepared scenario: its directory (kept after the drill, for a look around) and the racy line's number.
pub struct Prepared {
    pub dir: PathBuf,
    pub racy_lines: Vec<usize>,
}

pub fn prepare(scenario: &Scenario) -> Result<Prepared, SetupError> {
    let assets = crate::bundled::assets_dir().map_err(SetupError::Assets)?.join(scenario.asset_dir);
    let dir = tempfile::Builder::new().prefix(&format!("runbook-drill-{}-", scenario.name)).tempdir()?.keep();
    let repo = git2::Repository::init(&dir)?;
    let mut parent: Option<git2::Oid> = None;
    for commit in scenario.history {
        let mut index = repo.index()?;
        for (target, source) in commit.files {
            std::fs::copy(assets.join(source), dir.join(target))?;
            index.add_path(Path::new(target))?;
        }
        index.write()?;
        let tree = repo.find_tree(index.write_tree()?)?;
        let when = git2::Time::new(commit.time, commit.tz_minutes);
        let who = git2::Signature::new(commit.author, commit.email, &when)?;
        let parents = match parent {
            Some(oid) => vec![repo.find_commit(oid)?],
            None => Vec::new(),
        };
        let refs: Vec<&git2::Commit<'_>> = parents.iter().collect();
        parent = Some(repo.commit(Some("HEAD"), &who, &who, commit.message, &tree, &refs)?);
    }
    let racy_lines = racy_lines(scenario, &dir.join(scenario.racy_file))?;
    Ok(Prepared { dir, racy_lines })
}

/// 1-based numbers of the lines the drill accepts as the answer, in the order of the scenario's needles.
pub fn racy_lines(scenario: &Scenario, file: &Path) -> std::io::Result<Vec<usize>> {
    let text = std::fs::read_to_string(file)?;
    Ok(scenario
        .racy_needles
        .iter()
        .filter_map(|needle| text.lines().position(|l| l.contains(needle)).map(|i| i + 1))
        .collect())
}
