//! Go symbols the way people read them: `ratelimit.(*Backend).Load`, not
//! `github.com/example/ratelimit.(*Backend).Load` cut before the receiver by a narrow pane.
//!
//! The service's own module path is the part every user frame's import path shares, up to a `/`; it is dropped,
//! keeping the package, the receiver and the method. Other modules' symbols keep their whole path (where a
//! dependency comes from is worth reading), and the standard library's have no path to drop.

/// The directory part of a symbol's import path, with its trailing `/` (`github.com/example/`), or `""`.
fn dir(func: &str) -> &str {
    // A `/` inside a receiver or type argument list is not part of the import path.
    let path_end = func.find(['(', '[']).unwrap_or(func.len());
    match func[..path_end].rfind('/') {
        Some(i) => &func[..=i],
        None => "",
    }
}

/// The longest prefix, ending in `/`, shared by the import paths of the service's own symbols; `None` when they
/// have no path (a `main` package) or share none.
pub fn own_prefix<'a>(funcs: impl IntoIterator<Item = &'a str>) -> Option<String> {
    let mut common: Option<&str> = None;
    for func in funcs {
        let d = dir(func);
        if d.is_empty() {
            continue;
        }
        common = Some(match common {
            None => d,
            Some(c) => {
                let shared = c.bytes().zip(d.bytes()).take_while(|(a, b)| a == b).count();
                // Cut back to the last whole component.
                match c[..shared].rfind('/') {
                    Some(i) => &c[..=i],
                    None => "",
                }
            }
        });
    }
    common.filter(|c| !c.is_empty()).map(str::to_string)
}

/// `func` without the service's own module `prefix`.
pub fn short_symbol<'a>(func: &'a str, prefix: Option<&str>) -> &'a str {
    match prefix {
        Some(p) if !p.is_empty() && dir(func).starts_with(p) => &func[p.len()..],
        _ => func,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_services_module_path_is_dropped_and_the_receiver_and_method_kept() {
        let funcs = ["github.com/example/ratelimit.(*Backend).Load", "github.com/example/ratelimit/svc.handle"];
        let prefix = own_prefix(funcs);
        assert_eq!(prefix.as_deref(), Some("github.com/example/"));
        assert_eq!(short_symbol(funcs[0], prefix.as_deref()), "ratelimit.(*Backend).Load");
        assert_eq!(short_symbol(funcs[1], prefix.as_deref()), "ratelimit/svc.handle");
    }

    #[test]
    fn one_package_drops_its_parent_path() {
        let prefix = own_prefix(["github.com/example/ratelimit.(*Backend).Store"]);
        assert_eq!(
            short_symbol("github.com/example/ratelimit.(*Backend).Store", prefix.as_deref()),
            "ratelimit.(*Backend).Store"
        );
    }

    #[test]
    fn other_modules_and_the_standard_library_are_left_whole() {
        let prefix = own_prefix(["github.com/example/ratelimit.run"]);
        assert_eq!(
            short_symbol("golang.org/x/sync/errgroup.(*Group).Go", prefix.as_deref()),
            "golang.org/x/sync/errgroup.(*Group).Go"
        );
        assert_eq!(short_symbol("runtime.mapaccess1_faststr", prefix.as_deref()), "runtime.mapaccess1_faststr");
        assert_eq!(own_prefix(["main.main", "main.(*cache).get"]), None);
    }

    #[test]
    fn a_slash_in_a_type_argument_is_not_part_of_the_path() {
        assert_eq!(dir("example.com/m/p.F[go.shape.*example.com/m/q.T]"), "example.com/m/");
    }
}
