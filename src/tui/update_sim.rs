//! How `update` drives the simulator view and the crash-rate chart: opening them, their keys, playback on the
//! tick, and the answers of their background jobs. A new seed, fix or Go version queues a job and the view
//! keeps showing the previous run (titled "running…") until the answer arrives; an answer to an older request
//! is dropped, so pressing `s` five times never shows a stale run last.

use super::sim::{RateRequest, RatesView, SimSpec, SimView, FIX_CYCLE, RATE_SEEDS};
use crate::probes::output::{ProbeOutput, SimSource};
use crate::sim::GoVersion;
use crate::tui::action::{Intent, SimKey};
use crate::tui::app::App;
use crate::tui::jobs::ViewJob;
use crate::tui::views::View;

impl App {
    /// Pushes the simulator view and starts its first run.
    pub(crate) fn open_sim(&mut self, spec: SimSpec) {
        self.stack.views.push(View::Sim(Box::new(SimView::new(spec))));
        self.sim_rerun();
    }

    /// `S` on the main screen: the bundled reproduction, Go 1.27, seed 1.
    pub(crate) fn open_default_sim(&mut self) {
        self.open_sim(SimSpec::builtin(FIX_CYCLE[0], GoVersion::NEWEST, 1));
    }

    /// Enter on a simulate step's "open the simulator" row.
    pub(crate) fn open_sim_of_step(&mut self, step: usize) {
        let spec = match self.outputs.results.get(&step).map(|r| r.output.as_ref()) {
            Some(ProbeOutput::Simulate(out)) => SimSpec::from_step(out, step),
            _ => return,
        };
        self.open_sim(spec);
    }

    /// Pushes the crash-rate chart of `programs` and queues one batch job per program.
    pub(crate) fn open_rates(&mut self, programs: Vec<SimSource>, go: GoVersion, seed: u64, runs: u64) {
        let generation = self.stack.next_generation();
        for (index, source) in programs.iter().enumerate() {
            let request = RateRequest { generation, index, source: source.clone(), go, seed, runs };
            self.jobs.push(ViewJob::Rate(request).into());
        }
        let results = vec![None; programs.len()];
        self.stack.views.push(View::Rates(Box::new(RatesView { generation, go, seed, runs, programs, results })));
    }

    /// Every built-in program, for the crash-rate chart.
    pub(crate) fn open_builtin_rates(&mut self, go: GoVersion) {
        let programs = crate::sim::builtins().into_iter().map(|(name, _)| SimSource::Builtin(name)).collect();
        self.open_rates(programs, go, 1, RATE_SEEDS);
    }

    /// Queues a run of what the top simulator view's spec says now.
    fn sim_rerun(&mut self) {
        let generation = self.stack.next_generation();
        let Some(View::Sim(view)) = self.stack.views.last_mut() else { return };
        view.playing = false;
        match view.spec.request(generation) {
            Some(request) => {
                view.pending = Some(generation);
                self.jobs.push(ViewJob::Sim(request).into());
            }
            None => view.error = Some("no program to run".into()),
        }
    }

    /// A key while the simulator view is on top. Returns false for keys it does not take (help, quit).
    pub(crate) fn sim_key(&mut self, action: &Intent) -> bool {
        let Intent::Sim(key) = action else { return false };
        let Some(View::Sim(view)) = self.stack.views.last_mut() else { return false };
        match key {
            SimKey::Open => {}
            SimKey::Play => {
                if let Some(run) = &view.run {
                    if !view.playing && view.cursor >= run.last() {
                        view.cursor = 0;
                    }
                    view.playing = !view.playing && run.last() > 0;
                }
            }
            SimKey::Next => {
                view.playing = false;
                view.move_by(1);
            }
            SimKey::Prev => {
                view.playing = false;
                view.move_by(-1);
            }
            SimKey::Start => {
                view.playing = false;
                view.cursor = 0;
            }
            SimKey::Crash => {
                view.playing = false;
                view.cursor = view.run.as_ref().map_or(0, |r| r.last());
            }
            SimKey::NextSeed | SimKey::PrevSeed => {
                let seed = view.spec.seed;
                view.spec.seed =
                    if *key == SimKey::NextSeed { seed.saturating_add(1) } else { seed.saturating_sub(1).max(1) };
                if view.spec.seed != seed {
                    self.sim_rerun();
                }
            }
            SimKey::Fix => {
                view.spec.current = (view.spec.current + 1) % view.spec.family.len().max(1);
                self.sim_rerun();
            }
            SimKey::Version => {
                view.spec.go = if view.spec.go == GoVersion::NEWEST { GoVersion::OLDEST } else { GoVersion::NEWEST };
                self.sim_rerun();
            }
            SimKey::Rates => {
                let go = view.spec.go;
                self.open_builtin_rates(go);
            }
            SimKey::Gc => {
                let step = view.spec.step.filter(|s| {
                    matches!(self.outputs.results.get(s).map(|r| r.output.as_ref()),
                        Some(ProbeOutput::Simulate(out)) if !out.gc_cycles.is_empty())
                });
                match step {
                    Some(step) => self.stack.views.push(View::Gc { step }),
                    None => self.flash = Some("no gctrace log: give the simulate step `gctrace: FILE`".into()),
                }
            }
        }
        true
    }

    /// The simulator view on top, if any.
    pub fn sim_view(&self) -> Option<&SimView> {
        self.stack.sim_view()
    }
}
