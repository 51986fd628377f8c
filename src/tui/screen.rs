//! The main screen's own state, apart from what the steps produced: which step is selected, which pane has
//! the focus, what is drawn over the screen (help, a confirmation, an input), scroll positions and the search.
//! Everything here is reset or kept by `App::select` as the selection moves.

use super::layout::Pane;
use crate::engine::CommandSpec;

/// Selection, focus, overlay, scroll positions and search of the main screen.
#[derive(Debug, Clone, PartialEq)]
pub struct MainScreen {
    pub selected: usize,
    pub focus: Pane,
    pub overlay: Overlay,
    pub text_scroll: u16,
    /// Top line of the output; `None` follows the tail.
    pub output_top: Option<usize>,
    /// Columns of the output scrolled off to the left (`h`/`l`): long lines are clipped, not wrapped, so that
    /// line numbers, search and the tail stay one row per line.
    pub output_left: usize,
    /// Highlighted option of a choose step or item of a checklist.
    pub option_cursor: usize,
    pub search: Option<Search>,
}

impl MainScreen {
    pub fn new(selected: usize) -> MainScreen {
        MainScreen {
            selected,
            focus: Pane::Steps,
            overlay: Overlay::None,
            text_scroll: 0,
            output_top: None,
            output_left: 0,
            option_cursor: 0,
            search: None,
        }
    }

    /// Selects step `index`; another step starts at the top of its text and the tail of its output, with no
    /// search and the first option highlighted.
    pub fn select(&mut self, index: usize) {
        if index != self.selected {
            self.text_scroll = 0;
            self.output_top = None;
            self.output_left = 0;
            self.option_cursor = 0;
            self.search = None;
        }
        self.selected = index;
    }
}

/// The confirmation shown before a command runs.
#[derive(Debug, Clone, PartialEq)]
pub struct Confirm {
    pub step: usize,
    /// The rendered command (secrets masked), or why it cannot be rendered.
    pub spec: Result<CommandSpec, String>,
    pub mode: String,
    /// The first row of the command on screen (the dialog scrolls; see `confirm`).
    pub top: usize,
    /// Showing the exact script that runs (values as `RB_*` variables) instead of the command as it reads (`s`).
    pub script: bool,
    /// The body wrapped for the current width (`confirm::prepare`).
    pub prepared: Option<super::confirm::Prepared>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Overlay {
    None,
    /// The keys, those of `from` (where `?` was pressed) first; closing it brings back the dialog it was opened
    /// over (`under`), if any.
    Help {
        scroll: u16,
        from: super::keymap::Scope,
        under: Option<Box<Overlay>>,
    },
    Confirm(Box<Confirm>),
    QuitConfirm,
    /// The one-line note input (`n`).
    Note {
        text: String,
    },
    /// The milestone chooser (`m`), with the highlighted milestone.
    Milestone {
        cursor: usize,
    },
    /// The runbook's vars (`v`): the highlighted one, and its new value while it is being typed.
    Vars {
        cursor: usize,
        edit: Option<String>,
    },
    /// The incident's evidence asked for by an `evidence` step: pasted, by path, or fetched by a command.
    Evidence(Box<super::evidence_dialog::EvidenceDialog>),
    /// The path rewrite prompt (`p`): `FROM=TO` being typed.
    PathMap(Box<super::pathmap::PathPrompt>),
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Search {
    pub query: String,
    /// The query is being typed in the status bar.
    pub editing: bool,
    /// The line of the current match in the selected step's output.
    pub current: Option<usize>,
    /// What `/` searches: chosen when the search starts, by what has the focus.
    pub target: SearchTarget,
    /// The current match in the steps' text: step index and line of its rendered text.
    pub text_at: Option<(usize, usize)>,
}

/// Where a search looks (`/` searches what the person is looking at).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum SearchTarget {
    /// The selected step's output; when it has no match, the steps' text.
    #[default]
    Output,
    /// The steps' text (titles and Markdown), from the selected step on.
    Text,
    /// The selected step's result list, filtered as the query is typed.
    Results,
    /// The source view on top: its lines, from the cursor on.
    Source,
}
