//! Text dumps of Word files (the format of `samples/seed.txt`): a table cell
//! is a line starting with a tab, a cell's further paragraphs are lines
//! without the tab, and a blank line ends a row — or is an empty paragraph
//! inside a cell. The row width of the table tells which (see
//! [`blank_is_paragraph`]). Lines outside tables are paragraphs.
//!
//! Decoding is detected, never assumed: UTF-8 (with or without BOM), UTF-16
//! with BOM, else GB18030/GBK and friends through chardetng.

use crate::error::{Error, ErrorKind, Result};
use crate::grid::{Block, Grid, Slot, Span};
use std::borrow::Cow;

/// Decodes a text dump to a string, detecting its encoding.
pub fn decode(bytes: &[u8]) -> Result<Cow<'_, str>> {
    if let Some((enc, bom_len)) = encoding_rs::Encoding::for_bom(bytes) {
        let (text, had_errors) = enc.decode_without_bom_handling(&bytes[bom_len..]);
        if had_errors {
            return Err(unknown_encoding());
        }
        return Ok(text);
    }
    if let Ok(s) = std::str::from_utf8(bytes) {
        return Ok(Cow::Borrowed(s));
    }
    let mut detector = chardetng::EncodingDetector::new(chardetng::Iso2022JpDetection::Deny);
    detector.feed(bytes, true);
    // Without the TLD hint short GBK strings such as 合计 are guessed as Korean.
    let enc = detector.guess(Some(b"cn"), chardetng::Utf8Detection::Allow);
    let (text, _, had_errors) = enc.decode(bytes);
    if had_errors {
        return Err(unknown_encoding());
    }
    Ok(Cow::Owned(text.into_owned()))
}

fn unknown_encoding() -> Error {
    Error::new(
        ErrorKind::Unreadable,
        "无法识别文本编码，请另存为 UTF-8 文本 (text in an unknown encoding: save it as UTF-8)",
    )
}

