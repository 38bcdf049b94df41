//! `jixiao check`: every rule has a fixture under tests/data/check/ named
//! by its id that triggers it (and the clean base tables trigger nothing);
//! the command's options, exit codes and outputs; `convert --check`; and a
//! run over samples/ and the corpus that ends without a panic.

use jixiao::check::{RuleSet, RULES};
use jixiao::convert::convert_bytes;
use jixiao::limits::Limits;
use std::path::{Path, PathBuf};
use std::process::Output;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn fixture(name: &str) -> PathBuf {
    root().join("tests/data/check").join(format!("{name}.txt"))
}

fn findings_of(name: &str) -> Vec<jixiao::check::Finding> {
    let bytes = std::fs::read(fixture(name)).unwrap();
    let n = convert_bytes(&bytes, name, &Limits::default()).unwrap();
    RuleSet::default().check_file(&n.tables)
}

fn jixiao(args: &[&str]) -> Output {
    crate::util::run::jixiao(&root(), args)
}

/// The rules as this test knows them: a rule added without a fixture, or
/// a fixture whose rule was removed, fails here.
const EXPECTED: &[&str] = &[
    "project-name-missing",
    "unit-missing",
    "goals-missing",
    "target-missing",
    "budget-sum",
    "budget-zero",
    "level1-missing",
    "level2-wrong-parent",
    "level3-duplicate",
    "level3-equals-level2",
    "placeholder-left",
    "percent-over-100",
    "unit-mismatch",
    "deadline-after-end",
    "period-end-before-start",
    "cost-over-budget",
    "project-attribute",
    "money-unit-mixed",
    "kind-column-disagrees",
    "unplaced-cell",
    "unknown-level-label",
    "score-over-weight",
    "score-total",
    "execution-rate-score",
    "deviation-reason-missing",
];

#[test]
fn every_rule_has_a_fixture_that_triggers_it() {
    let ids: Vec<&str> = RULES.iter().map(|r| r.id).collect();
    assert_eq!(ids, EXPECTED);
    for id in EXPECTED {
        let found = findings_of(id);
        assert!(
            found.iter().any(|f| f.rule == *id),
            "{id}: fixture does not trigger it; found {:?}",
            found.iter().map(|f| f.rule).collect::<Vec<_>>()
        );
        // Findings always say where and what, in both languages.
        for f in &found {
            assert!(!f.locator.is_empty() && !f.field.is_empty(), "{f:?}");
            assert!(
                !f.message_zh.is_empty() && !f.message_en.is_empty(),
                "{f:?}"
            );
        }
    }
}

#[test]
fn the_clean_base_tables_trigger_nothing() {
    for base in ["base", "self-evaluation-base"] {
        assert_eq!(findings_of(base), Vec::new(), "{base}");
    }
}

#[test]
fn a_disabled_rule_is_silent_and_severity_can_change() {
    let bytes = std::fs::read(fixture("budget-sum")).unwrap();
    let n = convert_bytes(&bytes, "x", &Limits::default()).unwrap();
    let off = RuleSet::adjusted(&["budget-sum".into()], &[]).unwrap();
    assert!(off.check_file(&n.tables).is_empty());
    let soft = RuleSet::adjusted(&[], &["budget-sum=info".into()]).unwrap();
    let f = soft.check_file(&n.tables);
    assert_eq!(f.len(), 1);
    assert_eq!(f[0].severity, jixiao::check::Severity::Info);
    assert_eq!(f[0].values, ["10.00", "6.00", "2.00"]);
}

#[test]
fn exit_codes_say_whether_errors_were_found() {
    let clean = fixture("base");
    let clean = clean.to_str().unwrap();
    assert_eq!(jixiao(&["check", clean]).status.code(), Some(0));
    let bad = fixture("budget-sum");
    let bad = bad.to_str().unwrap();
    assert_eq!(jixiao(&["check", bad]).status.code(), Some(1));
    // Lowered to a warning, the same file passes.
    let o = jixiao(&["check", bad, "--severity", "budget-sum=warning"]);
    assert_eq!(o.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&o.stdout).contains("警告 warning budget-sum"));
    assert_eq!(
        jixiao(&["check", bad, "--disable", "budget-sum"])
            .status
            .code(),
        Some(0)
    );
    for args in [
        vec!["check", bad, "--disable", "no-such-rule"],
        vec!["check", bad, "--severity", "budget-sum=fatal"],
        vec!["check", bad, "--to", "xlsx"],
        vec!["check"],
    ] {
        let o = jixiao(&args);
        assert_eq!(o.status.code(), Some(2), "{args:?}");
        assert!(String::from_utf8_lossy(&o.stderr).contains("jixiao:"));
    }
}

#[test]
fn rules_lists_every_rule() {
    let o = jixiao(&["check", "--rules"]);
    assert_eq!(o.status.code(), Some(0));
    let text = String::from_utf8_lossy(&o.stdout);
    for r in RULES {
        assert!(text.contains(r.id) && text.contains(r.zh), "{}", r.id);
    }
}

#[test]
fn text_report_groups_by_file_and_table_with_counts() {
    let a = fixture("budget-sum");
    let b = fixture("money-unit-mixed");
    let o = jixiao(&["check", a.to_str().unwrap(), b.to_str().unwrap()]);
    let text = String::from_utf8_lossy(&o.stdout);
    let lines: Vec<&str> = text.lines().collect();
    assert!(lines[0].ends_with("budget-sum.txt"), "{text}");
    assert!(
        lines[1].starts_with("  表 1 [lines 2-58] 2024年示例项目"),
        "{text}"
    );
    assert!(
        lines[2].starts_with("    错误 error   budget-sum"),
        "{text}"
    );
    assert!(text.contains("money-unit-mixed.txt\n  表 2 "), "{text}");
    assert!(
        lines
            .last()
            .unwrap()
            .starts_with("检查 2 个文件、3 张表：1 个错误，1 个警告"),
        "{text}"
    );
}

