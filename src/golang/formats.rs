//! The format a log was shipped in, and the lines Go printed inside it.
//!
//! An engineer rarely holds what Go printed: the crash went through a container runtime (Docker `json-file`, CRI),
//! `docker compose logs`, journald or syslog, a cloud export, or a structured logger that wrapped each stderr
//! line. Each wraps every line its own way, and some interleave other services. This module recognises the
//! format of an input from a sample of its lines, unwraps every line to the text Go printed (keeping its line
//! number in the file, so "open the log at this line" still works), and, when several streams are interleaved,
//! keeps the one that carries the crash. Whole-document JSON exports are in `exports.rs`; the generic prefix
//! stripping of a plain log (timestamps, `| ` pastes, `kubectl --prefix`) stays in `prefix.rs`.

use super::exports;
use super::input::{cut_line, MAX_LINE};
use super::prefix::{skip_rfc3339, strip_cri, strip_prefixes, LogLine};
use serde_json::Value;
use std::borrow::Cow;

/// How an input was shipped. `as_str` is the name in `parse --json`'s `formats`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogFormat {
    /// What Go printed, possibly with the prefixes `prefix.rs` knows (timestamps, `| `, `kubectl --prefix`).
    Plain,
    DockerJson,
    Cri,
    KubectlTimestamps,
    Compose,
    EpochTab,
    JournaldShort,
    JournaldShortIso,
    JournaldShortPrecise,
    JournaldJson,
    SyslogRfc3164,
    SyslogRfc5424,
    /// A structured logger's JSON lines (`msg` / `message`) wrapping the lines Go printed.
    Structured,
    CloudLogging,
    Cloudwatch,
}

impl LogFormat {
    pub fn as_str(self) -> &'static str {
        match self {
            LogFormat::Plain => "plain",
            LogFormat::DockerJson => "docker-json",
            LogFormat::Cri => "cri",
            LogFormat::KubectlTimestamps => "kubectl-timestamps",
            LogFormat::Compose => "compose",
            LogFormat::EpochTab => "epoch-tab",
            LogFormat::JournaldShort => "journald-short",
            LogFormat::JournaldShortIso => "journald-short-iso",
            LogFormat::JournaldShortPrecise => "journald-short-precise",
            LogFormat::JournaldJson => "journald-json",
            LogFormat::SyslogRfc3164 => "syslog-rfc3164",
            LogFormat::SyslogRfc5424 => "syslog-rfc5424",
            LogFormat::Structured => "structured",
            LogFormat::CloudLogging => "cloud-logging",
            LogFormat::Cloudwatch => "cloudwatch",
        }
    }
}

/// One input unwrapped: its format, the stream kept when several were interleaved, and Go's lines.
#[derive(Debug)]
pub struct Unwrapped<'a> {
    pub format: LogFormat,
    pub stream: Option<String>,
    pub lines: Vec<LogLine<'a>>,
    /// Line numbers of lines longer than `input::MAX_LINE`, read only up to it.
    pub cut_lines: Vec<usize>,
    /// Some line had a prefix (a timestamp, a tag) before what Go printed: only then can a line carry a time.
    pub prefixed: bool,
}

/// One line of a shipped format: what Go printed, the stream it belongs to (a compose service, a syslog tag),
/// the stream whose partial lines it continues (CRI `P`, Docker lines without `\n`), and whether it is partial.
struct Piece<'a> {
    text: Cow<'a, str>,
    stream: Option<Cow<'a, str>>,
    partial_key: &'static str,
    partial: bool,
}

impl<'a> Piece<'a> {
    fn whole(text: impl Into<Cow<'a, str>>) -> Self {
        Piece { text: text.into(), stream: None, partial_key: "", partial: false }
    }
}

/// Lines sampled to recognise a line format.
const SAMPLE: usize = 64;

const LINE_FORMATS: [LogFormat; 12] = [
    LogFormat::DockerJson,
    LogFormat::JournaldJson,
    LogFormat::Cri,
    LogFormat::JournaldShortIso,
    LogFormat::KubectlTimestamps,
    LogFormat::JournaldShortPrecise,
    LogFormat::JournaldShort,
    LogFormat::SyslogRfc5424,
    LogFormat::SyslogRfc3164,
    LogFormat::Compose,
    LogFormat::EpochTab,
    LogFormat::Structured,
];

