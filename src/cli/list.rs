//! `runbook list`: the bundled runbooks.

use crate::bundled;
use crate::engine;

pub fn run() -> i32 {
    for b in bundled::runbooks() {
        match engine::load(&b.file, b.yaml) {
            Ok(rb) => println!("{:<24} {} ({} steps)", rb.id, rb.title, rb.step_count()),
            Err(e) => println!("{:<24} <invalid: {e}>", b.id),
        }
    }
    0
}
