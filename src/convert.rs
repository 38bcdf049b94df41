//! One file through the whole path: bytes → grid → tables.

use crate::error::{Error, ErrorKind, Result};
use crate::grid::Block;
use crate::limits::Limits;
use crate::normalize::{normalize, Normalized};
use crate::read;

/// Reads and normalises one file's bytes. `file` is the name records carry.
/// A file without any 绩效目标表 is a `no_tables` error.
pub fn convert_bytes(bytes: &[u8], file: &str, limits: &Limits) -> Result<Normalized> {
    let doc = read::read(bytes, limits)?;
    let mut n = convert_blocks(&doc.blocks, file, doc.format.as_str())?;
    // A text file read with a few bad bytes replaced says so on each table
    // (issue 21; the decoding is done again only for text formats).
    if matches!(
        doc.format,
        read::Format::Txt | read::Format::Html | read::Format::SpreadsheetMl
    ) {
        if let Some(note) = read::text::replacement_note(bytes) {
            for t in &mut n.tables {
                t.notes.push(note.clone());
            }
        }
    }
    Ok(n)
}

/// Normalises blocks a reader (or a grid-notation fixture) produced; `format`
/// is what records carry as `source.format`.
pub fn convert_blocks(blocks: &[Block], file: &str, format: &str) -> Result<Normalized> {
    let n = normalize(blocks, file, format);
    if n.tables.is_empty() {
        let grids = blocks
            .iter()
            .filter(|b| matches!(b, Block::Table(_)))
            .count();
        return Err(Error::new(
            ErrorKind::NoTables,
            format!(
                "未找到绩效目标表（共 {grids} 个表格）：请确认文件含有“一级指标/二级指标/三级指标/指标值”表头 \
                 (no 绩效目标表 found among {grids} tables: the indicator grid needs headers such as 一级指标 and 指标值; \
                 run `jixiao inspect` to see what was read)"
            ),
        ));
    }
    Ok(n)
}

/// [`convert_bytes`] with any panic turned into an error, so one bad file
/// never stops a batch.
pub fn convert_guarded(bytes: &[u8], file: &str, limits: &Limits) -> Result<Normalized> {
    guarded(|| convert_bytes(bytes, file, limits))
}

/// Runs `f`, turning a panic into a `corrupt` error naming it: `convert`
/// and `inspect` both read files through this.
pub fn guarded<T>(f: impl FnOnce() -> Result<T>) -> Result<T> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)).unwrap_or_else(|p| {
        let what = p
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| p.downcast_ref::<String>().cloned())
            .unwrap_or_default();
        Err(Error::corrupt(format!(
            "internal error while reading ({what}); please report this file"
        )))
    })
}
