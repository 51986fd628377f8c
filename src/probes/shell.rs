//! Runs a step's command (its exact script, values in `RB_*` variables): its own process group, stdin from /dev/null, output streamed line by line.
//!
//! Why each choice:
//! - Own process group: a timeout or cancel must reach `go run`'s child too; tokio's `kill` signals only the leader.
//! - stdin from /dev/null: a background process group that reads the terminal is stopped by SIGTTIN.
//! - One pipe for stdout and stderr unless a capture needs them apart: two pipes cannot keep the order in which
//!   the program wrote (Go writes crashes to stderr, programs log to stdout).
//! - Reader threads and a bounded channel: a command that floods blocks on its own pipe instead of filling memory;
//!   lines longer than 64 KiB are cut into pieces for the same reason. The full output goes to a spill file.
//! - Timeout: SIGINT to the group, then SIGKILL after the grace period.
//! - When a step ends: its leader has exited and its output has drained, for at most `DRAIN_AFTER_EXIT` (none
//!   when cancelled). Then the whole group gets SIGKILL, so no background child outlives its step, even one that
//!   closed its output. A process that left the group (`setsid daemon &`) is out of reach: the readers stop
//!   listening to the pipe it still holds (they poll, so a read never blocks past the end of the step), the step
//!   ends and its later output is dropped. Without that, the run waited for the daemon, deaf to SIGINT.

use super::spill::Spill;
use crate::engine::{CommandSpec, ProcessEnd, Stream};
use rustix::process::{Pid, Signal};
use std::io::Read;
use std::os::unix::process::ExitStatusExt;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

/// Longest line passed on in one piece.
const MAX_LINE: usize = 64 * 1024;
/// How long to wait for output after the leader exited before the rest of its group is killed.
pub const DRAIN_AFTER_EXIT: Duration = Duration::from_secs(2);
/// After the group is killed, how long the readers get to read what is left in the pipe before they stop.
const DRAIN_AFTER_KILL: Duration = Duration::from_millis(200);
/// How often a reader waiting for output checks whether the step has ended.
const POLL_SLICE_MS: i32 = 50;

#[derive(Debug)]
pub enum ShellMsg {
    /// One line without its terminator; `raw` holds the bytes when they were not UTF-8.
    Line { stream: Stream, line: String, raw: Option<Vec<u8>> },
    /// Always the last message.
    Exited { end: ProcessEnd, duration_ms: u64 },
}

/// Runs the command to completion, sending lines and then exactly one `Exited`.
pub async fn run(spec: CommandSpec, spill: Option<Spill>, tx: mpsc::Sender<ShellMsg>, cancel: CancellationToken) {
    let started = Instant::now();
    let end = match run_inner(&spec, spill, &tx, &cancel).await {
        Ok(end) => end,
        Err(e) => ProcessEnd::FailedToStart(e),
    };
    let duration_ms = started.elapsed().as_millis() as u64;
    let _ = tx.send(ShellMsg::Exited { end, duration_ms }).await;
}

async fn run_inner(
    spec: &CommandSpec,
    spill: Option<Spill>,
    tx: &mpsc::Sender<ShellMsg>,
    cancel: &CancellationToken,
) -> Result<ProcessEnd, String> {
    refuse_nul(spec)?;
    let cwd = std::path::Path::new(&spec.cwd);
    if !cwd.is_dir() {
        return Err(match cwd.metadata() {
            Ok(_) => format!("working directory {} is not a directory", spec.cwd),
            Err(_) => format!("working directory {} does not exist", spec.cwd),
        });
    }
    // Values too big for the environment travel as files that live as long as the step.
    let value_files = ValueFiles::write(&spec.script_files)?;
    let spill = spill.map(|s| Arc::new(Mutex::new(Some(s))));
    let mut readers = Vec::new();
    let stop_reading = Arc::new(AtomicBool::new(false));
    let mut child = {
        let mut command = tokio::process::Command::new("/bin/sh");
        command.arg("-c").arg(&spec.script).current_dir(&spec.cwd).envs(&spec.env).envs(&spec.script_env);
        command.envs(value_files.paths());
        command.stdin(std::process::Stdio::null()).process_group(0).kill_on_drop(true);
        if spec.separate_streams {
            let (out_r, out_w) = std::io::pipe().map_err(|e| e.to_string())?;
            let (err_r, err_w) = std::io::pipe().map_err(|e| e.to_string())?;
            command.stdout(out_w).stderr(err_w);
            readers.push(spawn_reader(out_r, Stream::Stdout, tx.clone(), spill.clone(), stop_reading.clone()));
            readers.push(spawn_reader(err_r, Stream::Stderr, tx.clone(), spill.clone(), stop_reading.clone()));
        } else {
            let (r, w) = std::io::pipe().map_err(|e| e.to_string())?;
            let w2 = w.try_clone().map_err(|e| e.to_string())?;
            command.stdout(w).stderr(w2);
            readers.push(spawn_reader(r, Stream::Output, tx.clone(), spill.clone(), stop_reading.clone()));
        }
        // `command` (holding our copies of the pipes' write ends) is dropped at the end of this block, so the
        // readers see end-of-file when the child's group closes them.
        command.spawn().map_err(|e| format!("cannot run /bin/sh: {e}"))?
    };
    let pgid = child.id().map(|id| id as i32);
    let end = tokio::select! {
        status = child.wait() => Ok::<_, String>(status_end(status.map_err(|e| e.to_string())?)),
        _ = tokio::time::sleep(spec.timeout) => {
            stop_group(pgid, &mut child, spec.grace).await;
            Ok(ProcessEnd::TimedOut)
        }
        _ = cancel.cancelled() => {
            stop_group(pgid, &mut child, spec.grace).await;
            Ok(ProcessEnd::Cancelled)
        }
    }?;
    // The leader is gone: let the output drain for a bounded time (not at all once cancelled), then the step is
    // over and so is its group; the readers read what is left in the pipe, then stop even if a process outside
    // the group still holds it open.
    if !matches!(end, ProcessEnd::Cancelled) {
        tokio::select! {
            _ = wait_readers(&mut readers) => {}
            _ = tokio::time::sleep(DRAIN_AFTER_EXIT) => {}
            _ = cancel.cancelled() => {}
        }
    }
    signal_group(pgid, Signal::KILL);
    let _ = tokio::time::timeout(DRAIN_AFTER_KILL, wait_readers(&mut readers)).await;
    stop_reading.store(true, Ordering::Release);
    wait_readers(&mut readers).await;
    // The readers are done: put the side file in order (head, what the cap dropped, tail).
    if let Some(spill) = spill.and_then(|s| s.lock().ok().and_then(|mut s| s.take())) {
        let _ = spill.finish();
    }
    drop(value_files);
    Ok(end)
}

