//! Running the built binary, in a folder or in the checkout.

use std::path::Path;
use std::process::{Command, Output};

/// The binary `cargo test` built.
pub fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_jixiao"))
}

/// The checkout's root, where `samples/` and `tests/` are.
pub fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// Runs jixiao in `dir` (a temporary folder, usually).
pub fn jixiao(dir: &Path, args: &[&str]) -> Output {
    bin().args(args).current_dir(dir).output().unwrap()
}

/// Runs jixiao in the checkout, so paths read `samples/…`.
pub fn here(args: &[&str]) -> Output {
    jixiao(root(), args)
}
