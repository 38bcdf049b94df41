//! `jixiao convert`: the flags become a validated [`Plan`] before any work
//! (formats agree, folders exist, outputs clobber no input), then the batch
//! runs it, printing errors, warnings, the progress bar and the summary
//! line, and streaming the per-file report. Exit codes: 0 all converted,
//! 1 some file failed (or `--strict` and a table incomplete), 2 usage error.

use super::help::FORMATS_AND_EXAMPLES;
use super::{formats, inputs, usage};
use clap::ValueEnum;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use jixiao::limits::Limits;
use jixiao::model::FileError;
use jixiao::run::{self, AtomicFile, Input, Outcome, Target};
use jixiao::write::count;
use jixiao::write::{Encoding, Format, Headers, Options, Output, Writing};
use std::fs;
use std::io::{self, BufWriter, Read, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

#[derive(clap::Args, Debug)]
#[command(after_help = FORMATS_AND_EXAMPLES)]
pub(crate) struct ConvertArgs {
    /// 文件或文件夹（文件夹逐层读取，按路径排序）；`-` 从标准输入读一个文件 (files or folders, walked in path order; `-` reads one file from stdin)
    inputs: Vec<PathBuf>,
    /// `convert -` 读入的文件在结果中的名字，默认 stdin；格式按内容识别 (the name records carry for `convert -`; the format is found from the content)
    #[arg(long, value_name = "NAME")]
    name: Option<String>,
    /// 从文件读入更多输入路径，每行一个（`-` 为标准输入） (read more input paths from FILE, one per line; `-` for stdin)
    #[arg(long, value_name = "FILE")]
    files_from: Option<PathBuf>,
    /// 文件夹中只读路径符合此模式的文件，可给多次 (in folders, only files whose path matches; repeatable)
    #[arg(long, value_name = "PATTERN")]
    glob: Vec<String>,
    /// 输出格式；不给时按 -o 的扩展名（两者须一致），都不给则为 JSON (output format; else from -o's extension, which must agree; else JSON)
    #[arg(long, value_parser = formats(Format::CONVERT))]
    to: Option<Format>,
    /// .xlsx 的样式：flat 每行一个指标（默认），form 每张表还原成可打印的原表 (xlsx layout: one row per indicator, or each table as its printed form)
    #[arg(long, value_enum)]
    layout: Option<LayoutArg>,
    /// 输出文件（写完才出现，不会留下半个文件）；不给则输出到屏幕 (output file, written atomically; default stdout)
    #[arg(short, long, conflicts_with = "out_dir")]
    output: Option<PathBuf>,
    /// 每个输入单独写一个结果到 DIR 下，目录结构与输入相同 (one output per input under DIR, mirroring the input tree)
    #[arg(long, value_name = "DIR")]
    out_dir: Option<PathBuf>,
    /// CSV 和 xlsx 的列名：zh 中文，en 英文 (column names for CSV and xlsx)
    #[arg(long, value_enum, default_value = "zh")]
    headers: HeaderArg,
    /// CSV 不加 UTF-8 BOM (CSV without the UTF-8 byte-order mark)
    #[arg(long)]
    no_bom: bool,
    /// CSV 的文字编码 (CSV text encoding)
    #[arg(long, value_enum, default_value = "utf8")]
    encoding: EncodingArg,
    /// 同时处理的线程数，默认用全部 CPU 核 (worker threads; default all cores)
    #[arg(short, long, value_name = "N")]
    jobs: Option<usize>,
    /// 只转换 N 份中的第 K 份，例如 --shard 3/8 (convert only shard K of N, 1-based)
    #[arg(long, value_name = "K/N")]
    shard: Option<String>,
    /// 写出每个文件的处理报告：状态、表数、指标数、说明、错误 (a per-file report: status, tables, indicators, warnings, error)
    #[arg(long, value_name = "FILE.json")]
    report: Option<PathBuf>,
    /// 说明跳过了哪些表格、为什么 (say which tables were skipped and why)
    #[arg(short, long)]
    verbose: bool,
    /// 不显示进度条和汇总行 (no progress bar and no summary line)
    #[arg(short, long)]
    quiet: bool,
    /// 有表未完整读取即按错误处理，退出码 1 (a table not read in full is an error: exit 1)
    #[arg(long)]
    strict: bool,
    /// 放宽或收紧安全限制，例如 --limit max_file_bytes=1000000000 (raise or lower a safety limit)
    #[arg(long, value_name = "NAME=N")]
    limit: Vec<String>,
    /// 在每张表的 JSON、JSONL 结果中附上 jixiao check 的检查结果 (add check findings to each table, JSON and JSONL)
    #[arg(long)]
    check: bool,
}

#[derive(ValueEnum, Clone, Copy, Debug)]
enum LayoutArg {
    Flat,
    Form,
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
pub(super) struct Plan {
    pub(super) files: Vec<Input>,
    pub(super) walk_skipped: usize,
    pub(super) opts: Options,
    pub(super) output: Option<PathBuf>,
    pub(super) target: Target,
    pub(super) jobs: usize,
    pub(super) report: Option<PathBuf>,
    pub(super) verbose: bool,
    pub(super) quiet: bool,
    pub(super) strict: bool,
    pub(super) limits: Limits,
    pub(super) check: Option<jixiao::check::RuleSet>,
    /// `convert -`: stdin's bytes, held in a temporary file for the run.
    _stdin: Option<StdinFile>,
}

/// The file read from stdin (`convert -`), in a temporary file removed on drop.
struct StdinFile {
    input: Input,
}

impl StdinFile {
    fn read(name: Option<&str>, limits: &Limits) -> Result<StdinFile, String> {
        let mut bytes = Vec::new();
        io::stdin()
            .lock()
            .take(limits.max_file_bytes.saturating_add(1))
            .read_to_end(&mut bytes)
            .map_err(|e| format!("无法读取标准输入 (cannot read stdin): {e}"))?;
        if bytes.is_empty() {
            return Err(
                "标准输入是空的：请把文件接进来，例如 jixiao convert - --name 表.docx < 表.docx -o 结果.csv \
                 (stdin is empty: pipe a file in)"
                    .into(),
            );
        }
        if bytes.len() as u64 > limits.max_file_bytes {
            return Err(Limits::exceeded("max_file_bytes", limits.max_file_bytes).message);
        }
        let stamp = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos());
        let path =
            std::env::temp_dir().join(format!("jixiao-stdin-{}-{stamp}.tmp", std::process::id()));
        let written = fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&path)
            .and_then(|mut f| f.write_all(&bytes));
        if let Err(e) = written {
            let _ = fs::remove_file(&path);
            return Err(format!(
                "无法写临时文件 {} (cannot write a temporary file for stdin): {e}",
                path.display()
            ));
        }
        // The format is found from the content; the name is what records carry.
        let label = name.unwrap_or("stdin").to_string();
        Ok(StdinFile {
            input: Input {
                path,
                rel: PathBuf::from(&label),
                label,
            },
        })
    }
}

