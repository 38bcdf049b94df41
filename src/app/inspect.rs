//! `jixiao inspect FILE|FOLDER`: each table grid as the reader saw it, in
//! the grid notation (`src/grid/notation.rs`), with what the normaliser
//! made of it as `#` comments.

use super::usage;
use jixiao::grid::{notation, Block};
use jixiao::limits::Limits;
use jixiao::run::{self, Input};
use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

/// `inspect FILE`, or every readable file in a folder, one after another.
pub(crate) fn main(path: &Path, explain: bool) -> i32 {
    if !path.is_dir() {
        return inspect_file(path, explain);
    }
    let files = match run::collect(&[path.to_path_buf()], None) {
        Ok(i) => i.files,
        Err(msg) => return usage(msg),
    };
    if files.is_empty() {
        eprintln!(
            "jixiao: 文件夹 {} 里没有 Word、Excel、WPS 或文本文件：请给出一个文件，例如 jixiao inspect {}/表.docx \
             (the folder holds no office or text files: give one file)",
            path.display(),
            path.display()
        );
        return 1;
    }
    files
        .iter()
        .map(|f| inspect_file(&f.path, explain))
        .max()
        .unwrap_or(0)
}

fn inspect_file(path: &Path, explain: bool) -> i32 {
    if fs::symlink_metadata(path).is_err() {
        return usage(format!(
            "找不到文件 {}：请检查路径和文件名 (no such file: {})",
            path.display(),
            path.display()
        ));
    }
    let label = path.to_string_lossy().to_string();
    let input = Input {
        path: path.to_path_buf(),
        label: label.clone(),
        rel: PathBuf::new(),
    };
    // Bounded, and never blocked by a FIFO or /dev/zero.
    let bytes = match run::read_bytes(&input, &Limits::default()) {
        Ok(b) => b,
        Err(e) => {
            eprintln!("jixiao: {label}: {e}");
            return 1;
        }
    };
    // A layout fixture (tests/layouts/*.grid) is read back as the notation
    // it is, so `--explain` diagnoses a fixture as it would a file.
    if path.extension().is_some_and(|e| e == "grid") {
        let text = String::from_utf8_lossy(&bytes);
        return match notation::parse(&text) {
            Ok(blocks) => report(&label, "grid", &blocks, explain),
            Err(e) => {
                eprintln!("jixiao: {label}: {e}");
                1
            }
        };
    }
    // The same containment as convert: a panic is a `corrupt` error, exit 1.
    match jixiao::convert::guarded(|| jixiao::read::read(&bytes, &Limits::default())) {
        Ok(doc) => report(&label, doc.format.as_str(), &doc.blocks, explain),
        Err(e) => {
            eprintln!("jixiao: {label}: {e}");
            1
        }
    }
}

/// Prints a document's grids in the notation, what the normaliser made of
/// them, and with `explain` which pattern read each cell.
fn report(label: &str, format: &str, blocks: &[Block], explain: bool) -> i32 {
    let n = match jixiao::convert::guarded(|| {
        Ok(jixiao::normalize::normalize(blocks, label, format))
    }) {
        Ok(n) => n,
        Err(e) => {
            eprintln!("jixiao: {label}: {e}");
            return 1;
        }
    };
    // The grid notation (src/grid/notation.rs): the output is a layout
    // fixture as it stands; what is not the file's own is a `#` comment.
    let mut out = format!("# {label}: {format} ({} blocks)\n", blocks.len());
    out.push_str(&notation::render(blocks));
    for t in &n.tables {
        out.push_str(&format!(
            "# → 表 {} [{}]: {} — {} indicators, {} notes\n",
            t.source.table,
            t.source.locator,
            t.title.as_deref().unwrap_or("(no title)"),
            t.indicators.len(),
            t.notes.len()
        ));
    }
    for s in &n.skipped {
        out.push_str(&format!("# → {s}\n"));
    }
    if explain {
        out.push_str("# explain: cell → pattern (score); runner-up\n");
        for line in jixiao::normalize::explain(blocks, &n).lines() {
            out.push_str(&format!("# {line}\n"));
        }
    }
    let mut stdout = io::stdout().lock();
    match stdout.write_all(out.as_bytes()) {
        Err(e) if e.kind() != io::ErrorKind::BrokenPipe => 1,
        _ => 0,
    }
}
