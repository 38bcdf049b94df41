//! Usage errors and the messages a clerk reads: each compared whole, with
//! its exit code, and what was (not) written.

use std::path::Path;
use std::process::{Command, Output};

use crate::util::run::jixiao;

fn setup() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    std::fs::create_dir(dir.path().join("in")).unwrap();
    std::fs::copy(
        root.join("samples/seed-tianjin-wuqing.txt"),
        dir.path().join("in/seed.txt"),
    )
    .unwrap();
    dir
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// The names in the folder, sorted: a refused run leaves it as it was.
fn names(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}

/// Runs, expects `code` and exactly `message` on stderr, nothing on stdout
/// and no new file.
fn refused(args: &[&str], code: i32, message: &str) {
    let dir = setup();
    let before = names(dir.path());
    let o = jixiao(dir.path(), args);
    assert_eq!(
        (o.status.code(), stderr(&o).as_str(), o.stdout.as_slice()),
        (Some(code), message, &b""[..]),
        "{args:?}"
    );
    assert_eq!(names(dir.path()), before, "{args:?} wrote a file");
}

#[test]
fn to_that_disagrees_with_the_extension_names_both() {
    refused(
        &["convert", "in", "--to", "json", "-o", "out.xlsx"],
        2,
        "jixiao: --to json 与输出文件 out.xlsx 的扩展名（xlsx）不符：请去掉 --to，或把文件名改为 out.json \
         (--to json disagrees with -o out.xlsx, which names xlsx output: drop --to or use -o out.json)\n",
    );
    refused(
        &["convert", "in", "--to", "csv", "-o", "out.json"],
        2,
        "jixiao: --to csv 与输出文件 out.json 的扩展名（json）不符：请去掉 --to，或把文件名改为 out.csv \
         (--to csv disagrees with -o out.json, which names json output: drop --to or use -o out.csv)\n",
    );
    refused(
        &["convert", "in", "--to", "sqlite", "-o", "archive.json"],
        2,
        "jixiao: --to sqlite 与输出文件 archive.json 的扩展名（json）不符：请去掉 --to，或把文件名改为 archive.db \
         (--to sqlite disagrees with -o archive.json, which names json output: drop --to or use -o archive.db)\n",
    );
}

#[test]
fn to_that_agrees_with_the_extension_is_fine() {
    let dir = setup();
    let o = jixiao(
        dir.path(),
        &["convert", "-q", "in", "--to", "csv", "-o", "OUT.CSV"],
    );
    assert_eq!((o.status.code(), stderr(&o).as_str()), (Some(0), ""));
    assert!(std::fs::read(dir.path().join("OUT.CSV"))
        .unwrap()
        .starts_with("\u{feff}来源文件".as_bytes()));
}

#[test]
fn layout_with_output_other_than_xlsx_is_refused() {
    let msg = "jixiao: --layout form 只用于 xlsx 输出：请加 -o 结果.xlsx，或去掉 --layout \
               (--layout form applies to xlsx output only: use -o FILE.xlsx or drop --layout)\n";
    refused(
        &["convert", "in", "--layout", "form", "-o", "out.csv"],
        2,
        msg,
    );
    refused(
        &["convert", "in", "--layout", "form", "--to", "jsonl"],
        2,
        msg,
    );
    refused(&["convert", "in", "--layout", "form"], 2, msg);
    refused(
        &["convert", "in", "--layout", "flat", "-o", "out.db"],
        2,
        "jixiao: --layout flat 只用于 xlsx 输出：请加 -o 结果.xlsx，或去掉 --layout \
         (--layout flat applies to xlsx output only: use -o FILE.xlsx or drop --layout)\n",
    );
}

#[test]
fn output_without_a_known_extension_needs_to() {
    for name in ["out", "out.txt"] {
        refused(
            &["convert", "in", "-o", name],
            2,
            &format!(
                "jixiao: 看不出输出文件 {name} 要写成哪种格式：请用 .csv、.xlsx、.json、.jsonl 或 .db 结尾，或加 --to csv|xlsx|json|jsonl|sqlite \
                 (cannot tell the format of -o {name}: end it in .csv, .xlsx, .json, .jsonl or .db, or add --to)\n"
            ),
        );
    }
    // With --to, the name is the user's choice.
    let dir = setup();
    let o = jixiao(
        dir.path(),
        &["convert", "-q", "in", "--to", "jsonl", "-o", "out"],
    );
    assert_eq!((o.status.code(), stderr(&o).as_str()), (Some(0), ""));
    let text = std::fs::read_to_string(dir.path().join("out")).unwrap();
    assert_eq!(text.lines().count(), 42);
}

