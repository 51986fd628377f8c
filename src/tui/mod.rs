//! The terminal UI (being built; see issue 3).