#[test]
fn json_jsonl_and_csv_carry_the_same_findings() {
    let f = fixture("level3-duplicate");
    let f = f.to_str().unwrap();
    let json: serde_json::Value =
        serde_json::from_slice(&jixiao(&["check", f, "--to", "json", "-q"]).stdout).unwrap();
    assert_eq!(json["schema"], "jixiao-check/1");
    let list = json["findings"].as_array().unwrap();
    assert_eq!(list.len(), 1);
    let one = &list[0];
    assert_eq!(one["rule"], "level3-duplicate");
    assert_eq!(one["severity"], "warning");
    assert_eq!(one["table"], 1);
    assert_eq!(one["locator"], "line 64");
    assert_eq!(one["field"], "indicators[6].level3");
    assert_eq!(one["values"], serde_json::json!(["用户满意度"]));
    assert_eq!(json["summary"]["warning"], 1);

    let jsonl = jixiao(&["check", f, "--to", "jsonl", "-q"]).stdout;
    let line: serde_json::Value =
        serde_json::from_slice(jsonl.split(|b| *b == b'\n').next().unwrap()).unwrap();
    assert_eq!(&line, one);

    let csv = String::from_utf8(jixiao(&["check", f, "--to", "csv", "-q"]).stdout).unwrap();
    let mut lines = csv.trim_start_matches('\u{feff}').lines();
    assert_eq!(
        lines.next(),
        Some("rule,severity,file,table,locator,field,message_zh,message_en,values")
    );
    assert!(lines
        .next()
        .unwrap()
        .starts_with("level3-duplicate,warning,"));
}

#[test]
fn xlsx_report_highlights_cells_and_links_to_them() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("问题.xlsx");
    let f = fixture("percent-over-100");
    let o = jixiao(&[
        "check",
        f.to_str().unwrap(),
        "--to",
        "xlsx",
        "-o",
        out.to_str().unwrap(),
    ]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let mut zip = zip::ZipArchive::new(std::fs::File::open(&out).unwrap()).unwrap();
    let mut read = |name: &str| {
        let mut s = String::new();
        std::io::Read::read_to_string(&mut zip.by_name(name).unwrap(), &mut s).unwrap();
        s
    };
    let book = read("xl/workbook.xml");
    assert!(book.contains("name=\"指标\"") && book.contains("name=\"问题\""));
    // The finding (indicator 2, 指标值) is row 3, column U; the link points there.
    let issues = read("xl/worksheets/sheet2.xml");
    assert!(issues.contains("location=\"'指标'!U3\""), "{issues}");
    let sheet = read("xl/worksheets/sheet1.xml");
    assert!(sheet.contains("<c r=\"U3\" s=\""), "{sheet}");
}

#[test]
fn convert_check_adds_findings_to_json_and_jsonl() {
    let f = fixture("percent-over-100");
    let f = f.to_str().unwrap();
    let json: serde_json::Value =
        serde_json::from_slice(&jixiao(&["convert", f, "--check", "-q"]).stdout).unwrap();
    let found = json["tables"][0]["findings"].as_array().unwrap();
    assert_eq!(found.len(), 1);
    assert_eq!(found[0]["rule"], "percent-over-100");
    // Without --check the records are unchanged.
    let plain: serde_json::Value =
        serde_json::from_slice(&jixiao(&["convert", f, "-q"]).stdout).unwrap();
    assert!(plain["tables"][0].get("findings").is_none());

    let jsonl = jixiao(&["convert", f, "--check", "--to", "jsonl", "-q"]).stdout;
    let rows: Vec<serde_json::Value> = String::from_utf8(jsonl)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(rows.len(), 6);
    for (i, r) in rows.iter().enumerate() {
        let n = r["findings"].as_array().unwrap().len();
        assert_eq!(n, usize::from(i == 1), "row {i}");
    }
}

/// Every sample and every corpus file, in one run each: findings or
/// errors, never a panic (a panic would end the process with 101).
#[test]
fn check_over_samples_and_corpus_ends_without_a_panic() {
    let o = jixiao(&["check", "samples", "--to", "json", "-q"]);
    assert_eq!(
        o.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let json: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(json["errors"], serde_json::json!([]));
    assert!(json["summary"]["tables"].as_u64().unwrap() > 20);

    let corpus = Path::new("../shared/corpus");
    if !root().join(corpus).exists() {
        eprintln!("skipped the corpus: ../shared/corpus is not beside the checkout");
        return;
    }
    let o = jixiao(&["check", "../shared/corpus", "--to", "jsonl", "-q"]);
    assert!(
        matches!(o.status.code(), Some(0) | Some(1)),
        "{:?} {}",
        o.status,
        String::from_utf8_lossy(&o.stderr)
    );
    for line in String::from_utf8(o.stdout).unwrap().lines() {
        let f: serde_json::Value = serde_json::from_str(line).unwrap();
        assert!(f["rule"].is_string() && f["message_zh"].is_string());
    }
}

#[test]
fn docs_list_every_rule() {
    let doc = std::fs::read_to_string(root().join("docs/check.md")).unwrap();
    for r in RULES {
        assert!(
            doc.contains(&format!("| `{}` | {} |", r.id, r.severity.as_str())),
            "{}",
            r.id
        );
    }
}
