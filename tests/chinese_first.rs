//! What a clerk reads is Chinese first: every line of `--help` (each
//! command), of usage errors, of a conversion's warnings, errors and summary
//! (for every output, `.db` included) and of `check`'s report holds Chinese;
//! and `-o x.db` says the same as `-o x.csv`. (The page's text is scanned
//! in the browser test, tests/browser/test_serve.py.)

use std::path::Path;
use std::process::Output;

use crate::util::run::jixiao;

/// Two English words in a row and not one Chinese character: prose a
/// Chinese reader gets in English only. File names, flags and format names
/// alone (`out.csv`, `--to`, `CSV`) are not prose.
fn english_only(line: &str) -> bool {
    let cjk = line
        .chars()
        .any(|c| ('\u{3400}'..='\u{9fff}').contains(&c) || ('\u{f900}'..='\u{faff}').contains(&c));
    if cjk {
        return false;
    }
    // Two prose words side by side, as in "Print help" or "try '--help'".
    line.split_whitespace()
        .collect::<Vec<_>>()
        .windows(2)
        .any(|w| {
            w.iter().all(|x| {
                let x = x.trim_matches(|c: char| ",.:;()'\"".contains(c));
                x.len() >= 2 && x.chars().all(|c| c.is_ascii_alphabetic())
            })
        })
}

fn english_lines(text: &str) -> Vec<String> {
    text.lines()
        .filter(|l| english_only(l))
        .map(String::from)
        .collect()
}

fn all_text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

fn samples() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn the_scan_finds_english_prose() {
    assert!(english_only("  -h, --help  Print help"));
    assert!(english_only("For more information, try '--help'."));
    assert!(!english_only("  -h, --help  显示帮助 (print help)"));
    assert!(!english_only("samples/word-seed-merged.docx"));
    assert!(!english_only("      --to <TO>"));
}

#[test]
fn every_help_is_chinese_first() {
    let mut bad = Vec::new();
    for args in [
        &["--help"][..],
        &["-h"],
        &["convert", "--help"],
        &["inspect", "--help"],
        &["check", "--help"],
        &["diff", "--help"],
        &["serve", "--help"],
        &["convert", "-h"],
    ] {
        let o = jixiao(samples(), args);
        assert!(o.status.success(), "{args:?}");
        for l in english_lines(&all_text(&o)) {
            bad.push(format!("{args:?}: {l}"));
        }
    }
    assert!(bad.is_empty(), "English-only lines:\n{}", bad.join("\n"));
}

#[test]
fn usage_errors_and_clap_tips_are_chinese_first() {
    let mut bad = Vec::new();
    for args in [
        &["convert", "--bogus"][..],
        &["bogus"],
        &[],
        &["convert", "--to", "pdf"],
        &["inspect"],
        &["check", "--severity"],
        &["convert", "--shard", "9/2", "samples/"],
    ] {
        let o = jixiao(samples(), args);
        assert_eq!(o.status.code(), Some(2), "{args:?}");
        for l in english_lines(&all_text(&o)) {
            bad.push(format!("{args:?}: {l}"));
        }
    }
    assert!(bad.is_empty(), "English-only lines:\n{}", bad.join("\n"));
}

/// A folder with a table read in part, a broken file and a good one.
fn mixed_folder() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in");
    std::fs::create_dir(&input).unwrap();
    std::fs::copy(
        samples().join("samples/seed-tianjin-wuqing.txt"),
        input.join("a-seed.txt"),
    )
    .unwrap();
    let docx = std::fs::read(samples().join("samples/word-seed-merged.docx")).unwrap();
    std::fs::write(input.join("b-broken.docx"), &docx[..docx.len() / 2]).unwrap();
    std::fs::write(
        input.join("c-partial.txt"),
        "项目支出绩效目标表\n\t单位名称\n\t某某区档案局\n\n\t神秘栏目\n\t看不懂的内容\n\n\n\n\
         \t一级指标\n\t二级指标\n\t三级指标\n\t指标值\n\n\
         \t产出指标\n\t数量指标\n\t整理档案卷数\n\t≥500卷\n\n\
         \t产出指标\n\t质量指标\n\t档案数字化合格率\n\t\n",
    )
    .unwrap();
    dir
}

