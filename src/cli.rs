//! The command line: flags become a validated [`Plan`] before any work, then
//! `convert` or `inspect` runs it. Exit codes: 0 all converted, 1 some file
//! failed, 2 usage error.

use crate::convert::convert_guarded;
use crate::error::ErrorKind;
use crate::grid::Block;
use crate::limits::Limits;
use crate::model::FileError;
use crate::write::csv::{CsvSink, Encoding};
use crate::write::json::JsonSink;
use crate::write::jsonl::JsonlSink;
use crate::write::{Headers, Sink};
use clap::{Parser, Subcommand, ValueEnum};
use std::fs;
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

#[derive(Parser, Debug)]
#[command(
    name = "jixiao",
    version,
    about = "把绩效目标表（Word、文本）转换为 JSON / JSONL / CSV — converts budget performance target tables to structured data"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// 转换文件或文件夹 (convert files or folders)
    Convert(ConvertArgs),
    /// 显示读到的表格 (show each table grid as read, with spans and the paragraphs around it)
    Inspect {
        /// The file to show
        file: PathBuf,
    },
}

#[derive(clap::Args, Debug)]
struct ConvertArgs {
    /// Files or folders (folders are walked recursively, in path order)
    #[arg(required = true)]
    inputs: Vec<PathBuf>,
    /// Output format; else from -o's extension; else JSON
    #[arg(long, value_enum)]
    to: Option<To>,
    /// Output file (written atomically); default stdout
    #[arg(short, long)]
    output: Option<PathBuf>,
    /// Column names for CSV and JSONL-less outputs
    #[arg(long, value_enum, default_value = "zh")]
    headers: HeaderArg,
    /// CSV without the UTF-8 byte-order mark
    #[arg(long)]
    no_bom: bool,
    /// CSV text encoding
    #[arg(long, value_enum, default_value = "utf8")]
    encoding: EncodingArg,
    /// Say which tables were skipped and why
    #[arg(short, long)]
    verbose: bool,
    /// No summary line at the end
    #[arg(short, long)]
    quiet: bool,
    /// Raise or lower a safety limit, e.g. --limit max_file_bytes=1000000000
    #[arg(long, value_name = "NAME=N")]
    limit: Vec<String>,
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
enum To {
    Json,
    Jsonl,
    Csv,
}

#[derive(ValueEnum, Clone, Copy, Debug)]
enum HeaderArg {
    Zh,
    En,
}

#[derive(ValueEnum, Clone, Copy, Debug)]
enum EncodingArg {
    Utf8,
    Gbk,
}

/// A validated conversion: what to read, how to write.
struct Plan {
    files: Vec<(PathBuf, String)>,
    to: To,
    output: Option<PathBuf>,
    headers: Headers,
    bom: bool,
    encoding: Encoding,
    verbose: bool,
    quiet: bool,
    limits: Limits,
}

/// Extensions picked up when walking a folder; named files are always read.
const FOLDER_EXTENSIONS: &[&str] = &[
    "docx", "docm", "dotx", "dotm", "doc", "wps", "txt", "text", "xlsx", "xlsm", "xls", "et",
    "ods", "odt", "xml", "htm", "html",
];

fn usage(msg: impl std::fmt::Display) -> i32 {
    eprintln!("jixiao: {msg}");
    2
}

/// Runs the command line; returns the exit code.
pub fn main() -> i32 {
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let _ = e.print();
            return if e.use_stderr() { 2 } else { 0 };
        }
    };
    // Panics inside a reader become per-file errors; keep stderr clean.
    std::panic::set_hook(Box::new(|_| {}));
    match cli.command {
        Command::Convert(args) => match plan(args) {
            Ok(p) => run(p),
            Err(msg) => usage(msg),
        },
        Command::Inspect { file } => inspect(&file),
    }
}

