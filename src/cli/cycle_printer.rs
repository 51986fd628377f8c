//! A gc cycle printed as pretty JSON with as few copies as the text allows (issue 17: `parse --json` prints
//! 324,000 of them for a 100 MB log, and the small copies of `gc_json`'s first printer were a tenth of its time).
//!
//! The text between two values of a cycle only depends on the depth, so it is built once per depth (`Fragment`s)
//! and copied as one fixed-size block (the copy is inlined, not a call to `memmove`; the cursor then moves by the
//! fragment's real length). Integers are written digit by digit in place. Floats that are short decimals (what
//! gctrace prints: `0.015`, `123.456`) are written from their digits in place too; any other float goes to `zmij`,
//! the formatter `serde_json` uses. The bytes are `serde_json`'s: the differential tests of `gc_json` run through
//! here.

use crate::golang::gctrace::GcCycle;

/// Fragments are copied this many bytes at a time: every fragment at the depths documents use (2 and 3) fits.
const BLOCK: usize = 64;

/// The most a value can print: `-1.7976931348623157e308` is 23 bytes, a `u64` 20.
const VALUE_MAX: usize = 24;

/// Values in a cycle: 4 + 3 + 5 + 3 + 8.
const VALUES: usize = 23;

/// Text between two values, zero-padded to at least `BLOCK` bytes.
struct Fragment {
    text: Box<[u8]>,
    len: usize,
}

impl Fragment {
    fn new(text: String) -> Self {
        let len = text.len();
        let mut bytes = text.into_bytes();
        bytes.resize(len.max(BLOCK), 0);
        Fragment { text: bytes.into_boxed_slice(), len }
    }
}

/// A byte buffer written through a cursor: its bytes past the cursor are there to be overwritten, so a block
/// copy may run past the end of what it means to write.
pub struct PrintBuf {
    bytes: Vec<u8>,
    len: usize,
}

impl PrintBuf {
    pub fn with_capacity(capacity: usize) -> Self {
        PrintBuf { bytes: vec![0; capacity], len: 0 }
    }

    /// What was written.
    pub fn as_bytes(&self) -> &[u8] {
        &self.bytes[..self.len]
    }

    pub(crate) fn len(&self) -> usize {
        self.len
    }

    pub fn clear(&mut self) {
        self.len = 0;
    }

    /// The free bytes, at least `room` of them.
    fn room(&mut self, room: usize) -> &mut [u8] {
        if self.bytes.len() - self.len < room {
            let grown = (self.len + room).max(self.bytes.len() * 2);
            self.bytes.resize(grown, 0);
        }
        &mut self.bytes[self.len..]
    }
}

/// What `gc_json::write_cycle` prints for a cycle at one depth, built once.
pub struct CyclePrinter {
    /// Before the first element of an array, before a later one, and before a cycle printed alone.
    open_first: Fragment,
    open_next: Fragment,
    open_alone: Fragment,
    /// Before each value after the first, in the order `write` prints them.
    between: Vec<Fragment>,
    close: Fragment,
    /// The most one cycle can print.
    most: usize,
}

impl CyclePrinter {
    /// A printer of cycles whose `{` is at `depth`.
    pub fn new(depth: usize) -> Self {
        let pad = |d: usize| "  ".repeat(d);
        let (field, element) = (pad(depth + 1), pad(depth + 2));
        let open = format!("{{\n{field}\"process\": ");
        let key = |name: &str| format!(",\n{field}\"{name}\": ");
        let array = |name: &str| format!("{}[\n{element}", key(name));
        let end_array = format!("\n{field}]");
        let next = format!(",\n{element}");
        let mut between = vec![key("n"), key("at_s"), key("cpu_pct"), array("clock_ms")];
        between.extend([next.clone(), next.clone(), end_array.clone() + &array("cpu_ms")]);
        between.extend([next.clone(), next.clone(), next.clone(), next.clone(), end_array.clone() + &array("heap_mb")]);
        between.extend([next.clone(), next, end_array + &key("goal_mb")]);
        for name in ["stacks_mb", "globals_mb", "procs", "forced", "leak_check", "input", "line"] {
            between.push(key(name));
        }
        debug_assert_eq!(between.len() + 1, VALUES);
        let open_first = Fragment::new(format!("\n{}{open}", pad(depth)));
        let open_next = Fragment::new(format!(",\n{}{open}", pad(depth)));
        let close = Fragment::new(format!("\n{}}}", pad(depth)));
        let between: Vec<Fragment> = between.into_iter().map(Fragment::new).collect();
        let most =
            open_next.len + between.iter().map(|f| f.len).sum::<usize>() + close.len + VALUES * VALUE_MAX + BLOCK;
        CyclePrinter { open_first, open_next, open_alone: Fragment::new(open), between, close, most }
    }

