//! Reading input files without trusting them: a runbook, a sim program or a journal named on the command line
//! may be `/dev/zero`, a FIFO nobody writes to, or a huge file (issue 12, item 10).
//!
//! - Only regular files are read. The file is opened with `O_NONBLOCK` so that opening a FIFO returns at once
//!   (a plain open blocks until a writer appears), then `fstat` says what it is, and anything but a regular file
//!   is refused by name ("a FIFO", "a character device").
//! - Whole-file reads (runbooks, sim programs) stop at a size limit and say so; they never grow until
//!   allocation fails.
//! - Journals grow with the incident, so they are not limited as a whole: `lines` hands out one line at a time,
//!   each bounded, and a longer line is reported with its number instead of being buffered.

use std::fs::File;
use std::io::{BufRead, BufReader, Read};
use std::os::unix::fs::{FileTypeExt, OpenOptionsExt};
use std::path::Path;

/// Why a file was not read.
#[derive(Debug, thiserror::Error)]
pub enum BoundedReadError {
    #[error("{path}: {source}")]
    Io { path: String, source: std::io::Error },
    #[error("{path}: not a regular file ({kind}): give the path of a file")]
    NotRegular { path: String, kind: &'static str },
    #[error("{path}: larger than {limit} bytes (the limit for {what})")]
    TooLarge { path: String, limit: u64, what: &'static str },
}

/// Opens `path` for reading without blocking on a FIFO and checks it is a regular file.
pub fn open_regular(path: &Path) -> Result<File, BoundedReadError> {
    let shown = || path.display().to_string();
    let file = std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NONBLOCK)
        .open(path)
        .map_err(|source| BoundedReadError::Io { path: shown(), source })?;
    let kind = file.metadata().map_err(|source| BoundedReadError::Io { path: shown(), source })?.file_type();
    if kind.is_file() {
        return Ok(file);
    }
    let kind = if kind.is_dir() {
        "a directory"
    } else if kind.is_fifo() {
        "a FIFO"
    } else if kind.is_char_device() {
        "a character device"
    } else if kind.is_block_device() {
        "a block device"
    } else if kind.is_socket() {
        "a socket"
    } else {
        "not a file"
    };
    Err(BoundedReadError::NotRegular { path: shown(), kind })
}

/// Reads a whole regular file of at most `limit` bytes; `what` names the kind of file in the error.
pub fn read_regular(path: &Path, limit: u64, what: &'static str) -> Result<Vec<u8>, BoundedReadError> {
    let file = open_regular(path)?;
    let mut bytes = Vec::new();
    file.take(limit.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(|source| BoundedReadError::Io { path: path.display().to_string(), source })?;
    if bytes.len() as u64 > limit {
        return Err(BoundedReadError::TooLarge { path: path.display().to_string(), limit, what });
    }
    Ok(bytes)
}

/// `read_regular` for text: invalid UTF-8 is an error naming the file.
pub fn read_regular_text(path: &Path, limit: u64, what: &'static str) -> Result<String, String> {
    let bytes = read_regular(path, limit, what).map_err(|e| e.to_string())?;
    String::from_utf8(bytes).map_err(|e| format!("{}: not UTF-8 text ({e})", path.display()))
}

/// Largest gctrace log a simulation reads (the simulator takes its GC cycles from it).
pub const MAX_GCTRACE_BYTES: u64 = 256 << 20;

/// One line of a line-bounded read.
#[derive(Debug, PartialEq, Eq)]
pub enum Line {
    /// The line's bytes without the newline, whether it had one, and its end offset in the file.
    Text { bytes: Vec<u8>, terminated: bool, end: u64 },
    /// A line longer than the limit: skipped without being buffered; its end offset in the file.
    TooLong { terminated: bool, end: u64 },
}

/// Reads `reader` line by line, never holding more than `max_line` bytes of one line.
pub struct Lines<R> {
    reader: BufReader<R>,
    max_line: usize,
    offset: u64,
}

impl<R: Read> Lines<R> {
    pub fn new(reader: R, max_line: usize) -> Self {
        Lines { reader: BufReader::with_capacity(64 * 1024, reader), max_line, offset: 0 }
    }

    /// The next line, `Ok(None)` at the end.
    pub fn next_line(&mut self) -> std::io::Result<Option<Line>> {
        let mut bytes = Vec::new();
        let mut too_long = false;
        let mut read_any = false;
        loop {
            let buf = match self.reader.fill_buf() {
                Ok(b) => b,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e),
            };
            if buf.is_empty() {
                if !read_any {
                    return Ok(None);
                }
                return Ok(Some(self.finish(bytes, too_long, false)));
            }
            read_any = true;
            let (chunk, newline) = match memchr::memchr(b'\n', buf) {
                Some(i) => (i, true),
                None => (buf.len(), false),
            };
            if !too_long && bytes.len() + chunk <= self.max_line {
                bytes.extend_from_slice(&buf[..chunk]);
            } else {
                too_long = true;
                bytes = Vec::new();
            }
            let used = chunk + usize::from(newline);
            self.reader.consume(used);
            self.offset += used as u64;
            if newline {
                return Ok(Some(self.finish(bytes, too_long, true)));
            }
        }
    }

    fn finish(&self, bytes: Vec<u8>, too_long: bool, terminated: bool) -> Line {
        if too_long {
            Line::TooLong { terminated, end: self.offset }
        } else {
            Line::Text { bytes, terminated, end: self.offset }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_are_bounded_and_offsets_count_the_newlines() {
        let text = b"short\nxxxxxxxxxxxxxxxxxxxx\nend".to_vec();
        let mut lines = Lines::new(&text[..], 8);
        assert_eq!(lines.next_line().unwrap(), Some(Line::Text { bytes: b"short".to_vec(), terminated: true, end: 6 }));
        assert_eq!(lines.next_line().unwrap(), Some(Line::TooLong { terminated: true, end: 27 }));
        assert_eq!(lines.next_line().unwrap(), Some(Line::Text { bytes: b"end".to_vec(), terminated: false, end: 30 }));
        assert_eq!(lines.next_line().unwrap(), None);
    }

    #[test]
    fn a_long_line_across_buffer_refills_is_not_buffered() {
        let text = vec![b'a'; 300 * 1024];
        let mut lines = Lines::new(&text[..], 1024);
        assert_eq!(lines.next_line().unwrap(), Some(Line::TooLong { terminated: false, end: 300 * 1024 }));
    }

    #[test]
    fn devices_and_fifos_are_refused_by_name() {
        let err = read_regular(Path::new("/dev/zero"), 10, "a runbook").unwrap_err();
        assert!(err.to_string().contains("a character device"), "{err}");
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("fifo");
        let c = std::ffi::CString::new(fifo.as_os_str().as_encoded_bytes()).unwrap();
        #[allow(unsafe_code)]
        // SAFETY: mkfifo reads a valid NUL-terminated path.
        let made = unsafe { libc::mkfifo(c.as_ptr(), 0o600) };
        assert_eq!(made, 0);
        let err = read_regular(&fifo, 10, "a runbook").unwrap_err();
        assert!(err.to_string().contains("a FIFO"), "{err}");
    }

    #[test]
    fn a_file_over_the_limit_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("big");
        std::fs::write(&path, vec![b'x'; 11]).unwrap();
        assert!(matches!(read_regular(&path, 10, "a runbook"), Err(BoundedReadError::TooLarge { .. })));
        assert_eq!(read_regular(&path, 11, "a runbook").unwrap().len(), 11);
    }
}
