//! The one test binary: every test module of the project, linked once
//! (`cargo test`; one module: `cargo test cli::`, one test: its name).
//! `tests/util/` holds what they share. Cargo.toml turns off the automatic
//! one-binary-per-file discovery, so a new `tests/NAME.rs` must be listed
//! here: `every_test_file_is_a_module` fails until it is.

mod util;

mod check;
mod chinese_first;
mod cli;
mod cli_usage;
mod corpus;
mod diff;
mod doc;
mod form_print;
mod golden;
#[path = "hostile/main.rs"]
mod hostile;
mod layers;
mod layouts;
mod meaning;
mod nothing_lost;
mod outputs;
mod pdf;
mod readme;
mod regressions;
mod roundtrip;
mod scaling;
mod serve_api;
mod sqlite;

#[test]
fn every_test_file_is_a_module() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests");
    let listed = include_str!("main.rs");
    let mut missing = Vec::new();
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let module = match name.strip_suffix(".rs") {
            Some("main") => continue,
            Some(m) => m.to_string(),
            // A folder with its own main.rs is a module too.
            None if path.join("main.rs").exists() => name,
            None => continue,
        };
        if !listed.contains(&format!("mod {module};")) {
            missing.push(module);
        }
    }
    assert!(
        missing.is_empty(),
        "tests/main.rs does not list {missing:?}: add `mod NAME;` there or the tests never run"
    );
}
