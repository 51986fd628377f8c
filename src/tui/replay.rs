//! `runbook replay JOURNAL`: the TUI, read-only, on a recorded session.
//!
//! The screen is rebuilt from the journal the way it was built live: every recorded record goes through the same
//! engine (`journal::replay::restore`, pure: statuses, captures, the cursor) and every recorded event through the
//! same bridge that turns engine events into screen state (`App::record`). Nothing runs (the engine's spawn and
//! probe effects are never carried out, the run, cancel and note keys are refused) and nothing is written (no
//! journal, no assets). A time scrubber moves through the records: step to the next or previous event (a run of
//! output lines of one step is one stop), jump between milestones, or play at N× the recorded speed.

use super::action::{Intent, Scrub};
use super::app::App;
use super::mode::Mode;
use super::output::{LineKind, StepOutputs};
use super::recording::{feeds_nothing, step_of, Replay};
use super::theme::Theme;
use crate::engine::{self, Context, Session};
use crate::journal::{self, Meta};
use std::path::Path;

/// Reads `path` and opens it for replay: an `App` in read-only mode, on its first record.
pub fn open(path: &Path, theme: Theme) -> Result<App, String> {
    let loaded = journal::read(path).map_err(|e| e.to_string())?;
    let start = loaded.start().ok_or_else(|| format!("{}: no session_start", path.display()))?;
    let runbook = engine::load(&start.runbook.source, start.runbook.yaml.as_bytes()).map_err(|e| e.to_string())?;
    // Nothing runs, so the assets are not written out: their directory only fills in templates.
    let assets_dir = crate::bundled::cache_dir().join("assets").display().to_string();
    let context = Context { workdir: start.workdir.clone(), assets_dir, runbook_dir: start.runbook_dir.clone() };
    let vars = start.vars.clone();
    let mut check = Session::with_unset_vars(runbook.clone(), context.clone(), vars.clone())?;
    let mut warnings: Vec<String> = loaded.warnings.iter().map(|w| format!("{}: {w}", path.display())).collect();
    warnings.extend(journal::replay::restore(&mut check, &loaded.records).divergences);
    let session = Session::with_unset_vars(runbook.clone(), context.clone(), vars.clone())?;
    let name = format!("{} · replay", start.runbook.source);
    let mut app = App::new(session, &name, theme);
    app.mode = Mode::Replay(Box::new(Replay::new(loaded.records, runbook, context, vars, warnings)));
    app.seek(1);
    if let Some(first) = app.mode.replay().and_then(|r| r.warnings.first().cloned()) {
        app.flash = Some(format!("warning: {first}"));
    }
    Ok(app)
}

impl App {
    /// The replay, when this UI is one.
    pub fn replay(&self) -> Option<&Replay> {
        self.mode.replay()
    }

    pub fn is_replay(&self) -> bool {
        self.mode.is_replay()
    }

    /// Playback is on: the loop keeps ticking and drawing.
    pub fn is_playing(&self) -> bool {
        self.mode.replay().is_some_and(Replay::playing) || self.stack.sim_playing()
    }

