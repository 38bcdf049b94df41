//! Issue 10, outputs that never clobber and inputs never passed over in
//! silence: the command line end to end in a temp folder. Each case runs
//! under a hang guard (a guard, not a timing assertion): the old code
//! blocked forever on a FIFO.

use std::fs;
use std::os::unix::fs::FileTypeExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::mpsc;
use std::time::Duration;

const GUARD: Duration = Duration::from_secs(120);

use crate::util::run::bin;

/// Runs `cmd` in `dir`; killed (and the test failed) past the guard.
/// Output is drained as it comes, so a long stdout never blocks the child.
fn run_in(dir: &Path, mut cmd: Command) -> Output {
    let child = cmd
        .current_dir(dir)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let pid = child.id();
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(child.wait_with_output());
    });
    match rx.recv_timeout(GUARD) {
        Ok(o) => o.unwrap(),
        Err(_) => {
            let _ = Command::new("kill").args(["-9", &pid.to_string()]).status();
            panic!("no answer within {GUARD:?} (a hang)");
        }
    }
}

fn jixiao(dir: &Path, args: &[&str]) -> Output {
    let mut c = bin();
    c.args(args);
    run_in(dir, c)
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn setup() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    fs::create_dir(dir.path().join("in")).unwrap();
    fs::copy(
        root.join("samples/seed-tianjin-wuqing.txt"),
        dir.path().join("in/seed.txt"),
    )
    .unwrap();
    dir
}

fn mkfifo(p: &Path) {
    let s = Command::new("mkfifo").arg(p).status().unwrap();
    assert!(s.success());
}

fn names(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}

/// The report's entry for `file`.
fn report_entry(report: &Path, file: &str) -> serde_json::Value {
    let v: serde_json::Value = serde_json::from_slice(&fs::read(report).unwrap()).unwrap();
    v.as_array()
        .unwrap()
        .iter()
        .find(|e| e["file"] == file)
        .unwrap_or_else(|| panic!("{file} not in the report: {v}"))
        .clone()
}

/// Reads a FIFO on a thread; returns what was read (None if nothing came).
fn read_fifo(p: &Path) -> mpsc::Receiver<Vec<u8>> {
    let (tx, rx) = mpsc::channel();
    let p = p.to_path_buf();
    std::thread::spawn(move || {
        if let Ok(b) = fs::read(&p) {
            let _ = tx.send(b);
        }
    });
    rx
}

