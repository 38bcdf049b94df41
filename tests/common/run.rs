//! Running the built binary in a folder: shared by the test binaries that
//! drive the command line.

use std::path::Path;
use std::process::{Command, Output};

pub fn jixiao(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_jixiao"))
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap()
}
