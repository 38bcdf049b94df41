//! A text notation for a document's [`Block`]s: what `jixiao inspect`
//! prints, and what layout fixtures (`tests/layouts/*.grid`) are written in.
//! A reader like the others: it knows grids and paragraphs, nothing of budgets.
//!
//! ```text
//! # a comment line (source URL, why the expected output reads as it does)
//! ¶ 1.某项目绩效目标表                 a paragraph outside any table
//! ¶ 单位：万元
//! ▦ table 1 (3 rows × 3 columns)      a grid; locator and size optional
//!    row 1 | 一级指标 | 二级指标 | 三级指标 |
//!          | 产出指标 [2×1] | 数量指标 | 培训人次 |
//!          | ^ | 质量指标 | · |
//! ```
//!
//! A row is `[row locator] | cell | cell |` (the leading locator, `row 9` or
//! `line 40`, is optional). A cell is its text, trimmed of ASCII spaces, with
//! `⏎` for a line break; `text [R×C]` (or `[RxC]`) is the top-left of a merge
//! R rows high and C columns wide; `^` (or `^(row,col)`, 1-based, as inspect
//! prints it) is a slot covered by a merge; `·` is no cell at all (a short
//! row; missing cells at the end of a row are `·` too). Every slot a merge
//! covers must be written `^`, so a fixture shows the grid as it is.
//! Escapes: `\\` `\|` `\⏎` `\·` `\^` `\[` for the literal character, `\ ` for
//! a space that is kept at either end, `\t`, `\r`, `\u{XXXX}`.

use super::{Block, Grid, Locator, Pos, RowLocator, Slot, Span};
use std::fmt::{self, Write as _};

/// More slots than this in one grid is not a fixture (a short file can
/// otherwise ask for rows × cols far beyond its own size).
const MAX_SLOTS: usize = 1_000_000;

/// A malformed notation text: the 1-based line and what is wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NotationError {
    pub line: usize,
    pub message: String,
}

impl fmt::Display for NotationError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "第 {} 行 (line {}): {}",
            self.line, self.line, self.message
        )
    }
}

impl std::error::Error for NotationError {}

fn err<T>(line: usize, message: impl Into<String>) -> Result<T, NotationError> {
    Err(NotationError {
        line,
        message: message.into(),
    })
}

/// One character of a cell as written: `literal` when it came from an
/// escape (or `⏎`), so it is never a marker and never trimmed.
#[derive(Clone, Copy)]
struct Ch {
    c: char,
    literal: bool,
}

fn unescape(s: &str, line: usize) -> Result<Vec<Ch>, NotationError> {
    let mut out = Vec::with_capacity(s.len());
    let mut it = s.chars();
    while let Some(c) = it.next() {
        match c {
            '\\' => {
                let e = match it.next() {
                    Some(e @ ('\\' | '|' | '⏎' | '·' | '^' | '[' | ' ')) => e,
                    Some('t') => '\t',
                    Some('r') => '\r',
                    Some('u') => {
                        let rest: String = it.by_ref().take_while(|&c| c != '}').collect();
                        let hex = rest.strip_prefix('{').unwrap_or("");
                        match u32::from_str_radix(hex, 16).ok().and_then(char::from_u32) {
                            Some(c) if !hex.is_empty() => c,
                            _ => {
                                return err(
                                    line,
                                    format!("转义 \\u{rest} 无效 (bad escape \\u{rest}: write \\u{{XXXX}})"),
                                )
                            }
                        }
                    }
                    Some(e) => {
                        return err(
                            line,
                            format!("未知转义 \\{e} (unknown escape \\{e}: use \\\\ \\| \\⏎ \\· \\^ \\[ \\t \\r \\u{{XXXX}} or a backslash-space)"),
                        )
                    }
                    None => return err(line, "行尾多了反斜杠 (a backslash ends the line)"),
                };
                out.push(Ch {
                    c: e,
                    literal: true,
                });
            }
            '⏎' => out.push(Ch {
                c: '\n',
                literal: true,
            }),
            c => out.push(Ch { c, literal: false }),
        }
    }
    Ok(out)
}

fn trim(mut s: &[Ch]) -> &[Ch] {
    let blank = |ch: &Ch| !ch.literal && (ch.c == ' ' || ch.c == '\t');
    while s.first().is_some_and(blank) {
        s = &s[1..];
    }
    while s.last().is_some_and(blank) {
        s = &s[..s.len() - 1];
    }
    s
}

