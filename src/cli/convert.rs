//! `runbook convert FILE.md`: a Markdown runbook as the equivalent YAML, for teams that grow a Markdown runbook
//! into a full one (captures, parse and blame steps). The YAML is checked to load before it is printed, so what
//! comes out is a runbook `check` accepts. Runs nothing.

use super::Code;
use anyhow::Context as _;
use std::io::Write;

pub fn run(file: &str) -> anyhow::Result<Code> {
    let bytes = super::source::read_runbook(std::path::Path::new(file)).map_err(anyhow::Error::msg)?;
    let text = String::from_utf8(bytes).with_context(|| format!("{file}: not UTF-8"))?;
    let converted = crate::engine::markdown::convert(file, &text)?;
    // The same runbook `open FILE.md` gives: positions of its problems are in the Markdown file.
    crate::engine::load(file, text.as_bytes())?;
    let mut out = std::io::stdout().lock();
    out.write_all(converted.yaml.as_bytes())?;
    out.flush()?;
    Ok(Code::Success)
}
