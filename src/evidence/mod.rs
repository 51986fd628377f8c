//! The incident's evidence: the logs the engineer brings (`--log FILE`, `--log -`, a paste, a fetch command), read
//! as production shipped them (gzip included), redacted before anything is stored or shown, stored beside the
//! journal with their hash, and parsed once into the triage every step can use (`{{evidence}}`).
//!
//! Kept out of `engine/` (which never touches files) and `journal/` (which only records): this layer reads,
//! redacts and stores, then hands the engine an `Input::Evidence`.

pub mod read;
pub mod redact;
pub mod store;
pub mod triage;
pub mod years;

pub use read::read_source;
pub use redact::Redactor;
pub use store::{store, Stored};
pub use triage::{triage, Triage};

use crate::engine::{EvidenceFile, Input, Value};
use crate::golang::ParseReport;
use crate::locate::Rewrite;
use std::path::Path;
use std::sync::Arc;

/// Logs up to this size are also given to steps as text (`{{evidence_text}}`); larger ones only as files.
pub const TEXT_LIMIT: u64 = 100 * 1024;

/// Reads every source, redacts, stores the copies under `dir`, parses them and builds the engine input.
/// `repo` is where the evidence's file paths are mapped to, `rewrites` the user's corrections of that mapping.
/// Storing (a write and a SHA-256) and parsing run side by side on two threads: for a 100 MB log each is about
/// half of the time (issue 17). `parsed`: the same texts parsed already (`runbook --log …` without a runbook
/// parses them to pick the runbook: `parse_sources`), so they are not parsed twice. Err: a source that cannot be
/// stored (with its name).
pub fn load(
    sources: &[Source],
    redactor: &Redactor,
    dir: &Path,
    repo: &Path,
    rewrites: &[Rewrite],
    parsed: Option<&ParseReport>,
) -> anyhow::Result<(Input, Vec<EvidenceFile>)> {
    let texts: Vec<(String, Vec<u8>)> =
        sources.iter().map(|source| (source.name.clone(), redactor.apply(&source.bytes).0)).collect();
    let (stored, analysis) = std::thread::scope(|scope| {
        let writer = scope.spawn(|| {
            texts.iter().enumerate().map(|(index, (name, bytes))| store::write(dir, index, name, bytes)).collect()
        });
        let analysis = match parsed {
            Some(report) => triage(report, &texts, repo, rewrites),
            None => {
                let names: Vec<&str> = texts.iter().map(|(name, _)| name.as_str()).collect();
                analyse(&names, &texts, repo, rewrites)
            }
        };
        let stored: anyhow::Result<Vec<EvidenceFile>> =
            writer.join().unwrap_or_else(|_| Err(anyhow::anyhow!("storing the evidence panicked")));
        (stored, analysis)
    });
    let files = stored?;
    let input = assemble(files.clone(), &texts, analysis);
    Ok((input, files))
}

/// The session's stored evidence triaged again with other path rewrites (a correction on screen, `resume --map`):
/// the stored copies are already redacted and are read as they are. Err: a stored copy that is gone.
pub fn remap(files: &[EvidenceFile], repo: &Path, rewrites: &[Rewrite]) -> anyhow::Result<Input> {
    let mut texts: Vec<(String, Vec<u8>)> = Vec::new();
    for file in files {
        let bytes = std::fs::read(&file.path)
            .map_err(|e| anyhow::anyhow!("cannot read the stored evidence {}: {e}", file.path))?;
        texts.push((file.source.clone(), bytes));
    }
    Ok(input_of(files.to_vec(), &texts, repo, rewrites))
}

/// The engine input for stored logs (`texts`, in the order of `files`): parsed once, triaged against `repo`, and
/// their text when they are small. Timestamps without a year take it from the original log's date while that
/// file is here (`--log FILE`, also when it is triaged again), else from the session's date (stdin, a paste, a
/// fetch, or a copied session on another machine): one rule for the first triage and every later one.
fn input_of(files: Vec<EvidenceFile>, texts: &[(String, Vec<u8>)], repo: &Path, rewrites: &[Rewrite]) -> Input {
    let names: Vec<&str> = files.iter().map(|f| f.source.as_str()).collect();
    let analysis = analyse(&names, texts, repo, rewrites);
    assemble(files, texts, analysis)
}

/// The evidence parsed and triaged; `sources` name each text as given (a path, `-`, `paste`), for the year rule.
fn analyse(sources: &[&str], texts: &[(String, Vec<u8>)], repo: &Path, rewrites: &[Rewrite]) -> Triage {
    triage(&parse_sources(sources, texts), texts, repo, rewrites)
}

/// The evidence's texts (redacted) parsed as the session parses them: `sources` name each as given, for the year
/// of timestamps that have none (a file's date, else the session's).
pub fn parse_sources(sources: &[&str], texts: &[(String, Vec<u8>)]) -> ParseReport {
    let names: Vec<&str> = sources.iter().map(|s| if Path::new(s).is_file() { s } else { "-" }).collect();
    crate::golang::parse_logs_with(texts, &years::year_hints(&names))
}

