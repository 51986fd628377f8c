//! Problems found in a runbook, each with file, line, column and the path of the node.

use super::yaml::Pos;
use std::fmt;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub line: usize,
    pub col: usize,
    /// `phases[1].steps[2].run.timeout`; empty for the document itself.
    pub path: String,
    pub message: String,
}

impl Diagnostic {
    pub fn new(pos: Pos, path: impl Into<String>, message: impl Into<String>) -> Self {
        Diagnostic { line: pos.line.max(1), col: pos.col.max(1), path: path.into(), message: message.into() }
    }

    /// `file:line:col: path: message`, the shape editors and CI logs link.
    pub fn render(&self, file: &str) -> String {
        if self.path.is_empty() {
            format!("{file}:{}:{}: {}", self.line, self.col, self.message)
        } else {
            format!("{file}:{}:{}: {}: {}", self.line, self.col, self.path, self.message)
        }
    }
}

/// All problems of one file.
#[derive(Debug, Clone)]
pub struct LoadError {
    pub file: String,
    pub diagnostics: Vec<Diagnostic>,
}

impl fmt::Display for LoadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, d) in self.diagnostics.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{}", d.render(&self.file))?;
        }
        Ok(())
    }
}

impl std::error::Error for LoadError {}
