//! What failed, in the words an on-call engineer needs first: the message, the map operation, the crashing
//! goroutine and its first service frame (mapped to a file in the repository), the other goroutines caught on a
//! map at the same time, the Go version when the log tells it, the crash time when lines carry timestamps, and the
//! packages whose tests should reproduce it. Built from the parse report once; steps read it as `{{evidence}}`.

use crate::golang::frames::{detect_goroots, UserFrameRule};
use crate::golang::{Frame, ParseReport};
use crate::locate::{MappedPath, Mapping, MappingKind, PathMapper, Rewrite};
use serde::Serialize;
use std::path::Path;

/// At most this many frames or goroutines are kept in a list (a dump can hold thousands).
const LIST_LIMIT: usize = 20;

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Triage {
    /// `fatal error`, `panic`, `signal`, `race` (a race report and no crash), `goroutine dump`, or `none`.
    pub kind: String,
    pub message: String,
    /// `read`, `write`, `iterate`, `clone` for map failures.
    pub operation: Option<String>,
    pub goroutine: Option<u64>,
    /// The first frame in the service's own code, its file mapped to the repository when it could be.
    pub service_frame: Option<SiteFrame>,
    /// The crashing goroutine's frames, innermost first (at most 20).
    pub frames: Vec<SiteFrame>,
    /// Other goroutines caught inside a map operation, or running in the crash's file, when the process died.
    pub other_goroutines: Vec<OtherGoroutine>,
    /// Racing sites of race reports in the evidence (user frames).
    pub race_sites: Vec<SiteFrame>,
    /// `go1.27.3` from a toolchain path, or a range such as `go1.24 or later` from the map implementation.
    pub go_version: Option<String>,
    /// The timestamp of the crash line, when the log's lines carry one.
    pub crash_time: Option<String>,
    /// What was inferred to read it (a year from the file's or the session's date, a missing zone).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub crash_time_note: Option<String>,
    /// `go test -race` package patterns (`./internal/stock`) from the service frames, for the reproduce step.
    pub packages: Vec<String>,
    /// Space-separated `packages`, for commands.
    pub packages_arg: String,
    /// Tests the evidence names (race reports printed under `go test`).
    pub tests: Vec<String>,
    /// A `go test -run` pattern for them (`^(TestA|TestB)$`), or `.` (every test) when none is named.
    pub test_run: String,
    pub races: usize,
    pub crashes: usize,
    /// How the evidence's paths were mapped to the repository, in words (`by module example.com/app`, `by suffix
    /// /go/src/app/=`, `by your rewrite /go/src/app/=svc/`): the first mapped frame's.
    pub mapping: Option<String>,
    /// The rewrite a correction would start from (`FROM=TO`): the first mapped frame's, or the unmapped service
    /// frame's best guess (its directory, to the repository's root).
    pub mapping_guess: Option<String>,
    /// The user's rewrites (`--map FROM=TO`, or a correction on screen) this triage was made with, as given.
    pub rewrites: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SiteFrame {
    pub function: String,
    /// Relative to the repository when mapped, else as the log printed it.
    pub file: String,
    pub line: u32,
    /// The path the log printed (the build machine's).
    pub original_file: String,
    /// Whether `file` exists in the repository.
    pub mapped: bool,
    /// How it was mapped, in words (`by module example.com/app`, `by suffix /go/src/app/=`, `by your rewrite …`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mapped_by: Option<String>,
    /// The prefix rewrite the mapping amounts to (`FROM=TO`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rewrite: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct OtherGoroutine {
    pub id: u64,
    pub state: String,
    /// Why it is listed: `in runtime.mapassign_faststr` (a map operation), or `runnable in the same file`.
    pub why: String,
    pub service_frame: Option<SiteFrame>,
}

/// The triage of a parse report. `texts` are the logs as parsed (for timestamps); `repo` is the service's checkout;
/// `rewrites` are the user's corrections of the path mapping, tried first.
pub fn triage(report: &ParseReport, texts: &[(String, Vec<u8>)], repo: &Path, rewrites: &[Rewrite]) -> Triage {
    let mapper = PathMapper::for_repo(repo).with_rewrites(rewrites.to_vec());
    let mut mapping: Option<Mapping> = None;
    let all_files = report.crashes.iter().flat_map(|c| c.goroutines.iter().flat_map(|g| g.frames.iter()));
    let rule = UserFrameRule::new(detect_goroots(all_files.map(|f| f.file.as_str())));
    let mut site = |f: &Frame| -> SiteFrame {
        // The toolchain's own frames are never the service's files, whatever a suffix would say.
        let mapped = if rule.is_user(f) { mapper.map(&f.file) } else { None };
        if let (Some(m), None) = (&mapped, &mapping) {
            mapping = Some(m.mapping.clone());
        }
        site_frame(f, mapped, mapper.module())
    };
    let crash = report.crashes.iter().find(|c| c.kind != crate::golang::traceback::CrashKind::Dump);
    // Else the latest goroutine dump: of several taken apart, the process as it is now.
    let crash = crash.or(report.crashes.last());
    let race_sites: Vec<SiteFrame> = report
        .sites
        .iter()
        .take(LIST_LIMIT)
        .map(|s| site(&Frame { func: s.func.clone(), file: s.file.clone(), line: s.line, inlined: false }))
        .collect();
    let (kind, message, operation, goroutine, service_frame, frames, others) = match crash {
        Some(c) => {
            // No goroutine crashed (a dump, SIGQUIT, all asleep): the largest group's first, where most wait.
            let focus = c.crashing_goroutine.or_else(|| c.buckets.first().and_then(|b| b.ids.first().copied()));
            let crashing = c.goroutines.iter().find(|g| Some(g.id) == focus).or(c.goroutines.first());
            let frames: Vec<SiteFrame> =
                crashing.map(|g| g.frames.iter().take(LIST_LIMIT).map(&mut site).collect()).unwrap_or_default();
            let service = c.user_frame.as_ref().map(&mut site);
            let crash_file = c.user_frame.as_ref().map(|f| f.file.clone());
            let others = c
                .goroutines
                .iter()
                .filter(|g| Some(g.id) != crashing.map(|c| c.id))
                .filter_map(|g| {
                    // Inside a map operation, or running in the crash's own file at the moment it died (a
                    // small map operation is inlined and shows no runtime frame).
                    let why = match g.frames.iter().find(|f| is_map_call(&f.func)) {
                        Some(call) => format!("in {}", call.func),
                        None => {
                            let active = g.state.starts_with("running") || g.state.starts_with("runnable");
                            let same_file = g.user_frame.as_ref().map(|f| &f.file) == crash_file.as_ref();
                            if !(active && same_file && crash_file.is_some()) {
                                return None;
                            }
                            format!("{} in the same file", g.state)
                        }
                    };
                    Some(OtherGoroutine {
                        id: g.id,
                        state: g.state.clone(),
                        why,
                        service_frame: g.user_frame.as_ref().map(&mut site),
                    })
                })
                .take(LIST_LIMIT)
                .collect();
            let kind = serde_json::to_value(c.kind).ok().and_then(|v| v.as_str().map(String::from));
            (
                kind.unwrap_or_default(),
                c.message.clone(),
                c.map_op.map(|o| o.as_str().to_string()),
                c.crashing_goroutine,
                service,
                frames,
                others,
            )
        }
        None if !report.races.is_empty() => {
            let first = race_sites.first().cloned();
            ("race".into(), "DATA RACE".into(), None, None, first, Vec::new(), Vec::new())
        }
        None => ("none".into(), String::new(), None, None, None, Vec::new(), Vec::new()),
    };
    let mut packages: Vec<String> = Vec::new();
    for f in service_frame.iter().chain(race_sites.iter()).chain(others.iter().filter_map(|o| o.service_frame.as_ref()))
    {
        if let Some(pkg) = f.mapped.then(|| package_of(&f.file)).flatten() {
            if !packages.contains(&pkg) {
                packages.push(pkg);
            }
        }
    }
    let packages_arg = packages.join(" ");
    let mut tests: Vec<String> = Vec::new();
    for race in &report.races {
        for name in race.test.iter().chain(race.running_test.iter()) {
            // `TestX/sub` runs as `-run '^TestX$/^sub$'`; the top-level test is enough to reach it.
            let top = name.split('/').next().unwrap_or(name).to_string();
            if !top.is_empty() && !tests.contains(&top) {
                tests.push(top);
            }
        }
    }
    let test_run = if tests.is_empty() { ".".to_string() } else { format!("^({})$", tests.join("|")) };
    let mapping_guess = mapping.as_ref().map(Mapping::rewrite).or_else(|| service_guess(&service_frame));
    Triage {
        kind,
        message,
        operation,
        goroutine,
        service_frame,
        frames,
        other_goroutines: others,
        race_sites,
        go_version: go_version(report, texts),
        // The parser's time first: it knows each format's timestamp and infers a missing year.
        crash_time: crash.and_then(|c| c.time.clone().or_else(|| crash_time(texts, c.input, c.line))),
        crash_time_note: crash.filter(|c| c.time.is_some()).and_then(|c| c.time_note.clone()),
        packages,
        packages_arg,
        tests,
        test_run,
        races: report.races.len(),
        crashes: report.crashes.len(),
        mapping_guess,
        mapping: mapping.as_ref().map(|m| mapped_by(m, mapper.module())),
        rewrites: rewrites.iter().map(|r| format!("{}={}", r.from, r.to)).collect(),
    }
}

/// `by module example.com/app`, `by suffix /go/src/app/=`, `by your rewrite /go/src/app/=svc/`, `in the repository`.
pub fn mapped_by(mapping: &Mapping, module: Option<&str>) -> String {
    match mapping.kind {
        MappingKind::User => format!("by your rewrite {}", mapping.rewrite()),
        MappingKind::Module => format!("by module {}", module.unwrap_or(mapping.from.trim_end_matches('/'))),
        MappingKind::Suffix => format!("by suffix {}", mapping.rewrite()),
        MappingKind::Repository => "in the repository".to_string(),
    }
}

/// A first guess for an unmapped service frame: its directory is the repository's root.
fn service_guess(frame: &Option<SiteFrame>) -> Option<String> {
    let frame = frame.as_ref().filter(|f| !f.mapped)?;
    Some(guess_rewrite(&frame.original_file))
}

/// A first guess for a path that maps nowhere: its directory is the repository's root (`/go/src/app/x.go` gives
/// `/go/src/app/=`), for the engineer to edit.
pub fn guess_rewrite(printed: &str) -> String {
    match printed.rsplit_once(['/', '\\']) {
        Some((dir, _)) if !dir.is_empty() => format!("{dir}/="),
        _ => "=".to_string(),
    }
}

/// One line a person reads for an `evidence` event: how many logs, and what failed where.
pub fn headline(files: &[crate::engine::EvidenceFile], triage: &crate::engine::Value) -> String {
    let field = |name: &str| triage.lookup_key(name).map(|v| v.to_text()).unwrap_or_default();
    let bytes: u64 = files.iter().map(|f| f.bytes).sum();
    let mut line = format!("  ⚑ evidence: {} log(s), {bytes} bytes", files.len());
    let kind = field("kind");
    if !kind.is_empty() && kind != "none" {
        line.push_str(&format!(" — {kind}: {}", field("message")));
    } else {
        line.push_str(" — no Go crash or race report found in it");
    }
    if let Some(site) = triage.lookup_key("service_frame").filter(|v| !v.is_null()) {
        let get = |k: &str| site.lookup_key(k).map(|v| v.to_text()).unwrap_or_default();
        line.push_str(&format!(" at {}:{} ({})", get("file"), get("line"), get("function")));
        match site.lookup_key("mapped_by").filter(|v| !v.is_null()) {
            Some(how) => line.push_str(&format!(", mapped {}", how.to_text())),
            None if site.lookup_key("mapped") == Some(&crate::engine::Value::Bool(false)) => {
                line.push_str(", not found in the repository (correct the mapping with --map FROM=TO)")
            }
            None => {}
        }
    }
    line
}

fn site_frame(f: &Frame, mapped: Option<MappedPath>, module: Option<&str>) -> SiteFrame {
    match mapped {
        Some(m) => SiteFrame {
            function: f.func.clone(),
            file: m.file,
            line: f.line,
            original_file: f.file.clone(),
            mapped: true,
            mapped_by: Some(mapped_by(&m.mapping, module)),
            rewrite: Some(m.mapping.rewrite()),
        },
        None => SiteFrame {
            function: f.func.clone(),
            file: f.file.clone(),
            line: f.line,
            original_file: f.file.clone(),
            mapped: false,
            mapped_by: None,
            rewrite: None,
        },
    }
}

/// A runtime function that operates on a map (classic `runtime.map*` and Swiss-table `internal/runtime/maps.*`).
fn is_map_call(func: &str) -> bool {
    let name = func.rsplit('/').next().unwrap_or(func);
    ["runtime.mapaccess", "runtime.mapassign", "runtime.mapdelete", "runtime.mapiter", "runtime.mapclone"]
        .iter()
        .any(|p| name.starts_with(p))
        || func.contains("internal/runtime/maps.")
}

/// `./internal/stock` for `internal/stock/stock.go`; `.` for a file at the module root.
fn package_of(relative: &str) -> Option<String> {
    if !relative.ends_with(".go") {
        return None;
    }
    Some(match relative.rsplit_once('/') {
        Some((dir, _)) => format!("./{dir}"),
        None => ".".into(),
    })
}

/// The toolchain's version from a GOROOT path in any frame (`/usr/local/go1.21.5/src/…`, `/usr/lib/go-1.19/src/…`),
/// else a range from the map implementation the crash went through.
fn go_version(report: &ParseReport, texts: &[(String, Vec<u8>)]) -> Option<String> {
    let re = regex::Regex::new(r"/go-?(1\.[0-9]+(?:\.[0-9]+)?)/src/").ok()?;
    let frames = report.crashes.iter().flat_map(|c| c.goroutines.iter().flat_map(|g| g.frames.iter()));
    for f in frames.clone() {
        if let Some(c) = re.captures(&f.file) {
            return Some(format!("go{}", &c[1]));
        }
    }
    if let Some(v) = texts.iter().find_map(|(_, b)| {
        let text = crate::golang::prefix::lossy(b);
        let re = regex::Regex::new(r"\bgo version (go1\.[0-9]+(?:\.[0-9]+)?)").ok()?;
        re.captures(&text).map(|c| c[1].to_string())
    }) {
        return Some(v);
    }
    let frames: Vec<&Frame> = frames.collect();
    if frames
        .iter()
        .any(|f| f.file.contains("/src/internal/runtime/maps/") || f.func.starts_with("internal/runtime/maps."))
    {
        Some("go1.24 or later (Swiss-table maps)".into())
    } else if frames.iter().any(|f| f.file.contains("/src/runtime/map") || f.func.starts_with("runtime.map")) {
        Some("go1.23 or earlier (classic maps)".into())
    } else {
        None
    }
}

/// The timestamp at the start of the crash's line, if the log carries one (RFC 3339 as kubectl `--timestamps`,
/// CRI and journald's `short-iso` print, or Docker's JSON `time`).
fn crash_time(texts: &[(String, Vec<u8>)], input: usize, line: usize) -> Option<String> {
    let (_, bytes) = texts.get(input)?;
    // Only the crash's line is decoded: decoding the whole log first was a twentieth of loading 100 MB of evidence.
    let start = match line.checked_sub(2) {
        Some(newlines_before) => memchr::memchr_iter(b'\n', bytes).nth(newlines_before)? + 1,
        None if line == 1 => 0,
        None => return None,
    };
    let rest = bytes.get(start..)?;
    let raw = rest.get(..memchr::memchr(b'\n', rest).unwrap_or(rest.len()))?;
    let raw = crate::golang::prefix::lossy(raw.strip_suffix(b"\r").unwrap_or(raw));
    let re = regex::Regex::new(r#"(\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:?\d{2})?)"#).ok()?;
    let head: String = raw.chars().take(120).collect();
    re.captures(&head).map(|c| c[1].to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn packages_come_from_repository_relative_files() {
        assert_eq!(package_of("internal/stock/stock.go").as_deref(), Some("./internal/stock"));
        assert_eq!(package_of("main.go").as_deref(), Some("."));
        assert_eq!(package_of("README"), None);
    }

    #[test]
    fn the_first_guess_is_the_frames_directory_as_the_repository_root() {
        assert_eq!(guess_rewrite("/go/src/app/internal/stock/stock.go"), "/go/src/app/internal/stock/=");
        assert_eq!(guess_rewrite(r"C:\build\x.go"), r"C:\build/=");
        assert_eq!(guess_rewrite("stock.go"), "=");
    }

    #[test]
    fn a_mapping_is_said_in_the_words_the_screen_and_the_headline_show() {
        let mapping = |kind, from: &str, to: &str| Mapping { kind, from: from.into(), to: to.into() };
        let module = Some("example.com/app");
        assert_eq!(
            mapped_by(&mapping(MappingKind::Module, "example.com/app/", ""), module),
            "by module example.com/app"
        );
        assert_eq!(mapped_by(&mapping(MappingKind::Suffix, "/go/src/app/", ""), module), "by suffix /go/src/app/=");
        assert_eq!(mapped_by(&mapping(MappingKind::User, "/build/", "svc/"), module), "by your rewrite /build/=svc/");
        assert_eq!(mapped_by(&mapping(MappingKind::Repository, "/src/app/", ""), None), "in the repository");
    }

    #[test]
    fn map_calls_of_both_implementations() {
        assert!(is_map_call("runtime.mapassign_faststr"));
        assert!(is_map_call("internal/runtime/maps.(*Map).putSlotSmallFastStr"));
        assert!(!is_map_call("runtime.gopark"));
    }
}
