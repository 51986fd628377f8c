//! Frames of the evidence opened on screen, and the engineer's correction of how their paths map to the repository.
//!
//! A frame prints the build machine's path (`/go/src/app/internal/x.go`); opening it goes through the one mapper
//! (`locate::PathMapper`, with `--map` and the corrections made here), so the source view, its blame and the
//! evidence's triage all name this checkout's file. When a path does not map, or maps by a guess, `p` opens a
//! one-line prompt prefilled with the best guess `FROM=TO`; Enter applies it to every frame at once: the stored
//! evidence is triaged again (journaled as a new `evidence` event that records the rewrites, so resume, report and
//! replay see the same mapping) and the steps computed from the old triage turn stale.

use super::action::Intent;
use super::app::App;
use super::screen::Overlay;
use super::views::View;
use crate::locate::{PathMapper, Rewrite};
use std::path::{Path, PathBuf};

/// The longest rewrite kept (a paste of a log is not a rewrite).
const MAX_REWRITE_CHARS: usize = 1000;

/// The path rewrite prompt.
#[derive(Debug, Clone, PartialEq)]
pub struct PathPrompt {
    /// `FROM=TO` as typed, prefilled with the best guess.
    pub text: String,
    /// The frame's path as printed, when the prompt was opened on one.
    pub frame: Option<String>,
    /// How that frame maps now, in words (`by suffix /go/src/app/=`), or why it does not.
    pub now: String,
    /// Why the last Enter was refused.
    pub problem: Option<String>,
}

/// A frame's path resolved for opening.
#[derive(Debug, Clone, PartialEq)]
pub struct Resolved {
    pub path: PathBuf,
    /// The path as printed, when it is not `path`.
    pub origin: Option<String>,
    pub mapped_by: Option<String>,
}

impl App {
    /// The mapper of this session: the evidence step's repository, `--map` and the corrections made on screen.
    pub(crate) fn path_mapper(&self) -> (PathBuf, PathMapper) {
        let repo = PathBuf::from(self.session.evidence_repo());
        let mapper = PathMapper::for_repo(&repo).with_rewrites(self.rewrites.clone());
        (repo, mapper)
    }

    /// Where a printed path is in this checkout: as it is when that file exists, else mapped, else unchanged (the
    /// source view then says it cannot read it, and `p` corrects the mapping).
    pub(crate) fn resolve_frame(&self, printed: &Path) -> Resolved {
        if printed.is_file() {
            return Resolved { path: printed.to_path_buf(), origin: None, mapped_by: None };
        }
        let text = printed.to_string_lossy().into_owned();
        let (repo, mapper) = self.path_mapper();
        match mapper.map(&text) {
            Some(m) => Resolved {
                path: repo.join(&m.file),
                origin: Some(text),
                mapped_by: Some(crate::evidence::triage::mapped_by(&m.mapping, mapper.module())),
            },
            None => Resolved { path: printed.to_path_buf(), origin: Some(text), mapped_by: None },
        }
    }

    /// `p`: the prompt, prefilled with the frame's current mapping or, when it has none, a first guess.
    pub(crate) fn open_path_map(&mut self, frame: Option<String>) {
        if self.mode.is_replay() {
            self.flash = Some("read-only replay: nothing is written".into());
            return;
        }
        // Without a frame: the evidence's service frame, the one the blame and the report start from.
        let frame = frame.or_else(|| self.service_frame_printed());
        let (repo, mapper) = self.path_mapper();
        let (text, now) = match &frame {
            Some(printed) => match mapper.map(printed) {
                Some(m) => {
                    let how = crate::evidence::triage::mapped_by(&m.mapping, mapper.module());
                    (m.mapping.rewrite(), format!("{}, mapped {how}", m.file))
                }
                None => (crate::evidence::triage::guess_rewrite(printed), format!("not found in {}", repo.display())),
            },
            None => (String::new(), "no evidence frame to map yet".to_string()),
        };
        self.screen.overlay = Overlay::PathMap(Box::new(PathPrompt { text, frame, now, problem: None }));
    }

