//! gc cycles and neighbour lines printed by hand as pretty JSON, byte for byte as `serde_json`'s pretty printer
//! prints them inside a document (`pretty_at::write_pretty_at`).
//!
//! `runbook parse --json` of a 100 MB log prints 324,000 cycles (180 MB of JSON): through serde's serializer and
//! formatter that was half of the command's CPU time (issue 17). A cycle has a fixed shape of integers, floats and
//! booleans, so it is written straight into a byte buffer (`cycle_printer.rs`); neighbour lines here: integers by
//! `itoa`, strings escaped as serde escapes them. Differential tests against `serde_json` pin the bytes.

use crate::golang::gctrace::GcNeighbour;

/// `,` and a newline, then spaces enough for the deepest line of a cycle printed at any depth a document uses:
/// the separator and indentation before a field or an element are one slice of it (one copy, not four).
const BREAK: &[u8; 66] = b",\n                                                                ";

/// The newline (after `,` unless first) and the indentation of a line at `depth`.
fn line_break(out: &mut Vec<u8>, depth: usize, first: bool) {
    let from = usize::from(first);
    let to = (2 + depth * 2).min(BREAK.len());
    out.extend_from_slice(&BREAK[from..to]);
    // Deeper than any document prints: the rest of the indentation a piece at a time.
    let mut left = (depth * 2).saturating_sub(BREAK.len() - 2);
    while left > 0 {
        let n = left.min(BREAK.len() - 2);
        out.extend_from_slice(&BREAK[2..2 + n]);
        left -= n;
    }
}

/// The line break before a field, then its key as printed: `key` is the whole `"name": ` text.
fn key(out: &mut Vec<u8>, depth: usize, key: &str, first: bool) {
    line_break(out, depth, first);
    out.extend_from_slice(key.as_bytes());
}

fn int(out: &mut Vec<u8>, value: impl itoa::Integer) {
    out.extend_from_slice(itoa::Buffer::new().format(value).as_bytes());
}

/// A string as `serde_json` escapes it: `"` and `\`, the short escapes `\b \t \n \f \r`, other C0 controls as
/// `\u00XX` (lower-case hex); everything else, DEL and non-ASCII included, as it is.
pub fn string(out: &mut Vec<u8>, value: &str) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    out.push(b'"');
    let bytes = value.as_bytes();
    let mut start = 0;
    for (i, &b) in bytes.iter().enumerate() {
        let short: &[u8] = match b {
            b'"' => b"\\\"",
            b'\\' => b"\\\\",
            0x08 => b"\\b",
            b'\t' => b"\\t",
            b'\n' => b"\\n",
            0x0c => b"\\f",
            b'\r' => b"\\r",
            0..=0x1f => b"",
            _ => continue,
        };
        out.extend_from_slice(&bytes[start..i]);
        if short.is_empty() {
            out.extend_from_slice(b"\\u00");
            out.push(HEX[usize::from(b >> 4)]);
            out.push(HEX[usize::from(b & 0xf)]);
        } else {
            out.extend_from_slice(short);
        }
        start = i + 1;
    }
    out.extend_from_slice(&bytes[start..]);
    out.push(b'"');
}

