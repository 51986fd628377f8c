//! Issue 16 in the TUI: `C` in the source view blames as `git blame -C`, so a function moved to another file
//! shows the commit that wrote it instead of the move; `C` again is plain blame. The title says which.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::blame_support;
use crate::tui_support;

use runbook::tui::action::{Intent, Message};
use runbook::tui::{App, Theme};
use tui_support::{app_from, apply, runbook, screen, settle};

/// Ann writes `alpha` in a.go; Bob moves it to b.go.
const MOVED: &str = r#"
cat >a.go <<'EOF'
package store

func alpha(values []int) int {
	total := 0
	for _, value := range values {
		total += value
	}
	return total
}
EOF
git add a.go
ci Ann -m "alpha"
printf 'package store\n' >a.go
cat >b.go <<'EOF'
package store

// alpha moved here from a.go
func alpha(values []int) int {
	total := 0
	for _, value := range values {
		total += value
	}
	return total
}
EOF
git add b.go
ci Bob -a -m "move alpha to b.go"
"#;

fn source_of_b(repo: &std::path::Path, width: u16, height: u16) -> App {
    let mut app = app_from(&runbook("      - id: r\n        title: R\n"), &repo.display().to_string(), Theme::plain());
    apply(&mut app, &[Message::Resize { width, height }]);
    apply(&mut app, &[Intent::OpenSource { file: repo.join("b.go"), line: 5 }]);
    settle(&mut app);
    app
}

fn shown(app: &mut App, width: u16, height: u16, tmp: &std::path::Path) -> String {
    screen(app, width, height).backend().to_string().replace(&tmp.display().to_string(), "<tmp>")
}

/// The gutter's author on the screen row of the code containing `code` (the gutter names the author at the
/// first line of each run of lines from one commit, and is blank below it).
fn author_on(text: &str, code: &str) -> &'static str {
    let row = text.lines().find(|row| row.contains(code)).unwrap_or_default();
    match (row.contains("Ann"), row.contains("Bob")) {
        (true, false) => "Ann",
        (false, true) => "Bob",
        _ => "-",
    }
}

#[test]
fn c_upper_blames_moved_lines_on_their_author_and_back() {
    let temp = tempfile::tempdir().unwrap();
    let Some(history) = blame_support::build(temp.path(), MOVED) else { return };
    for (width, height) in [(80, 24), (120, 40)] {
        let mut app = source_of_b(&history.repo, width, height);
        let plain = shown(&mut app, width, height, temp.path());
        // Plain blame: the whole file is the move's, one run from line 1.
        assert!(plain.contains("Bob") && !plain.contains("Ann"), "plain blame: the move\n{plain}");
        assert!(!plain.contains("blame -C"), "{plain}");
        apply(&mut app, &[Intent::ToggleMovesBlame]);
        settle(&mut app);
        let moves = shown(&mut app, width, height, temp.path());
        // -C: the function is Ann's from its first line; the comment the move added stays Bob's.
        assert_eq!(author_on(&moves, "func alpha"), "Ann", "-C: the author\n{moves}");
        assert_eq!(author_on(&moves, "package store"), "Bob", "{moves}");
        assert_eq!(author_on(&moves, "moved here"), "-", "in Bob's run\n{moves}");
        assert!(moves.contains("blame -C"), "the title says so:\n{moves}");
        insta::assert_snapshot!(format!("moves_{width}x{height}"), moves);
        apply(&mut app, &[Intent::ToggleMovesBlame]);
        settle(&mut app);
        let again = shown(&mut app, width, height, temp.path());
        let code = |text: &str| text.lines().take(height as usize - 1).collect::<Vec<_>>().join("\n");
        assert_eq!(code(&again), code(&plain), "plain blame again (the flash apart)");
        assert!(again.contains("plain blame"), "{again}");
    }
}

#[test]
fn c_upper_is_the_source_views_key_for_blame_with_moves() {
    use crossterm::event::KeyCode;
    use runbook::tui::keymap::{action_for, Scope};
    assert_eq!(action_for(Scope::Source, tui_support::key(KeyCode::Char('C'))), Some(Intent::ToggleMovesBlame));
}
