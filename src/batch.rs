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
use std::io::{self, BufRead, BufWriter};
use std::path::{Path, PathBuf};

pub use crate::output::{remove_partial_outputs, AtomicFile};

/// Extensions picked up when walking a folder; files named on the command
/// line or in a list are always read, whatever their extension.
pub const FOLDER_EXTENSIONS: &[&str] = &[
    "docx", "docm", "dotx", "dotm", "doc", "wps", "txt", "text", "xlsx", "xlsm", "xls", "et",
    "ods", "odt", "xml", "htm", "html", "pdf",
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
    /// Folder files passed over because jixiao wrote them (`a.docx.xlsx`
    /// from an earlier `--out-dir` run): the caller warns about them.
    pub own_outputs: Vec<PathBuf>,
}

fn label_of(p: &Path) -> String {
    p.to_string_lossy().replace('\\', "/")
}

fn known_extension(name: &str) -> bool {
    Path::new(name)
        .extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| FOLDER_EXTENSIONS.contains(&e.to_lowercase().as_str()))
}

/// A name the way jixiao names its `--out-dir` outputs: an input's name
/// plus `.xlsx` (the only output extension a folder walk would pick up),
/// e.g. `项目.docx.xlsx`.
pub fn is_own_output_name(name: &str) -> bool {
    let lower = name.to_lowercase();
    lower
        .strip_suffix(".xlsx")
        .is_some_and(|stem| stem.contains('.') && known_extension(stem))
}

/// Expands files and folders (recursively, in path order). `globs`, when
/// given, keep only folder files whose path under the folder matches.
/// A path that does not exist is a usage error.
pub fn collect(paths: &[PathBuf], globs: Option<&globset::GlobSet>) -> Result<Inputs, String> {
    collect_with(paths, &[], globs)
}