fn plan(a: ConvertArgs) -> Result<Plan, String> {
    let mut limits = Limits::default();
    for l in &a.limit {
        limits.set(l)?;
    }
    let to = match (a.to, &a.output) {
        (Some(t), _) => t,
        (None, Some(o)) => match o
            .extension()
            .and_then(|e| e.to_str())
            .map(str::to_lowercase)
            .as_deref()
        {
            Some("csv") => To::Csv,
            Some("jsonl") | Some("ndjson") => To::Jsonl,
            Some("json") | None => To::Json,
            Some(other) => {
                return Err(format!(
                    "cannot tell the format from “.{other}”: use --to json|jsonl|csv"
                ))
            }
        },
        (None, None) => To::Json,
    };
    let mut files = Vec::new();
    for input in &a.inputs {
        if input.is_dir() {
            let mut found: Vec<PathBuf> = walkdir::WalkDir::new(input)
                .follow_links(false)
                .into_iter()
                .filter_map(Result::ok)
                .filter(|e| e.file_type().is_file())
                .map(|e| e.into_path())
                .filter(|p| {
                    let hidden = p
                        .file_name()
                        .and_then(|n| n.to_str())
                        .is_some_and(|n| n.starts_with('.') || n.starts_with("~$"));
                    let known = p
                        .extension()
                        .and_then(|e| e.to_str())
                        .is_some_and(|e| FOLDER_EXTENSIONS.contains(&e.to_lowercase().as_str()));
                    known && !hidden
                })
                .collect();
            found.sort();
            files.extend(found.into_iter().map(|p| {
                let label = p.to_string_lossy().replace('\\', "/");
                (p, label)
            }));
        } else if input.exists() {
            files.push((input.clone(), input.to_string_lossy().replace('\\', "/")));
        } else {
            return Err(format!(
                "找不到文件 {} (no such file or folder)",
                input.display()
            ));
        }
    }
    if let Some(out) = &a.output {
        if let Ok(o) = fs::canonicalize(out) {
            if files
                .iter()
                .any(|(p, _)| fs::canonicalize(p).is_ok_and(|c| c == o))
            {
                return Err(format!(
                    "输出文件 {} 也是输入文件 (the output is also an input: choose another -o)",
                    out.display()
                ));
            }
        }
    }
    Ok(Plan {
        files,
        to,
        output: a.output,
        headers: match a.headers {
            HeaderArg::Zh => Headers::Zh,
            HeaderArg::En => Headers::En,
        },
        bom: !a.no_bom,
        encoding: match a.encoding {
            EncodingArg::Utf8 => Encoding::Utf8,
            EncodingArg::Gbk => Encoding::Gbk,
        },
        verbose: a.verbose,
        quiet: a.quiet,
        limits,
    })
}

fn sink<'w>(p: &Plan, out: Box<dyn Write + 'w>) -> io::Result<Box<dyn Sink + 'w>> {
    Ok(match p.to {
        To::Json => Box::new(JsonSink::new(out)?),
        To::Jsonl => Box::new(JsonlSink::new(out)),
        To::Csv => Box::new(CsvSink::new(out, p.headers, p.bom, p.encoding)?),
    })
}

/// The output file, written to a temporary name beside it and renamed when
/// complete, so a failed or killed run leaves no partial file.
struct AtomicFile {
    tmp: PathBuf,
    dest: PathBuf,
}

