//! Running a batch, shared by the command line, `serve` and the Python
//! package: which files to read ([`inputs`]), their bytes ([`read`]),
//! converting them on all cores in chunks and handing the results back in
//! input order, so the output bytes never depend on the thread count
//! (memory is bounded by the chunk, not by the number of files), output
//! files that never clobber ([`output`]), and each file's [`Outcome`] with
//! its status, computed once.
//!
//! Above the library's pipeline (read → normalize → write, check): nothing
//! below imports from here.

pub mod inputs;
pub mod outcome;
pub mod output;
pub mod read;

use crate::check::RuleSet;
use crate::error::{Error, ErrorKind};
use crate::limits::Limits;
use crate::model::FileError;
use crate::write::findings::Checked;
use crate::write::sqlite::{content_hash, Loaded};
use crate::write::{render, Options, Output, Writing};
use rayon::prelude::*;
use read::io_error;
use std::fs;
use std::io::{self, BufWriter};
use std::path::PathBuf;

pub use inputs::{
    collect, collect_with, gather, read_files_from, read_list, read_list_from, shard, Gathered,
    Input, Inputs, FOLDER_EXTENSIONS,
};
pub use outcome::{Outcome, Status};
pub use output::{remove_partial_outputs, AtomicFile};
pub use read::{read_bytes, read_one};

/// Worker threads at most, per core: reading is mostly CPU-bound, and each
/// thread holds a file's grid in memory.
pub const JOBS_PER_CORE: usize = 4;

/// The thread count for `-j`: all cores by default, at most
/// [`JOBS_PER_CORE`] × cores, with a warning when capped.
pub fn jobs(requested: Option<usize>) -> (usize, Option<String>) {
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    jobs_for(requested, cores)
}

pub fn jobs_for(requested: Option<usize>, cores: usize) -> (usize, Option<String>) {
    let cap = cores.max(1) * JOBS_PER_CORE;
    match requested {
        None => (cores.max(1), None),
        Some(n) if n > cap => (
            cap,
            Some(format!(
                "警告：-j {n} 太多，本机 {cores} 核，改用 {cap} 个线程 \
                 (warning: -j {n} is more than {JOBS_PER_CORE} × the {cores} cores: using {cap} threads)"
            )),
        ),
        Some(n) => (n.max(1), None),
    }
}

/// Where outputs go.
#[derive(Debug, Clone)]
pub enum Target {
    /// One combined stream, written by the caller from `Outcome::rendered`.
    Combined,
    /// One file per input under this folder, written by the workers.
    PerFile(PathBuf),
}

fn convert_one(
    input: &Input,
    opts: &Options,
    check: Option<&crate::check::RuleSet>,
    limits: &Limits,
    target: &Target,
) -> Outcome {
    let mut o = Outcome::empty();
    let n = match read_one(input, limits) {
        Ok(n) => n,
        Err(e) => {
            o.error = Some(e);
            return o;
        }
    };
    let findings = check.map(|rules| rules.check_file(&n.tables));
    // `convert --check`: each table rendered with its own findings.
    let render_table = |opts: &Options, t: &crate::model::Table| match &findings {
        Some(all) => {
            let mine: Vec<&crate::check::Finding> =
                all.iter().filter(|f| f.table == t.source.table).collect();
            crate::write::findings::render(opts, t, &mine)
        }
        None => render(opts, t),
    };
    o.tables = n.tables.len();
    o.indicators = n.tables.iter().map(|t| t.indicators.len()).sum();
    o.notes = n.tables.iter().map(|t| t.notes.len()).sum();
    o.note_texts = n
        .tables
        .iter()
        .flat_map(|t| {
            t.notes
                .iter()
                .map(|n| (t.source.table, crate::write::note_text(n, opts.headers)))
        })
        .collect();
    o.skipped = n.skipped;
    o.incomplete = n
        .tables
        .iter()
        .filter(|t| !t.incomplete.is_empty())
        .map(|t| {
            (
                t.source.table,
                t.source.locator.clone(),
                t.incomplete.clone(),
            )
        })
        .collect();
    match target {
        Target::Combined if opts.format.writing() == Writing::Workbook => o.kept = n.tables,
        Target::Combined => {
            for t in &n.tables {
                match render_table(opts, t) {
                    Ok(r) => o.rendered.push(r),
                    Err(e) => o.error = Some(io_error(&e)),
                }
            }
        }
        Target::PerFile(dir) => {
            let dest = output::per_file_dest(dir, input, opts.extension());
            let written = (|| -> io::Result<()> {
                if let Some(parent) = dest.parent() {
                    fs::create_dir_all(parent)?;
                }
                let (atomic, file) = AtomicFile::create(&dest)?;
                let mut out = Output::begin(BufWriter::new(file), *opts)?;
                for t in &n.tables {
                    if opts.format.writing() == Writing::Workbook {
                        out.table(t)?;
                    } else {
                        out.push(&render_table(opts, t)?)?;
                    }
                }
                out.finish(&[])?;
                atomic.commit()
            })();
            if let Err(e) = written {
                o.error = Some(Error::new(
                    ErrorKind::Io,
                    format!("无法写出 {} (cannot write the output): {e}", dest.display()),
                ));
            }
        }
    }
    o
}

