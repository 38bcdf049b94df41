//! Text dumps of Word files (the format of `samples/seed.txt`): a table cell
//! is a line starting with a tab, a cell's further paragraphs are lines
//! without the tab, and a blank line ends a row — or is an empty paragraph
//! inside a cell. The row width of the table tells which (see
//! [`blank_is_paragraph`]). Lines outside tables are paragraphs.
//!
//! Decoding is detected, never assumed: UTF-8 (with or without BOM), UTF-16
//! with BOM, else GB18030/GBK and friends through chardetng.

use crate::error::{Error, ErrorKind, Result};
use crate::grid::{Block, Grid, Locator, RowLocator, Slot, Span};
use crate::limits::Limits;
use std::borrow::Cow;

/// Decodes a text dump to a string, detecting its encoding; a few bad
/// bytes become U+FFFD (see [`decode_lossy`]).
pub fn decode(bytes: &[u8]) -> Result<Cow<'_, str>> {
    decode_lossy(bytes).map(|(text, _)| text)
}

/// Bytes a decoding could not read, replaced by U+FFFD.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Replaced {
    /// The encoding the text was read in.
    pub encoding: &'static str,
    /// Invalid sequences replaced.
    pub count: usize,
    /// Byte offset of the first, in the file.
    pub first: usize,
}

impl Replaced {
    /// A note for the tables read from the file, Chinese first.
    pub fn note(&self) -> crate::model::Note {
        let Replaced {
            encoding,
            count,
            first,
        } = self;
        crate::model::Note {
            field: "source.file".into(),
            raw: format!(
                "按 {encoding} 读取时有 {count} 处无效字节，已替换为 �，第一处在第 {first} 字节 \
                 ({count} invalid byte sequences in {encoding} replaced by U+FFFD, the first at byte {first})"
            ),
            normalized: Some("\u{FFFD}".into()),
            rule: "replacement characters".into(),
        }
    }
}

/// The note for a text file read with bad bytes replaced, if it had any.
/// The file was usually just decoded to be read: its answer is taken from
/// [`LAST`] instead of decoding (and detecting) a second time.
pub fn replacement_note(bytes: &[u8]) -> Option<crate::model::Note> {
    let replaced = match LAST.with(|last| last.borrow().answer(bytes)) {
        Some(known) => known,
        None => decode_lossy(bytes).ok()?.1,
    };
    replaced.map(|r| r.note())
}

/// The last text decoded on this thread and what decoding it replaced:
/// the bytes themselves are kept (up to [`Last::MAX`]) and compared, so an
/// answer is only ever given for the very same bytes.
#[derive(Default)]
struct Last {
    bytes: Vec<u8>,
    replaced: Option<Replaced>,
}

impl Last {
    const MAX: usize = 1 << 20;

    fn remember(&mut self, bytes: &[u8], replaced: &Option<Replaced>) {
        self.bytes.clear();
        if bytes.len() <= Self::MAX {
            self.bytes.extend_from_slice(bytes);
            self.replaced = replaced.clone();
        }
    }

    fn answer(&self, bytes: &[u8]) -> Option<Option<Replaced>> {
        (!bytes.is_empty() && self.bytes == bytes).then(|| self.replaced.clone())
    }
}

thread_local! {
    static LAST: std::cell::RefCell<Last> = std::cell::RefCell::default();
}

/// Invalid sequences a text may hold and still be read: a stray byte, a
/// character cut at the end, a bad pair, not a file in another encoding.
fn few(count: usize, len: usize) -> bool {
    count <= 16 + len / 1000
}

/// Decodes a text dump, detecting its encoding: a BOM, else UTF-8, else
/// GB18030/GBK and friends through chardetng. A few invalid sequences (one
/// stray `0xFF`, a dump cut inside its last character, one bad GBK pair)
/// are replaced by U+FFFD and reported in [`Replaced`]; the tables are
/// kept. Many are `unreadable`, naming what was tried.
pub fn decode_lossy(bytes: &[u8]) -> Result<(Cow<'_, str>, Option<Replaced>)> {
    let decoded = detect_and_decode(bytes)?;
    LAST.with(|last| {
        if let Ok(mut last) = last.try_borrow_mut() {
            last.remember(bytes, &decoded.1);
        }
    });
    Ok(decoded)
}

