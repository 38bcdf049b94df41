//! The command line end to end, in a fresh temp folder: exit codes, stderr
//! and outputs compared whole.

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

#[test]
fn csv_of_the_seed_matches_its_golden() {
    let dir = setup();
    let o = jixiao(dir.path(), &["convert", "in/seed.txt", "-o", "out.csv"]);
    assert_eq!((o.status.code(), o.stdout.as_slice()), (Some(0), &b""[..]));
    let err = stderr(&o);
    assert!(
        err.starts_with("jixiao: 共 1 个文件，7 张表，42 个指标，0 条说明，0 个错误，"),
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
    let want: Vec<&str> = jixiao::schema::COLUMNS.iter().map(|c| c.en).collect();
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
        lines[1].starts_with("jixiao: 共 2 个文件，7 张表，42 个指标，0 条说明，1 个错误，"),
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
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("所在的文件夹 no/such/dir 不存在"),
        "{}",
        stderr(&o)
    );
    assert!(!dir.path().join("no").exists());
}

#[test]
fn inspect_shows_grids_and_spans() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let o = jixiao(root, &["inspect", "samples/word-seed-merged.docx"]);
    assert_eq!(o.status.code(), Some(0));
    let text = String::from_utf8(o.stdout).unwrap();
    assert!(text.starts_with("# samples/word-seed-merged.docx: docx (4 blocks)\n¶ 1.2024年检察业务信息化运维项目-2024中央绩效目标表\n▦ table 1 (12 rows × 7 columns)\n"), "{text}");
    assert!(text.contains("| 产出指标 [4×2] |"));
    assert!(text.contains(
        "# → 表 2 [table 2]: 2025年司法救助项目-2025中央绩效目标表 — 6 indicators, 0 notes"
    ));
    // What inspect prints is grid notation: it reads back as the same blocks.
    let doc = jixiao::read::read(
        &std::fs::read(root.join("samples/word-seed-merged.docx")).unwrap(),
        &jixiao::limits::Limits::default(),
    )
    .unwrap();
    assert_eq!(jixiao::grid::notation::parse(&text).unwrap(), doc.blocks);
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

/// A folder of `n` copies of the seed and the Word samples, in sub-folders.
fn archive(n: usize) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("samples");
    let mut samples: Vec<_> = std::fs::read_dir(&root)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "txt" || e == "docx"))
        .collect();
    samples.sort();
    for i in 0..n {
        let sub = dir.path().join(format!("in/d{}", i % 7));
        std::fs::create_dir_all(&sub).unwrap();
        let s = &samples[i % samples.len()];
        let ext = s.extension().unwrap().to_str().unwrap();
        std::fs::copy(s, sub.join(format!("f{i:04}.{ext}"))).unwrap();
    }
    std::fs::write(dir.path().join("in/notes.md"), "not an export").unwrap();
    dir
}

#[test]
fn output_bytes_do_not_depend_on_the_thread_count() {
    let dir = archive(120);
    let one = jixiao(
        dir.path(),
        &["convert", "-q", "in", "--to", "jsonl", "-j", "1"],
    );
    let four = jixiao(
        dir.path(),
        &["convert", "-q", "in", "--to", "jsonl", "-j", "4"],
    );
    assert_eq!(one.status.code(), Some(0));
    assert!(one.stdout.len() > 10_000);
    assert!(
        one.stdout == four.stdout,
        "JSONL differs between 1 and 4 threads"
    );
    let one = jixiao(dir.path(), &["convert", "-q", "in", "-j", "1"]);
    let three = jixiao(dir.path(), &["convert", "-q", "in", "-j", "3"]);
    assert!(
        one.stdout == three.stdout,
        "JSON differs between 1 and 3 threads"
    );
}