/// Appends `neighbour` as `write_pretty_at(out, neighbour, depth)` prints it.
pub fn write_neighbour(out: &mut Vec<u8>, neighbour: &GcNeighbour, depth: usize) {
    let d = depth + 1;
    out.push(b'{');
    key(out, d, "\"input\": ", true);
    int(out, neighbour.input);
    key(out, d, "\"line\": ", false);
    int(out, neighbour.line);
    key(out, d, "\"kind\": ", false);
    string(out, &neighbour.kind);
    key(out, d, "\"text\": ", false);
    string(out, &neighbour.text);
    line_break(out, depth, true);
    out.push(b'}');
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cli::cycle_printer::{CyclePrinter, PrintBuf};
    use crate::cli::pretty_at::write_pretty_at;
    use crate::golang::gctrace::GcCycle;

    /// Appends `cycle` as `write_pretty_at(out, cycle, depth)` prints it (no indentation before its `{`). The
    /// printer is built for one call: a caller that prints many cycles keeps a `CyclePrinter`.
    fn write_cycle(out: &mut Vec<u8>, cycle: &GcCycle, depth: usize) {
        let mut buf = PrintBuf::with_capacity(0);
        CyclePrinter::new(depth).write(&mut buf, cycle, None);
        out.extend_from_slice(buf.as_bytes());
    }

    use proptest::prelude::*;

    fn serde_at(value: &impl serde::Serialize, depth: usize) -> String {
        let mut out = Vec::new();
        write_pretty_at(&mut out, value, depth).unwrap();
        String::from_utf8(out).unwrap()
    }

    fn by_hand(write: impl FnOnce(&mut Vec<u8>)) -> String {
        let mut out = Vec::new();
        write(&mut out);
        String::from_utf8(out).unwrap()
    }

    /// Floats of every shape the printers may disagree on: gctrace's short decimals, integers as floats, tiny
    /// and huge exponents, subnormals, negative zero, and the non-finite values printed as `null`.
    fn any_float() -> impl Strategy<Value = f64> {
        prop_oneof![
            (0u64..10_000_000, 0u32..7).prop_map(|(m, e)| m as f64 / 10f64.powi(e as i32)),
            any::<f64>(),
            prop::sample::select(vec![
                0.0,
                -0.0,
                1.0,
                1e15,
                1e16,
                1e17,
                1e-5,
                1e-6,
                1e-7,
                0.1 + 0.2,
                f64::MIN_POSITIVE,
                5e-324,
                f64::MAX,
                f64::NAN,
                f64::INFINITY,
                f64::NEG_INFINITY,
            ]),
        ]
    }

    prop_compose! {
        fn any_cycle()(
            process in any::<u32>(), n in any::<u64>(), at_s in any_float(), cpu_pct in any::<u32>(),
            clock_ms in [any_float(), any_float(), any_float()],
            cpu_ms in [any_float(), any_float(), any_float(), any_float(), any_float()],
            heap_mb in any::<[u64; 3]>(), goal_mb in any::<u64>(), stacks_mb in any::<Option<u64>>(),
            globals_mb in any::<Option<u64>>(), procs in any::<u32>(), forced in any::<bool>(),
            leak_check in any::<bool>(), input in any::<usize>(), line in any::<usize>(),
        ) -> GcCycle {
            GcCycle {
                process, n, at_s, cpu_pct, clock_ms, cpu_ms, heap_mb, goal_mb, stacks_mb, globals_mb, procs,
                forced, leak_check, input, line,
            }
        }
    }

    /// Strings with every byte class the escaper treats differently.
    fn any_text() -> impl Strategy<Value = String> {
        prop_oneof![
            any::<String>(),
            prop::collection::vec(
                prop::sample::select(vec![
                    '"', '\\', '\u{8}', '\t', '\n', '\u{c}', '\r', '\0', '\u{1f}', '\u{7f}', '\u{9b}', 'é', '€', '😀',
                    'a', ' ', '/'
                ]),
                0..24,
            )
            .prop_map(|cs| cs.into_iter().collect()),
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]

        #[test]
        fn a_cycle_by_hand_is_the_bytes_serde_prints(cycle in any_cycle(), depth in 0usize..40) {
            prop_assert_eq!(by_hand(|o| write_cycle(o, &cycle, depth)), serde_at(&cycle, depth));
        }

        #[test]
        fn a_cycle_as_an_array_element_is_its_separator_indentation_and_serde_text(
            cycles in prop::collection::vec(any_cycle(), 1..4), depth in 0usize..40,
        ) {
            let printer = CyclePrinter::new(depth);
            let mut buf = PrintBuf::with_capacity(16);
            let mut expected = String::new();
            for (i, cycle) in cycles.iter().enumerate() {
                printer.write(&mut buf, cycle, Some(i == 0));
                expected += if i == 0 { "\n" } else { ",\n" };
                expected += &"  ".repeat(depth);
                expected += &serde_at(cycle, depth);
            }
            prop_assert_eq!(String::from_utf8(buf.as_bytes().to_vec()).unwrap(), expected);
        }

        #[test]
        fn a_neighbour_by_hand_is_the_bytes_serde_prints(
            kind in any_text(), text in any_text(), input in any::<usize>(), line in any::<usize>(),
            depth in 0usize..40,
        ) {
            let neighbour = GcNeighbour { input, line, kind, text };
            prop_assert_eq!(by_hand(|o| write_neighbour(o, &neighbour, depth)), serde_at(&neighbour, depth));
        }
    }

    #[test]
    fn every_c0_control_escapes_as_serde_escapes_it() {
        let all: String = (0u8..=0x7f).map(char::from).collect();
        let mut out = Vec::new();
        string(&mut out, &all);
        assert_eq!(String::from_utf8(out).unwrap(), serde_json::to_string(&all).unwrap());
    }

    #[test]
    fn a_real_cycle_prints_as_the_document_prints_it() {
        let trace = crate::golang::gctrace::parse(
            "gc 7 @0.123s 4%: 0.011+1.2+0.003 ms clock, 0.044+0.5/1.1/2.2+0.012 ms cpu, 4->5->2 MB, 5 MB goal, \
             0 MB stacks, 0 MB globals, 4 P (forced)\n",
        );
        let cycle = &trace.cycles[0];
        let mut out = Vec::new();
        write_cycle(&mut out, cycle, 3);
        let text = String::from_utf8(out).unwrap();
        assert!(text.contains("\n        \"at_s\": 0.123,\n"), "{text}");
        assert!(text.contains("\n        \"clock_ms\": [\n          0.011,\n          1.2,\n"), "{text}");
        assert!(text.ends_with("\n      }"), "{text}");
        assert_eq!(text, serde_at(cycle, 3));
    }
}