fn detect_and_decode(bytes: &[u8]) -> Result<(Cow<'_, str>, Option<Replaced>)> {
    if let Some((enc, bom_len)) = encoding_rs::Encoding::for_bom(bytes) {
        let (text, count, first) = decode_counting(enc, &bytes[bom_len..]);
        if !few(count, bytes.len()) {
            return Err(unknown_encoding(enc.name()));
        }
        let replaced = (count > 0).then(|| Replaced {
            encoding: enc.name(),
            count,
            first: first + bom_len,
        });
        return Ok((Cow::Owned(text), replaced));
    }
    // Valid UTF-8 (nearly every dump): one pass, nothing detected.
    if let Ok(s) = std::str::from_utf8(bytes) {
        return Ok((Cow::Borrowed(s), None));
    }
    let (count, first, multibyte) = utf8_errors(bytes);
    // Mostly UTF-8 with multi-byte characters: a damaged UTF-8 file, not
    // another encoding (GBK text is invalid UTF-8 at nearly every character,
    // and valid multi-byte UTF-8 in it is rare).
    if few(count, bytes.len()) && multibyte >= 8 * count {
        let replaced = Replaced {
            encoding: "UTF-8",
            count,
            first,
        };
        return Ok((String::from_utf8_lossy(bytes), Some(replaced)));
    }
    let mut detector = chardetng::EncodingDetector::new(chardetng::Iso2022JpDetection::Deny);
    let seen = detection_prefix(bytes);
    detector.feed(seen, seen.len() == bytes.len());
    // Without the TLD hint short GBK strings such as 合计 are guessed as Korean.
    let enc = detector.guess(Some(b"cn"), chardetng::Utf8Detection::Allow);
    let (text, count, first) = decode_counting(enc, bytes);
    if !few(count, bytes.len()) {
        return Err(unknown_encoding(enc.name()));
    }
    let replaced = (count > 0).then(|| Replaced {
        encoding: enc.name(),
        count,
        first,
    });
    Ok((Cow::Owned(text), replaced))
}

/// Non-ASCII bytes chardetng is shown: past these its guess for a text of
/// this kind no longer changes, and a large dump is not scanned in full.
const DETECT_BYTES: usize = 1 << 10;

/// What the encoding is guessed from: an ASCII start (which tells nothing)
/// and at most [`DETECT_BYTES`] from the first non-ASCII byte on (chardetng
/// takes a prefix cut anywhere, even inside a character).
fn detection_prefix(bytes: &[u8]) -> &[u8] {
    let from = bytes
        .iter()
        .position(|&b| !b.is_ascii())
        .unwrap_or(bytes.len());
    &bytes[..bytes.len().min(from.saturating_add(DETECT_BYTES))]
}

/// Invalid UTF-8 sequences in `bytes`, the offset of the first, and the
/// valid multi-byte characters around them; counting stops once there are
/// more than [`few`] allows.
fn utf8_errors(bytes: &[u8]) -> (usize, usize, usize) {
    let (mut count, mut first, mut at, mut multibyte) = (0, 0, 0, 0);
    let leads = |b: &[u8]| b.iter().filter(|&&c| c >= 0xC0).count();
    while at < bytes.len() {
        match std::str::from_utf8(&bytes[at..]) {
            Ok(_) => {
                if count > 0 {
                    multibyte += leads(&bytes[at..]);
                }
                break;
            }
            Err(e) => {
                multibyte += leads(&bytes[at..at + e.valid_up_to()]);
                if count == 0 {
                    first = at + e.valid_up_to();
                }
                count += 1;
                if !few(count, bytes.len()) {
                    // Too many for damaged UTF-8 already (GBK errs at nearly
                    // every character): the rest would not change the answer.
                    break;
                }
                at += e.valid_up_to() + e.error_len().unwrap_or(bytes.len() - at - e.valid_up_to());
            }
        }
    }
    (count, first, multibyte)
}

