//! The incident journal (being built; see issue 7).