/// The OS takes the script, its directory and its environment as C strings. A NUL byte there (`check` refuses
/// one written in the runbook, but a captured value can hold one) is named, instead of spawn's "nul byte found in
/// provided data".
fn refuse_nul(spec: &CommandSpec) -> Result<(), String> {
    if spec.cwd.contains('\0') {
        return Err("the working directory holds a NUL byte".into());
    }
    if spec.script.contains('\0') {
        return Err("the command holds a NUL byte".into());
    }
    if let Some(name) = spec.env.iter().find(|(_, v)| v.contains('\0')).map(|(k, _)| k) {
        return Err(format!("the value of env `{name}` holds a NUL byte, which no environment variable can carry"));
    }
    let values = spec.script_env.iter().chain(&spec.script_files);
    if let Some(name) = values.filter(|(_, v)| v.contains('\0')).map(|(k, _)| k).next() {
        return Err(format!(
            "the value passed as `{name}` holds a NUL byte, which no environment variable (nor shell) can carry"
        ));
    }
    Ok(())
}

/// Temporary files holding values too big for the environment (`RB_*_FILE`), removed when dropped.
struct ValueFiles {
    dir: Option<tempfile::TempDir>,
    vars: Vec<(String, PathBuf)>,
}

impl ValueFiles {
    fn write(files: &std::collections::BTreeMap<String, String>) -> Result<ValueFiles, String> {
        if files.is_empty() {
            return Ok(ValueFiles { dir: None, vars: Vec::new() });
        }
        let dir = tempfile::Builder::new()
            .prefix("runbook-values-")
            .tempdir()
            .map_err(|e| format!("cannot create a directory for large values: {e}"))?;
        let mut vars = Vec::new();
        for (i, (name, content)) in files.iter().enumerate() {
            let path = dir.path().join(format!("value-{i}"));
            std::fs::write(&path, content).map_err(|e| format!("{}: {e}", path.display()))?;
            vars.push((name.clone(), path));
        }
        Ok(ValueFiles { dir: Some(dir), vars })
    }

    fn paths(&self) -> impl Iterator<Item = (&str, &std::path::Path)> {
        let _ = &self.dir;
        self.vars.iter().map(|(name, path)| (name.as_str(), path.as_path()))
    }
}

fn status_end(status: std::process::ExitStatus) -> ProcessEnd {
    match (status.code(), status.signal()) {
        (Some(code), _) => ProcessEnd::Exited(code),
        (None, Some(sig)) => ProcessEnd::Signalled(sig),
        (None, None) => ProcessEnd::Exited(-1),
    }
}

/// SIGINT to the group, SIGKILL after the grace period; then SIGKILL again for whatever of the group outlived its
/// leader (a non-interactive shell's background jobs ignore SIGINT).
async fn stop_group(pgid: Option<i32>, child: &mut tokio::process::Child, grace: Duration) {
    signal_group(pgid, Signal::INT);
    if tokio::time::timeout(grace, child.wait()).await.is_err() {
        signal_group(pgid, Signal::KILL);
        let _ = child.wait().await;
    }
    signal_group(pgid, Signal::KILL);
}

