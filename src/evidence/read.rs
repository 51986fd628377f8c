//! Reading one evidence source: a file, `-` for standard input, gzip-compressed or not (told by the gzip magic
//! bytes, so `kubectl logs … | gzip` and rotated `.log.gz` files read the same). Size is bounded, with a clear
//! error, so `/dev/zero` or a runaway pipe cannot exhaust memory.

use anyhow::{bail, Context as _};
use std::io::Read;

/// The largest evidence read into a session (uncompressed). Real crash logs are kilobytes to a few hundred MB.
pub const MAX_BYTES: u64 = 1 << 30;

/// Reads `name` (`-` is `stdin`); decompresses gzip. Err names the source.
pub fn read_source(name: &str, stdin: &mut dyn Read) -> anyhow::Result<Vec<u8>> {
    let raw = if name == "-" {
        read_bounded(stdin).context("reading the evidence from standard input")?
    } else {
        let meta = check_file(name)?;
        let mut file = std::fs::File::open(name).with_context(|| format!("cannot read the log {name}"))?;
        // Sized once from the file's length: a 100 MB log read into a vector that doubles as it goes is copied
        // about twice over before the screen opens (issue 17's first frame). Read straight from the file: a
        // buffer in between is one more copy.
        let mut out = Vec::with_capacity(usize::try_from(meta.len().min(MAX_BYTES)).unwrap_or(0).saturating_add(1));
        read_bounded_into(&mut file, &mut out).with_context(|| format!("cannot read the log {name}"))?;
        out
    };
    if raw.starts_with(&[0x1f, 0x8b]) {
        let mut decoder = flate2::read::MultiGzDecoder::new(raw.as_slice());
        return read_bounded(&mut decoder).with_context(|| format!("cannot decompress the gzip log {name}"));
    }
    Ok(raw)
}

/// That the log `name` is there and is no directory, before it is read (the error names it).
pub fn check_file(name: &str) -> anyhow::Result<std::fs::Metadata> {
    let meta = std::fs::metadata(name).with_context(|| format!("cannot read the log {name}"))?;
    if meta.is_dir() {
        bail!("the log {name} is a directory");
    }
    Ok(meta)
}

fn read_bounded(reader: &mut dyn Read) -> anyhow::Result<Vec<u8>> {
    let mut out = Vec::new();
    read_bounded_into(reader, &mut out)?;
    Ok(out)
}

fn read_bounded_into(reader: &mut dyn Read, out: &mut Vec<u8>) -> anyhow::Result<()> {
    let read = reader.take(MAX_BYTES + 1).read_to_end(out)?;
    if read as u64 > MAX_BYTES {
        bail!("larger than {} MiB (cut it to the incident's window first)", MAX_BYTES >> 20);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    #[test]
    fn gzip_is_read_as_text_and_stdin_is_dash() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("crash.log.gz");
        let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        enc.write_all(b"fatal error: concurrent map writes\n").unwrap();
        std::fs::write(&path, enc.finish().unwrap()).unwrap();
        let text = read_source(path.to_str().unwrap(), &mut std::io::empty()).unwrap();
        assert_eq!(text, b"fatal error: concurrent map writes\n");
        let mut stdin: &[u8] = b"from a pipe\n";
        assert_eq!(read_source("-", &mut stdin).unwrap(), b"from a pipe\n");
    }

    #[test]
    fn a_missing_file_or_a_directory_is_named_in_the_error() {
        let err = read_source("/nonexistent/crash.log", &mut std::io::empty()).unwrap_err();
        assert!(format!("{err:#}").contains("/nonexistent/crash.log"), "{err:#}");
        let dir = tempfile::tempdir().unwrap();
        let err = read_source(dir.path().to_str().unwrap(), &mut std::io::empty()).unwrap_err();
        assert!(format!("{err:#}").contains("is a directory"), "{err:#}");
    }
}