/// Reads one file and runs the rules over its tables.
pub fn check_one(input: &Input, rules: &RuleSet, limits: &Limits, keep: bool) -> Checked {
    match read_one(input, limits) {
        Ok(n) => Checked {
            file: input.label.clone(),
            heads: n
                .tables
                .iter()
                .map(|t| (t.source.table, t.source.locator.clone(), t.title.clone()))
                .collect(),
            findings: rules.check_file(&n.tables),
            tables: if keep { n.tables } else { Vec::new() },
            error: None,
        },
        Err(e) => Checked {
            file: input.label.clone(),
            tables: Vec::new(),
            heads: Vec::new(),
            findings: Vec::new(),
            error: Some(FileError {
                file: input.label.clone(),
                kind: e.kind,
                message: e.message,
            }),
        },
    }
}

/// Reads, normalises and checks one input for the database (run on the
/// workers of `convert -o FILE.db`).
pub fn load(input: &Input, limits: &Limits, rules: &RuleSet) -> Loaded {
    let mut l = Loaded {
        file: input.label.clone(),
        hash: "unread".into(),
        bytes: 0,
        tables: Vec::new(),
        findings: Vec::new(),
        error: None,
    };
    let converted = read_bytes(input, limits).and_then(|bytes| {
        l.hash = content_hash(&bytes);
        l.bytes = bytes.len() as u64;
        crate::convert::convert_guarded(&bytes, &input.label, limits)
    });
    match converted {
        Ok(n) => {
            l.findings = rules.check_file(&n.tables);
            l.tables = n.tables;
        }
        Err(e) => {
            l.error = Some(FileError {
                file: input.label.clone(),
                kind: e.kind,
                message: e.message,
            })
        }
    }
    l
}

/// Files converted together: enough to keep every core busy, few enough
/// that memory stays flat whatever the archive size.
const CHUNK: usize = 256;

/// Converts `files` on `pool`, calling `each` with every outcome in input
/// order; `done` is called from the workers as each file finishes
/// (progress). `check` adds each table's findings to JSON and JSONL
/// outputs (`convert --check`).
#[allow(clippy::too_many_arguments)]
pub fn run_checked(
    files: &[Input],
    opts: &Options,
    check: Option<&crate::check::RuleSet>,
    limits: &Limits,
    target: &Target,
    pool: &rayon::ThreadPool,
    done: &(dyn Fn(&Outcome) + Sync),
    each: &mut dyn FnMut(&Input, Outcome) -> io::Result<()>,
) -> io::Result<()> {
    let work = |f: &Input| {
        let o = convert_one(f, opts, check, limits, target);
        done(&o);
        o
    };
    map(files, pool, &work, each)
}

/// Runs `work` over `files` on `pool` in chunks, handing each result to
/// `each` in input order: the one batch loop every command shares.
pub fn map<T: Send>(
    files: &[Input],
    pool: &rayon::ThreadPool,
    work: &(dyn Fn(&Input) -> T + Sync),
    each: &mut dyn FnMut(&Input, T) -> io::Result<()>,
) -> io::Result<()> {
    for chunk in files.chunks(CHUNK) {
        let results: Vec<T> = pool.install(|| chunk.par_iter().map(work).collect());
        for (input, r) in chunk.iter().zip(results) {
            each(input, r)?;
        }
    }
    Ok(())
}
