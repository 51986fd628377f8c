//! Test-only reference for the gc line DFA: the template cursors stepped one byte at a time, as the matcher worked
//! before `gcdfa`; the whole-line regex `gcline::is_whole_line` is held to the same answers, and the one-pass
//! whole-line reader `gcline::read_whole_line` (what `gctrace` really uses) to the regex and `parse_complete_line`.
//!
//! The DFA is a speed-up only; these property tests feed random splits of real gc lines, interleaved with random
//! text, to both and require the same accepted lengths and completeness after every piece, so the speed-up cannot
//! change what `gctrace` finds.

use super::gcline::{
    extend, is_whole_line, parse_complete_line, read_whole_line, step, templates, Cursor, GcLineMatcher, Tok,
};
use proptest::prelude::*;

const TEMPLATE_COUNT: usize = 8;

/// One cursor per template and a bit mask of the templates still alive.
#[derive(Clone, Copy)]
struct TemplateMatcher {
    cursors: [Cursor; TEMPLATE_COUNT],
    alive: u8,
}

impl TemplateMatcher {
    fn new() -> Self {
        TemplateMatcher { cursors: [Cursor::default(); TEMPLATE_COUNT], alive: u8::MAX }
    }

    fn complete(&self) -> bool {
        templates().iter().enumerate().any(|(i, t)| {
            self.alive & (1 << i) != 0 && self.cursors.get(i).is_some_and(|c| usize::from(c.token) == t.len())
        })
    }

    /// Feeds one byte; false when no template accepts it (the matcher is then unchanged).
    fn feed(&mut self, templates: &[Vec<Tok>], b: u8) -> bool {
        let mut next = *self;
        next.alive = 0;
        let mut alive = self.alive;
        while alive != 0 {
            let i = alive.trailing_zeros() as usize;
            alive &= alive - 1;
            let (Some(tokens), Some(&cursor)) = (templates.get(i), self.cursors.get(i)) else { continue };
            if let Some(c) = step(tokens, cursor, b) {
                if let Some(slot) = next.cursors.get_mut(i) {
                    *slot = c;
                    next.alive |= 1 << i;
                }
            }
        }
        if next.alive == 0 {
            return false;
        }
        *self = next;
        true
    }

    fn extend(&mut self, text: &str) -> usize {
        let mut accepted = 0;
        let templates = templates();
        for (i, b) in text.bytes().enumerate() {
            if !self.feed(templates, b) {
                break;
            }
            accepted = i + 1;
        }
        while accepted > 0 && !text.is_char_boundary(accepted) {
            accepted -= 1;
        }
        accepted
    }
}

/// Every line of the committed real logs that holds a gc line or a piece of one.
fn real_gc_lines() -> Vec<String> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/go/logs");
    let mut lines = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let text = String::from_utf8_lossy(&std::fs::read(entry.unwrap().path()).unwrap()).into_owned();
        lines.extend(text.lines().filter(|l| l.contains("gc ") || l.contains(" MB")).map(str::to_string));
    }
    lines.extend([
        "gc 2 @0.004s 3% (checking for goroutine leaks): 0.021+0.096+0.002 ms clock, \
         0.043+0.044/0.068/0.009+0.004 ms cpu, 6->6->2 MB, 6 MB goal, 0 MB stacks, 0 MB globals, 2 P (forced)"
            .to_string(),
        "gc 9 @2.5s 1%: 1+2+3 ms clock, 1+2/3/4+5 ms cpu, 10->11->5 MB, 12 MB goal, 4 P (forced)".to_string(),
    ]);
    lines.sort();
    lines.dedup();
    lines
}

