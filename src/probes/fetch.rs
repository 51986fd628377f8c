//! Runs the command that fetches the incident's evidence (`kubectl logs deploy/api --previous --timestamps`,
//! `journalctl -u api --since -1h -o short-iso`, …) and returns what it printed, both streams in one, bounded in
//! size and time. The TUI's evidence dialog shows the whole command and asks before this runs (observe: it only
//! reads); a command that follows a log forever (`-f`) is stopped at the time limit and keeps what it printed.

use std::io::Read;
use std::os::unix::process::CommandExt;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// Evidence bigger than this is cut (the same bound as `--log`).
pub const LIMIT: u64 = 1 << 30;
/// A fetch runs at most this long.
pub const TIME_LIMIT: Duration = Duration::from_secs(120);

/// What the fetch printed, and whether it ended by itself.
#[derive(Debug, Clone, PartialEq)]
pub struct Fetched {
    pub bytes: Vec<u8>,
    pub exit_code: Option<i32>,
    /// Stopped at the time limit or the size limit.
    pub stopped: Option<String>,
}

/// Runs `command` with `sh -c` in `cwd`, stdin closed, stdout and stderr into one buffer.
pub fn fetch(command: &str, cwd: &str, limit: u64, time_limit: Duration) -> Result<Fetched, String> {
    let mut child = Command::new("sh")
        .arg("-c")
        // stderr joins stdout inside the shell, so the two keep their order (a crash log is usually stderr).
        .arg(format!("exec 2>&1\n{command}"))
        .current_dir(cwd)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        // Its own process group: a pipeline (`kubectl logs -f | grep …`) is stopped whole.
        .process_group(0)
        .spawn()
        .map_err(|e| format!("cannot start `sh`: {e}"))?;
    let Some(mut out) = child.stdout.take() else { return Err("no output pipe".into()) };
    let group = rustix::process::Pid::from_raw(child.id() as i32);
    let kill_group = move || {
        if let Some(pgid) = group {
            // A group already gone (ESRCH) has nothing left to stop.
            let _ = rustix::process::kill_process_group(pgid, rustix::process::Signal::KILL);
        }
    };
    let reader = std::thread::spawn(move || {
        let mut bytes = Vec::new();
        let cut = (&mut out).take(limit).read_to_end(&mut bytes).is_ok() && bytes.len() as u64 >= limit;
        (bytes, cut)
    });
    let started = Instant::now();
    let mut stopped = None;
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => {
                // What the shell left behind (a background `&`) must not hold the pipe open.
                kill_group();
                break Some(status);
            }
            Ok(None) if started.elapsed() >= time_limit => {
                stopped = Some(format!("stopped after {} s", time_limit.as_secs()));
                kill_group();
                break child.wait().ok();
            }
            // The output was cut at the limit (or closed): nothing more will be read.
            Ok(None) if reader.is_finished() => {
                kill_group();
                break child.wait().ok();
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(20)),
            Err(e) => return Err(format!("waiting for the command: {e}")),
        }
    };
    let (bytes, cut) = reader.join().map_err(|_| "the output reader failed".to_string())?;
    if cut {
        stopped = Some(format!("cut at {} bytes", limit));
    }
    Ok(Fetched { bytes, exit_code: status.and_then(|s| s.code()), stopped })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_streams_come_back_in_order() {
        let got = fetch("echo one; echo two >&2; echo three", "/", LIMIT, TIME_LIMIT).unwrap();
        assert_eq!(String::from_utf8_lossy(&got.bytes), "one\ntwo\nthree\n");
        assert_eq!(got.exit_code, Some(0));
        assert_eq!(got.stopped, None);
    }

    #[test]
    fn a_follow_is_stopped_at_the_time_limit_and_keeps_its_output() {
        let got = fetch("echo first; sleep 30 | cat", "/", LIMIT, Duration::from_millis(300)).unwrap();
        assert_eq!(String::from_utf8_lossy(&got.bytes), "first\n");
        assert!(got.stopped.is_some_and(|s| s.contains("stopped")));
    }

    #[test]
    fn output_past_the_limit_is_cut() {
        let got = fetch("yes evidence", "/", 1000, TIME_LIMIT).unwrap();
        assert_eq!(got.bytes.len(), 1000);
        assert!(got.stopped.is_some());
    }
}
