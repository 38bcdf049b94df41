//! Layout fixtures: each `tests/layouts/NAME.grid` (grid notation, see
//! src/grid/notation.rs — what `jixiao inspect` prints) goes through the same
//! path as any file (`convert_blocks`: normaliser, then the JSON writer) and
//! is compared in full with `tests/layouts/NAME.json`, written by hand to what
//! SCHEMA.md says must come out.
//!
//! `tests/layouts/PENDING` lists fixtures known to fail today, one line each:
//! `NAME  what is wrong`. They run too and print their diff; one that now
//! passes fails the test, so the list cannot rot: delete its line.
//!
//! Measuring: `JIXIAO_LAYOUTS_OUT=DIR cargo test layouts::` also writes
//! each fixture's actual JSON to `DIR/NAME.json`, for
//! `scripts/layout-score.py` (fields right / fields SCHEMA determines).
//!
//! Blessing: `JIXIAO_BLESS=1 cargo test layouts::` writes the JSON of
//! every fixture not in PENDING (and of any fixture without one), so a
//! hand-corrected expectation on the worklist is never overwritten;
//! `JIXIAO_BLESS=all` writes every one; `JIXIAO_BLESS=keys` only adds to each
//! expected table the keys it lacks (a new schema field), keeping the rest.
//! Review the diff by hand either way.

use jixiao::convert::convert_blocks;
use jixiao::grid::notation;
use jixiao::model::FileError;
use jixiao::write::{Options, Output};
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

const DIR: &str = "tests/layouts";

/// Table keys not part of the expectations (none: `incomplete`, the
/// completeness verdict, is compared like every other field).
const UNCHECKED: &[&str] = &[];

/// What jixiao makes of one fixture, as the JSON writer writes it.
fn convert(path: &Path) -> Result<Value, String> {
    let text = std::fs::read_to_string(path).map_err(|e| e.to_string())?;
    let blocks = notation::parse(&text).map_err(|e| format!("{}: {e}", path.display()))?;
    let file = path.to_string_lossy().replace('\\', "/");
    let mut out = Output::begin(Vec::new(), Options::json()).map_err(|e| e.to_string())?;
    let mut errors = Vec::new();
    match convert_blocks(&blocks, &file, "grid") {
        Ok(n) => {
            for t in &n.tables {
                out.table(t).map_err(|e| e.to_string())?;
            }
        }
        Err(e) => errors.push(FileError {
            file: file.clone(),
            kind: e.kind,
            message: e.to_string(),
        }),
    }
    let bytes = out.finish(&errors).map_err(|e| e.to_string())?;
    serde_json::from_slice(&bytes).map_err(|e| e.to_string())
}

fn strip(mut v: Value) -> Value {
    if let Some(tables) = v.get_mut("tables").and_then(Value::as_array_mut) {
        for t in tables {
            if let Some(o) = t.as_object_mut() {
                for k in UNCHECKED {
                    o.shift_remove(*k);
                }
            }
        }
    }
    v
}

fn pretty(v: &Value) -> String {
    serde_json::to_string_pretty(v).unwrap_or_default() + "\n"
}

/// `NAME  reason` per line; `#` comments and blank lines ignored.
fn pending() -> BTreeMap<String, String> {
    let text = std::fs::read_to_string(Path::new(DIR).join("PENDING")).unwrap_or_default();
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(|l| match l.split_once(char::is_whitespace) {
            Some((n, why)) => (n.to_string(), why.trim().to_string()),
            None => (l.to_string(), String::new()),
        })
        .collect()
}

/// A line diff (longest common subsequence) with two lines of context.
fn diff(want: &str, got: &str) -> String {
    let a: Vec<&str> = want.lines().collect();
    let b: Vec<&str> = got.lines().collect();
    let (n, m) = (a.len(), b.len());
    let mut lcs = vec![vec![0u32; m + 1]; n + 1];
    for i in (0..n).rev() {
        for j in (0..m).rev() {
            lcs[i][j] = if a[i] == b[j] {
                lcs[i + 1][j + 1] + 1
            } else {
                lcs[i + 1][j].max(lcs[i][j + 1])
            };
        }
    }
    let mut ops = Vec::new();
    let (mut i, mut j) = (0, 0);
    while i < n || j < m {
        if i < n && j < m && a[i] == b[j] {
            ops.push((' ', a[i]));
            i += 1;
            j += 1;
        } else if i < n && (j == m || lcs[i + 1][j] >= lcs[i][j + 1]) {
            ops.push(('-', a[i]));
            i += 1;
        } else {
            ops.push(('+', b[j]));
            j += 1;
        }
    }
    let near = |k: usize| {
        ops[k.saturating_sub(2)..(k + 3).min(ops.len())]
            .iter()
            .any(|o| o.0 != ' ')
    };
    let mut out = String::from("  (- expected, + jixiao today)\n");
    let mut gap = false;
    for (k, (op, line)) in ops.iter().enumerate() {
        if near(k) {
            out.push_str(&format!("  {op}{line}\n"));
            gap = false;
        } else if !gap {
            out.push_str("  …\n");
            gap = true;
        }
    }
    out
}