/// Recognises the format of `text` and unwraps it into the lines Go printed.
pub fn unwrap(text: &str) -> Unwrapped<'_> {
    if let Some(export) = exports::unwrap(text) {
        return export;
    }
    let format = detect(text);
    let mut unwrapper = LineUnwrapper::new(format);
    // Sized once: a 64 MiB chatty log has millions of lines (see docs/parsers.md, Throughput).
    let mut lines = Vec::with_capacity(count_newlines(text.as_bytes()) + 1);
    let mut streams: Vec<Option<Cow<'_, str>>> = Vec::new();
    let track_streams = unwrapper.tracks_streams();
    let mut sink = |line, stream| {
        lines.push(line);
        if track_streams {
            streams.push(stream);
        }
    };
    let mut cut_lines = Vec::new();
    let mut pieces = pieces(text).enumerate().peekable();
    while let Some((index, raw)) = pieces.next() {
        let cut = if pieces.peek().is_some() {
            unwrapper.push(index + 1, raw, &mut sink)
        } else {
            unwrapper.finish(index + 1, raw, text.ends_with('\n'), &mut sink)
        };
        cut_lines.extend(cut);
    }
    let prefixed = unwrapper.prefixed;
    let (lines, stream) = if track_streams { keep_crash_stream(lines, &streams) } else { (lines, None) };
    Unwrapped { format, stream, lines, cut_lines, prefixed }
}

