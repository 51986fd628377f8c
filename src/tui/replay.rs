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
use super::output::LineKind;
use super::theme::Theme;
use crate::engine::{self, Context, Event, Session};
use crate::journal::{self, Meta, Record};
use std::collections::BTreeMap;
use std::path::Path;

/// Playback speeds, in multiples of the recorded time.
pub const SPEEDS: [u64; 8] = [1, 2, 4, 8, 16, 32, 64, 128];
/// Longest wait between two records while playing, in wall-clock milliseconds: idle stretches of a recording (a
/// person reading for ten minutes) are shortened to this.
pub const MAX_GAP_MS: u64 = 2_000;

/// The recorded session and where the scrubber stands in it.
pub struct Replay {
    records: Vec<Record>,
    /// Records shown so far: `records[..pos]`.
    pos: usize,
    /// Positions the scrubber stops at, ascending.
    stops: Vec<usize>,
    /// Positions just after a milestone (set by a step, or checked by hand or a drill), ascending.
    milestones: Vec<usize>,
    playing: bool,
    speed: usize,
    /// The recorded time playback has reached.
    play_ms: u64,
    /// The UI clock at the last tick while playing.
    last_tick: Option<u64>,
    runbook: engine::Runbook,
    context: Context,
    vars: BTreeMap<String, String>,
    /// Warnings from reading the journal and results the engine recomputes differently.
    pub warnings: Vec<String>,
}

impl Replay {
    pub fn len(&self) -> usize {
        self.records.len()
    }
    pub fn is_empty(&self) -> bool {
        self.records.is_empty()
    }
    /// How many records are shown.
    pub fn position(&self) -> usize {
        self.pos
    }
    pub fn playing(&self) -> bool {
        self.playing
    }
    pub fn speed(&self) -> u64 {
        SPEEDS[self.speed.min(SPEEDS.len() - 1)]
    }
    /// The last record shown (its `ts` and `offset_ms` are the scrubber's time).
    pub fn current(&self) -> Option<&Record> {
        self.pos.checked_sub(1).and_then(|i| self.records.get(i))
    }
    pub fn milestone_count(&self) -> usize {
        self.milestones.len()
    }
}

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
    let records = loaded.records;
    let stops = stops(&records);
    let milestones = (1..=records.len()).filter(|p| is_milestone(&records[p - 1])).collect();
    app.mode = Mode::Replay(Box::new(Replay {
        records,
        pos: 0,
        stops,
        milestones,
        playing: false,
        speed: 0,
        play_ms: 0,
        last_tick: None,
        runbook,
        context,
        vars,
        warnings,
    }));
    app.seek(1);
    if let Some(first) = app.mode.replay().and_then(|r| r.warnings.first().cloned()) {
        app.flash = Some(format!("warning: {first}"));
    }
    Ok(app)
}

/// Where `.` and `,` stop: after every record, except inside a run of output lines of one step (one stop at its
/// end), so a step that printed 10k lines is one press, not 10k.
fn stops(records: &[Record]) -> Vec<usize> {
    let output_step = |r: &Record| match r.event() {
        Some(Event::Output { step, .. }) => Some(step.clone()),
        _ => None,
    };
    (1..=records.len())
        .filter(|&p| {
            let here = output_step(&records[p - 1]);
            here.is_none() || records.get(p).and_then(output_step) != here
        })
        .collect()
}

fn is_milestone(record: &Record) -> bool {
    matches!(record.event(), Some(Event::Milestone { .. }))
        || matches!(record.meta(), Some(Meta::MilestoneChecked { ok: true, .. }))
}