#[test]
fn shards_concatenate_to_the_whole() {
    let dir = archive(60);
    let whole = jixiao(dir.path(), &["convert", "-q", "in", "--to", "jsonl"]);
    let mut want: Vec<String> = String::from_utf8(whole.stdout)
        .unwrap()
        .lines()
        .map(String::from)
        .collect();
    let mut got = Vec::new();
    for k in 1..=3 {
        let o = jixiao(
            dir.path(),
            &[
                "convert",
                "-q",
                "in",
                "--to",
                "jsonl",
                "--shard",
                &format!("{k}/3"),
            ],
        );
        assert_eq!(o.status.code(), Some(0));
        got.extend(
            String::from_utf8(o.stdout)
                .unwrap()
                .lines()
                .map(String::from),
        );
    }
    want.sort();
    got.sort();
    assert_eq!(got, want);
    let o = jixiao(dir.path(), &["convert", "in", "--shard", "4/3"]);
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn out_dir_mirrors_the_tree_and_the_report_lists_every_file() {
    let dir = archive(9);
    std::fs::write(
        dir.path().join("in/d0/broken.txt"),
        b"\x00\x01\x02\x03binary",
    )
    .unwrap();
    let o = jixiao(
        dir.path(),
        &[
            "convert",
            "in",
            "--out-dir",
            "out",
            "--to",
            "jsonl",
            "--report",
            "report.json",
        ],
    );
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    assert!(
        err.contains("jixiao: in/d0/broken.txt: [unreadable]"),
        "{err}"
    );
    assert!(
        err.contains("jixiao: 共 10 个文件（另有 1 个其他文件未读），"),
        "{err}"
    );
    assert!(
        dir.path().join("out/d0/f0000.docx.jsonl").exists()
            || dir.path().join("out/d0/f0000.txt.jsonl").exists()
    );
    assert!(!dir.path().join("out/d0/broken.txt.jsonl").exists());
    let outputs = walk(&dir.path().join("out"));
    assert_eq!(outputs.len(), 9, "{outputs:?}");
    let report: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.path().join("report.json")).unwrap()).unwrap();
    let rows = report.as_array().unwrap();
    assert_eq!(rows.len(), 10);
    let broken = rows
        .iter()
        .find(|r| r["file"] == "in/d0/broken.txt")
        .unwrap();
    assert_eq!(
        (broken["status"].as_str(), broken["error_kind"].as_str()),
        (Some("error"), Some("unreadable"))
    );
    let ok = rows.iter().find(|r| r["status"] == "ok").unwrap();
    assert!(ok["tables"].as_u64().unwrap() >= 1 && ok["indicators"].as_u64().unwrap() >= 5);
}

fn walk(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            out.extend(walk(&p));
        } else {
            out.push(p);
        }
    }
    out
}

