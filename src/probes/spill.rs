//! A step's side file of complete output, bounded: a step that prints 700 MB must not leave 700 MB in the
//! state directory, nor a runaway loop fill the disk. The file keeps the first half of the cap and the last half
//! (what a person reads: how it started, how it ended), and says between them how much was dropped.
//!
//! The tail is a ring inside the file itself (no tail buffer in memory): bytes past the head are written at
//! `head + (n mod tail)`. Only when the ring wrapped does `finish` put the file in order, head, a marker line, then
//! the tail, by copying it once into a new file that replaces the old.

use std::fs::File;
use std::io::{self, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

/// The cap when neither the step (`spill_cap:`) nor the command line (`--spill-cap`) sets one.
pub const DEFAULT_CAP: u64 = 1024 * 1024 * 1024;

/// What the cap dropped, readable by the journal after the step ends.
#[derive(Debug, Default)]
pub struct SpillStats {
    /// Bytes the command printed.
    pub total: AtomicU64,
    /// Bytes dropped between the head and the tail (0 when everything fit).
    pub dropped: AtomicU64,
}

/// The writer of one step's side file.
pub struct Spill {
    path: PathBuf,
    file: File,
    head: u64,
    tail: u64,
    written: u64,
    stats: Arc<SpillStats>,
}

impl Spill {
    /// Creates the side file at `path`, keeping at most `cap` bytes of output (at least 2: one of head, one of tail).
    pub fn create(path: &Path, cap: u64) -> io::Result<Spill> {
        let file = File::options().read(true).write(true).create(true).truncate(true).open(path)?;
        let cap = cap.max(2);
        let head = cap / 2;
        let stats = Arc::new(SpillStats::default());
        Ok(Spill { path: path.to_path_buf(), file, head, tail: cap - head, written: 0, stats })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    pub fn stats(&self) -> Arc<SpillStats> {
        self.stats.clone()
    }

    /// Appends output: into the head while it has room, then into the tail's ring.
    pub fn write(&mut self, mut bytes: &[u8]) -> io::Result<()> {
        while !bytes.is_empty() {
            let (at, room) = if self.written < self.head {
                (self.written, self.head - self.written)
            } else {
                let offset = (self.written - self.head) % self.tail;
                (self.head + offset, self.tail - offset)
            };
            let n = bytes.len().min(usize::try_from(room).unwrap_or(usize::MAX));
            let (now, rest) = bytes.split_at(n);
            self.file.seek(SeekFrom::Start(at))?;
            self.file.write_all(now)?;
            self.written += n as u64;
            bytes = rest;
        }
        let dropped = self.written.saturating_sub(self.head + self.tail);
        self.stats.total.store(self.written, Ordering::Release);
        self.stats.dropped.store(dropped, Ordering::Release);
        Ok(())
    }

    /// Makes the file durable (the journal syncs side files it relies on).
    pub fn sync(&mut self) -> io::Result<()> {
        self.file.sync_data()
    }

    /// Puts the file in order when the ring wrapped: head, a line saying what was dropped, then the tail from its
    /// oldest byte. A file that fit is left as written.
    pub fn finish(mut self) -> io::Result<()> {
        let dropped = self.written.saturating_sub(self.head + self.tail);
        if dropped == 0 {
            return self.file.flush();
        }
        let start = (self.written - self.head) % self.tail;
        let ordered = self.path.with_extension("log.part");
        let mut out = io::BufWriter::new(File::create(&ordered)?);
        self.file.seek(SeekFrom::Start(0))?;
        io::copy(&mut (&mut self.file).take(self.head), &mut out)?;
        writeln!(
            out,
            "\n… runbook: {dropped} bytes dropped here (the side file keeps the first {} and the last {} bytes of \
             {} printed; spill_cap / --spill-cap sets the cap) …",
            self.head, self.tail, self.written
        )?;
        self.file.seek(SeekFrom::Start(self.head + start))?;
        io::copy(&mut (&mut self.file).take(self.tail - start), &mut out)?;
        self.file.seek(SeekFrom::Start(self.head))?;
        io::copy(&mut (&mut self.file).take(start), &mut out)?;
        out.into_inner().map_err(io::IntoInnerError::into_error)?.sync_data()?;
        std::fs::rename(&ordered, &self.path)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spill_of(cap: u64, chunks: &[&[u8]]) -> (String, u64) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("001-s.log");
        let mut spill = Spill::create(&path, cap).unwrap();
        let stats = spill.stats();
        for chunk in chunks {
            spill.write(chunk).unwrap();
        }
        spill.finish().unwrap();
        (std::fs::read_to_string(&path).unwrap(), stats.dropped.load(Ordering::Acquire))
    }

    #[test]
    fn output_under_the_cap_is_kept_whole() {
        assert_eq!(spill_of(20, &[b"0123456789", b"abcdefghij"]), ("0123456789abcdefghij".into(), 0));
    }

    #[test]
    fn output_over_the_cap_keeps_head_and_tail_in_order_and_says_what_was_dropped() {
        let text: Vec<u8> = (0..1000u32).flat_map(|i| format!("{i:04}\n").into_bytes()).collect();
        // Written in uneven chunks, so the ring wraps in the middle of writes.
        let chunks: Vec<&[u8]> = text.chunks(37).collect();
        let (kept, dropped) = spill_of(100, &chunks);
        assert_eq!(dropped, 5000 - 100);
        let (head, rest) = kept.split_at(50);
        assert_eq!(head, &String::from_utf8_lossy(&text[..50]));
        assert!(rest.contains("4900 bytes dropped here"), "{rest}");
        assert!(kept.ends_with(&*String::from_utf8_lossy(&text[text.len() - 50..])), "{kept}");
        assert!(kept.ends_with("0999\n"));
    }

    #[test]
    fn a_wrap_exactly_at_the_ring_start_is_in_order_too() {
        let (kept, dropped) = spill_of(10, &[b"HHHHH", b"aaaaa", b"bbbbb"]);
        assert_eq!(dropped, 5);
        assert!(kept.starts_with("HHHHH\n… runbook: 5 bytes dropped"), "{kept}");
        assert!(kept.ends_with("…\nbbbbb"), "{kept}");
    }
}