/// A line waiting for its end: its key, first line number, text so far, stream, and first raw line.
type Partial = (&'static str, usize, String, Option<String>, String);

/// Unwraps the raw lines of one input, one at a time, in a known format: what `unwrap` does for a whole text,
/// usable on a stream read in chunks (`stream.rs`). Lines go to a callback with their stream (for formats that
/// interleave several). Holds nothing borrowed, so the chunk a line came from can be dropped after it.
pub struct LineUnwrapper {
    format: LogFormat,
    /// Partial lines waiting for their end, per stream (CRI and Docker split long lines; stdout and stderr
    /// pieces may interleave).
    partials: Vec<Partial>,
    /// Some line had a prefix (a timestamp, a tag) before what Go printed: only then can a line carry a time.
    pub prefixed: bool,
    /// First raw lines of joined partial lines handed over since the last `take_joined_raws`: a crash's time is
    /// read from the raw line it starts on, which may be in a chunk already dropped.
    joined_raws: Vec<(usize, String)>,
    /// The lines to come may hold an ESC (colours to strip): false when the caller checked a whole chunk at
    /// once, which spares a search per line (most lines of a big log are short).
    escapes: bool,
}

impl LineUnwrapper {
    pub fn new(format: LogFormat) -> Self {
        LineUnwrapper {
            format,
            partials: Vec::new(),
            prefixed: format != LogFormat::Plain,
            joined_raws: Vec::new(),
            escapes: true,
        }
    }

    /// Whether the lines pushed from now on may hold an ESC byte (true unless the caller searched them all).
    pub fn expect_escapes(&mut self, escapes: bool) {
        self.escapes = escapes;
    }

    /// True for the formats that interleave several streams (one of which is kept).
    pub fn tracks_streams(&self) -> bool {
        matches!(
            self.format,
            LogFormat::Compose
                | LogFormat::JournaldJson
                | LogFormat::JournaldShort
                | LogFormat::JournaldShortIso
                | LogFormat::JournaldShortPrecise
                | LogFormat::SyslogRfc3164
                | LogFormat::SyslogRfc5424
        )
    }

    /// The fast path of `push` for a plain log (the common and the largest input): what Go printed on raw line
    /// `raw` when it needs no piece, no stream, no join and no cut (`None`: call `push`). Inlined in the caller's
    /// loop, the line goes straight into its vector (through `push`'s callback, a call per line cost a tenth of
    /// a parse of short lines).
    #[inline]
    pub fn plain<'a>(&mut self, raw: &'a str) -> Option<&'a str> {
        if self.format != LogFormat::Plain || !self.partials.is_empty() {
            return None;
        }
        let raw = raw.strip_suffix('\r').unwrap_or(raw);
        if raw.len() > MAX_LINE || (self.escapes && memchr::memchr(0x1b, raw.as_bytes()).is_some()) {
            return None;
        }
        let (content, partial) = strip_prefixes(raw);
        if partial {
            return None;
        }
        self.prefixed |= content.len() != raw.len();
        Some(content)
    }

    /// Unwraps raw line `number` (without its newline), not the input's last piece (`finish` takes that).
    /// Returns `number` when the line was longer than `input::MAX_LINE` and was read only up to it.
    pub fn push<'a>(
        &mut self,
        number: usize,
        raw: &'a str,
        out: &mut impl FnMut(LogLine<'a>, Option<Cow<'a, str>>),
    ) -> Option<usize> {
        if let Some(content) = self.plain(raw) {
            out(LogLine { number, text: Cow::Borrowed(content) }, None);
            return None;
        }
        let raw = raw.strip_suffix('\r').unwrap_or(raw);
        let (raw, cut) = if raw.len() > MAX_LINE { (cut_line(raw), Some(number)) } else { (raw, None) };
        let mut prefixed = self.prefixed;
        let mut piece = unwrap_line(self.format, raw).unwrap_or_else(|| {
            let (content, partial) = strip_prefixes(raw);
            prefixed |= content.len() != raw.len();
            Piece { text: Cow::Borrowed(content), stream: None, partial_key: "cri", partial }
        });
        self.prefixed = prefixed;
        if piece.text.contains('\x1b') {
            piece.text = Cow::Owned(strip_escapes(&piece.text));
        }
        let waiting = self.partials.iter().position(|(key, ..)| *key == piece.partial_key);
        let (number, text, stream) = match waiting {
            Some(at) => {
                let (key, first, mut joined, stream, first_raw) = self.partials.swap_remove(at);
                joined.push_str(&piece.text);
                if piece.partial {
                    self.partials.push((key, first, joined, stream, first_raw));
                    return cut;
                }
                self.joined_raws.push((first, first_raw));
                (first, Cow::Owned(joined), stream.map(Cow::Owned))
            }
            None if piece.partial => {
                let stream = piece.stream.map(Cow::into_owned);
                self.partials.push((piece.partial_key, number, piece.text.into_owned(), stream, raw.to_string()));
                return cut;
            }
            None => (number, piece.text, piece.stream),
        };
        out(LogLine { number, text }, stream);
        cut
    }

    /// The input's last piece (what follows its last newline; empty when it ends with one): partial lines that
    /// never ended are handed over after it as they are, in order of their first line, and an empty last line
    /// after a final newline is dropped (`split` yields that piece; it is not a line).
    pub fn finish<'a>(
        &mut self,
        number: usize,
        raw: &'a str,
        ends_with_newline: bool,
        out: &mut impl FnMut(LogLine<'a>, Option<Cow<'a, str>>),
    ) -> Option<usize> {
        let mut tail: Vec<(LogLine<'a>, Option<Cow<'a, str>>)> = Vec::new();
        let cut = self.push(number, raw, &mut |line, stream| tail.push((line, stream)));
        let mut partials = std::mem::take(&mut self.partials);
        partials.sort_by_key(|(_, first, ..)| *first);
        for (_, number, text, stream, first_raw) in partials {
            self.joined_raws.push((number, first_raw));
            tail.push((LogLine { number, text: Cow::Owned(text) }, stream.map(Cow::Owned)));
        }
        if ends_with_newline && tail.last().is_some_and(|(l, _)| l.text.is_empty()) {
            tail.pop();
        }
        for (line, stream) in tail {
            out(line, stream);
        }
        cut
    }

    /// The first raw lines of joined partial lines handed over so far (line number, raw text).
    pub fn take_joined_raws(&mut self) -> Vec<(usize, String)> {
        std::mem::take(&mut self.joined_raws)
    }
}

/// True when an unwrapped line opens a crash, a race report or a goroutine dump: the mark of the stream to keep.
pub(crate) fn starts_incident(text: &str) -> bool {
    let text = text.trim();
    text.starts_with("panic: ")
        || text.starts_with("fatal error: ")
        || text == "WARNING: DATA RACE"
        || super::traceback::starts_goroutine(text)
}

