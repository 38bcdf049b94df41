//! Scaling tests that fail without timing: each pathological family of
//! issue 10 at n and at 8n, under a hang guard of minutes (a guard, not a
//! timing assertion: the quadratic paths these replace took hours at 8n).
//! Time and peak RSS from n to 8n are measured by scripts/bench/scaling.sh.

use crate::hostile::{gen, guard};

use guard::guarded;
use jixiao::convert::convert_guarded;
use jixiao::error::ErrorKind;
use jixiao::limits::Limits;

fn family(name: &str) -> &'static gen::Family {
    gen::FAMILIES.iter().find(|f| f.name == name).unwrap()
}

/// Converts family `name` at `n` and `8n`: both must answer (records, or a
/// bounded error kind), never hang, never panic.
fn scales(name: &'static str, n: usize) {
    for size in [n, 8 * n] {
        let bytes = (family(name).make)(size);
        let len = bytes.len();
        let r = guarded(&format!("{name} n={size}"), move || {
            convert_guarded(&bytes, "f", &Limits::default())
        });
        match r {
            Ok(_) => {}
            Err(e) => assert!(
                matches!(e.kind, ErrorKind::NoTables | ErrorKind::TooLarge),
                "{name} n={size} ({len} bytes): {e}"
            ),
        }
    }
}

#[test]
fn wide_rows_in_docx_scale() {
    scales("wide-row-docx", 2_000);
}

#[test]
fn wide_rows_in_ods_scale() {
    scales("wide-row-ods", 2_000);
}

#[test]
fn corner_merges_in_xlsx_scale() {
    scales("corner-merges-xlsx", 4_000);
}

#[test]
fn corner_merges_in_spreadsheetml_scale() {
    scales("corner-merges-xml2003", 4_000);
}

#[test]
fn blank_after_every_cell_scales() {
    scales("blank-per-cell-txt", 10_000);
}

#[test]
fn many_scripts_scale() {
    scales("scripts-html", 10_000);
}

#[test]
fn huge_spans_scale() {
    scales("spans-html", 50);
}

#[test]
fn short_lines_scale() {
    scales("short-lines-txt", 100_000);
}

#[test]
fn wide_over_narrow_rows_scale() {
    scales("wide-over-narrow-txt", 10_000);
}

#[test]
fn far_apart_cells_on_many_sheets_scale() {
    scales("far-cells-xlsx", 2_000);
}

#[test]
fn grid_before_on_many_rows_scales() {
    scales("grid-before-docx", 100);
}

#[test]
fn far_apart_cells_in_xls_scale() {
    scales("far-cells-xls", 1_000);
}

// Issue 21: the Word 97 families (default limits: refused, at a bounded
// cost, at both sizes).

#[test]
fn doc_paragraph_marks_scale() {
    scales("marks-doc", 100);
}

#[test]
fn doc_cell_marks_scale() {
    scales("cell-marks-doc", 100);
}

#[test]
fn doc_nested_tables_scale() {
    scales("nested-doc", 1_000);
}
