//! Programs the simulator runs: goroutines as lists of operations with source lines, written in YAML so that a
//! runbook can ship its own. Loading resolves every name once and flattens loops into jumps, so the machine
//! works on small integers and never looks a name up while stepping.

use super::maps::{KeyType, MapOp};

mod yaml;
mod yaml_guard;

/// Largest program file accepted: the built-in ones are a few KiB.
pub const MAX_PROGRAM_BYTES: usize = 1 << 20;

/// Deepest loop nesting a program may use.
pub const MAX_LOOP_DEPTH: usize = 4;

/// A loaded, validated program.
#[derive(Debug, Clone)]
pub struct Program {
    pub name: String,
    pub description: String,
    /// The Go source file the lines refer to, as a traceback prints it.
    pub file: String,
    pub maps: Vec<MapDecl>,
    pub waitgroups: Vec<String>,
    pub mutexes: Vec<MutexDecl>,
    pub channels: Vec<ChannelDecl>,
    pub syncmaps: Vec<String>,
    /// Goroutine bodies; index 0 is `main`, the others start only through `go`.
    pub goroutines: Vec<GoroutineCode>,
}

#[derive(Debug, Clone)]
pub struct MapDecl {
    pub name: String,
    pub key: KeyType,
}

#[derive(Debug, Clone)]
pub struct MutexDecl {
    pub name: String,
    pub rw: bool,
}

#[derive(Debug, Clone)]
pub struct ChannelDecl {
    pub name: String,
    pub cap: u32,
}

#[derive(Debug, Clone)]
pub struct GoroutineCode {
    pub name: String,
    /// The Go function name a traceback shows, e.g. `main.main.func1`.
    pub func: String,
    pub code: Vec<Instr>,
}

/// A map key: a constant or an expression `(i*mul + add) % modulo` of an enclosing loop's counter.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum KeyExpr {
    Const(i64),
    Loop { depth: u8, mul: i64, add: i64, modulo: i64 },
}

impl KeyExpr {
    pub fn eval(self, loops: &[u32]) -> i64 {
        match self {
            KeyExpr::Const(k) => k,
            KeyExpr::Loop { depth, mul, add, modulo } => {
                let i = loops.get(depth as usize).copied().unwrap_or(0) as i64;
                let v = i.wrapping_mul(mul).wrapping_add(add);
                if modulo > 0 {
                    v.rem_euclid(modulo)
                } else {
                    v
                }
            }
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SyncMapOp {
    Load,
    Store,
    Delete,
    Range,
}

/// One flattened instruction. Loop heads and tails are bookkeeping the machine runs between micro-steps.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Instr {
    Map { op: MapOp, map: u16, key: KeyExpr, line: u32 },
    Go { target: u16, line: u32 },
    WgAdd { wg: u16, delta: i64, line: u32 },
    WgWait { wg: u16, line: u32 },
    Lock { mu: u16, line: u32 },
    Unlock { mu: u16, line: u32 },
    RLock { mu: u16, line: u32 },
    RUnlock { mu: u16, line: u32 },
    Send { ch: u16, line: u32 },
    Recv { ch: u16, line: u32 },
    SyncMap { op: SyncMapOp, sm: u16, line: u32 },
    Sleep { ns: f64, line: u32 },
    Alloc { bytes: u64, line: u32 },
    Work { ns: f64, line: u32 },
    LoopHead { times: u32, exit: u32 },
    LoopTail { head: u32 },
    Return { line: u32 },
}

impl Instr {
    pub fn line(&self) -> u32 {
        match *self {
            Instr::Map { line, .. }
            | Instr::Go { line, .. }
            | Instr::WgAdd { line, .. }
            | Instr::WgWait { line, .. }
            | Instr::Lock { line, .. }
            | Instr::Unlock { line, .. }
            | Instr::RLock { line, .. }
            | Instr::RUnlock { line, .. }
            | Instr::Send { line, .. }
            | Instr::Recv { line, .. }
            | Instr::SyncMap { line, .. }
            | Instr::Sleep { line, .. }
            | Instr::Alloc { line, .. }
            | Instr::Work { line, .. }
            | Instr::Return { line } => line,
            Instr::LoopHead { .. } | Instr::LoopTail { .. } => 0,
        }
    }
}

impl Program {
    /// The Go function name of goroutine body `template` (falls back to main), for frames.
    pub fn func_of(&self, template: usize) -> &str {
        self.goroutines.get(template).map(|g| g.func.as_str()).unwrap_or("main.main")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loops_flatten_into_head_and_tail_with_exit_past_the_body() {
        let p = Program::from_yaml(
            "name: t\nmaps: {m: {}}\ngoroutines:\n- name: main\n  ops:\n  - op: loop\n    times: 3\n    body:\n    - {op: write, map: m, key: i%2, line: 5}\n",
        )
        .unwrap();
        let code = &p.goroutines[0].code;
        assert_eq!(code[0], Instr::LoopHead { times: 3, exit: 3 });
        assert!(matches!(code[1], Instr::Map { op: MapOp::Write, key: KeyExpr::Loop { modulo: 2, .. }, .. }));
        assert_eq!(code[2], Instr::LoopTail { head: 0 });
        assert_eq!(code[3], Instr::Return { line: 5 });
    }

    #[test]
    fn unknown_names_are_reported_with_the_goroutine() {
        let err =
            Program::from_yaml("name: t\ngoroutines:\n- name: main\n  ops:\n  - {op: read, map: nope, line: 3}\n")
                .unwrap_err()
                .to_string();
        assert!(err.contains("main") && err.contains("nope"), "{err}");
    }

    #[test]
    fn key_expressions_evaluate_against_the_loop_counter() {
        let k = KeyExpr::Loop { depth: 0, mul: 4, add: 1, modulo: 0 };
        assert_eq!(k.eval(&[3]), 13);
        let m = KeyExpr::Loop { depth: 0, mul: 1, add: 0, modulo: 16 };
        assert_eq!(m.eval(&[17]), 1);
    }
}