/// When several streams are interleaved, keeps the lines of the one where the first crash, race report or
/// goroutine dump starts (lines of no stream stay). Nothing is dropped when no stream carries one.
pub(crate) fn keep_crash_stream<'a>(
    lines: Vec<LogLine<'a>>,
    streams: &[Option<Cow<'_, str>>],
) -> (Vec<LogLine<'a>>, Option<String>) {
    let mut named = streams.iter().flatten();
    let distinct = named.next().is_some_and(|first| named.any(|s| s != first));
    if !distinct {
        return (lines, None);
    }
    let crash_stream = lines
        .iter()
        .zip(streams)
        .find_map(|(line, stream)| starts_incident(&line.text).then_some(stream.as_ref()).flatten());
    let Some(keep) = crash_stream else {
        return (lines, None);
    };
    let kept =
        lines.into_iter().zip(streams).filter(|(_, s)| s.as_ref().is_none_or(|s| s == keep)).map(|(l, _)| l).collect();
    (kept, Some(keep.to_string()))
}

/// The line format most of the first lines are in; `Plain` when none has a majority.
pub(crate) fn detect(text: &str) -> LogFormat {
    let sample: Vec<&str> = text
        .split('\n')
        .map(|l| l.strip_suffix('\r').unwrap_or(l))
        .filter(|l| !l.trim().is_empty())
        .take(SAMPLE)
        .collect();
    if sample.is_empty() {
        return LogFormat::Plain;
    }
    let mut best = (0, LogFormat::Plain);
    for format in LINE_FORMATS {
        let count = sample.iter().filter(|l| unwrap_line(format, l).is_some()).count();
        if count > best.0 {
            best = (count, format);
        }
    }
    if best.0 * 2 >= sample.len() {
        best.1
    } else {
        LogFormat::Plain
    }
}

/// Unwraps one line in `format`; `None` when the line is not in that format.
fn unwrap_line(format: LogFormat, line: &str) -> Option<Piece<'_>> {
    match format {
        LogFormat::Plain | LogFormat::CloudLogging | LogFormat::Cloudwatch => None,
        LogFormat::DockerJson => docker_json(line),
        LogFormat::JournaldJson => journald_json(line),
        LogFormat::Structured => structured(line),
        LogFormat::Cri => {
            let (text, partial) = strip_cri(line)?;
            let key = if line.contains(" stdout ") { "stdout" } else { "stderr" };
            Some(Piece { text: Cow::Borrowed(text), stream: None, partial_key: key, partial })
        }
        LogFormat::KubectlTimestamps => {
            let rest = skip_rfc3339(line)?;
            Some(Piece::whole(rest.strip_prefix(' ').or_else(|| rest.is_empty().then_some(rest))?))
        }
        LogFormat::JournaldShortIso => {
            let rest = skip_rfc3339(line)?.strip_prefix(' ')?;
            host_ident(rest, true)
        }
        LogFormat::JournaldShort | LogFormat::JournaldShortPrecise => {
            let (rest, precise) = skip_month_day_clock(line)?;
            if precise != (format == LogFormat::JournaldShortPrecise) {
                return None;
            }
            host_ident(rest.strip_prefix(' ')?, true)
        }
        LogFormat::SyslogRfc3164 => {
            let rest = skip_priority(line)?;
            let (rest, _) = skip_month_day_clock(rest)?;
            host_ident(rest.strip_prefix(' ')?, false)
        }
        LogFormat::SyslogRfc5424 => rfc5424(skip_priority(line)?),
        LogFormat::Compose => compose(line),
        LogFormat::EpochTab => {
            let digits = line.bytes().take_while(u8::is_ascii_digit).count();
            if !(10..=19).contains(&digits) {
                return None;
            }
            Some(Piece::whole(line.get(digits..)?.strip_prefix('\t')?))
        }
    }
}

fn json_object(line: &str) -> Option<serde_json::Map<String, Value>> {
    if !line.starts_with('{') {
        return None;
    }
    match serde_json::from_str(line) {
        Ok(Value::Object(map)) => Some(map),
        _ => None,
    }
}

