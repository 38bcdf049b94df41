//! The command line: flags become a validated [`Plan`] before any work, then
//! `convert` or `inspect` runs it. Exit codes: 0 all converted, 1 some file
//! failed, 2 usage error.

use crate::batch::{self, AtomicFile, Input, Outcome, Target};
use crate::limits::Limits;
use crate::model::FileError;
use crate::output::count;
use crate::write::{Encoding, Format, Headers, Options, Output};
use clap::{Parser, Subcommand, ValueEnum};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::fs;
use std::io::{self, BufWriter, Read, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

#[derive(Parser, Debug)]
#[command(
    name = "jixiao",
    version,
    about = "把绩效目标表（Word、Excel、WPS、文本）转换为 CSV / Excel / JSON — converts budget performance target tables to structured data",
    after_help = FORMATS_AND_EXAMPLES
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
        /// 要显示的文件；给文件夹则逐个显示 (the file to show; a folder shows each of its files in turn)
        file: PathBuf,
    },
    /// 检查绩效目标表的常见问题 (audit the tables: missing fields, sums, levels, placeholders…)
    Check(crate::check::command::CheckArgs),
    /// 比较两个版本（文件或文件夹）的绩效目标 (what changed between two versions: budgets, indicators, targets)
    Diff(crate::diff::DiffArgs),
    /// 打开本机网页：拖入文件即可转换 (a local web page: drop files, see the tables, download the results)
    #[cfg(feature = "serve")]
    Serve(ServeArgs),
}

#[cfg(feature = "serve")]
#[derive(clap::Args, Debug)]
struct ServeArgs {
    /// 端口，0 表示任选一个空闲端口 (port; 0 picks a free one)
    #[arg(long, default_value_t = 8471)]
    port: u16,
    /// 在默认浏览器中打开页面 (open the page in the default browser)
    #[arg(long)]
    open: bool,
    /// 监听地址，默认 127.0.0.1（只有本机能打开） (address to listen on; default 127.0.0.1, this machine only)
    #[arg(long, value_name = "ADDR")]
    listen: Option<std::net::IpAddr>,
    /// 接受的最大文件，字节数 (largest file accepted, in bytes)
    #[arg(long, value_name = "N", default_value_t = 64 << 20)]
    max_request_bytes: usize,
    /// 一批最多几个文件 (most files in one batch)
    #[arg(long, value_name = "N", default_value_t = 5000)]
    max_files: usize,
    /// 放宽或收紧读取的安全限制，同 convert (raise or lower a reader safety limit, as for convert)
    #[arg(long, value_name = "NAME=N")]
    limit: Vec<String>,
}

/// What `--help` ends with: every format read and written, and three examples.
const FORMATS_AND_EXAMPLES: &str = "\
读取 (reads, found from the content, not the name):
  Word 文档 .docx .docm .dotx .dotm，Word 97-2003 .doc，WPS 文字 .wps，OpenDocument 文字 .odt，
  Excel 表格 .xlsx .xlsm，Excel 97-2003 .xls，WPS 表格 .et，OpenDocument 表格 .ods，
  财务系统导出的 XML/HTML (.xls .xml .htm .html; SpreadsheetML), 文本 .txt .text (UTF-8/GBK),
  带表格线的 PDF .pdf (扫描件需先 OCR; ruled tables, not scans);
  convert - 从标准输入读一个文件，--name 给它命名 (`-`: one file on stdin, named by --name)
