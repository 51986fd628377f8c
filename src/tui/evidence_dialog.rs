//! The evidence dialog: an `evidence` step reached without `--log` asks for the incident's crash log, three ways.
//! - a **paste**: bracketed paste of any size (the terminal sends it as one event, never as keys), summarised
//!   as "N lines pasted" and loaded with Enter;
//! - a **path** to the log, typed, loaded with Enter (`.gz` read as it is);
//! - a **command** that fetches it (`kubectl logs … --previous`), typed, then shown whole with its mode and
//!   directory and run only on a second Enter, in the background (`probes::fetch`, bounded in size and time).
//!
//! Whatever comes in goes through the same `evidence::load` as `--log`: stored beside the journal, hashed, parsed
//! once, fed to the engine. That runs as a background job (`jobs::ViewJob::LoadEvidence`) with "parsing N MB…" in
//! the dialog: a 50 MB paste takes seconds to redact and parse, and the screen keeps drawing and reading keys
//! meanwhile. Esc leaves the step without evidence (skipped, with how to bring it).

use super::action::Intent;
use super::app::App;
use super::screen::Overlay;
use crate::engine::Input;
use crate::evidence::{Pending, Redactor, Source};

/// How the evidence is being given.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EvidenceTab {
    Paste,
    Path,
    Command,
}

impl EvidenceTab {
    pub const ALL: [EvidenceTab; 3] = [EvidenceTab::Paste, EvidenceTab::Path, EvidenceTab::Command];

    pub fn label(self) -> &'static str {
        match self {
            EvidenceTab::Paste => "paste",
            EvidenceTab::Path => "path",
            EvidenceTab::Command => "command",
        }
    }

    fn next(self) -> EvidenceTab {
        match self {
            EvidenceTab::Paste => EvidenceTab::Path,
            EvidenceTab::Path => EvidenceTab::Command,
            EvidenceTab::Command => EvidenceTab::Paste,
        }
    }
}

/// Commands shown as examples on the command tab.
pub const FETCH_EXAMPLES: [&str; 3] = [
    "kubectl logs deploy/api --previous --timestamps",
    "journalctl -u api --since -1h -o short-iso",
    "docker compose logs api",
];

#[derive(Debug, Clone, PartialEq)]
pub struct EvidenceDialog {
    /// The evidence step waiting for it.
    pub step: String,
    pub tab: EvidenceTab,
    /// The path or the command being typed.
    pub path: String,
    pub command: String,
    /// What was pasted, whole.
    pub pasted: Option<String>,
    /// Its line count, counted once (the dialog is drawn on every frame; a paste can be 50 MB).
    pub pasted_lines: usize,
    /// The evidence being stored and parsed in the background: "parsing 48 MiB…".
    pub loading: Option<String>,
    /// The command was shown whole and waits for the second Enter.
    pub confirming: bool,
    /// The command is running.
    pub fetching: bool,
    /// Why the last try did not load (shown in the dialog).
    pub problem: Option<String>,
}

impl EvidenceDialog {
    pub fn new(step: String) -> EvidenceDialog {
        EvidenceDialog {
            step,
            tab: EvidenceTab::Paste,
            path: String::new(),
            command: String::new(),
            pasted: None,
            pasted_lines: 0,
            loading: None,
            confirming: false,
            fetching: false,
            problem: None,
        }
    }

    /// "1,204 lines pasted (86 KiB)".
    pub fn pasted_summary(&self) -> Option<String> {
        let text = self.pasted.as_ref()?;
        let lines = self.pasted_lines;
        Some(format!("{lines} line{} pasted ({})", if lines == 1 { "" } else { "s" }, size(text.len())))
    }
}

pub(crate) fn size(bytes: usize) -> String {
    match bytes {
        b if b < 10 * 1024 => format!("{b} bytes"),
        b if b < 10 << 20 => format!("{} KiB", b >> 10),
        b => format!("{} MiB", b >> 20),
    }
}

impl App {
    /// An evidence step started and the session has no evidence: ask for it.
    pub(crate) fn open_evidence_dialog(&mut self, step: String) {
        self.screen.overlay = Overlay::Evidence(Box::new(EvidenceDialog::new(step)));
    }

