//! The eight gc line templates compiled into one DFA over byte classes.
//!
//! In a chatty log most bytes the gc matcher sees are pieces of split gc lines, and stepping one cursor per
//! template for every byte took about a third of the parse time. The templates are regular, so the set of cursors
//! still alive after any prefix is one of a few hundred sets: they are enumerated once here (subset construction
//! over exactly the cursor moves of `gcline::step`), and matching becomes one table lookup per byte. Bytes that
//! every state treats alike share a class (all digits are one, every byte absent from the grammar another), which
//! keeps the table a few kilobytes. Agreement with the template cursors is property-tested in `gcline_reference`.

use super::gcline::{step, templates, Cursor, Tok};
use std::collections::HashMap;

/// A DFA state: the set of template cursors still alive, as the offset of its row in the table (state number times
/// the number of classes, so a step is one add and one load). `DEAD`, the empty set, is row 0.
pub(crate) type State = u16;
pub(crate) const DEAD: State = 0;

pub(crate) struct Dfa {
    /// Byte → class.
    class: [u8; 256],
    /// `next[state + class]`.
    next: Vec<State>,
    /// Indexed like `next`: true at the row of a state where some template is complete.
    accepting: Vec<bool>,
    /// Nothing fed yet: every template at its first byte.
    start: State,
}

impl Dfa {
    /// The DFA, built on first use (well under a millisecond).
    pub(crate) fn get() -> &'static Dfa {
        static DFA: std::sync::OnceLock<Dfa> = std::sync::OnceLock::new();
        DFA.get_or_init(build)
    }

    #[inline]
    pub(crate) fn next(&self, state: State, b: u8) -> State {
        let class = usize::from(self.class[usize::from(b)]);
        self.next.get(usize::from(state) + class).copied().unwrap_or(DEAD)
    }

    pub(crate) fn accepting(&self, state: State) -> bool {
        self.accepting.get(usize::from(state)).copied().unwrap_or(false)
    }

    pub(crate) fn start(&self) -> State {
        self.start
    }

    #[cfg(test)]
    fn classes(&self) -> usize {
        self.class.iter().collect::<std::collections::HashSet<_>>().len()
    }
}

/// One template cursor: (template index, token, offset). A number's offset only matters as zero or not (`step`
/// allows a dot after the first digit), so it is kept as 0 or 1 and equal cursor sets get equal states.
type Position = (usize, u16, u16);

fn normalize(tokens: &[Tok], template: usize, c: Cursor) -> Position {
    let offset = match tokens.get(usize::from(c.token)) {
        Some(Tok::Num) => c.offset.min(1),
        _ => c.offset,
    };
    (template, c.token, offset)
}

fn build() -> Dfa {
    let templates = templates();
    let start: Vec<Position> = (0..templates.len()).map(|t| (t, 0, 0)).collect();
    let mut sets: Vec<Vec<Position>> = vec![Vec::new(), start.clone()];
    let mut ids: HashMap<Vec<Position>, usize> = HashMap::from([(Vec::new(), 0), (start, 1)]);
    let mut rows: Vec<[usize; 256]> = Vec::new();
    let mut current = 0;
    while let Some(set) = sets.get(current).cloned() {
        let mut row = [0; 256];
        for (b, slot) in (0..=u8::MAX).zip(row.iter_mut()) {
            let mut next: Vec<Position> = set
                .iter()
                .filter_map(|&(t, token, offset)| {
                    let tokens = templates.get(t)?;
                    let c = step(tokens, Cursor { token, offset }, b)?;
                    Some(normalize(tokens, t, c))
                })
                .collect();
            next.sort_unstable();
            next.dedup();
            *slot = match ids.get(&next) {
                Some(&id) => id,
                None => {
                    let id = sets.len();
                    ids.insert(next.clone(), id);
                    sets.push(next);
                    id
                }
            };
        }
        rows.push(row);
        current += 1;
    }
    // Bytes with the same column in every row are one class.
    let mut class = [0u8; 256];
    let mut columns: HashMap<Vec<usize>, u8> = HashMap::new();
    let mut representatives: Vec<usize> = Vec::new();
    for (b, slot) in class.iter_mut().enumerate() {
        let column: Vec<usize> = rows.iter().map(|row| row.get(b).copied().unwrap_or(0)).collect();
        let fresh = u8::try_from(columns.len()).unwrap_or(u8::MAX);
        *slot = *columns.entry(column).or_insert_with(|| {
            representatives.push(b);
            fresh
        });
    }
    let classes = representatives.len();
    // The grammar has a few hundred states of a few dozen classes (`the_dfa_is_small`), far below u16::MAX: an
    // offset past it would be a grammar change caught by that test, never input-dependent (it maps to DEAD).
    let offset = |state: usize| State::try_from(state * classes).unwrap_or(DEAD);
    let next = rows
        .iter()
        .flat_map(|row| representatives.iter().map(move |&b| offset(row.get(b).copied().unwrap_or(0))))
        .collect();
    let accepting = sets
        .iter()
        .flat_map(|set| {
            let complete = set
                .iter()
                .any(|&(t, token, _)| templates.get(t).is_some_and(|tokens| usize::from(token) == tokens.len()));
            std::iter::repeat_n(complete, classes)
        })
        .collect();
    Dfa { class, next, accepting, start: offset(1) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_dfa_is_small() {
        let dfa = Dfa::get();
        let states = dfa.next.len() / dfa.classes();
        assert!(dfa.next.len() < usize::from(State::MAX) / 4, "{states} states of {} classes", dfa.classes());
        assert!(dfa.classes() < 64, "{} classes", dfa.classes());
        assert_eq!(dfa.start(), State::try_from(dfa.classes()).unwrap(), "the start state is row 1");
        assert!(!dfa.accepting(DEAD) && !dfa.accepting(dfa.start()));
        assert_eq!(dfa.next(DEAD, b'g'), DEAD);
    }
}
