//! The grammar of one gc line, matched byte by byte.
//!
//! A gc line split by application output arrives in pieces, so the question "is this text the start of a gc
//! line, and is it a whole one?" must be answerable after every byte. The grammar of Go 1.6+ lines is small
//! and regular: a fixed sequence of literals and numbers with three optional parts (the leak-check tag of Go
//! 1.26+, the stacks/globals fields of Go 1.18+, ` (forced)`). Each of the eight variants is a template;
//! `gcdfa` compiles them into one DFA, so a matcher is one state and a byte is one table lookup.

use super::gcdfa::{Dfa, State, DEAD};
use super::gctrace::GcCycle;

#[derive(Clone, Copy)]
pub(super) enum Tok {
    Lit(&'static str),
    Num,
}

/// The gc line grammar of Go 1.6+ with its three optional parts (leak tag, stacks/globals, forced).
fn template(leak: bool, stacks: bool, forced: bool) -> Vec<Tok> {
    use Tok::{Lit, Num};
    let mut t = vec![Lit("gc "), Num, Lit(" @"), Num, Lit("s "), Num, Lit("%")];
    if leak {
        t.push(Lit(" (checking for goroutine leaks)"));
    }
    t.extend([Lit(": "), Num, Lit("+"), Num, Lit("+"), Num, Lit(" ms clock, ")]);
    t.extend([Num, Lit("+"), Num, Lit("/"), Num, Lit("/"), Num, Lit("+"), Num, Lit(" ms cpu, ")]);
    t.extend([Num, Lit("->"), Num, Lit("->"), Num, Lit(" MB, "), Num, Lit(" MB goal, ")]);
    if stacks {
        t.extend([Num, Lit(" MB stacks, "), Num, Lit(" MB globals, ")]);
    }
    t.extend([Num, Lit(" P")]);
    if forced {
        t.push(Lit(" (forced)"));
    }
    t
}

/// Where one template is: token index and bytes matched within it.
#[derive(Clone, Copy, Default)]
pub(super) struct Cursor {
    pub(super) token: u16,
    pub(super) offset: u16,
}

/// The eight variants of the grammar (leak tag × stacks/globals × forced), built once.
pub(super) fn templates() -> &'static [Vec<Tok>] {
    static TEMPLATES: std::sync::OnceLock<Vec<Vec<Tok>>> = std::sync::OnceLock::new();
    TEMPLATES.get_or_init(|| {
        let mut all = Vec::with_capacity(TEMPLATE_COUNT);
        for leak in [false, true] {
            for stacks in [true, false] {
                for forced in [false, true] {
                    all.push(template(leak, stacks, forced));
                }
            }
        }
        all
    })
}

const TEMPLATE_COUNT: usize = 8;

/// Incremental matcher: is the text fed so far a prefix of some gc line, and is it a whole one? A state of the
/// templates compiled into one DFA (`gcdfa`); `Copy`, so trying a continuation costs nothing.
#[derive(Clone, Copy)]
pub(crate) struct GcLineMatcher {
    state: State,
}

impl GcLineMatcher {
    pub(crate) fn new() -> Self {
        GcLineMatcher { state: Dfa::get().start() }
    }

    pub(crate) fn complete(&self) -> bool {
        Dfa::get().accepting(self.state)
    }
}

/// One template cursor moved by one byte (`None`: the template rejects it). The DFA is built from these moves.
pub(super) fn step(tokens: &[Tok], mut c: Cursor, b: u8) -> Option<Cursor> {
    loop {
        match tokens.get(usize::from(c.token))? {
            Tok::Lit(s) => {
                if s.as_bytes().get(usize::from(c.offset)) == Some(&b) {
                    c.offset += 1;
                    if usize::from(c.offset) == s.len() {
                        c.token += 1;
                        c.offset = 0;
                    }
                    return Some(c);
                }
                return None;
            }
            Tok::Num => {
                if b.is_ascii_digit() || (b == b'.' && c.offset > 0) {
                    c.offset = c.offset.saturating_add(1);
                    return Some(c);
                }
                if c.offset == 0 {
                    return None;
                }
                c.token += 1;
                c.offset = 0;
            }
        }
    }
}