写出 (writes, from -o's extension or --to):
  .csv (UTF-8 带 BOM，Excel 可直接打开；--encoding gbk), .xlsx (每行一个指标；--layout form 为可打印的表),
  .json, .jsonl (每行一个指标), .db (SQLite，追加)

例子 (examples):
  jixiao convert 绩效目标表/ -o 结果.csv
      一个文件夹转为一个 CSV (a folder to one CSV)
  jixiao convert 绩效目标表/ -o 打印.xlsx --layout form
      每个项目还原成一张可打印的表 (each table as a printable form)
  jixiao convert 档案/ -o 全部.jsonl --report 报告.json
      批量转换，报告每个文件的结果 (a batch, with a report per file)";

#[derive(clap::Args, Debug)]
#[command(after_help = FORMATS_AND_EXAMPLES)]
struct ConvertArgs {
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
    #[arg(long, value_enum)]
    to: Option<To>,
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

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
enum To {
    Json,
    Jsonl,
    Csv,
    Xlsx,
    Sqlite,
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
struct Plan {
    files: Vec<Input>,
    walk_skipped: usize,
    opts: Options,
    output: Option<PathBuf>,
    target: Target,
    jobs: usize,
    report: Option<PathBuf>,
    verbose: bool,
    quiet: bool,
    strict: bool,
    limits: Limits,
    check: Option<crate::check::RuleSet>,
    /// `--to sqlite` (or `-o *.db`): the database appended to.
    sqlite: Option<PathBuf>,
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

pub(crate) fn usage(msg: impl std::fmt::Display) -> i32 {
    eprintln!("jixiao: {msg}");
    2
}

/// Runs the command line; returns the exit code.
pub fn main() -> i32 {
    use clap::FromArgMatches;
    let parsed = command()
        .try_get_matches()
        .and_then(|m| Cli::from_arg_matches(&m));
    let cli = match parsed {
        Ok(c) => c,
        Err(e) => {
            // Chinese first, then clap's own English (with its usage line).
            if let Some(zh) = clap_error_zh(&e) {
                eprintln!("jixiao: {zh}");
            }
            let text = if e.use_stderr() {
                clap_tips_zh(&e.render().to_string())
            } else {
                e.render().to_string()
            };
            if e.use_stderr() {
                eprint!("{text}");
            } else {
                print!("{text}");
            }
            return if e.use_stderr() { 2 } else { 0 };
        }
    };
    // Panics inside a reader become per-file errors; keep stderr clean.
    std::panic::set_hook(Box::new(|_| {}));
    // An interrupted run removes its partial outputs.
    let _ = ctrlc::set_handler(|| {
        batch::remove_partial_outputs();
        std::process::exit(130);
    });
    match cli.command {
        Command::Convert(args) => match plan(args) {
            Ok(p) => run(p),
            Err(msg) => usage(msg),
        },
        Command::Inspect { file } => inspect(&file),
        Command::Check(args) => crate::check::command::main(args),
        Command::Diff(args) => crate::diff::main(args),
        #[cfg(feature = "serve")]
        Command::Serve(args) => serve(args),
    }
}

/// The headings and built-in flags of every command's help, Chinese first.
const HELP_TEMPLATE: &str =
    "{before-help}{about-with-newline}\n用法 (Usage): {usage}\n\n{all-args}{after-help}";
const OPTIONS: &str = "选项 (Options)";

/// The command line as parsed: the derived one with Chinese headings and
/// Chinese help for `-h` and `-V` (clap's own say "Print help" in English).
pub fn command() -> clap::Command {
    use clap::{Arg, ArgAction, CommandFactory};
    localize(Cli::command()).disable_version_flag(true).arg(
        Arg::new("version")
            .short('V')
            .long("version")
            .action(ArgAction::Version)
            .help("显示版本 (print the version)")
            .help_heading(OPTIONS),
    )
}

fn localize(cmd: clap::Command) -> clap::Command {
    use clap::{Arg, ArgAction};
    // Not wrapped by clap: a wrapped help's second line would be English alone.
    cmd.term_width(0)
        .disable_help_flag(true)
        .disable_help_subcommand(true)
        .help_template(HELP_TEMPLATE)
        .subcommand_help_heading("命令 (Commands)")
        .mut_args(|a| {
            let heading = if a.is_positional() {
                "参数 (Arguments)"
            } else {
                OPTIONS
            };
            a.help_heading(heading)
        })
        .arg(
            Arg::new("help")
                .short('h')
                .long("help")
                .action(ArgAction::Help)
                .help("显示帮助 (print help)")
                .help_heading(OPTIONS),
        )
        .mut_subcommands(localize)
}

/// clap's English words around a usage error, with the Chinese first.
fn clap_tips_zh(rendered: &str) -> String {
    rendered
        .replace("error: ", "错误 (error): ")
        .replace("Usage: ", "用法 (Usage): ")
        .replace("  tip: ", "  提示 (tip): ")
        .replace("[possible values: ", "[可选值 (possible values): ")
        .replace(
            "For more information, try '--help'.",
            "更多说明请加 --help (for more information, try '--help').",
        )
}

/// The Chinese line put before one of clap's usage errors: what is wrong
/// and what to do. `None` for help and version, which are not errors.
fn clap_error_zh(e: &clap::Error) -> Option<String> {
    use clap::error::{ContextKind, ContextValue, ErrorKind as K};
    let get = |k: ContextKind| match e.get(k) {
        Some(ContextValue::String(s)) => s.clone(),
        Some(ContextValue::Strings(v)) => v.join("、"),
        Some(ContextValue::StyledStr(s)) => s.to_string(),
        Some(ContextValue::Number(n)) => n.to_string(),
        _ => String::new(),
    };
    let hint = |k: ContextKind| {
        let s = get(k);
        if s.is_empty() {
            String::new()
        } else {
            format!("（是不是想用 {s}？）")
        }
    };
    let arg = get(ContextKind::InvalidArg);
    let msg = match e.kind() {
        K::DisplayHelp | K::DisplayVersion => return None,
        K::DisplayHelpOnMissingArgumentOrSubcommand | K::MissingSubcommand => {
            "请给出要做的事，例如 jixiao convert 文件夹 -o 结果.xlsx；下面是全部命令".to_string()
        }
        K::UnknownArgument => format!(
            "不认识的选项 {arg}{}；用 --help 查看全部选项",
            hint(ContextKind::SuggestedArg)
        ),
        K::InvalidSubcommand => format!(
            "没有 {} 这个命令{}；可用的命令：convert、inspect、check、diff、serve",
            get(ContextKind::InvalidSubcommand),
            hint(ContextKind::SuggestedSubcommand)
        ),
        K::InvalidValue => {
            let value = get(ContextKind::InvalidValue);
            let valid = get(ContextKind::ValidValue);
            if value.is_empty() {
                format!("{arg} 后面要跟一个值，可选：{valid}")
            } else {
                format!("{arg} 不能是 “{value}”，可选：{valid}")
            }
        }
        K::ValueValidation => format!(
            "{arg} 的值 “{}” 不对，请看下面的说明",
            get(ContextKind::InvalidValue)
        ),
        K::MissingRequiredArgument => format!("缺少必须给出的参数：{arg}"),
        K::ArgumentConflict => {
            let prior = get(ContextKind::PriorArg);
            if prior.is_empty() || prior == arg {
                format!("{arg} 只能给一次")
            } else {
                format!("{arg} 不能与 {prior} 同用，请去掉其中一个")
            }
        }
        K::NoEquals => format!("{arg} 的值要用等号写，例如 {arg}=值"),
        K::TooManyValues | K::TooFewValues | K::WrongNumberOfValues => {
            format!("{arg} 的值的个数不对")
        }
        K::InvalidUtf8 => "参数里有无法识别的字符（不是 UTF-8）".to_string(),
        _ => "命令行有误".to_string(),
    };
    Some(msg)
}

#[cfg(feature = "serve")]
fn serve(a: ServeArgs) -> i32 {
    let mut cfg = crate::serve::Config::default();
    for l in &a.limit {
        if let Err(msg) = cfg.limits.set(l) {
            return usage(msg);
        }
    }
    cfg.max_request_bytes = a.max_request_bytes;
    cfg.max_files = a.max_files;
    let ip = a.listen.unwrap_or(cfg.listen.ip());
    cfg.listen = std::net::SocketAddr::new(ip, a.port);
    if !ip.is_loopback() {
        eprintln!(
            "jixiao: 警告：在 {ip} 上监听，同一网络中的其他电脑也能打开此页面并上传文件 \
             (warning: listening on {ip}: other machines on the network can open this page and upload files)"
        );
    }
    let running = match crate::serve::start(cfg) {
        Ok(r) => r,
        Err(e) => {
            eprintln!(
                "jixiao: 无法在 {ip}:{} 上启动网页服务，可换一个端口 --port N (cannot listen there: {e}; try another --port)",
                a.port
            );
            return 1;
        }
    };
    let host = if ip.is_loopback() || ip.is_unspecified() {
        format!("127.0.0.1:{}", running.addr.port())
    } else {
        running.addr.to_string()
    };
    let url = format!("http://{host}/");
    println!(
        "jixiao: 网页已启动：{url}（浏览器没有自动打开时，把这个地址复制到浏览器） (the page is at {url}: open it in a browser)\n\
         jixiao: 用网页期间请不要关闭本窗口；用完后关闭本窗口，或按 Ctrl-C，即停止 \
         (keep this window open while you use the page; close it or press Ctrl-C to stop)"
    );
    let _ = io::stdout().flush();
    if a.open {
        open_browser(&url);
    }
    match running.thread.join() {
        Ok(Ok(())) => 0,
        Ok(Err(e)) => {
            eprintln!("jixiao: 网页服务已停止 (the server stopped): {e}");
            1
        }
        Err(_) => 1,
    }
}

#[cfg(feature = "serve")]
fn open_browser(url: &str) {
    let mut cmd = if cfg!(target_os = "windows") {
        let mut c = std::process::Command::new("cmd");
        c.args(["/C", "start", ""]);
        c
    } else if cfg!(target_os = "macos") {
        std::process::Command::new("open")
    } else {
        std::process::Command::new("xdg-open")
    };
    if cmd.arg(url).spawn().is_err() {
        eprintln!("jixiao: 无法自动打开浏览器，请手动打开上面的地址 (could not open a browser: open the address above yourself)");
    }
}

fn plan(a: ConvertArgs) -> Result<Plan, String> {
    let mut limits = Limits::default();
    for l in &a.limit {
        limits.set(l)?;
    }
    let (format, sqlite) = output_format(a.to, a.output.as_deref())?;
    if sqlite.is_some() && a.out_dir.is_some() {
        return Err(
            "sqlite 输出不能与 --out-dir 同用 (sqlite output cannot be combined with --out-dir)"
                .into(),
        );
    }
    if let Some(layout) = a.layout {
        if format != Format::Xlsx || sqlite.is_some() {
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
    crate::output::check_outputs(
        a.output.as_deref(),
        a.report.as_deref(),
        a.out_dir.as_deref().map(|d| (d, out_ext)),
        &files,
    )?;
    let (jobs, too_many) = batch::jobs(a.jobs);
    if let Some(w) = too_many {
        eprintln!("jixiao: {w}");
    }
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
                LayoutArg::Flat => crate::write::xlsx::Layout::Flat,
                LayoutArg::Form => crate::write::xlsx::Layout::Form,
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
        check: a.check.then(crate::check::RuleSet::default),
        sqlite,
        _stdin: stdin_file,
    })
}

/// What `-o`'s extension names, if it names a format.
fn format_of_extension(path: &Path) -> Option<To> {
    let ext = path.extension()?.to_str()?.to_lowercase();
    Some(match ext.as_str() {
        "json" => To::Json,
        "jsonl" | "ndjson" => To::Jsonl,
        "csv" => To::Csv,
        "xlsx" => To::Xlsx,
        "db" | "sqlite" | "sqlite3" => To::Sqlite,
        _ => return None,
    })
}

impl To {
    fn name(self) -> &'static str {
        match self {
            To::Json => "json",
            To::Jsonl => "jsonl",
            To::Csv => "csv",
            To::Xlsx => "xlsx",
            To::Sqlite => "sqlite",
        }
    }

    /// The extension a file of this format is given.
    fn extension(self) -> &'static str {
        match self {
            To::Sqlite => "db",
            other => other.name(),
        }
    }
}

/// The output format from `--to` and `-o`, which must agree: a file is never
/// named for one format and holding another. Also the database for sqlite.
fn output_format(
    to: Option<To>,
    output: Option<&Path>,
) -> Result<(Format, Option<PathBuf>), String> {
    let named = output.and_then(format_of_extension);
    let to = match (to, output, named) {
        (Some(t), Some(o), Some(n)) if t != n => {
            let renamed = o.with_extension(t.extension());
            return Err(format!(
                "--to {} 与输出文件 {} 的扩展名（{}）不符：请去掉 --to，或把文件名改为 {} \
                 (--to {} disagrees with -o {}, which names {} output: drop --to or use -o {})",
                t.name(),
                o.display(),
                n.name(),
                renamed.display(),
                t.name(),
                o.display(),
                n.name(),
                renamed.display()
            ));
        }
        (Some(t), _, _) => t,
        (None, Some(_), Some(n)) => n,
        (None, Some(o), None) => {
            return Err(format!(
                "看不出输出文件 {} 要写成哪种格式：请用 .csv、.xlsx、.json、.jsonl 或 .db 结尾，或加 --to csv|xlsx|json|jsonl|sqlite \
                 (cannot tell the format of -o {}: end it in .csv, .xlsx, .json, .jsonl or .db, or add --to)",
                o.display(),
                o.display()
            ))
        }
        (None, None, _) => To::Json,
    };
    Ok(match to {
        To::Json => (Format::Json, None),
        To::Jsonl => (Format::Jsonl, None),
        To::Csv => (Format::Csv, None),
        To::Xlsx => (Format::Xlsx, None),
        To::Sqlite => match output {
            Some(o) => (Format::Json, Some(o.to_path_buf())),
            None => {
                return Err(
                    "sqlite 需要数据库文件：请加 -o 档案.db (sqlite output needs -o FILE.db)"
                        .into(),
                )
            }
        },
    })
}

/// The files a command reads: paths, `--files-from`, `--glob`, `--shard`;
/// also how many folder files were passed over.
pub(crate) fn inputs(
    paths: &[PathBuf],
    files_from: Option<&Path>,
    glob: &[String],
    shard: Option<&str>,
) -> Result<(Vec<Input>, usize), String> {
    let listed = match files_from {
        Some(list) => batch::read_files_from(list)?,
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
    let inputs = batch::collect_with(paths, &listed, globs.as_ref())?;
    if let Some(w) = batch::own_outputs_warning(&inputs.own_outputs) {
        eprintln!("jixiao: {w}");
    }
    let skipped = inputs.skipped;
    let mut files = inputs.files;
    if let Some(spec) = &shard {
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
        files = batch::shard(files, k, n);
    }
    Ok((files, skipped))
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
    if let Some(db) = &p.sqlite {
        return to_sqlite(&p, db);
    }
    if p.files.is_empty() && matches!(p.target, Target::Combined) && p.output.is_none() {
        eprintln!("jixiao: 没有找到可转换的文件 (no input files found)");
    }
    if p.opts.format == Format::Xlsx && p.output.is_none() && matches!(p.target, Target::Combined) {
        return usage("xlsx 需要输出文件：请加 -o 结果.xlsx (xlsx output needs -o FILE.xlsx)");
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

/// `-o FILE.db`: the same error, warning and summary lines as the other
/// outputs, then what the database gained.
fn to_sqlite(p: &Plan, db: &Path) -> i32 {
    let pool = match rayon::ThreadPoolBuilder::new().num_threads(p.jobs).build() {
        Ok(pool) => pool,
        Err(e) => return usage(e),
    };
    let started = Instant::now();
    let mut c = Counts {
        files: p.files.len(),
        passed_over: p.walk_skipped,
        tables: 0,
        incomplete: 0,
        indicators: 0,
        notes: 0,
        errors: 0,
        seconds: 0.0,
    };
    let added = crate::write::sqlite::run(&p.files, db, &p.limits, &pool, &mut |l| {
        if let Some(e) = &l.error {
            eprintln!("jixiao: {}: [{}] {}", e.file, e.kind, e.message);
            c.errors += 1;
            return;
        }
        for t in &l.tables {
            if !t.incomplete.is_empty() {
                c.incomplete += 1;
                if !p.quiet {
                    eprintln!(
                        "{}",
                        incomplete_line(&l.file, t.source.table, &t.source.locator, &t.incomplete)
                    );
                }
            }
            c.indicators += t.indicators.len();
            c.notes += t.notes.len();
        }
        c.tables += l.tables.len();
    });
    let Some(n) = added else { return 1 };
    c.seconds = started.elapsed().as_secs_f64();
    if !p.quiet {
        eprintln!("jixiao: {}", summary(&c));
        eprintln!(
            "jixiao: {} 个文件新加入、{} 个已在库中跳过；{} 张表、{} 个指标 \
             ({} added, {} already there and skipped; {}, {}) → {}",
            n.added,
            n.skipped,
            n.tables,
            n.indicators,
            count(n.added, "file", "files"),
            n.skipped,
            count(n.tables, "table", "tables"),
            count(n.indicators, "indicator", "indicators"),
            db.display(),
        );
    }
    finish_code(p, c.errors, c.incomplete)
}

/// The exit code, after saying so when `--strict` fails a run.
fn finish_code(p: &Plan, errors: usize, incomplete: usize) -> i32 {
    if p.strict && incomplete > 0 && !p.quiet {
        eprintln!(
            "jixiao: --strict：{incomplete} 张表未完整读取，按错误处理 ({} incomplete: an error under --strict)",
            count(incomplete, "table", "tables")
        );
    }
    i32::from(errors > 0 || (p.strict && incomplete > 0))
}

/// The warning for a table not read in full.
fn incomplete_line(file: &str, table: u32, locator: &str, gaps: &[crate::model::Gap]) -> String {
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
        let v = serde_json::json!({
            "file": input.label,
            "status": if o.error.is_some() {
                "error"
            } else if !o.incomplete.is_empty() {
                "partial"
            } else {
                "ok"
            },
            "incomplete": o.incomplete.iter().map(|(table, locator, gaps)| serde_json::json!({
                "table": table,
                "locator": locator,
                "gaps": gaps,
                "message": gaps.iter().map(|g| g.describe()).collect::<Vec<_>>().join("；"),
            })).collect::<Vec<_>>(),
            "tables": o.tables,
            "indicators": o.indicators,
            "warnings": o.notes,
            "notes": o.note_texts.iter().map(|(table, text)| serde_json::json!({"table": table, "note": text})).collect::<Vec<_>>(),
            "skipped": o.skipped,
            "error_kind": o.error.as_ref().map(|e| e.kind.as_str()),
            "message": o.error.as_ref().map(|e| e.message.clone()),
        });
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
    batch::run_checked(
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
struct Counts {
    files: usize,
    passed_over: usize,
    tables: usize,
    incomplete: usize,
    indicators: usize,
    notes: usize,
    errors: usize,
    seconds: f64,
}

/// The line that ends every run, Chinese first.
fn summary(c: &Counts) -> String {
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

/// `inspect FILE`, or every readable file in a folder, one after another.
fn inspect(path: &Path) -> i32 {
    if !path.is_dir() {
        return inspect_file(path);
    }
    let files = match batch::collect(&[path.to_path_buf()], None) {
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
        .map(|f| inspect_file(&f.path))
        .max()
        .unwrap_or(0)
}

fn inspect_file(path: &Path) -> i32 {
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
    let bytes = match batch::read_bytes(&input, &Limits::default()) {
        Ok(b) => b,
        Err(e) => {
            eprintln!("jixiao: {label}: {e}");
            return 1;
        }
    };
    // The same containment as convert: a panic is a `corrupt` error, exit 1.
    let read = crate::convert::guarded(|| {
        let doc = crate::read::read(&bytes, &Limits::default())?;
        let n = crate::normalize::normalize(&doc.blocks, &label, doc.format.as_str());
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
    out.push_str(&crate::grid::notation::render(&doc.blocks));
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
    let mut stdout = io::stdout().lock();
    match stdout.write_all(out.as_bytes()) {
        Err(e) if e.kind() != io::ErrorKind::BrokenPipe => 1,
        _ => 0,
    }
}