    /// Appends `cycle` as an element of an array (its separator, none before the `first`, and its indentation
    /// before it), or alone with nothing before its `{` when `element` is `None`.
    pub fn write(&self, buf: &mut PrintBuf, cycle: &GcCycle, element: Option<bool>) {
        let open = match element {
            Some(true) => &self.open_first,
            Some(false) => &self.open_next,
            None => &self.open_alone,
        };
        let mut out = Cursor { bytes: buf.room(self.most), at: 0 };
        let mut between = self.between.iter();
        let mut next = |out: &mut Cursor<'_>| {
            if let Some(f) = between.next() {
                out.fragment(f);
            }
        };
        out.fragment(open);
        out.int(u64::from(cycle.process));
        next(&mut out);
        out.int(cycle.n);
        next(&mut out);
        out.float(cycle.at_s);
        next(&mut out);
        out.int(u64::from(cycle.cpu_pct));
        for &v in &cycle.clock_ms {
            next(&mut out);
            out.float(v);
        }
        for &v in &cycle.cpu_ms {
            next(&mut out);
            out.float(v);
        }
        for &v in &cycle.heap_mb {
            next(&mut out);
            out.int(v);
        }
        next(&mut out);
        out.int(cycle.goal_mb);
        next(&mut out);
        out.opt_int(cycle.stacks_mb);
        next(&mut out);
        out.opt_int(cycle.globals_mb);
        next(&mut out);
        out.int(u64::from(cycle.procs));
        next(&mut out);
        out.boolean(cycle.forced);
        next(&mut out);
        out.boolean(cycle.leak_check);
        next(&mut out);
        out.int(cycle.input as u64);
        next(&mut out);
        out.int(cycle.line as u64);
        out.fragment(&self.close);
        buf.len += out.at;
    }
}

/// The free part of a `PrintBuf` and how much of it is written.
struct Cursor<'a> {
    bytes: &'a mut [u8],
    at: usize,
}