#[test]
fn an_empty_input_set_writes_nothing() {
    let dir = setup();
    std::fs::create_dir(dir.path().join("empty")).unwrap();
    std::fs::write(dir.path().join("empty/scan.png"), b"\x89PNG\r\n").unwrap();
    std::fs::create_dir(dir.path().join("bare")).unwrap();
    let before = names(dir.path());
    let o = jixiao(dir.path(), &["convert", "bare", "-o", "e.csv"]);
    assert_eq!(
        (o.status.code(), stderr(&o).as_str()),
        (
            Some(1),
            "jixiao: 没有找到可转换的文件，未写出 e.csv：请检查输入路径和 --glob \
             (no convertible files found; e.csv not written: check the inputs and --glob)\n"
        )
    );
    let o = jixiao(dir.path(), &["convert", "empty", "-o", "e.xlsx"]);
    assert_eq!(
        (o.status.code(), stderr(&o).as_str()),
        (
            Some(1),
            "jixiao: 没有找到可转换的文件（文件夹里有 1 个其他文件，不是 Word、Excel、WPS 或文本格式，或不合 --glob），未写出 e.xlsx：请检查输入路径和 --glob \
             (no convertible files found (1 other files are not Word, Excel, WPS or text, or outside --glob); e.xlsx not written: check the inputs and --glob)\n"
        )
    );
    let o = jixiao(
        dir.path(),
        &["convert", "in", "--glob", "*.docx", "-o", "archive.db"],
    );
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(stderr(&o).starts_with("jixiao: 没有找到可转换的文件（文件夹里有 1 个其他文件"));
    assert_eq!(names(dir.path()), before);
}

#[test]
fn clap_errors_read_in_chinese_first() {
    refused(
        &["convert", "--bogus", "in"],
        2,
        "jixiao: 不认识的选项 --bogus；用 --help 查看全部选项\n\
         错误 (error): unexpected argument '--bogus' found\n\
         \n  提示 (tip): to pass '--bogus' as a value, use '-- --bogus'\n\
         \n用法 (Usage): jixiao convert [OPTIONS] [INPUTS]...\n\
         \n更多说明请加 --help (for more information, try '--help').\n",
    );
    refused(
        &["conver", "in"],
        2,
        "jixiao: 没有 conver 这个命令（是不是想用 convert？）；可用的命令：convert、inspect、check、diff、serve\n\
         错误 (error): unrecognized subcommand 'conver'\n\
         \n  提示 (tip): a similar subcommand exists: 'convert'\n\
         \n用法 (Usage): jixiao <COMMAND>\n\
         \n更多说明请加 --help (for more information, try '--help').\n",
    );
    refused(
        &["convert", "in", "--to", "yaml"],
        2,
        "jixiao: --to <TO> 不能是 “yaml”，可选：json、jsonl、csv、xlsx、sqlite\n\
         错误 (error): invalid value 'yaml' for '--to <TO>'\n  [可选值 (possible values): json, jsonl, csv, xlsx, sqlite]\n\
         \n更多说明请加 --help (for more information, try '--help').\n",
    );
    refused(
        &["convert", "in", "-j", "abc"],
        2,
        "jixiao: --jobs <N> 的值 “abc” 不对，请看下面的说明\n\
         错误 (error): invalid value 'abc' for '--jobs <N>': invalid digit found in string\n\
         \n更多说明请加 --help (for more information, try '--help').\n",
    );
    refused(
        &["convert", "in", "-o", "a.csv", "--out-dir", "x"],
        2,
        "jixiao: --output <OUTPUT> 不能与 --out-dir <DIR> 同用，请去掉其中一个\n\
         错误 (error): the argument '--output <OUTPUT>' cannot be used with '--out-dir <DIR>'\n\
         \n用法 (Usage): jixiao convert --output <OUTPUT> <INPUTS>...\n\
         \n更多说明请加 --help (for more information, try '--help').\n",
    );
    refused(
        &["inspect"],
        2,
        "jixiao: 缺少必须给出的参数：<FILE>\n\
         错误 (error): the following required arguments were not provided:\n  <FILE>\n\
         \n用法 (Usage): jixiao inspect <FILE>\n\
         \n更多说明请加 --help (for more information, try '--help').\n",
    );
    // No command at all: the Chinese line, then the list of commands.
    let dir = setup();
    let o = jixiao(dir.path(), &[]);
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert!(
        err.starts_with(
            "jixiao: 请给出要做的事，例如 jixiao convert 文件夹 -o 结果.xlsx；下面是全部命令\n"
        ),
        "{err}"
    );
    assert!(err.contains("  convert  转换文件或文件夹"), "{err}");
    // Help is not an error: no Chinese error line, exit 0.
    let o = jixiao(dir.path(), &["convert", "--help"]);
    assert_eq!((o.status.code(), stderr(&o).as_str()), (Some(0), ""));
}

