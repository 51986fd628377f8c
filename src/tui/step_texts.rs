//! The steps' Markdown, rendered when first shown instead of all at start: rendering highlights code blocks
//! (syntect), and for a 24-step runbook that was a fifth of the time to the first frame (issue 17). A step's text
//! is rendered once, on its first use (drawn, scrolled or searched), and kept.

use super::markdown::{self, Doc};
use super::Theme;
use std::cell::OnceCell;

pub struct StepTexts {
    sources: Vec<String>,
    docs: Vec<OnceCell<Doc>>,
    theme: Theme,
}

impl StepTexts {
    /// The texts of the steps, in order, to render with `theme`.
    pub fn new(sources: Vec<String>, theme: Theme) -> StepTexts {
        let docs = sources.iter().map(|_| OnceCell::new()).collect();
        StepTexts { sources, docs, theme }
    }

    /// Step `index`'s rendered text, rendered now if it never was.
    pub fn get(&self, index: usize) -> Option<&Doc> {
        let source = self.sources.get(index)?;
        Some(self.docs.get(index)?.get_or_init(|| markdown::parse(source, &self.theme)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_text_is_rendered_on_first_use_only_and_out_of_range_is_none() {
        let texts = StepTexts::new(vec!["one".into(), "```go\nx := 1\n```".into()], Theme::plain());
        assert!(texts.docs.iter().all(|d| d.get().is_none()), "nothing rendered at start");
        let first = texts.get(1).map(|d| d.lines(40).len());
        assert!(texts.docs[0].get().is_none() && texts.docs[1].get().is_some());
        assert_eq!(texts.get(1).map(|d| d.lines(40).len()), first);
        assert!(texts.get(2).is_none());
    }
}
