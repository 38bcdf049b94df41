//! The command line, the only place that prints or decides an exit code:
//! clap's structs, one module per command (each turns its flags into a
//! validated plan before any work, runs it through the library, and prints
//! what came back), and the Chinese-first help and usage errors.
//!
//! Exit codes: 0 done, 1 some file failed (or a finding was an error), 2 a
//! usage error (nothing written). The library below returns values and
//! typed errors; it never prints.

mod check;
mod convert;
mod diff;
mod help;
mod inspect;
#[cfg(feature = "serve")]
mod serve;
mod sqlite;

use clap::{Parser, Subcommand};
use help::FORMATS_AND_EXAMPLES;
use jixiao::limits::Limits;
use jixiao::run::{self, Input};
use jixiao::write::Format;
use std::path::{Path, PathBuf};

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
    Convert(convert::ConvertArgs),
    /// 显示读到的表格 (show each table grid as read, with spans and the paragraphs around it)
    Inspect {
        /// 要显示的文件；给文件夹则逐个显示 (the file to show; a folder shows each of its files in turn)
        file: PathBuf,
        /// 逐个单元格说明由哪种版式规则读取、得分和次优规则 (for each cell: the layout pattern that read it, its score and the runner-up)
        #[arg(long)]
        explain: bool,
    },
    /// 检查绩效目标表的常见问题 (audit the tables: missing fields, sums, levels, placeholders…)
    Check(check::CheckArgs),
    /// 比较两个版本（文件或文件夹）的绩效目标 (what changed between two versions: budgets, indicators, targets)
    Diff(diff::DiffArgs),
    /// 打开本机网页：拖入文件即可转换 (a local web page: drop files, see the tables, download the results)
    #[cfg(feature = "serve")]
    Serve(serve::ServeArgs),
}

/// Says what is wrong with the command line; the exit code 2.
pub(crate) fn usage(msg: impl std::fmt::Display) -> i32 {
    eprintln!("jixiao: {msg}");
    2
}

/// Runs the command line; returns the exit code.
pub(crate) fn main() -> i32 {
    use clap::FromArgMatches;
    let parsed = help::command()
        .try_get_matches()
        .and_then(|m| Cli::from_arg_matches(&m));
    let cli = match parsed {
        Ok(c) => c,
        Err(e) => {
            // Chinese first, then clap's own English (with its usage line).
            if let Some(zh) = help::clap_error_zh(&e) {
                eprintln!("jixiao: {zh}");
            }
            let text = if e.use_stderr() {
                help::clap_tips_zh(&e.render().to_string())
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
        run::remove_partial_outputs();
        std::process::exit(130);
    });
    match cli.command {
        Command::Convert(args) => convert::main(args),
        Command::Inspect { file, explain } => inspect::main(&file, explain),
        Command::Check(args) => check::main(args),
        Command::Diff(args) => diff::main(args),
        #[cfg(feature = "serve")]
        Command::Serve(args) => serve::main(args),
    }
}

/// The files a command reads (`jixiao::run::gather`), saying the warning
/// it gives; also how many folder files were passed over.
pub(crate) fn inputs(
    paths: &[PathBuf],
    files_from: Option<&Path>,
    glob: &[String],
    shard: Option<&str>,
) -> Result<(Vec<Input>, usize), String> {
    let g = run::gather(paths, files_from, glob, shard)?;
    if let Some(w) = &g.warning {
        eprintln!("jixiao: {w}");
    }
    Ok((g.files, g.skipped))
}

/// A command's `--to`: the registry's names of `among` (the command's
/// subset, in its order), parsed back to the [`Format`].
pub(crate) fn formats(
    among: &'static [Format],
) -> impl clap::builder::TypedValueParser<Value = Format> {
    use clap::builder::TypedValueParser;
    clap::builder::PossibleValuesParser::new(among.iter().map(|f| f.name()))
        .try_map(move |name| Format::named(&name, among).ok_or("no such format"))
}

/// `--limit NAME=N`, each applied over the defaults.
pub(crate) fn limits(given: &[String]) -> Result<Limits, String> {
    let mut limits = Limits::default();
    for l in given {
        limits.set(l)?;
    }
    Ok(limits)
}

/// `-j`: the thread count, saying so when it was capped.
pub(crate) fn jobs(requested: Option<usize>) -> usize {
    let (jobs, too_many) = run::jobs(requested);
    if let Some(w) = too_many {
        eprintln!("jixiao: {w}");
    }
    jobs
}
