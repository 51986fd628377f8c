//! The map header as each Go runtime keeps it, and the micro-steps of every map operation, transcribed from the
//! runtime source: `runtime/map.go` + `map_fast*.go` (classic `hmap`, Go ≤ 1.23) and
//! `internal/runtime/maps/{map,runtime_fast*,table}.go` (Swiss tables, Go ≥ 1.24). Detection is a plain flag,
//! not a lock: the checks here are the only places a crash can come from, so they follow the source line by line.

use serde::Serialize;
use std::collections::BTreeSet;

/// `h.flags` bits of the classic hmap (runtime/map.go).
pub const ITERATOR: u8 = 1;
pub const OLD_ITERATOR: u8 = 2;
pub const HASH_WRITING: u8 = 4;
pub const SAME_SIZE_GROW: u8 = 8;

/// A Go release the simulator models, by minor version (1.19 ..= 1.27).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub struct GoVersion(pub u8);

impl GoVersion {
    pub const OLDEST: GoVersion = GoVersion(19);
    pub const NEWEST: GoVersion = GoVersion(27);

    /// Parses `1.19`, `go1.27`, `1.27.3`; only the minor version matters to the map code.
    pub fn parse(text: &str) -> Option<GoVersion> {
        let t = text.trim().trim_start_matches("go");
        let mut parts = t.split('.');
        if parts.next()? != "1" {
            return None;
        }
        let minor: u8 = parts.next()?.parse().ok()?;
        let v = GoVersion(minor);
        (Self::OLDEST.0..=Self::NEWEST.0).contains(&minor).then_some(v)
    }

    /// Swiss tables replaced the classic hmap in Go 1.24.
    pub fn layout(self) -> MapLayout {
        if self.0 >= 24 {
            MapLayout::Swiss
        } else {
            MapLayout::Classic
        }
    }

    pub fn label(self) -> String {
        format!("1.{}", self.0)
    }
}

impl Default for GoVersion {
    fn default() -> Self {
        Self::NEWEST
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum MapLayout {
    /// `hmap.flags`, `h.flags ^= hashWriting` to set, `h.flags &^= hashWriting` to clear.
    Classic,
    /// `Map.writing uint8`, `m.writing ^= 1` both to set and to clear.
    Swiss,
}

/// The three map fatal errors, with the runtime's exact strings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, PartialOrd, Ord)]
#[serde(rename_all = "snake_case")]
pub enum MapFatal {
    ReadWrite,
    Writes,
    IterationWrite,
}

impl MapFatal {
    pub fn message(self) -> &'static str {
        match self {
            MapFatal::ReadWrite => "concurrent map read and map write",
            MapFatal::Writes => "concurrent map writes",
            MapFatal::IterationWrite => "concurrent map iteration and map write",
        }
    }
}

/// The header fields the race checks read and write. `flags` is `h.flags` (classic) or `m.writing` (Swiss).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct MapHeader {
    pub flags: u8,
    pub keys: BTreeSet<i64>,
    /// The current write window is invisible to other cores: under cache-line contention the writer's
    /// toggle and clear stores leave the store buffer back to back (seeded runs only; exploration never hides).
    pub hidden: bool,
    /// The goroutine instance that toggled last.
    pub toggler: u16,
}

impl MapHeader {
    pub fn count(&self) -> usize {
        self.keys.len()
    }

    /// True while some writer is between its toggle and its clear.
    pub fn writing(&self, layout: MapLayout) -> bool {
        match layout {
            MapLayout::Classic => self.flags & HASH_WRITING != 0,
            MapLayout::Swiss => self.flags & 1 != 0,
        }
    }

    /// Whether goroutine `g` sees the flag's current value (always, unless another goroutine's window is hidden).
    pub fn visible_to(&self, g: usize) -> bool {
        !(self.hidden && self.toggler as usize != g)
    }

