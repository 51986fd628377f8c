//! The simulator view's lanes: a time scale around the cursor (three quarters of the width before it, the rest
//! after it, dimmed), one row per goroutine where each Go operation is a block labelled with its name (or its
//! letter when short), GC stop-the-world windows as `░` bands, the crash as `✘`, and the time axis under them.

use super::super::sim::{SimEvent, SimRun, HEAD};
use super::super::text::truncate;
use super::super::theme::Theme;
use crate::sim::MicroStep;
use ratatui::style::Style;
use ratatui::text::{Line, Span};

/// The cursor sits this far across the lanes; the rest shows what comes next, dimmed.
const CURSOR_AT: f64 = 0.75;

/// Simulated time per column, and where column 0 starts.
pub struct Scale {
    t0: f64,
    ns_per_col: f64,
    cols: usize,
    /// Indices of the events worth placing.
    from: usize,
    to: usize,
}

impl Scale {
    pub fn new(run: &SimRun, cursor: usize, cols: usize) -> Scale {
        // Do not reach back across the cut between the kept start and the kept end: that is milliseconds.
        let floor = if run.skipped > 0 && cursor >= HEAD { HEAD } else { 0 };
        let back = cursor.saturating_sub(cols).max(floor);
        let tc = run.events.get(cursor).map_or(0.0, |e| e.t_ns);
        let tb = run.events.get(back).map_or(tc, |e| e.t_ns);
        let before = (cols as f64 * CURSOR_AT).max(1.0);
        let ns_per_col = ((tc - tb) / before).max(0.5);
        let ceiling = if run.skipped > 0 && cursor < HEAD { HEAD } else { run.events.len() };
        Scale {
            t0: tc - ns_per_col * before,
            ns_per_col,
            cols,
            from: cursor.saturating_sub(cols * 2).max(floor),
            to: (cursor + cols * 2).min(ceiling),
        }
    }

    fn col(&self, t: f64) -> i64 {
        ((t - self.t0) / self.ns_per_col).floor() as i64
    }

    fn time(&self, col: usize) -> f64 {
        self.t0 + col as f64 * self.ns_per_col
    }
}

/// The first micro-step of a Go operation (a write's check starts a new write).
fn starts_op(step: MicroStep) -> bool {
    !matches!(
        step,
        MicroStep::ReadHash
            | MicroStep::ReadProbe
            | MicroStep::WriteHash
            | MicroStep::WriteToggle
            | MicroStep::WriteInsert
            | MicroStep::WriteRecheck
            | MicroStep::WriteClear
            | MicroStep::DeleteHash
            | MicroStep::DeleteToggle
            | MicroStep::DeleteRemove
            | MicroStep::DeleteRecheck
            | MicroStep::DeleteClear
            | MicroStep::IterNext
            | MicroStep::WgWake
    )
}

/// The block label of an operation: the whole word when it fits, else its letter.
fn label(step: MicroStep) -> (&'static str, char) {
    match step.op() {
        "read" => ("read", 'R'),
        "write" => ("write", 'W'),
        "delete" => ("delete", 'D'),
        "range" => ("range", 'I'),
        "go" => ("go", 'g'),
        "wg_add" => ("wg.Add", '+'),
        "wg_wait" => ("wg.Wait", 'w'),
        "lock" => ("Lock", 'L'),
        "unlock" => ("Unlock", 'U'),
        "rlock" => ("RLock", 'l'),
        "runlock" => ("RUnlock", 'u'),
        "send" => ("send", '>'),
        "recv" => ("recv", '<'),
        "sync_map" => ("sync.Map", 'M'),
        "sleep" => ("sleep", 'z'),
        "alloc" => ("alloc", 'a'),
        "work" => ("work", '~'),
        _ => ("return", '$'),
    }
}

