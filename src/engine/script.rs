//! The exact script a `run` step hands to `/bin/sh`, with every value passed beside it, never inside it.
//!
//! Each `{{reference}}` becomes a reference to an environment variable (`RB_FILE`, `RB_CRASH_SITES_0_FILE`): the
//! shell expands it once and never parses the value as code, so `$(touch X)`, a line `EOF` or a newline in a value
//! are just text. A list becomes one variable per item (`"$RB_PKGS_0" "$RB_PKGS_1"`), so `for x in {{list}}` and
//! `set -- {{list}}` see one word per item in any POSIX shell. A value over `MAX_ENV_VALUE` (the kernel refuses
//! longer environment strings) goes in a file instead: a first line of the script reads it into the shell
//! variable of the same name (`RB_X="$(cat "$RB_X_FILE"; printf x)"; RB_X="${RB_X%x}"`: the `x` keeps the trailing
//! newlines a bare command substitution would drop), and the command references `"${RB_X}"` as for any value. Where the scanner cannot place a reference safely the
//! render fails; `check` reports the same refusal at file:line:col before anything runs.

use super::shell_scan::{self, Place};
use super::template::{Reference, Resolver};
use super::value::{Segment, Value};
use std::collections::BTreeMap;

/// Largest value passed in the environment; longer ones go as files.
pub const MAX_ENV_VALUE: usize = 100 * 1024;
/// Once the values passed in the environment reach this many bytes, the rest go as files (the kernel bounds the
/// environment as a whole too).
const MAX_ENV_TOTAL: usize = 1024 * 1024;

/// A rendered script and the values it references.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Script {
    pub text: String,
    /// `RB_*` variables and their values.
    pub env: BTreeMap<String, String>,
    /// `RB_*_FILE` variables whose value is a temporary file's path, and the file's content.
    pub files: BTreeMap<String, String>,
}

/// Renders `command` into a script: values travel in `Script::env` and `Script::files`.
pub fn render_script(command: &str, resolver: &dyn Resolver) -> Result<Script, String> {
    let placed = shell_scan::place_references(command).map_err(|e| e.message)?;
    let mut script = Script::default();
    let mut names: BTreeMap<String, String> = BTreeMap::new();
    let mut total = 0usize;
    let mut rest = 0usize;
    // Lines run before the command: each reads a value passed as a file into its shell variable.
    let mut prelude = String::new();
    for (reference, place) in placed {
        let place = place.map_err(|r| format!("the reference at byte {} {}", r.offset + 1, r.message))?;
        let (start, end) = reference.span;
        script.text.push_str(&command[rest..start]);
        rest = end;
        let value = super::template::resolve(resolver, &reference)?;
        let key = format!("{place:?}:{}", reference_key(&reference));
        let base = match names.get(&key) {
            Some(base) => base.clone(),
            None => {
                let base = unique_name(&env_base(&reference), &names);
                names.insert(key, base.clone());
                base
            }
        };
        let words: Vec<String> = match (place, &value) {
            (Place::Word, Value::List(_)) => value.to_words(),
            (Place::HeredocBody, Value::List(_)) => vec![value.to_words().join(" ")],
            _ => vec![value.to_text()],
        };
        let single = words.len() == 1 && !matches!(value, Value::List(_));
        let mut refs = Vec::new();
        for (i, word) in words.into_iter().enumerate() {
            let name = if single { base.clone() } else { format!("{base}_{i}") };
            let as_file = word.len() > MAX_ENV_VALUE || total + word.len() > MAX_ENV_TOTAL;
            let expansion = if as_file {
                let file_var = format!("{name}_FILE");
                if script.files.insert(file_var.clone(), word).is_none() {
                    prelude
                        .push_str(&format!("{name}=\"$(cat \"${file_var}\"; printf x)\"; {name}=\"${{{name}%x}}\"\n"));
                }
                format!("${{{name}}}")
            } else {
                total += word.len() + name.len() + 2;
                script.env.insert(name.clone(), word);
                format!("${{{name}}}")
            };
            refs.push(match place {
                Place::Word => format!("\"{expansion}\""),
                Place::HeredocBody => expansion,
            });
        }
        script.text.push_str(&refs.join(" "));
    }
    script.text.push_str(&command[rest..]);
    if !prelude.is_empty() {
        script.text.insert_str(0, &prelude);
    }
    Ok(script)
}

