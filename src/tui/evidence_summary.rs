//! What the evidence step shows once the crash log is in: the triage as a few lines an engineer reads under
//! pressure (what failed, where in the service, how the build machine's path was mapped, when), instead of the
//! `incident` capture's JSON, which an 80-column pane cuts after the crash time.
//!
//! It reads the triage `Value` the engine holds (the `{{incident}}` fields documented in docs/runbook-format.md),
//! so the TUI shows exactly what later steps will use.

use crate::engine::Value;

/// The triage in lines, most important first. Fields the triage does not have are left out.
pub fn lines(triage: &Value) -> Vec<String> {
    let text = |v: Option<&Value>| v.filter(|v| !v.is_null()).map(Value::to_text).filter(|t| !t.is_empty());
    let field = |name: &str| text(triage.lookup_key(name));
    let mut out = Vec::new();
    match (field("kind"), field("message")) {
        (Some(kind), Some(message)) if kind != "none" => out.push(format!("{kind}: {message}")),
        _ => {
            out.push("no Go crash or race report found in this evidence: later steps have no site to work from".into())
        }
    }
    if let Some(op) = field("operation") {
        out.push(format!("map operation: {op}"));
    }
    if let Some(frame) = triage.lookup_key("service_frame").filter(|f| !f.is_null()) {
        let part = |k: &str| text(frame.lookup_key(k)).unwrap_or_default();
        out.push(format!("service frame: {}:{}  {}", part("file"), part("line"), short_function(&part("function"))));
        let original = part("original_file");
        if original != part("file") {
            // The mapping names the build machine's prefix: shorter than the whole path, which 80 columns cut.
            match field("mapping") {
                Some(mapping) => out.push(format!("  path mapped to repo: {mapping}")),
                None => out.push(format!("  the log says {original}")),
            }
        }
    }
    if let Some(n) = triage.lookup_key("other_goroutines").and_then(list_len).filter(|n| *n > 0) {
        out.push(format!("other goroutines near the map: {n}"));
    }
    if let Some(n) = triage.lookup_key("race_sites").and_then(list_len).filter(|n| *n > 0) {
        out.push(format!("racing sites from race reports: {n}"));
    }
    if let Some(packages) = field("packages_arg") {
        out.push(format!("packages in the crash: {packages}"));
    }
    if let Some(time) = field("crash_time") {
        out.push(format!("crashed at: {time}"));
    }
    if let Some(version) = field("go_version") {
        out.push(format!("Go version: {version}"));
    }
    out
}

/// `stock.(*Store).Level` for `example.com/inventory/internal/stock.(*Store).Level`: the package's last element,
/// as Go's own tools name it.
fn short_function(function: &str) -> &str {
    let package_end = function.find(".(").or_else(|| function.rfind('.')).unwrap_or(0);
    match function[..package_end].rfind('/') {
        Some(slash) => &function[slash + 1..],
        None => function,
    }
}

fn list_len(v: &Value) -> Option<usize> {
    match v {
        Value::List(items) => Some(items.len()),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::lines;
    use crate::engine::Value;

    #[test]
    fn the_services_crash_reads_as_failure_site_mapping_and_time() {
        let triage = Value::from_serialize(&serde_json::json!({
            "kind": "fatal error", "message": "concurrent map writes", "operation": "write",
            "service_frame": {"file": "internal/stock/stock.go", "line": 33,
                "function": "example.com/inventory/internal/stock.(*Store).Level",
                "original_file": "/go/src/app/internal/stock/stock.go", "mapped": true},
            "mapping": "suffix: /go/src/app/ → repository", "other_goroutines": [], "race_sites": [],
            "packages_arg": "./internal/stock", "crash_time": "2026-12-06T05:05:57.828332134Z", "go_version": null,
        }));
        assert_eq!(
            lines(&triage),
            [
                "fatal error: concurrent map writes",
                "map operation: write",
                "service frame: internal/stock/stock.go:33  stock.(*Store).Level",
                "  path mapped to repo: suffix: /go/src/app/ → repository",
                "packages in the crash: ./internal/stock",
                "crashed at: 2026-12-06T05:05:57.828332134Z",
            ]
        );
    }

    #[test]
    fn functions_are_named_by_their_packages_last_element() {
        assert_eq!(
            super::short_function("example.com/inventory/internal/stock.(*Store).Level"),
            "stock.(*Store).Level"
        );
        assert_eq!(super::short_function("example.com/inventory/internal/api.Logged.func1"), "api.Logged.func1");
        assert_eq!(super::short_function("main.main"), "main.main");
        assert_eq!(super::short_function("net/http.HandlerFunc.ServeHTTP"), "http.HandlerFunc.ServeHTTP");
    }

    #[test]
    fn evidence_without_a_crash_says_so() {
        let triage = Value::from_serialize(&serde_json::json!({"kind": "none", "message": "", "crashes": 0}));
        assert!(lines(&triage)[0].starts_with("no Go crash or race report found"), "{:?}", lines(&triage));
    }
}
