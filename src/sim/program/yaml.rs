//! The YAML form of a program and its compilation: names resolved to indices once, loops flattened into
//! head/tail jumps, keys parsed into `KeyExpr`. Errors name the goroutine and the offending name or value.

use super::{ChannelDecl, GoroutineCode, Instr, KeyExpr, MapDecl, MutexDecl, Program, SyncMapOp};
use crate::sim::maps::{KeyType, MapOp};
use crate::sim::SimError;
use serde::Deserialize;
use std::collections::BTreeMap;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ProgramSpec {
    name: String,
    #[serde(default)]
    description: String,
    #[serde(default = "default_file")]
    file: String,
    #[serde(default)]
    maps: BTreeMap<String, MapSpec>,
    #[serde(default)]
    waitgroups: Vec<String>,
    #[serde(default)]
    mutexes: Vec<String>,
    #[serde(default)]
    rwmutexes: Vec<String>,
    #[serde(default)]
    channels: BTreeMap<String, u32>,
    #[serde(default)]
    syncmaps: Vec<String>,
    goroutines: Vec<GoroutineSpec>,
}

fn default_file() -> String {
    "main.go".to_string()
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct MapSpec {
    #[serde(default)]
    key: KeyType,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct GoroutineSpec {
    name: String,
    #[serde(default)]
    func: Option<String>,
    /// The line of the function's closing brace, where it returns; defaults to the last operation's line.
    #[serde(default)]
    end_line: Option<u32>,
    ops: Vec<OpSpec>,
}

#[derive(Deserialize, Clone)]
#[serde(untagged)]
enum KeySpec {
    Int(i64),
    Expr(String),
}

#[derive(Deserialize)]
#[serde(tag = "op", rename_all = "snake_case", deny_unknown_fields)]
enum OpSpec {
    Read {
        map: String,
        #[serde(default)]
        key: Option<KeySpec>,
        line: u32,
    },
    Write {
        map: String,
        #[serde(default)]
        key: Option<KeySpec>,
        line: u32,
    },
    Delete {
        map: String,
        #[serde(default)]
        key: Option<KeySpec>,
        line: u32,
    },
    Range {
        map: String,
        line: u32,
    },
    Loop {
        times: u32,
        #[serde(default = "default_var")]
        var: String,
        body: Vec<OpSpec>,
    },
    Go {
        goroutine: String,
        line: u32,
    },
    WgAdd {
        wg: String,
        n: i64,
        line: u32,
    },
    WgDone {
        wg: String,
        line: u32,
    },
    WgWait {
        wg: String,
        line: u32,
    },
    Lock {
        mutex: String,
        line: u32,
    },
    Unlock {
        mutex: String,
        line: u32,
    },
    Rlock {
        mutex: String,
        line: u32,
    },
    Runlock {
        mutex: String,
        line: u32,
    },
    Send {
        chan: String,
        line: u32,
    },
    Recv {
        chan: String,
        line: u32,
    },
    Load {
        syncmap: String,
        line: u32,
    },
    Store {
        syncmap: String,
        line: u32,
    },
    SyncDelete {
        syncmap: String,
        line: u32,
    },
    SyncRange {
        syncmap: String,
        line: u32,
    },
    Sleep {
        us: f64,
        line: u32,
    },
    Alloc {
        bytes: u64,
        line: u32,
    },
    Work {
        ns: f64,
        line: u32,
    },
}

fn default_var() -> String {
    "i".to_string()
}

fn invalid(msg: String) -> SimError {
    SimError::Invalid(msg)
}

fn index_of(names: &[String], name: &str, what: &str, gname: &str) -> Result<u16, SimError> {
    names
        .iter()
        .position(|n| n == name)
        .map(|i| i as u16)
        .ok_or_else(|| invalid(format!("goroutine `{gname}`: unknown {what} `{name}`")))
}

/// Parses `i`, `i%16`, `i*4+1`, `i+3` against the enclosing loops' variable names.
fn parse_key(spec: &Option<KeySpec>, loops: &[String], gname: &str) -> Result<KeyExpr, SimError> {
    let text = match spec {
        None => return Ok(KeyExpr::Const(0)),
        Some(KeySpec::Int(k)) => return Ok(KeyExpr::Const(*k)),
        Some(KeySpec::Expr(t)) => t.replace(' ', ""),
    };
    let bad = || invalid(format!("goroutine `{gname}`: bad key `{text}` (want N, i, i*M+A, i%N)"));
    let (head, modulo) = match text.split_once('%') {
        Some((h, m)) => (h.to_string(), m.parse::<i64>().map_err(|_| bad())?),
        None => (text.clone(), 0),
    };
    let (head, add) = match head.split_once('+') {
        Some((h, a)) => (h.to_string(), a.parse::<i64>().map_err(|_| bad())?),
        None => (head, 0),
    };
    let (var, mul) = match head.split_once('*') {
        Some((v, m)) => (v.to_string(), m.parse::<i64>().map_err(|_| bad())?),
        None => (head, 1),
    };
    let depth = loops.iter().rposition(|v| *v == var).ok_or_else(|| {
        invalid(format!("goroutine `{gname}`: key `{text}` uses `{var}`, which is no enclosing loop's variable"))
    })?;
    Ok(KeyExpr::Loop { depth: depth as u8, mul, add, modulo })
}

struct Names {
    maps: Vec<String>,
    wgs: Vec<String>,
    mutexes: Vec<String>,
    rw: Vec<bool>,
    chans: Vec<String>,
    syncmaps: Vec<String>,
    goroutines: Vec<String>,
}

fn compile_ops(
    ops: &[OpSpec],
    names: &Names,
    gname: &str,
    loops: &mut Vec<String>,
    out: &mut Vec<Instr>,
) -> Result<(), SimError> {
    for op in ops {
        let mutex = |m: &str, want_rw: bool| -> Result<u16, SimError> {
            let i = index_of(&names.mutexes, m, "mutex", gname)?;
            if want_rw && !names.rw[i as usize] {
                return Err(invalid(format!("goroutine `{gname}`: `{m}` is a sync.Mutex, RLock needs a sync.RWMutex")));
            }
            Ok(i)
        };
        let instr = match op {
            OpSpec::Read { map, key, line } | OpSpec::Write { map, key, line } | OpSpec::Delete { map, key, line } => {
                let kind = match op {
                    OpSpec::Read { .. } => MapOp::Read,
                    OpSpec::Write { .. } => MapOp::Write,
                    _ => MapOp::Delete,
                };
                Instr::Map {
                    op: kind,
                    map: index_of(&names.maps, map, "map", gname)?,
                    key: parse_key(key, loops, gname)?,
                    line: *line,
                }
            }
            OpSpec::Range { map, line } => Instr::Map {
                op: MapOp::Range,
                map: index_of(&names.maps, map, "map", gname)?,
                key: KeyExpr::Const(0),
                line: *line,
            },
            OpSpec::Loop { times, var, body } => {
                let head = out.len();
                out.push(Instr::LoopHead { times: *times, exit: 0 });
                if loops.len() >= super::MAX_LOOP_DEPTH {
                    return Err(invalid(format!(
                        "goroutine `{gname}`: loops nest deeper than {}",
                        super::MAX_LOOP_DEPTH
                    )));
                }
                loops.push(var.clone());
                compile_ops(body, names, gname, loops, out)?;
                loops.pop();
                out.push(Instr::LoopTail { head: head as u32 });
                let exit = out.len() as u32;
                out[head] = Instr::LoopHead { times: *times, exit };
                continue;
            }
            OpSpec::Go { goroutine, line } => {
                let target = index_of(&names.goroutines, goroutine, "goroutine", gname)?;
                if target == 0 {
                    return Err(invalid(format!("goroutine `{gname}`: cannot `go` the main goroutine")));
                }
                Instr::Go { target, line: *line }
            }
            OpSpec::WgAdd { wg, n, line } => {
                Instr::WgAdd { wg: index_of(&names.wgs, wg, "waitgroup", gname)?, delta: *n, line: *line }
            }
            OpSpec::WgDone { wg, line } => {
                Instr::WgAdd { wg: index_of(&names.wgs, wg, "waitgroup", gname)?, delta: -1, line: *line }
            }
            OpSpec::WgWait { wg, line } => {
                Instr::WgWait { wg: index_of(&names.wgs, wg, "waitgroup", gname)?, line: *line }
            }
            OpSpec::Lock { mutex: m, line } => Instr::Lock { mu: mutex(m, false)?, line: *line },
            OpSpec::Unlock { mutex: m, line } => Instr::Unlock { mu: mutex(m, false)?, line: *line },
            OpSpec::Rlock { mutex: m, line } => Instr::RLock { mu: mutex(m, true)?, line: *line },
            OpSpec::Runlock { mutex: m, line } => Instr::RUnlock { mu: mutex(m, true)?, line: *line },
            OpSpec::Send { chan, line } => {
                Instr::Send { ch: index_of(&names.chans, chan, "channel", gname)?, line: *line }
            }
            OpSpec::Recv { chan, line } => {
                Instr::Recv { ch: index_of(&names.chans, chan, "channel", gname)?, line: *line }
            }
            OpSpec::Load { syncmap, line }
            | OpSpec::Store { syncmap, line }
            | OpSpec::SyncDelete { syncmap, line }
            | OpSpec::SyncRange { syncmap, line } => {
                let kind = match op {
                    OpSpec::Load { .. } => SyncMapOp::Load,
                    OpSpec::Store { .. } => SyncMapOp::Store,
                    OpSpec::SyncDelete { .. } => SyncMapOp::Delete,
                    _ => SyncMapOp::Range,
                };
                Instr::SyncMap { op: kind, sm: index_of(&names.syncmaps, syncmap, "sync.Map", gname)?, line: *line }
            }
            OpSpec::Sleep { us, line } => Instr::Sleep { ns: us.max(0.0) * 1000.0, line: *line },
            OpSpec::Alloc { bytes, line } => Instr::Alloc { bytes: *bytes, line: *line },
            OpSpec::Work { ns, line } => Instr::Work { ns: ns.max(0.0), line: *line },
        };
        out.push(instr);
    }
    Ok(())
}

impl Program {
    /// Loads and validates a program; errors name the goroutine and the unknown name or bad value.
    pub fn from_yaml(text: &str) -> Result<Program, SimError> {
        if text.len() > super::MAX_PROGRAM_BYTES {
            return Err(invalid(format!("larger than {} bytes", super::MAX_PROGRAM_BYTES)));
        }
        // serde_yaml bounds nesting (a recursion limit of 128) and the events aliases replay, but not the bytes
        // they copy: `yaml_guard` checks those first. A loop body deeper than MAX_LOOP_DEPTH is refused below.
        super::yaml_guard::check(text)?;
        let spec: ProgramSpec = serde_yaml::from_str(text).map_err(|e| SimError::Yaml(e.to_string()))?;
        if spec.goroutines.is_empty() {
            return Err(invalid("a program needs at least the main goroutine".into()));
        }
        let mut mutexes: Vec<MutexDecl> =
            spec.mutexes.iter().map(|n| MutexDecl { name: n.clone(), rw: false }).collect();
        mutexes.extend(spec.rwmutexes.iter().map(|n| MutexDecl { name: n.clone(), rw: true }));
        let names = Names {
            maps: spec.maps.keys().cloned().collect(),
            wgs: spec.waitgroups.clone(),
            mutexes: mutexes.iter().map(|m| m.name.clone()).collect(),
            rw: mutexes.iter().map(|m| m.rw).collect(),
            chans: spec.channels.keys().cloned().collect(),
            syncmaps: spec.syncmaps.clone(),
            goroutines: spec.goroutines.iter().map(|g| g.name.clone()).collect(),
        };
        for (i, n) in names.goroutines.iter().enumerate() {
            if names.goroutines[..i].contains(n) {
                return Err(invalid(format!("goroutine `{n}` is defined twice")));
            }
        }
        let mut goroutines = Vec::new();
        for (i, g) in spec.goroutines.iter().enumerate() {
            let mut code = Vec::new();
            compile_ops(&g.ops, &names, &g.name, &mut Vec::new(), &mut code)?;
            let last_line = code.iter().rev().map(Instr::line).find(|l| *l > 0).unwrap_or(1);
            code.push(Instr::Return { line: g.end_line.unwrap_or(last_line) });
            let func =
                g.func.clone().unwrap_or_else(
                    || {
                        if i == 0 {
                            "main.main".into()
                        } else {
                            format!("main.main.func{i}")
                        }
                    },
                );
            goroutines.push(GoroutineCode { name: g.name.clone(), func, code });
        }
        Ok(Program {
            name: spec.name,
            description: spec.description,
            file: spec.file,
            maps: spec.maps.iter().map(|(n, m)| MapDecl { name: n.clone(), key: m.key }).collect(),
            waitgroups: spec.waitgroups,
            mutexes,
            channels: spec.channels.iter().map(|(n, c)| ChannelDecl { name: n.clone(), cap: *c }).collect(),
            syncmaps: spec.syncmaps,
            goroutines,
        })
    }
}