/// [`collect`], plus `listed` paths (`--files-from`): one of those that
/// does not exist is kept as an input, so that it gets its own `io` entry
/// in the errors and the report instead of stopping the whole list.
///
/// Nothing met is passed over in silence: every folder entry that is not a
/// folder is either read, counted in `skipped` (by name: extension, hidden,
/// glob, jixiao's own output), or kept as an input whose reading says what
/// is wrong with it (a folder that cannot be opened, a broken symbolic
/// link, a FIFO or device: see [`read_bytes`]).
pub fn collect_with(
    paths: &[PathBuf],
    listed: &[PathBuf],
    globs: Option<&globset::GlobSet>,
) -> Result<Inputs, String> {
    let mut inputs = Inputs::default();
    let given = paths.iter().map(|p| (p, false));
    let from_list = listed.iter().map(|p| (p, true));
    for (input, is_listed) in given.chain(from_list) {
        if input.is_dir() {
            let mut found = Vec::new();
            for entry in walkdir::WalkDir::new(input).follow_links(false) {
                let entry = match entry {
                    Ok(e) => e,
                    Err(e) => {
                        // An unreadable folder (or file): reading it again
                        // gives the entry its own error, never silence.
                        let p = e.path().unwrap_or(input).to_path_buf();
                        let rel = p.strip_prefix(input).unwrap_or(&p).to_path_buf();
                        found.push((p, rel));
                        continue;
                    }
                };
                if entry.file_type().is_dir() {
                    continue;
                }
                let p = entry.into_path();
                let rel = p.strip_prefix(input).unwrap_or(&p).to_path_buf();
                let name = p.file_name().and_then(|n| n.to_str()).unwrap_or("");
                let hidden = name.starts_with('.') || name.starts_with("~$");
                let wanted = globs.is_none_or(|g| g.is_match(&rel));
                if is_own_output_name(name) && !hidden && wanted {
                    inputs.skipped += 1;
                    inputs.own_outputs.push(p);
                } else if known_extension(name) && !hidden && wanted {
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
        } else if is_listed || input.exists() || fs::symlink_metadata(input).is_ok() {
            // A broken link or a FIFO named here is read, and says so.
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
    inputs.own_outputs.sort();
    Ok(inputs)
}

/// Longest line of a `--files-from` list: far above any path, and what
/// stops `/dev/zero` given as a list.
pub const MAX_LIST_LINE: usize = 64 << 10;
/// Most paths in one `--files-from` list.
pub const MAX_LIST_PATHS: usize = 10_000_000;

/// Reads a list of paths, one per line (`--files-from`), bounded: a line
/// over [`MAX_LIST_LINE`] bytes or more than [`MAX_LIST_PATHS`] lines stop
/// it with an error naming the line. A UTF-8 byte-order mark is ignored; a
/// line that is not UTF-8 is taken as the bytes of a path (on Unix), so a
/// bad line is its own `io` error when read, never the whole list's.
pub fn read_list_from(r: &mut dyn io::BufRead) -> Result<Vec<PathBuf>, String> {
    let mut out = Vec::new();
    let mut line = Vec::new();
    for number in 1.. {
        line.clear();
        let n = io::Read::take(&mut *r, MAX_LIST_LINE as u64 + 1)
            .read_until(b'\n', &mut line)
            .map_err(|e| format!("第 {number} 行无法读取 (line {number} cannot be read): {e}"))?;
        if n == 0 {
            break;
        }
        if line.len() > MAX_LIST_LINE && !line.ends_with(b"\n") {
            return Err(format!(
                "第 {number} 行超过 {MAX_LIST_LINE} 字节，这不是文件列表：每行应是一个文件路径                  (line {number} is over {MAX_LIST_LINE} bytes: not a list of paths, one per line)"
            ));
        }
        if out.len() >= MAX_LIST_PATHS {
            return Err(format!(
                "列表超过 {MAX_LIST_PATHS} 个路径，请分成几个列表 (more than {MAX_LIST_PATHS} paths: split the list)"
            ));
        }
        let mut bytes: &[u8] = &line;
        if number == 1 {
            bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
        }
        while let Some(rest) = bytes
            .strip_suffix(b"\n")
            .or_else(|| bytes.strip_suffix(b"\r"))
        {
            bytes = rest;
        }
        if bytes.iter().all(|b| b.is_ascii_whitespace()) {
            continue;
        }
        out.push(path_from_bytes(bytes));
    }
    Ok(out)
}

#[cfg(unix)]
fn path_from_bytes(b: &[u8]) -> PathBuf {
    use std::os::unix::ffi::OsStrExt;
    PathBuf::from(std::ffi::OsStr::from_bytes(b))
}

#[cfg(not(unix))]
fn path_from_bytes(b: &[u8]) -> PathBuf {
    PathBuf::from(String::from_utf8_lossy(b).into_owned())
}

/// Reads `--files-from FILE` (`-` for stdin), bounded by [`read_list_from`].
pub fn read_files_from(list: &Path) -> Result<Vec<PathBuf>, String> {
    let cannot = |e: io::Error| {
        format!(
            "无法读取文件清单 --files-from {}：请检查路径 (cannot read the list: {e})",
            list.display()
        )
    };
    let read = if list.as_os_str() == "-" {
        read_list_from(&mut io::stdin().lock())
    } else {
        let f = fs::File::open(list).map_err(cannot)?;
        read_list_from(&mut io::BufReader::new(f))
    };
    read.map_err(|e| format!("文件清单 --files-from {}：{e}", list.display()))
}

/// The warning for folder files passed over as jixiao's own outputs.
pub fn own_outputs_warning(own: &[PathBuf]) -> Option<String> {
    let first = own.first()?;
    Some(format!(
        "警告：跳过 {n} 个 jixiao 以前写出的文件（如 {f}）；如确需读取，请在命令行直接列出 \
         (warning: passed over {en} jixiao wrote earlier, such as {f}; name them on the command line to read them)",
        n = own.len(),
        en = crate::output::count(own.len(), "file", "files"),
        f = first.display()
    ))
}

/// Reads a list of paths from text (see [`read_list_from`]).
pub fn read_list(text: &str) -> Vec<PathBuf> {
    read_list_from(&mut text.as_bytes()).unwrap_or_default()
}

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

/// One input's bytes, refused past `max_file_bytes` before reading (and
/// stopped there while reading, should the file grow). What is not a
/// regular file is refused before it is opened, so a FIFO never blocks and
/// `/dev/zero` is never read: a folder that cannot be opened and a broken
/// link are `io`, a FIFO, device or socket is `unsupported`.
pub fn read_bytes(input: &Input, limits: &Limits) -> Result<Vec<u8>, Error> {
    let meta = match fs::metadata(&input.path) {
        Ok(m) => m,
        Err(e) if fs::symlink_metadata(&input.path).is_ok_and(|m| m.is_symlink()) => {
            return Err(Error::new(
                ErrorKind::Io,
                format!(
                    "符号链接指向的文件不存在，请修复或删除这个链接 \
                     (a broken symbolic link: what it points to is gone; fix or remove the link): {e}"
                ),
            ))
        }
        Err(e) => return Err(io_error(&e)),
    };
    if meta.is_dir() {
        return Err(match fs::read_dir(&input.path) {
            Err(e) => Error::new(
                ErrorKind::Io,
                format!(
                    "无法打开文件夹，其中的文件都未读取，请检查权限 \
                     (cannot open the folder, so none of its files were read; check its permissions): {e}"
                ),
            ),
            Ok(_) => Error::new(
                ErrorKind::Unsupported,
                "这是文件夹，不是文件 (a folder, not a file)".to_string(),
            ),
        });
    }
    if !meta.is_file() {
        return Err(not_regular(&meta));
    }
    if meta.len() > limits.max_file_bytes {
        return Err(Limits::exceeded("max_file_bytes", limits.max_file_bytes));
    }
    let file = open_no_wait(&input.path).map_err(|e| io_error(&e))?;
    // Swapped for a FIFO or device between the two looks: still refused.
    match file.metadata() {
        Ok(m) if !m.is_file() => return Err(not_regular(&m)),
        Err(e) => return Err(io_error(&e)),
        Ok(_) => {}
    }
    let mut bytes = Vec::with_capacity(usize::try_from(meta.len()).unwrap_or(0));
    io::Read::read_to_end(
        &mut io::Read::take(file, limits.max_file_bytes.saturating_add(1)),
        &mut bytes,
    )
    .map_err(|e| io_error(&e))?;
    if bytes.len() as u64 > limits.max_file_bytes {
        return Err(Limits::exceeded("max_file_bytes", limits.max_file_bytes));
    }
    Ok(bytes)
}

/// Opens for reading without waiting for a writer (a FIFO swapped in).
fn open_no_wait(path: &Path) -> io::Result<fs::File> {
    let mut o = fs::OpenOptions::new();
    o.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        o.custom_flags(libc::O_NONBLOCK);
    }
    o.open(path)
}

fn not_regular(meta: &fs::Metadata) -> Error {
    let (zh, en) = special_kind(meta);
    Error::new(
        ErrorKind::Unsupported,
        format!(
            "不是普通文件（{zh}），未读取：请把文档复制成普通文件再转换 \
             (not a regular file but a {en}: not read; copy the document to a regular file first)"
        ),
    )
}

fn special_kind(meta: &fs::Metadata) -> (&'static str, &'static str) {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        let t = meta.file_type();
        if t.is_fifo() {
            return ("命名管道", "FIFO");
        }
        if t.is_char_device() {
            return ("字符设备", "character device");
        }
        if t.is_block_device() {
            return ("块设备", "block device");
        }
        if t.is_socket() {
            return ("套接字", "socket");
        }
    }
    let _ = meta;
    ("特殊文件", "special file")
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
            let dest = crate::output::per_file_dest(dir, input, opts.extension());
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