/// How far a piece of text extends a matcher: the longest accepted prefix length.
pub(crate) fn extend(matcher: &mut GcLineMatcher, text: &str) -> usize {
    let dfa = Dfa::get();
    let mut state = matcher.state;
    let mut accepted = 0;
    for &b in text.as_bytes() {
        let next = dfa.next(state, b);
        if next == DEAD {
            break;
        }
        state = next;
        accepted += 1;
    }
    matcher.state = state;
    // The grammar is ASCII, so a match never ends inside a UTF-8 character.
    debug_assert!(text.is_char_boundary(accepted));
    accepted
}

/// True when `text` is exactly one whole gc line, by the regex crate's DFA: the reference `read_whole_line` is
/// held to (it answered the common case until that one-pass reader replaced it). Must accept exactly what the
/// templates accept: property-tested in `gcline_reference`.
#[cfg(test)]
pub(crate) fn is_whole_line(text: &str) -> bool {
    static WHOLE: std::sync::OnceLock<Option<regex::Regex>> = std::sync::OnceLock::new();
    let whole = WHOLE.get_or_init(|| {
        let n = "[0-9][0-9.]*";
        let pattern = [
            format!(r"\Agc {n} @{n}s {n}%( \(checking for goroutine leaks\))?: {n}\+{n}\+{n} ms clock, "),
            format!(r"{n}\+{n}/{n}/{n}\+{n} ms cpu, {n}->{n}->{n} MB, {n} MB goal, "),
            format!(r"({n} MB stacks, {n} MB globals, )?{n} P( \(forced\))?\z"),
        ]
        .concat();
        regex::Regex::new(&pattern).ok()
    });
    whole.as_ref().is_some_and(|re| re.is_match(text))
}

/// Parses a line the grammar accepted whole.
pub(crate) fn parse_complete_line(text: &str) -> Option<GcCycle> {
    // Slices of the line in a fixed array, not new strings nor a vector: this runs once per cycle of logs with
    // millions of cycles. More numbers than any variant has make the line unparsed, as a wrong count does.
    let mut numbers: [&str; 19] = [""; 19];
    let mut count = 0;
    let mut start: Option<usize> = None;
    for (i, b) in text.bytes().enumerate() {
        let in_number = b.is_ascii_digit() || (b == b'.' && start.is_some());
        match (in_number, start) {
            (true, None) => start = Some(i),
            (false, Some(from)) => {
                *numbers.get_mut(count)? = text.get(from..i).unwrap_or("");
                count += 1;
                start = None;
            }
            _ => {}
        }
    }
    if let Some(from) = start {
        *numbers.get_mut(count)? = text.get(from..).unwrap_or("");
        count += 1;
    }
    cycle_of(numbers.get(..count)?, text.ends_with(" (forced)"), text.contains("(checking for goroutine leaks)"))
}

/// The cycle of a whole gc line read in one pass, or `None` when `text` is not exactly one whole gc line (exactly
/// when `is_whole_line` is false; then `Some` holds what `parse_complete_line` returns). The common case of a
/// gctrace: the literal text of the grammar is checked and the numbers sliced as they are met, where the regex
/// and then `parse_complete_line` each walked the line (together a fifth of `runbook parse`). Every number of
/// the grammar is `[0-9][0-9.]*` followed by a literal that starts with neither, and each optional part starts
/// with a different byte than what follows without it, so the match never backtracks. Property-tested against
/// the regex and `parse_complete_line` in `gcline_reference`.
pub(crate) fn read_whole_line(text: &str) -> Option<Option<GcCycle>> {
    let mut scan = WholeLine { text, at: 0, numbers: [""; 18], count: 0 };
    scan.lit("gc ")?;
    scan.num()?;
    scan.lit(" @")?;
    scan.num()?;
    scan.lit("s ")?;
    scan.num()?;
    scan.lit("%")?;
    let leak_check = scan.lit(" (checking for goroutine leaks)").is_some();
    scan.lit(": ")?;
    for sep in ["+", "+", " ms clock, ", "+", "/", "/", "+", " ms cpu, ", "->", "->", " MB, ", " MB goal, "] {
        scan.num()?;
        scan.lit(sep)?;
    }
    scan.num()?;
    if scan.lit(" MB stacks, ").is_some() {
        scan.num()?;
        scan.lit(" MB globals, ")?;
        scan.num()?;
    }
    scan.lit(" P")?;
    let forced = scan.lit(" (forced)").is_some();
    if scan.at != text.len() {
        return None;
    }
    Some(cycle_of(scan.numbers.get(..scan.count)?, forced, leak_check))
}

