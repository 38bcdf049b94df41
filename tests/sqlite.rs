//! `convert --to sqlite`: every table and indicator lands, decimals as
//! exact TEXT, a rerun adds nothing, a changed file is a new source.

use rusqlite::Connection;
use std::path::Path;

fn convert(args: &[&str]) {
    let o = crate::util::run::here(args);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
}

fn count(db: &Path, sql: &str) -> i64 {
    Connection::open(db)
        .unwrap()
        .query_row(sql, [], |r| r.get(0))
        .unwrap()
}

#[test]
fn appends_once_per_file_version() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("档案.db");
    let seed = dir.path().join("seed.txt");
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    std::fs::copy(root.join("samples/seed-tianjin-wuqing.txt"), &seed).unwrap();
    let (db_s, seed_s) = (db.to_str().unwrap(), seed.to_str().unwrap());
    convert(&["convert", seed_s, "-o", db_s, "-q"]);
    assert_eq!(count(&db, "SELECT COUNT(*) FROM tables"), 7);
    assert_eq!(count(&db, "SELECT COUNT(*) FROM indicators"), 42);
    assert_eq!(
        count(
            &db,
            "SELECT COUNT(*) FROM tables WHERE project_key = '检察业务信息化运维项目'"
        ),
        2
    );
    let total: String = Connection::open(&db)
        .unwrap()
        .query_row(
            "SELECT budget_total FROM tables WHERE table_no = 1",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(total, "0.80");
    // The same bytes again: nothing added.
    convert(&["convert", seed_s, "--to", "sqlite", "-o", db_s, "-q"]);
    assert_eq!(count(&db, "SELECT COUNT(*) FROM sources"), 1);
    assert_eq!(count(&db, "SELECT COUNT(*) FROM indicators"), 42);
    // A changed file is a second version beside the first.
    let mut text = std::fs::read_to_string(&seed).unwrap();
    text = text.replacen("0.80", "0.90", 1);
    std::fs::write(&seed, text).unwrap();
    convert(&["convert", seed_s, "-o", db_s, "-q"]);
    assert_eq!(count(&db, "SELECT COUNT(*) FROM sources"), 2);
    assert_eq!(count(&db, "SELECT COUNT(*) FROM tables"), 14);
}