#[test]
fn an_output_fifo_is_written_not_replaced() {
    let dir = setup();
    let fifo = dir.path().join("out.json");
    mkfifo(&fifo);
    let got = read_fifo(&fifo);
    let o = jixiao(
        dir.path(),
        &["convert", "-q", "in/seed.txt", "-o", "out.json"],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(fs::symlink_metadata(&fifo).unwrap().file_type().is_fifo());
    let bytes = got.recv_timeout(GUARD).expect("the reader got nothing");
    let v: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
    assert_eq!(v["tables"].as_array().unwrap().len(), 7);
    // Through a symlink too: the link and the FIFO both stay.
    std::os::unix::fs::symlink("out.json", dir.path().join("link.json")).unwrap();
    let got = read_fifo(&fifo);
    let o = jixiao(
        dir.path(),
        &["convert", "-q", "in/seed.txt", "--report", "link.json"],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(fs::symlink_metadata(dir.path().join("link.json"))
        .unwrap()
        .file_type()
        .is_symlink());
    assert!(fs::symlink_metadata(&fifo).unwrap().file_type().is_fifo());
    let v: serde_json::Value = serde_json::from_slice(&got.recv_timeout(GUARD).unwrap()).unwrap();
    assert_eq!(v[0]["status"], "ok");
    assert_eq!(names(dir.path()), ["in", "link.json", "out.json"]);
}

/// `-o /dev/null` as root replaced the device with a regular file. Tried on
/// a private node made with mknod (skipped where that is not permitted).
#[test]
fn an_output_device_stays_a_device() {
    let dir = setup();
    let null = dir.path().join("null");
    let made = Command::new("mknod")
        .arg(&null)
        .args(["c", "1", "3"])
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if !made || fs::write(&null, b"x").is_err() {
        eprintln!("skipped: mknod is not permitted here");
        return;
    }
    for args in [
        &["convert", "-q", "in/seed.txt", "--to", "json", "-o", "null"][..],
        &["convert", "-q", "in/seed.txt", "--report", "null"][..],
        &["convert", "-q", "in", "--to", "xlsx", "-o", "null"][..],
    ] {
        let o = jixiao(dir.path(), args);
        assert_eq!(o.status.code(), Some(0), "{args:?}: {}", stderr(&o));
        let t = fs::symlink_metadata(&null).unwrap().file_type();
        assert!(t.is_char_device(), "{args:?} replaced the device");
    }
    assert_eq!(names(dir.path()), ["in", "null"]);
}

#[test]
fn a_symlinked_output_keeps_its_link() {
    let dir = setup();
    fs::create_dir(dir.path().join("real")).unwrap();
    fs::write(dir.path().join("real/out.json"), b"old").unwrap();
    std::os::unix::fs::symlink("real/out.json", dir.path().join("out.json")).unwrap();
    let o = jixiao(
        dir.path(),
        &["convert", "-q", "in/seed.txt", "-o", "out.json"],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(fs::symlink_metadata(dir.path().join("out.json"))
        .unwrap()
        .file_type()
        .is_symlink());
    let v: serde_json::Value =
        serde_json::from_slice(&fs::read(dir.path().join("real/out.json")).unwrap()).unwrap();
    assert_eq!(v["tables"].as_array().unwrap().len(), 7);
    assert_eq!(names(&dir.path().join("real")), ["out.json"]);
}

/// `-o same.json --report same.json` shared one temp name and left a
/// garbled file.
#[test]
fn output_and_report_naming_one_file_is_a_usage_error() {
    let dir = setup();
    fs::create_dir(dir.path().join("sub")).unwrap();
    std::os::unix::fs::symlink("same.json", dir.path().join("alias.json")).unwrap();
    for report in ["same.json", "./same.json", "sub/../same.json", "alias.json"] {
        for exists in [false, true] {
            if exists {
                fs::write(dir.path().join("same.json"), b"keep").unwrap();
            } else {
                let _ = fs::remove_file(dir.path().join("same.json"));
            }
            let o = jixiao(
                dir.path(),
                &["convert", "in", "-o", "same.json", "--report", report],
            );
            assert_eq!(o.status.code(), Some(2), "{report}: {}", stderr(&o));
            assert!(
                stderr(&o).starts_with("jixiao: -o 与 --report 是同一个文件"),
                "{}",
                stderr(&o)
            );
            if exists {
                assert_eq!(fs::read(dir.path().join("same.json")).unwrap(), b"keep");
            }
        }
    }
}

/// A valid 250-byte name plus the temp suffix passed the 255-byte limit.
#[test]
fn a_long_output_name_still_gets_a_temp_file() {
    let dir = setup();
    let name = format!("{}.json", "a".repeat(245));
    let report = format!("{}.json", "报".repeat(83));
    let o = jixiao(
        dir.path(),
        &["convert", "-q", "in", "-o", &name, "--report", &report],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let mut want = vec!["in".to_string(), name.clone(), report.clone()];
    want.sort();
    assert_eq!(names(dir.path()), want);
}

/// `convert ov/a ov/a.json --out-dir ov` overwrote an input.
#[test]
fn out_dir_never_overwrites_an_input() {
    let dir = setup();
    fs::create_dir(dir.path().join("ov")).unwrap();
    fs::copy(dir.path().join("in/seed.txt"), dir.path().join("ov/a")).unwrap();
    fs::write(dir.path().join("ov/a.json"), b"{}").unwrap();
    let o = jixiao(
        dir.path(),
        &["convert", "ov/a", "ov/a.json", "--out-dir", "ov"],
    );
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("覆盖输入文件 ov/a.json"),
        "{}",
        stderr(&o)
    );
    assert_eq!(fs::read(dir.path().join("ov/a.json")).unwrap(), b"{}");
}

/// `a/x.txt b/x.txt --out-dir out` gave one output, which one varying.
#[test]
fn two_inputs_with_one_out_dir_output_are_refused_and_listed() {
    let dir = setup();
    for d in ["a", "b", "c/a"] {
        fs::create_dir_all(dir.path().join(d)).unwrap();
        fs::copy(
            dir.path().join("in/seed.txt"),
            dir.path().join(d).join("x.txt"),
        )
        .unwrap();
    }
    let o = jixiao(
        dir.path(),
        &["convert", "a/x.txt", "b/x.txt", "in", "--out-dir", "out"],
    );
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert_eq!(
        stderr(&o).lines().nth(1),
        Some("  out/x.txt.json ← a/x.txt、b/x.txt"),
        "{}",
        stderr(&o)
    );
    assert!(!dir.path().join("out").exists());
    // Two folders with the same relative path: the same.
    let o = jixiao(dir.path(), &["convert", "a", "c/a", "--out-dir", "out"]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("a/x.txt、c/a/x.txt"), "{}", stderr(&o));
    // The parent folder mirrors the tree: no clash.
    let o = jixiao(dir.path(), &["convert", "-q", "a", "b", "--out-dir", "out"]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    let o = jixiao(dir.path(), &["convert", "-q", "c", "a", "--out-dir", "out"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
}

/// `--out-dir` inside the input folder: the next run must not read
/// jixiao's own .xlsx outputs back as inputs.
#[test]
fn out_dir_inside_the_input_is_not_read_back() {
    let dir = setup();
    for _ in 0..2 {
        let o = jixiao(
            dir.path(),
            &["convert", "in", "--to", "xlsx", "--out-dir", "in/out"],
        );
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    }
    let o = jixiao(
        dir.path(),
        &["convert", "in", "--to", "xlsx", "--out-dir", "in"],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(dir.path().join("in/seed.txt.xlsx").exists());
    let o = jixiao(dir.path(), &["convert", "in", "-o", "all.json"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let err = stderr(&o);
    assert!(
        err.starts_with("jixiao: 警告：跳过 2 个 jixiao 以前写出的文件（如 in/out/seed.txt.xlsx）"),
        "{err}"
    );
    assert!(
        err.contains("共 1 个文件（另有 2 个其他文件未读）"),
        "{err}"
    );
    assert_eq!(names(&dir.path().join("in/out")), ["seed.txt.xlsx"]);
}

/// A FIFO, a device, a broken link among the inputs, named or met in a
/// folder: each its own entry in the errors and the report; no hang.
#[test]
fn special_files_among_the_inputs_are_reported_not_waited_on() {
    let dir = setup();
    mkfifo(&dir.path().join("in/pipe.docx"));
    mkfifo(&dir.path().join("named-pipe"));
    std::os::unix::fs::symlink("gone.docx", dir.path().join("in/broken.docx")).unwrap();
    std::os::unix::fs::symlink("gone.txt", dir.path().join("broken.txt")).unwrap();
    let o = jixiao(
        dir.path(),
        &[
            "convert",
            "in",
            "named-pipe",
            "broken.txt",
            "/dev/zero",
            "-o",
            "out.json",
            "--report",
            "report.json",
        ],
    );
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let v: serde_json::Value =
        serde_json::from_slice(&fs::read(dir.path().join("out.json")).unwrap()).unwrap();
    let errors: Vec<(String, String)> = v["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["file"].as_str().unwrap().to_string(),
                e["kind"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let want: Vec<(String, String)> = [
        ("in/broken.docx", "io"),
        ("in/pipe.docx", "unsupported"),
        ("named-pipe", "unsupported"),
        ("broken.txt", "io"),
        ("/dev/zero", "unsupported"),
    ]
    .iter()
    .map(|(a, b)| (a.to_string(), b.to_string()))
    .collect();
    assert_eq!(errors, want);
    let report = dir.path().join("report.json");
    let e = report_entry(&report, "in/pipe.docx");
    assert_eq!(e["error_kind"], "unsupported");
    assert!(
        e["message"]
            .as_str()
            .unwrap()
            .contains("不是普通文件（命名管道）"),
        "{e}"
    );
    let e = report_entry(&report, "in/broken.docx");
    assert!(
        e["message"]
            .as_str()
            .unwrap()
            .contains("符号链接指向的文件不存在"),
        "{e}"
    );
    assert_eq!(
        report_entry(&report, "/dev/zero")["error_kind"],
        "unsupported"
    );
    assert_eq!(report_entry(&report, "in/seed.txt")["status"], "ok");
    // inspect: the same, never a hang.
    let o = jixiao(dir.path(), &["inspect", "named-pipe"]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(
        stderr(&o).starts_with("jixiao: named-pipe: [unsupported] 不是普通文件（命名管道）"),
        "{}",
        stderr(&o)
    );
    let o = jixiao(dir.path(), &["inspect", "/dev/zero"]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| o.stdout == b"0\n")
}

/// An unreadable subfolder was skipped without a word (exit 0). Root reads
/// every folder, so as root the run drops to `nobody` with setpriv (skipped
/// where it is missing).
#[test]
fn an_unreadable_folder_is_an_error_entry() {
    let dir = setup();
    let locked = dir.path().join("in/locked");
    fs::create_dir(&locked).unwrap();
    fs::copy(dir.path().join("in/seed.txt"), locked.join("hidden.txt")).unwrap();
    let mut cmd = if is_root() {
        if Command::new("setpriv").arg("--help").output().is_err() {
            eprintln!("skipped: running as root without setpriv");
            return;
        }
        let mut c = Command::new("setpriv");
        c.args(["--reuid=65534", "--regid=65534", "--clear-groups"]);
        c.arg(env!("CARGO_BIN_EXE_jixiao"));
        c
    } else {
        bin()
    };
    use std::os::unix::fs::PermissionsExt;
    fs::set_permissions(dir.path(), fs::Permissions::from_mode(0o777)).unwrap();
    fs::set_permissions(&locked, fs::Permissions::from_mode(0o000)).unwrap();
    // The binary must be reachable by `nobody`.
    let exe = PathBuf::from(env!("CARGO_BIN_EXE_jixiao"));
    if is_root()
        && !Command::new("setpriv")
            .args([
                "--reuid=65534",
                "--regid=65534",
                "--clear-groups",
                "test",
                "-x",
            ])
            .arg(&exe)
            .status()
            .is_ok_and(|s| s.success())
    {
        eprintln!("skipped: nobody cannot run {}", exe.display());
        return;
    }
    cmd.args(["convert", "in", "-o", "out.json", "--report", "report.json"]);
    let o = run_in(dir.path(), cmd);
    fs::set_permissions(&locked, fs::Permissions::from_mode(0o755)).unwrap();
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let e = report_entry(&dir.path().join("report.json"), "in/locked");
    assert_eq!(e["error_kind"], "io", "{e}");
    assert!(
        e["message"].as_str().unwrap().starts_with("无法打开文件夹"),
        "{e}"
    );
    assert!(
        stderr(&o).contains("jixiao: in/locked: [io] 无法打开文件夹"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn too_many_jobs_are_capped_with_a_warning() {
    let dir = setup();
    let o = jixiao(
        dir.path(),
        &["convert", "in", "-j", "100000", "-o", "o.json"],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let first = stderr(&o).lines().next().unwrap_or("").to_string();
    assert!(first.starts_with("jixiao: 警告：-j 100000 太多"), "{first}");
    assert!(
        first.contains("(warning: -j 100000 is more than 4 × the"),
        "{first}"
    );
}

/// A list saved by Notepad (BOM, CRLF) with a missing file and a line that
/// is not UTF-8: the good lines convert, each bad one is its own entry.
#[test]
fn files_from_takes_a_bom_and_reports_bad_lines_one_by_one() {
    let dir = setup();
    let mut list = b"\xEF\xBB\xBFin/seed.txt\r\nmissing.docx\r\n\r\nin/\xB1\xA8.txt\r\n".to_vec();
    list.extend_from_slice(b"also-missing.txt\n");
    fs::write(dir.path().join("list.txt"), &list).unwrap();
    let o = jixiao(
        dir.path(),
        &["convert", "--files-from", "list.txt", "-o", "out.json"],
    );
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let v: serde_json::Value =
        serde_json::from_slice(&fs::read(dir.path().join("out.json")).unwrap()).unwrap();
    assert_eq!(v["tables"].as_array().unwrap().len(), 7);
    let failed: Vec<&str> = v["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["file"].as_str().unwrap())
        .collect();
    let not_utf8 = String::from_utf8_lossy(b"in/\xB1\xA8.txt");
    assert_eq!(failed, ["missing.docx", &not_utf8, "also-missing.txt"]);
    // /dev/zero as the list: stopped at the first line, exit 2.
    let o = jixiao(dir.path(), &["convert", "--files-from", "/dev/zero"]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("第 1 行超过 65536 字节"),
        "{}",
        stderr(&o)
    );
}

/// One cell over Excel's 32,767 characters failed the whole `--to xlsx`
/// output without naming the input. Now it is cut with a note in the cell,
/// in both layouts, and the other files are all there.
#[test]
fn a_cell_over_excels_limit_is_cut_not_fatal() {
    let dir = setup();
    let seed = fs::read_to_string(dir.path().join("in/seed.txt")).unwrap();
    // 𠀀 is two UTF-16 units: the cut must count them as Excel does.
    let long = format!("项目尾款{}", "𠀀款".repeat(20_000));
    fs::write(
        dir.path().join("in/long.txt"),
        seed.replacen("项目尾款", &long, 1),
    )
    .unwrap();
    for layout in ["flat", "form"] {
        let out = format!("{layout}.xlsx");
        let o = jixiao(
            dir.path(),
            &["convert", "-q", "in", "--layout", layout, "-o", &out],
        );
        assert_eq!(o.status.code(), Some(0), "{layout}: {}", stderr(&o));
        use calamine::Reader;
        let mut wb: calamine::Xlsx<_> = calamine::open_workbook(dir.path().join(&out)).unwrap();
        let mut cut = 0;
        let mut sheets = 0;
        for name in wb.sheet_names() {
            let range = wb.worksheet_range(&name).unwrap();
            sheets += 1;
            for cell in range.used_cells() {
                let text = cell.2.to_string();
                if text.starts_with("项目尾款𠀀款") {
                    assert!(text.ends_with(jixiao::write::cell::TRUNCATED), "{layout}");
                    assert!(text.encode_utf16().count() <= 32_767, "{layout}");
                    assert!(text.encode_utf16().count() > 32_000, "{layout}");
                    cut += 1;
                }
            }
        }
        assert!(cut >= 1, "{layout}: the long cell is missing");
        if layout == "form" {
            assert_eq!(sheets, 14, "both files' seven tables");
        }
    }
    // JSON keeps the whole text.
    let o = jixiao(dir.path(), &["convert", "-q", "in/long.txt"]);
    assert!(String::from_utf8_lossy(&o.stdout).contains(&long));
}

#[test]
fn fit_cell_keeps_what_fits_and_cuts_at_excels_count() {
    use jixiao::write::cell::{fit_cell, MAX_CELL_CHARS, TRUNCATED};
    let exact = "字".repeat(MAX_CELL_CHARS);
    assert_eq!(fit_cell(&exact), exact.as_str());
    for unit in ["a", "字", "𠀀"] {
        let over = unit.repeat(MAX_CELL_CHARS + 1);
        let cut = fit_cell(&over);
        assert!(cut.encode_utf16().count() <= MAX_CELL_CHARS, "{unit}");
        assert!(cut.encode_utf16().count() > MAX_CELL_CHARS - 2, "{unit}");
        let kept = cut.strip_suffix(TRUNCATED).unwrap();
        assert!(over.starts_with(kept), "{unit}");
    }
}
