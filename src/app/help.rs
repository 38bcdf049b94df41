//! Help and usage errors, Chinese first: the headings and built-in flags
//! of every command's help, and a Chinese line (what is wrong, what to do)
//! before each of clap's English usage errors.

/// What `--help` ends with: every format read and written, and three examples.
pub(crate) const FORMATS_AND_EXAMPLES: &str = "\
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

/// The headings and built-in flags of every command's help, Chinese first.
const HELP_TEMPLATE: &str =
    "{before-help}{about-with-newline}\n用法 (Usage): {usage}\n\n{all-args}{after-help}";
const OPTIONS: &str = "选项 (Options)";

/// The command line as parsed: the derived one with Chinese headings and
/// Chinese help for `-h` and `-V` (clap's own say "Print help" in English).
pub(super) fn command() -> clap::Command {
    use clap::{Arg, ArgAction, CommandFactory};
    localize(super::Cli::command())
        .disable_version_flag(true)
        .arg(
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
pub(super) fn clap_tips_zh(rendered: &str) -> String {
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
pub(super) fn clap_error_zh(e: &clap::Error) -> Option<String> {
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
