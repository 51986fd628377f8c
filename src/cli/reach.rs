//! Which `choose` steps a headless run can reach without an answer, found before anything runs. A headless run
//! has nobody to ask: a choice it reaches unanswered used to be skipped, and the run then went on into the first
//! branch (and the next ones), running fixes nobody chose. So `run` and `resume` walk the runbook first the way
//! the engine moves when every step passes (a step's `next:`, an answered choice's `goto`, else the next step;
//! steps outside the `--phase` selection are skipped) and refuse up front, naming each choice and its options.
//! Failures at run time are not predicted: they only ever move the run to the next step.

use crate::engine::{find_option, Action, Runbook};
use std::collections::BTreeMap;

/// A `choose` step the walk reached that `--answer` does not settle.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Gap {
    pub step: String,
    /// The option ids, for the message.
    pub options: Vec<String>,
    /// The answer given, when it names no option.
    pub bad_answer: Option<String>,
}

/// Every choice reachable from step `start` that the answers leave open. Where a choice is open, each of its
/// branches is walked, so one refusal names all the answers the run needs.
pub fn open_choices(
    runbook: &Runbook,
    start: usize,
    answers: &BTreeMap<String, String>,
    phases: &[String],
) -> Vec<Gap> {
    walk(runbook, start, answers, phases).0
}

/// The ids of the steps the run can reach from `start` and will run (in a selected phase), in runbook order:
/// an `evidence` step among them needs `--log`.
pub fn reachable(
    runbook: &Runbook,
    start: usize,
    answers: &BTreeMap<String, String>,
    phases: &[String],
) -> Vec<String> {
    let (_, seen) = walk(runbook, start, answers, phases);
    let selected = |phase: &str| phases.is_empty() || phases.iter().any(|p| p == phase);
    let steps = runbook.phases.iter().flat_map(|p| p.steps.iter().map(move |s| (p.id.as_str(), s)));
    steps.zip(seen).filter(|((phase, _), seen)| *seen && selected(phase)).map(|((_, s), _)| s.id.clone()).collect()
}

fn walk(
    runbook: &Runbook,
    start: usize,
    answers: &BTreeMap<String, String>,
    phases: &[String],
) -> (Vec<Gap>, Vec<bool>) {
    let steps: Vec<(&str, &crate::engine::Step)> =
        runbook.phases.iter().flat_map(|p| p.steps.iter().map(move |s| (p.id.as_str(), s))).collect();
    let selected = |phase: &str| phases.is_empty() || phases.iter().any(|p| p == phase);
    let mut gaps: Vec<Gap> = Vec::new();
    let mut seen = vec![false; steps.len()];
    let mut todo = vec![start];
    while let Some(index) = todo.pop() {
        let Some(&(phase, step)) = steps.get(index) else { continue };
        if std::mem::replace(&mut seen[index], true) {
            continue;
        }
        let after = step.next.as_deref().and_then(|n| runbook.step_index(n)).unwrap_or(index + 1);
        let choose = match &step.action {
            Some(Action::Choose(c)) if selected(phase) => c,
            _ if selected(phase) => {
                todo.push(after);
                continue;
            }
            // A skipped step moves on to the next, not to its `next:` (that is followed only when it passes).
            _ => {
                todo.push(index + 1);
                continue;
            }
        };
        let goto = |option: &crate::engine::ChoiceOption| {
            option.goto.as_deref().and_then(|g| runbook.step_index(g)).unwrap_or(after)
        };
        match answers.get(&step.id).map(|a| (a, find_option(choose, a))) {
            Some((_, Some(option))) => todo.push(goto(option)),
            answered => {
                gaps.push(Gap {
                    step: step.id.clone(),
                    options: choose.options.iter().map(|o| o.id.clone()).collect(),
                    bad_answer: answered.map(|(a, _)| a.clone()),
                });
                todo.extend(choose.options.iter().map(goto));
            }
        }
    }
    gaps.sort_by_key(|g| runbook.step_index(&g.step));
    (gaps, seen)
}

