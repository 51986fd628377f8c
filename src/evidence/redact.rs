//! `--redact REGEX`: evidence can hold tokens and personal data, so matches are masked before the logs are stored,
//! parsed or shown. Works on bytes (logs are not always UTF-8) and line by line, so a pattern never spans lines.

use anyhow::Context as _;
use regex::bytes::Regex;

/// What a redacted match becomes.
pub const REDACTED: &[u8] = b"[REDACTED]";

#[derive(Debug, Clone, Default)]
pub struct Redactor {
    patterns: Vec<Regex>,
}

impl Redactor {
    /// Compiles the `--redact` patterns; Err names the bad one.
    pub fn new(patterns: &[String]) -> anyhow::Result<Redactor> {
        let patterns = patterns
            .iter()
            .map(|p| Regex::new(p).with_context(|| format!("--redact `{p}` is not a valid regex")))
            .collect::<anyhow::Result<_>>()?;
        Ok(Redactor { patterns })
    }

    pub fn is_empty(&self) -> bool {
        self.patterns.is_empty()
    }

    /// The text with every match masked, and how many matches there were.
    pub fn apply(&self, text: &[u8]) -> (Vec<u8>, usize) {
        if self.patterns.is_empty() {
            return (text.to_vec(), 0);
        }
        let mut out = Vec::with_capacity(text.len());
        let mut count = 0;
        for line in text.split_inclusive(|b| *b == b'\n') {
            let mut current = line.to_vec();
            for re in &self.patterns {
                let n = re.find_iter(&current).filter(|m| !m.is_empty()).count();
                if n > 0 {
                    count += n;
                    current = re.replace_all(&current, REDACTED).into_owned();
                }
            }
            out.extend_from_slice(&current);
        }
        (out, count)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_are_masked_and_counted_per_line() {
        let r = Redactor::new(&["token=[A-Za-z0-9]+".into(), r"\b[\w.]+@[\w.]+\b".into()]).unwrap();
        let (out, n) = r.apply(b"GET /x?token=abc123 by ana@example.com\nfatal error: concurrent map writes\n");
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "GET /x?[REDACTED] by [REDACTED]\nfatal error: concurrent map writes\n"
        );
        assert_eq!(n, 2);
    }

    #[test]
    fn a_bad_pattern_is_named() {
        let err = Redactor::new(&["(".into()]).unwrap_err();
        assert!(format!("{err:#}").contains("--redact `(`"), "{err:#}");
    }
}
