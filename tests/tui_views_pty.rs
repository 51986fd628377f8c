//! The source view's `e` end to end in a pseudo-terminal: the real binary runs a grep step, Enter opens the
//! match in the source view, `e` starts `$EDITOR +LINE FILE`. The editor (a script) finds the terminal given
//! back (canonical mode, main screen) and reads the keys typed while it runs (runbook no longer does); when it
//! exits the source view is drawn again and keeps working.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::pty_support;

use portable_pty::CommandBuilder;
use pty_support::Pty;
use std::path::Path;

/// The binary on `runbook` in a pseudo-terminal, with `editor` as $EDITOR and HOME/XDG inside `dir`.
fn open(runbook: &Path, dir: &Path, editor: &Path) -> Pty {
    let mut cmd = CommandBuilder::new(env!("CARGO_BIN_EXE_runbook"));
    cmd.arg(runbook);
    cmd.cwd(dir);
    for var in ["HOME", "XDG_STATE_HOME", "XDG_CACHE_HOME", "XDG_CONFIG_HOME"] {
        cmd.env(var, dir.join("home"));
    }
    cmd.env("TERM", "xterm-256color");
    cmd.env("EDITOR", editor);
    Pty::spawn(cmd)
}

#[test]
fn e_runs_the_editor_on_a_given_back_terminal_and_the_view_returns() {
    let dir = tempfile::tempdir().unwrap();
    let src = dir.path().join("src");
    std::fs::create_dir_all(&src).unwrap();
    std::fs::write(src.join("cache.go"), "package cache\n\nvar prices = map[string]int{}\n").unwrap();
    let runbook = dir.path().join("views.yaml");
    let yaml = "id: v\ntitle: Views\nphases:\n  - id: p\n    title: P\n    steps:\n      - id: sites\n        \
                title: Find map sites\n        grep:\n          pattern: 'map\\['\n          paths: [src]\n";
    std::fs::write(&runbook, yaml).unwrap();
    let marker = dir.path().join("editor.txt");
    let editor = dir.path().join("editor.sh");
    let script = format!(
        "#!/bin/sh\nstty -a | grep -o -- '-*icanon' > {m}\necho \"args: $*\" >> {m}\necho EDITOR-RUNNING\n\
         read line\necho \"read: $line\" >> {m}\n",
        m = marker.display()
    );
    std::fs::write(&editor, script).unwrap();
    std::fs::set_permissions(&editor, std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();

    let mut pty = open(&runbook, dir.path(), &editor);
    pty.wait_for("Find map sites");
    pty.send("\r");
    pty.wait_for("1 match in 1 file");
    pty.send("\r");
    pty.wait_for("src/cache.go:3");
    pty.send("e");
    pty.wait_for("EDITOR-RUNNING");
    pty.wait_until("leaving the alternate screen", |s| !s.alternate_screen());
    // Typed while the editor runs: its input, not runbook's (q would close the source view).
    pty.send("q typed\r");
    pty.wait_until("the source view redrawn", |s| s.alternate_screen() && s.contents().contains("src/cache.go:3"));
    let seen = std::fs::read_to_string(&marker).unwrap();
    let file = src.join("cache.go");
    let want = format!("icanon\nargs: +3 {}\nread: q typed\n", file.display());
    assert_eq!(seen, want, "raw mode was off for the editor, which got the line, the file and the keys");
    // Ctrl-C in the editor is sent to runbook too (same process group, cooked mode): it must survive it.
    pty.send("e");
    pty.wait_for("EDITOR-RUNNING");
    pty.wait_until("leaving the alternate screen again", |s| !s.alternate_screen());
    pty.send("\x03");
    pty.wait_until("the view back after Ctrl-C", |s| s.alternate_screen() && s.contents().contains("editor:"));
    assert!(pty.child.try_wait().unwrap().is_none(), "runbook survived the editor's Ctrl-C");
    pty.send("j");
    pty.wait_for("src/cache.go:3");
    pty.send("q");
    pty.wait_for("1 match in 1 file");
    pty.send("q");
    pty.wait_exit();
}