/// `{"log":"fatal error: …\n","stream":"stderr","time":"…"}`; a `log` without its newline is a partial line.
fn docker_json(line: &str) -> Option<Piece<'static>> {
    if !line.starts_with("{\"log\":") && !line.contains("\"log\":") {
        return None;
    }
    let map = json_object(line)?;
    let log = map.get("log")?.as_str()?;
    map.get("stream")?;
    let (text, partial) = match log.strip_suffix('\n') {
        Some(t) => (t.strip_suffix('\r').unwrap_or(t), false),
        None => (log, true),
    };
    let key = if map.get("stream").and_then(Value::as_str) == Some("stdout") { "stdout" } else { "stderr" };
    Some(Piece { text: Cow::Owned(text.to_string()), stream: None, partial_key: key, partial })
}

/// `journalctl -o json`: `MESSAGE` is a string, or an array of bytes when it is not valid UTF-8 or has controls.
fn journald_json(line: &str) -> Option<Piece<'static>> {
    if !line.contains("\"MESSAGE\":") {
        return None;
    }
    let map = json_object(line)?;
    let text = match map.get("MESSAGE")? {
        Value::String(s) => s.clone(),
        Value::Array(bytes) => {
            let bytes: Vec<u8> = bytes.iter().filter_map(Value::as_u64).filter_map(|b| u8::try_from(b).ok()).collect();
            String::from_utf8_lossy(&bytes).into_owned()
        }
        Value::Null => String::new(),
        _ => return None,
    };
    let ident = map.get("SYSLOG_IDENTIFIER").or_else(|| map.get("_COMM")).and_then(Value::as_str);
    let stream = ident.map(|i| Cow::Owned(i.to_string()));
    Some(Piece { text: Cow::Owned(text), stream, partial_key: "", partial: false })
}

/// A structured logger's line: `{"level":"error","msg":"fatal error: …"}` (zap, logrus, slog: `msg`,
/// `message`).
fn structured(line: &str) -> Option<Piece<'static>> {
    if !line.starts_with('{') || !(line.contains("\"msg\":") || line.contains("\"message\":")) {
        return None;
    }
    let map = json_object(line)?;
    let text = map.get("msg").or_else(|| map.get("message"))?.as_str()?;
    let text = text.strip_suffix('\n').unwrap_or(text);
    Some(Piece::whole(text.to_string()))
}

/// `<13>` of a syslog line.
fn skip_priority(line: &str) -> Option<&str> {
    let rest = line.strip_prefix('<')?;
    let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
    if digits == 0 || digits > 3 {
        return None;
    }
    rest.get(digits..)?.strip_prefix('>')
}

/// `Dec  6 05:06:40[.123456]`; the flag says whether the clock had a fraction.
fn skip_month_day_clock(line: &str) -> Option<(&str, bool)> {
    const MONTHS: [&str; 12] = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
    if !MONTHS.contains(&line.get(..3)?) {
        return None;
    }
    let rest = line.get(3..)?.strip_prefix(' ')?;
    let rest = rest.strip_prefix(' ').unwrap_or(rest);
    let day = rest.bytes().take_while(u8::is_ascii_digit).count();
    if day == 0 || day > 2 {
        return None;
    }
    let rest = rest.get(day..)?.strip_prefix(' ')?;
    let bytes = rest.as_bytes();
    let clock_ok = bytes.len() >= 8
        && bytes[2] == b':'
        && bytes[5] == b':'
        && [0, 1, 3, 4, 6, 7].iter().all(|&i| bytes[i].is_ascii_digit());
    if !clock_ok {
        return None;
    }
    let rest = rest.get(8..)?;
    match rest.strip_prefix('.') {
        Some(frac) => Some((frac.trim_start_matches(|c: char| c.is_ascii_digit()), true)),
        None => Some((rest, false)),
    }
}

/// `vm relay[23855]: message` (journald always prints the pid; syslog tags may lack it). The stream is the
/// identifier with its pid.
fn host_ident(rest: &str, needs_pid: bool) -> Option<Piece<'_>> {
    let (host, after_host) = rest.split_once(' ')?;
    if host.is_empty() {
        return None;
    }
    let end = after_host.find(": ").or_else(|| after_host.strip_suffix(':').map(str::len))?;
    let ident = after_host.get(..end)?;
    if ident.is_empty() || ident.contains(' ') || (needs_pid && !ident.ends_with(']')) {
        return None;
    }
    let text = after_host.get(end + 2..).unwrap_or("");
    Some(Piece { text: Cow::Borrowed(text), stream: Some(Cow::Borrowed(ident)), partial_key: "", partial: false })
}