    /// Why a key that would run, change or write something does nothing in a replay.
    pub(crate) fn refused_in_replay(&self, intent: &Intent) -> Option<&'static str> {
        self.mode.replay()?;
        match intent {
            Intent::Run | Intent::Confirm | Intent::Toggle | Intent::Pick(_) | Intent::CancelCommand => {
                Some("read-only replay: nothing runs here")
            }
            Intent::NoteStart | Intent::MilestoneStart => Some("read-only replay: nothing is written"),
            _ => None,
        }
    }

    /// A scrubber key.
    pub(crate) fn scrub(&mut self, key: Scrub) {
        let Some(replay) = self.mode.replay_mut() else {
            self.flash = Some("only in a replay (runbook replay JOURNAL)".into());
            return;
        };
        let pos = replay.position();
        let target = match key {
            Scrub::Play => {
                if replay.toggle_play() {
                    self.seek(1);
                }
                return;
            }
            Scrub::Faster | Scrub::Slower => {
                replay.change_speed(key == Scrub::Faster);
                return;
            }
            Scrub::Next | Scrub::Prev | Scrub::NextMilestone | Scrub::PrevMilestone => replay.stop_for(key),
        };
        match target {
            Some(t) if t != pos => self.seek(t),
            _ => {
                let edge = if matches!(key, Scrub::Next | Scrub::NextMilestone) { "the end" } else { "the start" };
                self.flash = Some(format!("at {edge} of the recording"));
            }
        }
    }

    /// The clock while replaying: playback's time (see `Replay::advance`), showing every record it passes.
    pub(crate) fn replay_tick(&mut self, now_ms: u64) {
        let Some(playback) = self.mode.replay_mut().and_then(|r| r.advance(now_ms)) else { return };
        if let Some(target) = playback.moved_to {
            self.seek(target);
        }
        // `seek` set the clock to the last record; while playing it runs on between records.
        if let Some(replay) = self.mode.replay_mut() {
            replay.played(&playback);
        }
        self.clock_ms = playback.play_ms;
        if playback.ended {
            self.flash = Some("end of the recording".into());
        }
    }

    /// Shows `records[..target]`: forward by applying the records in between, backward by rebuilding from the
    /// start (the engine cannot step back). Selects the step of the last record shown.
    pub(crate) fn seek(&mut self, target: usize) {
        let Some(replay) = self.mode.replay() else { return };
        let target = target.min(replay.len());
        if target < replay.position() {
            match replay.fresh_session() {
                Ok(session) => self.session = session,
                Err(e) => {
                    self.flash = Some(format!("cannot rebuild the session: {e}"));
                    return;
                }
            }
            self.outputs = StepOutputs::default();
            self.screen.search = None;
            self.screen.output_top = None;
            if let Some(replay) = self.mode.replay_mut() {
                replay.set_position(0);
            }
        }
        let from = self.mode.replay().map_or(0, Replay::position);
        for index in from..target {
            self.apply_record(index);
        }
        let Some(replay) = self.mode.replay_mut() else { return };
        replay.set_position(target);
        if let Some(record) = replay.current() {
            self.clock_ms = record.offset_ms;
            let index = step_of(record).and_then(|s| self.session.runbook().step_index(s));
            if let Some(index) = index.filter(|i| *i != self.screen.selected) {
                self.select(index);
            }
        }
    }

    /// One record: through the engine, then onto the screen the way it arrived live.
    fn apply_record(&mut self, index: usize) {
        let Some(records) = self.mode.replay().map(Replay::records) else { return };
        // A probe's recorded result precedes its step's end with only non-input records between: hand them to
        // the engine together so it sees the result (restore keeps no state across calls).
        let mut from = index;
        while from > 0 && feeds_nothing(&records[from - 1]) {
            from -= 1;
        }
        if feeds_nothing(&records[index]) {
            from = index;
        }
        journal::replay::restore(&mut self.session, &records[from..=index]);
        let record = records[index].clone();
        self.clock_ms = record.offset_ms;
        match record.entry {
            journal::Entry::Event(event) => self.record(event),
            journal::Entry::Meta(meta) => self.show_meta(meta),
            journal::Entry::Unknown(_) => {}
        }
    }

    fn show_meta(&mut self, meta: Meta) {
        match meta {
            Meta::Note { step, text } => {
                self.note_line(step.as_deref(), format!("note: {text}"));
                self.flash = Some(format!("note: {text}"));
            }
            Meta::MilestoneChecked { step, milestone, by, ok, .. } => {
                let verdict = if ok { "" } else { " (not confirmed)" };
                self.note_line(step.as_deref(), format!("milestone {milestone}{verdict}, set by {by}"));
                self.flash = Some(format!("milestone {milestone}{verdict} (by {by})"));
            }
            Meta::OutputElided { step, lines, file, .. } => {
                self.note_line(Some(&step), format!("… {lines} lines not in the journal (full output: {file})"));
            }
            Meta::SessionFinished { reason, .. } => self.flash = Some(format!("session finished: {reason}")),
            Meta::SessionResumed { .. } => self.flash = Some("session resumed".into()),
            Meta::SessionReopened { .. } => self.flash = Some("session reopened".into()),
            Meta::ProbeResult { step, result, .. } => {
                let index = self.session.runbook().step_index(&step);
                let request = index.and_then(|i| self.session.preview_probe(i).ok().flatten());
                if let Some(output) = request.and_then(|r| crate::probes::output::from_recorded(&r, &result)) {
                    self.probe_result(&step, std::sync::Arc::new(output));
                }
            }
            _ => {}
        }
    }

    /// A line said by runbook in a step's output (not for choose steps: their pane shows the last note as the
    /// choice made).
    pub(crate) fn note_line(&mut self, step: Option<&str>, text: String) {
        let Some(index) = step.and_then(|s| self.session.runbook().step_index(s)) else { return };
        if matches!(self.step(index).and_then(|s| s.action.as_ref()), Some(engine::Action::Choose(_))) {
            return;
        }
        let clock = self.clock_ms;
        self.outputs.runs.entry(index).or_insert_with(|| super::output::StepRun::new(clock)).push(LineKind::Note, text);
    }
}

impl App {
    /// The clock tick: the UI's time live; in a replay, the playback's.
    pub(crate) fn tick(&mut self, now_ms: u64) {
        if self.mode.is_replay() {
            self.replay_tick(now_ms);
        } else {
            self.clock_ms = now_ms;
        }
        self.stack.sim_tick();
    }
}