/// The reference as written, without spaces: equal references share one variable.
fn reference_key(reference: &Reference) -> String {
    let mut key = reference.name.clone();
    for segment in &reference.path {
        match segment {
            Segment::Field(f) => key.push_str(&format!(".{f}")),
            Segment::Index(i) => key.push_str(&format!("[{i}]")),
        }
    }
    // `{{a or b}}` is not `{{a}}`: the alternatives are part of the key.
    for fallback in &reference.fallbacks {
        key.push_str(&format!(" or {fallback:?}"));
    }
    key
}

/// `crash.sites[0].file` → `RB_CRASH_SITES_0_FILE`.
fn env_base(reference: &Reference) -> String {
    let mut name = format!("RB_{}", reference.name);
    for segment in &reference.path {
        match segment {
            Segment::Field(f) => name.push_str(&format!("_{f}")),
            Segment::Index(i) => name.push_str(&format!("_{i}")),
        }
    }
    name.chars().map(|c| if c.is_ascii_alphanumeric() { c.to_ascii_uppercase() } else { '_' }).collect()
}

/// `base`, or `RB2_…`, `RB3_…` when another reference already took it (`a-b` and `a_b` both give `RB_A_B`, and
/// a list's `RB_L_0` could meet a reference `l_0`). Every base starts with `RB_`, so a numbered prefix never
/// meets one.
fn unique_name(base: &str, taken: &BTreeMap<String, String>) -> String {
    let used =
        |n: &str| taken.values().any(|t| t == n || n.starts_with(&format!("{t}_")) || t.starts_with(&format!("{n}_")));
    if !used(base) {
        return base.to_string();
    }
    let rest = base.strip_prefix("RB_").unwrap_or(base);
    let count = taken.len() + 2;
    (2..=count).map(|i| format!("RB{i}_{rest}")).find(|n| !used(n)).unwrap_or_else(|| format!("RB{count}_{rest}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Fixed(BTreeMap<&'static str, Value>);
    impl Resolver for Fixed {
        fn resolve(&self, r: &Reference) -> Result<Value, String> {
            let base = self.0.get(r.name.as_str()).ok_or("unknown")?;
            base.lookup(&r.path).cloned()
        }
    }

    fn fixed(pairs: &[(&'static str, Value)]) -> Fixed {
        Fixed(pairs.iter().cloned().collect())
    }

    #[test]
    fn values_become_variables() {
        let r = fixed(&[("f", Value::Str("$(touch X).go".into()))]);
        let s = render_script("go vet {{f}} && echo {{ f }}", &r).unwrap();
        assert_eq!(s.text, "go vet \"${RB_F}\" && echo \"${RB_F}\"");
        assert_eq!(s.env.get("RB_F").map(String::as_str), Some("$(touch X).go"));
    }

    #[test]
    fn lists_are_one_variable_per_item() {
        let r = fixed(&[("l", Value::List(vec![Value::Str("a b".into()), Value::Str("c".into())]))]);
        let s = render_script("for x in {{l}}; do :; done", &r).unwrap();
        assert_eq!(s.text, "for x in \"${RB_L_0}\" \"${RB_L_1}\"; do :; done");
        assert_eq!(s.env.len(), 2);
    }

    #[test]
    fn heredoc_bodies_get_bare_expansions() {
        let r = fixed(&[("f", Value::Str("x\nEOF\n$(touch X)".into()))]);
        let s = render_script("cat <<EOF\n{{f}}\nEOF", &r).unwrap();
        assert_eq!(s.text, "cat <<EOF\n${RB_F}\nEOF");
    }

    #[test]
    fn huge_values_go_as_files() {
        let big = "x".repeat(MAX_ENV_VALUE + 1);
        let r = fixed(&[("f", Value::Str(big.clone()))]);
        let s = render_script("wc -c {{f}}", &r).unwrap();
        assert_eq!(s.text, "RB_F=\"$(cat \"$RB_F_FILE\"; printf x)\"; RB_F=\"${RB_F%x}\"\nwc -c \"${RB_F}\"");
        assert_eq!(s.files.get("RB_F_FILE"), Some(&big));
        assert!(s.env.is_empty());
    }

    #[test]
    fn refused_places_fail_the_render() {
        let r = fixed(&[("v", Value::Str("1".into()))]);
        assert!(render_script("echo $(( {{v}} ))", &r).is_err());
    }

    #[test]
    fn clashing_names_stay_apart() {
        let r = fixed(&[("a-b", Value::Str("1".into())), ("a_b", Value::Str("2".into()))]);
        let s = render_script("echo {{a-b}} {{a_b}}", &r).unwrap();
        assert_eq!(s.env.len(), 2);
    }
}