/// stderr's lines with the seconds (the only numbers with a decimal point)
/// masked.
fn messages(o: &Output) -> Vec<String> {
    String::from_utf8_lossy(&o.stderr)
        .lines()
        .map(|l| {
            let c: Vec<char> = l.chars().collect();
            let mut out = String::new();
            let mut i = 0;
            while i < c.len() {
                let digits =
                    |from: usize| c[from..].iter().take_while(|x| x.is_ascii_digit()).count();
                let a = digits(i);
                if a > 0 && c.get(i + a) == Some(&'.') && digits(i + a + 1) > 0 {
                    out.push_str("N.NN");
                    i += a + 1 + digits(i + a + 1);
                } else {
                    out.push(c[i]);
                    i += 1;
                }
            }
            out
        })
        .collect()
}

#[test]
fn sqlite_output_prints_the_same_messages_as_csv() {
    let dir = mixed_folder();
    let csv = jixiao(dir.path(), &["convert", "in", "-o", "out.csv"]);
    let db = jixiao(dir.path(), &["convert", "in", "-o", "out.db"]);
    assert_eq!(csv.status.code(), Some(1));
    assert_eq!(db.status.code(), Some(1));
    let (csv, mut db) = (messages(&csv), messages(&db));
    // The database adds one line: what it gained.
    let gained = db.pop().unwrap();
    assert!(
        gained.contains("新加入") && gained.ends_with("→ out.db"),
        "{gained}"
    );
    assert_eq!(db, csv);
    assert!(csv.iter().any(|l| l.contains("[corrupt]")), "{csv:?}");
    assert!(csv.iter().any(|l| l.contains("未完整读取")), "{csv:?}");
    // --strict fails a run with a partial table whatever the output.
    for out in ["strict.csv", "strict.db"] {
        let dir = mixed_folder();
        std::fs::remove_file(dir.path().join("in/b-broken.docx")).unwrap();
        let o = jixiao(dir.path(), &["convert", "in", "--strict", "-o", out]);
        assert_eq!(o.status.code(), Some(1), "{out}");
        assert!(
            String::from_utf8_lossy(&o.stderr).contains("--strict："),
            "{out}"
        );
    }
}

#[test]
fn conversion_messages_are_chinese_first() {
    let dir = mixed_folder();
    let mut bad = Vec::new();
    for args in [
        &["convert", "in", "-o", "out.csv"][..],
        &["convert", "in", "-o", "out.db"],
        &["convert", "in", "-v", "-o", "out.jsonl"],
        &["convert", "in", "--strict", "-o", "out.xlsx"],
        &["check", "in"],
        &["check", "in", "--rules"],
        &["inspect", "in/b-broken.docx"],
    ] {
        let o = jixiao(dir.path(), args);
        for l in english_lines(&all_text(&o)) {
            bad.push(format!("{args:?}: {l}"));
        }
    }
    let o = jixiao(samples(), &["check", "samples/"]);
    for l in english_lines(&all_text(&o)) {
        bad.push(format!("check samples/: {l}"));
    }
    assert!(bad.is_empty(), "English-only lines:\n{}", bad.join("\n"));
}

#[test]
fn english_counts_are_singular_for_one() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(
        samples().join("samples/word-seed-merged.docx"),
        dir.path().join("one.docx"),
    )
    .unwrap();
    let o = jixiao(dir.path(), &["convert", "one.docx", "-o", "out.csv"]);
    let text = String::from_utf8_lossy(&o.stderr);
    assert!(text.contains("(1 file, "), "{text}");
    assert!(
        !text.contains(" 1 files") && !text.contains(" 1 tables"),
        "{text}"
    );
}
