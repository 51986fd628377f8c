//! `runbook blame`: prints `locate::blame` results, one line per blamed line, or as JSON lines.
//!
//! The JSON objects are the public surface of issue 5, field for field; the text form is for people and
//! follows `git blame`'s layout (short commit, author, date, line number, content).

use super::Code;
use crate::locate::{blame_ranges_with, BlameLine, BlameOptions, MoveCopy};
use anyhow::Context as _;
use serde::Serialize;
use std::io::Write as _;
use std::path::PathBuf;

#[derive(clap::Args, Debug, Clone)]
pub struct BlameArgs {
    /// The file to blame, in a git working tree.
    pub file: PathBuf,
    /// Only these lines, in git's -L forms (repeatable): A,B  A,+N  A,-N  A,  ,B  /regex/[,END]  :funcname;
    /// "N" alone is the single line N.
    #[arg(short = 'L', value_name = "RANGE", allow_hyphen_values = true)]
    pub lines: Vec<String>,
    /// Blame the file as of this revision instead of the working tree.
    #[arg(long, value_name = "REV")]
    pub rev: Option<String>,
    /// Lines moved within the file keep the commit that wrote them (git's -M); -MSCORE sets how many
    /// letters and digits a moved piece needs (more than SCORE; default 20).
    #[arg(short = 'M', value_name = "SCORE", num_args = 0..=1, require_equals = true, default_missing_value = "")]
    pub moves: Option<String>,
    /// Also lines copied from other files (git's -C, implies -M): once, from files changed in the same
    /// commit; twice, from any file of the parent when the file was created there; three times, from any
    /// file of any commit. -CSCORE: more than SCORE letters and digits (default 40).
    #[arg(
        short = 'C',
        value_name = "SCORE",
        num_args = 0..=1,
        require_equals = true,
        default_missing_value = "",
        action = clap::ArgAction::Append
    )]
    pub copies: Vec<String>,
    /// Print one JSON object per line.
    #[arg(long)]
    pub json: bool,
}

impl BlameArgs {
    /// The `-M`/`-C` search as git counts its flags: the last score given wins, 0 means the default.
    fn move_copy(&self) -> anyhow::Result<MoveCopy> {
        let mut detect = MoveCopy { moves: self.moves.is_some() || !self.copies.is_empty(), ..MoveCopy::default() };
        detect.copies = self.copies.len().min(3) as u8;
        if let Some(score) = self.moves.as_deref().map(parse_score).transpose()?.flatten() {
            detect.move_score = score;
        }
        if let Some(score) =
            self.copies.iter().map(|s| parse_score(s)).collect::<anyhow::Result<Vec<_>>>()?.into_iter().flatten().last()
        {
            detect.copy_score = score;
        }
        Ok(detect)
    }
}

/// git's `-M20`/`-C40` (a score glued to the flag) as clap reads an optional value, `-M=20`: clap would take
/// the file after a bare `-M` as its value otherwise. The value of `-L`/`--rev` and anything after `--` are
/// left alone.
pub(super) fn attach_scores(args: &mut [String]) {
    let mut value_next = false;
    for arg in args.iter_mut() {
        if arg == "--" {
            return;
        }
        if std::mem::take(&mut value_next) {
            continue;
        }
        value_next = arg == "-L" || arg == "--rev";
        let glued = arg.len() > 2
            && (arg.starts_with("-M") || arg.starts_with("-C"))
            && arg[2..].bytes().all(|b| b.is_ascii_digit());
        if glued {
            arg.insert(2, '=');
        }
    }
}

/// A score after -M or -C: digits (`-M30`); none or 0 is the default, as in git.
fn parse_score(text: &str) -> anyhow::Result<Option<u32>> {
    if text.is_empty() {
        return Ok(None);
    }
    match text.parse::<u32>() {
        Ok(0) => Ok(None),
        Ok(score) => Ok(Some(score)),
        Err(_) => anyhow::bail!("{text:?}: not a score (the number of letters and digits a moved or copied piece needs, as in -M20 or -C40)"),
    }
}

/// The JSON object of issue 5, exactly.
#[derive(Serialize)]
struct JsonLine<'a> {
    r#type: &'static str,
    line: usize,
    commit: &'a str,
    author: &'a str,
    email: &'a str,
    time: i64,
    tz: &'a str,
    summary: &'a str,
    orig_path: &'a str,
    orig_line: usize,
    uncommitted: bool,
    boundary: bool,
}

impl<'a> From<&'a BlameLine> for JsonLine<'a> {
    fn from(line: &'a BlameLine) -> Self {
        JsonLine {
            r#type: "line",
            line: line.line,
            commit: &line.commit,
            author: &line.author,
            email: &line.email,
            time: line.time,
            tz: &line.tz,
            summary: &line.summary,
            orig_path: &line.orig_path,
            orig_line: line.orig_line,
            uncommitted: line.uncommitted,
            boundary: line.boundary,
        }
    }
}

/// Exit code: 0 blamed, 2 any error (not a repository, untracked file, range outside the file, ...).
pub fn run(args: &BlameArgs) -> anyhow::Result<Code> {
    let options = BlameOptions { file: args.file.clone(), lines: None, rev: args.rev.clone() };
    let detect = args.move_copy()?;
    let lines = blame_ranges_with(&options, &args.lines, detect).context("blame")?;
    let mut out = std::io::BufWriter::new(crate::textsafe::stdout(args.json));
    let width = lines.last().map_or(1, |l| l.line.to_string().len());
    let author_width = lines.iter().map(|l| l.author.chars().count()).max().unwrap_or(0);
    // git marks boundary commits (root, shallow) with `^` in front of the short id; others are padded.
    let any_boundary = lines.iter().any(|l| l.boundary);
    let commit_text = |line: &BlameLine| match (line.boundary, any_boundary) {
        (true, _) => format!("^{}", line.short_commit),
        (false, true) => format!("{} ", line.short_commit),
        (false, false) => line.short_commit.clone(),
    };
    for line in &lines {
        if args.json {
            serde_json::to_writer(&mut out, &JsonLine::from(line))?;
            writeln!(out)?;
        } else {
            writeln!(
                out,
                "{} ({:author_width$} {} {} {:>width$}) {}",
                commit_text(line),
                line.author,
                civil_date(line.time, &line.tz),
                line.tz,
                line.line,
                line.text,
            )?;
        }
    }
    out.flush()?;
    Ok(Code::Success)
}

/// `YYYY-MM-DD HH:MM:SS` in the author's own zone, as git shows it.
fn civil_date(time: i64, tz: &str) -> String {
    crate::timefmt::date_time_seconds(time, crate::timefmt::offset_minutes(tz))
}

#[cfg(test)]
mod tests {
    use super::civil_date;

    #[test]
    fn civil_date_is_in_the_authors_zone() {
        assert_eq!(civil_date(0, "+0000"), "1970-01-01 00:00:00");
        assert_eq!(civil_date(1_700_000_000, "+0100"), "2023-11-14 23:13:20");
        assert_eq!(civil_date(1_709_164_800, "-0130"), "2024-02-28 22:30:00");
    }
}