impl Drop for StdinFile {
    fn drop(&mut self) {
        let _ = fs::remove_file(&self.input.path);
    }
}

fn plan(a: ConvertArgs) -> Result<Plan, String> {
    let limits = super::limits(&a.limit)?;
    let format = Format::for_convert(a.to, a.output.as_deref())?;
    if format.writing() == Writing::Database && a.out_dir.is_some() {
        return Err(format!(
            "{} 输出不能与 --out-dir 同用 ({} output cannot be combined with --out-dir)",
            format.name(),
            format.name()
        ));
    }
    if let Some(layout) = a.layout {
        if format.writing() != Writing::Workbook {
            let name = match layout {
                LayoutArg::Flat => "flat",
                LayoutArg::Form => "form",
            };
            return Err(format!(
                "--layout {name} 只用于 xlsx 输出：请加 -o 结果.xlsx，或去掉 --layout \
                 (--layout {name} applies to xlsx output only: use -o FILE.xlsx or drop --layout)"
            ));
        }
    }
    for (out, flag) in a
        .output
        .iter()
        .map(|o| (o, "-o"))
        .chain(a.report.iter().map(|r| (r, "--report")))
    {
        if let Some(folder) = out.parent().filter(|f| !f.as_os_str().is_empty()) {
            if !folder.is_dir() {
                return Err(format!(
                    "{flag} {} 所在的文件夹 {} 不存在：请先建好这个文件夹，或换一个路径 \
                     (the folder {} does not exist: create it first or choose another {flag} path)",
                    out.display(),
                    folder.display(),
                    folder.display()
                ));
            }
        }
    }
    // `convert -`: the bytes on stdin are one file, kept in a temporary
    // file for the run (removed when the plan is dropped).
    let from_stdin = a.inputs.iter().any(|i| i.as_os_str() == "-");
    let stdin_file = if from_stdin {
        if a.inputs.len() > 1 || a.files_from.is_some() {
            return Err(
                "“-”（从标准输入读一个文件）不能与其他输入或 --files-from 同用 \
                 (`-` reads one file from stdin: give no other inputs)"
                    .into(),
            );
        }
        Some(StdinFile::read(a.name.as_deref(), &limits)?)
    } else {
        if a.name.is_some() {
            return Err(
                "--name 只用于从标准输入读取（convert -） (--name is for `convert -` only)".into(),
            );
        }
        None
    };
    let (files, walk_skipped) = match &stdin_file {
        Some(s) => (vec![s.input.clone()], 0),
        None => inputs(
            &a.inputs,
            a.files_from.as_deref(),
            &a.glob,
            a.shard.as_deref(),
        )?,
    };
    let out_ext = format.extension();
    jixiao::run::output::check_outputs(
        a.output.as_deref(),
        a.report.as_deref(),
        a.out_dir.as_deref().map(|d| (d, out_ext)),
        &files,
    )?;
    let jobs = super::jobs(a.jobs);
    Ok(Plan {
        files,
        walk_skipped,
        opts: Options {
            format,
            headers: match a.headers {
                HeaderArg::Zh => Headers::Zh,
                HeaderArg::En => Headers::En,
            },
            bom: !a.no_bom,
            encoding: match a.encoding {
                EncodingArg::Utf8 => Encoding::Utf8,
                EncodingArg::Gbk => Encoding::Gbk,
            },
            layout: match a.layout.unwrap_or(LayoutArg::Flat) {
                LayoutArg::Flat => jixiao::write::xlsx::Layout::Flat,
                LayoutArg::Form => jixiao::write::xlsx::Layout::Form,
            },
        },
        output: a.output,
        target: a.out_dir.map_or(Target::Combined, Target::PerFile),
        jobs,
        report: a.report,
        verbose: a.verbose,
        quiet: a.quiet,
        strict: a.strict,
        limits,
        check: a.check.then(jixiao::check::RuleSet::default),
        _stdin: stdin_file,
    })
}

