//! One commit in full, for the source view's `b`: message, author, date and the files it changed.
//!
//! Read with git2 from the repository that holds the file (`Repository::discover` from its directory, as blame
//! does). Files changed are the diff against the first parent (what `git show --stat` lists for a normal
//! commit); a root commit lists everything it added. Blocking: callers run it on a blocking thread.

use std::path::Path;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommitDetails {
    pub id: String,
    pub author: String,
    pub email: String,
    /// Author time, seconds since the Unix epoch, and its offset from UTC in minutes.
    pub time: i64,
    pub offset_minutes: i32,
    pub message: String,
    /// `(status letter, path)`, as `git show --name-status` prints them: A, M, D, R, C, T.
    pub files: Vec<(char, String)>,
}

/// Looks up `commit` in the repository holding `file`.
pub fn show(file: &Path, commit: &str) -> Result<CommitDetails, String> {
    crate::locate::commit_patch::with_commit_diff(file, commit, |found, diff| {
        let author = found.author();
        let files = diff
            .deltas()
            .map(|d| {
                let path = d.new_file().path().or_else(|| d.old_file().path()).unwrap_or(Path::new("?"));
                (crate::locate::commit_patch::status_letter(d.status()), path.to_string_lossy().into_owned())
            })
            .collect();
        Ok(CommitDetails {
            id: found.id().to_string(),
            author: String::from_utf8_lossy(author.name_bytes()).into_owned(),
            email: String::from_utf8_lossy(author.email_bytes()).into_owned(),
            time: author.when().seconds(),
            offset_minutes: author.when().offset_minutes(),
            message: String::from_utf8_lossy(found.message_bytes()).into_owned(),
            files,
        })
    })
}