fn fixtures() -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(DIR)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "grid"))
        .collect();
    v.sort();
    v
}

#[test]
fn every_layout_fixture_gives_its_expected_json() {
    let bless = std::env::var("JIXIAO_BLESS").ok();
    // Opt-in dump for scripts/layout-score.py: each fixture's actual JSON,
    // as the writer gives it (nothing stripped), to DIR/NAME.json.
    let dump = std::env::var("JIXIAO_LAYOUTS_OUT").ok();
    if let Some(out) = &dump {
        std::fs::create_dir_all(out).unwrap();
    }
    let pending = pending();
    let all = fixtures();
    let names: Vec<String> = all
        .iter()
        .map(|p| p.file_stem().unwrap().to_string_lossy().into_owned())
        .collect();
    let mut failed = Vec::new();
    for stale in pending.keys().filter(|n| !names.contains(n)) {
        failed.push(format!(
            "PENDING names {stale}, but there is no {DIR}/{stale}.grid"
        ));
    }
    let (mut still_pending, mut passing) = (0, 0);
    for (path, name) in all.iter().zip(&names) {
        let expected = path.with_extension("json");
        let got = match convert(path) {
            Ok(v) => v,
            Err(e) => {
                failed.push(format!("{name}: {e}"));
                continue;
            }
        };
        if let Some(out) = &dump {
            std::fs::write(Path::new(out).join(format!("{name}.json")), pretty(&got)).unwrap();
        }
        let want_text = std::fs::read_to_string(&expected).ok();
        match bless.as_deref() {
            Some("keys") => {
                if let Some(mut want) = want_text
                    .as_deref()
                    .and_then(|t| serde_json::from_str::<Value>(t).ok())
                {
                    add_missing_keys(&mut want, &got);
                    std::fs::write(&expected, pretty(&want)).unwrap();
                }
                continue;
            }
            Some(mode) if mode == "all" || !pending.contains_key(name) || want_text.is_none() => {
                std::fs::write(&expected, pretty(&strip(got))).unwrap();
                continue;
            }
            _ => {}
        }
        let Some(want_text) = want_text else {
            failed.push(format!(
                "{name}: {} is missing: run JIXIAO_BLESS=1 cargo test layouts::, then correct it by hand",
                expected.display()
            ));
            continue;
        };
        let want = match serde_json::from_str::<Value>(&want_text) {
            Ok(v) => pretty(&strip(v)),
            Err(e) => {
                failed.push(format!("{name}: {} is not JSON: {e}", expected.display()));
                continue;
            }
        };
        let got = pretty(&strip(got));
        match (pending.get(name), got == want) {
            (None, true) => passing += 1,
            (None, false) => failed.push(format!(
                "{name}: differs from {}\n{}",
                expected.display(),
                diff(&want, &got)
            )),
            (Some(_), true) => failed.push(format!(
                "{name} passes now: delete its line from {DIR}/PENDING"
            )),
            (Some(why), false) => {
                still_pending += 1;
                println!("pending {name}: {why}\n{}", diff(&want, &got));
            }
        }
    }
    println!(
        "{} fixtures: {passing} passing, {still_pending} pending",
        all.len()
    );
    assert!(failed.is_empty(), "{}", failed.join("\n"));
}

/// Each table of `want` gets the keys of the same table of `got` it lacks.
fn add_missing_keys(want: &mut Value, got: &Value) {
    let (Some(w), Some(g)) = (
        want.get_mut("tables").and_then(Value::as_array_mut),
        got.get("tables").and_then(Value::as_array),
    ) else {
        return;
    };
    for (wt, gt) in w.iter_mut().zip(g) {
        if let (Some(wo), Some(go)) = (wt.as_object_mut(), gt.as_object()) {
            for (k, v) in go {
                if !wo.contains_key(k) {
                    wo.insert(k.clone(), v.clone());
                }
            }
        }
    }
}

/// Every fixture says in a `#` line what it shows and why its expectation
/// reads as it does; the set covers LAYOUTS.md.
#[test]
fn fixtures_explain_themselves() {
    let all = fixtures();
    assert!(all.len() >= 35, "only {} layout fixtures", all.len());
    for p in &all {
        let text = std::fs::read_to_string(p).unwrap();
        assert!(
            text.lines().next().is_some_and(|l| l.starts_with('#')),
            "{} should open with a # comment saying what layout it shows",
            p.display()
        );
    }
}

#[test]
fn the_diff_shows_what_changed() {
    let d = diff("a\nb\nc\n", "a\nx\nc\n");
    assert!(d.contains("  -b\n") && d.contains("  +x\n"), "{d}");
}
