//! A recorded session as the replay screen walks it: the journal's records, where the time scrubber stands in
//! them, the stops and milestones it jumps between, and playback (speed, the recorded time reached). Knows
//! nothing of the screen: `replay.rs` applies the records to `App` where this says, so `App` can hold a `Replay`
//! without the two modules depending on each other.

use super::action::Scrub;
use crate::engine::{self, Context, Event, Session};
use crate::journal::{Meta, Record};
use std::collections::BTreeMap;

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

/// Where a playing tick got to.
pub(crate) struct Playback {
    /// The position to show, when the tick passed a record.
    pub moved_to: Option<usize>,
    /// The recorded time reached (the clock runs on between records).
    pub play_ms: u64,
    /// The last record is shown: playback stops.
    pub ended: bool,
}

impl Replay {
    /// A recording on its first position, paused at 1×; the session is rebuilt from `runbook`, `context` and
    /// `vars` when the scrubber goes back.
    pub(crate) fn new(
        records: Vec<Record>,
        runbook: engine::Runbook,
        context: Context,
        vars: BTreeMap<String, String>,
        warnings: Vec<String>,
    ) -> Replay {
        let stops = stops(&records);
        let milestones = (1..=records.len()).filter(|p| is_milestone(&records[p - 1])).collect();
        Replay {
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
        }
    }

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

    pub(crate) fn records(&self) -> &[Record] {
        &self.records
    }

    /// Where a moving key goes from here: the next or previous stop, the next milestone (or the end), the
    /// previous one (or the start). `None` when there is nowhere further, or for the keys that do not move.
    pub(crate) fn stop_for(&self, key: Scrub) -> Option<usize> {
        let pos = self.pos;
        match key {
            Scrub::Next => self.stops.iter().copied().find(|&p| p > pos),
            Scrub::Prev => self.stops.iter().rev().copied().find(|&p| p < pos && p > 0),
            Scrub::NextMilestone => self.milestones.iter().copied().find(|&p| p > pos).or(Some(self.len())),
            Scrub::PrevMilestone => self.milestones.iter().rev().copied().find(|&p| p < pos).or(Some(1)),
            Scrub::Play | Scrub::Faster | Scrub::Slower => None,
        }
    }

    /// Play or pause. True when playing starts at the end (the caller rewinds to the start).
    pub(crate) fn toggle_play(&mut self) -> bool {
        self.playing = !self.playing;
        self.last_tick = None;
        self.playing && self.pos >= self.len()
    }

    pub(crate) fn change_speed(&mut self, faster: bool) {
        self.speed = if faster { (self.speed + 1).min(SPEEDS.len() - 1) } else { self.speed.saturating_sub(1) };
    }

    /// The session as the recording started, to apply the records again from the first (the engine cannot
    /// step back).
    pub(crate) fn fresh_session(&self) -> Result<Session, String> {
        Session::with_unset_vars(self.runbook.clone(), self.context.clone(), self.vars.clone())
    }

    /// The scrubber now shows `records[..pos]`, at the time of the last one.
    pub(crate) fn set_position(&mut self, pos: usize) {
        self.pos = pos;
        if let Some(offset_ms) = self.current().map(|r| r.offset_ms) {
            self.play_ms = offset_ms;
        }
    }

    /// The clock tick while playing: playback advances by the elapsed time times the speed, passing every record
    /// whose offset it reaches; a stretch without records waits at most `MAX_GAP_MS`. `None` when paused.
    pub(crate) fn advance(&mut self, now_ms: u64) -> Option<Playback> {
        if !self.playing {
            self.last_tick = None;
            return None;
        }
        let delta = self.last_tick.map_or(0, |t| now_ms.saturating_sub(t));
        self.last_tick = Some(now_ms);
        let speed = self.speed();
        if let Some(next) = self.records.get(self.pos) {
            let longest = MAX_GAP_MS * speed;
            if next.offset_ms > self.play_ms + longest {
                self.play_ms = next.offset_ms - longest;
            }
        }
        self.play_ms += delta * speed;
        let play_ms = self.play_ms;
        let target = self.pos + self.records[self.pos..].iter().take_while(|r| r.offset_ms <= play_ms).count();
        Some(Playback { moved_to: (target > self.pos).then_some(target), play_ms, ended: target >= self.len() })
    }

    /// After showing where playback got to: the clock stays at the time reached, and the end stops playing.
    pub(crate) fn played(&mut self, playback: &Playback) {
        self.play_ms = playback.play_ms;
        if playback.ended {
            self.playing = false;
        }
    }
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
pub(crate) fn step_of(record: &Record) -> Option<&str> {
    match (record.event(), record.meta()) {
        (Some(event), _) => event.step(),
        (_, Some(Meta::Note { step, .. } | Meta::MilestoneChecked { step, .. })) => step.as_deref(),
        (_, Some(Meta::OutputElided { step, .. } | Meta::ProbeResult { step, .. })) => Some(step),
        _ => None,
    }
}

/// A record restore reads but turns into no engine input (`probe_result` only sets up the next step end).
pub(crate) fn feeds_nothing(record: &Record) -> bool {
    match record.event() {
        Some(
            Event::Command { .. }
            | Event::Capture { .. }
            | Event::Milestone { .. }
            | Event::RunFinished { .. }
            | Event::Stale { .. },
        ) => true,
        Some(_) => false,
        None => true,
    }
}