/// `bytes` decoded in `enc` with U+FFFD for each invalid sequence; how many
/// there were and where the first began.
fn decode_counting(enc: &'static encoding_rs::Encoding, bytes: &[u8]) -> (String, usize, usize) {
    use encoding_rs::DecoderResult;
    let mut decoder = enc.new_decoder_without_bom_handling();
    let mut out = String::with_capacity(
        decoder
            .max_utf8_buffer_length_without_replacement(bytes.len())
            .unwrap_or(bytes.len()),
    );
    let (mut count, mut first, mut at) = (0, 0, 0);
    loop {
        let (result, read) =
            decoder.decode_to_string_without_replacement(&bytes[at..], &mut out, true);
        at += read;
        match result {
            DecoderResult::InputEmpty => break,
            DecoderResult::OutputFull => out.reserve(bytes.len() - at + 16),
            DecoderResult::Malformed(bad, after) => {
                if count == 0 {
                    first = at.saturating_sub(usize::from(bad) + usize::from(after));
                }
                count += 1;
                out.push('\u{FFFD}');
            }
        }
    }
    (out, count, first)
}

fn unknown_encoding(tried: &str) -> Error {
    Error::new(
        ErrorKind::Unreadable,
        format!(
            "无法识别文本编码（试过 UTF-8、UTF-16、{tried}），请另存为 UTF-8 文本 \
             (text in an unknown encoding: tried UTF-8, UTF-16 and {tried}; save it as UTF-8 text)"
        ),
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
    /// The cell's paragraphs joined by `\n`, as they are read.
    text: String,
    paragraphs: usize,
    line: usize,
}

impl Cell {
    fn push_paragraph(&mut self, p: &str) {
        self.text.push('\n');
        self.text.push_str(&strip_bookmarks(p));
        self.paragraphs += 1;
    }
}

/// What one line costs against `max_text_bytes` beyond its own bytes: the
/// bookkeeping kept per line. A file of empty lines is otherwise ~40× its
/// size in memory (100 MB of short lines took 6.9 GB).
pub const LINE_COST: u64 = 64;

/// Reads a decoded text dump into blocks.
pub fn read(text: &str, limits: &Limits) -> Result<Vec<Block>> {
    let max_cells = limits.max_cells;
    // Checked before anything per line is allocated.
    let line_count = text.as_bytes().iter().filter(|&&b| b == b'\n').count() as u64 + 1;
    if (text.len() as u64).saturating_add(line_count.saturating_mul(LINE_COST))
        > limits.max_text_bytes
    {
        return Err(Limits::exceeded("max_text_bytes", limits.max_text_bytes));
    }
    let lines: Vec<Line> = text.lines().map(classify).collect();
    let ahead = Lookahead::new(&lines);
    let mut blocks = Vec::new();
    let mut table: Vec<Vec<Cell>> = Vec::new();
    let mut row: Vec<Cell> = Vec::new();
    // Blank lines seen since the last row ended: two or more between rows
    // separate tables, as between the seed's header block and its grid.
    let mut gap = 0usize;
    let mut cells = 0u64;
    let mut slots = 0u64;
    let mut tables = 0u64;

    for (i, line) in lines.iter().enumerate() {
        match *line {
            Line::Cell(t) => {
                if row.is_empty() && gap >= 2 && !table.is_empty() {
                    blocks.push(Block::Table(to_grid(
                        std::mem::take(&mut table),
                        limits,
                        &mut slots,
                        &mut tables,
                    )?));
                }
                gap = 0;
                cells += 1;
                if cells > max_cells {
                    return Err(Limits::exceeded("max_cells", max_cells));
                }
                row.push(Cell {
                    text: strip_bookmarks(t).into_owned(),
                    paragraphs: 1,
                    line: i + 1,
                });
            }
            Line::Text(t) => {
                if let Some(cell) = row.last_mut() {
                    cell.push_paragraph(t);
                } else {
                    if !table.is_empty() {
                        blocks.push(Block::Table(to_grid(
                            std::mem::take(&mut table),
                            limits,
                            &mut slots,
                            &mut tables,
                        )?));
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
                if ahead.blank_is_paragraph(i, row.len(), width) {
                    if let Some(cell) = row.last_mut() {
                        cell.push_paragraph("");
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
        blocks.push(Block::Table(to_grid(
            table,
            limits,
            &mut slots,
            &mut tables,
        )?));
    }
    Ok(blocks)
}

/// Answers [`blank_is_paragraph`] for every blank line in O(log n) from
/// tables built once, instead of rescanning the lines ahead at each blank
/// (a wide row with a blank after every cell was quadratic: 700 KB, 45 s).
struct Lookahead {
    /// `cells_before[i]`: cell lines among `lines[..i]`.
    cells_before: Vec<usize>,
    /// Positions of blank lines, ascending, then `lines.len()`.
    blanks: Vec<usize>,
    /// `stop[p]`: the first run start `q ≥ p` after a blank where the scan
    /// gives up (a second blank, or the end after a blank); `usize::MAX`
    /// when there is none.
    stop: Vec<usize>,
    len: usize,
}

impl Lookahead {
    fn new(lines: &[Line]) -> Self {
        let n = lines.len();
        let blank = |i: usize| matches!(lines.get(i), Some(Line::Blank));
        let mut cells_before = Vec::with_capacity(n + 1);
        let mut count = 0;
        cells_before.push(0);
        for l in lines {
            count += usize::from(matches!(l, Line::Cell(_)));
            cells_before.push(count);
        }
        let mut blanks: Vec<usize> = (0..n).filter(|&i| blank(i)).collect();
        blanks.push(n);
        let mut stop = vec![usize::MAX; n + 2];
        for p in (1..=n).rev() {
            stop[p] = if blank(p - 1) && (p == n || blank(p)) {
                p
            } else {
                stop[p + 1]
            };
        }
        Lookahead {
            cells_before,
            blanks,
            stop,
            len: n,
        }
    }

    /// [`blank_is_paragraph`] for the blank line at `at`.
    fn blank_is_paragraph(&self, at: usize, done: usize, width: usize) -> bool {
        if width == 0 || done >= width {
            return false;
        }
        let start = at + 1;
        // The scan fails at once on a blank or the end right after this one,
        // else at the first later run start that is a blank or the end.
        if start >= self.len || self.blanks.binary_search(&start).is_ok() {
            return false;
        }
        let give_up = self.stop[start + 1];
        let target = self.cells_before[start] + (width - done);
        // The first run end whose cell count reaches the target.
        let k = self
            .blanks
            .partition_point(|&j| j < start || self.cells_before[j] < target);
        match self.blanks.get(k) {
            Some(&j) => self.cells_before[j] == target && j < give_up,
            None => false,
        }
    }
}

/// Whether a blank line after `done` cells of a row is an empty paragraph
/// inside the last cell rather than the end of the row: only when the cells
/// that follow, up to later blank lines, complete the row to exactly the
/// previous row's `width`. A lone blank after a full row, or cells that
/// would not add up, end the row. (The plain statement of the rule, kept to
/// check [`Lookahead`] against.)
#[cfg(test)]
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

/// `slots`: padded slots of the file's tables so far, bounded together;
/// `tables`: tables so far, against `max_tables`.
fn to_grid(
    rows: Vec<Vec<Cell>>,
    limits: &Limits,
    slots: &mut u64,
    tables: &mut u64,
) -> Result<Grid> {
    limits.count_table(tables)?;
    let width = rows.iter().map(Vec::len).max().unwrap_or(0) as u64;
    *slots = slots.saturating_add(width.saturating_mul(rows.len() as u64));
    if *slots > limits.max_cells {
        return Err(Limits::exceeded("max_cells", limits.max_cells));
    }
    let first = rows.first().and_then(|r| r.first()).map_or(0, |c| c.line);
    let last = rows
        .last()
        .and_then(|r| r.last())
        .map_or(first, |c| c.line + c.paragraphs - 1);
    let line = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
    let locators = rows
        .iter()
        .map(|r| RowLocator::Line(line(r.first().map_or(0, |c| c.line))))
        .collect();
    let grid_rows = rows
        .into_iter()
        .map(|r| {
            r.into_iter()
                .map(|c| {
                    let mut text = c.text;
                    text.truncate(text.trim_end_matches('\n').len());
                    Slot::Anchor {
                        text,
                        span: Span::ONE,
                    }
                })
                .collect()
        })
        .collect();
    let mut grid = super::grid_within(grid_rows, Locator::Lines(line(first), line(last)), limits)?;
    grid.row_locators = Some(locators);
    Ok(grid)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cells(max_cells: u64) -> Limits {
        Limits {
            max_cells,
            ..Limits::default()
        }
    }

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
        let blocks = read(dump, &cells(1000)).unwrap();
        let Block::Table(g) = &blocks[0] else {
            panic!("{blocks:?}")
        };
        assert_eq!(texts(g), vec![vec!["A", "B", "C"], vec!["1", "2", "3"]]);
        assert_eq!(g.row_locator(1), "line 5");
        assert_eq!(g.locator, Locator::Lines(1, 8));
    }

    #[test]
    fn a_short_row_after_a_wide_one_still_ends_at_its_blank() {
        let dump = "\ta\n\tb\n\tc\n\n\t\n\tx\n\n\tg\n\th\n\n";
        let Block::Table(g) = &read(dump, &cells(1000)).unwrap()[0] else {
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
        let blocks = read(dump, &cells(1000)).unwrap();
        assert_eq!(blocks.len(), 4);
        assert_eq!(blocks[0], Block::Paragraph("标题".into()));
        assert!(matches!(&blocks[1], Block::Table(g) if g.rows() == 1 && g.cols() == 2));
        assert!(matches!(&blocks[2], Block::Table(g) if g.rows() == 1 && g.cols() == 1));
        assert_eq!(blocks[3], Block::Paragraph("正文".into()));
    }

    #[test]
    fn continuation_lines_join_their_cell() {
        let Block::Table(g) = &read("\t1.目标一\n2.目标二\n\n", &cells(10)).unwrap()[0]
        else {
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

    /// chardetng sees an ASCII start and at most DETECT_BYTES after it; a
    /// long GBK dump behind a long ASCII preamble is still read as GBK.
    #[test]
    fn encodings_are_detected_on_a_bounded_prefix() {
        let ascii = "x\t1\n".repeat(3000);
        let chinese = "\t项目名称\n\t合计\n\t绩效目标\n".repeat(400);
        let s = format!("{ascii}{chinese}");
        let (gbk, _, _) = encoding_rs::GBK.encode(&s);
        let seen = detection_prefix(&gbk);
        // From the first non-ASCII byte, after the tab.
        assert_eq!(seen.len(), ascii.len() + 1 + DETECT_BYTES);
        assert_eq!(decode(&gbk).unwrap(), s);
        assert_eq!(detection_prefix(b"abc"), b"abc");
    }

    /// The note is the same whether the bytes were decoded just before, or
    /// other bytes were, or none.
    #[test]
    fn replacement_notes_answer_for_the_same_bytes_only() {
        let (gbk, _, _) = encoding_rs::GBK.encode("\t项目名称\n\t合计\n");
        let mut bad_gbk = gbk.to_vec();
        bad_gbk.push(0x81);
        let mut bad_utf8 = "\t项目名称\n\t合计\n".repeat(20).into_bytes();
        bad_utf8.insert(5, 0xFF);
        let inputs: [&[u8]; 4] = [&gbk, &bad_gbk, &bad_utf8, "\t合计\n".as_bytes()];
        let expected: Vec<_> = inputs
            .iter()
            .map(|b| detect_and_decode(b).unwrap().1.map(|r| r.note()))
            .collect();
        assert!(expected[1].is_some() && expected[2].is_some() && expected[0].is_none());
        for (i, a) in inputs.iter().enumerate() {
            for (j, b) in inputs.iter().enumerate() {
                decode_lossy(a).unwrap();
                assert_eq!(replacement_note(b), expected[j], "{i} then {j}");
            }
        }
    }

    #[test]
    fn cell_limit_is_enforced() {
        let e = read("\ta\n\tb\n\tc\n", &cells(2)).unwrap_err();
        assert_eq!(e.kind, ErrorKind::TooLarge);
    }

    proptest::proptest! {
        /// The O(log n) lookahead answers exactly as the plain rule, for
        /// every blank line of any mix of cells, text and blanks.
        #[test]
        fn lookahead_agrees_with_the_rule(
            kinds in proptest::collection::vec(0u8..3, 0..60),
            done in 0usize..8,
            width in 0usize..10,
        ) {
            let lines: Vec<Line> = kinds
                .iter()
                .map(|k| match k {
                    0 => Line::Cell("c"),
                    1 => Line::Text("t"),
                    _ => Line::Blank,
                })
                .collect();
            let ahead = Lookahead::new(&lines);
            for (i, l) in lines.iter().enumerate() {
                if *l == Line::Blank {
                    proptest::prop_assert_eq!(
                        ahead.blank_is_paragraph(i, done, width),
                        blank_is_paragraph(&lines[i + 1..], done, width),
                        "blank at {}", i
                    );
                }
            }
        }
    }
}
