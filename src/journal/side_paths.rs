//! A session is a directory: the journal and its side files (the stored evidence, the output spill files) travel
//! together. So the journal names its side files relative to its own directory, and a copy of the directory works
//! on another machine: `report`, `replay` and `resume` read the copy's side files, not the original's paths.
//!
//! The writer makes the paths relative as it writes (`to_relative`); the reader makes them absolute again against
//! the journal it read (`to_absolute`), so everything after `journal::read` sees paths that exist here. Paths
//! outside the journal's directory stay absolute, and journals written before this rule read as they are.

use super::record::{Entry, Meta};
use crate::engine::Event;
use std::path::Path;

/// The entry with its side-file paths relative to `dir` (the journal's directory), where they are inside it.
pub fn to_relative(entry: Entry, dir: &Path) -> Entry {
    rewrite(entry, |path| match Path::new(path).strip_prefix(dir) {
        Ok(rel) if !rel.as_os_str().is_empty() => Some(rel.to_string_lossy().into_owned()),
        _ => None,
    })
}

/// The entry with its relative side-file paths resolved against `dir` (the directory of the journal read).
pub fn to_absolute(entry: Entry, dir: &Path) -> Entry {
    rewrite(entry, |path| {
        let p = Path::new(path);
        (p.is_relative() && !path.starts_with('(')).then(|| dir.join(p).to_string_lossy().into_owned())
    })
}

fn rewrite(entry: Entry, change: impl Fn(&str) -> Option<String>) -> Entry {
    match entry {
        Entry::Event(Event::Evidence { mut files, triage }) => {
            for file in &mut files {
                if let Some(new) = change(&file.path) {
                    file.path = new;
                }
            }
            Entry::Event(Event::Evidence { files, triage })
        }
        Entry::Meta(Meta::OutputElided { step, lines, bytes, file, sha256, dropped_bytes }) => {
            let file = change(&file).unwrap_or(file);
            Entry::Meta(Meta::OutputElided { step, lines, bytes, file, sha256, dropped_bytes })
        }
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::{EvidenceFile, Value};

    fn evidence(path: &str) -> Entry {
        let file = EvidenceFile { source: "-".into(), path: path.into(), sha256: "aa".into(), bytes: 1, lines: 1 };
        Entry::Event(Event::Evidence { files: vec![file], triage: Value::Null })
    }

    fn path_of(entry: &Entry) -> String {
        match entry {
            Entry::Event(Event::Evidence { files, .. }) => files[0].path.clone(),
            Entry::Meta(Meta::OutputElided { file, .. }) => file.clone(),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn side_files_inside_the_session_are_relative_and_resolve_against_the_copy() {
        let written = to_relative(evidence("/state/s1/journal.evidence/01-stdin.log"), Path::new("/state/s1"));
        assert_eq!(path_of(&written), "journal.evidence/01-stdin.log");
        let read = to_absolute(written, Path::new("/elsewhere/copy"));
        assert_eq!(path_of(&read), "/elsewhere/copy/journal.evidence/01-stdin.log");
        let elided = Entry::Meta(Meta::OutputElided {
            step: "s".into(),
            lines: 1,
            bytes: 1,
            file: "/state/s1/journal.output/001-s.log".into(),
            sha256: String::new(),
            dropped_bytes: None,
        });
        let written = to_relative(elided, Path::new("/state/s1"));
        assert_eq!(path_of(&written), "journal.output/001-s.log");
        assert_eq!(path_of(&to_absolute(written, Path::new("/c"))), "/c/journal.output/001-s.log");
    }

    #[test]
    fn paths_outside_the_session_and_placeholders_stay_as_they_are() {
        let outside = to_relative(evidence("/var/log/api.log"), Path::new("/state/s1"));
        assert_eq!(path_of(&outside), "/var/log/api.log");
        assert_eq!(path_of(&to_absolute(outside, Path::new("/c"))), "/var/log/api.log");
        let not_kept = Entry::Meta(Meta::OutputElided {
            step: "s".into(),
            lines: 1,
            bytes: 1,
            file: "(not kept)".into(),
            sha256: String::new(),
            dropped_bytes: None,
        });
        assert_eq!(path_of(&to_absolute(not_kept, Path::new("/c"))), "(not kept)");
    }
}