/// `jixiao convert`; returns the exit code.
pub(crate) fn main(a: ConvertArgs) -> i32 {
    match plan(a) {
        Ok(p) => run(p),
        Err(msg) => usage(msg),
    }
}

fn run(p: Plan) -> i32 {
    if let (true, Some(out)) = (p.files.is_empty(), &p.output) {
        // Nothing to convert: no header-only file that looks like a result.
        let (zh, en) = match p.walk_skipped {
            0 => (String::new(), String::new()),
            n => (
                format!("（文件夹里有 {n} 个其他文件，不是 Word、Excel、WPS 或文本格式，或不合 --glob）"),
                format!(" ({n} other files are not Word, Excel, WPS or text, or outside --glob)"),
            ),
        };
        eprintln!(
            "jixiao: 没有找到可转换的文件{zh}，未写出 {}：请检查输入路径和 --glob \
             (no convertible files found{en}; {} not written: check the inputs and --glob)",
            out.display(),
            out.display()
        );
        return 1;
    }
    if let (Writing::Database, Some(db)) = (p.opts.format.writing(), &p.output) {
        return super::sqlite::main(&p, db);
    }
    if p.files.is_empty() && matches!(p.target, Target::Combined) && p.output.is_none() {
        eprintln!("jixiao: 没有找到可转换的文件 (no input files found)");
    }
    if p.opts.format.needs_file() && p.output.is_none() && matches!(p.target, Target::Combined) {
        return usage(p.opts.format.file_needed("结果"));
    }
    let result = match (&p.output, &p.target) {
        (Some(dest), _) => AtomicFile::create(dest).and_then(|(atomic, file)| {
            let code = convert_all(&p, Some(Box::new(BufWriter::new(file))))?;
            atomic.commit()?;
            Ok(code)
        }),
        (None, Target::Combined) => convert_all(&p, Some(Box::new(BufWriter::new(io::stdout())))),
        (None, Target::PerFile(_)) => convert_all(&p, None),
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

/// The exit code, after saying so when `--strict` fails a run.
pub(super) fn finish_code(p: &Plan, errors: usize, incomplete: usize) -> i32 {
    if p.strict && incomplete > 0 && !p.quiet {
        eprintln!(
            "jixiao: --strict：{incomplete} 张表未完整读取，按错误处理 ({} incomplete: an error under --strict)",
            count(incomplete, "table", "tables")
        );
    }
    i32::from(errors > 0 || (p.strict && incomplete > 0))
}

/// The warning for a table not read in full.
pub(super) fn incomplete_line(
    file: &str,
    table: u32,
    locator: &str,
    gaps: &[jixiao::model::Gap],
) -> String {
    let what: Vec<String> = gaps.iter().map(|g| g.describe()).collect();
    format!(
        "jixiao: 警告 (warning): {file} 表 {table} [{locator}] 未完整读取 (incomplete): {}",
        what.join("；")
    )
}

/// The per-file report, streamed as a JSON array.
struct Report {
    out: BufWriter<fs::File>,
    atomic: AtomicFile,
    first: bool,
}

impl Report {
    fn create(path: &Path) -> io::Result<Report> {
        let (atomic, file) = AtomicFile::create(path)?;
        let mut out = BufWriter::new(file);
        out.write_all(b"[")?;
        Ok(Report {
            out,
            atomic,
            first: true,
        })
    }

    fn record(&mut self, input: &Input, o: &Outcome) -> io::Result<()> {
        let v = o.report(&input.label);
        self.out
            .write_all(if self.first { b"\n  " } else { b",\n  " })?;
        self.first = false;
        serde_json::to_writer(&mut self.out, &v).map_err(io::Error::other)
    }

    fn finish(mut self) -> io::Result<()> {
        self.out.write_all(b"\n]\n")?;
        self.out.flush()?;
        self.atomic.commit()
    }
}

fn progress_bar(p: &Plan) -> ProgressBar {
    if p.quiet {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::with_draw_target(
        Some(p.files.len() as u64),
        ProgressDrawTarget::stderr_with_hz(4),
    );
    if let Ok(style) = ProgressStyle::with_template(
        "{pos}/{len} 个文件 (files)  {rate}  错误 (errors): {msg}  剩余 (ETA) {eta}  {wide_bar}",
    ) {
        bar.set_style(style.with_key(
            "rate",
            |state: &indicatif::ProgressState, w: &mut dyn std::fmt::Write| {
                let _ = write!(w, "{:.0} 个/秒 (files/s)", state.per_sec());
            },
        ));
    }
    bar.set_message("0");
    bar
}

fn convert_all(p: &Plan, out: Option<Box<dyn Write + Send + '_>>) -> io::Result<i32> {
    let started = Instant::now();
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(p.jobs)
        .build()
        .map_err(io::Error::other)?;
    let mut output = match out {
        Some(w) => Some(Output::begin(w, p.opts)?),
        None => None,
    };
    let mut report = match &p.report {
        Some(path) => Some(Report::create(path)?),
        None => None,
    };
    let bar = progress_bar(p);
    let failed = AtomicUsize::new(0);
    let mut errors: Vec<FileError> = Vec::new();
    let (mut tables, mut indicators, mut notes) = (0usize, 0usize, 0usize);
    let mut incomplete = 0usize;
    let done = |o: &Outcome| {
        if o.error.is_some() {
            let n = failed.fetch_add(1, Ordering::Relaxed) + 1;
            bar.set_message(n.to_string());
        }
        bar.inc(1);
    };
    run::run_checked(
        &p.files,
        &p.opts,
        p.check.as_ref(),
        &p.limits,
        &p.target,
        &pool,
        &done,
        &mut |input, o| {
            if let Some(r) = report.as_mut() {
                r.record(input, &o)?;
            }
            if p.verbose {
                for s in &o.skipped {
                    bar.suspend(|| eprintln!("jixiao: {}: {s}", input.label));
                }
            }
            match o.error {
                Some(e) => {
                    bar.suspend(|| eprintln!("jixiao: {}: {e}", input.label));
                    errors.push(FileError {
                        file: input.label.clone(),
                        kind: e.kind,
                        message: e.message,
                    });
                }
                None => {
                    incomplete += o.incomplete.len();
                    if !p.quiet {
                        for (table, locator, gaps) in &o.incomplete {
                            let line = incomplete_line(&input.label, *table, locator, gaps);
                            bar.suspend(|| eprintln!("{line}"));
                        }
                    }
                    tables += o.tables;
                    indicators += o.indicators;
                    notes += o.notes;
                    if let Some(out) = output.as_mut() {
                        for r in &o.rendered {
                            out.push(r)?;
                        }
                        for t in o.kept {
                            out.keep(t)?;
                        }
                    }
                }
            }
            Ok(())
        },
    )?;
    bar.finish_and_clear();
    if let Some(out) = output {
        out.finish(&errors)?;
    }
    if let Some(r) = report {
        r.finish()?;
    }
    if !p.quiet {
        eprintln!(
            "jixiao: {}",
            summary(&Counts {
                files: p.files.len(),
                passed_over: p.walk_skipped,
                tables,
                incomplete,
                indicators,
                notes,
                errors: errors.len(),
                seconds: started.elapsed().as_secs_f64(),
            })
        );
    }
    Ok(finish_code(p, errors.len(), incomplete))
}

/// What the summary line counts.
pub(super) struct Counts {
    pub(super) files: usize,
    pub(super) passed_over: usize,
    pub(super) tables: usize,
    pub(super) incomplete: usize,
    pub(super) indicators: usize,
    pub(super) notes: usize,
    pub(super) errors: usize,
    pub(super) seconds: f64,
}

/// The line that ends every run, Chinese first.
pub(super) fn summary(c: &Counts) -> String {
    let Counts {
        files,
        passed_over,
        tables,
        incomplete,
        indicators,
        notes,
        errors,
        seconds,
    } = *c;
    let (zh_skip, en_skip) = if passed_over > 0 {
        (
            format!("（另有 {passed_over} 个其他文件未读）"),
            format!(
                ", {} passed over",
                count(passed_over, "other file", "other files")
            ),
        )
    } else {
        (String::new(), String::new())
    };
    let (zh_part, en_part) = if incomplete > 0 {
        (
            format!("（其中 {incomplete} 张未完整读取，见警告）"),
            format!(" ({incomplete} incomplete: see the warnings)"),
        )
    } else {
        (String::new(), String::new())
    };
    format!(
        "共 {files} 个文件{zh_skip}，{tables} 张表{zh_part}，{indicators} 个指标，{notes} 条说明，{errors} 个错误，{seconds:.2} 秒 \
         ({}{en_skip}, {}{en_part}, {}, {}, {}, {seconds:.2} s)",
        count(files, "file", "files"),
        count(tables, "table", "tables"),
        count(indicators, "indicator", "indicators"),
        count(notes, "note", "notes"),
        count(errors, "error", "errors"),
    )
}