/// True when the bytes look like text rather than a binary file: no NUL
/// bytes (outside UTF-16) and few control characters.
pub fn looks_like_text(bytes: &[u8]) -> bool {
    if encoding_rs::Encoding::for_bom(bytes).is_some() {
        return true;
    }
    let head = &bytes[..bytes.len().min(8192)];
    let controls = head
        .iter()
        .filter(|&&b| b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r' | 0x0c))
        .count();
    !head.is_empty() && controls * 100 <= head.len()
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Line<'a> {
    Cell(&'a str),
    Text(&'a str),
    Blank,
}

fn classify(line: &str) -> Line<'_> {
    if let Some(rest) = line.strip_prefix('\t') {
        Line::Cell(rest)
    } else if line.trim().is_empty() {
        Line::Blank
    } else {
        Line::Text(line)
    }
}

/// Removes `[bookmark: _Toc…]` markers that text extractors leave behind.
pub fn strip_bookmarks(s: &str) -> Cow<'_, str> {
    if !s.contains("[bookmark:") {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find("[bookmark:") {
        out.push_str(&rest[..i]);
        match rest[i..].find(']') {
            Some(j) => rest = &rest[i + j + 1..],
            None => {
                rest = "";
            }
        }
    }
    out.push_str(rest);
    Cow::Owned(out)
}

struct Cell {
    paragraphs: Vec<String>,
    line: usize,
}

/// Reads a decoded text dump into blocks.
pub fn read(text: &str, max_cells: u64) -> Result<Vec<Block>> {
    let lines: Vec<Line> = text.lines().map(classify).collect();
    let mut blocks = Vec::new();
    let mut table: Vec<Vec<Cell>> = Vec::new();
    let mut row: Vec<Cell> = Vec::new();
    // Blank lines seen since the last row ended: two or more between rows
    // separate tables, as between the seed's header block and its grid.
    let mut gap = 0usize;
    let mut cells = 0u64;

    for (i, line) in lines.iter().enumerate() {
        match *line {
            Line::Cell(t) => {
                if row.is_empty() && gap >= 2 && !table.is_empty() {
                    blocks.push(Block::Table(to_grid(std::mem::take(&mut table))));
                }
                gap = 0;
                cells += 1;
                if cells > max_cells {
                    return Err(crate::limits::Limits::exceeded("max_cells", max_cells));
                }
                row.push(Cell {
                    paragraphs: vec![strip_bookmarks(t).into_owned()],
                    line: i + 1,
                });
            }
            Line::Text(t) => {
                if let Some(cell) = row.last_mut() {
                    cell.paragraphs.push(strip_bookmarks(t).into_owned());
                } else {
                    if !table.is_empty() {
                        blocks.push(Block::Table(to_grid(std::mem::take(&mut table))));
                    }
                    gap = 0;
                    blocks.push(Block::Paragraph(strip_bookmarks(t).into_owned()));
                }
            }
            Line::Blank => {
                if row.is_empty() {
                    gap += 1;
                    continue;
                }
                let width = table.last().map_or(0, Vec::len);
                if blank_is_paragraph(&lines[i + 1..], row.len(), width) {
                    if let Some(cell) = row.last_mut() {
                        cell.paragraphs.push(String::new());
                    }
                } else {
                    table.push(std::mem::take(&mut row));
                    gap = 1;
                }
            }
        }
    }
    if !row.is_empty() {
        table.push(row);
    }
    if !table.is_empty() {
        blocks.push(Block::Table(to_grid(table)));
    }
    Ok(blocks)
}

/// Whether a blank line after `done` cells of a row is an empty paragraph
/// inside the last cell rather than the end of the row: only when the cells
/// that follow, up to later blank lines, complete the row to exactly the
/// previous row's `width`. A lone blank after a full row, or cells that
/// would not add up, end the row.
fn blank_is_paragraph(after: &[Line], done: usize, width: usize) -> bool {
    if width == 0 || done >= width {
        return false;
    }
    let mut sum = done;
    let mut rest = after;
    loop {
        if matches!(rest.first(), None | Some(Line::Blank)) {
            return false;
        }
        let run_end = rest
            .iter()
            .position(|l| *l == Line::Blank)
            .unwrap_or(rest.len());
        sum += rest[..run_end]
            .iter()
            .filter(|l| matches!(l, Line::Cell(_)))
            .count();
        if sum == width {
            return true;
        }
        if sum > width || run_end >= rest.len() {
            return false;
        }
        rest = &rest[run_end + 1..];
    }
}

fn to_grid(rows: Vec<Vec<Cell>>) -> Grid {
    let first = rows.first().and_then(|r| r.first()).map_or(0, |c| c.line);
    let last = rows
        .last()
        .and_then(|r| r.last())
        .map_or(first, |c| c.line + c.paragraphs.len() - 1);
    let locators = rows
        .iter()
        .map(|r| format!("line {}", r.first().map_or(0, |c| c.line)))
        .collect();
    let slots = rows
        .into_iter()
        .map(|r| {
            r.into_iter()
                .map(|c| {
                    let mut text = c.paragraphs.join("\n");
                    text.truncate(text.trim_end_matches('\n').len());
                    Slot::Anchor {
                        text,
                        span: Span::ONE,
                    }
                })
                .collect()
        })
        .collect();
    let mut grid = Grid::from_rows(slots, format!("lines {first}-{last}"));
    grid.row_locators = Some(locators);
    grid
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(g: &Grid) -> Vec<Vec<String>> {
        (0..g.rows())
            .map(|r| {
                (0..g.cols())
                    .map(|c| g.text_at(r, c).unwrap_or("·").to_string())
                    .collect()
            })
            .collect()
    }

    #[test]
    fn blank_line_inside_a_row_is_an_empty_paragraph_when_the_width_says_so() {
        let dump = "\tA\n\tB\n\tC\n\n\t1\n\t2\n\n\t3\n\n";
        let blocks = read(dump, 1000).unwrap();
        let Block::Table(g) = &blocks[0] else {
            panic!("{blocks:?}")
        };
        assert_eq!(texts(g), vec![vec!["A", "B", "C"], vec!["1", "2", "3"]]);
        assert_eq!(g.row_locator(1), "line 5");
        assert_eq!(g.locator, "lines 1-8");
    }

    #[test]
    fn a_short_row_after_a_wide_one_still_ends_at_its_blank() {
        let dump = "\ta\n\tb\n\tc\n\n\t\n\tx\n\n\tg\n\th\n\n";
        let Block::Table(g) = &read(dump, 1000).unwrap()[0] else {
            panic!()
        };
        assert_eq!(
            texts(g),
            vec![vec!["a", "b", "c"], vec!["", "x", "·"], vec!["g", "h", "·"]]
        );
    }

    #[test]
    fn paragraphs_and_double_blanks_split_tables() {
        let dump = "标题\n\tA\n\tB\n\n\n\n\tC\n\n正文\n";
        let blocks = read(dump, 1000).unwrap();
        assert_eq!(blocks.len(), 4);
        assert_eq!(blocks[0], Block::Paragraph("标题".into()));
        assert!(matches!(&blocks[1], Block::Table(g) if g.rows() == 1 && g.cols() == 2));
        assert!(matches!(&blocks[2], Block::Table(g) if g.rows() == 1 && g.cols() == 1));
        assert_eq!(blocks[3], Block::Paragraph("正文".into()));
    }

    #[test]
    fn continuation_lines_join_their_cell() {
        let Block::Table(g) = &read("\t1.目标一\n2.目标二\n\n", 10).unwrap()[0] else {
            panic!()
        };
        assert_eq!(g.text_at(0, 0), Some("1.目标一\n2.目标二"));
    }

    #[test]
    fn bookmarks_are_removed() {
        assert_eq!(
            strip_bookmarks(" [bookmark: _Toc_1][bookmark: _GoBack]7.标题"),
            " 7.标题"
        );
        assert_eq!(strip_bookmarks("[bookmark: x"), "");
    }

    #[test]
    fn encodings_are_detected() {
        let s = "\t项目名称\n\t合计\n";
        let (gbk, _, _) = encoding_rs::GBK.encode(s);
        assert_eq!(decode(&gbk).unwrap(), s);
        let mut utf16 = vec![0xFF, 0xFE];
        for u in s.encode_utf16() {
            utf16.extend(u.to_le_bytes());
        }
        assert_eq!(decode(&utf16).unwrap(), s);
        let mut bom = b"\xEF\xBB\xBF".to_vec();
        bom.extend(s.as_bytes());
        assert_eq!(decode(&bom).unwrap(), s);
    }

    #[test]
    fn cell_limit_is_enforced() {
        let e = read("\ta\n\tb\n\tc\n", 2).unwrap_err();
        assert_eq!(e.kind, ErrorKind::TooLarge);
    }
}
