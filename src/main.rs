//! The `runbook` binary: all behaviour lives in the library; this only maps the result to an exit code.

fn main() {
    std::process::exit(runbook::cli::main());
}
