//! The year for timestamps that have none (journald `short`, RFC 3164 syslog): the file's modification date, or
//! the session's date for a log that is no file (standard input, a paste, a fetch command). The parsers read no
//! clock and no filesystem, so every caller that parses logs (`runbook parse`, `runbook triage`, the session's
//! evidence) asks here. UTC: a log near New Year may be off by one, and the triage's note says where the year
//! came from.

use crate::golang::timestamps::YearHint;
use std::time::SystemTime;

/// One hint per source name, in order.
pub fn year_hints(names: &[&str]) -> Vec<Option<YearHint>> {
    names.iter().map(|name| year_hint(name)).collect()
}

fn year_hint(name: &str) -> Option<YearHint> {
    let file_time = (name != "-").then(|| std::fs::metadata(name).and_then(|m| m.modified()).ok()).flatten();
    let (time, source) = match file_time {
        Some(time) => (time, "the file's date"),
        None => (SystemTime::now(), "the session's date"),
    };
    let secs = time.duration_since(SystemTime::UNIX_EPOCH).ok()?.as_secs();
    let days = i64::try_from(secs / 86_400).ok()?;
    Some(YearHint { year: crate::timefmt::civil_from_days(days).0, source: source.to_string() })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_gives_its_date_and_anything_else_the_sessions() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("old.log");
        std::fs::write(&path, "x").unwrap();
        let old = SystemTime::UNIX_EPOCH + std::time::Duration::from_secs(1_600_000_000); // 2020-09-13
        std::fs::File::options().write(true).open(&path).unwrap().set_modified(old).unwrap();
        let hints = year_hints(&[path.to_str().unwrap(), "-", "paste"]);
        assert_eq!(hints[0].as_ref().map(|h| (h.year, h.source.as_str())), Some((2020, "the file's date")));
        assert_eq!(hints[1].as_ref().map(|h| h.source.as_str()), Some("the session's date"));
        assert_eq!(hints[2].as_ref().map(|h| h.source.as_str()), Some("the session's date"));
    }
}
