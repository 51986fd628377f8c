//! Reading evidence logs given on the command line: a path, or `-` for standard input; gzip is recognised by its
//! magic bytes (not the file name, so `kubectl logs … | gzip | runbook triage -` works too) and read transparently.

use anyhow::{bail, Context};
use std::io::Read;

/// Largest log accepted after decompression: a gzip of a few MiB can expand without bound.
pub const MAX_LOG_BYTES: u64 = 1 << 30;

/// The bytes of one log (`-` = standard input), decompressed when gzipped.
pub fn read_log(path: &str) -> anyhow::Result<Vec<u8>> {
    let raw = if path == "-" {
        let mut buf = Vec::new();
        std::io::stdin().lock().read_to_end(&mut buf).context("cannot read standard input")?;
        buf
    } else {
        std::fs::read(path).with_context(|| format!("cannot read {path}"))?
    };
    if !raw.starts_with(&[0x1f, 0x8b]) {
        return Ok(raw);
    }
    let mut text = Vec::new();
    let decoder = flate2::read::MultiGzDecoder::new(raw.as_slice());
    decoder
        .take(MAX_LOG_BYTES + 1)
        .read_to_end(&mut text)
        .with_context(|| format!("cannot decompress {path} (it starts like gzip)"))?;
    if text.len() as u64 > MAX_LOG_BYTES {
        bail!("{path} is larger than {} MiB once decompressed", MAX_LOG_BYTES >> 20);
    }
    Ok(text)
}

/// Every log, in order, with the name it was given by.
pub fn read_logs(paths: &[String]) -> anyhow::Result<Vec<(String, Vec<u8>)>> {
    paths.iter().map(|path| Ok((path.clone(), read_log(path)?))).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    #[test]
    fn gzip_is_read_by_its_magic_and_plain_text_as_is() -> anyhow::Result<()> {
        let dir = tempfile::tempdir()?;
        let plain = dir.path().join("crash.log");
        std::fs::write(&plain, "fatal error: concurrent map writes\n")?;
        let packed = dir.path().join("crash.bin");
        let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        encoder.write_all(b"fatal error: concurrent map writes\n")?;
        std::fs::write(&packed, encoder.finish()?)?;
        let want = b"fatal error: concurrent map writes\n".to_vec();
        assert_eq!(read_log(&plain.display().to_string())?, want);
        assert_eq!(read_log(&packed.display().to_string())?, want);
        Ok(())
    }

    #[test]
    fn a_broken_gzip_and_a_missing_file_are_errors_naming_the_file() {
        let dir = tempfile::tempdir().ok();
        let Some(dir) = dir else { return };
        let broken = dir.path().join("broken.gz");
        let _ = std::fs::write(&broken, [0x1f, 0x8b, 0x08, 0x00, 0x01]);
        let message = read_log(&broken.display().to_string()).map_err(|e| format!("{e:#}"));
        assert!(
            matches!(&message, Err(m) if m.contains("cannot decompress") && m.contains("broken.gz")),
            "{message:?}"
        );
        let missing = read_log("/nonexistent/crash.log").map_err(|e| format!("{e:#}"));
        assert!(matches!(&missing, Err(m) if m.contains("/nonexistent/crash.log")), "{missing:?}");
    }
}
