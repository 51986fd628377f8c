//! The working file as git would store it, before it is diffed against history ("clean" conversion).
//!
//! `git blame FILE` converts the working file with `convert_to_git` before comparing it with HEAD. Without
//! that, a clean checkout with `core.autocrlf=true` (Git for Windows' default), a `text` attribute or an
//! `ident` (`$Id$`) line blames every line as "Not Committed Yet". The rules, from gitattributes(5):
//! - end of line: `-text` never converts; `text` (or `eol=…`, or the legacy `crlf`) turns CRLF into LF;
//!   `text=auto`, or no attribute with `core.autocrlf` true/input, does so only for text (no NUL, no lone
//!   CR, mostly printable) and only when the index's copy has no CRLF (git's "safer autocrlf");
//! - `ident`: `$Id: …$` goes back to `$Id$`;
//! - `filter=NAME` with a configured `filter.NAME.clean` is a command (Git LFS and the like): we never run
//!   commands from a blame, so the caller is told (`External`) and says so.
//!
//! The order is git's: external filter, then end of line, then ident.

use git2::{AttrCheckFlags, AttrValue, Repository};
use std::path::Path;

pub(crate) enum Cleaned {
    /// The content git would store (borrowed when nothing changes).
    Content(Vec<u8>),
    /// The file goes through an external clean filter, named here, that we do not run.
    External(String),
}

/// `content` of the working file at `rel`, converted as `git add` would store it.
pub(crate) fn clean(repo: &Repository, rel: &Path, content: Vec<u8>) -> Result<Cleaned, git2::Error> {
    let attr = |name: &str| -> Result<Option<String>, git2::Error> {
        let value = repo.get_attr(rel, name, AttrCheckFlags::FILE_THEN_INDEX)?;
        Ok(match AttrValue::from_string(value) {
            AttrValue::True => Some("set".to_owned()),
            AttrValue::False => Some("unset".to_owned()),
            AttrValue::String(s) => Some(format!("={s}")),
            AttrValue::Bytes(b) => Some(format!("={}", String::from_utf8_lossy(b))),
            AttrValue::Unspecified => None,
        })
    };
    let config = repo.config()?;
    if let Some(name) = attr("filter")?.and_then(|v| v.strip_prefix('=').map(str::to_owned)) {
        if config.get_string(&format!("filter.{name}.clean")).is_ok() {
            return Ok(Cleaned::External(name));
        }
    }
    let mut content = match eol_action(&attr("text")?, &attr("eol")?, &attr("crlf")?, &config) {
        EolAction::None => content,
        EolAction::Text => strip_crlf(content),
        EolAction::Auto => match is_text(&content) && !index_has_crlf(repo, rel) {
            true => strip_crlf(content),
            false => content,
        },
    };
    if attr("ident")?.as_deref() == Some("set") {
        content = ident_to_git(&content);
    }
    Ok(Cleaned::Content(content))
}

#[derive(Debug, PartialEq, Eq)]
enum EolAction {
    None,
    Text,
    Auto,
}

fn eol_action(text: &Option<String>, eol: &Option<String>, crlf: &Option<String>, config: &git2::Config) -> EolAction {
    // `crlf` is the old spelling of `text`, used only when `text` is not given.
    let text = text.as_deref().or(match crlf.as_deref() {
        Some("set") | Some("=input") => Some("set"),
        Some("unset") => Some("unset"),
        _ => None,
    });
    match text {
        Some("unset") => EolAction::None,
        Some("=auto") => EolAction::Auto,
        Some(_) => EolAction::Text,
        // `eol` alone implies `text`.
        None if eol.as_deref().is_some_and(|e| e.starts_with('=')) => EolAction::Text,
        None => {
            let autocrlf = match config.get_bool("core.autocrlf") {
                Ok(on) => on,
                Err(_) => config.get_string("core.autocrlf").is_ok_and(|v| v.eq_ignore_ascii_case("input")),
            };
            match autocrlf {
                true => EolAction::Auto,
                false => EolAction::None,
            }
        }
    }
}

/// Every CR directly before a LF removed.
fn strip_crlf(content: Vec<u8>) -> Vec<u8> {
    if !content.windows(2).any(|w| w == b"\r\n") {
        return content;
    }
    let mut out = Vec::with_capacity(content.len());
    for (at, &byte) in content.iter().enumerate() {
        if !(byte == b'\r' && content.get(at + 1) == Some(&b'\n')) {
            out.push(byte);
        }
    }
    out
}

/// git's test before an automatic conversion: no NUL, no CR that is not part of a CRLF, and few
/// non-printable bytes (fewer than one for every 128 printable ones).
fn is_text(content: &[u8]) -> bool {
    let (mut printable, mut nonprintable) = (0usize, 0usize);
    for (at, &byte) in content.iter().enumerate() {
        match byte {
            0 => return false,
            b'\r' if content.get(at + 1) != Some(&b'\n') => return false,
            b'\r' | b'\n' => {}
            b'\t' | 0x08 | 0x1b | 0x0c => printable += 1, // BS, ESC, FF count as text
            0x7f => nonprintable += 1,
            byte if byte < 0x20 => nonprintable += 1,
            _ => printable += 1,
        }
    }
    // A trailing EOF character (DOS ^Z) is forgiven, as git does.
    if content.last() == Some(&0x1a) {
        nonprintable = nonprintable.saturating_sub(1);
    }
    printable >> 7 >= nonprintable
}

/// Whether the index's copy of the file has a CRLF (and is text): then git does not convert automatically.
fn index_has_crlf(repo: &Repository, rel: &Path) -> bool {
    let blob = repo.index().ok().and_then(|index| index.get_path(rel, 0)).and_then(|e| repo.find_blob(e.id).ok());
    blob.is_some_and(|blob| {
        let data = blob.content();
        data.windows(2).any(|w| w == b"\r\n") && is_text(data)
    })
}

/// `$Id: anything$` (on one line) back to `$Id$`.
fn ident_to_git(content: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(content.len());
    let mut at = 0;
    while let Some(found) = memchr::memmem::find(&content[at..], b"$Id") {
        let start = at + found;
        out.extend_from_slice(&content[at..start]);
        let after = start + 3;
        let end = match content.get(after) {
            Some(b':') => content[after..].iter().position(|&b| b == b'$' || b == b'\n').map(|p| after + p),
            _ => None,
        };
        match end {
            Some(end) if content[end] == b'$' => {
                out.extend_from_slice(b"$Id$");
                at = end + 1;
            }
            _ => {
                out.extend_from_slice(b"$Id");
                at = after;
            }
        }
    }
    out.extend_from_slice(&content[at..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crlf_pairs_lose_their_cr_and_lone_crs_stay() {
        assert_eq!(strip_crlf(b"a\r\nb\rc\r\n".to_vec()), b"a\nb\rc\n");
    }

    #[test]
    fn text_detection_follows_git() {
        assert!(is_text(b"plain\r\ntext\n"));
        assert!(!is_text(b"nul\0byte"));
        assert!(!is_text(b"lone\rcr\n"));
    }

    #[test]
    fn ident_lines_go_back_to_the_bare_keyword() {
        assert_eq!(ident_to_git(b"// $Id: 1234abcd $\n"), b"// $Id$\n");
        assert_eq!(ident_to_git(b"$Id$ and $Identity\n"), b"$Id$ and $Identity\n");
        assert_eq!(ident_to_git(b"$Id: no end\nnext$\n"), b"$Id: no end\nnext$\n");
    }
}