/// The refusal for `gaps`, one line per open choice; `None` when there is none.
pub fn refusal(gaps: &[Gap]) -> Option<String> {
    if gaps.is_empty() {
        return None;
    }
    let lines: Vec<String> = gaps
        .iter()
        .map(|g| match &g.bad_answer {
            Some(bad) => format!(
                "--answer {}={bad} names no option of step `{}` (options: {})",
                g.step,
                g.step,
                g.options.join(", ")
            ),
            None => {
                format!("step `{}` is a choice: --answer {}=OPTION (options: {})", g.step, g.step, g.options.join(", "))
            }
        })
        .collect();
    Some(format!(
        "a headless run has nobody to ask, and it can reach {} unanswered: {}",
        if gaps.len() == 1 { "a choice" } else { "choices" },
        lines.join("; ")
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    const BRANCHES: &str = "id: b\ntitle: B\nphases:\n- id: one\n  title: One\n  steps:\n  - id: first\n    title: F\n    text: t\n    run:\n      command: echo\n  - id: pick\n    title: P\n    text: t\n    choose:\n      question: q?\n      options:\n      - {id: a, label: A, goto: a}\n      - {id: b, label: B, goto: b}\n- id: two\n  title: Two\n  steps:\n  - id: a\n    title: A\n    text: t\n    next: done\n    choose:\n      question: again?\n      options:\n      - {id: x, label: X}\n      - {id: y, label: Y}\n  - id: b\n    title: B\n    text: t\n    run:\n      command: echo\n  - id: done\n    title: D\n    text: t\n";

    fn gaps(answers: &[(&str, &str)], phases: &[&str]) -> Vec<String> {
        let runbook = crate::engine::load("b.yaml", BRANCHES.as_bytes()).unwrap();
        let answers = answers.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        let phases: Vec<String> = phases.iter().map(|p| p.to_string()).collect();
        open_choices(&runbook, 0, &answers, &phases).into_iter().map(|g| g.step).collect()
    }

    #[test]
    fn an_open_choice_names_itself_and_the_choices_behind_each_of_its_branches() {
        assert_eq!(gaps(&[], &[]), ["pick", "a"]);
    }

    #[test]
    fn an_answer_follows_its_branch_only() {
        assert_eq!(gaps(&[("pick", "b")], &[]), Vec::<String>::new());
        assert_eq!(gaps(&[("pick", "A")], &[]), ["a"]);
        assert_eq!(gaps(&[("pick", "1"), ("a", "y")], &[]), Vec::<String>::new());
    }

    #[test]
    fn a_choice_outside_the_selected_phases_is_skipped_and_a_wrong_answer_is_a_gap() {
        assert_eq!(gaps(&[], &["one"]), ["pick"]);
        assert_eq!(gaps(&[("pick", "b")], &["two"]), ["a"]);
        let runbook = crate::engine::load("b.yaml", BRANCHES.as_bytes()).unwrap();
        let answers = [("pick".to_string(), "zz".to_string())].into_iter().collect();
        let found = open_choices(&runbook, 0, &answers, &[]);
        assert_eq!(found[0].bad_answer.as_deref(), Some("zz"));
        assert!(refusal(&found).unwrap().contains("--answer pick=zz names no option"), "{found:?}");
    }

    #[test]
    fn the_reachable_steps_follow_answers_and_phases() {
        let runbook = crate::engine::load("b.yaml", BRANCHES.as_bytes()).unwrap();
        let answers = [("pick".to_string(), "b".to_string())].into_iter().collect();
        assert_eq!(reachable(&runbook, 0, &answers, &[]), ["first", "pick", "b", "done"]);
        // Phase one skipped: its choice is not made, so the run goes on to `a` (and its `next:`).
        assert_eq!(reachable(&runbook, 0, &answers, &["two".to_string()]), ["a", "done"]);
        // Unanswered: every branch may be taken.
        assert_eq!(reachable(&runbook, 0, &BTreeMap::new(), &[]), ["first", "pick", "a", "b", "done"]);
    }
}
