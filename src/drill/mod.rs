//! Training drills (being built; see issue 7).
