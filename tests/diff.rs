//! `jixiao diff`: the seed's 2024 and 2025 tables as two inputs (the test
//! splits the seed at its headings: 2024年… tables into 2024.txt, 2025年…
//! into 2025.txt), compared in full against goldens in text and JSON. The
//! seed has two projects in both years; the other three 2025 projects are
//! only in NEW. Re-bless with JIXIAO_BLESS=1 after a deliberate change.

use std::path::Path;

/// The seed split by year: each heading line starts a table.
fn split_seed(dir: &Path) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let seed = std::fs::read_to_string(root.join("samples/seed-tianjin-wuqing.txt")).unwrap();
    let (mut old, mut new) = (String::new(), String::new());
    let mut into_new = false;
    for line in seed.split_inclusive('\n') {
        if !line.starts_with('\t') && line.contains("绩效目标表") {
            into_new = line.contains("2025年");
        }
        if into_new {
            new.push_str(line);
        } else {
            old.push_str(line);
        }
    }
    std::fs::write(dir.join("2024.txt"), old).unwrap();
    std::fs::write(dir.join("2025.txt"), new).unwrap();
}

fn diff(dir: &Path, args: &[&str]) -> std::process::Output {
    crate::util::run::bin()
        .current_dir(dir)
        .args(["diff", "2024.txt", "2025.txt"])
        .args(args)
        .output()
        .unwrap()
}

#[test]
fn seed_2024_to_2025_matches_its_goldens() {
    let dir = tempfile::tempdir().unwrap();
    split_seed(dir.path());
    let text = diff(dir.path(), &[]);
    assert_eq!(
        text.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&text.stderr)
    );
    crate::util::golden::check(
        "diff-seed-2024-2025.txt",
        &String::from_utf8(text.stdout).unwrap(),
    );
    let json = diff(dir.path(), &["--to", "json"]);
    let json = String::from_utf8(json.stdout).unwrap();
    crate::util::golden::check("diff-seed-2024-2025.json", &json);
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(v["pairs"].as_array().unwrap().len(), 2);
    assert_eq!(v["added_tables"].as_array().unwrap().len(), 3);
    assert_eq!(v["pairs"][0]["budget"][0]["old"], "0.80");
    assert_eq!(v["pairs"][0]["budget"][0]["new"], "32.00");
}

#[test]
fn xlsx_lists_every_change() {
    let dir = tempfile::tempdir().unwrap();
    split_seed(dir.path());
    let o = diff(dir.path(), &["--to", "xlsx", "-o", "变化.xlsx"]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let mut zip =
        zip::ZipArchive::new(std::fs::File::open(dir.path().join("变化.xlsx")).unwrap()).unwrap();
    let mut s = String::new();
    std::io::Read::read_to_string(&mut zip.by_name("xl/sharedStrings.xml").unwrap(), &mut s)
        .unwrap();
    assert!(s.contains("变化") || s.contains("预算 budget"), "{s}");
    assert_eq!(diff(dir.path(), &["--to", "xlsx"]).status.code(), Some(2));
}
