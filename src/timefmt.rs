//! Calendar dates from Unix times, in UTC or a fixed `+0100`-style offset: blame lines, commits and the journal
//! each print dates, and one format does not justify a date crate. Pure: no clock, no time-zone database.

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
}
