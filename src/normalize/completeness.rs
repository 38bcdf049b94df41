//! Every table says what it could not fill: indicators without a target,
//! fields its layout names but that stayed empty, labels and columns the
//! lexicon did not know, cells that fit nowhere. The CLI shows the list as
//! a warning, `partial` in the report, and an error under `--strict`.

use super::lexicon::HeaderLabel;
use crate::model::{Gap, GapKind, Table};

/// What reading a table saw, beyond the table itself.
#[derive(Debug, Default)]
pub struct Facts {
    /// Header labels met, whether or not they got a value.
    pub seen: Vec<HeaderLabel>,
    /// Header-block labels the lexicon does not know (their values went to `extra`).
    pub unknown_labels: Vec<String>,
    /// Grid columns the lexicon does not know that held values.
    pub unknown_columns: Vec<String>,
    /// The table had a header block (a form, not a bare grid).
    pub form: bool,
}

pub fn check(t: &mut Table, f: &Facts) {
    let mut gaps = Vec::new();
    let seen = |l: HeaderLabel| f.seen.contains(&l);
    let missing = |field: &str, detail: &str| Gap {
        field: field.to_string(),
        problem: GapKind::Missing,
        detail: detail.to_string(),
    };
    let n = t.indicators.len();
    if n == 0 {
        gaps.push(missing("indicators", "0"));
    }
    let no_target = t.indicators.iter().filter(|i| i.target.is_none()).count();
    if no_target > 0 {
        gaps.push(missing("indicators[].target", &format!("{no_target}/{n}")));
    }
    let label_or_form = |l: HeaderLabel| {
        if seen(l) {
            "label without value"
        } else {
            "no such label in the header block"
        }
    };
    // A 部门整体 table describes a department, not a project.
    let project_form = f.form && t.kind != crate::model::TableKind::Department;
    if t.project_name.is_none() && (seen(HeaderLabel::ProjectName) || project_form) {
        gaps.push(missing(
            "project_name",
            label_or_form(HeaderLabel::ProjectName),
        ));
    }
    if t.unit_name.is_none() && seen(HeaderLabel::Unit) {
        gaps.push(missing("unit_name", "label without value"));
    }
    let money = [HeaderLabel::Total, HeaderLabel::Fiscal, HeaderLabel::Other];
    if t.budget.total.is_none() && money.iter().any(|l| seen(*l)) {
        gaps.push(missing(
            "budget.total",
            "money labels without the year's total",
        ));
    }
    if t.goals.is_empty() && seen(HeaderLabel::Goals) {
        gaps.push(missing("goals", "label without value"));
    }
    // Each unknown column is listed once where it is first met.
    for c in &f.unknown_columns {
        gaps.push(Gap {
            field: "indicators[].extra".into(),
            problem: GapKind::NotUnderstood,
            detail: c.clone(),
        });
    }
    for l in &f.unknown_labels {
        gaps.push(Gap {
            field: "extra".into(),
            problem: GapKind::NotUnderstood,
            detail: l.clone(),
        });
    }
    let unplaced = t.notes.iter().filter(|n| n.rule == "unplaced").count();
    if unplaced > 0 {
        gaps.push(Gap {
            field: "notes".into(),
            problem: GapKind::Unplaced,
            detail: unplaced.to_string(),
        });
    }
    t.incomplete = gaps;
}
