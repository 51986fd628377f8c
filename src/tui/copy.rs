//! `y` copies the focused thing and `Y` the whole output (issue 15): the step's command, an output line, a
//! frame's `file:line`, a blamed line's or the commit view's commit id. The text goes to the loop as a
//! `HostJob::Copy`, which the terminal host writes as OSC 52 straight to the terminal, never through the
//! ratatui buffer; the flash says what was copied and that a terminal without OSC 52 ignores it.

use super::app::App;
use super::jobs::HostJob;
use super::layout::Pane;
use super::results::Target;
use super::views::View;
use crate::probes::output::ProbeOutput;

impl App {
    /// `y`: what has the focus, to the clipboard.
    pub(crate) fn copy_focused(&mut self) {
        match self.focused_text() {
            Some((text, what)) => self.jobs.push(HostJob::Copy { text, what }.into()),
            None => self.flash = Some("nothing to copy here".into()),
        }
    }

    /// `Y`: the selected step's whole output.
    pub(crate) fn copy_output(&mut self) {
        let Some(run) = self.run_of(self.screen.selected).filter(|r| !r.is_empty()) else {
            self.flash = Some("no output to copy".into());
            return;
        };
        let text: Vec<&str> = run.lines.iter().map(|l| l.text.as_str()).collect();
        let text = text.join("\n");
        let what = format!("the whole output ({}, {})", super::text::count(run.lines.len(), "line"), size(text.len()));
        self.jobs.push(HostJob::Copy { text, what }.into());
    }

    /// The focused thing as (text, how the flash names it).
    fn focused_text(&self) -> Option<(String, String)> {
        match self.stack.views.last() {
            Some(View::Commit(c)) => return Some((c.commit.clone(), format!("commit {}", short(&c.commit)))),
            Some(View::Source(v)) => {
                let at = format!("{}:{}", v.path.display(), v.cursor);
                return Some((at.clone(), at));
            }
            Some(_) => return None,
            None => {}
        }
        let index = self.screen.selected;
        if self.scope() == super::keymap::Scope::Results {
            let result = self.outputs.results.get(&index)?;
            if let ProbeOutput::Blame { lines, .. } = result.output.as_ref() {
                // Row 0 is the file's heading; row k is blamed line k.
                let line = lines.get(result.cursor.checked_sub(1)?)?;
                return Some((line.commit.clone(), format!("commit {}", short(&line.commit))));
            }
            return match result.target()? {
                Target::Source { file, line } => {
                    let at = format!("{file}:{line}");
                    Some((at.clone(), at))
                }
                _ => {
                    let row = result.rows.get(result.cursor)?;
                    let text: String = row.line.spans.iter().map(|s| s.content.as_ref()).collect();
                    Some((text.trim().to_string(), "the row".into()))
                }
            };
        }
        let run = self.run_of(index).filter(|r| !r.is_empty());
        if let (Pane::Action, Some(run)) = (self.screen.focus, run) {
            // The current match, else the last line on screen (the tail while the output follows).
            let height = self.output_height();
            let bottom = match self.screen.output_top {
                Some(top) => (top + height).min(run.len()),
                None => run.len(),
            };
            let line = self.search().and_then(|s| s.current).unwrap_or(bottom.saturating_sub(1));
            let text = run.lines.get(line)?.text.clone();
            return Some((text, format!("output line {}", line + 1)));
        }
        let command = match self.run_of(index).and_then(|r| r.command.as_ref()) {
            Some(started) => started.command.clone(),
            None => self.session.preview_command(index).ok().flatten().map(|spec| self.session.mask(&spec.command))?,
        };
        Some((command, "the command".into()))
    }
}

fn short(commit: &str) -> String {
    commit.chars().take(8).collect()
}

fn size(bytes: usize) -> String {
    match bytes {
        0..=1023 => format!("{bytes} B"),
        1024..=1_048_575 => format!("{:.1} KiB", bytes as f64 / 1024.0),
        _ => format!("{:.1} MiB", bytes as f64 / 1_048_576.0),
    }
}
