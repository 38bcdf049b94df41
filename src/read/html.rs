//! HTML tables, as exported by finance systems (often named .xls): a
//! tolerant scanner, not an XML parser — end tags may be missing, attributes
//! unquoted. `rowspan`/`colspan` become spans by the HTML table algorithm;
//! text outside tables becomes paragraphs (titles, `单位：万元`). The charset
//! comes from the page's `<meta>`, else it is detected.

use crate::error::Result;
use crate::grid::{Block, Grid, Locator, Pos, Slot, Span};
use crate::limits::Limits;
use std::borrow::Cow;

const MAX_SPAN: u32 = 1000;
const MAX_COLS: usize = 16_384;

/// Decodes an HTML page, honouring `<meta charset>` over detection.
pub fn decode(bytes: &[u8]) -> Result<Cow<'_, str>> {
    let head = String::from_utf8_lossy(&bytes[..bytes.len().min(4096)]).to_lowercase();
    if encoding_rs::Encoding::for_bom(bytes).is_none() {
        if let Some(i) = head.find("charset=") {
            let label: String = head[i + 8..]
                .trim_start_matches(['"', '\''])
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
                .collect();
            if let Some(enc) = encoding_rs::Encoding::for_label(label.as_bytes()) {
                let (text, _, _) = enc.decode(bytes);
                return Ok(text);
            }
        }
    }
    super::text::decode(bytes)
}

/// Whether decoded text is an HTML page or fragment with a table.
pub fn is_html(lower_head: &str) -> bool {
    lower_head.contains("<html") || lower_head.contains("<table")
}

struct Cell {
    text: String,
    rows: u32,
    cols: u32,
}

#[derive(Default)]
struct Table {
    rows: Vec<Vec<Cell>>,
    row: Option<Vec<Cell>>,
    cell: Option<Cell>,
    nested: Vec<Grid>,
    number: usize,
}

impl Table {
    fn end_cell(&mut self) {
        if let Some(c) = self.cell.take() {
            self.row.get_or_insert_with(Vec::new).push(c);
        }
    }

    fn end_row(&mut self) {
        self.end_cell();
        if let Some(r) = self.row.take() {
            self.rows.push(r);
        }
    }
}

fn entity(name: &str) -> Option<char> {
    Some(match name {
        "nbsp" => '\u{a0}',
        "amp" => '&',
        "lt" => '<',
        "gt" => '>',
        "quot" => '"',
        "apos" => '\'',
        "ldquo" => '“',
        "rdquo" => '”',
        "lsquo" => '‘',
        "rsquo" => '’',
        "mdash" => '—',
        "ndash" => '–',
        "hellip" => '…',
        "middot" => '·',
        "times" => '×',
        "yen" => '¥',
        "ge" => '≥',
        "le" => '≤',
        _ => {
            let n = name.strip_prefix('#')?;
            let code = match n.strip_prefix(['x', 'X']) {
                Some(hex) => u32::from_str_radix(hex, 16).ok()?,
                None => n.parse().ok()?,
            };
            return char::from_u32(code).filter(|c| *c != '\0');
        }
    })
}

/// Appends text with entities decoded and source line breaks as spaces.
fn push_text(out: &mut String, raw: &str) {
    let mut rest = raw;
    while let Some(i) = rest.find('&') {
        out.extend(
            rest[..i]
                .chars()
                .map(|c| if c.is_whitespace() { ' ' } else { c }),
        );
        let tail = &rest[i + 1..];
        match tail.find(';').filter(|&j| j <= 10) {
            Some(j) if entity(&tail[..j]).is_some() => {
                out.push(entity(&tail[..j]).unwrap_or(' '));
                rest = &tail[j + 1..];
            }
            _ => {
                out.push('&');
                rest = tail;
            }
        }
    }
    out.extend(
        rest.chars()
            .map(|c| if c.is_whitespace() { ' ' } else { c }),
    );
}

/// A tag: its lower-case name, whether it closes, its raw attribute text.
fn parse_tag(tag: &str) -> (String, bool, &str) {
    let (closing, body) = match tag.strip_prefix('/') {
        Some(b) => (true, b),
        None => (false, tag),
    };
    let end = body
        .find(|c: char| c.is_whitespace() || c == '/' || c == '>')
        .unwrap_or(body.len());
    (body[..end].to_ascii_lowercase(), closing, &body[end..])
}

fn span_attr(attrs: &str, name: &str) -> u32 {
    let lower = attrs.to_ascii_lowercase();
    let Some(i) = lower.find(name) else { return 1 };
    let rest = lower[i + name.len()..].trim_start();
    let Some(rest) = rest.strip_prefix('=') else {
        return 1;
    };
    let digits: String = rest
        .trim_start()
        .trim_start_matches(['"', '\''])
        .chars()
        .take_while(|c| c.is_ascii_digit())
        .collect();
    digits.parse::<u32>().unwrap_or(1).clamp(1, MAX_SPAN)
}

