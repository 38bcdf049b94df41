//! The per-file outcome of a run and its verdict, computed once: the
//! `--report` record, the page's status (`serve`) and the summary line's
//! counts all read it from here.

use crate::error::Error;
use crate::model::{Gap, Table};

/// A file's verdict: read in full, read with gaps, or not read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    Ok,
    /// A table not read in full (`incomplete` is not empty).
    Partial,
    Error,
}

impl Status {
    /// The verdict on a file's tables: partial when one has gaps.
    pub fn of_tables(tables: &[Table]) -> Status {
        if tables.iter().any(|t| !t.incomplete.is_empty()) {
            Status::Partial
        } else {
            Status::Ok
        }
    }

    /// The name the report and the page use.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Ok => "ok",
            Status::Partial => "partial",
            Status::Error => "error",
        }
    }
}

/// The text of a table's gaps, Chinese first, joined with `；`.
pub fn gaps_text(gaps: &[Gap]) -> String {
    gaps.iter()
        .map(|g| g.describe())
        .collect::<Vec<_>>()
        .join("；")
}

/// What became of one file.
#[derive(Debug)]
pub struct Outcome {
    pub tables: usize,
    pub indicators: usize,
    pub notes: usize,
    /// Each note as readable text, with its table's number (`--report`).
    pub note_texts: Vec<(u32, String)>,
    /// Its tables rendered, for the combined output.
    pub rendered: Vec<Vec<u8>>,
    /// Its tables themselves, for a combined .xlsx built at the end.
    pub kept: Vec<Table>,
    /// Why grids were skipped (`--verbose`).
    pub skipped: Vec<String>,
    /// Tables that could not be filled in full: (table number, locator, gaps).
    pub incomplete: Vec<(u32, String, Vec<Gap>)>,
    pub error: Option<Error>,
}

impl Outcome {
    /// An outcome with nothing in it yet.
    pub(crate) fn empty() -> Outcome {
        Outcome {
            tables: 0,
            indicators: 0,
            notes: 0,
            note_texts: Vec::new(),
            rendered: Vec::new(),
            kept: Vec::new(),
            skipped: Vec::new(),
            incomplete: Vec::new(),
            error: None,
        }
    }

    /// The file's verdict.
    pub fn status(&self) -> Status {
        if self.error.is_some() {
            Status::Error
        } else if !self.incomplete.is_empty() {
            Status::Partial
        } else {
            Status::Ok
        }
    }

    /// The file's `--report` record (`file` is the input's label).
    pub fn report(&self, file: &str) -> serde_json::Value {
        serde_json::json!({
            "file": file,
            "status": self.status().as_str(),
            "incomplete": self.incomplete.iter().map(|(table, locator, gaps)| serde_json::json!({
                "table": table,
                "locator": locator,
                "gaps": gaps,
                "message": gaps_text(gaps),
            })).collect::<Vec<_>>(),
            "tables": self.tables,
            "indicators": self.indicators,
            "warnings": self.notes,
            "notes": self.note_texts.iter().map(|(table, text)| serde_json::json!({"table": table, "note": text})).collect::<Vec<_>>(),
            "skipped": self.skipped,
            "error_kind": self.error.as_ref().map(|e| e.kind.as_str()),
            "message": self.error.as_ref().map(|e| e.message.clone()),
        })
    }
}