impl Cursor<'_> {
    fn fragment(&mut self, f: &Fragment) {
        if f.len <= BLOCK {
            self.bytes[self.at..self.at + BLOCK].copy_from_slice(&f.text[..BLOCK]);
        } else {
            self.bytes[self.at..self.at + f.len].copy_from_slice(&f.text[..f.len]);
        }
        self.at += f.len;
    }

    /// 16 bytes at the cursor, which does not move: the caller moves it by what it meant to write.
    fn block(&mut self, bytes: u128) {
        self.bytes[self.at..self.at + 16].copy_from_slice(&bytes.to_le_bytes());
    }

    fn literal<const N: usize>(&mut self, text: &[u8; N]) {
        self.bytes[self.at..self.at + N].copy_from_slice(text);
        self.at += N;
    }

    /// `v` in decimal, `width` digits (zeros first), written backwards from the last digit.
    fn digits(&mut self, mut v: u64, width: usize) {
        for i in (self.at..self.at + width).rev() {
            self.bytes[i] = b'0' + (v % 10) as u8;
            v /= 10;
        }
        self.at += width;
    }

    fn int(&mut self, v: u64) {
        self.digits(v, decimal_width(v));
    }

    fn opt_int(&mut self, v: Option<u64>) {
        match v {
            Some(v) => self.int(v),
            None => self.literal(b"null"),
        }
    }

    fn boolean(&mut self, v: bool) {
        if v {
            self.literal(b"true");
        } else {
            self.literal(b"false");
        }
    }

    /// A float as `serde_json` prints it: the shortest text that reads back as `v`, `null` when not finite.
    fn float(&mut self, v: f64) {
        if let Some((m, k)) = short_decimal(v) {
            // All sixteen digits of `m` (zeros first) in one register, then the integer part (at least one digit)
            // and the decimals shifted out of it and stored as 16-byte blocks: no loop whose length varies with
            // the value, and no reload of digits just stored (a 16-byte load of two 8-byte stores is not
            // forwarded: it stalled).
            let hi = u128::from(eight_digits((m / 100_000_000) as u32));
            let digits = hi | (u128::from(eight_digits((m % 100_000_000) as u32)) << 64);
            let start = 16 - decimal_width(m).max(k + 1);
            self.block(digits >> (start * 8));
            self.at += 16 - k - start;
            self.literal(b".");
            if k == 0 {
                self.literal(b"0");
            } else {
                self.block(digits >> ((16 - k) * 8));
                self.at += k;
            }
        } else if v.is_finite() {
            let mut text = zmij::Buffer::new();
            let text = text.format_finite(v).as_bytes();
            self.bytes[self.at..self.at + text.len()].copy_from_slice(text);
            self.at += text.len();
        } else {
            self.literal(b"null");
        }
    }
}

/// `n` (below 10^8) as eight ASCII digits, zeros first, the first digit in the lowest byte: the digits split in
/// halves, quarters and eighths by multiplications in one 64-bit word (the `itoa` crates' SWAR method).
fn eight_digits(n: u32) -> u64 {
    let merged = u64::from(n / 10_000) | (u64::from(n % 10_000) << 32);
    // Each 32-bit half (below 10,000) divided by 100: `x * 10486 >> 20` is exact below 43,699.
    let hundreds = ((merged * 10_486) >> 20) & 0x0000_007f_0000_007f;
    let merged = ((merged - hundreds * 100) << 16) | hundreds;
    // Each 16-bit quarter (below 100) divided by 10: `x * 103 >> 10` is exact below 179.
    let tens = ((merged * 103) >> 10) & 0x000f_000f_000f_000f;
    let merged = ((merged - tens * 10) << 8) | tens;
    merged + 0x3030_3030_3030_3030
}

fn decimal_width(v: u64) -> usize {
    v.checked_ilog10().map_or(1, |l| l as usize + 1)
}

/// The most decimals the fast path of `float` prints (gctrace prints three at most); more go to `zmij`.
const DECIMALS: usize = 8;
const POW10: [f64; DECIMALS] = [1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7];