pub fn read(html: &str, limits: &Limits) -> Result<Vec<Block>> {
    let mut blocks = Vec::new();
    let mut stack: Vec<Table> = Vec::new();
    let mut para = String::new();
    let mut count = 0usize;
    let mut cells = 0u64;
    let mut slots = 0u64;
    let mut rest = html;
    let flush = |para: &mut String, blocks: &mut Vec<Block>| {
        let t = para.trim();
        if !t.is_empty() {
            blocks.push(Block::Paragraph(t.to_string()));
        }
        para.clear();
    };
    while !rest.is_empty() {
        let Some(lt) = rest.find('<') else {
            text_into(&mut stack, &mut para, rest);
            break;
        };
        text_into(&mut stack, &mut para, &rest[..lt]);
        rest = &rest[lt..];
        if let Some(after) = rest.strip_prefix("<!--") {
            rest = after.find("-->").map_or("", |j| &after[j + 3..]);
            continue;
        }
        let Some(gt) = rest.find('>') else { break };
        let (name, closing, attrs) = parse_tag(&rest[1..gt]);
        rest = &rest[gt + 1..];
        match (name.as_str(), closing) {
            ("script" | "style" | "head", false) => {
                let close = format!("</{name}");
                rest = find_ascii_ci(rest, &close).map_or("", |j| &rest[j..]);
            }
            ("table", false) => {
                if stack.len() >= limits.max_xml_depth {
                    return Err(Limits::exceeded(
                        "max_xml_depth",
                        limits.max_xml_depth as u64,
                    ));
                }
                if stack.is_empty() {
                    flush(&mut para, &mut blocks);
                }
                count += 1;
                if count as u64 > limits.max_tables {
                    return Err(Limits::exceeded("max_tables", limits.max_tables));
                }
                stack.push(Table {
                    number: count,
                    ..Table::default()
                });
            }
            ("table", true) => {
                if let Some(mut t) = stack.pop() {
                    t.end_row();
                    cells += t.rows.iter().map(|r| r.len() as u64).sum::<u64>();
                    if cells > limits.max_cells {
                        return Err(Limits::exceeded("max_cells", limits.max_cells));
                    }
                    let grid = layout(t.rows, Locator::table(t.number), limits)?;
                    slots_fit(&mut slots, &grid, limits)?;
                    match stack.last_mut() {
                        Some(parent) => {
                            parent.nested.push(grid);
                            parent.nested.append(&mut t.nested);
                        }
                        None => {
                            blocks.push(Block::Table(grid));
                            blocks.extend(t.nested.into_iter().map(Block::Table));
                        }
                    }
                }
            }
            ("tr", false) => {
                if let Some(t) = stack.last_mut() {
                    t.end_row();
                    t.row = Some(Vec::new());
                }
            }
            ("tr", true) => {
                if let Some(t) = stack.last_mut() {
                    t.end_row();
                }
            }
            ("td" | "th", false) => {
                if let Some(t) = stack.last_mut() {
                    t.end_cell();
                    t.cell = Some(Cell {
                        text: String::new(),
                        rows: span_attr(attrs, "rowspan"),
                        cols: span_attr(attrs, "colspan"),
                    });
                }
            }
            ("td" | "th", true) => {
                if let Some(t) = stack.last_mut() {
                    t.end_cell();
                }
            }
            ("br", _) | ("p" | "div" | "li" | "h1" | "h2" | "h3" | "h4" | "h5" | "h6", _) => {
                if stack.is_empty() {
                    flush(&mut para, &mut blocks);
                } else if let Some(c) = stack.last_mut().and_then(|t| t.cell.as_mut()) {
                    if !c.text.trim().is_empty() && !c.text.ends_with('\n') {
                        c.text.push('\n');
                    }
                }
            }
            _ => {}
        }
    }
    // Unclosed tables of a truncated page still count.
    while let Some(mut t) = stack.pop() {
        t.end_row();
        let grid = layout(t.rows, Locator::table(t.number), limits)?;
        slots_fit(&mut slots, &grid, limits)?;
        blocks.push(Block::Table(grid));
    }
    flush(&mut para, &mut blocks);
    Ok(blocks)
}

