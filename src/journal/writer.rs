//! Appends a session's records to its journal file, durably but without slowing an output flood.
//!
//! - Everything except output (step start and finish, commands, captures, choices, notes, milestones) is written
//!   and `fsync`ed before `record` returns, so the engine never moves on past an event a crash could lose.
//! - Output lines are batched; a flusher thread writes and syncs the batch every 100 ms (the promise is 200 ms),
//!   and a step's end flushes it too.
//! - A step keeps its first and last 512 KiB of output in the journal (the same bound the engine keeps for
//!   `expect` and captures, so resume recomputes the same captures); the lines between are replaced by an
//!   `output_elided` entry naming the side file that holds the complete output and its SHA-256.
//! - Secret values are masked by the engine; the writer masks them again, field by field before serialising
//!   (`engine::masking`), as a second guard.

use super::record::{rfc3339, Entry, Meta, Record};
use crate::engine::{masking, Event, StepStatus};
use crate::probes::spill::{Spill, SpillStats};
use sha2::{Digest, Sha256};
use std::collections::{BTreeMap, VecDeque};
use std::fs::{File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::time::{Duration, Instant, SystemTime};

/// Bytes of each step's output kept at its start, and again at its end (engine/output.rs keeps the same).
const HALF: usize = 512 * 1024;
/// How often pending output is written and synced.
const FLUSH_EVERY: Duration = Duration::from_millis(100);

pub struct Journal {
    shared: Arc<Shared>,
    flusher: Option<std::thread::JoinHandle<()>>,
    path: PathBuf,
}

struct Shared {
    inner: Mutex<Inner>,
    stop: Mutex<bool>,
    wake: Condvar,
}

struct Inner {
    file: File,
    pending: Vec<u8>,
    started: Instant,
    /// Offset of the session start when this process opened the journal (resume continues the count).
    base_ms: u64,
    steps: BTreeMap<String, StepOutput>,
    secrets: Vec<String>,
    spill_dir: PathBuf,
    spills: u32,
    /// The side files' cap when a step sets none.
    spill_cap: u64,
    /// Values moved to side files so far (`big_values`), for their numbering.
    values: u32,
    /// The first write error, reported once; the run goes on without a journal rather than dying.
    broken: Option<String>,
}

#[derive(Default)]
struct StepOutput {
    head_bytes: usize,
    /// (length of the line itself, its journal record).
    tail: VecDeque<(usize, String)>,
    tail_bytes: usize,
    elided_lines: u64,
    elided_bytes: u64,
    spill: Option<PathBuf>,
    /// What the side file's cap dropped (read when the step ends).
    spill_stats: Option<std::sync::Arc<SpillStats>>,
    /// Lines went to the tail (and so only to the side file on disk) since the side file was last synced.
    spill_unsynced: bool,
}

impl Journal {
    /// Creates a new journal at `path` (never overwriting one) and writes `start` as its first, synced line.
    pub fn create(path: &Path, start: Meta) -> io::Result<Journal> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir)?;
        }
        let file = OpenOptions::new().append(true).create_new(true).open(path)?;
        let journal = Journal::with_file(path, file, 0);
        journal.meta(start)?;
        Ok(journal)
    }

    /// Opens an existing journal to continue it: cuts a torn last line (`keep_len` from the reader), ends an
    /// unterminated last record with its newline, and counts offsets on from `last_offset_ms`.
    pub fn append(path: &Path, keep_len: u64, needs_newline: bool, last_offset_ms: u64) -> io::Result<Journal> {
        let file = OpenOptions::new().append(true).open(path)?;
        file.set_len(keep_len)?;
        let journal = Journal::with_file(path, file, last_offset_ms);
        if needs_newline {
            let mut inner = journal.lock();
            inner.file.write_all(b"\n")?;
            inner.file.sync_data()?;
        }
        Ok(journal)
    }

    fn with_file(path: &Path, file: File, base_ms: u64) -> Journal {
        let spill_dir = path.with_extension("output");
        let shared = Arc::new(Shared {
            inner: Mutex::new(Inner {
                file,
                pending: Vec::new(),
                started: Instant::now(),
                base_ms,
                steps: BTreeMap::new(),
                secrets: Vec::new(),
                spill_dir,
                spills: 0,
                spill_cap: crate::probes::spill::DEFAULT_CAP,
                values: 0,
                broken: None,
            }),
            stop: Mutex::new(false),
            wake: Condvar::new(),
        });
        let flusher_shared = Arc::clone(&shared);
        let flusher =
            std::thread::Builder::new().name("journal-flush".into()).spawn(move || flush_loop(&flusher_shared)).ok();
        Journal { shared, flusher, path: path.to_path_buf() }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Values to mask on every line (the values of `secret: true` vars).
    pub fn set_secrets(&self, secrets: Vec<String>) {
        self.lock().secrets = masking::usable(&secrets);
    }

    /// The cap of every step's side file unless the step sets its own (`--spill-cap`; default
    /// `probes::spill::DEFAULT_CAP`).
    pub fn set_spill_cap(&self, cap: u64) {
        self.lock().spill_cap = cap;
    }

    /// The side file for the complete output of a step's next command, capped at `cap` (the step's own
    /// `spill_cap`) or the journal's cap. Written by the process runner; the journal records what the cap dropped.
    pub fn spill(&self, step: &str, cap: Option<u64>) -> Option<Spill> {
        let mut inner = self.lock();
        std::fs::create_dir_all(&inner.spill_dir).ok()?;
        inner.spills += 1;
        let safe: String = step.chars().map(|c| if c.is_ascii_alphanumeric() || c == '-' { c } else { '_' }).collect();
        let path = inner.spill_dir.join(format!("{:03}-{safe}.log", inner.spills));
        let spill = Spill::create(&path, cap.unwrap_or(inner.spill_cap)).ok()?;
        let out = inner.steps.entry(step.to_string()).or_default();
        out.spill = Some(path);
        out.spill_stats = Some(spill.stats());
        Some(spill)
    }

    /// Makes every output line recorded so far for `step` durable: the batched journal lines are written and
    /// synced, and the step's side file (which holds the lines past the first 512 KiB, kept in memory for the
    /// journal until the step ends) is synced too. A headless run calls it before printing output, so the
    /// engineer never sees a line a crash could then lose.
    pub fn sync_output(&self, step: &str) -> io::Result<()> {
        let mut inner = self.lock();
        let result = inner.flush_pending();
        inner.note_error(result)?;
        let spill = inner.steps.get(step).filter(|o| !o.tail.is_empty()).and_then(|o| o.spill.clone());
        drop(inner);
        match spill {
            Some(path) => File::open(path)?.sync_data(),
            None => Ok(()),
        }
    }

    /// Makes every output line recorded so far, of every step, durable (`sync_output` for all of them): the TUI
    /// calls it before it draws, so the screen never shows a line that a crash right after would lose.
    pub fn sync_all_output(&self) -> io::Result<()> {
        let mut inner = self.lock();
        let result = inner.flush_pending();
        inner.note_error(result)?;
        let spills: Vec<PathBuf> = inner
            .steps
            .values_mut()
            .filter_map(|o| if std::mem::take(&mut o.spill_unsynced) { o.spill.clone() } else { None })
            .collect();
        drop(inner);
        for path in spills {
            File::open(path)?.sync_data()?;
        }
        Ok(())
    }

    /// Records an engine event: output is batched, everything else is on disk when this returns.
    pub fn record(&self, event: &Event) -> io::Result<()> {
        let mut inner = self.lock();
        let result = inner.record(event);
        inner.note_error(result)
    }

    /// Records a journal-only entry (note, probe result, milestone check, debrief, session end), synced.
    pub fn meta(&self, meta: Meta) -> io::Result<()> {
        let mut inner = self.lock();
        let result = inner.write_synced(Entry::Meta(meta));
        inner.note_error(result)
    }

    /// The first write error, if writing ever failed.
    pub fn broken(&self) -> Option<String> {
        self.lock().broken.clone()
    }

    /// Milliseconds since the session started (continuing a resumed session's count).
    pub fn offset_ms(&self) -> u64 {
        self.lock().offset_ms()
    }

    fn lock(&self) -> MutexGuard<'_, Inner> {
        // A panic while holding the lock leaves the file as it was: keep using it.
        self.shared.inner.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

impl Drop for Journal {
    fn drop(&mut self) {
        *self.shared.stop.lock().unwrap_or_else(std::sync::PoisonError::into_inner) = true;
        self.shared.wake.notify_all();
        if let Some(handle) = self.flusher.take() {
            let _ = handle.join();
        }
        let mut inner = self.lock();
        let _ = inner.flush_pending();
        // Only when empty: side files that hold elided output stay.
        let _ = std::fs::remove_dir(&inner.spill_dir);
    }
}

fn flush_loop(shared: &Shared) {
    let mut stop = shared.stop.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    while !*stop {
        stop = match shared.wake.wait_timeout(stop, FLUSH_EVERY) {
            Ok((guard, _)) => guard,
            Err(poisoned) => poisoned.into_inner().0,
        };
        let mut inner = shared.inner.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        let result = inner.flush_pending();
        let _ = inner.note_error(result);
    }
}

impl Inner {
    fn offset_ms(&self) -> u64 {
        self.base_ms + self.started.elapsed().as_millis() as u64
    }

    fn line(&mut self, entry: Entry) -> String {
        // Side files are named relative to the journal's directory, so a copied session finds its own.
        let entry = match self.spill_dir.parent() {
            Some(dir) => super::side_paths::to_relative(entry, dir),
            None => entry,
        };
        let record = Record { ts: rfc3339(SystemTime::now()), offset_ms: self.offset_ms(), entry };
        let record = self.masked(record);
        let mut line = record.to_line();
        // No line is unbounded: a large result, capture or triage goes to a side file (`big_values`).
        if line.len() > super::big_values::INLINE_LIMIT {
            if let Some(dir) = self.spill_dir.parent() {
                self.values += 1;
                let values_dir = self.spill_dir.with_extension("values");
                line = super::big_values::externalize(line, &values_dir, dir, self.values);
            }
        }
        line.push('\n');
        line
    }

    /// The record with secrets masked field by field before it is serialised (never a replace over the JSON
    /// line, which could break its syntax or its keys).
    fn masked(&self, record: Record) -> Record {
        if self.secrets.is_empty() {
            return record;
        }
        let entry = match &record.entry {
            Entry::Event(e) => masking::mask_typed(e, &self.secrets).map(Entry::Event),
            Entry::Meta(m) => masking::mask_typed(m, &self.secrets).map(Entry::Meta),
            Entry::Unknown(v) => {
                let mut v = v.clone();
                masking::mask_json(&mut v, &self.secrets).then_some(Entry::Unknown(v))
            }
        };
        match entry {
            Some(entry) => Record { entry, ..record },
            None => record,
        }
    }

    fn record(&mut self, event: &Event) -> io::Result<()> {
        match event {
            Event::Output { step, line, .. } => {
                let text = self.line(Entry::Event(event.clone()));
                let out = self.steps.entry(step.clone()).or_default();
                if out.head_bytes + line.len() < HALF && out.tail.is_empty() {
                    out.head_bytes += line.len() + 1;
                    self.pending.extend_from_slice(text.as_bytes());
                } else {
                    out.tail_bytes += line.len() + 1;
                    out.tail.push_back((line.len() + 1, text));
                    out.spill_unsynced = true;
                    while out.tail_bytes > HALF {
                        let Some((len, _)) = out.tail.pop_front() else { break };
                        out.tail_bytes -= len;
                        out.elided_lines += 1;
                        out.elided_bytes += len as u64;
                    }
                }
                Ok(())
            }
            Event::StepFinished { step, status, .. } => {
                self.end_step_output(step, *status)?;
                self.write_synced(Entry::Event(event.clone()))
            }
            _ => self.write_synced(Entry::Event(event.clone())),
        }
    }

    /// At a step's end: the elided-output entry (with the side file's hash), then the kept tail.
    fn end_step_output(&mut self, step: &str, _status: StepStatus) -> io::Result<()> {
        let Some(out) = self.steps.remove(step) else { return Ok(()) };
        if out.elided_lines > 0 {
            let (file, sha256, bytes) = match &out.spill {
                Some(path) => {
                    let (sha, len) = hash_file(path).unwrap_or_else(|e| (format!("unreadable: {e}"), 0));
                    (path.display().to_string(), sha, len)
                }
                None => ("(not kept)".to_string(), String::new(), out.elided_bytes),
            };
            let dropped = out.spill_stats.as_ref().map(|s| s.dropped.load(std::sync::atomic::Ordering::Acquire));
            let text = self.line(Entry::Meta(Meta::OutputElided {
                step: step.to_string(),
                lines: out.elided_lines,
                bytes,
                file,
                sha256,
                dropped_bytes: dropped.filter(|d| *d > 0),
            }));
            self.pending.extend_from_slice(text.as_bytes());
        } else if let Some(path) = &out.spill {
            // Everything is in the journal itself: the side file would only duplicate it.
            let _ = std::fs::remove_file(path);
        }
        for (_, line) in out.tail {
            self.pending.extend_from_slice(line.as_bytes());
        }
        Ok(())
    }

    fn write_synced(&mut self, entry: Entry) -> io::Result<()> {
        let text = self.line(entry);
        self.pending.extend_from_slice(text.as_bytes());
        self.flush_pending()
    }

    fn flush_pending(&mut self) -> io::Result<()> {
        if self.pending.is_empty() {
            return Ok(());
        }
        let result = self.file.write_all(&self.pending).and_then(|()| self.file.sync_data());
        self.pending.clear();
        result
    }

    fn note_error(&mut self, result: io::Result<()>) -> io::Result<()> {
        if let Err(e) = &result {
            if self.broken.is_none() {
                self.broken = Some(e.to_string());
            }
        }
        result
    }
}

fn hash_file(path: &Path) -> io::Result<(String, u64)> {
    let mut file = File::open(path)?;
    let mut hasher = Sha256::new();
    let bytes = io::copy(&mut file, &mut hasher)?;
    Ok((hasher.finalize().iter().map(|b| format!("{b:02x}")).collect(), bytes))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::Stream;

    fn output(step: &str, line: String) -> Event {
        Event::Output { step: step.into(), stream: Stream::Output, line, line_b64: None }
    }

    #[test]
    fn sync_all_output_puts_every_recorded_line_on_disk_head_and_tail() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("j.jsonl");
        let journal = Journal::create(&path, Meta::Note { step: None, text: "start".into() }).unwrap();
        // One step within its head, another past it: its later lines live in the side file until the step ends.
        journal.record(&output("a", "head line".into())).unwrap();
        let mut side = journal.spill("b", None).unwrap();
        let spill = side.path().to_path_buf();
        let long = "x".repeat(64 * 1024);
        for i in 0..10 {
            let line = format!("{i} {long}");
            side.write(format!("{line}\n").as_bytes()).unwrap();
            journal.record(&output("b", line)).unwrap();
        }
        journal.sync_all_output().unwrap();
        // Read at once, without waiting for the flusher: what was synced is there.
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(text.contains("\"line\":\"head line\""), "{text}");
        assert_eq!(text.matches(&long).count(), 7, "the head of step b (7 lines of 64 KiB fit in 512 KiB)");
        assert!(!journal.lock().steps["b"].spill_unsynced, "the side file was synced");
        assert_eq!(std::fs::read_to_string(&spill).unwrap().lines().count(), 10);
    }
}
