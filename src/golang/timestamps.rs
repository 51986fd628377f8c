//! When a crash happened, from the timestamp its log format put on the crash's first line.
//!
//! The incident's timeline needs a time for the crash, and the log pipeline usually wrote one on every line:
//! RFC 3339 (CRI, `kubectl --timestamps`, Docker's `time`, RFC 5424), epoch milliseconds or microseconds
//! (`epoch-tab`, journald's `__REALTIME_TIMESTAMP`), or `Dec 06 05:06:40` with no year and no zone (journald
//! `-o short`, RFC 3164). The parsers stay pure, so the year those lack comes from the caller (the file's
//! modification date, or the session's date for standard input), and every such inference is said in a note.

use super::formats::LogFormat;
use super::prefix::skip_rfc3339;

/// The year to give timestamps that have none, and where it came from ("the file's date").
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct YearHint {
    pub year: i64,
    pub source: String,
}

/// The time of a raw line in `format`: RFC 3339 (UTC for epoch times; as written otherwise), and a note when
/// part of it was inferred.
pub fn time_of_line(format: LogFormat, raw: &str, year: Option<&YearHint>) -> Option<(String, Option<String>)> {
    match format {
        LogFormat::Cri | LogFormat::KubectlTimestamps | LogFormat::Plain => rfc3339_prefix(raw),
        LogFormat::JournaldShortIso => rfc3339_prefix(raw).map(|(t, note)| (colon_zone(&t), note)),
        LogFormat::SyslogRfc5424 => {
            let rest = raw.strip_prefix('<')?.split_once('>')?.1.strip_prefix("1 ")?;
            rfc3339_prefix(rest)
        }
        LogFormat::DockerJson => json_field(raw, "time").and_then(|t| rfc3339_prefix(&t)),
        LogFormat::JournaldJson => {
            let micros: i64 = json_field(raw, "__REALTIME_TIMESTAMP")?.parse().ok()?;
            Some((utc(micros.div_euclid(1_000_000), micros.rem_euclid(1_000_000) as u32, 6), None))
        }
        LogFormat::EpochTab => {
            let digits: String = raw.chars().take_while(char::is_ascii_digit).collect();
            let millis: i64 = digits.get(..13.min(digits.len()))?.parse().ok()?;
            Some((utc(millis.div_euclid(1000), millis.rem_euclid(1000) as u32, 3), None))
        }
        LogFormat::JournaldShort | LogFormat::JournaldShortPrecise => month_day(raw, year),
        LogFormat::SyslogRfc3164 => month_day(raw.strip_prefix('<')?.split_once('>')?.1, year),
        LogFormat::Compose | LogFormat::Structured | LogFormat::CloudLogging | LogFormat::Cloudwatch => None,
    }
}

/// An RFC 3339 timestamp (`T` or space) or Go's `2006/01/02 15:04:05` at the start of `text`.
fn rfc3339_prefix(text: &str) -> Option<(String, Option<String>)> {
    let slash = text.len() > 10 && text.as_bytes().get(4) == Some(&b'/') && text.as_bytes().get(7) == Some(&b'/');
    let text_owned;
    let text = if slash {
        text_owned = text.replacen('/', "-", 2);
        text_owned.as_str()
    } else {
        text
    };
    let rest = skip_rfc3339(text)?;
    let stamp = text.get(..text.len() - rest.len())?.replacen(' ', "T", 1);
    let has_zone = stamp.ends_with('Z') || stamp.get(19..).is_some_and(|z| z.contains('+') || z.contains('-'));
    let note = (!has_zone).then(|| "no zone in the log: local time of the machine that wrote it".to_string());
    Some((stamp, note))
}

/// `+0000` → `+00:00` (journald `short-iso` prints no colon; RFC 3339 wants one).
fn colon_zone(stamp: &str) -> String {
    let n = stamp.len();
    match (stamp.get(..n.saturating_sub(5)), stamp.get(n.saturating_sub(5)..)) {
        (Some(head), Some(zone)) if (zone.starts_with('+') || zone.starts_with('-')) && !zone.contains(':') => {
            format!("{head}{}:{}", &zone[..3], &zone[3..])
        }
        _ => stamp.to_string(),
    }
}

