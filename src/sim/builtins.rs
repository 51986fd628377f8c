//! The built-in programs, embedded from `programs/*.yaml` so an installed binary needs no files. Each has a real
//! Go twin in `assets/sim/<name>/main.go` that `tests/sim_vs_go.rs` runs to keep the two in agreement.

use super::program::Program;

const SOURCES: &[(&str, &str)] = &[
    ("handbook", include_str!("programs/handbook.yaml")),
    ("repro", include_str!("programs/repro.yaml")),
    ("iterate", include_str!("programs/iterate.yaml")),
    ("handler", include_str!("programs/handler.yaml")),
    ("fixed-mutex", include_str!("programs/fixed-mutex.yaml")),
    ("fixed-rwmutex", include_str!("programs/fixed-rwmutex.yaml")),
    ("fixed-syncmap", include_str!("programs/fixed-syncmap.yaml")),
    ("fixed-sharded", include_str!("programs/fixed-sharded.yaml")),
];

/// A built-in program by name. The embedded YAML is checked by the test below, so `None` only means "no such
/// name".
pub fn builtin(name: &str) -> Option<Program> {
    let (_, src) = SOURCES.iter().find(|(n, _)| *n == name)?;
    Program::from_yaml(src).ok()
}

/// Every built-in as (name, one-line description), in `--list` order.
pub fn builtins() -> Vec<(String, String)> {
    SOURCES.iter().filter_map(|(n, _)| builtin(n).map(|p| (n.to_string(), p.description))).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_embedded_program_loads_under_its_own_name() {
        for (name, src) in SOURCES {
            let p = Program::from_yaml(src).unwrap_or_else(|e| panic!("{name}: {e}"));
            assert_eq!(&p.name, name);
            assert!(!p.description.is_empty(), "{name} needs a description for --list");
        }
        assert_eq!(builtins().len(), SOURCES.len());
    }
}