/// One goroutine's lane: each cell shows the operation running in that slice of time.
pub fn lane_spans(run: &SimRun, id: u32, cursor: usize, scale: &Scale, theme: &Theme) -> Vec<Span<'static>> {
    // Which operation (the index of its first event) covers each column; later operations paint over earlier.
    let mut cells: Vec<Option<usize>> = vec![None; scale.cols];
    let mut op_start = None;
    let cursor_op = run.events.get(cursor).filter(|e| e.goroutine == id).map(|_| first_of_op(run, cursor, id));
    let mine: Vec<usize> = (scale.from..scale.to).filter(|&i| run.events[i].goroutine == id).collect();
    for (k, &i) in mine.iter().enumerate() {
        let e = &run.events[i];
        if starts_op(e.step) || op_start.is_none() {
            op_start = Some(first_of_op(run, i, id));
        }
        // Until the goroutine's next micro-step; a goroutine blocked at its last one in view waits on past it.
        let end = match mine.get(k + 1) {
            Some(&n) => run.events[n].t_ns,
            None if e.blocked => scale.time(scale.cols),
            None => e.t_ns + scale.ns_per_col,
        };
        let a = scale.col(e.t_ns).max(0);
        let b = scale.col(end).max(a + 1).min(scale.cols as i64);
        for cell in cells.iter_mut().take(b.max(0) as usize).skip(a as usize) {
            *cell = op_start;
        }
    }
    let crash = run.crash.filter(|c| c.0 == id).map(|_| run.last());
    let stw = |col: usize| {
        let (t0, t1) = (scale.time(col), scale.time(col + 1));
        run.stw.iter().any(|(a, b)| *a < t1 && *b > t0)
    };
    let mut spans: Vec<Span<'static>> = Vec::new();
    // No goroutine runs during a stop-the-world window, whatever it was doing before.
    for (col, cell) in cells.iter_mut().enumerate() {
        if stw(col) {
            *cell = None;
        }
    }
    let mut col = 0;
    while col < scale.cols {
        let Some(start) = cells[col] else {
            let (text, style) = if stw(col) { ("░", theme.muted()) } else { (" ", Style::new()) };
            spans.push(Span::styled(text, style));
            col += 1;
            continue;
        };
        let mut width = 1;
        while col + width < scale.cols && cells[col + width] == Some(start) {
            width += 1;
        }
        let e: &SimEvent = &run.events[start];
        let crashed_here = crash.is_some_and(|c| c >= start && last_of_op(run, start, id) >= c);
        let text = block_text(e.step, width, crashed_here);
        let style = if Some(start) == cursor_op || (crashed_here && cursor == run.last()) {
            theme.selected()
        } else if crashed_here {
            theme.failed()
        } else if start > cursor {
            theme.muted()
        } else if matches!(e.step.op(), "write" | "delete") {
            theme.warning()
        } else if e.blocked {
            theme.muted()
        } else {
            Style::new()
        };
        spans.push(Span::styled(text, style));
        col += width;
    }
    spans
}

/// The index of the first event of the operation event `i` belongs to (same goroutine).
fn first_of_op(run: &SimRun, i: usize, id: u32) -> usize {
    let mut first = i;
    while !starts_op(run.events[first].step) {
        match run.events[..first].iter().rposition(|e| e.goroutine == id) {
            Some(p) => first = p,
            None => break,
        }
    }
    first
}

/// The index of the last event of the operation starting at `start` (same goroutine, until the next op starts).
fn last_of_op(run: &SimRun, start: usize, id: u32) -> usize {
    let mut last = start;
    for (i, e) in run.events.iter().enumerate().skip(start + 1) {
        if e.goroutine != id {
            continue;
        }
        if starts_op(e.step) {
            break;
        }
        last = i;
    }
    last
}

fn block_text(step: MicroStep, width: usize, crashed: bool) -> String {
    let (word, letter) = label(step);
    let mut text = if crashed {
        if width > word.len() + 1 {
            format!("{word}✘")
        } else {
            "✘".to_string()
        }
    } else if width > word.len() {
        word.to_string()
    } else {
        letter.to_string()
    };
    let used = text.chars().count();
    text.extend(std::iter::repeat_n('─', width.saturating_sub(used)));
    text
}

/// The time axis: the first and last time shown, the cursor's column, and `STW` when a GC window is in view.
pub fn axis(run: &SimRun, cursor: usize, scale: &Scale, label_width: usize, theme: &Theme) -> Line<'static> {
    let mut cells: Vec<char> = vec!['·'; scale.cols];
    let at = run.events.get(cursor).map_or(0, |e| scale.col(e.t_ns).clamp(0, scale.cols as i64 - 1) as usize);
    // The first and last time shown, each only where it leaves the cursor's mark clear.
    let left = format!("{:.3}", scale.time(0).max(0.0) / 1000.0);
    let right = format!("{:.3}µs", scale.time(scale.cols) / 1000.0);
    if left.len() < at {
        for (i, ch) in left.chars().enumerate() {
            cells[i] = ch;
        }
    }
    let start = scale.cols.saturating_sub(right.chars().count());
    if start > at + 1 && start > left.len() + 1 {
        for (i, ch) in right.chars().enumerate() {
            cells[start + i] = ch;
        }
    }
    cells[at] = '▲';
    let head = if run.stw.is_empty() { "time" } else { "time ░=STW" };
    let mut spans = vec![Span::styled(format!("{:<label_width$}", truncate(head, label_width)), theme.muted())];
    let text: String = cells.into_iter().collect();
    spans.push(Span::styled(text, theme.muted()));
    Line::from(spans)
}