/// Sends a signal to a whole process group (killpg, through rustix: no unsafe here).
fn signal_group(pgid: Option<i32>, signal: Signal) {
    if let Some(pgid) = pgid.filter(|p| *p > 1).and_then(Pid::from_raw) {
        // A group that is already gone (ESRCH) has nothing left to stop.
        let _ = rustix::process::kill_process_group(pgid, signal);
    }
}

/// Waits for every reader to finish; cancel-safe (a reader already finished is not waited for again).
async fn wait_readers(readers: &mut Vec<tokio::sync::oneshot::Receiver<()>>) {
    while let Some(r) = readers.last_mut() {
        let _ = r.await;
        readers.pop();
    }
}

/// Whether the pipe has data (or end-of-file) within `timeout_ms`.
#[allow(unsafe_code)]
fn readable(fd: std::os::fd::RawFd, timeout_ms: i32) -> bool {
    let mut poll = libc::pollfd { fd, events: libc::POLLIN, revents: 0 };
    // SAFETY: `poll` points at one valid pollfd for the duration of the call.
    let ready = unsafe { libc::poll(&mut poll, 1, timeout_ms) };
    // An error other than EINTR (a closed fd) is reported as readable: the read then ends the loop.
    ready > 0 || (ready < 0 && std::io::Error::last_os_error().kind() != std::io::ErrorKind::Interrupted)
}

fn spawn_reader(
    mut pipe: std::io::PipeReader,
    stream: Stream,
    tx: mpsc::Sender<ShellMsg>,
    spill: Option<Arc<Mutex<Option<Spill>>>>,
    stop: Arc<AtomicBool>,
) -> tokio::sync::oneshot::Receiver<()> {
    use std::os::fd::AsRawFd;
    let (done_tx, done_rx) = tokio::sync::oneshot::channel();
    std::thread::spawn(move || {
        let mut buf = vec![0u8; 64 * 1024];
        let mut pending: Vec<u8> = Vec::new();
        let fd = pipe.as_raw_fd();
        loop {
            if stop.load(Ordering::Acquire) {
                break;
            }
            if !readable(fd, POLL_SLICE_MS) {
                continue;
            }
            let n = match pipe.read(&mut buf) {
                Ok(0) | Err(_) => break,
                Ok(n) => n,
            };
            if let Some(spill) = &spill {
                if let Ok(mut guard) = spill.lock() {
                    if let Some(file) = guard.as_mut() {
                        let _ = file.write(&buf[..n]);
                    }
                }
            }
            pending.extend_from_slice(&buf[..n]);
            let mut start = 0;
            while let Some(pos) = pending[start..].iter().position(|b| *b == b'\n') {
                let line = &pending[start..start + pos];
                if send_line(&tx, stream, line).is_err() {
                    let _ = done_tx.send(());
                    return;
                }
                start += pos + 1;
            }
            pending.drain(..start);
            while pending.len() >= MAX_LINE {
                let piece: Vec<u8> = pending.drain(..MAX_LINE).collect();
                if send_line(&tx, stream, &piece).is_err() {
                    let _ = done_tx.send(());
                    return;
                }
            }
        }
        if !pending.is_empty() {
            let _ = send_line(&tx, stream, &pending);
        }
        let _ = done_tx.send(());
    });
    done_rx
}

fn send_line(tx: &mpsc::Sender<ShellMsg>, stream: Stream, bytes: &[u8]) -> Result<(), ()> {
    let bytes = bytes.strip_suffix(b"\r").unwrap_or(bytes);
    let (line, raw) = match std::str::from_utf8(bytes) {
        Ok(s) => (strip_ansi(s), None),
        Err(_) => (strip_ansi(&String::from_utf8_lossy(bytes)), Some(bytes.to_vec())),
    };
    tx.blocking_send(ShellMsg::Line { stream, line, raw }).map_err(|_| ())
}

/// Removes terminal escape sequences (colours, cursor moves, OSC titles) so output reads cleanly in the UI,
/// in JSON and in the journal.
pub fn strip_ansi(s: &str) -> String {
    if !s.contains('\x1b') {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '\x1b' {
            out.push(c);
            continue;
        }
        match chars.peek() {
            Some('[') => {
                chars.next();
                for c in chars.by_ref() {
                    if ('@'..='~').contains(&c) {
                        break;
                    }
                }
            }
            Some(']') => {
                chars.next();
                while let Some(c) = chars.next() {
                    if c == '\x07' || (c == '\x1b' && chars.peek() == Some(&'\\')) {
                        if c == '\x1b' {
                            chars.next();
                        }
                        break;
                    }
                }
            }
            Some(_) => {
                chars.next();
            }
            None => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strips_colour_and_titles() {
        assert_eq!(strip_ansi("\x1b[31mred\x1b[0m plain \x1b]0;title\x07end"), "red plain end");
    }
}