/// A cursor over a whole gc line and the numbers met so far.
struct WholeLine<'a> {
    text: &'a str,
    at: usize,
    numbers: [&'a str; 18],
    count: usize,
}

impl<'a> WholeLine<'a> {
    #[inline]
    fn lit(&mut self, literal: &str) -> Option<()> {
        let rest = self.text.as_bytes().get(self.at..)?;
        if rest.starts_with(literal.as_bytes()) {
            self.at += literal.len();
            Some(())
        } else {
            None
        }
    }

    #[inline]
    fn num(&mut self) -> Option<()> {
        let bytes = self.text.as_bytes();
        let start = self.at;
        if !bytes.get(start).is_some_and(u8::is_ascii_digit) {
            return None;
        }
        let len = bytes[start + 1..].iter().take_while(|b| b.is_ascii_digit() || **b == b'.').count();
        self.at = start + 1 + len;
        // The grammar has at most 18 numbers; ASCII bounds are char boundaries.
        *self.numbers.get_mut(self.count)? = self.text.get(start..self.at)?;
        self.count += 1;
        Some(())
    }
}

/// The cycle of a whole gc line's numbers (16 without stacks and globals, 18 with).
fn cycle_of(numbers: &[&str], forced: bool, leak_check: bool) -> Option<GcCycle> {
    let f = |i: usize| numbers.get(i).and_then(|s| parse_decimal(s));
    let u = |i: usize| numbers.get(i).and_then(|s| s.parse::<u64>().ok());
    let with_stacks = match numbers.len() {
        18 => true,
        16 => false,
        _ => return None,
    };
    let (stacks_mb, globals_mb, procs) =
        if with_stacks { (Some(u(15)?), Some(u(16)?), u(17)?) } else { (None, None, u(15)?) };
    Some(GcCycle {
        process: 0,
        n: u(0)?,
        at_s: f(1)?,
        cpu_pct: u32::try_from(u(2)?).ok()?,
        clock_ms: [f(3)?, f(4)?, f(5)?],
        cpu_ms: [f(6)?, f(7)?, f(8)?, f(9)?, f(10)?],
        heap_mb: [u(11)?, u(12)?, u(13)?],
        goal_mb: u(14)?,
        stacks_mb,
        globals_mb,
        procs: u32::try_from(procs).ok()?,
        forced,
        leak_check,
        input: 0,
        line: 0,
    })
}

/// Powers of ten that are exact in an f64.
const POW10: [f64; 16] = [1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15];

/// `text.parse::<f64>().ok()`, faster for the short decimals Go prints (`0.060`): with at most 15 characters the
/// digits as an integer and the power of ten are both exact in an f64, so one division (correctly rounded) gives
/// the correctly rounded value, which is what `parse` returns too (Clinger's fast path). Anything else, or any
/// doubt, goes to `parse`. A quarter of the time of a cycle was float parsing.
fn parse_decimal(text: &str) -> Option<f64> {
    let bytes = text.as_bytes();
    if bytes.len() <= 15
        && bytes.first().is_some_and(u8::is_ascii_digit)
        && bytes.last().is_some_and(u8::is_ascii_digit)
    {
        let mut mantissa: u64 = 0;
        let mut fraction: Option<usize> = None;
        let mut plain = true;
        for &b in bytes {
            match b {
                b'0'..=b'9' => {
                    mantissa = mantissa * 10 + u64::from(b - b'0');
                    if let Some(digits) = &mut fraction {
                        *digits += 1;
                    }
                }
                b'.' if fraction.is_none() => fraction = Some(0),
                _ => {
                    plain = false;
                    break;
                }
            }
        }
        if let (true, Some(power)) = (plain, POW10.get(fraction.unwrap_or(0))) {
            // Below 10^15 < 2^53: exact.
            return Some(mantissa as f64 / power);
        }
    }
    text.parse().ok()
}