    /// A key (or a paste) while the evidence dialog is open.
    pub(crate) fn evidence_key(&mut self, action: Intent) {
        let Overlay::Evidence(dialog) = &mut self.screen.overlay else { return };
        if dialog.fetching || dialog.loading.is_some() {
            if action == Intent::Back {
                self.flash = Some(match dialog.loading {
                    Some(_) => "the evidence is being parsed in the background; it loads when that ends".into(),
                    None => "the fetch goes on in the background; its log is loaded when it ends".into(),
                });
            }
            return;
        }
        match action {
            // A paste of several lines is the log itself, whatever tab is showing.
            Intent::TextPaste(text) if text.contains('\n') || dialog.tab == EvidenceTab::Paste => {
                dialog.tab = EvidenceTab::Paste;
                dialog.pasted_lines = text.lines().count();
                dialog.pasted = Some(text);
                dialog.problem = None;
            }
            Intent::TextPaste(text) => {
                let line = text.lines().next().unwrap_or("").to_string();
                dialog.confirming = false;
                match dialog.tab {
                    EvidenceTab::Path => dialog.path.push_str(&line),
                    _ => dialog.command.push_str(&line),
                }
            }
            Intent::NextPane => {
                dialog.tab = dialog.tab.next();
                dialog.confirming = false;
                dialog.problem = None;
            }
            Intent::TextChar(c) => {
                dialog.confirming = false;
                match dialog.tab {
                    EvidenceTab::Path => dialog.path.push(c),
                    EvidenceTab::Command => dialog.command.push(c),
                    EvidenceTab::Paste => {}
                }
            }
            Intent::TextBackspace => {
                dialog.confirming = false;
                match dialog.tab {
                    EvidenceTab::Path => drop(dialog.path.pop()),
                    EvidenceTab::Command => drop(dialog.command.pop()),
                    EvidenceTab::Paste => dialog.pasted = None,
                }
            }
            Intent::TextClear => {
                dialog.confirming = false;
                match dialog.tab {
                    EvidenceTab::Path => dialog.path.clear(),
                    EvidenceTab::Command => dialog.command.clear(),
                    EvidenceTab::Paste => dialog.pasted = None,
                }
            }
            Intent::Confirm => self.evidence_enter(),
            Intent::Back => {
                let step = dialog.step.clone();
                self.screen.overlay = Overlay::None;
                let reason = "no evidence given: run the step again to paste the crash log, give its path or the \
                              command that fetches it (or reopen with --log FILE)"
                    .to_string();
                self.feed(Input::Skip { step, reason });
            }
            _ => {}
        }
    }

    fn evidence_enter(&mut self) {
        let Overlay::Evidence(dialog) = &mut self.screen.overlay else { return };
        match dialog.tab {
            // A copy: the paste stays in the dialog until the evidence is in, so a load that fails loses nothing.
            EvidenceTab::Paste => match dialog.pasted.clone() {
                Some(text) => self.load_given_evidence("paste", text.into_bytes()),
                None => dialog.problem = Some("nothing pasted yet: paste the log (your terminal's paste)".into()),
            },
            EvidenceTab::Path => {
                let path = dialog.path.trim().to_string();
                if path.is_empty() {
                    dialog.problem = Some("type the log's path first".into());
                    return;
                }
                let expanded = expand_home(&path);
                match crate::evidence::read_source(&expanded, &mut std::io::empty()) {
                    Ok(bytes) => self.load_given_evidence(&path, bytes),
                    Err(e) => dialog.problem = Some(format!("{e:#}")),
                }
            }
            EvidenceTab::Command if dialog.command.trim().is_empty() => {
                dialog.problem = Some("type the command that prints the log first".into());
            }
            EvidenceTab::Command if !dialog.confirming => {
                dialog.confirming = true;
                dialog.problem = None;
            }
            EvidenceTab::Command => {
                dialog.confirming = false;
                dialog.fetching = true;
                let command = dialog.command.trim().to_string();
                let step = dialog.step.clone();
                let cwd = self.session.context().workdir.clone();
                self.note_line(Some(&step), format!("fetching the evidence: $ {command}"));
                self.jobs.push(super::jobs::ViewJob::FetchEvidence { command, cwd }.into());
            }
        }
    }

