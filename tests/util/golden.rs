//! Golden files under `tests/golden/`: compared in full, rewritten by
//! `JIXIAO_BLESS=1 cargo test` (then review the diff by hand).

use std::path::{Path, PathBuf};

/// Whether this run rewrites the goldens.
pub fn blessing() -> bool {
    std::env::var_os("JIXIAO_BLESS").is_some()
}

/// `tests/golden/NAME`.
pub fn path(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/golden")
        .join(name)
}

/// Compares `got` with the golden `name`, naming the first line that differs.
pub fn check(name: &str, got: &str) {
    let golden = path(name);
    if blessing() {
        std::fs::write(&golden, got).unwrap();
    }
    let want = std::fs::read_to_string(&golden).unwrap_or_default();
    if got != want {
        let line = got
            .lines()
            .zip(want.lines())
            .position(|(a, b)| a != b)
            .unwrap_or_else(|| got.lines().count().min(want.lines().count()));
        panic!(
            "{name} differs from its golden at line {}:\n got: {:?}\nwant: {:?}\n(re-bless with JIXIAO_BLESS=1 cargo test -- golden:: cli:: diff:: and review the diff)",
            line + 1,
            got.lines().nth(line),
            want.lines().nth(line)
        );
    }
}