#[cfg(test)]
mod decimal_tests {
    use super::parse_decimal;
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig { cases: 5000, ..ProptestConfig::default() })]

        #[test]
        fn same_bits_as_std_parse(text in "[0-9.]{1,20}|[0-9]{1,8}\\.[0-9]{1,9}|0\\.0[0-9]{1,4}|.{0,6}") {
            prop_assert_eq!(parse_decimal(&text).map(f64::to_bits), text.parse::<f64>().ok().map(f64::to_bits));
        }

        #[test]
        fn same_bits_for_printed_floats(x in 0.0f64..1e9, precision in 0usize..14) {
            let text = format!("{x:.precision$}");
            prop_assert_eq!(parse_decimal(&text).map(f64::to_bits), text.parse::<f64>().ok().map(f64::to_bits));
        }
    }

    #[test]
    fn go_printed_numbers() {
        for text in ["0.060", "0.52", "0.004", "17", "0", "1.", ".5", "1.2.3", "123456789012345", "0.0000000000001"] {
            assert_eq!(parse_decimal(text).map(f64::to_bits), text.parse::<f64>().ok().map(f64::to_bits), "{text}");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn accepted(text: &str) -> (usize, bool) {
        let mut m = GcLineMatcher::new();
        let n = extend(&mut m, text);
        (n, m.complete())
    }

    #[test]
    fn prefixes_of_a_gc_line_are_accepted_up_to_the_application_text() {
        assert_eq!(accepted("gc app: tick 1"), (3, false));
        assert_eq!(accepted("gc 5 @0.018app: tick"), (11, false));
        assert_eq!(accepted("g"), (1, false));
        assert_eq!(accepted("goroutine"), (1, false));
        assert_eq!(accepted("gc 1 @.5s"), (6, false), "a number cannot start with a dot");
    }

    #[test]
    fn whole_lines_of_each_variant_are_complete() {
        let base =
            "gc 1 @0.011s 3%: 0.060+0.52+0.004 ms clock, 0.12+0.62/0.089/0+0.009 ms cpu, 3->4->1 MB, 4 MB goal, ";
        let with_stacks = format!("{base}0 MB stacks, 0 MB globals, 2 P");
        assert_eq!(accepted(&with_stacks), (with_stacks.len(), true));
        let forced = format!("{base}2 P (forced)");
        assert_eq!(accepted(&forced), (forced.len(), true));
        let glued = format!("{with_stacks}app: next");
        assert_eq!(accepted(&glued), (with_stacks.len(), true));
    }

    #[test]
    fn field_count_decides_the_variant() {
        let c = parse_complete_line("gc 2 @1.5s 0%: 1+2+3 ms clock, 4+5/6/7+8 ms cpu, 9->10->11 MB, 12 MB goal, 4 P");
        assert_eq!(c.map(|c| (c.heap_mb, c.goal_mb, c.stacks_mb, c.procs)), Some(([9, 10, 11], 12, None, 4)));
        assert!(parse_complete_line("gc 2 @1.5s 0%: 1+2+3").is_none());
    }
}

#[cfg(test)]
mod whole_line_tests {
    use super::*;

    /// The fast path must agree with the byte matcher on whole lines, split pieces and near misses.
    #[test]
    fn whole_line_check_agrees_with_the_templates() {
        let lines = [
            "gc 1 @0.011s 3%: 0.060+0.52+0.004 ms clock, 0.12+0.62/0.089/0+0.009 ms cpu, 3->4->1 MB, 4 MB goal, 0 MB stacks, 0 MB globals, 2 P",
            "gc 7 @1.5s 1%: 0.1+2+0.2 ms clock, 0.1+0.2/0.3/0+0.4 ms cpu, 4->4->2 MB, 5 MB goal, 8 P (forced)",
            "gc 2 @0.004s 3% (checking for goroutine leaks): 0.021+0.096+0.002 ms clock, 0.043+0.044/0.068/0.009+0.004 ms cpu, 6->6->2 MB, 6 MB goal, 0 MB stacks, 0 MB globals, 2 P",
            "gc 3 @0.006s 3%: 0.12+3.3+0.003 ms clock, ",
            "gc 4 @0.010s 4%: 0.12+0.15+0.074 ms clock, 0.24+0.025/0.063/0+0.14 ms cpu, 5->5->3 MB, 5 MB goal, 0 MB stacks, 0 MB globals, 2 Papp: tick",
            "gc 5 @.011s 4%: 0.092+0.31+0.058 ms clock, 0.18+0.017/0.072/0+0.11 ms cpu, 6->6->4 MB, 6 MB goal, 2 P",
            "gc stats ok",
        ];
        for line in lines {
            let mut m = GcLineMatcher::new();
            let by_bytes = extend(&mut m, line) == line.len() && m.complete();
            assert_eq!(is_whole_line(line), by_bytes, "{line}");
        }
    }
}