/// The step a record is about, if any.
fn step_of(record: &Record) -> Option<&str> {
    match (record.event(), record.meta()) {
        (Some(event), _) => event.step(),
        (_, Some(Meta::Note { step, .. } | Meta::MilestoneChecked { step, .. })) => step.as_deref(),
        (_, Some(Meta::OutputElided { step, .. } | Meta::ProbeResult { step, .. })) => Some(step),
        _ => None,
    }
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
        self.mode.replay().is_some_and(|r| r.playing) || self.sim_playing()
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
        let pos = replay.pos;
        let target = match key {
            Scrub::Next => replay.stops.iter().copied().find(|&p| p > pos),
            Scrub::Prev => replay.stops.iter().rev().copied().find(|&p| p < pos && p > 0),
            Scrub::NextMilestone => replay.milestones.iter().copied().find(|&p| p > pos).or(Some(replay.len())),
            Scrub::PrevMilestone => replay.milestones.iter().rev().copied().find(|&p| p < pos).or(Some(1)),
            Scrub::Play => {
                replay.playing = !replay.playing;
                replay.last_tick = None;
                if replay.playing && replay.pos >= replay.len() {
                    self.seek(1);
                }
                return;
            }
            Scrub::Faster | Scrub::Slower => {
                replay.speed = match key {
                    Scrub::Faster => (replay.speed + 1).min(SPEEDS.len() - 1),
                    _ => replay.speed.saturating_sub(1),
                };
                return;
            }
        };
        match target {
            Some(t) if t != pos => self.seek(t),
            _ => {
                let edge = if matches!(key, Scrub::Next | Scrub::NextMilestone) { "the end" } else { "the start" };
                self.flash = Some(format!("at {edge} of the recording"));
            }
        }
    }

    /// The clock while replaying: playback advances by the elapsed time times the speed, showing every record
    /// whose offset it passes; a stretch without records waits at most `MAX_GAP_MS`.
    pub(crate) fn replay_tick(&mut self, now_ms: u64) {
        let Some(replay) = self.mode.replay_mut() else { return };
        if !replay.playing {
            replay.last_tick = None;
            return;
        }
        let delta = replay.last_tick.map_or(0, |t| now_ms.saturating_sub(t));
        replay.last_tick = Some(now_ms);
        let speed = replay.speed();
        if let Some(next) = replay.records.get(replay.pos) {
            let longest = MAX_GAP_MS * speed;
            if next.offset_ms > replay.play_ms + longest {
                replay.play_ms = next.offset_ms - longest;
            }
        }
        replay.play_ms += delta * speed;
        let play_ms = replay.play_ms;
        let target = replay.pos + replay.records[replay.pos..].iter().take_while(|r| r.offset_ms <= play_ms).count();
        let end = target >= replay.len();
        if target > replay.pos {
            self.seek(target);
        }
        if let Some(replay) = self.mode.replay_mut() {
            // `seek` set the clock to the last record; while playing it runs on between records.
            replay.play_ms = play_ms;
            self.clock_ms = play_ms;
            if end {
                replay.playing = false;
                self.flash = Some("end of the recording".into());
            }
        }
    }

    /// Shows `records[..target]`: forward by applying the records in between, backward by rebuilding from the
    /// start (the engine cannot step back). Selects the step of the last record shown.
    pub(crate) fn seek(&mut self, target: usize) {
        let Some(replay) = self.mode.replay() else { return };
        let target = target.min(replay.len());
        if target < replay.pos {
            match Session::with_unset_vars(replay.runbook.clone(), replay.context.clone(), replay.vars.clone()) {
                Ok(session) => self.session = session,
                Err(e) => {
                    self.flash = Some(format!("cannot rebuild the session: {e}"));
                    return;
                }
            }
            self.outputs.runs.clear();
            self.outputs.results.clear();
            self.outputs.active.clear();
            self.screen.search = None;
            self.screen.output_top = None;
            if let Some(replay) = self.mode.replay_mut() {
                replay.pos = 0;
            }
        }
        let from = self.mode.replay().map_or(0, |r| r.pos);
        for index in from..target {
            self.apply_record(index);
        }
        let Some(replay) = self.mode.replay_mut() else { return };
        replay.pos = target;
        let current = replay.current().cloned();
        if let Some(record) = current {
            replay.play_ms = record.offset_ms;
            self.clock_ms = record.offset_ms;
            let index = step_of(&record).and_then(|s| self.session.runbook().step_index(s));
            if let Some(index) = index.filter(|i| *i != self.screen.selected) {
                self.select(index);
            }
        }
    }

    /// One record: through the engine, then onto the screen the way it arrived live.
    fn apply_record(&mut self, index: usize) {
        let Some(replay) = self.mode.replay() else { return };
        // A probe's recorded result precedes its step's end with only non-input records between: hand them to
        // the engine together so it sees the result (restore keeps no state across calls).
        let mut from = index;
        while from > 0 && feeds_nothing(&replay.records[from - 1]) {
            from -= 1;
        }
        if feeds_nothing(&replay.records[index]) {
            from = index;
        }
        journal::replay::restore(&mut self.session, &replay.records[from..=index]);
        let record = replay.records[index].clone();
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

/// A record restore reads but turns into no engine input (`probe_result` only sets up the next step end).
fn feeds_nothing(record: &Record) -> bool {
    match record.event() {
        Some(Event::Command { .. } | Event::Capture { .. } | Event::Milestone { .. } | Event::RunFinished { .. }) => {
            true
        }
        Some(_) => false,
        None => true,
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
        self.sim_tick();
    }
}