#[test]
fn files_from_stdin_and_globs() {
    let dir = archive(14);
    let mut child = Command::new(env!("CARGO_BIN_EXE_jixiao"))
        .args(["convert", "-q", "--files-from", "-", "--to", "jsonl"])
        .current_dir(dir.path())
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    use std::io::Write;
    child
        .stdin
        .take()
        .unwrap()
        .write_all(b"in/d0/f0000.txt\r\n\r\nin/d2/f0002.docx\n")
        .unwrap();
    let o = child.wait_with_output().unwrap();
    assert_eq!(o.status.code(), Some(0));
    let files: std::collections::BTreeSet<String> = String::from_utf8(o.stdout)
        .unwrap()
        .lines()
        .map(|l| {
            serde_json::from_str::<serde_json::Value>(l).unwrap()["source_file"]
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect();
    assert_eq!(
        files.into_iter().collect::<Vec<_>>(),
        vec!["in/d0/f0000.txt", "in/d2/f0002.docx"]
    );
    let o = jixiao(
        dir.path(),
        &["convert", "in", "--glob", "*.txt", "--to", "jsonl"],
    );
    let err = stderr(&o);
    let txt = (0..14).filter(|i| i % 6 < 2).count();
    assert!(
        err.contains(&format!(
            "jixiao: 共 {txt} 个文件（另有 {} 个其他文件未读），",
            14 - txt + 1
        )),
        "{err}"
    );
    assert!(String::from_utf8(o.stdout)
        .unwrap()
        .lines()
        .all(|l| l.contains(".txt\"")));
}

/// A run stopped mid-way (SIGTERM, Ctrl-C) leaves neither the output nor its
/// temporary file. The report here is a FIFO nobody reads (written in place,
/// never replaced), so the run is certainly mid-way, its output's temporary
/// file open, when the signal comes. (An input FIFO is refused, not waited on.)
#[test]
fn an_interrupted_run_leaves_no_partial_output() {
    let dir = setup();
    let fifo = dir.path().join("in/report.json");
    let c = std::ffi::CString::new(fifo.to_str().unwrap()).unwrap();
    assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
    let child = Command::new(env!("CARGO_BIN_EXE_jixiao"))
        .args([
            "convert",
            "in/seed.txt",
            "-o",
            "out.json",
            "--report",
            "in/report.json",
        ])
        .current_dir(dir.path())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    // Wait until the run has created its temporary output.
    let tmp_exists = || {
        std::fs::read_dir(dir.path())
            .unwrap()
            .any(|e| e.unwrap().file_name().to_string_lossy().ends_with(".tmp"))
    };
    let mut waited = 0;
    while !tmp_exists() && waited < 200 {
        std::thread::sleep(std::time::Duration::from_millis(50));
        waited += 1;
    }
    assert!(tmp_exists(), "the run never started writing");
    unsafe { libc::kill(child.id() as i32, libc::SIGTERM) };
    let o = child.wait_with_output().unwrap();
    assert_eq!(o.status.code(), Some(130));
    let left: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(
        left,
        vec![std::ffi::OsString::from("in")],
        "left behind: {left:?}"
    );
}

#[test]
fn xlsx_output_needs_a_file_and_opens_as_a_zip() {
    let dir = setup();
    let o = jixiao(dir.path(), &["convert", "in/seed.txt", "--to", "xlsx"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("-o"), "{}", stderr(&o));
    let o = jixiao(
        dir.path(),
        &[
            "convert",
            "-q",
            "in/seed.txt",
            "-o",
            "out.xlsx",
            "--layout",
            "form",
        ],
    );
    assert_eq!((o.status.code(), stderr(&o).as_str()), (Some(0), ""));
    let bytes = std::fs::read(dir.path().join("out.xlsx")).unwrap();
    assert!(bytes.starts_with(b"PK\x03\x04"));
    // and jixiao reads its own form back
    let o = jixiao(dir.path(), &["convert", "-q", "out.xlsx", "--to", "jsonl"]);
    assert_eq!(String::from_utf8(o.stdout).unwrap().lines().count(), 42);
}

/// A two-row header (`年度指标值` over `指标性质 | 指标值 | 度量单位`) in an
/// HTML export named .xls, through the whole path.
#[test]
fn two_row_headers_compose_split_values() {
    let dir = setup();
    let page = "<html><meta charset=utf-8><p>某项目绩效目标表</p><table>\
        <tr><td rowspan=2>一级指标</td><td rowspan=2>二级指标</td><td rowspan=2>三级指标</td><td colspan=3>年度指标值</td></tr>\
        <tr><td>指标性质</td><td>指标值</td><td>度量单位</td></tr>\
        <tr><td rowspan=2>产出指标</td><td>数量指标</td><td>培训人次</td><td>≥</td><td>95.00</td><td>人次</td></tr>\
        <tr><td>质量指标</td><td>合格率</td><td>＝</td><td>100</td><td>%</td></tr></table></html>";
    std::fs::write(dir.path().join("in/export.xls"), page).unwrap();
    let o = jixiao(
        dir.path(),
        &["convert", "-q", "in/export.xls", "--to", "jsonl"],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let rows: Vec<serde_json::Value> = String::from_utf8(o.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(rows.len(), 2);
    assert_eq!(
        (
            rows[0]["level1"].as_str(),
            rows[0]["target_raw"].as_str(),
            rows[0]["target_value"].as_str(),
            rows[0]["target_unit"].as_str()
        ),
        (
            Some("产出指标"),
            Some("≥95.00人次"),
            Some("95.00"),
            Some("人次")
        )
    );
    assert_eq!(
        (rows[1]["level1"].as_str(), rows[1]["target_raw"].as_str()),
        (Some("产出指标"), Some("＝100%"))
    );
}

#[test]
fn verbose_says_which_tables_were_skipped() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let o = jixiao(
        root,
        &[
            "convert",
            "-v",
            "samples/word-messy-continued.docx",
            "--to",
            "jsonl",
        ],
    );
    assert_eq!(o.status.code(), Some(0));
    let err = stderr(&o);
    assert!(
        err.contains(
            "jixiao: samples/word-messy-continued.docx: 2 行表头信息后面没有指标表，已跳过（单位或项目行本身不是一张表） \
             (2 header rows without an indicator grid skipped (a unit or project row is not a table))\n"
        ),
        "{err}"
    );
    let quiet = jixiao(
        root,
        &[
            "convert",
            "-q",
            "samples/word-messy-continued.docx",
            "--to",
            "jsonl",
        ],
    );
    assert_eq!(stderr(&quiet), "");
    assert_eq!(quiet.stdout, o.stdout);
}

/// A table whose value column the lexicon does not know: the run says so
/// (a warning line, `partial` in the report) and `--strict` makes it an error.
#[test]
fn a_table_not_read_in_full_is_never_silent() {
    let dir = tempfile::tempdir().unwrap();
    let dump = "项目支出绩效目标表\n\
                \t项目名称\n\t某项目\n\n\
                \t一级指标\n\t二级指标\n\t三级指标\n\t考评口径\n\n\
                \t产出指标\n\t数量指标\n\t培训人次\n\t≥300人次\n\n\
                \t\n\t质量指标\n\t合格率\n\t≥95%\n\n";
    std::fs::write(dir.path().join("odd.txt"), dump).unwrap();
    let o = jixiao(
        dir.path(),
        &["convert", "odd.txt", "-o", "out.json", "--report", "r.json"],
    );
    assert_eq!(o.status.code(), Some(0));
    let err = stderr(&o);
    let lines: Vec<&str> = err.lines().collect();
    assert_eq!(lines.len(), 2, "{err}");
    assert_eq!(
        lines[0],
        "jixiao: 警告 (warning): odd.txt 表 1 [lines 2-15] 未完整读取 (incomplete): \
         指标表中没有可识别的指标值列，2 个指标都没有指标值（未识别的列“考评口径”已放入其他列） \
         (no column of the grid reads as the target: no target for 2 indicators \
         (columns not understood, kept in extra: \"考评口径\"))"
    );
    assert!(
        lines[1]
            .starts_with("jixiao: 共 1 个文件，1 张表（其中 1 张未完整读取，见警告），2 个指标，"),
        "{err}"
    );
    let report: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.path().join("r.json")).unwrap()).unwrap();
    assert_eq!(report[0]["status"], "partial");
    assert_eq!(report[0]["incomplete"][0]["gaps"][0]["detail"], "2/2");
    assert_eq!(
        report[0]["incomplete"][0]["gaps"].as_array().map(Vec::len),
        Some(1)
    );
    let out: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.path().join("out.json")).unwrap()).unwrap();
    assert_eq!(
        out["tables"][0]["incomplete"][0],
        serde_json::json!({"field": "indicators[].target", "problem": "missing", "detail": "2/2"})
    );
    assert_eq!(
        out["tables"][0]["indicators"][0]["extra"]["考评口径"],
        "≥300人次"
    );
    // --strict: the same run is an error, and says why.
    let o = jixiao(
        dir.path(),
        &["convert", "--strict", "odd.txt", "-o", "out.json"],
    );
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("--strict：1 张表未完整读取"),
        "{}",
        stderr(&o)
    );
    // A table read in full stays quiet and exits 0 under --strict.
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let seed = root.join("samples/seed-tianjin-wuqing.txt");
    let o = jixiao(
        dir.path(),
        &[
            "convert",
            "--strict",
            seed.to_str().unwrap(),
            "-o",
            "seed.json",
        ],
    );
    assert_eq!((o.status.code(), stderr(&o).lines().count()), (Some(0), 1));
}

