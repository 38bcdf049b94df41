//! Safety limits on everything a file can make us allocate or loop over.
//! Going past one is an error of kind `too_large` naming the limit.

use crate::error::{Error, ErrorKind};
use std::cell::RefCell;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

thread_local! {
    /// Set by [`abandonable`] for the conversion running on this thread.
    static ABANDON: RefCell<Option<Arc<AtomicBool>>> = const { RefCell::new(None) };
}

/// Runs `f` (a conversion) on this thread so that it stops at its next
/// [`checkpoint`] once `flag` is set: `serve` sets it when the client that
/// asked for the conversion hangs up, and its place is freed then instead
/// of when the file would have been read to its end.
pub fn abandonable<T>(flag: Arc<AtomicBool>, f: impl FnOnce() -> T) -> T {
    struct Reset;
    impl Drop for Reset {
        fn drop(&mut self) {
            ABANDON.with(|a| a.borrow_mut().take());
        }
    }
    ABANDON.with(|a| *a.borrow_mut() = Some(flag));
    let _reset = Reset;
    f()
}

/// Whether the conversion on this thread was abandoned ([`abandonable`]):
/// an `io` error then. The readers call it as tables open, every 4,096 XML
/// elements, PDF pages and operators, and Word 97 marks: cheap (a
/// thread-local and an atomic load), and outside `serve` always `Ok`.
pub fn checkpoint() -> Result<(), Error> {
    let gone = ABANDON.with(|a| {
        a.borrow()
            .as_ref()
            .is_some_and(|f| f.load(Ordering::Relaxed))
    });
    if gone {
        return Err(Error::new(
            ErrorKind::Io,
            "客户端已断开，转换已放弃 (the client went away: the conversion was abandoned)",
        ));
    }
    Ok(())
}

/// Bounds applied while reading one input file. The defaults are far above
/// any real 绩效目标表 export and far below what hurts a 2-core machine.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Size of the input file itself.
    pub max_file_bytes: u64,
    /// Bytes inflated from one zip entry.
    pub max_entry_bytes: u64,
    /// Bytes inflated from all zip entries read.
    pub max_total_bytes: u64,
    /// Inflated / compressed ratio of one entry (zip bombs).
    pub max_ratio: u64,
    /// Entries in a zip archive.
    pub max_entries: usize,
    /// XML element nesting depth.
    pub max_xml_depth: usize,
    /// XML elements in one part.
    pub max_xml_elements: u64,
    /// Cells in one table (rows × columns).
    pub max_cells: u64,
    /// Text held from one file's cells (one shared string can be referenced
    /// by every cell of a sheet: a 1 MB string × 36,000 cells).
    pub max_text_bytes: u64,
    /// Tables (grids, nested ones included) in one file: a Word 97 file
    /// whose paragraph marks open and close 256 nested tables each made
    /// millions of empty grids from 780 KB.
    pub max_tables: u64,
    // PDF (issue 22, added by the pdf helper):
    /// Pages read from one PDF.
    pub max_pdf_pages: u64,
    /// Content-stream operators drawn on one PDF page (forms included),
    /// and objects in one PDF.
    pub max_pdf_operators: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_file_bytes: 256 << 20,
            max_entry_bytes: 256 << 20,
            max_total_bytes: 512 << 20,
            max_ratio: 200,
            max_entries: 10_000,
            max_xml_depth: 256,
            max_xml_elements: 20_000_000,
            max_cells: 2_000_000,
            max_text_bytes: 64 << 20,
            max_tables: 50_000,
            max_pdf_pages: 10_000,
            max_pdf_operators: 5_000_000,
        }
    }
}

impl Limits {
    /// The error for going past limit `name` (as spelt on the command line).
    pub fn exceeded(name: &str, value: u64) -> Error {
        Error::new(
            ErrorKind::TooLarge,
            format!(
                "文件超出安全限制 {name}={value} (file exceeds the safety limit {name}={value}; \
                 if the file is genuine, raise it with --limit {name}=N)"
            ),
        )
    }

    /// Counts one more table of a file against `max_tables`: every reader
    /// calls it as a table (or sheet) opens, before anything is built.
    pub fn count_table(&self, tables: &mut u64) -> Result<(), Error> {
        checkpoint()?;
        *tables += 1;
        if *tables > self.max_tables {
            return Err(Self::exceeded("max_tables", self.max_tables));
        }
        Ok(())
    }

    /// The names `--limit` accepts, as spelt on the command line.
    pub const NAMES: [&'static str; 12] = [
        "max_file_bytes",
        "max_entry_bytes",
        "max_total_bytes",
        "max_ratio",
        "max_entries",
        "max_xml_depth",
        "max_xml_elements",
        "max_cells",
        "max_text_bytes",
        "max_tables",
        "max_pdf_pages",
        "max_pdf_operators",
    ];

    /// Sets one limit from `name=value`, as given to `--limit`.
    pub fn set(&mut self, spec: &str) -> Result<(), String> {
        let names = Self::NAMES.join(", ");
        let (name, value) = spec.split_once('=').ok_or_else(|| {
            format!(
                "--limit 要写成 名称=数值，例如 --limit max_file_bytes=1000000000；可用的名称：{names} \
                 (--limit wants NAME=N, got {spec:?})"
            )
        })?;
        let n: u64 = value.trim().parse().map_err(|_| {
            format!(
                "--limit {name}：“{value}” 不是整数，请写成 {name}=数值 \
                 (--limit {name}: {value:?} is not a whole number)"
            )
        })?;
        match name.trim() {
            "max_file_bytes" => self.max_file_bytes = n,
            "max_entry_bytes" => self.max_entry_bytes = n,
            "max_total_bytes" => self.max_total_bytes = n,
            "max_ratio" => self.max_ratio = n,
            "max_entries" => self.max_entries = n as usize,
            "max_xml_depth" => self.max_xml_depth = n as usize,
            "max_xml_elements" => self.max_xml_elements = n,
            "max_cells" => self.max_cells = n,
            "max_text_bytes" => self.max_text_bytes = n,
            "max_tables" => self.max_tables = n,
            "max_pdf_pages" => self.max_pdf_pages = n,
            "max_pdf_operators" => self.max_pdf_operators = n,
            other => {
                return Err(format!(
                    "--limit：没有名为 “{other}” 的限制；可用的名称：{names} \
                     (--limit: no limit named {other:?}; the names are those listed)"
                ))
            }
        }
        Ok(())
    }
}
