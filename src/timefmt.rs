//! Calendar dates from Unix times, in UTC or a fixed `+0100`-style offset: blame lines, commits and the journal
//! each print dates, and one format does not justify a date crate. And durations as text, in the few styles the
//! screens and reports use, from one function. Pure: no clock, no time-zone database.

/// Days since 1970-01-01 to (year, month, day), Howard Hinnant's `civil_from_days`.
pub fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (yoe + era * 400 + i64::from(month <= 2), month, day)
}

/// Minutes east of UTC of a `+0100`-style offset (0 when it cannot be read).
pub fn offset_minutes(tz: &str) -> i32 {
    let (sign, digits) = match tz.as_bytes().first() {
        Some(b'-') => (-1, tz.get(1..).unwrap_or("")),
        Some(b'+') => (1, tz.get(1..).unwrap_or("")),
        _ => (1, tz),
    };
    let hours: i32 = digits.get(..2).and_then(|h| h.parse().ok()).unwrap_or(0);
    let minutes: i32 = digits.get(2..4).and_then(|m| m.parse().ok()).unwrap_or(0);
    sign * (hours * 60 + minutes)
}

/// Local (date, seconds into the day) of a Unix time `offset_minutes` east of UTC.
fn local(time: i64, offset_minutes: i32) -> ((i64, u32, u32), i64) {
    let local = time + i64::from(offset_minutes) * 60;
    (civil_from_days(local.div_euclid(86_400)), local.rem_euclid(86_400))
}

/// `YYYY-MM-DD`.
pub fn date(time: i64, offset_minutes: i32) -> String {
    let ((y, m, d), _) = local(time, offset_minutes);
    format!("{y:04}-{m:02}-{d:02}")
}

/// `YYYY-MM-DD HH:MM:SS`.
pub fn date_time_seconds(time: i64, offset_minutes: i32) -> String {
    let ((y, m, d), secs) = local(time, offset_minutes);
    format!("{y:04}-{m:02}-{d:02} {:02}:{:02}:{:02}", secs / 3600, secs % 3600 / 60, secs % 60)
}

/// How a duration reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DurationStyle {
    /// Reports: `812 ms`, `14.2 s`, `3 min 05 s`, `1 h 02 min`.
    Words,
    /// The step list: `850ms`, `12s`, `3m05s`, `1h02m`.
    Compact,
    /// The runbook format's timeouts: `500ms`, `90s`, `10m`, `1h30m`.
    Runbook,
    /// An offset from the session start to the millisecond: `+02:03.456`, `+1:02:03.456`.
    Offset,
    /// An offset to the tenth of a second (the replay scrubber): `+02:03.4`, `+1:02:03.4`.
    OffsetTenths,
}

/// `ms` milliseconds as text in `style`.
pub fn duration(ms: u64, style: DurationStyle) -> String {
    let (h, m, s) = (ms / 3_600_000, ms / 60_000 % 60, ms / 1000 % 60);
    match style {
        DurationStyle::Words => match ms {
            0..=999 => format!("{ms} ms"),
            1000..=59_999 => format!("{:.1} s", ms as f64 / 1000.0),
            60_000..=3_599_999 => format!("{} min {s:02} s", ms / 60_000),
            _ => format!("{h} h {m:02} min"),
        },
        DurationStyle::Compact => match ms / 1000 {
            0 => format!("{ms}ms"),
            1..=59 => format!("{s}s"),
            60..=3599 => format!("{}m{s:02}s", ms / 60_000),
            _ => format!("{h}h{m:02}m"),
        },
        DurationStyle::Runbook if ms < 1000 => format!("{ms}ms"),
        DurationStyle::Runbook => [(h, "h"), (m, "m"), (s, "s")]
            .iter()
            .filter(|(n, _)| *n > 0)
            .map(|(n, unit)| format!("{n}{unit}"))
            .collect(),
        DurationStyle::Offset | DurationStyle::OffsetTenths => {
            let fraction =
                if style == DurationStyle::Offset { format!("{:03}", ms % 1000) } else { (ms / 100 % 10).to_string() };
            if h > 0 {
                format!("+{h}:{m:02}:{s:02}.{fraction}")
            } else {
                format!("+{m:02}:{s:02}.{fraction}")
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_in_utc_and_in_fixed_offsets() {
        assert_eq!(civil_from_days(0), (1970, 1, 1));
        assert_eq!(date(951_782_400, 0), "2000-02-29");
        // 2026-11-26 00:30 UTC is still the 25th in New York (-0500).
        let t = 1_795_653_000;
        assert_eq!(date_time_seconds(t, 0), "2026-11-26 00:30:00");
        assert_eq!(date_time_seconds(t, offset_minutes("-0500")), "2026-11-25 19:30:00");
        assert_eq!(offset_minutes("+0130"), 90);
        assert_eq!(offset_minutes("junk"), 0);
    }

    #[test]
    fn durations_read_as_each_screen_and_report_wrote_them() {
        use super::{duration, DurationStyle::*};
        let cases = [
            (812, Words, "812 ms"),
            (14_200, Words, "14.2 s"),
            (185_000, Words, "3 min 05 s"),
            (3_720_000, Words, "1 h 02 min"),
            (850, Compact, "850ms"),
            (12_400, Compact, "12s"),
            (185_000, Compact, "3m05s"),
            (3_720_000, Compact, "1h02m"),
            (500, Runbook, "500ms"),
            (90_000, Runbook, "1m30s"),
            (600_000, Runbook, "10m"),
            (5_400_000, Runbook, "1h30m"),
            (123_456, Offset, "+02:03.456"),
            (3_723_456, Offset, "+1:02:03.456"),
            (123_456, OffsetTenths, "+02:03.4"),
            (3_723_456, OffsetTenths, "+1:02:03.4"),
        ];
        for (ms, style, text) in cases {
            assert_eq!(duration(ms, style), text, "{ms} ms as {style:?}");
        }
    }
}
