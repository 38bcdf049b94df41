//! `convert -o FILE.db` (or `--to sqlite`): every input loaded into the
//! database in one transaction, with the same error, warning and summary
//! lines as the other outputs, then what the database gained.

use super::convert::{finish_code, incomplete_line, summary, Counts, Plan};
use super::usage;
use jixiao::check::RuleSet;
use jixiao::limits::Limits;
use jixiao::run::{load, Input};
use jixiao::write::count;
use jixiao::write::sqlite::{remove_database, Appended, Database, Loaded};
use std::path::Path;
use std::time::Instant;

/// `-o FILE.db`; returns the exit code.
pub(super) fn main(p: &Plan, db: &Path) -> i32 {
    let pool = match rayon::ThreadPoolBuilder::new().num_threads(p.jobs).build() {
        Ok(pool) => pool,
        Err(e) => return usage(e),
    };
    let started = Instant::now();
    let mut c = Counts {
        files: p.files.len(),
        passed_over: p.walk_skipped,
        tables: 0,
        incomplete: 0,
        indicators: 0,
        notes: 0,
        errors: 0,
        seconds: 0.0,
    };
    let added = run(&p.files, db, &p.limits, &pool, &mut |l| {
        if let Some(e) = &l.error {
            eprintln!("jixiao: {}: [{}] {}", e.file, e.kind, e.message);
            c.errors += 1;
            return;
        }
        for t in &l.tables {
            if !t.incomplete.is_empty() {
                c.incomplete += 1;
                if !p.quiet {
                    eprintln!(
                        "{}",
                        incomplete_line(&l.file, t.source.table, &t.source.locator, &t.incomplete)
                    );
                }
            }
            c.indicators += t.indicators.len();
            c.notes += t.notes.len();
        }
        c.tables += l.tables.len();
    });
    let Some(n) = added else { return 1 };
    c.seconds = started.elapsed().as_secs_f64();
    if !p.quiet {
        eprintln!("jixiao: {}", summary(&c));
        eprintln!(
            "jixiao: {} 个文件新加入、{} 个已在库中跳过；{} 张表、{} 个指标 \
             ({} added, {} already there and skipped; {}, {}) → {}",
            n.added,
            n.skipped,
            n.tables,
            n.indicators,
            count(n.added, "file", "files"),
            n.skipped,
            count(n.tables, "table", "tables"),
            count(n.indicators, "indicator", "indicators"),
            db.display(),
        );
    }
    finish_code(p, c.errors, c.incomplete)
}

/// `convert --to sqlite -o FILE.db`: every input loaded (or skipped as
/// already there) in one transaction; `seen` gets each input as it is
/// loaded (the CLI prints the same lines as for the other outputs). `None`
/// when the database could not be opened or written (said on stderr).
fn run(
    files: &[Input],
    dest: &Path,
    limits: &Limits,
    pool: &rayon::ThreadPool,
    seen: &mut dyn FnMut(&Loaded),
) -> Option<Appended> {
    // A database this run creates is removed again if the run fails: a
    // schema-only file (and its journal) left at the name would pass for
    // a database that was loaded.
    let existed = std::fs::symlink_metadata(dest).is_ok();
    let forget = || {
        if !existed {
            remove_database(dest);
        }
    };
    let mut db = match Database::open(dest) {
        Ok(db) => db,
        Err(e) => {
            forget();
            eprintln!(
                "jixiao: 无法打开数据库 {} (cannot open the database): {e}",
                dest.display()
            );
            return None;
        }
    };
    let rules = RuleSet::default();
    let work = |input: &Input| load(input, limits, &rules);
    let mut count = Appended::default();
    let result = jixiao::run::map(files, pool, &work, &mut |_, l| {
        seen(&l);
        db.append(&l, &mut count).map_err(std::io::Error::other)
    })
    .and_then(|()| db.commit().map_err(std::io::Error::other));
    // `db` went with the commit's closure: the connection is closed here.
    if let Err(e) = result {
        forget();
        eprintln!(
            "jixiao: 无法写入数据库 {}，本次未写入任何内容 (cannot write the database; nothing was added): {e}",
            dest.display()
        );
        return None;
    }
    Some(count)
}
