//! Bytes that may not be UTF-8, as the JSON surface wants them: lossy text plus the raw bytes in base64.
//!
//! ARCHITECTURE.md fixes the convention (`text` lossy with U+FFFD, `text_b64` only when the bytes are not
//! UTF-8); keeping it in one place means grep paths, grep lines and blame paths all agree.

use base64::Engine as _;
use std::path::Path;

/// The lossy text and, when the bytes are not valid UTF-8, their base64 form.
pub(crate) fn lossy_and_b64(bytes: &[u8]) -> (String, Option<String>) {
    match std::str::from_utf8(bytes) {
        Ok(s) => (s.to_owned(), None),
        Err(_) => {
            (String::from_utf8_lossy(bytes).into_owned(), Some(base64::engine::general_purpose::STANDARD.encode(bytes)))
        }
    }
}

/// The inverse of `lossy_and_b64`: the raw bytes when a base64 form was kept, else the text's.
pub(crate) fn bytes_from(text: String, b64: Option<&str>) -> Result<Vec<u8>, String> {
    match b64 {
        Some(b64) => base64::engine::general_purpose::STANDARD.decode(b64).map_err(|e| format!("bad base64: {e}")),
        None => Ok(text.into_bytes()),
    }
}

/// A path from its raw bytes: exact on Unix, lossy elsewhere.
pub(crate) fn path_from_bytes(bytes: Vec<u8>) -> std::path::PathBuf {
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStringExt as _;
        std::path::PathBuf::from(std::ffi::OsString::from_vec(bytes))
    }
    #[cfg(not(unix))]
    {
        std::path::PathBuf::from(String::from_utf8_lossy(&bytes).into_owned())
    }
}

/// The raw bytes of a path: exact on Unix, where paths are bytes; lossy elsewhere.
pub fn path_bytes(path: &Path) -> std::borrow::Cow<'_, [u8]> {
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStrExt as _;
        std::borrow::Cow::Borrowed(path.as_os_str().as_bytes())
    }
    #[cfg(not(unix))]
    {
        match path.to_string_lossy() {
            std::borrow::Cow::Borrowed(s) => std::borrow::Cow::Borrowed(s.as_bytes()),
            std::borrow::Cow::Owned(s) => std::borrow::Cow::Owned(s.into_bytes()),
        }
    }
}

/// A line without its terminator (`\n` or `\r\n`), as people read it.
pub(crate) fn trim_line_terminator(line: &[u8]) -> &[u8] {
    let line = line.strip_suffix(b"\n").unwrap_or(line);
    line.strip_suffix(b"\r").unwrap_or(line)
}