/// RFC 5424 after the priority: `1 TIMESTAMP HOST APP PROCID MSGID STRUCTURED-DATA [BOM]MSG`.
fn rfc5424(rest: &str) -> Option<Piece<'_>> {
    let rest = rest.strip_prefix("1 ")?;
    let mut fields = rest.splitn(6, ' ');
    let _time = fields.next()?;
    let _host = fields.next()?;
    let app = fields.next()?;
    let _procid = fields.next()?;
    let _msgid = fields.next()?;
    let rest = fields.next().unwrap_or("");
    let message = skip_structured_data(rest)?;
    let message = message.strip_prefix('\u{feff}').unwrap_or(message);
    Some(Piece { text: Cow::Borrowed(message), stream: Some(Cow::Borrowed(app)), partial_key: "", partial: false })
}

/// `-` or `[id k="v" …][…]`, then the space before the message (absent for an empty message).
fn skip_structured_data(rest: &str) -> Option<&str> {
    if let Some(r) = rest.strip_prefix('-') {
        return Some(r.strip_prefix(' ').unwrap_or(r));
    }
    let bytes = rest.as_bytes();
    let mut i = 0;
    while bytes.get(i) == Some(&b'[') {
        let mut in_quotes = false;
        loop {
            i += 1;
            match bytes.get(i)? {
                b'\\' if in_quotes => i += 1,
                b'"' => in_quotes = !in_quotes,
                b']' if !in_quotes => break,
                _ => {}
            }
        }
        i += 1;
    }
    if i == 0 {
        return None;
    }
    let r = rest.get(i..)?;
    Some(r.strip_prefix(' ').unwrap_or(r))
}

/// `relay-1      | fatal error: …` (`docker compose logs`: the service name padded to the longest one).
fn compose(line: &str) -> Option<Piece<'_>> {
    let name_end = line.find(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.')))?;
    if name_end == 0 {
        return None;
    }
    let after = line.get(name_end..)?;
    let pad = after.len() - after.trim_start_matches(' ').len();
    if pad == 0 {
        return None;
    }
    let rest = after.get(pad..)?;
    let text = rest.strip_prefix("| ").or_else(|| (rest == "|").then_some(""))?;
    let name = line.get(..name_end)?;
    Some(Piece { text: Cow::Borrowed(text), stream: Some(Cow::Borrowed(name)), partial_key: "", partial: false })
}

/// Removes ANSI escape sequences (CSI `ESC [ … final`, OSC `ESC ] … BEL|ESC \`, two-byte `ESC x`).
pub fn strip_escapes(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '\x1b' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('[') => {
                for c in chars.by_ref() {
                    if ('\x40'..='\x7e').contains(&c) {
                        break;
                    }
                }
            }
            Some(']') => {
                while let Some(c) = chars.next() {
                    if c == '\x07' || (c == '\x1b' && chars.next_if_eq(&'\\').is_some()) {
                        break;
                    }
                }
            }
            _ => {}
        }
    }
    out
}

/// Newlines in `bytes`, 64 bytes at a time with a byte-wide sum (which the compiler vectorises).
/// `text.split('\n')`, by the `memchr` crate's vectorised search: `str::split(char)` searches each line anew with
/// the standard library's word-at-a-time `memchr` (with its searcher, a tenth of a parse of a log of short lines).
/// Every piece of `split`, the empty one after a final newline included.
pub(crate) struct Pieces<'a> {
    text: &'a str,
    start: usize,
    newlines: memchr::Memchr<'a>,
    done: bool,
}

pub(crate) fn pieces(text: &str) -> Pieces<'_> {
    Pieces { text, start: 0, newlines: memchr::memchr_iter(b'\n', text.as_bytes()), done: false }
}

impl<'a> Iterator for Pieces<'a> {
    type Item = &'a str;

    #[inline]
    fn next(&mut self) -> Option<&'a str> {
        if self.done {
            return None;
        }
        // A newline is ASCII, so every bound is a character boundary (`get` never fails here).
        match self.newlines.next() {
            Some(at) => {
                let piece = self.text.get(self.start..at).unwrap_or("");
                self.start = at + 1;
                Some(piece)
            }
            None => {
                self.done = true;
                Some(self.text.get(self.start..).unwrap_or(""))
            }
        }
    }
}