impl AtomicFile {
    fn create(dest: &Path) -> io::Result<(AtomicFile, fs::File)> {
        let dir = dest
            .parent()
            .filter(|d| !d.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        let name = dest
            .file_name()
            .map(|n| n.to_string_lossy().to_string())
            .unwrap_or_default();
        let tmp = dir.join(format!(".{name}.jixiao-{}.tmp", std::process::id()));
        let f = fs::File::create(&tmp)?;
        Ok((
            AtomicFile {
                tmp,
                dest: dest.to_path_buf(),
            },
            f,
        ))
    }

    fn commit(self) -> io::Result<()> {
        fs::rename(&self.tmp, &self.dest)?;
        std::mem::forget(self);
        Ok(())
    }
}

impl Drop for AtomicFile {
    fn drop(&mut self) {
        let _ = fs::remove_file(&self.tmp);
    }
}

fn run(p: Plan) -> i32 {
    if p.files.is_empty() {
        return usage("没有找到可转换的文件 (no input files found)");
    }
    let result = match &p.output {
        Some(dest) => match AtomicFile::create(dest) {
            Ok((atomic, file)) => {
                let r = convert_all(&p, Box::new(BufWriter::new(file)));
                match r {
                    Ok(code) => atomic.commit().map(|_| code),
                    Err(e) => Err(e),
                }
            }
            Err(e) => Err(e),
        },
        None => convert_all(&p, Box::new(BufWriter::new(io::stdout().lock()))),
    };
    match result {
        Ok(code) => code,
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => 0,
        Err(e) => {
            eprintln!("jixiao: 无法写出结果 (cannot write the output): {e}");
            1
        }
    }
}

fn convert_all(p: &Plan, out: Box<dyn Write + '_>) -> io::Result<i32> {
    let mut sink = sink(p, out)?;
    let started = std::time::Instant::now();
    let mut errors = Vec::new();
    let (mut tables, mut indicators, mut notes) = (0usize, 0usize, 0usize);
    for (path, label) in &p.files {
        let result = fs::read(path)
            .map_err(|e| {
                crate::error::Error::new(
                    ErrorKind::Io,
                    format!("无法读取文件 (cannot read the file): {e}"),
                )
            })
            .and_then(|bytes| convert_guarded(&bytes, label, &p.limits));
        match result {
            Ok(n) => {
                if p.verbose {
                    for s in &n.skipped {
                        eprintln!("jixiao: {label}: {s}");
                    }
                }
                for t in &n.tables {
                    tables += 1;
                    indicators += t.indicators.len();
                    notes += t.notes.len();
                    sink.table(t)?;
                }
            }
            Err(e) => {
                eprintln!("jixiao: {label}: {e}");
                errors.push(FileError {
                    file: label.clone(),
                    kind: e.kind,
                    message: e.message,
                });
            }
        }
    }
    sink.finish(&errors)?;
    if !p.quiet {
        eprintln!(
            "jixiao: {} files, {tables} tables, {indicators} indicators, {notes} notes, {} errors, {:.2} s",
            p.files.len(),
            errors.len(),
            started.elapsed().as_secs_f64()
        );
    }
    Ok(if errors.is_empty() { 0 } else { 1 })
}

fn inspect(path: &Path) -> i32 {
    let bytes = match fs::read(path) {
        Ok(b) => b,
        Err(e) => {
            return usage(format!(
                "{}: 无法读取文件 (cannot read the file): {e}",
                path.display()
            ))
        }
    };
    let label = path.to_string_lossy().to_string();
    let doc = match crate::read::read(&bytes, &Limits::default()) {
        Ok(d) => d,
        Err(e) => {
            eprintln!("jixiao: {label}: {e}");
            return 1;
        }
    };
    let mut out = String::new();
    out.push_str(&format!(
        "{label}: {} ({} blocks)\n",
        doc.format.as_str(),
        doc.blocks.len()
    ));
    for b in &doc.blocks {
        match b {
            Block::Paragraph(t) => out.push_str(&format!("¶ {}\n", t.replace('\n', "⏎"))),
            Block::Table(g) => {
                out.push_str(&format!(
                    "▦ {} ({} rows × {} columns)\n",
                    g.locator,
                    g.rows(),
                    g.cols()
                ));
                out.push_str(&g.render());
            }
        }
    }
    let n = crate::normalize::normalize(&doc.blocks, &label, doc.format.as_str());
    for t in &n.tables {
        out.push_str(&format!(
            "→ 表 {} [{}]: {} — {} indicators, {} notes\n",
            t.source.table,
            t.source.locator,
            t.title.as_deref().unwrap_or("(no title)"),
            t.indicators.len(),
            t.notes.len()
        ));
    }
    for s in &n.skipped {
        out.push_str(&format!("→ {s}\n"));
    }
    let mut stdout = io::stdout().lock();
    match stdout.write_all(out.as_bytes()) {
        Err(e) if e.kind() != io::ErrorKind::BrokenPipe => 1,
        _ => 0,
    }
}