/// Where `needle` (ASCII, lower case) first occurs in `hay`, ignoring ASCII
/// case, without copying `hay`: lowercasing the rest of the page at every
/// `<script>` was quadratic (50,000 scripts, 1.8 MB: 30 s).
fn find_ascii_ci(hay: &str, needle: &str) -> Option<usize> {
    let (h, n) = (hay.as_bytes(), needle.as_bytes());
    let first = *n.first()?;
    let mut from = 0;
    while let Some(i) = h[from..].iter().position(|&b| b == first) {
        let at = from + i;
        if h.len() - at >= n.len() && h[at..at + n.len()].eq_ignore_ascii_case(n) {
            return Some(at);
        }
        from = at + 1;
    }
    None
}

/// Adds a grid's slots to the file's total, within `max_cells`: each table
/// is bounded alone, and so are all of them together.
fn slots_fit(total: &mut u64, grid: &Grid, limits: &Limits) -> Result<()> {
    *total += u64::from(grid.rows()) * u64::from(grid.cols());
    if *total > limits.max_cells {
        return Err(Limits::exceeded("max_cells", limits.max_cells));
    }
    Ok(())
}

fn text_into(stack: &mut [Table], para: &mut String, raw: &str) {
    match stack.last_mut() {
        Some(t) => {
            if let Some(c) = t.cell.as_mut() {
                push_text(&mut c.text, raw);
            }
        }
        None => push_text(para, raw),
    }
}

/// The HTML table algorithm: each cell takes the next column its row has
/// free (rowspans from above occupy columns), spans clipped to the table.
fn layout(rows: Vec<Vec<Cell>>, locator: Locator, limits: &Limits) -> Result<Grid> {
    let n = rows.len();
    let mut slots: Vec<Vec<Slot>> = vec![Vec::new(); n];
    // Every slot a span lays out counts, before it is written: rowspan=1000
    // colspan=1000 cells made 10 GB from 96 KB.
    let (mut area, mut written) = (0u64, 0u64);
    for (r, row) in rows.into_iter().enumerate() {
        let mut c = 0usize;
        for cell in row {
            while slots[r].get(c).is_some_and(|s| !matches!(s, Slot::Empty)) {
                c += 1;
            }
            let rs = (cell.rows as usize).min(n - r);
            let cs = cell.cols as usize;
            // Slots written (spans that overlap write some twice) and slots
            // allocated are both bounded.
            written = written.saturating_add((rs * cs) as u64);
            if c + cs > MAX_COLS || written > limits.max_cells {
                return Err(Limits::exceeded("max_cells", limits.max_cells));
            }
            for dr in 0..rs {
                let line = &mut slots[r + dr];
                if line.len() < c + cs {
                    area += (c + cs - line.len()) as u64;
                    if area > limits.max_cells {
                        return Err(Limits::exceeded("max_cells", limits.max_cells));
                    }
                    line.resize(c + cs, Slot::Empty);
                }
                for dc in 0..cs {
                    line[c + dc] = if dr == 0 && dc == 0 {
                        Slot::Anchor {
                            text: cell.text.trim_matches(['\n', ' ']).to_string(),
                            span: Span {
                                rows: rs as u32,
                                cols: cs as u32,
                            },
                        }
                    } else {
                        Slot::Covered {
                            anchor: Pos {
                                row: r as u32,
                                col: c as u32,
                            },
                        }
                    };
                }
            }
            c += cs;
        }
    }
    super::grid_within(slots, locator, limits)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spans_missing_end_tags_and_entities() {
        let html = "<html><head><title>x</title><style>td{}</style></head><body><p>1.某项目绩效目标表</p>\
            <table border=1><tr><td rowspan=2>产出指标<td>数量&nbsp;指标<td colspan='2'>A&amp;B</tr>\
            <tr><td>质量<br>指标<td>x<td>y</table><!-- <table> --></body></html>";
        let blocks = read(html, &Limits::default()).unwrap();
        assert_eq!(blocks[0], Block::Paragraph("1.某项目绩效目标表".into()));
        let Block::Table(g) = &blocks[1] else {
            panic!("{blocks:?}")
        };
        assert_eq!((g.rows(), g.cols()), (2, 4));
        assert_eq!(g.text_at(1, 0), Some("产出指标"));
        assert_eq!(g.text_at(0, 1), Some("数量\u{a0}指标"));
        assert_eq!(g.text_at(0, 3), Some("A&B"));
        assert_eq!(g.text_at(1, 1), Some("质量\n指标"));
        assert_eq!(g.text_at(1, 3), Some("y"));
        assert_eq!(blocks.len(), 2);
    }

    #[test]
    fn meta_charset_wins() {
        let page = "<html><meta charset=\"gbk\"><table><tr><td>合计</td></tr></table></html>";
        let (gbk, _, _) = encoding_rs::GBK.encode(page);
        assert_eq!(decode(&gbk).unwrap(), page);
    }
}