    /// The fetch command ended: load what it printed, or say why not.
    pub(crate) fn evidence_fetched(&mut self, command: String, result: Result<crate::probes::fetch::Fetched, String>) {
        let Overlay::Evidence(dialog) = &mut self.screen.overlay else {
            self.flash = Some("a fetched log arrived after its dialog closed: run the evidence step again".into());
            return;
        };
        dialog.fetching = false;
        let step = dialog.step.clone();
        match result {
            Err(e) => dialog.problem = Some(e),
            Ok(fetched) if fetched.bytes.is_empty() => {
                let code = fetched.exit_code.map_or("no exit code".into(), |c| format!("exit {c}"));
                dialog.problem = Some(format!("the command printed nothing ({code})"));
            }
            // A command that failed printed its error, not the log (`kubectl: not found`, `Error from server`).
            Ok(fetched) if fetched.stopped.is_none() && fetched.exit_code != Some(0) => {
                let text = String::from_utf8_lossy(&fetched.bytes);
                let last = text.lines().rev().find(|l| !l.trim().is_empty()).unwrap_or("").trim().to_string();
                let code = fetched.exit_code.map_or("killed".into(), |c| format!("exit {c}"));
                dialog.problem = Some(format!("the command failed ({code}): {last}"));
            }
            Ok(fetched) => {
                let code = fetched.exit_code.map_or(String::new(), |c| format!(", exit {c}"));
                let stopped = fetched.stopped.map(|s| format!(", {s}")).unwrap_or_default();
                self.note_line(Some(&step), format!("fetched {}{code}{stopped}", size(fetched.bytes.len())));
                self.load_given_evidence(&format!("$ {command}"), fetched.bytes);
            }
        }
    }

    /// Stores and parses the evidence like `--log`, in the background: the dialog says so until it is in.
    fn load_given_evidence(&mut self, name: &str, bytes: Vec<u8>) {
        if bytes.iter().all(u8::is_ascii_whitespace) {
            self.evidence_problem(format!("{name} is empty: nothing to load"));
            return;
        }
        let Overlay::Evidence(dialog) = &mut self.screen.overlay else { return };
        dialog.loading = Some(format!("parsing {}…", size(bytes.len())));
        dialog.problem = None;
        let redactor: Redactor = self.redactor.clone();
        let sources = vec![Source { name: name.to_string(), bytes }];
        let pending = Pending::new(sources, redactor, self.rewrites.clone());
        let load = super::jobs::EvidenceLoad {
            name: name.to_string(),
            pending: std::sync::Arc::new(pending),
            dir: super::journaling::evidence_dir(self),
            repo: std::path::PathBuf::from(self.session.evidence_repo()),
        };
        self.jobs.push(super::jobs::ViewJob::LoadEvidence(load).into());
    }

    /// The evidence was stored and parsed: the engine takes it (the step passes with its triage), or the dialog
    /// says why it could not.
    pub(crate) fn evidence_loaded(&mut self, name: String, result: Result<Input, String>) {
        if let Overlay::Evidence(dialog) = &mut self.screen.overlay {
            dialog.loading = None;
        }
        // `--log`, loaded in the background since the screen opened.
        if self.evidence_loading.take().is_some() {
            return self.log_loaded(name, result);
        }
        match result {
            Ok(input) => {
                let lines = match &input {
                    Input::Evidence { files, .. } => {
                        super::text::count(files.iter().map(|f| f.lines).sum::<u64>() as usize, "line")
                    }
                    _ => "? lines".into(),
                };
                self.feed(input);
                if matches!(self.screen.overlay, Overlay::Evidence(_)) {
                    self.screen.overlay = Overlay::None;
                }
                self.flash = Some(format!("evidence in: {name} ({lines})"));
            }
            Err(e) => self.evidence_problem(e),
        }
    }

    /// The `--log` evidence is in: its step reads it at once when it is selected (the screen then shows the
    /// triage: what failed, where in the service). A log that could not be stored is said, and can be given again
    /// on the evidence step.
    fn log_loaded(&mut self, name: String, result: Result<Input, String>) {
        match result {
            Ok(input) => {
                self.feed(input);
                let on_evidence = matches!(
                    self.selected_step().and_then(|s| s.action.as_ref()),
                    Some(crate::engine::Action::Evidence(_))
                );
                if matches!(self.screen.overlay, Overlay::Evidence(_)) {
                    self.screen.overlay = Overlay::None;
                }
                let quitting = self.should_quit();
                if on_evidence
                    && !quitting
                    && self.session.has_evidence()
                    && matches!(self.screen.overlay, Overlay::None)
                {
                    self.apply(super::action::Intent::Run);
                }
            }
            Err(e) => self.flash = Some(format!("could not load {name}: {e} (give it again on the evidence step)")),
        }
    }

    fn evidence_problem(&mut self, why: String) {
        if let Overlay::Evidence(dialog) = &mut self.screen.overlay {
            dialog.problem = Some(why);
        }
    }
}

/// `~/x` as the shell would read it.
fn expand_home(path: &str) -> String {
    match (path.strip_prefix("~/"), std::env::var("HOME")) {
        (Some(rest), Ok(home)) => format!("{home}/{rest}"),
        _ => path.to_string(),
    }
}
