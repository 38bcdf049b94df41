//! What the test modules share: running the built binary ([`run`]), the
//! golden files ([`golden`]), and a file's records as JSON ([`records`]).
//! Temporary folders are `tempfile::tempdir()`, removed when dropped.

pub mod golden;
pub mod records;
pub mod run;
