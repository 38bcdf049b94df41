//! Usage errors and the messages a clerk reads: each compared whole, with
//! its exit code, and what was (not) written.

use std::path::Path;
use std::process::{Command, Output};

fn jixiao(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_jixiao"))
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap()
}

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
    std::fs::write(dir.path().join("empty/scan.pdf"), b"%PDF-1.4").unwrap();
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
