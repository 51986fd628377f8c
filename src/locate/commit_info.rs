//! Who wrote a blamed commit, and its subject, as `git blame` shows them.
//!
//! Kept apart from the blame walk because history is full of commits libgit2 is stricter about than git:
//! - an author with an empty name or email (`Name <>`, `<noname>`), which imported histories contain:
//!   libgit2 refuses to build a signature from them (so its mailmap lookup fails), git shows them as they
//!   are; we read the raw `author` header when libgit2's signature is refused;
//! - commits recorded in another encoding (`i18n.commitEncoding`, the `encoding` header): git converts
//!   names and subjects to UTF-8, and so do we (encoding_rs, with git's labels such as `ISO8859-1`,
//!   `EUC-JP`, `Shift_JIS`); an unknown encoding is read as UTF-8, lossily.
//!
//! Each commit is looked up once: a range usually spans a handful of them.

use git2::{Commit, Mailmap, Oid, Repository, Signature};
use std::collections::HashMap;

pub(crate) struct CommitInfo {
    pub short: String,
    pub author: String,
    pub email: String,
    pub time: i64,
    pub tz: String,
    pub summary: String,
    pub boundary: bool,
}

/// Authors go through the repository's mailmap (`.mailmap`, `mailmap.file`, `mailmap.blob`).
pub(crate) struct CommitCache<'r> {
    repo: &'r Repository,
    mailmap: Option<Mailmap>,
    /// `blame.showRoot`: root commits are then ordinary commits, not boundaries.
    show_root: bool,
    seen: HashMap<Oid, CommitInfo>,
}

impl<'r> CommitCache<'r> {
    pub(crate) fn new(repo: &'r Repository) -> Self {
        // An unreadable mailmap is no reason to fail a blame: git ignores what it cannot parse too.
        let show_root = repo.config().and_then(|c| c.get_bool("blame.showRoot")).unwrap_or(false);
        CommitCache { repo, mailmap: repo.mailmap().ok(), show_root, seen: HashMap::new() }
    }

    pub(crate) fn get(&mut self, id: Oid) -> Result<&CommitInfo, git2::Error> {
        if !self.seen.contains_key(&id) {
            let commit = self.repo.find_commit(id)?;
            let info = self.read(&commit)?;
            self.seen.insert(id, info);
        }
        Ok(&self.seen[&id])
    }

    fn read(&self, commit: &Commit<'_>) -> Result<CommitInfo, git2::Error> {
        let decode = decoder(commit.message_encoding().ok().flatten());
        let raw = RawAuthor::of(commit);
        let (mut name, mut email) = (decode(&raw.name), decode(&raw.email));
        if let Some(mailmap) = &self.mailmap {
            // libgit2 refuses signatures with an empty name or email: such authors are shown unmapped.
            let mapped = Signature::new(&name, &email, &git2::Time::new(raw.time, raw.offset_minutes))
                .and_then(|signature| mailmap.resolve_signature(&signature));
            if let Ok(mapped) = mapped {
                name = String::from_utf8_lossy(mapped.name_bytes()).into_owned();
                email = String::from_utf8_lossy(mapped.email_bytes()).into_owned();
            }
        }
        let offset = raw.offset_minutes;
        Ok(CommitInfo {
            short: commit.as_object().short_id()?.as_str().unwrap_or_default().to_owned(),
            author: name,
            email,
            time: raw.time,
            tz: format!("{}{:02}{:02}", if offset < 0 { '-' } else { '+' }, offset.abs() / 60, offset.abs() % 60),
            summary: decode(commit.summary_bytes().unwrap_or_default()),
            // libgit2 reads `.git/shallow`: a shallow clone's boundary commits have no parents here.
            boundary: commit.parent_count() == 0 && !self.show_root,
        })
    }
}

/// Text in the commit's declared encoding, as UTF-8.
fn decoder(label: Option<&str>) -> impl Fn(&[u8]) -> String {
    let encoding =
        label.and_then(|label| encoding_rs::Encoding::for_label(label.as_bytes())).filter(|e| *e != encoding_rs::UTF_8);
    move |bytes: &[u8]| match encoding {
        Some(encoding) => encoding.decode_without_bom_handling(bytes).0.into_owned(),
        None => String::from_utf8_lossy(bytes).into_owned(),
    }
}

/// The author header's fields, read from the raw header (`author NAME <EMAIL> TIME TZ`) so that what
/// libgit2 would refuse still reads as git reads it.
struct RawAuthor {
    name: Vec<u8>,
    email: Vec<u8>,
    time: i64,
    offset_minutes: i32,
}

impl RawAuthor {
    fn of(commit: &Commit<'_>) -> Self {
        let header = commit.raw_header_bytes();
        let line = header.split(|&b| b == b'\n').find_map(|line| line.strip_prefix(b"author ")).unwrap_or_default();
        let open = line.iter().position(|&b| b == b'<');
        let close = line.iter().rposition(|&b| b == b'>');
        let (name, email, rest) = match (open, close) {
            (Some(open), Some(close)) if open < close => {
                (line[..open].trim_ascii(), &line[open + 1..close], &line[close + 1..])
            }
            _ => (line.trim_ascii(), &b""[..], &b""[..]),
        };
        let rest = String::from_utf8_lossy(rest);
        let mut words = rest.split_ascii_whitespace();
        let time = words.next().and_then(|w| w.parse().ok()).unwrap_or(0);
        let offset_minutes = words.next().map_or(0, parse_tz);
        RawAuthor { name: name.to_vec(), email: email.to_vec(), time, offset_minutes }
    }
}

/// `+0130` as minutes east of UTC; anything else as 0, as git does with a malformed zone.
fn parse_tz(tz: &str) -> i32 {
    let (sign, digits) = match tz.as_bytes().first() {
        Some(b'-') => (-1, &tz[1..]),
        Some(b'+') => (1, &tz[1..]),
        _ => return 0,
    };
    match (digits.len(), digits.parse::<i32>()) {
        (4, Ok(hhmm)) => sign * (hhmm / 100 * 60 + hhmm % 100),
        _ => 0,
    }
}

#[cfg(test)]
mod tests {
    use super::{decoder, parse_tz};

    #[test]
    fn zones_read_as_minutes() {
        assert_eq!(parse_tz("+0130"), 90);
        assert_eq!(parse_tz("-0800"), -480);
        assert_eq!(parse_tz("junk"), 0);
    }

    #[test]
    fn legacy_encodings_decode_to_utf8() {
        assert_eq!(decoder(Some("ISO8859-1"))(b"Fran\xe7ois"), "François");
        assert_eq!(decoder(Some("EUC-JP"))(b"\xc6\xfc\xcb\xdc"), "日本");
        assert_eq!(decoder(Some("Shift_JIS"))(b"\x93\xfa\x96\x7b"), "日本");
        assert_eq!(decoder(None)(b"plain"), "plain");
    }
}