#[test]
fn limit_errors_list_the_valid_names() {
    let names = "max_file_bytes, max_entry_bytes, max_total_bytes, max_ratio, max_entries, \
                 max_xml_depth, max_xml_elements, max_cells, max_text_bytes, max_tables, \
                 max_pdf_pages, max_pdf_operators";
    refused(
        &["convert", "in", "--limit", "bogus=3"],
        2,
        &format!(
            "jixiao: --limit：没有名为 “bogus” 的限制；可用的名称：{names} \
             (--limit: no limit named \"bogus\"; the names are those listed)\n"
        ),
    );
    refused(
        &["convert", "in", "--limit", "max_cells"],
        2,
        &format!(
            "jixiao: --limit 要写成 名称=数值，例如 --limit max_file_bytes=1000000000；可用的名称：{names} \
             (--limit wants NAME=N, got \"max_cells\")\n"
        ),
    );
    refused(
        &["convert", "in", "--limit", "max_cells=lots"],
        2,
        "jixiao: --limit max_cells：“lots” 不是整数，请写成 max_cells=数值 \
         (--limit max_cells: \"lots\" is not a whole number)\n",
    );
    refused(
        &["convert", "in", "--shard", "9/2"],
        2,
        "jixiao: --shard 要写成 K/N（1 ≤ K ≤ N），例如 --shard 3/8 表示 8 份中的第 3 份；收到 “9/2” \
         (--shard wants K/N with 1 ≤ K ≤ N, got \"9/2\")\n",
    );
}

#[test]
fn a_missing_output_folder_is_named() {
    refused(
        &["convert", "in", "-o", "missing/dir/out.csv"],
        2,
        "jixiao: -o missing/dir/out.csv 所在的文件夹 missing/dir 不存在：请先建好这个文件夹，或换一个路径 \
         (the folder missing/dir does not exist: create it first or choose another -o path)\n",
    );
    refused(
        &["convert", "in", "-o", "out.csv", "--report", "logs/report.json"],
        2,
        "jixiao: --report logs/report.json 所在的文件夹 logs 不存在：请先建好这个文件夹，或换一个路径 \
         (the folder logs does not exist: create it first or choose another --report path)\n",
    );
}

#[test]
fn inspect_on_a_folder_shows_each_file_or_says_what_to_do() {
    let dir = setup();
    std::fs::copy(
        dir.path().join("in/seed.txt"),
        dir.path().join("in/again.txt"),
    )
    .unwrap();
    let o = jixiao(dir.path(), &["inspect", "in"]);
    assert_eq!((o.status.code(), stderr(&o).as_str()), (Some(0), ""));
    let out = String::from_utf8(o.stdout).unwrap();
    let heads: Vec<&str> = out.lines().filter(|l| l.starts_with("# in/")).collect();
    assert_eq!(
        heads,
        [
            "# in/again.txt: txt (21 blocks)",
            "# in/seed.txt: txt (21 blocks)"
        ]
    );
    // The same text as inspecting each file alone.
    let one = jixiao(dir.path(), &["inspect", "in/seed.txt"]);
    assert!(out.ends_with(std::str::from_utf8(&one.stdout).unwrap()));
    std::fs::create_dir(dir.path().join("scans")).unwrap();
    std::fs::write(dir.path().join("scans/a.png"), b"\x89PNG\r\n").unwrap();
    refused(
        &["inspect", "nothere.docx"],
        2,
        "jixiao: 找不到文件 nothere.docx：请检查路径和文件名 (no such file: nothere.docx)\n",
    );
    let o = jixiao(dir.path(), &["inspect", "scans"]);
    assert_eq!(
        (o.status.code(), stderr(&o).as_str()),
        (
            Some(1),
            "jixiao: 文件夹 scans 里没有 Word、Excel、WPS 或文本文件：请给出一个文件，例如 jixiao inspect scans/表.docx \
             (the folder holds no office or text files: give one file)\n"
        )
    );
}

