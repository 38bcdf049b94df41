//! The notes the normaliser writes, in one place: a cell that fits nowhere,
//! a number whose written form changed, a column header not understood.

use crate::grid::Grid;
use crate::model::Note;

/// A cell that could not be placed, named by its place: `row 3 col 2`.
pub fn unplaced_note(g: &Grid, r: u32, c: u32, text: String) -> Note {
    Note {
        field: format!("{} col {}", g.row_locator(r), c + 1),
        raw: text,
        normalized: None,
        rule: "unplaced".into(),
    }
}

/// The note for a number whose written form was changed (`1,286.50`,
/// full-width digits): the raw text is kept there.
pub fn number_note(field: &str, raw: &str, d: rust_decimal::Decimal) -> Option<Note> {
    let normalized = d.to_string();
    (raw != normalized).then(|| Note {
        field: field.to_string(),
        raw: raw.to_string(),
        normalized: Some(normalized),
        rule: "number: written form normalised".into(),
    })
}

/// A header-block label the lexicon does not know: its value is in `extra`.
pub fn unknown_label(label: &str) -> Note {
    Note {
        field: format!("extra.{label}"),
        raw: label.to_string(),
        normalized: None,
        rule: "unknown label".into(),
    }
}

/// A grid column the lexicon does not know: its values are in each
/// indicator's `extra`.
pub fn unknown_column(header: &str) -> Note {
    Note {
        field: "indicators[].extra".into(),
        raw: header.to_string(),
        normalized: None,
        rule: "unknown column".into(),
    }
}

/// A column header the lexicon does not know, over no values at all.
pub fn unknown_empty_column(header: &str) -> Note {
    Note {
        field: "indicators[].extra".into(),
        raw: header.to_string(),
        normalized: None,
        rule: UNKNOWN_EMPTY_COLUMN.into(),
    }
}

pub const UNKNOWN_EMPTY_COLUMN: &str = "unknown column, no values";
