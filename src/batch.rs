//! Whole folders: which files to read (walk, list, glob, shard), converting
//! them on all cores in chunks, and handing the results back in input order
//! so the output bytes never depend on the thread count. Memory is bounded
//! by the chunk, not by the number of files.

use crate::convert::convert_guarded;
use crate::error::{Error, ErrorKind};
use crate::limits::Limits;
use crate::write::{render, Options, Output};
use rayon::prelude::*;
use std::fs;
use std::io::{self, BufWriter};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// Extensions picked up when walking a folder; files named on the command
/// line or in a list are always read, whatever their extension.
pub const FOLDER_EXTENSIONS: &[&str] = &[
    "docx", "docm", "dotx", "dotm", "doc", "wps", "txt", "text", "xlsx", "xlsm", "xls", "et",
    "ods", "odt", "xml", "htm", "html",
];

/// One file to convert.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Input {
    pub path: PathBuf,
    /// The name records carry: as given, or the folder joined with the path under it.
    pub label: String,
    /// Where its own output goes under `--out-dir`: the path under the
    /// folder it was found in, or its file name.
    pub rel: PathBuf,
}

/// The inputs, and how many files the folder walk passed over.
#[derive(Debug, Default)]
pub struct Inputs {
    pub files: Vec<Input>,
    pub skipped: usize,
}

fn label_of(p: &Path) -> String {
    p.to_string_lossy().replace('\\', "/")
}

/// Expands files and folders (recursively, in path order). `globs`, when
/// given, keep only folder files whose path under the folder matches.
pub fn collect(paths: &[PathBuf], globs: Option<&globset::GlobSet>) -> Result<Inputs, String> {
    let mut inputs = Inputs::default();
    for input in paths {
        if input.is_dir() {
            let mut found = Vec::new();
            for entry in walkdir::WalkDir::new(input).follow_links(false) {
                let Ok(entry) = entry else { continue };
                if !entry.file_type().is_file() {
                    continue;
                }
                let p = entry.into_path();
                let rel = p.strip_prefix(input).unwrap_or(&p).to_path_buf();
                let name = p.file_name().and_then(|n| n.to_str()).unwrap_or("");
                let known = p
                    .extension()
                    .and_then(|e| e.to_str())
                    .is_some_and(|e| FOLDER_EXTENSIONS.contains(&e.to_lowercase().as_str()));
                let hidden = name.starts_with('.') || name.starts_with("~$");
                let wanted = globs.is_none_or(|g| g.is_match(&rel));
                if known && !hidden && wanted {
                    found.push((p, rel));
                } else {
                    inputs.skipped += 1;
                }
            }
            found.sort();
            inputs.files.extend(found.into_iter().map(|(p, rel)| Input {
                label: label_of(&p),
                path: p,
                rel,
            }));
        } else if input.exists() {
            inputs.files.push(Input {
                label: label_of(input),
                rel: input.file_name().map(PathBuf::from).unwrap_or_default(),
                path: input.clone(),
            });
        } else {
            return Err(format!(
                "找不到文件 {} (no such file or folder)",
                input.display()
            ));
        }
    }
    Ok(inputs)
}

/// Reads a list of paths, one per line (`--files-from`).
pub fn read_list(text: &str) -> Vec<PathBuf> {
    text.lines()
        .map(|l| l.trim_end_matches('\r'))
        .filter(|l| !l.trim().is_empty())
        .map(PathBuf::from)
        .collect()
}

/// FNV-1a: stable across runs, machines and Rust versions, unlike std's hasher.
fn fnv1a(s: &str) -> u64 {
    s.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3)
    })
}

/// Keeps shard `k` of `n` (1-based): the same files for the same names on
/// every machine, so N machines split one archive with no overlap.
pub fn shard(files: Vec<Input>, k: u64, n: u64) -> Vec<Input> {
    files
        .into_iter()
        .filter(|f| fnv1a(&f.label) % n == k - 1)
        .collect()
}

/// What became of one file.
#[derive(Debug)]
pub struct Outcome {
    pub tables: usize,
    pub indicators: usize,
    pub notes: usize,
    /// Each note as readable text, with its table's number (`--report`).
    pub note_texts: Vec<(u32, String)>,
    /// Its tables rendered, for the combined output.
    pub rendered: Vec<Vec<u8>>,
    /// Its tables themselves, for a combined .xlsx built at the end.
    pub kept: Vec<crate::model::Table>,
    /// Why grids were skipped (`--verbose`).
    pub skipped: Vec<String>,
    /// Tables that could not be filled in full: (table number, locator, gaps).
    pub incomplete: Vec<(u32, String, Vec<crate::model::Gap>)>,
    pub error: Option<Error>,
}

/// Where outputs go.
#[derive(Debug, Clone)]
pub enum Target {
    /// One combined stream, written by the caller from `Outcome::rendered`.
    Combined,
    /// One file per input under this folder, written by the workers.
    PerFile(PathBuf),
}

/// Reads and normalises one input, bounded by `limits` (file size first).
pub fn read_one(input: &Input, limits: &Limits) -> Result<crate::normalize::Normalized, Error> {
    read_bytes(input, limits).and_then(|bytes| convert_guarded(&bytes, &input.label, limits))
}