pub(crate) fn count_newlines(bytes: &[u8]) -> usize {
    let mut chunks = bytes.chunks_exact(64);
    let mut count = 0;
    for chunk in &mut chunks {
        // At most 64: fits a u8.
        count += usize::from(chunk.iter().map(|&b| u8::from(b == b'\n')).sum::<u8>());
    }
    count + chunks.remainder().iter().filter(|&&b| b == b'\n').count()
}

#[cfg(test)]
mod pieces_tests {
    use super::pieces;
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]

        /// The vectorised split yields exactly the pieces of `str::split('\n')`, empty ones and the one after a
        /// final newline included.
        #[test]
        fn pieces_are_those_of_split(text in "(\n|\r\n|[a-c ]{0,4}|é|gc 1 @0.1s){0,12}") {
            prop_assert_eq!(pieces(&text).collect::<Vec<_>>(), text.split('\n').collect::<Vec<_>>());
        }
    }

    #[test]
    fn pieces_of_real_logs_are_those_of_split() {
        for text in ["", "\n", "a", "a\n", "\n\nb", "gc 1\r\napp: tick\n0.017app\n"] {
            assert_eq!(pieces(text).collect::<Vec<_>>(), text.split('\n').collect::<Vec<_>>(), "{text:?}");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(text: &str) -> (LogFormat, Option<String>, Vec<(usize, String)>) {
        let u = unwrap(text);
        (u.format, u.stream, u.lines.into_iter().map(|l| (l.number, l.text.into_owned())).collect())
    }

    #[test]
    fn docker_json_lines_join_partials_per_stream() {
        let log = concat!(
            "{\"log\":\"fatal error: con\",\"stream\":\"stderr\",\"time\":\"t\"}\n",
            "{\"log\":\"app line\\n\",\"stream\":\"stdout\",\"time\":\"t\"}\n",
            "{\"log\":\"current map writes\\n\",\"stream\":\"stderr\",\"time\":\"t\"}\n",
        );
        let (format, _, lines) = texts(log);
        assert_eq!(format, LogFormat::DockerJson);
        assert_eq!(lines, [(2, "app line".to_string()), (1, "fatal error: concurrent map writes".to_string())]);
    }

    #[test]
    fn compose_keeps_the_service_that_crashed() {
        let log = "relay-1   | starting\nworker-1  | gc 1 @0.0s\nrelay-1   | fatal error: x\nworker-1  | tick\n";
        let (format, stream, lines) = texts(log);
        assert_eq!(format, LogFormat::Compose);
        assert_eq!(stream.as_deref(), Some("relay-1"));
        assert_eq!(lines, [(1, "starting".to_string()), (3, "fatal error: x".to_string())]);
    }

    #[test]
    fn syslog_5424_structured_data_and_3164_tag_without_pid() {
        let line = "<13>1 2026-12-06T05:06:42.777+00:00 vm relay - - [timeQuality tzKnown=\"1\" x=\"a]b\"] \tmain.go:1";
        assert_eq!(unwrap_line(LogFormat::SyslogRfc5424, line).map(|p| p.text), Some("\tmain.go:1".into()));
        let line = "<13>Dec  6 05:06:40 vm relay: fatal error: x";
        assert_eq!(unwrap_line(LogFormat::SyslogRfc3164, line).map(|p| p.text), Some("fatal error: x".into()));
        assert!(unwrap_line(LogFormat::JournaldShort, "Dec 06 05:06:40 vm relay: x").is_none(), "journald has pids");
    }

    #[test]
    fn escapes_are_removed() {
        assert_eq!(strip_escapes("\x1b[31;1mfatal error: x\x1b[0m"), "fatal error: x");
        assert_eq!(strip_escapes("\x1b]0;title\x07a\x1b]8;;\x1b\\b"), "ab");
    }

    #[test]
    fn a_plain_log_with_some_json_lines_stays_plain() {
        let log = "{\"msg\":\"starting\"}\nfatal error: x\n\ngoroutine 1 [running]:\nmain.main()\n\t/a.go:1 +0x1\n";
        assert_eq!(unwrap(log).format, LogFormat::Plain);
    }
}
