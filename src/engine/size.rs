//! Sizes written by people, in runbooks (`spill_cap: 200MiB`) and on the command line (`--spill-cap 2GiB`,
//! `gc --limit 512Mi`): a number with an optional unit, binary (`KiB`, `MiB`, `GiB`, `TiB`, Kubernetes' `Ki`, `Mi`,
//! `Gi`, `Ti`, and the short `K`, `M`, `G`, `T`) or decimal (`KB`, `MB`, `GB`, `TB`), `B` or none for bytes. One
//! grammar for every size the tool reads. Parsed strictly: a typo must be an error with the accepted forms, never
//! a silent default.

/// Bytes in `text`, or why it is not a size.
pub fn parse(text: &str) -> Result<u64, String> {
    let t = text.trim();
    let split = t.find(|c: char| !c.is_ascii_digit()).unwrap_or(t.len());
    let (number, unit) = t.split_at(split);
    let why =
        || format!("`{text}` is not a size: expected a number with an optional unit (B, KiB, MiB, GiB, KB, MB, GB)");
    let n: u64 = number.parse().map_err(|_| why())?;
    let scale: u64 = match unit.trim() {
        "" | "B" => 1,
        "KiB" | "Ki" | "K" | "k" => 1 << 10,
        "MiB" | "Mi" | "M" => 1 << 20,
        "GiB" | "Gi" | "G" => 1 << 30,
        "TiB" | "Ti" | "T" => 1 << 40,
        "KB" | "kB" => 1_000,
        "MB" => 1_000_000,
        "GB" => 1_000_000_000,
        "TB" => 1_000_000_000_000,
        _ => return Err(why()),
    };
    let bytes = n.checked_mul(scale).ok_or_else(|| format!("`{text}` is too large"))?;
    if bytes == 0 {
        return Err(format!("`{text}`: the size must be greater than zero"));
    }
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::parse;

    #[test]
    fn units_binary_and_decimal() {
        assert_eq!(parse("4096"), Ok(4096));
        assert_eq!(parse("1GiB"), Ok(1 << 30));
        assert_eq!(parse("200 MiB"), Ok(200 << 20));
        assert_eq!(parse("10MB"), Ok(10_000_000));
        assert_eq!(parse("512K"), Ok(512 << 10));
    }

    #[test]
    fn sizes_are_read_as_people_write_limits() {
        assert_eq!(parse("512MiB"), Ok(512 << 20));
        assert_eq!(parse("512Mi"), Ok(512 << 20));
        assert_eq!(parse("1GiB"), Ok(1 << 30));
        assert_eq!(parse("1G"), Ok(1 << 30));
        assert_eq!(parse("536870912"), Ok(536_870_912));
        assert!(parse("lots").is_err());
        assert!(parse("5XB").is_err());
        assert!(parse("99999999999999999999T").is_err());
    }

    #[test]
    fn typos_zero_and_overflow_are_errors() {
        assert!(parse("1 gigabyte").unwrap_err().contains("expected a number"));
        assert!(parse("MiB").is_err());
        assert!(parse("0").unwrap_err().contains("greater than zero"));
        assert!(parse("99999999999999GiB").unwrap_err().contains("too large"));
    }
}