fn json_field(line: &str, key: &str) -> Option<String> {
    let value: serde_json::Value = serde_json::from_str(line).ok()?;
    value.get(key)?.as_str().map(str::to_string)
}

/// `Dec 06 05:06:40[.123456]` with the hinted year; no zone.
fn month_day(text: &str, year: Option<&YearHint>) -> Option<(String, Option<String>)> {
    const MONTHS: [&str; 12] = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
    let month = MONTHS.iter().position(|m| text.starts_with(m))? + 1;
    let rest = text.get(3..)?.trim_start();
    let (day, rest) = rest.split_once(' ')?;
    let day: u32 = day.parse().ok()?;
    let clock: String = rest.chars().take_while(|c| c.is_ascii_digit() || *c == ':' || *c == '.').collect();
    if clock.len() < 8 {
        return None;
    }
    let no_zone = "no zone in the log: local time of the machine that wrote it";
    match year {
        Some(hint) => Some((
            format!("{:04}-{month:02}-{day:02}T{clock}", hint.year),
            Some(format!("year {} from {} (the log has none); {no_zone}", hint.year, hint.source)),
        )),
        None => Some((format!("{month:02}-{day:02}T{clock}"), Some(format!("no year in the log; {no_zone}")))),
    }
}

/// Unix seconds (and a fraction of `digits` digits) as UTC RFC 3339.
fn utc(seconds: i64, fraction: u32, digits: usize) -> String {
    let (y, m, d) = civil_from_days(seconds.div_euclid(86_400));
    let s = seconds.rem_euclid(86_400);
    format!("{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}.{fraction:0digits$}Z", s / 3600, s % 3600 / 60, s % 60)
}

/// Days since 1970-01-01 → (year, month, day) in the proleptic Gregorian calendar (Howard Hinnant's algorithm).
pub fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_of_each_kind() {
        let cri = "2026-12-06T05:07:50.399256881Z stderr F fatal error: x";
        assert_eq!(time_of_line(LogFormat::Cri, cri, None), Some(("2026-12-06T05:07:50.399256881Z".into(), None)));
        let iso = "2026-12-06T05:06:39+0000 vm relay[1]: x";
        assert_eq!(
            time_of_line(LogFormat::JournaldShortIso, iso, None).map(|t| t.0),
            Some("2026-12-06T05:06:39+00:00".into())
        );
        let epoch = "1796533481778\tfatal error: x";
        assert_eq!(
            time_of_line(LogFormat::EpochTab, epoch, None).map(|t| t.0),
            Some("2026-12-06T05:04:41.778Z".into())
        );
        let json = r#"{"MESSAGE":"x","__REALTIME_TIMESTAMP":"1796533481778383"}"#;
        assert_eq!(
            time_of_line(LogFormat::JournaldJson, json, None).map(|t| t.0),
            Some("2026-12-06T05:04:41.778383Z".into())
        );
        let go_log = "2026/11/26 02:13:12 fatal error: x";
        let (time, note) = time_of_line(LogFormat::Plain, go_log, None).unwrap();
        assert_eq!(time, "2026-11-26T02:13:12");
        assert!(note.unwrap().contains("no zone"));
    }

    #[test]
    fn a_year_less_time_takes_the_hinted_year_and_says_so() {
        let hint = YearHint { year: 2026, source: "the file's date".into() };
        let line = "<13>Dec  6 05:06:40 vm relay: fatal error: x";
        let (time, note) = time_of_line(LogFormat::SyslogRfc3164, line, Some(&hint)).unwrap();
        assert_eq!(time, "2026-12-06T05:06:40");
        assert!(note.unwrap().starts_with("year 2026 from the file's date"));
        let (time, note) =
            time_of_line(LogFormat::JournaldShortPrecise, "Dec 06 05:06:39.195864 vm r[1]: x", None).unwrap();
        assert_eq!(time, "12-06T05:06:39.195864");
        assert!(note.unwrap().starts_with("no year in the log"));
    }

    #[test]
    fn civil_dates() {
        assert_eq!(civil_from_days(0), (1970, 1, 1));
        assert_eq!(civil_from_days(20_793), (2026, 12, 6));
        assert_eq!(civil_from_days(-1), (1969, 12, 31));
    }
}
