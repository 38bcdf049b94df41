//! `convert --to sqlite -o FILE.db`: the records (and `check` findings) in
//! an SQLite database that later runs append to. Tables `sources`, `tables`,
//! `indicators`, `notes`, `findings`, `errors`; decimals as TEXT so they stay
//! exact (`'0.80'`); indexes on unit, project, project_key and year.
//!
//! A source file is identified by its name and a hash of its bytes: a file
//! already loaded with the same content is skipped, so re-running adds
//! nothing; a changed file is added as a new source beside the old one.
//! Each run is one transaction: a failed run adds nothing.

use crate::check::{project_key, Finding};
use crate::model::{FileError, Table};
use rusqlite::{params, Connection};
use std::path::Path;

pub const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS sources (
    id INTEGER PRIMARY KEY,
    file TEXT NOT NULL,
    content_hash TEXT NOT NULL,
    bytes INTEGER NOT NULL,
    UNIQUE (file, content_hash)
);
CREATE TABLE IF NOT EXISTS tables (
    id INTEGER PRIMARY KEY,
    source_id INTEGER NOT NULL REFERENCES sources(id),
    file TEXT NOT NULL,
    format TEXT NOT NULL,
    table_no INTEGER NOT NULL,
    locator TEXT NOT NULL,
    title TEXT,
    seq INTEGER,
    kind TEXT NOT NULL,
    status TEXT NOT NULL,
    unit_code TEXT,
    unit_name TEXT,
    money_unit TEXT,
    project_name TEXT,
    project_key TEXT,
    year INTEGER,
    fund_level TEXT,
    budget_total TEXT,
    budget_fiscal TEXT,
    budget_other TEXT,
    fund_use TEXT,
    goals TEXT NOT NULL,
    extra TEXT NOT NULL,
    incomplete TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS tables_unit ON tables (unit_name);
CREATE INDEX IF NOT EXISTS tables_project ON tables (project_name);
CREATE INDEX IF NOT EXISTS tables_project_key ON tables (project_key);
CREATE INDEX IF NOT EXISTS tables_year ON tables (year);
CREATE TABLE IF NOT EXISTS indicators (
    id INTEGER PRIMARY KEY,
    table_id INTEGER NOT NULL REFERENCES tables(id),
    position INTEGER NOT NULL,
    level1 TEXT,
    level2 TEXT,
    level3 TEXT,
    description TEXT,
    target_raw TEXT,
    target_kind TEXT,
    target_op TEXT,
    target_value TEXT,
    target_upper TEXT,
    target_unit TEXT,
    weight TEXT,
    actual_raw TEXT,
    score TEXT,
    remark TEXT,
    extra TEXT NOT NULL,
    locator TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS indicators_table ON indicators (table_id);
CREATE TABLE IF NOT EXISTS notes (
    id INTEGER PRIMARY KEY,
    table_id INTEGER NOT NULL REFERENCES tables(id),
    field TEXT NOT NULL,
    raw TEXT NOT NULL,
    normalized TEXT,
    rule TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS findings (
    id INTEGER PRIMARY KEY,
    table_id INTEGER NOT NULL REFERENCES tables(id),
    rule TEXT NOT NULL,
    severity TEXT NOT NULL,
    locator TEXT NOT NULL,
    field TEXT NOT NULL,
    message_zh TEXT NOT NULL,
    message_en TEXT NOT NULL,
    \"values\" TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS findings_rule ON findings (rule);
CREATE TABLE IF NOT EXISTS errors (
    id INTEGER PRIMARY KEY,
    source_id INTEGER NOT NULL REFERENCES sources(id),
    file TEXT NOT NULL,
    kind TEXT NOT NULL,
    message TEXT NOT NULL
);
";

/// FNV-1a over the bytes, with their length: stable across machines, enough
/// to tell one version of a file from another (not a security hash).
pub fn content_hash(bytes: &[u8]) -> String {
    let h = bytes.iter().fold(0xcbf2_9ce4_8422_2325u64, |h, b| {
        (h ^ u64::from(*b)).wrapping_mul(0x0000_0100_0000_01b3)
    });
    format!("fnv1a64:{h:016x}:{}", bytes.len())
}

/// What one input gives the database.
pub struct Loaded {
    pub file: String,
    pub hash: String,
    pub bytes: u64,
    pub tables: Vec<Table>,
    pub findings: Vec<Finding>,
    pub error: Option<FileError>,
}

/// How many sources a run added, and how many it found already loaded.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Appended {
    pub added: usize,
    pub skipped: usize,
    pub tables: usize,
    pub indicators: usize,
}

/// An open database, inside one transaction for the run.
pub struct Database {
    conn: Connection,
}

impl Database {
    pub fn open(path: &Path) -> rusqlite::Result<Database> {
        let conn = Connection::open(path)?;
        conn.execute_batch(SCHEMA)?;
        conn.execute_batch("BEGIN")?;
        Ok(Database { conn })
    }

    /// Adds one input unless the same file with the same bytes is there.
    pub fn append(&mut self, l: &Loaded, count: &mut Appended) -> rusqlite::Result<()> {
        let tx = &self.conn;
        let known: Option<i64> = tx
            .query_row(
                "SELECT id FROM sources WHERE file = ?1 AND content_hash = ?2",
                params![l.file, l.hash],
                |r| r.get(0),
            )
            .ok();
        if known.is_some() {
            count.skipped += 1;
            return Ok(());
        }
        tx.execute(
            "INSERT INTO sources (file, content_hash, bytes) VALUES (?1, ?2, ?3)",
            params![l.file, l.hash, l.bytes as i64],
        )?;
        let source = tx.last_insert_rowid();
        count.added += 1;
        if let Some(e) = &l.error {
            tx.execute(
                "INSERT INTO errors (source_id, file, kind, message) VALUES (?1, ?2, ?3, ?4)",
                params![source, e.file, e.kind.as_str(), e.message],
            )?;
        }
        for t in &l.tables {
            insert_table(tx, source, t, &l.findings)?;
            count.tables += 1;
            count.indicators += t.indicators.len();
        }
        Ok(())
    }

    pub fn commit(self) -> rusqlite::Result<()> {
        self.conn.execute_batch("COMMIT")
    }
}

fn json<T: serde::Serialize>(v: &T) -> String {
    serde_json::to_string(v).unwrap_or_else(|_| "null".into())
}

fn dec(d: Option<rust_decimal::Decimal>) -> Option<String> {
    d.map(|d| d.to_string())
}

fn insert_table(
    tx: &Connection,
    source: i64,
    t: &Table,
    findings: &[Finding],
) -> rusqlite::Result<()> {
    tx.execute(
        "INSERT INTO tables (source_id, file, format, table_no, locator, title, seq, kind, status,
            unit_code, unit_name, money_unit, project_name, project_key, year, fund_level,
            budget_total, budget_fiscal, budget_other, fund_use, goals, extra, incomplete)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17,
            ?18, ?19, ?20, ?21, ?22, ?23)",
        params![
            source,
            t.source.file,
            t.source.format,
            t.source.table,
            t.source.locator,
            t.title,
            t.seq,
            t.kind.as_str(),
            t.status(),
            t.unit_code,
            t.unit_name,
            t.money_unit,
            t.project_name,
            project_key(t),
            t.year,
            t.fund_level,
            dec(t.budget.total),
            dec(t.budget.fiscal),
            dec(t.budget.other),
            t.fund_use,
            json(&t.goals),
            json(&t.extra),
            json(&t.incomplete),
        ],
    )?;
    let id = tx.last_insert_rowid();
    let mut ind = tx.prepare_cached(
        "INSERT INTO indicators (table_id, position, level1, level2, level3, description,
            target_raw, target_kind, target_op, target_value, target_upper, target_unit,
            weight, actual_raw, score, remark, extra, locator)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18)",
    )?;
    for (n, i) in t.indicators.iter().enumerate() {
        let x = i.target.as_ref();
        ind.execute(params![
            id,
            n as i64,
            i.level1,
            i.level2,
            i.level3,
            i.description,
            x.map(|x| x.raw.clone()),
            x.map(|x| x.kind.as_str()),
            x.and_then(|x| x.op.map(|o| o.as_str())),
            x.and_then(|x| dec(x.value)),
            x.and_then(|x| dec(x.upper)),
            x.and_then(|x| x.unit.clone()),
            dec(i.weight),
            i.actual.as_ref().map(|a| a.raw.clone()),
            dec(i.score),
            i.remark,
            json(&i.extra),
            i.locator,
        ])?;
    }
    let mut note = tx.prepare_cached(
        "INSERT INTO notes (table_id, field, raw, normalized, rule) VALUES (?1, ?2, ?3, ?4, ?5)",
    )?;
    for n in &t.notes {
        note.execute(params![id, n.field, n.raw, n.normalized, n.rule])?;
    }
    let mut find = tx.prepare_cached(
        "INSERT INTO findings (table_id, rule, severity, locator, field, message_zh, message_en, \"values\")
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
    )?;
    for f in findings.iter().filter(|f| f.table == t.source.table) {
        find.execute(params![
            id,
            f.rule,
            f.severity.as_str(),
            f.locator,
            f.field,
            f.message_zh,
            f.message_en,
            json(&f.values),
        ])?;
    }
    Ok(())
}

/// Removes a database file and the journal files SQLite keeps beside it.
pub fn remove_database(dest: &Path) {
    let _ = std::fs::remove_file(dest);
    for suffix in ["-journal", "-wal", "-shm"] {
        let mut p = dest.as_os_str().to_owned();
        p.push(suffix);
        let _ = std::fs::remove_file(std::path::PathBuf::from(p));
    }
}
