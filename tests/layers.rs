//! The library's layer order, read from its sources: every `crate::m`
//! path outside test code is an arrow from the file's module down to `m`.
//! An arrow up a layer, or a circle between modules, fails with the file
//! and line. The program's own modules (`src/main.rs`, `src/app/`) are a
//! separate crate above all of these and use the library as `jixiao::`.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

/// Bottom to top. A module may use those in its own layer or below.
const LAYERS: &[&[&str]] = &[
    // Foundations: errors, limits, the calendar, character classes, the
    // column table.
    &["error", "limits", "civil", "chars", "schema"],
    // The neutral model a reader hands on, and the records.
    &["grid", "model"],
    &["read"],
    &["normalize"],
    // bytes → records, guarded.
    &["convert"],
    &["check"],
    &["write"],
    &["diff"],
    // Batches: inputs, bytes, parallel conversion, atomic outputs.
    &["run"],
    &["serve"],
];

fn layer(module: &str) -> Option<usize> {
    LAYERS.iter().position(|l| l.contains(&module))
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in fs::read_dir(dir).unwrap() {
        let p = entry.unwrap().path();
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|e| e == "rs") {
            out.push(p);
        }
    }
}

/// The top-level module a source file belongs to (`src/write/xlsx.rs` →
/// `write`); `None` for the crate root and the program's own files.
fn module_of(rel: &str) -> Option<String> {
    let rest = rel.strip_prefix("src/")?;
    let first = rest.split('/').next()?;
    let name = first.strip_suffix(".rs").unwrap_or(first);
    (!matches!(name, "lib" | "main" | "app" | "bin")).then(|| name.to_string())
}

/// `(line number, module named)` for each `crate::m` outside comments and
/// test code (a `#[cfg(test)]` item, and a test module to the file's end).
fn arrows(text: &str) -> Vec<(usize, String)> {
    let mut out = Vec::new();
    for (line, code) in code_lines(text) {
        let mut rest = code;
        while let Some(at) = rest.find("crate::") {
            rest = &rest[at + "crate::".len()..];
            let name: String = rest
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect();
            if !name.is_empty() {
                out.push((line, name));
            }
        }
    }
    out
}

/// The library's source files: (path from the checkout, module, text).
fn library_files() -> Vec<(String, String, String)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    rust_files(&root.join("src"), &mut files);
    files.sort();
    files
        .iter()
        .filter_map(|file| {
            let rel = file
                .strip_prefix(root)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/");
            let module = module_of(&rel)?;
            Some((rel, module, fs::read_to_string(file).unwrap()))
        })
        .collect()
}

#[test]
fn no_module_imports_a_layer_above_it_and_there_is_no_circle() {
    let mut problems = Vec::new();
    let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (rel, from, text) in library_files() {
        let Some(from_layer) = layer(&from) else {
            problems.push(format!("{rel}: module {from} has no layer in LAYERS"));
            continue;
        };
        for (line, to) in arrows(&text) {
            if to == from {
                continue;
            }
            let Some(to_layer) = layer(&to) else {
                problems.push(format!("{rel}:{line}: crate::{to} has no layer in LAYERS"));
                continue;
            };
            if to_layer > from_layer {
                problems.push(format!(
                    "{rel}:{line}: {from} (layer {from_layer}) uses crate::{to} (layer {to_layer}), above it"
                ));
            }
            graph.entry(from.clone()).or_default().insert(to);
        }
    }
    // A circle among modules of one layer: a path back to where it started.
    for start in graph.keys() {
        let mut stack: Vec<Vec<String>> = vec![vec![start.clone()]];
        while let Some(path) = stack.pop() {
            let last = path.last().unwrap();
            for next in graph.get(last).into_iter().flatten() {
                if next == start {
                    problems.push(format!("circle: {} → {start}", path.join(" → ")));
                } else if !path.contains(next) {
                    let mut longer = path.clone();
                    longer.push(next.clone());
                    stack.push(longer);
                }
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// Lines of library code outside comments and test code.
fn code_lines(text: &str) -> Vec<(usize, &str)> {
    let mut out = Vec::new();
    let mut skip_next = false;
    let mut lines = text.lines().enumerate().peekable();
    while let Some((i, line)) = lines.next() {
        let code = line.split("//").next().unwrap_or("").trim();
        if code == "#[cfg(test)]" {
            if lines
                .peek()
                .is_some_and(|(_, l)| l.trim().starts_with("mod "))
            {
                break;
            }
            skip_next = true;
            continue;
        }
        if !std::mem::take(&mut skip_next) {
            out.push((i + 1, code));
        }
    }
    out
}

/// Only the program (src/main.rs, src/app/) prints or ends the process:
/// the library returns values and typed errors.
#[test]
fn the_library_never_prints_or_exits() {
    let mut found = Vec::new();
    for (rel, _, text) in library_files() {
        for (line, code) in code_lines(&text) {
            let prints = [
                "println!(",
                "eprintln!(",
                "print!(",
                "eprint!(",
                "dbg!(",
                "process::exit(",
            ]
            .iter()
            .any(|m| code.contains(m));
            if prints {
                found.push(format!("{rel}:{line}: {code}"));
            }
        }
    }
    assert!(found.is_empty(), "{}", found.join("\n"));
}

#[test]
fn the_scan_sees_imports_and_skips_test_code() {
    let text = "use crate::model::Table;\n\
                // crate::serve in a comment\n\
                let x = crate::write::count(1, \"a\", \"b\");\n\
                #[cfg(test)]\n\
                use crate::run::Input;\n\
                fn f() {}\n\
                #[cfg(test)]\n\
                mod tests {\n\
                use crate::serve::start;\n\
                }\n";
    let found: Vec<(usize, String)> = arrows(text);
    assert_eq!(found, [(1, "model".to_string()), (3, "write".to_string())]);
    assert_eq!(module_of("src/write/xlsx.rs").as_deref(), Some("write"));
    assert_eq!(module_of("src/app/convert.rs"), None);
}