#[test]
fn samples_csv_and_xlsx_carry_the_notes() {
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("samples.csv");
    let o = crate::util::run::here(&["convert", "-q", "samples", "-o", csv.to_str().unwrap()]);
    assert_eq!((o.status.code(), stderr(&o).as_str()), (Some(0), ""));
    let text = String::from_utf8(std::fs::read(&csv).unwrap()).unwrap();
    assert!(text.contains(",二级指标: 服务对象满意度 → 服务对象满意度指标 (补上“指标”二字)\n"));
    crate::util::golden::check("samples.csv", &text);

    // The workbook's three sheets as jixiao's reader sees them.
    let xlsx = dir.path().join("samples.xlsx");
    let o = crate::util::run::here(&["convert", "-q", "samples", "-o", xlsx.to_str().unwrap()]);
    assert_eq!((o.status.code(), stderr(&o).as_str()), (Some(0), ""));
    let doc = jixiao::read::read(
        &std::fs::read(&xlsx).unwrap(),
        &jixiao::limits::Limits::default(),
    )
    .unwrap();
    let mut dump = String::new();
    for b in &doc.blocks {
        if let jixiao::grid::Block::Table(g) = b {
            dump.push_str(&format!("▦ {}\n", g.locator));
            dump.push_str(&g.render());
        }
    }
    assert!(dump.contains("▦ 说明!"), "{}", &dump[..200.min(dump.len())]);
    crate::util::golden::check("samples.xlsx.txt", &dump);
}

#[test]
fn the_report_lists_each_files_notes() {
    let dir = tempfile::tempdir().unwrap();
    let report = dir.path().join("r.json");
    let o = crate::util::run::here(&[
        "convert",
        "-q",
        "samples/dump-gbk-crlf-page-split.txt",
        "-o",
        dir.path().join("x.csv").to_str().unwrap(),
        "--report",
        report.to_str().unwrap(),
    ]);
    assert_eq!((o.status.code(), stderr(&o).as_str()), (Some(0), ""));
    let got: serde_json::Value = serde_json::from_slice(&std::fs::read(&report).unwrap()).unwrap();
    assert_eq!(
        got[0]["notes"],
        serde_json::json!([{
            "table": 1,
            "note": "二级指标: 服务对象满意度 → 服务对象满意度指标 (补上“指标”二字)"
        }])
    );
    assert_eq!(got[0]["warnings"], 1);
    assert_eq!(got[0]["skipped"].as_array().map(Vec::len), Some(1));
}