    /// `h.flags ^= hashWriting` / `m.writing ^= 1`: a plain read-modify-write, so two writers can cancel out.
    pub fn toggle(&mut self, layout: MapLayout) {
        match layout {
            MapLayout::Classic => self.flags ^= HASH_WRITING,
            MapLayout::Swiss => self.flags ^= 1,
        }
    }

    /// The end of a write. Classic clears the bit (`&^=`), Swiss toggles again (`^= 1`): after two overlapping
    /// writers the Swiss flag can end up set with nobody writing, and the classic one cleared under a writer.
    pub fn clear(&mut self, layout: MapLayout) {
        match layout {
            MapLayout::Classic => self.flags &= !HASH_WRITING,
            MapLayout::Swiss => self.flags ^= 1,
        }
    }

    /// `mapiterinit` marks the classic map as iterated (`atomic.Or8(&h.flags, iterator|oldIterator)`); the Swiss
    /// map keeps no such bit.
    pub fn mark_iterated(&mut self, layout: MapLayout) {
        if layout == MapLayout::Classic {
            self.flags |= ITERATOR | OLD_ITERATOR;
        }
    }

    /// Flag names for display, e.g. `iterator|oldIterator|hashWriting` or `writing=1`.
    pub fn describe_flags(flags: u8, layout: MapLayout) -> String {
        match layout {
            MapLayout::Swiss => format!("writing={flags}"),
            MapLayout::Classic => {
                let names: Vec<&str> = [
                    (ITERATOR, "iterator"),
                    (OLD_ITERATOR, "oldIterator"),
                    (HASH_WRITING, "hashWriting"),
                    (SAME_SIZE_GROW, "sameSizeGrow"),
                ]
                .iter()
                .filter(|(bit, _)| flags & bit != 0)
                .map(|(_, name)| *name)
                .collect();
                if names.is_empty() {
                    "flags=0".to_string()
                } else {
                    format!("flags={flags} ({})", names.join("|"))
                }
            }
        }
    }
}

/// The kinds of map operation a program performs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum MapOp {
    Read,
    Write,
    Delete,
    Range,
}

impl MapOp {
    pub fn is_write(self) -> bool {
        matches!(self, MapOp::Write | MapOp::Delete)
    }
}

/// Key types decide which runtime entry points appear in race reports (`_fast64`, `_faststr`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, serde::Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum KeyType {
    #[default]
    Int,
    String,
}

impl KeyType {
    fn suffix(self) -> &'static str {
        match self {
            KeyType::Int => "fast64",
            KeyType::String => "faststr",
        }
    }
}