/// The engine's input: the stored files, the triage, and the text itself when it is small.
fn assemble(files: Vec<EvidenceFile>, texts: &[(String, Vec<u8>)], triage: Triage) -> Input {
    let total: u64 = files.iter().map(|f| f.bytes).sum();
    let text = (total <= TEXT_LIMIT)
        .then(|| texts.iter().map(|(_, b)| String::from_utf8_lossy(b).into_owned()).collect::<Vec<_>>().join("\n"));
    Input::Evidence { files, triage: Value::from_serialize(&triage), text }
}

/// The rewrites a recorded triage was made with (its `rewrites`; none in journals older than the field).
pub fn recorded_rewrites(triage: &Value) -> Vec<Rewrite> {
    match triage.lookup_key("rewrites") {
        Some(Value::List(items)) => items.iter().filter_map(|v| v.to_text().parse().ok()).collect(),
        _ => Vec::new(),
    }
}

/// The evidence read and ready to load, before the session (and its journal) exists.
#[derive(Debug, Clone)]
pub struct Pending {
    pub sources: Vec<Source>,
    pub redactor: Redactor,
    /// `--map FROM=TO`: the user's corrections of the path mapping, tried before the automatic ones.
    pub rewrites: Vec<Rewrite>,
    /// The sources, redacted, already parsed (`parse_sources`): by the pick of `runbook --log …` without a
    /// runbook, so the session does not parse a 100 MB log a second time.
    pub parsed: Option<Arc<ParseReport>>,
    /// `--log FILE`s checked but not read yet, after `sources` in the order given: `open` reads them behind the
    /// screen (`all_sources`), since reading a 100 MB log took longer than the first frame may (issue 17).
    pub deferred: Vec<String>,
}

impl Pending {
    /// Evidence read and not yet parsed.
    pub fn new(sources: Vec<Source>, redactor: Redactor, rewrites: Vec<Rewrite>) -> Pending {
        Pending { sources, redactor, rewrites, parsed: None, deferred: Vec::new() }
    }

    /// No evidence at all (only `--redact` or `--map`, for what is given on screen later).
    pub fn is_empty(&self) -> bool {
        self.sources.is_empty() && self.deferred.is_empty()
    }

    /// Every source's name, in order.
    pub fn names(&self) -> Vec<&str> {
        self.sources.iter().map(|s| s.name.as_str()).chain(self.deferred.iter().map(String::as_str)).collect()
    }

    /// The evidence's size in bytes: what is read, and the length of each file still to read (compressed, for a
    /// `.gz`).
    pub fn size(&self) -> u64 {
        let read: u64 = self.sources.iter().map(|s| s.bytes.len() as u64).sum();
        let files: u64 = self.deferred.iter().filter_map(|f| std::fs::metadata(f).ok()).map(|m| m.len()).sum();
        read + files
    }

    /// Reads the files still to read into `sources`. Err: one that cannot be read (named).
    pub fn read_deferred(&mut self) -> anyhow::Result<()> {
        for name in std::mem::take(&mut self.deferred) {
            let bytes = read_source(&name, &mut std::io::empty())?;
            self.sources.push(Source { name, bytes });
        }
        Ok(())
    }

    /// Every source, the files still to read read now. Err: one that cannot be read (named).
    pub fn all_sources(&self) -> anyhow::Result<std::borrow::Cow<'_, [Source]>> {
        if self.deferred.is_empty() {
            return Ok(std::borrow::Cow::Borrowed(&self.sources));
        }
        let mut read = self.clone();
        read.read_deferred()?;
        Ok(std::borrow::Cow::Owned(read.sources))
    }

    /// The texts as stored and parsed: each source (read: `read_deferred` first) redacted, with its name.
    pub fn redacted(&self) -> Vec<(String, Vec<u8>)> {
        self.sources.iter().map(|s| (s.name.clone(), self.redactor.apply(&s.bytes).0)).collect()
    }

    /// Stores and parses the evidence for `session` into `dir`, mapped to the repository its evidence step names.
    pub fn load(&self, session: &crate::engine::Session, dir: &Path) -> anyhow::Result<Input> {
        let repo = std::path::PathBuf::from(session.evidence_repo());
        let sources = self.all_sources()?;
        let (input, _) = load(&sources, &self.redactor, dir, &repo, &self.rewrites, self.parsed.as_deref())
            .map_err(|e| e.context(format!("storing the evidence in {}", dir.display())))?;
        Ok(input)
    }
}

/// One log as given, before redaction: its name (`--log` argument, `-`, `paste`, the fetch command) and bytes.
#[derive(Debug, Clone)]
pub struct Source {
    pub name: String,
    pub bytes: Vec<u8>,
}
