//! The command line end to end, in a fresh temp folder: exit codes, stderr
//! and outputs compared whole.

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

#[test]
fn csv_of_the_seed_matches_its_golden() {
    let dir = setup();
    let o = jixiao(dir.path(), &["convert", "in/seed.txt", "-o", "out.csv"]);
    assert_eq!((o.status.code(), o.stdout.as_slice()), (Some(0), &b""[..]));
    let err = stderr(&o);
    assert!(
        err.starts_with("jixiao: 1 files, 7 tables, 42 indicators, 0 notes, 0 errors, "),
        "{err}"
    );
    assert_eq!(err.lines().count(), 1);
    let o = jixiao(
        dir.path(),
        &["convert", "-q", "in/seed.txt", "-o", "out.csv"],
    );
    assert_eq!((o.status.code(), stderr(&o).as_str()), (Some(0), ""));
    let got = std::fs::read(dir.path().join("out.csv")).unwrap();
    assert!(got.starts_with(b"\xEF\xBB\xBF"), "UTF-8 BOM for Excel");
    let golden = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden/seed.csv");
    if std::env::var_os("JIXIAO_BLESS").is_some() {
        std::fs::write(&golden, &got).unwrap();
    }
    assert_eq!(
        String::from_utf8(got).unwrap(),
        std::fs::read_to_string(golden).unwrap()
    );
    // No temporary file is left beside the output.
    let names: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(names.len(), 2, "{names:?}");
}

#[test]
fn jsonl_with_english_keys_has_one_line_per_indicator() {
    let dir = setup();
    let o = jixiao(dir.path(), &["convert", "in", "--to", "jsonl"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let text = String::from_utf8(o.stdout).unwrap();
    let lines: Vec<serde_json::Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 42);
    let keys: Vec<&str> = lines[0]
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    let want: Vec<&str> = jixiao::write::FIELDS.iter().map(|(_, en)| *en).collect();
    assert_eq!(keys, want);
    assert_eq!(lines[0]["source_file"], "in/seed.txt");
    assert_eq!(lines[0]["target_value"], "110");
    assert_eq!(lines[0]["table"], 1);
}

#[test]
fn a_bad_file_is_reported_and_the_batch_goes_on() {
    let dir = setup();
    std::fs::write(
        dir.path().join("in/broken.docx"),
        b"PK\x03\x04 not really a zip",
    )
    .unwrap();
    let o = jixiao(dir.path(), &["convert", "in", "-o", "out.json"]);
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    let lines: Vec<&str> = err.lines().collect();
    assert_eq!(lines.len(), 2, "{err}");
    assert!(
        lines[0].starts_with("jixiao: in/broken.docx: [corrupt] 文件已损坏，请重新导出"),
        "{err}"
    );
    assert!(
        lines[1].starts_with("jixiao: 2 files, 7 tables, 42 indicators, 0 notes, 1 errors, "),
        "{err}"
    );
    let v: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.path().join("out.json")).unwrap()).unwrap();
    assert_eq!(v["schema"], "jixiao/1");
    assert_eq!(v["tables"].as_array().unwrap().len(), 7);
    assert_eq!(v["errors"][0]["file"], "in/broken.docx");
    assert_eq!(v["errors"][0]["kind"], "corrupt");
}

#[test]
fn usage_errors_exit_2() {
    let dir = setup();
    let o = jixiao(dir.path(), &["convert", "missing.docx"]);
    assert_eq!(
        (o.status.code(), stderr(&o).as_str()),
        (
            Some(2),
            "jixiao: 找不到文件 missing.docx (no such file or folder)\n"
        )
    );
    let o = jixiao(dir.path(), &["convert", "in", "--to", "yaml"]);
    assert_eq!(o.status.code(), Some(2));
    let o = jixiao(
        dir.path(),
        &[
            "convert",
            "in/seed.txt",
            "--to",
            "json",
            "-o",
            "in/seed.txt",
        ],
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("也是输入文件"), "{}", stderr(&o));
    // The refused output was not touched.
    assert!(std::fs::read_to_string(dir.path().join("in/seed.txt"))
        .unwrap()
        .contains("绩效目标表"));
}

#[test]
fn gbk_csv_without_bom_reads_back() {
    let dir = setup();
    let o = jixiao(
        dir.path(),
        &[
            "convert",
            "in/seed.txt",
            "--to",
            "csv",
            "--encoding",
            "gbk",
            "--no-bom",
            "--headers",
            "en",
        ],
    );
    assert_eq!(o.status.code(), Some(0));
    let (text, _, bad) = encoding_rs::GB18030.decode(&o.stdout);
    assert!(!bad);
    assert!(text.starts_with("source_file,table,seq,title,"));
    assert!(text.contains("天津市武清区人民检察院"));
    assert_eq!(text.lines().count(), 43);
}

#[test]
fn a_failed_write_leaves_no_file() {
    let dir = setup();
    let o = jixiao(
        dir.path(),
        &["convert", "in/seed.txt", "-o", "no/such/dir/out.json"],
    );
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("无法写出结果"), "{}", stderr(&o));
    assert!(!dir.path().join("no").exists());
}

#[test]
fn inspect_shows_grids_and_spans() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let o = jixiao(root, &["inspect", "samples/word-seed-merged.docx"]);
    assert_eq!(o.status.code(), Some(0));
    let text = String::from_utf8(o.stdout).unwrap();
    assert!(text.starts_with("samples/word-seed-merged.docx: docx (4 blocks)\n¶ 1.2024年检察业务信息化运维项目-2024中央绩效目标表\n▦ table 1 (12 rows × 7 columns)\n"), "{text}");
    assert!(text.contains("| 产出指标 [4×2] |"));
    assert!(text.contains(
        "→ 表 2 [table 2]: 2025年司法救助项目-2025中央绩效目标表 — 6 indicators, 0 notes"
    ));
}

#[test]
fn a_docx_named_doc_is_read_as_what_it_is() {
    let dir = setup();
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    std::fs::copy(
        root.join("samples/word-seed-merged.docx"),
        dir.path().join("in/lying.doc"),
    )
    .unwrap();
    let o = jixiao(
        dir.path(),
        &["convert", "-q", "in/lying.doc", "--to", "jsonl"],
    );
    assert_eq!((o.status.code(), stderr(&o).as_str()), (Some(0), ""));
    let first: serde_json::Value =
        serde_json::from_str(String::from_utf8(o.stdout).unwrap().lines().next().unwrap()).unwrap();
    assert_eq!(first["source_file"], "in/lying.doc");
    assert_eq!(first["unit_name"], "天津市武清区人民检察院");
    // and the format recorded is the real one
    let o = jixiao(dir.path(), &["convert", "-q", "in/lying.doc"]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["tables"][0]["source"]["format"], "docx");
}