/// The runtime frames a race report shows for a map access: (function, file relative to GOROOT/src, line).
/// Lines are the entry points' `func` lines in each version's source, where the race hooks take the PC.
pub fn race_frames(op: MapOp, key: KeyType, version: GoVersion) -> Vec<(String, String, u32)> {
    let sfx = key.suffix();
    match version.layout() {
        MapLayout::Classic => {
            let file = format!("runtime/map_{sfx}.go");
            match (op, key) {
                (MapOp::Read, KeyType::Int) => {
                    vec![(format!("runtime.mapaccess1_{sfx}"), file, 13)]
                }
                (MapOp::Read, KeyType::String) => {
                    vec![(format!("runtime.mapaccess1_{sfx}"), file, 13)]
                }
                (MapOp::Write, KeyType::Int) => {
                    vec![(format!("runtime.mapassign_{sfx}"), file, 93)]
                }
                (MapOp::Write, KeyType::String) => {
                    vec![(format!("runtime.mapassign_{sfx}"), file, 203)]
                }
                (MapOp::Delete, KeyType::Int) => {
                    vec![(format!("runtime.mapdelete_{sfx}"), file, 273)]
                }
                (MapOp::Delete, KeyType::String) => {
                    vec![(format!("runtime.mapdelete_{sfx}"), file, 301)]
                }
                (MapOp::Range, _) => {
                    vec![("runtime.mapiterinit".into(), "runtime/map.go".into(), 815)]
                }
            }
        }
        MapLayout::Swiss => {
            let file = format!("internal/runtime/maps/runtime_{sfx}.go");
            match (op, key) {
                (MapOp::Read, KeyType::Int) => vec![
                    (format!("runtime.mapaccess2_{sfx}"), file.clone(), 22),
                    (format!("runtime.mapaccess1_{sfx}"), file, 17),
                ],
                (MapOp::Read, KeyType::String) => vec![
                    (format!("runtime.mapaccess2_{sfx}"), file.clone(), 120),
                    (format!("runtime.mapaccess1_{sfx}"), file, 115),
                ],
                (MapOp::Write, KeyType::Int) => {
                    vec![(format!("runtime.mapassign_{sfx}"), file, 182)]
                }
                (MapOp::Write, KeyType::String) => {
                    vec![(format!("runtime.mapassign_{sfx}"), file, 261)]
                }
                (MapOp::Delete, KeyType::Int) => {
                    vec![(format!("runtime.mapdelete_{sfx}"), file, 544)]
                }
                (MapOp::Delete, KeyType::String) => {
                    vec![(format!("runtime.mapdelete_{sfx}"), file, 409)]
                }
                (MapOp::Range, _) => {
                    vec![("runtime.mapIterNext".into(), "runtime/map.go".into(), 168)]
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hash_writing_is_bit_value_four_not_bit_zero() {
        let mut h = MapHeader::default();
        h.toggle(MapLayout::Classic);
        assert_eq!(h.flags, 4);
        assert!(h.writing(MapLayout::Classic));
        h.clear(MapLayout::Classic);
        assert_eq!(h.flags, 0);
    }

    #[test]
    fn two_classic_writers_cancel_the_toggle_then_clear_leaves_zero() {
        let mut h = MapHeader::default();
        h.toggle(MapLayout::Classic);
        h.toggle(MapLayout::Classic);
        assert!(!h.writing(MapLayout::Classic));
        h.clear(MapLayout::Classic);
        assert_eq!(h.flags, 0);
    }

    #[test]
    fn swiss_clear_toggles_so_a_cleared_flag_becomes_set() {
        let mut h = MapHeader::default();
        h.clear(MapLayout::Swiss);
        assert_eq!(h.flags, 1, "m.writing ^= 1 on a zero flag sets it");
        let mut c = MapHeader::default();
        c.clear(MapLayout::Classic);
        assert_eq!(c.flags, 0, "h.flags &^= hashWriting on a zero flag keeps it zero");
    }

    #[test]
    fn iteration_sets_iterator_bits_only_on_classic_maps() {
        let mut h = MapHeader::default();
        h.mark_iterated(MapLayout::Classic);
        assert_eq!(h.flags, ITERATOR | OLD_ITERATOR);
        assert!(!h.writing(MapLayout::Classic));
        let mut s = MapHeader::default();
        s.mark_iterated(MapLayout::Swiss);
        assert_eq!(s.flags, 0);
        assert_eq!(MapHeader::describe_flags(7, MapLayout::Classic), "flags=7 (iterator|oldIterator|hashWriting)");
    }

    #[test]
    fn fatal_strings_are_the_runtime_ones() {
        assert_eq!(MapFatal::ReadWrite.message(), "concurrent map read and map write");
        assert_eq!(MapFatal::Writes.message(), "concurrent map writes");
        assert_eq!(MapFatal::IterationWrite.message(), "concurrent map iteration and map write");
    }

    #[test]
    fn versions_parse_and_pick_the_layout() {
        assert_eq!(GoVersion::parse("1.19").map(|v| v.layout()), Some(MapLayout::Classic));
        assert_eq!(GoVersion::parse("1.23").map(|v| v.layout()), Some(MapLayout::Classic));
        assert_eq!(GoVersion::parse("go1.24").map(|v| v.layout()), Some(MapLayout::Swiss));
        assert_eq!(GoVersion::parse("1.27.3"), Some(GoVersion(27)));
        assert_eq!(GoVersion::parse("1.18"), None);
        assert_eq!(GoVersion::parse("1.28"), None);
        assert_eq!(GoVersion::parse("2.0"), None);
    }
}