fn text(s: &[Ch]) -> String {
    s.iter().map(|ch| ch.c).collect()
}

/// Is `s` exactly the unescaped marker `m`?
fn is(s: &[Ch], m: &str) -> bool {
    s.len() == m.chars().count() && s.iter().zip(m.chars()).all(|(a, b)| !a.literal && a.c == b)
}

/// A cell as written, before spans are checked.
enum Cell {
    Text(String, Span),
    Covered(Option<Pos>),
    Missing,
}

fn number(s: &str) -> Option<u32> {
    let s = s.trim();
    if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

fn cell(s: &[Ch], line: usize) -> Result<Cell, NotationError> {
    let s = trim(s);
    if is(s, "·") {
        return Ok(Cell::Missing);
    }
    if s.first().is_some_and(|ch| !ch.literal && ch.c == '^') {
        let rest = text(&s[1..]);
        let rest = rest.trim();
        if rest.is_empty() {
            return Ok(Cell::Covered(None));
        }
        let pos = rest
            .strip_prefix('(')
            .and_then(|r| r.strip_suffix(')'))
            .and_then(|r| r.split_once(','))
            .and_then(|(r, c)| Some((number(r)?, number(c)?)));
        return match pos {
            Some((r, c)) if r > 0 && c > 0 => Ok(Cell::Covered(Some(Pos {
                row: r - 1,
                col: c - 1,
            }))),
            _ => err(
                line,
                format!("被合并的格子写作 ^ 或 ^(行,列)，不是 “^{rest}” (a covered cell is ^ or ^(row,col), 1-based; not “^{rest}”; write \\^ for a literal caret)"),
            ),
        };
    }
    // A span is a trailing `[R×C]` whose brackets are both unescaped (the
    // renderer escapes the last `[` of a text that only looks like one).
    if s.last().is_some_and(|ch| !ch.literal && ch.c == ']') {
        if let Some(open) = s.iter().rposition(|ch| ch.c == '[') {
            let inner = text(&s[open + 1..s.len() - 1]);
            let sep = inner.split_once('×').or_else(|| inner.split_once('x'));
            let size = sep.and_then(|(r, c)| Some((number(r)?, number(c)?)));
            match size {
                _ if s[open].literal => {}
                Some((rows, cols)) if rows > 0 && cols > 0 => {
                    return Ok(Cell::Text(text(trim(&s[..open])), Span { rows, cols }))
                }
                Some(_) => {
                    return err(
                        line,
                        format!("合并范围 [{inner}] 的行数和列数至少为 1 (the span [{inner}] needs at least 1 row and 1 column; write \\[ for a literal bracket)"),
                    )
                }
                None => {}
            }
        }
    }
    Ok(Cell::Text(text(s), Span::ONE))
}

/// Parses the `(N rows × M columns)` that inspect prints after a locator.
fn grid_size(s: &str) -> Option<(&str, u32, u32)> {
    let body = s.strip_suffix(" columns)")?;
    let open = body.rfind('(')?;
    let (r, c) = body[open + 1..].split_once(" rows × ")?;
    Some((s[..open].trim_end(), number(r)?, number(c)?))
}

struct Pending {
    first_line: usize,
    locator: String,
    size: Option<(u32, u32)>,
    rows: Vec<(usize, Option<String>, Vec<Cell>)>,
}

fn finish(p: Pending) -> Result<Grid, NotationError> {
    let nrows = p.rows.len();
    let ncols = p.rows.iter().map(|r| r.2.len()).max().unwrap_or(0);
    if nrows.saturating_mul(ncols) > MAX_SLOTS {
        return err(
            p.first_line,
            format!("表格过大：{nrows} 行 × {ncols} 列 (grid too large: {nrows} × {ncols} slots, at most {MAX_SLOTS})"),
        );
    }
    if let Some((r, c)) = p.size {
        if (r as usize, c as usize) != (nrows, ncols) {
            return err(
                p.first_line,
                format!("表头写 {r} 行 × {c} 列，实际是 {nrows} 行 × {ncols} 列 (the grid line says {r} rows × {c} columns, the rows below make {nrows} × {ncols})"),
            );
        }
    }
    let lines: Vec<usize> = p.rows.iter().map(|r| r.0).collect();
    // Who covers each slot, from the merges.
    let mut owner: Vec<Option<Pos>> = vec![None; nrows * ncols];
    let cell_at = |rows: &[(usize, Option<String>, Vec<Cell>)], r: usize, c: usize| -> bool {
        matches!(rows[r].2.get(c), Some(Cell::Covered(_)))
    };
    for (r, (line, _, cells)) in p.rows.iter().enumerate() {
        for (c, cell) in cells.iter().enumerate() {
            let Cell::Text(_, span) = cell else { continue };
            let (h, w) = (span.rows as usize, span.cols as usize);
            if r + h > nrows || c + w > ncols {
                return err(
                    *line,
                    format!("第 {} 列的合并 [{h}×{w}] 超出表格 (the merge [{h}×{w}] at column {} runs past the grid’s {nrows} rows × {ncols} columns)", c + 1, c + 1),
                );
            }
            for i in r..r + h {
                for j in c..c + w {
                    if (i, j) == (r, c) {
                        continue;
                    }
                    if !cell_at(&p.rows, i, j) {
                        return err(
                            lines[i],
                            format!("第 {} 列应写 ^：它在第 {} 行第 {} 列的合并 [{h}×{w}] 之内 (column {} must be ^: it lies inside the merge [{h}×{w}] at row {}, column {})", j + 1, r + 1, c + 1, j + 1, r + 1, c + 1),
                        );
                    }
                    let slot = &mut owner[i * ncols + j];
                    if let Some(o) = slot {
                        return err(
                            lines[i],
                            format!("第 {} 列同时在两个合并之内（第 {} 行第 {} 列和第 {} 行第 {} 列） (column {} lies in two merges: at row {}, column {} and row {}, column {})", j + 1, o.row + 1, o.col + 1, r + 1, c + 1, j + 1, o.row + 1, o.col + 1, r + 1, c + 1),
                        );
                    }
                    *slot = Some(Pos {
                        row: r as u32,
                        col: c as u32,
                    });
                }
            }
        }
    }
    let mut rows = Vec::with_capacity(nrows);
    let mut locators = Vec::with_capacity(nrows);
    let mut named = false;
    for (r, (line, loc, cells)) in p.rows.into_iter().enumerate() {
        let mut row = Vec::with_capacity(cells.len());
        for (c, cell) in cells.into_iter().enumerate() {
            row.push(match cell {
                Cell::Missing => Slot::Empty,
                Cell::Text(text, span) => Slot::Anchor { text, span },
                Cell::Covered(written) => {
                    let Some(anchor) = owner[r * ncols + c] else {
                        return err(
                            line,
                            format!("第 {} 列写了 ^，但没有合并覆盖它 (column {} is ^ but no merge covers it: give the cell above or to the left a span such as [2×1])", c + 1, c + 1),
                        );
                    };
                    if written.is_some_and(|w| w != anchor) {
                        return err(
                            line,
                            format!("第 {} 列写的位置与覆盖它的合并（第 {} 行第 {} 列）不符 (column {} names another anchor than the merge at row {}, column {} that covers it)", c + 1, anchor.row + 1, anchor.col + 1, c + 1, anchor.row + 1, anchor.col + 1),
                        );
                    }
                    Slot::Covered { anchor }
                }
            });
        }
        let default = format!("row {}", r + 1);
        let loc = loc.unwrap_or_else(|| default.clone());
        named |= loc != default;
        locators.push(loc);
        rows.push(row);
    }
    let mut g = Grid::from_rows(rows, Locator::parse(&p.locator));
    if named {
        g.row_locators = Some(locators.iter().map(|l| RowLocator::parse(l)).collect());
    }
    Ok(g)
}

/// Reads a notation text into blocks, in order.
pub fn parse(input: &str) -> Result<Vec<Block>, NotationError> {
    let mut blocks = Vec::new();
    let mut grid: Option<Pending> = None;
    let mut grids = 0;
    for (i, raw) in input.lines().enumerate() {
        let line = i + 1;
        let t = raw.trim_start_matches([' ', '\t']);
        if t.trim_end().is_empty() || t.starts_with('#') {
            continue;
        }
        if let Some(rest) = t.strip_prefix('¶') {
            if let Some(p) = grid.take() {
                blocks.push(Block::Table(finish(p)?));
            }
            let chars = unescape(rest, line)?;
            blocks.push(Block::Paragraph(text(trim(&chars))));
        } else if let Some(rest) = t.strip_prefix('▦') {
            if let Some(p) = grid.take() {
                blocks.push(Block::Table(finish(p)?));
            }
            grids += 1;
            let rest = rest.trim();
            let (locator, size) = match grid_size(rest) {
                Some((l, r, c)) => (l, Some((r, c))),
                None => (rest, None),
            };
            grid = Some(Pending {
                first_line: line,
                locator: if locator.is_empty() {
                    format!("table {grids}")
                } else {
                    locator.to_string()
                },
                size,
                rows: Vec::new(),
            });
        } else {
            let Some(p) = grid.as_mut() else {
                return err(
                    line,
                    "表格行之前缺少 ▦ 行；段落以 ¶ 开头，注释以 # 开头 (a row outside a grid: start the grid with a ▦ line; paragraphs start with ¶, comments with #)",
                );
            };
            let chars = unescape(t, line)?;
            let mut parts: Vec<&[Ch]> = chars.split(|ch| !ch.literal && ch.c == '|').collect();
            if parts.len() < 2 {
                return err(
                    line,
                    "表格行应写作 | 格 | 格 | (a grid row is | cell | cell |, with a | before and after every cell)",
                );
            }
            let last = parts.pop().unwrap_or_default();
            if !trim(last).is_empty() {
                return err(
                    line,
                    format!("表格行应以 | 结尾，末尾多了 “{}” (a grid row ends with |; found “{}” after the last one)", text(last), text(last)),
                );
            }
            let prefix = text(trim(parts[0]));
            let cells = parts[1..]
                .iter()
                .map(|s| cell(s, line))
                .collect::<Result<Vec<_>, _>>()?;
            p.rows
                .push((line, (!prefix.is_empty()).then_some(prefix), cells));
        }
    }
    if let Some(p) = grid.take() {
        blocks.push(Block::Table(finish(p)?));
    }
    Ok(blocks)
}

/// Writes text so that [`parse`] reads it back unchanged.
fn escaped(out: &mut String, s: &str) {
    let n = s.chars().count();
    let ends_span = s.ends_with(']');
    let last_open = if ends_span { s.rfind('[') } else { None };
    for (k, (at, c)) in s.char_indices().enumerate() {
        match c {
            '\\' => out.push_str("\\\\"),
            '|' => out.push_str("\\|"),
            '\n' => out.push('⏎'),
            '⏎' => out.push_str("\\⏎"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            ' ' if k == 0 || k + 1 == n => out.push_str("\\ "),
            '·' if n == 1 => out.push_str("\\·"),
            '^' if k == 0 => out.push_str("\\^"),
            '#' if k == 0 => out.push_str("\\u{23}"),
            '[' if Some(at) == last_open => out.push_str("\\["),
            c if c.is_control() => {
                let _ = write!(out, "\\u{{{:x}}}", c as u32);
            }
            c => out.push(c),
        }
    }
}

/// The rows of one grid in the notation, each with its row locator.
pub fn render_grid(g: &Grid) -> String {
    let mut out = String::new();
    for r in 0..g.rows() {
        let mut loc = String::new();
        escaped(&mut loc, &g.row_locator(r));
        let _ = write!(out, "  {loc:>8} |");
        for c in 0..g.cols() {
            out.push(' ');
            match g.slot(r, c) {
                Slot::Anchor { text, span } => {
                    escaped(&mut out, text);
                    if *span != Span::ONE {
                        let _ = write!(out, " [{}×{}]", span.rows, span.cols);
                    }
                }
                Slot::Covered { anchor } => {
                    let _ = write!(out, "^({},{})", anchor.row + 1, anchor.col + 1);
                }
                Slot::Empty => out.push('·'),
            }
            out.push_str(" |");
        }
        out.push('\n');
    }
    out
}

/// A paragraph line: `¶ text`.
pub fn render_paragraph(text: &str) -> String {
    let mut out = String::from("¶ ");
    escaped(&mut out, text);
    out.push('\n');
    out
}

/// The `▦` line that opens a grid.
pub fn render_grid_line(g: &Grid) -> String {
    let mut loc = String::new();
    escaped(&mut loc, &g.locator.to_string());
    format!("▦ {loc} ({} rows × {} columns)\n", g.rows(), g.cols())
}

/// Blocks in the notation; [`parse`] reads the result back to the same blocks.
pub fn render(blocks: &[Block]) -> String {
    let mut out = String::new();
    for b in blocks {
        match b {
            Block::Paragraph(t) => out.push_str(&render_paragraph(t)),
            Block::Table(g) => {
                out.push_str(&render_grid_line(g));
                out.push_str(&render_grid(g));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn anchor(text: &str, rows: u32, cols: u32) -> Slot {
        Slot::Anchor {
            text: text.into(),
            span: Span { rows, cols },
        }
    }

    fn covered(row: u32, col: u32) -> Slot {
        Slot::Covered {
            anchor: Pos { row, col },
        }
    }

    fn grid(blocks: &[Block], i: usize) -> &Grid {
        blocks
            .iter()
            .filter_map(|b| match b {
                Block::Table(g) => Some(g),
                _ => None,
            })
            .nth(i)
            .unwrap()
    }

    #[test]
    fn paragraphs_grids_spans_and_covered_cells() {
        let text = "# 来源：某地\n¶ 1.某项目绩效目标表\n¶ 单位：万元\n▦\n| 一级指标 | 二级指标 | 三级指标 |\n| 产出指标 [2×1] | 数量指标 | 培训人次 ⏎ 人 |\n| ^ | 质量指标 [1x2] | ^ |\n\n# between\n▦ Sheet1!A1:B1\n  row 1 | a\\|b | · |\n¶ 填表人：某某\n";
        let b = parse(text).unwrap();
        assert_eq!(b.len(), 5);
        assert_eq!(b[0], Block::Paragraph("1.某项目绩效目标表".into()));
        let g = grid(&b, 0);
        assert_eq!(
            (g.rows(), g.cols(), g.locator.to_string().as_str()),
            (3, 3, "table 1")
        );
        assert_eq!(g.slot(1, 0), &anchor("产出指标", 2, 1));
        assert_eq!(g.slot(2, 0), &covered(1, 0));
        assert_eq!(g.slot(2, 2), &covered(2, 1));
        assert_eq!(g.text_at(1, 2), Some("培训人次 \n 人"));
        assert_eq!(g.row_locators, None);
        let g2 = grid(&b, 1);
        assert_eq!(g2.locator.to_string(), "Sheet1!A1:B1");
        assert_eq!(g2.slot(0, 0), &anchor("a|b", 1, 1));
        assert_eq!(g2.slot(0, 1), &Slot::Empty);
        assert_eq!(b[4], Block::Paragraph("填表人：某某".into()));
    }

    #[test]
    fn inspect_output_reads_back() {
        let g = Grid::from_rows(
            vec![
                vec![anchor("产出指标", 2, 1), anchor("数量指标", 1, 1)],
                vec![covered(0, 0), anchor("", 1, 1), Slot::Empty],
                vec![
                    anchor(" 空格 ", 1, 1),
                    anchor("^a", 1, 1),
                    anchor("·", 1, 1),
                ],
                vec![
                    anchor("x [2×1]", 1, 1),
                    anchor("#1\t⏎\\", 1, 1),
                    anchor("a\u{1}", 1, 1),
                ],
            ],
            Locator::Lines(3, 7),
        );
        let blocks = vec![Block::Paragraph("¶ 两行⏎\n".into()), Block::Table(g)];
        let text = render(&blocks);
        assert_eq!(parse(&text).unwrap(), blocks, "{text}");
    }

    #[test]
    fn brackets_that_are_no_span_stay_text() {
        let b = parse("▦\n| 指标值[备注] | [max] | a \\[2×1] |\n").unwrap();
        let g = grid(&b, 0);
        assert_eq!(g.slot(0, 0), &anchor("指标值[备注]", 1, 1));
        assert_eq!(g.slot(0, 1), &anchor("[max]", 1, 1));
        assert_eq!(g.slot(0, 2), &anchor("a [2×1]", 1, 1));
    }

    #[test]
    fn row_locators_other_than_row_n_are_kept() {
        let b = parse("▦ lines 1-2\n line 40 | a |\n line 41 | b |\n").unwrap();
        assert_eq!(
            grid(&b, 0).row_locators,
            Some(vec![RowLocator::Line(40), RowLocator::Line(41)])
        );
        let b = parse("▦\n row 1 | a |\n row 2 | b |\n").unwrap();
        assert_eq!(grid(&b, 0).row_locators, None);
    }

    fn fails(text: &str, line: usize, part: &str) {
        match parse(text) {
            Err(e) => {
                assert_eq!(e.line, line, "{e}");
                assert!(e.message.contains(part), "{e}");
            }
            Ok(b) => panic!("parsed: {b:?}"),
        }
    }

    #[test]
    fn malformed_fixtures_say_where_and_what() {
        fails("| a |\n", 1, "row outside a grid");
        fails("▦\n| a | b\n", 2, "ends with |");
        fails("▦\n| a [2×1] |\n", 2, "runs past");
        fails("▦\n| a [2×1] | b |\n| c | d |\n", 3, "must be ^");
        fails("▦\n| a | ^ |\n", 2, "no merge covers it");
        fails("▦\n| a [1×2] | ^(2,2) |\n", 2, "another anchor");
        fails("▦\n| a [0×2] | ^ |\n", 2, "at least 1 row");
        fails("▦\n| ^x |\n", 2, "covered cell is");
        fails("▦\n| a\\q |\n", 2, "unknown escape");
        fails("▦ t (2 rows × 1 columns)\n| a |\n", 1, "the grid line says");
        fails("▦\n| a [2×2] | ^ |\n| ^ | b [1×1] |\n", 3, "must be ^");
        fails("▦\n| x | p [2×1] |\n| q [1×2] | ^ |\n", 3, "two merges");
    }

    #[test]
    fn a_huge_grid_from_a_short_file_is_refused() {
        let mut text = String::from("▦\n");
        text.push('|');
        text.push_str(&" a |".repeat(2000));
        text.push('\n');
        text.push_str(&"| b |\n".repeat(600));
        fails(&text, 1, "too large");
    }

    use proptest::prelude::*;

    /// Cell texts that stress the escapes: markers, brackets, spaces at the
    /// ends, line breaks, control characters.
    fn cell_text() -> impl Strategy<Value = String> {
        proptest::collection::vec(
            prop_oneof![
                Just(" ".to_string()),
                Just("|".to_string()),
                Just("\\".to_string()),
                Just("^".to_string()),
                Just("·".to_string()),
                Just("⏎".to_string()),
                Just("\n".to_string()),
                Just("\t".to_string()),
                Just("#".to_string()),
                Just("[2×1]".to_string()),
                Just("[".to_string()),
                Just("]".to_string()),
                Just("\u{1}".to_string()),
                Just("\u{3000}".to_string()),
                Just("产出指标".to_string()),
                Just("≥95%".to_string()),
            ],
            0..5,
        )
        .prop_map(|v| v.concat())
    }

    /// A grid of random size whose merges never overlap: each anchor takes a
    /// free rectangle of up to 3×3.
    fn any_grid() -> impl Strategy<Value = Grid> {
        (1usize..6, 1usize..6).prop_flat_map(|(rows, cols)| {
            proptest::collection::vec((cell_text(), 1u32..4, 1u32..4, 0u8..10), rows * cols)
                .prop_map(move |cells| {
                    let mut slots: Vec<Option<Slot>> = vec![None; rows * cols];
                    for (k, (text, h, w, kind)) in cells.into_iter().enumerate() {
                        if slots[k].is_some() {
                            continue;
                        }
                        let (r, c) = (k / cols, k % cols);
                        if kind == 0 {
                            slots[k] = Some(Slot::Empty);
                            continue;
                        }
                        // Shrink the merge until it fits and covers only free slots.
                        let (mut h, mut w) = (h as usize, w as usize);
                        h = h.min(rows - r);
                        w = w.min(cols - c);
                        while (r..r + h).any(|i| (c..c + w).any(|j| slots[i * cols + j].is_some()))
                        {
                            if w > 1 {
                                w -= 1;
                            } else {
                                h -= 1;
                            }
                        }
                        let h = h.max(1);
                        for i in r..r + h {
                            for j in c..c + w {
                                slots[i * cols + j] = Some(Slot::Covered {
                                    anchor: Pos {
                                        row: r as u32,
                                        col: c as u32,
                                    },
                                });
                            }
                        }
                        slots[k] = Some(Slot::Anchor {
                            text,
                            span: Span {
                                rows: h as u32,
                                cols: w as u32,
                            },
                        });
                    }
                    let rows_v = slots
                        .chunks(cols)
                        .map(|ch| {
                            ch.iter()
                                .map(|s| s.clone().unwrap_or(Slot::Empty))
                                .collect()
                        })
                        .collect();
                    Grid::from_rows(rows_v, Locator::Table(1))
                })
        })
    }

    proptest! {
        /// What inspect prints reads back as the same blocks, for any grid.
        #[test]
        fn render_then_parse_is_the_identity(g in any_grid(), p in cell_text()) {
            let blocks = vec![Block::Paragraph(p), Block::Table(g)];
            let text = render(&blocks);
            prop_assert_eq!(parse(&text).map_err(|e| e.to_string()), Ok(blocks), "{}", text);
        }
    }
}
