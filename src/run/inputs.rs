//! Which files a command reads: paths and folders (walked in path order,
//! office and text extensions only, jixiao's own outputs passed over),
//! `--files-from` lists (bounded), `--glob`, and `--shard K/N`.

use std::fs;
use std::io::{self, BufRead};
use std::path::{Path, PathBuf};

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
        en = crate::write::count(own.len(), "file", "files"),
        f = first.display()
    ))
}

/// Reads a list of paths from text (see [`read_list_from`]).
pub fn read_list(text: &str) -> Vec<PathBuf> {
    read_list_from(&mut text.as_bytes()).unwrap_or_default()
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

/// The inputs of a run, gathered from the command line's paths.
#[derive(Debug, Default)]
pub struct Gathered {
    pub files: Vec<Input>,
    /// Folder files passed over (not office or text, hidden, outside `--glob`).
    pub skipped: usize,
    /// A warning for the caller to show: jixiao's own outputs passed over.
    pub warning: Option<String>,
}

/// The files a command reads: `paths`, the `files_from` list (`-` for
/// stdin), only folder files matching `glob`, only shard `K/N`. An `Err` is
/// a usage error, said Chinese first.
pub fn gather(
    paths: &[PathBuf],
    files_from: Option<&Path>,
    glob: &[String],
    shard_spec: Option<&str>,
) -> Result<Gathered, String> {
    let listed = match files_from {
        Some(list) => read_files_from(list)?,
        None => Vec::new(),
    };
    if paths.is_empty() && listed.is_empty() {
        return Err(
            "没有输入文件：请给出文件或文件夹，例如 jixiao convert 文件夹 -o 结果.xlsx \
             (no inputs: give files or folders, or --files-from)"
                .into(),
        );
    }
    let globs = if glob.is_empty() {
        None
    } else {
        let mut b = globset::GlobSetBuilder::new();
        for g in glob {
            b.add(globset::Glob::new(g).map_err(|e| {
                format!("--glob {g}：写法有误，例如 --glob '**/*2024*.docx' (bad pattern: {e})")
            })?);
        }
        Some(b.build().map_err(|e| format!("--glob: {e}"))?)
    };
    let inputs = collect_with(paths, &listed, globs.as_ref())?;
    let warning = own_outputs_warning(&inputs.own_outputs);
    let mut files = inputs.files;
    if let Some(spec) = shard_spec {
        let (k, n) = spec
            .split_once('/')
            .and_then(|(k, n)| Some((k.trim().parse::<u64>().ok()?, n.trim().parse::<u64>().ok()?)))
            .filter(|(k, n)| *n >= 1 && (1..=*n).contains(k))
            .ok_or_else(|| {
                format!(
                    "--shard 要写成 K/N（1 ≤ K ≤ N），例如 --shard 3/8 表示 8 份中的第 3 份；收到 “{spec}” \
                     (--shard wants K/N with 1 ≤ K ≤ N, got {spec:?})"
                )
            })?;
        files = shard(files, k, n);
    }
    Ok(Gathered {
        files,
        skipped: inputs.skipped,
        warning,
    })
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
