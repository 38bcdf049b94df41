//! `jixiao inspect FILE|FOLDER`: each table grid as the reader saw it, in
//! the grid notation (`src/grid/notation.rs`), with what the normaliser
//! made of it as `#` comments.

use super::usage;
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
    // The same containment as convert: a panic is a `corrupt` error, exit 1.
    let read = jixiao::convert::guarded(|| {
        let doc = jixiao::read::read(&bytes, &Limits::default())?;
        let n = jixiao::normalize::normalize(&doc.blocks, &label, doc.format.as_str());
        Ok((doc, n))
    });
    let (doc, n) = match read {
        Ok(d) => d,
        Err(e) => {
            eprintln!("jixiao: {label}: {e}");
            return 1;
        }
    };
    // The grid notation (src/grid/notation.rs): the output is a layout
    // fixture as it stands; what is not the file's own is a `#` comment.
    let mut out = format!(
        "# {label}: {} ({} blocks)\n",
        doc.format.as_str(),
        doc.blocks.len()
    );
    out.push_str(&jixiao::grid::notation::render(&doc.blocks));
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
        for line in jixiao::normalize::explain(&doc.blocks, &n).lines() {
            out.push_str(&format!("# {line}\n"));
        }
    }
    let mut stdout = io::stdout().lock();
    match stdout.write_all(out.as_bytes()) {
        Err(e) if e.kind() != io::ErrorKind::BrokenPipe => 1,
        _ => 0,
    }
}