/// One input's bytes, refused past `max_file_bytes` before reading.
pub fn read_bytes(input: &Input, limits: &Limits) -> Result<Vec<u8>, Error> {
    fs::metadata(&input.path)
        .map_err(|e| io_error(&e))
        .and_then(|m| {
            if m.len() > limits.max_file_bytes {
                Err(Limits::exceeded("max_file_bytes", limits.max_file_bytes))
            } else {
                fs::read(&input.path).map_err(|e| io_error(&e))
            }
        })
}

fn convert_one(
    input: &Input,
    opts: &Options,
    check: Option<&crate::check::RuleSet>,
    limits: &Limits,
    target: &Target,
) -> Outcome {
    let mut o = Outcome {
        tables: 0,
        indicators: 0,
        notes: 0,
        note_texts: Vec::new(),
        rendered: Vec::new(),
        kept: Vec::new(),
        skipped: Vec::new(),
        incomplete: Vec::new(),
        error: None,
    };
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
            crate::check::report::render(opts, t, &mine)
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
        Target::Combined if opts.format == crate::write::Format::Xlsx => o.kept = n.tables,
        Target::Combined => {
            for t in &n.tables {
                match render_table(opts, t) {
                    Ok(r) => o.rendered.push(r),
                    Err(e) => o.error = Some(io_error(&e)),
                }
            }
        }
        Target::PerFile(dir) => {
            let mut dest = dir.join(&input.rel).into_os_string();
            dest.push(".");
            dest.push(opts.extension());
            let dest = PathBuf::from(dest);
            let written = (|| -> io::Result<()> {
                if let Some(parent) = dest.parent() {
                    fs::create_dir_all(parent)?;
                }
                let (atomic, file) = AtomicFile::create(&dest)?;
                let mut out = Output::begin(BufWriter::new(file), *opts)?;
                for t in &n.tables {
                    if opts.format == crate::write::Format::Xlsx {
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

fn io_error(e: &io::Error) -> Error {
    Error::new(
        ErrorKind::Io,
        format!("无法读取文件 (cannot read the file): {e}"),
    )
}

/// Files converted together: enough to keep every core busy, few enough
/// that memory stays flat whatever the archive size.
const CHUNK: usize = 256;

/// Converts `files` on `pool`, calling `each` with every outcome in input
/// order. `done` is called from the workers as each file finishes (progress).
pub fn run(
    files: &[Input],
    opts: &Options,
    limits: &Limits,
    target: &Target,
    pool: &rayon::ThreadPool,
    done: &(dyn Fn(&Outcome) + Sync),
    each: &mut dyn FnMut(&Input, Outcome) -> io::Result<()>,
) -> io::Result<()> {
    run_checked(files, opts, None, limits, target, pool, done, each)
}

/// [`run`], with `check` adding each table's findings to JSON and JSONL
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

/// Temporary files being written, removed if the process is interrupted.
static IN_PROGRESS: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());

/// Removes every temporary output (called on Ctrl-C / SIGTERM).
pub fn remove_partial_outputs() {
    if let Ok(list) = IN_PROGRESS.lock() {
        for p in list.iter() {
            let _ = fs::remove_file(p);
        }
    }
}

/// An output written to a hidden temporary name beside its destination and
/// renamed into place when complete: a failed or interrupted run leaves no
/// partial file under the destination's name.
pub struct AtomicFile {
    tmp: PathBuf,
    dest: PathBuf,
}

impl AtomicFile {
    pub fn create(dest: &Path) -> io::Result<(AtomicFile, fs::File)> {
        let dir = dest
            .parent()
            .filter(|d| !d.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        let name = dest
            .file_name()
            .map(|n| n.to_string_lossy().to_string())
            .unwrap_or_default();
        let tmp = dir.join(format!(".{name}.jixiao-{}.tmp", std::process::id()));
        if let Ok(mut list) = IN_PROGRESS.lock() {
            list.push(tmp.clone());
        }
        let f = fs::File::create(&tmp);
        let atomic = AtomicFile {
            tmp,
            dest: dest.to_path_buf(),
        };
        Ok((atomic, f?))
    }

    pub fn commit(self) -> io::Result<()> {
        fs::rename(&self.tmp, &self.dest)
    }
}

impl Drop for AtomicFile {
    fn drop(&mut self) {
        // After a successful rename there is nothing left to remove.
        let _ = fs::remove_file(&self.tmp);
        if let Ok(mut list) = IN_PROGRESS.lock() {
            list.retain(|p| *p != self.tmp);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input(label: &str) -> Input {
        Input {
            path: PathBuf::from(label),
            label: label.into(),
            rel: PathBuf::from(label),
        }
    }

    #[test]
    fn shards_partition_the_inputs() {
        let files: Vec<Input> = (0..1000).map(|i| input(&format!("a/{i}.docx"))).collect();
        let mut seen = Vec::new();
        for k in 1..=7 {
            let part = shard(files.clone(), k, 7);
            assert!(part.len() > 100 && part.len() < 200, "{}", part.len());
            seen.extend(part.into_iter().map(|f| f.label));
        }
        seen.sort();
        let mut all: Vec<String> = files.into_iter().map(|f| f.label).collect();
        all.sort();
        assert_eq!(seen, all);
        // Stable: the hash is our own, not std's randomised one.
        assert_eq!(fnv1a(""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(fnv1a("a"), 0xaf63_dc4c_8601_ec8c);
    }

    #[test]
    fn lists_skip_blank_lines_and_crlf() {
        assert_eq!(
            read_list("a.docx\r\n\r\nb/c.txt\n"),
            vec![PathBuf::from("a.docx"), PathBuf::from("b/c.txt")]
        );
    }
}