#[test]
fn help_lists_every_format_and_three_examples() {
    let dir = setup();
    for args in [&["--help"][..], &["convert", "--help"]] {
        let o = jixiao(dir.path(), args);
        assert_eq!(o.status.code(), Some(0));
        let help = String::from_utf8(o.stdout).unwrap();
        for ext in jixiao::run::FOLDER_EXTENSIONS {
            assert!(
                help.contains(&format!(".{ext}")),
                "{args:?}: .{ext} missing\n{help}"
            );
        }
        for out in [
            ".csv",
            ".xlsx",
            ".json",
            ".jsonl",
            ".db",
            "--layout form",
            "convert -",
        ] {
            assert!(help.contains(out), "{args:?}: {out} missing");
        }
        for example in [
            "jixiao convert 绩效目标表/ -o 结果.csv\n",
            "jixiao convert 绩效目标表/ -o 打印.xlsx --layout form\n",
            "jixiao convert 档案/ -o 全部.jsonl --report 报告.json\n",
        ] {
            assert!(help.contains(example), "{args:?}: {example} missing");
        }
    }
}

fn stdin_temp_files() -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(std::env::temp_dir())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with("jixiao-stdin-"))
        .collect();
    v.sort();
    v
}

fn jixiao_stdin(dir: &Path, args: &[&str], input: &[u8]) -> Output {
    use std::io::Write;
    let mut child = Command::new(env!("CARGO_BIN_EXE_jixiao"))
        .args(args)
        .current_dir(dir)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let input = input.to_vec();
    let writer = std::thread::spawn(move || {
        let _ = stdin.write_all(&input);
    });
    let o = child.wait_with_output().unwrap();
    writer.join().unwrap();
    o
}

#[test]
fn convert_dash_reads_one_file_from_stdin() {
    let before = stdin_temp_files();
    let dir = setup();
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let docx = std::fs::read(root.join("samples/word-seed-merged.docx")).unwrap();
    // Named by --name; the format found from the bytes.
    let o = jixiao_stdin(
        dir.path(),
        &["convert", "-q", "-", "--name", "表.docx", "--to", "jsonl"],
        &docx,
    );
    assert_eq!((o.status.code(), stderr(&o).as_str()), (Some(0), ""));
    let piped = String::from_utf8(o.stdout).unwrap();
    let named = jixiao(
        root,
        &[
            "convert",
            "-q",
            "samples/word-seed-merged.docx",
            "--to",
            "jsonl",
        ],
    );
    assert_eq!(
        piped,
        String::from_utf8(named.stdout)
            .unwrap()
            .replace("samples/word-seed-merged.docx", "表.docx")
    );
    // Without --name the records say stdin; -o is written as usual.
    let text = std::fs::read(dir.path().join("in/seed.txt")).unwrap();
    let o = jixiao_stdin(dir.path(), &["convert", "-q", "-", "-o", "s.csv"], &text);
    assert_eq!((o.status.code(), stderr(&o).as_str()), (Some(0), ""));
    let csv = std::fs::read_to_string(dir.path().join("s.csv")).unwrap();
    assert_eq!(csv.lines().count(), 43);
    assert!(csv.lines().nth(1).unwrap().starts_with("stdin,1,1,"));
    // No temporary file is left behind.
    assert_eq!(stdin_temp_files(), before);
    let o = jixiao_stdin(dir.path(), &["convert", "-", "-o", "e.csv"], b"");
    assert_eq!(
        (o.status.code(), stderr(&o).as_str()),
        (
            Some(2),
            "jixiao: 标准输入是空的：请把文件接进来，例如 jixiao convert - --name 表.docx < 表.docx -o 结果.csv \
             (stdin is empty: pipe a file in)\n"
        )
    );
    assert!(!dir.path().join("e.csv").exists());
    refused(
        &["convert", "-", "in"],
        2,
        "jixiao: “-”（从标准输入读一个文件）不能与其他输入或 --files-from 同用 \
         (`-` reads one file from stdin: give no other inputs)\n",
    );
    refused(
        &["convert", "in", "--name", "x.docx"],
        2,
        "jixiao: --name 只用于从标准输入读取（convert -） (--name is for `convert -` only)\n",
    );
}