/// `v` as `m / 10^k` with the fewest decimals `k` (< `DECIMALS`) that reads back as `v`, when `v` is 0 or a positive
/// short decimal below 2^40 / 10^k; `None` for anything else (then `zmij` prints it).
///
/// Why this is the shortest round-trip text, the one `zmij` prints: `m / 10^k` (both exact in a double, so the
/// division is the correctly rounded double of that decimal) equals `v`, so it reads back as `v`. A decimal with
/// fewer decimals `j < k` that read back as `v` would be within half an ulp of `v`, so `v * 10^j` would be within
/// 2^-52 of its own size of an integer, and the loop, which looks for the first such `j` (within 2^-40: a
/// multiplication per `j`, one division at the end), would have stopped there. (Measured on the 2.6 million
/// floats of the 100 MB mixed log: this loop took half the time of the same test done for every `j` at once
/// without a branch, and a quarter of `zmij`'s time.) Below 2^40 a double's rounding interval
/// is under 2^-12 of a unit of 10^-k wide, so no other decimal of `k` decimals reads back as `v`: `zmij`, which
/// prints the shortest (and of those the closest), prints this one. The notation is plain (no exponent) from
/// 1e-5 up to 1e16 in `zmij` as in `ryu`; the differential tests pin all of it.
fn short_decimal(v: f64) -> Option<(u64, usize)> {
    if v == 0.0 && v.is_sign_positive() {
        return Some((0, 0));
    }
    if !(1e-3..1e9).contains(&v) {
        return None;
    }
    const LIMIT: f64 = (1u64 << 40) as f64;
    const NEAR: f64 = 1.0 / LIMIT;
    for (k, &p) in POW10.iter().enumerate() {
        let x = v * p;
        if x >= LIMIT {
            return None;
        }
        // Truncating `x + 0.5` rounds well enough: the division below checks the candidate. Signed: one
        // instruction each way (`u64` conversions take a few), and `x` is below 2^40 here.
        let m = (x + 0.5) as i64;
        let mf = m as f64;
        if (x - mf).abs() <= x * NEAR {
            return (mf / p == v).then_some((m as u64, k));
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn by_zmij(v: f64) -> String {
        zmij::Buffer::new().format_finite(v).to_string()
    }

    fn by_printer(v: f64) -> String {
        let mut buf = PrintBuf::with_capacity(8);
        let mut out = Cursor { bytes: buf.room(VALUE_MAX + BLOCK), at: 0 };
        out.float(v);
        let at = out.at;
        buf.len += at;
        String::from_utf8(buf.as_bytes().to_vec()).unwrap()
    }

    #[test]
    fn short_decimals_print_as_zmij_prints_them_at_the_edges() {
        for v in [
            0.0,
            0.001,
            0.0011,
            0.015,
            0.1,
            0.3,
            0.1 + 0.2,
            1.0,
            1.5,
            2.25,
            10.0,
            123.456,
            999.999,
            1e8,
            999_999_999.0,
            999_999_999.5,
            1e9,
            1099.511627776,
            0.000_999,
            4.35,
            1.0 / 3.0,
            5e-324,
            2f64.powi(-10),
            0.123_456_789,
            0.012_345_678_9,
        ] {
            assert_eq!(by_printer(v), by_zmij(v), "{v:e}");
        }
        assert_eq!(by_printer(-0.0), "-0.0");
    }

    #[test]
    fn eight_digits_are_the_decimal_text_zeros_first() {
        for n in [0, 1, 9, 10, 99, 100, 4_321, 9_999, 10_000, 12_345_678, 99_999_999, 10_000_001, 50_005_000] {
            assert_eq!(String::from_utf8(eight_digits(n).to_le_bytes().to_vec()).unwrap(), format!("{n:08}"));
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(20_000))]

        #[test]
        fn any_number_below_ten_to_the_eight_is_its_eight_digits(n in 0u32..100_000_000) {
            prop_assert_eq!(String::from_utf8(eight_digits(n).to_le_bytes().to_vec()).unwrap(), format!("{n:08}"));
        }

        #[test]
        fn a_decimal_of_up_to_fifteen_digits_prints_as_zmij_prints_it(m in 0u64..1_000_000_000_000_000, k in 0i32..20) {
            let v = m as f64 / 10f64.powi(k);
            prop_assert_eq!(by_printer(v), by_zmij(v));
        }

        #[test]
        fn a_short_decimal_prints_as_zmij_prints_it(
            m in (1u32..13).prop_flat_map(|digits| 0..10u64.pow(digits)), k in 0i32..12,
        ) {
            let v = m as f64 / 10f64.powi(k);
            prop_assert_eq!(by_printer(v), by_zmij(v));
        }

        #[test]
        fn any_positive_double_prints_as_zmij_prints_it(bits in 0u64..0x7ff0_0000_0000_0000) {
            let v = f64::from_bits(bits);
            prop_assert_eq!(by_printer(v), by_zmij(v));
        }
    }
}