/// Pieces as the matcher sees them: real gc lines cut at random points with random application text glued after
/// each cut (as chatty output splits them), random slices of real lines, random text (digits, dots and grammar
/// characters included); the flag starts a fresh matcher before the piece.
fn pieces() -> impl Strategy<Value = Vec<(bool, String)>> {
    let lines = real_gc_lines();
    let n = lines.len();
    let app = "(app: tick [0-9]{1,5}|[0-9.]{0,3}|[a-z:. ]{0,8}|.{0,6})";
    let whole = lines.clone();
    let split_line =
        (0..n, prop::collection::vec((any::<prop::sample::Index>(), app), 0..30)).prop_map(move |(i, cuts)| {
            let line = &whole[i];
            let mut at: Vec<usize> = cuts.iter().map(|(c, _)| c.index(line.len() + 1)).collect();
            at.sort_unstable();
            let mut out = Vec::new();
            let mut from = 0;
            for (k, to) in at.iter().copied().chain([line.len()]).enumerate() {
                let mut piece = line.get(from..to).unwrap_or("").to_string();
                piece.push_str(cuts.get(k).map(|(_, t)| t.as_str()).unwrap_or(""));
                out.push((k == 0, piece));
                from = to;
            }
            out
        });
    let slice = (0..n, any::<prop::sample::Index>(), any::<prop::sample::Index>()).prop_map(move |(i, a, b)| {
        let line = &lines[i];
        let (a, b) = (a.index(line.len() + 1), b.index(line.len() + 1));
        vec![(false, line.get(a.min(b)..a.max(b)).unwrap_or("").to_string())]
    });
    let segment = prop_oneof![
        4 => split_line,
        2 => slice,
        2 => (prop::bool::weighted(0.2), "[0-9.gc @s%:+/>\\-MBPa-z(), é]{0,12}").prop_map(|p| vec![p]),
        1 => (prop::bool::weighted(0.2), ".{0,20}").prop_map(|p| vec![p]),
    ];
    prop::collection::vec(segment, 0..12).prop_map(|segments| segments.into_iter().flatten().collect())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2000, ..ProptestConfig::default() })]

    /// Real gc lines with a few bytes replaced, inserted or removed (grammar characters mostly): the one-pass
    /// reader accepts exactly what the regex accepts, and reads the numbers `parse_complete_line` reads.
    #[test]
    fn the_one_pass_reader_agrees_with_the_regex_on_mutated_lines(
        line in prop::sample::select(real_gc_lines()),
        edits in prop::collection::vec((any::<prop::sample::Index>(), 0u8..3, "[0-9. @s%:+/>\\-MBPa-z()]"), 0..4),
    ) {
        let mut text = line.clone();
        for (at, op, with) in &edits {
            let mut i = at.index(text.len() + 1);
            while !text.is_char_boundary(i) {
                i -= 1;
            }
            match op {
                0 if i < text.len() => {
                    let end = (i + 1..=text.len()).find(|&e| text.is_char_boundary(e)).unwrap_or(text.len());
                    text.replace_range(i..end, with);
                }
                1 => text.insert_str(i, with),
                _ if i < text.len() => {
                    let end = (i + 1..=text.len()).find(|&e| text.is_char_boundary(e)).unwrap_or(text.len());
                    text.replace_range(i..end, "");
                }
                _ => {}
            }
        }
        let read = read_whole_line(&text);
        prop_assert_eq!(read.is_some(), is_whole_line(&text), "{:?}", text);
        if let Some(cycle) = read {
            prop_assert_eq!(cycle, parse_complete_line(&text), "{:?}", text);
        }
    }

    #[test]
    fn dfa_agrees_with_the_template_cursors(pieces in pieces()) {
        let mut dfa = GcLineMatcher::new();
        let mut reference = TemplateMatcher::new();
        for (fresh, piece) in &pieces {
            if *fresh {
                dfa = GcLineMatcher::new();
                reference = TemplateMatcher::new();
            }
            prop_assert_eq!(extend(&mut dfa, piece), reference.extend(piece), "piece {:?}", piece);
            prop_assert_eq!(dfa.complete(), reference.complete(), "after {:?}", piece);
        }
    }

    #[test]
    fn whole_lines_agree_with_is_whole_line(pieces in pieces()) {
        let joined: String = pieces.iter().map(|(_, p)| p.as_str()).collect();
        for text in pieces.iter().map(|(_, p)| p.as_str()).chain([joined.as_str()]) {
            let mut dfa = GcLineMatcher::new();
            let whole = extend(&mut dfa, text) == text.len() && dfa.complete();
            prop_assert_eq!(whole, is_whole_line(text), "{:?}", text);
            let read = read_whole_line(text);
            prop_assert_eq!(read.is_some(), whole, "{:?}", text);
            if let Some(cycle) = read {
                prop_assert_eq!(cycle, parse_complete_line(text), "{:?}", text);
            }
        }
    }
}

#[test]
fn every_real_gc_line_is_whole_for_both() {
    let mut whole = 0;
    for line in real_gc_lines() {
        let mut dfa = GcLineMatcher::new();
        let mut reference = TemplateMatcher::new();
        let accepted = extend(&mut dfa, &line);
        assert_eq!(accepted, reference.extend(&line), "{line}");
        assert_eq!(dfa.complete(), reference.complete(), "{line}");
        let by_dfa = accepted == line.len() && dfa.complete();
        assert_eq!(by_dfa, is_whole_line(&line), "{line}");
        assert_eq!(read_whole_line(&line), by_dfa.then(|| parse_complete_line(&line)), "{line}");
        whole += usize::from(by_dfa);
    }
    assert!(whole > 100, "only {whole} whole gc lines in the corpus");
}
