//! The normaliser fed arbitrary grids: cells drawn from real labels, values
//! and noise, with arbitrary spans, across several tables and paragraphs.
#![no_main]
use jixiao::grid::{Block, Grid, Pos, Slot, Span};
use libfuzzer_sys::fuzz_target;

const WORDS: &[&str] = &[
    "一级指标", "二级指标", "三级指标", "指标值", "绩效指标描述", "指标性质", "度量单位", "分值", "得分",
    "实际完成值", "项目名称", "预算数", "其中：财政资金", "其他资金", "单位：万元", "预算规模及资金用途",
    "绩效目标", "实施单位", "主管部门", "总体目标", "年度目标", "产出指标", "数量指标", "质量指表",
    "效益指标", "满意度指标", "≥95%", "≤3天", "定性", "≥", "100", "0.80", "1,234.50", "", "—", "合计",
    "267101天津市某院", "2024年某项目-2024中央", "某项目绩效目标表", "1.目标一\n2.目标二", "x", "保障",
];

fuzz_target!(|data: &[u8]| {
    let mut bytes = data.iter().copied();
    let mut next = || bytes.next().unwrap_or(0);
    let mut blocks = Vec::new();
    for t in 0..(next() % 4) {
        if next() % 3 == 0 {
            blocks.push(Block::Paragraph(WORDS[next() as usize % WORDS.len()].to_string()));
        }
        let rows = (next() % 12) as u32;
        let cols = (next() % 8) as u32 + 1;
        let mut grid: Vec<Vec<Slot>> = vec![vec![Slot::Empty; cols as usize]; rows as usize];
        for r in 0..rows {
            for c in 0..cols {
                if !matches!(grid[r as usize][c as usize], Slot::Empty) {
                    continue;
                }
                let b = next();
                if b % 7 == 0 {
                    continue; // no cell
                }
                let span_r = if b % 5 == 0 { (next() % 3) as u32 + 1 } else { 1 }.min(rows - r);
                let span_c = if b % 11 == 0 { (next() % 3) as u32 + 1 } else { 1 }.min(cols - c);
                let text = WORDS[next() as usize % WORDS.len()].to_string();
                for dr in 0..span_r {
                    for dc in 0..span_c {
                        if dr + dc > 0 {
                            grid[(r + dr) as usize][(c + dc) as usize] =
                                Slot::Covered { anchor: Pos { row: r, col: c } };
                        }
                    }
                }
                grid[r as usize][c as usize] =
                    Slot::Anchor { text, span: Span { rows: span_r, cols: span_c } };
            }
        }
        blocks.push(Block::Table(Grid::from_rows(grid, jixiao::grid::Locator::table(t as usize))));
    }
    let n = jixiao::normalize::normalize(&blocks, "fuzz", "docx");
    for t in &n.tables {
        for w in [jixiao::write::Format::Json, jixiao::write::Format::Jsonl, jixiao::write::Format::Csv] {
            let opts = jixiao::write::Options { format: w, ..jixiao::write::Options::json() };
            let _ = jixiao::write::render(&opts, t);
        }
    }
});
