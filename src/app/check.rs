//! `jixiao check [INPUT…]`: the same inputs and batch as `convert`, the
//! rule set over every file's tables, one report. Exit 0 when no finding is
//! an error, 1 when one is (or a file could not be read), 2 on usage errors.

use super::{formats, inputs, usage};
use jixiao::check::{rule_list, RuleSet};
use jixiao::run::{self, check_one, AtomicFile};
use jixiao::write::findings::{Checked, Counts, Report};
use jixiao::write::{Format, Writing};
use std::io::{self, BufWriter, Write};
use std::path::PathBuf;

#[derive(clap::Args, Debug)]
pub(crate) struct CheckArgs {
    /// 文件或文件夹（文件夹逐层读取，按路径排序） (files or folders, walked in path order)
    inputs: Vec<PathBuf>,
    /// 从文件读入更多输入路径，每行一个（`-` 为标准输入） (read more input paths from FILE, one per line; `-` for stdin)
    #[arg(long, value_name = "FILE")]
    files_from: Option<PathBuf>,
    /// 文件夹中只读路径符合此模式的文件，可给多次 (in folders, only files whose path matches; repeatable)
    #[arg(long, value_name = "PATTERN")]
    glob: Vec<String>,
    /// 报告格式：text（默认）、json、jsonl、csv、xlsx（须加 -o） (report format; xlsx needs -o)
    #[arg(long, value_parser = formats(Format::CHECK), default_value = "text")]
    to: Format,
    /// 输出文件（写完才出现）；不给则输出到屏幕 (output file, written atomically; default stdout)
    #[arg(short, long)]
    output: Option<PathBuf>,
    /// 列出全部规则（名称、级别、检查内容）后退出 (list the rules and exit)
    #[arg(long)]
    rules: bool,
    /// 不运行规则 RULE，可给多次 (do not run RULE; repeatable)
    #[arg(long, value_name = "RULE")]
    disable: Vec<String>,
    /// 改变规则的级别，例如 --severity budget-sum=warning，可给多次 (change a rule's severity; repeatable)
    #[arg(long, value_name = "RULE=LEVEL")]
    severity: Vec<String>,
    /// 同时处理的线程数，默认用全部 CPU 核 (worker threads; default all cores)
    #[arg(short, long, value_name = "N")]
    jobs: Option<usize>,
    /// 只检查 N 份中的第 K 份，例如 --shard 3/8 (check only shard K of N, 1-based)
    #[arg(long, value_name = "K/N")]
    shard: Option<String>,
    /// 放宽或收紧安全限制，例如 --limit max_file_bytes=1000000000 (raise or lower a safety limit)
    #[arg(long, value_name = "NAME=N")]
    limit: Vec<String>,
    /// 不显示汇总行 (no summary line)
    #[arg(short, long)]
    quiet: bool,
}

/// `jixiao check`; returns the exit code.
pub(crate) fn main(a: CheckArgs) -> i32 {
    if a.rules {
        let mut out = io::stdout().lock();
        return match out.write_all(rule_list().as_bytes()) {
            Err(e) if e.kind() != io::ErrorKind::BrokenPipe => 1,
            _ => 0,
        };
    }
    let rules = match RuleSet::adjusted(&a.disable, &a.severity) {
        Ok(r) => r,
        Err(msg) => return usage(msg),
    };
    let limits = match super::limits(&a.limit) {
        Ok(l) => l,
        Err(msg) => return usage(msg),
    };
    let (files, _) = match inputs(
        &a.inputs,
        a.files_from.as_deref(),
        &a.glob,
        a.shard.as_deref(),
    ) {
        Ok(f) => f,
        Err(msg) => return usage(msg),
    };
    let format = a.to;
    if format.needs_file() && a.output.is_none() {
        return usage(format.file_needed("问题"));
    }
    let jobs = super::jobs(a.jobs);
    let pool = match rayon::ThreadPoolBuilder::new().num_threads(jobs).build() {
        Ok(p) => p,
        Err(e) => return usage(e),
    };
    let work = |input: &run::Input| {
        check_one(
            input,
            &rules,
            &limits,
            format.writing() == Writing::Workbook,
        )
    };
    let result = match &a.output {
        Some(dest) => AtomicFile::create(dest).and_then(|(atomic, file)| {
            let counts = write(&files, &pool, &work, BufWriter::new(file), format)?;
            atomic.commit()?;
            Ok(counts)
        }),
        None => write(
            &files,
            &pool,
            &work,
            BufWriter::new(io::stdout().lock()),
            format,
        ),
    };
    match result {
        Ok(c) => {
            if !a.quiet && (format != Format::Text || a.output.is_some()) {
                eprintln!("jixiao: {}", c.line());
            }
            i32::from(c.errors > 0 || c.unreadable > 0)
        }
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => 0,
        Err(e) => {
            eprintln!("jixiao: 无法写出结果 (cannot write the output): {e}");
            1
        }
    }
}

fn write<W: Write>(
    files: &[run::Input],
    pool: &rayon::ThreadPool,
    work: &(dyn Fn(&run::Input) -> Checked + Sync),
    out: W,
    format: Format,
) -> io::Result<Counts> {
    let mut report = Report::begin(out, format)?;
    run::map(files, pool, work, &mut |_, c| report.file(c))?;
    report.finish()
}
