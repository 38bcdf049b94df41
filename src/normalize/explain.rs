//! `inspect --explain`: for every cell of every table read, the pattern
//! that claimed its row, the pattern's score and the runner-up, so a wrong
//! reading is diagnosed from data rather than from code.

use super::{each_anchor, Normalized};
use crate::grid::{column_letters, Block};
use std::fmt::Write;

/// One line per written cell of each row a pattern read, in reading order:
/// `grid 2 B5 "项目名称" → label | value pairs (10); runner-up: …`.
pub fn explain(blocks: &[Block], n: &Normalized) -> String {
    let grids = super::grids_of(blocks);
    let mut rows: Vec<_> = n.explained.iter().collect();
    rows.sort_by_key(|e| (e.grid, e.row));
    let mut out = String::new();
    for e in rows {
        let Some(g) = grids.get(e.grid) else { continue };
        let runner_up = match e.runner_up {
            Some((p, s)) => format!("{p} ({s})"),
            None => "none".to_string(),
        };
        for (c, t) in each_anchor(g, e.row).filter(|(_, t)| !t.trim().is_empty()) {
            let mut text: String = t.split_whitespace().collect::<Vec<_>>().join(" ");
            if text.chars().count() > 24 {
                text = text.chars().take(23).chain(['…']).collect();
            }
            let _ = writeln!(
                out,
                "{loc} {col}{row} {text:?} → {p} ({s}); runner-up: {runner_up}",
                loc = g.locator,
                col = column_letters(c),
                row = e.row + 1,
                p = e.pattern,
                s = e.score,
            );
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use crate::grid::notation;

    /// A money matrix beats reading its head row as labels over values; the
    /// indicator rows are claimed by the row patterns.
    #[test]
    fn each_cell_names_its_pattern_and_the_runner_up() {
        let text = "\
¶ 项目支出绩效自评表
▦
| 项目名称 | 某项目 [1×3] | ^ | ^ |
| 项目资金(万元) [3×1] | · | 年初预算数 | 全年预算数 |
| ^ | 年度资金总额 | 90 | 90 |
| ^ | 其中：财政拨款 | 90 | 90 |
| 一级指标 | 二级指标 | 三级指标 | 指标值 |
| 产出指标 | 数量指标 | 项目数量 | ≥5个 |
| 填表人：张三 [1×4] | ^ | ^ | ^ |
";
        let blocks = notation::parse(text).unwrap();
        let n = super::super::normalize(&blocks, "t", "txt");
        let want = "\
table 1 A1 \"项目名称\" → label | value pairs (10); runner-up: none
table 1 B1 \"某项目\" → label | value pairs (10); runner-up: none
table 1 A2 \"项目资金(万元)\" → money matrix (80); runner-up: labels over values (60)
table 1 C2 \"年初预算数\" → money matrix (80); runner-up: labels over values (60)
table 1 D2 \"全年预算数\" → money matrix (80); runner-up: labels over values (60)
table 1 B3 \"年度资金总额\" → money matrix (80); runner-up: labels over values (60)
table 1 C3 \"90\" → money matrix (80); runner-up: labels over values (60)
table 1 D3 \"90\" → money matrix (80); runner-up: labels over values (60)
table 1 B4 \"其中：财政拨款\" → money matrix (80); runner-up: labels over values (60)
table 1 C4 \"90\" → money matrix (80); runner-up: labels over values (60)
table 1 D4 \"90\" → money matrix (80); runner-up: labels over values (60)
table 1 A5 \"一级指标\" → indicator-grid header (100); runner-up: none
table 1 B5 \"二级指标\" → indicator-grid header (100); runner-up: none
table 1 C5 \"三级指标\" → indicator-grid header (100); runner-up: none
table 1 D5 \"指标值\" → indicator-grid header (100); runner-up: none
table 1 A6 \"产出指标\" → indicator (50); runner-up: none
table 1 B6 \"数量指标\" → indicator (50); runner-up: none
table 1 C6 \"项目数量\" → indicator (50); runner-up: none
table 1 D6 \"≥5个\" → indicator (50); runner-up: none
table 1 A7 \"填表人：张三\" → row after the grid (80); runner-up: none
";
        assert_eq!(super::explain(&blocks, &n), want);
        assert_eq!(
            n.tables[0].budget.total.map(|d| d.to_string()).as_deref(),
            Some("90")
        );
    }
}
