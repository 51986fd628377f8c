//! `runbook check FILE...`: validates without running anything; every problem with file:line:col and step path.

use crate::engine;

pub fn run(files: &[String]) -> i32 {
    let mut code = 0;
    for file in files {
        let bytes = match super::source::read_runbook(std::path::Path::new(file)) {
            Ok(b) => b,
            Err(e) => {
                eprintln!("{e}");
                code = 2;
                continue;
            }
        };
        match engine::load(file, &bytes) {
            Ok(rb) => println!("{file}: ok ({} phases, {} steps)", rb.phases.len(), rb.step_count()),
            Err(e) => {
                eprintln!("{e}");
                let n = e.diagnostics.len();
                eprintln!("{file}: {n} problem{}", if n == 1 { "" } else { "s" });
                code = 2;
            }
        }
    }
    code
}
