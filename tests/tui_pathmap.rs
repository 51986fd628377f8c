//! Correcting the evidence's path mapping on screen (issue 10): the crash log's `/go/src/app/…` frames first map
//! to a wrong file by the longest-suffix guess (a legacy copy under `app/`); `p` opens a one-line prompt
//! prefilled with that mapping, Enter with `/go/src/app/=` applies it to the evidence (journaled, with the
//! rewrite recorded) and to every frame opened afterwards, and the screen says which mapping is now used.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::tui_support;

use runbook::evidence::{Pending, Redactor, Source};
use runbook::tui::action::{Intent, Message};
use runbook::tui::journaling;
use runbook::tui::keymap::Scope;
use runbook::tui::screen::Overlay;
use runbook::tui::views::View;
use runbook::tui::App;
use std::path::{Path, PathBuf};
use tui_support::{apply, screen, settle};

fn incident() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/incident")
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

/// The service, with a legacy copy of it under `app/` that the suffix rule prefers.
fn service_with_a_decoy(dir: &Path) -> PathBuf {
    let repo = dir.join("inventory");
    copy_dir(&incident().join("service"), &repo);
    copy_dir(&incident().join("service/internal"), &repo.join("app/internal"));
    repo
}

/// An evidence step on `repo` and a parse step on the same log; the evidence loaded as `--log` would.
fn app_with_evidence(dir: &Path, repo: &Path) -> App {
    let log = incident().join("logs/crash.go1.27.log");
    let yaml = format!(
        "id: v\ntitle: Views\nvars:\n  - name: repo\n    default: {repo:?}\nphases:\n  - id: p\n    title: P\n    \
         steps:\n      - id: evidence\n        title: Read the production crash\n        evidence:\n          \
         repo: \"{{{{repo}}}}\"\n        capture:\n          - {{name: incident, from: result}}\n      - id: \
         triage\n        title: The crash's frames\n        parse:\n          file: {log:?}\n",
        repo = repo.display().to_string(),
        log = log.display().to_string(),
    );
    let mut app = tui_support::journaled_app(&yaml, "views.yaml", dir, &dir.join("session.jsonl"));
    app.apply(Message::Resize { width: 80, height: 24 });
    let bytes = std::fs::read(&log).unwrap();
    let pending = Pending {
        sources: vec![Source { name: log.display().to_string(), bytes }],
        redactor: Redactor::new(&[]).unwrap(),
        rewrites: Vec::new(),
        parsed: None,
        deferred: Vec::new(),
    };
    journaling::load_evidence(&mut app, &pending).unwrap();
    app
}

fn service_file(app: &App) -> (String, String) {
    let triage = app.session().evidence_triage().unwrap();
    let site = triage.lookup_key("service_frame").unwrap();
    (site.lookup_key("file").unwrap().to_text(), site.lookup_key("mapped_by").unwrap().to_text())
}

#[test]
fn p_corrects_a_wrong_guess_for_the_evidence_and_every_frame_and_journals_it() {
    let dir = tempfile::tempdir().unwrap();
    let repo = service_with_a_decoy(dir.path());
    let mut app = app_with_evidence(dir.path(), &repo);
    assert_eq!(
        service_file(&app),
        ("app/internal/stock/stock.go".to_string(), "by suffix /go/src/=".to_string()),
        "the suffix rule guesses the legacy copy"
    );
    assert!(app.flash().unwrap().contains("mapped by suffix /go/src/="), "{:?}", app.flash());

    // p opens the prompt with the mapping in use, ready to edit.
    apply(&mut app, &[Intent::MapPathStart]);
    assert_eq!(app.scope(), Scope::PathMap);
    let Overlay::PathMap(prompt) = app.overlay() else { panic!("the path prompt") };
    assert_eq!(prompt.text, "/go/src/=");
    insta::assert_snapshot!("path_prompt_80x24", screen(&mut app, 80, 24).backend());

    // A rewrite that is not one is refused in place, saying why.
    apply(&mut app, &[Intent::TextClear]);
    apply(&mut app, &"/go/src/app/".chars().map(Intent::TextChar).collect::<Vec<_>>());
    apply(&mut app, &[Intent::Confirm]);
    let Overlay::PathMap(prompt) = app.overlay() else { panic!("still open after a bad rewrite") };
    assert!(prompt.problem.as_deref().unwrap().contains("FROM=TO"), "{:?}", prompt.problem);

    apply(&mut app, &[Intent::TextChar('=')]);
    apply(&mut app, &[Intent::Confirm]);
    assert!(matches!(app.overlay(), Overlay::None));
    assert_eq!(
        service_file(&app),
        ("internal/stock/stock.go".to_string(), "by your rewrite /go/src/app/=".to_string())
    );
    let flash = app.flash().unwrap();
    assert!(flash.contains("internal/stock/stock.go now mapped by your rewrite /go/src/app/="), "{flash}");
    assert!(flash.contains("journaled"), "{flash}");

    // Journaled: the last evidence event records the rewrite and the corrected site.
    let journal = std::fs::read_to_string(dir.path().join("session.jsonl")).unwrap();
    let last = journal.lines().rev().find(|l| l.contains("\"type\":\"evidence\"")).unwrap();
    assert!(last.contains("\"rewrites\":[\"/go/src/app/=\"]"), "{last}");
    assert!(last.contains("\"file\":\"internal/stock/stock.go\""), "{last}");

    // Every frame: the parse step's frame opens the corrected file, and the view says how it was mapped.
    apply(&mut app, &[Intent::Down, Intent::Run]);
    settle(&mut app);
    for _ in 0..20 {
        let at = app.result_of(1).and_then(|r| r.target().cloned());
        if matches!(&at, Some(runbook::tui::results::Target::Source { file, .. }) if file.ends_with("stock/stock.go")) {
            break;
        }
        apply(&mut app, &[Intent::Down]);
    }
    apply(&mut app, &[Intent::Open]);
    let Some(View::Source(view)) = app.view() else { panic!("a source view") };
    assert_eq!(view.path, repo.join("internal/stock/stock.go"));
    assert_eq!(view.origin.as_deref(), Some("/go/src/app/internal/stock/stock.go"));
    assert_eq!(view.mapped_by.as_deref(), Some("by your rewrite /go/src/app/="));
}
