//! jixiao turns budget performance target tables (绩效目标表) into records.
//!
//! Data flows one way: bytes → [`read`] (a [`grid::Block`] list per file) →
//! [`normalize`] (tables of indicators) → [`write`] (JSON, JSONL, CSV).
//!
//! The library returns values and typed errors and never prints; the
//! command line (`src/main.rs`, `src/app/`) is the program's own code.

pub mod chars;
pub mod check;
pub(crate) mod civil;
pub mod convert;
pub mod diff;
pub mod error;
pub mod grid;
pub mod limits;
pub mod model;
pub mod normalize;
pub mod read;
pub mod run;
pub mod schema;
#[cfg(feature = "serve")]
pub mod serve;
pub mod write;

/// The library's version (the Python package reports the same).
pub const VERSION: &str = env!("CARGO_PKG_VERSION");