    /// A key while the prompt is open.
    pub(crate) fn path_map_key(&mut self, action: Intent) {
        let Overlay::PathMap(prompt) = &mut self.screen.overlay else { return };
        match action {
            Intent::TextChar(c) if prompt.text.chars().count() < MAX_REWRITE_CHARS => prompt.text.push(c),
            Intent::TextPaste(pasted) => {
                let room = MAX_REWRITE_CHARS.saturating_sub(prompt.text.chars().count());
                prompt.text.extend(pasted.lines().next().unwrap_or("").trim().chars().take(room));
            }
            Intent::TextBackspace => {
                prompt.text.pop();
            }
            Intent::TextClear => prompt.text.clear(),
            Intent::Confirm => {
                let text = prompt.text.trim().to_string();
                let frame = prompt.frame.clone();
                match text.parse::<Rewrite>() {
                    Ok(rewrite) => {
                        self.screen.overlay = Overlay::None;
                        self.apply_rewrite(rewrite, frame.as_deref());
                    }
                    Err(e) => prompt.problem = Some(e.to_string()),
                }
            }
            Intent::Back => {
                self.screen.overlay = Overlay::None;
                self.flash = Some("path mapping unchanged".into());
            }
            _ => {}
        }
    }

    /// Applies `rewrite` to every frame: the session's rewrites, the evidence's triage (journaled), the source view
    /// on top; then says which mapping is now used.
    fn apply_rewrite(&mut self, rewrite: Rewrite, frame: Option<&str>) {
        let written = format!("{}={}", rewrite.from, rewrite.to);
        self.rewrites.retain(|r| r.from != rewrite.from);
        self.rewrites.push(rewrite);
        let (repo, mapper) = self.path_mapper();
        let journaled = match self.session.evidence_files().map(<[_]>::to_vec) {
            Some(files) => match crate::evidence::remap(&files, &repo, &self.rewrites) {
                Ok(input) => {
                    self.feed(input);
                    "journaled"
                }
                Err(e) => {
                    self.flash = Some(format!("{written}: {e:#}"));
                    return;
                }
            },
            None => "no evidence in this session: not journaled",
        };
        // Which mapping the frame (or the evidence's service frame) now gets.
        let printed = frame.map(str::to_string).or_else(|| self.service_frame_printed());
        let outcome = match printed.as_deref().map(|p| (p, mapper.map(p))) {
            Some((_, Some(m))) => {
                format!("{} now mapped {}", m.file, crate::evidence::triage::mapped_by(&m.mapping, mapper.module()))
            }
            Some((p, None)) => format!("{written} maps {p} to no file of {}", repo.display()),
            None => format!("rewrite {written} applies to every frame"),
        };
        self.reopen_top_source();
        // In the output of the selected step when it has one (a step that never ran shows no output).
        if self.outputs.runs.contains_key(&self.screen.selected) {
            let step = self.selected_step().map(|s| s.id.clone());
            self.note_line(step.as_deref(), format!("path rewrite {written}: {outcome}"));
        }
        self.flash = Some(format!("{outcome} ({journaled})"));
    }

    /// The evidence's service frame's path, as the log printed it.
    fn service_frame_printed(&self) -> Option<String> {
        let triage = self.session.evidence_triage()?;
        let site = triage.lookup_key("service_frame").filter(|v| !v.is_null())?;
        site.lookup_key("original_file").map(|v| v.to_text())
    }

    /// The source view on top follows the new mapping when its file changes.
    fn reopen_top_source(&mut self) {
        let Some(View::Source(view)) = self.stack.views.last() else { return };
        let Some(origin) = view.origin.clone() else { return };
        let line = view.target;
        if self.resolve_frame(Path::new(&origin)).path != view.path {
            self.stack.views.pop();
            self.open_source(PathBuf::from(origin), line);
        }
    }
}
