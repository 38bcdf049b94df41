//! "Every non-empty cell of a recognised table lands in a field or in
//! notes": for every sample, each cell of a grid that holds an indicator
//! grid is found in the file's JSON — as written, or (for labels) as a label
//! the normaliser knows.

use jixiao::grid::{Block, Slot};
use jixiao::limits::Limits;
use jixiao::normalize::lexicon::{column, header_label, Column};
use jixiao::normalize::text::{clean, is_placeholder, strip_numbering};
use jixiao::normalize::vocab::is_level_label;

#[test]
fn every_cell_of_every_sample_table_is_accounted_for() {
    let mut samples: Vec<_> = std::fs::read_dir("samples")
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_none_or(|e| e != "py"))
        .collect();
    samples.sort();
    let mut missing = Vec::new();
    let mut checked = 0;
    for path in samples {
        let file = path.to_string_lossy().to_string();
        let doc = jixiao::read::read(&std::fs::read(&path).unwrap(), &Limits::default()).unwrap();
        let n = jixiao::normalize::normalize(&doc.blocks, &file, doc.format.as_str());
        let json = serde_json::to_string(&n.tables).unwrap();
        let found = lost_cells(&doc.blocks, &json, &file);
        checked += found.0;
        missing.extend(found.1);
    }
    assert!(checked > 1000, "only {checked} cells checked");
    assert!(
        missing.is_empty(),
        "{} cells lost:\n{}",
        missing.len(),
        missing.join("\n")
    );
}

/// The cells of the indicator-bearing grids of `blocks` that are found
/// neither in `json` nor as labels: (cells checked, cells lost).
fn lost_cells(blocks: &[Block], json: &str, file: &str) -> (usize, Vec<String>) {
    let mut missing = Vec::new();
    let mut checked = 0;
    // Only grids that hold an indicator grid are surely part of a table.
    for b in blocks {
        let Block::Table(g) = b else { continue };
        let has_grid = (0..g.rows()).any(|r| {
            (0..g.cols()).any(|c| {
                g.text_at(r, c).is_some_and(|t| {
                    matches!(
                        column(t),
                        Some(Column::Level1 | Column::Level2 | Column::Level3 | Column::Target)
                    )
                })
            })
        });
        if !has_grid {
            continue;
        }
        for r in 0..g.rows() {
            for c in 0..g.cols() {
                let Slot::Anchor { text, .. } = g.slot(r, c) else {
                    continue;
                };
                let t = clean(text);
                if t.is_empty() || is_placeholder(&t) {
                    continue;
                }
                checked += 1;
                let label = header_label(&t).is_some()
                    || column(&t).is_some()
                    || is_level_label(&t)
                    || t.contains("绩效目标")
                    // a type column's word lands in target.kind
                    || t == "定性"
                    || t == "定量";
                let escaped = serde_json::to_string(&t).unwrap();
                let has = |s: &str| !s.is_empty() && json.contains(s);
                // Rules that split or reshape a cell, per SCHEMA.md:
                // `单位：万元` pairs land as values, a code glued to a unit
                // name as two fields, numbered goals without numbers.
                let pairs_found = text.contains([':', '：'])
                    && text.split_whitespace().all(|seg| {
                        seg.split_once([':', '：'])
                            .is_none_or(|(_, v)| has(&clean(v)))
                    });
                let digits = t.chars().take_while(|c| c.is_ascii_digit()).count();
                let code_split = digits >= 3 && has(&t[..digits]) && has(&t[digits..]);
                // Goals numbered within one line (`1.…；2.…`) split there too.
                let goals_found = text
                    .split(['\n', '；'])
                    .all(|p| p.trim().is_empty() || has(&clean(strip_numbering(p))));
                let found = has(&t)
                    || has(&escaped[1..escaped.len() - 1])
                    || pairs_found
                    || code_split
                    || goals_found;
                if !found && !label {
                    missing.push(format!("{file} {} r{} c{}: {t}", g.locator, r + 1, c + 1));
                }
            }
        }
    }
    (checked, missing)
}

mod generated {
    //! The same invariant over generated grids: random header blocks, column
    //! orders (known, qualified and unknown labels), vertical merges, empty
    //! and placeholder cells, rows after the grid. A new rule that drops a
    //! cell fails here before it fails on a user's file.

    use super::lost_cells;
    use jixiao::grid::{Block, Grid, Pos, Slot, Span};
    use proptest::prelude::*;

    const HEADER_LABELS: &[&str] = &[
        "项目名称",
        "实施单位",
        "主管部门",
        "年度资金总额",
        "其中：财政拨款",
        "其他资金",
        "绩效目标",
        "项目属性",
        "联络口径",
        "2024年度绩效目标",
    ];
    const COLUMNS: &[&str] = &[
        "一级指标",
        "二级指标",
        "三级指标",
        "年度指标值",
        "指标性质",
        "计量单位",
        "分值",
        "得分",
        "备注",
        "考评口径",
        "评分标准",
        "实际完成值（定性填达成、部分达成、未达成）",
    ];
    const LEVEL1: &[&str] = &["产出指标", "效益指标", "满意度指标", "产出指表", "甲类指标"];
    const LEVEL2: &[&str] = &[
        "数量指标",
        "质量指标",
        "时效指标",
        "社会效益指标",
        "进度指标",
    ];
    const VALUES: &[&str] = &[
        "≥300人次",
        "95%",
        "提高",
        "=100.00(%)",
        "≤5天",
        "定性",
        "正向",
        "—",
        "",
        "12月底前",
    ];
    const TRAILERS: &[&[&str]] = &[
        &["评价结论", "优"],
        &["注：金额单位为万元"],
        &["总分", "100", "96"],
        &["填表人：张三  审核人：李四"],
    ];

    fn anchor(text: &str) -> Slot {
        Slot::Anchor {
            text: text.to_string(),
            span: Span { rows: 1, cols: 1 },
        }
    }

    prop_compose! {
        fn grid_blocks()(
            header in proptest::collection::vec((0..HEADER_LABELS.len(), 0..1000u32), 0..5),
            cols in proptest::sample::subsequence((0..COLUMNS.len()).collect::<Vec<_>>(), 3..8),
            rows in proptest::collection::vec(
                (0..LEVEL1.len(), 0..LEVEL2.len(), proptest::collection::vec(0..VALUES.len(), 8), 0..4u32),
                1..10,
            ),
            trailers in proptest::collection::vec(0..TRAILERS.len(), 0..3),
        ) -> Vec<Block> {
            let mut cols = cols;
            // A grid names its indicators and their values.
            for must in [2usize, 3] {
                if !cols.contains(&must) {
                    cols.push(must);
                }
            }
            cols.sort();
            let width = cols.len().max(2);
            let mut out: Vec<Vec<Slot>> = Vec::new();
            for (l, n) in &header {
                let mut row = vec![anchor(HEADER_LABELS[*l]), anchor(&format!("值{n}甲"))];
                row.resize(width, anchor(""));
                out.push(row);
            }
            out.push(cols.iter().map(|c| anchor(COLUMNS[*c])).collect());
            let grid_start = out.len() as u32;
            for (i, (l1, l2, vals, merge)) in rows.iter().enumerate() {
                let r = out.len() as u32;
                let row: Vec<Slot> = cols
                    .iter()
                    .enumerate()
                    .map(|(k, c)| match COLUMNS[*c] {
                        // Level 1 merged down over the row above when asked.
                        "一级指标" if *merge == 0 && r > grid_start => Slot::Covered {
                            anchor: Pos { row: grid_start, col: k as u32 },
                        },
                        "一级指标" => anchor(LEVEL1[*l1]),
                        "二级指标" => anchor(LEVEL2[*l2]),
                        "三级指标" => anchor(&format!("指标{i}号")),
                        _ => anchor(VALUES[vals[k % vals.len()]]),
                    })
                    .collect();
                out.push(row);
            }
            fix_merges(&mut out, grid_start as usize, width);
            for t in &trailers {
                let mut row: Vec<Slot> = TRAILERS[*t].iter().map(|s| anchor(s)).collect();
                row.resize(width, anchor(""));
                out.push(row);
            }
            vec![
                Block::Paragraph("项目支出绩效目标表".into()),
                Block::Table(Grid::from_rows(out, jixiao::grid::Locator::Table(1))),
            ]
        }
    }

    /// Level-1 cells merged down: only a contiguous run under the anchor is
    /// covered, and the anchor's span says how far.
    #[allow(clippy::needless_range_loop)]
    fn fix_merges(out: &mut [Vec<Slot>], start: usize, width: usize) {
        for c in 0..width {
            let mut len = 0;
            let mut run = true;
            for r in start + 1..out.len() {
                if matches!(out[r][c], Slot::Covered { .. }) {
                    if run {
                        len += 1;
                    } else {
                        out[r][c] = anchor("");
                    }
                } else {
                    run = false;
                }
            }
            if let Slot::Anchor { span, .. } = &mut out[start][c] {
                span.rows = 1 + len;
            }
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]
        #[test]
        fn every_cell_of_a_generated_grid_is_accounted_for(blocks in grid_blocks()) {
            let n = jixiao::normalize::normalize(&blocks, "gen.docx", "docx");
            let json = serde_json::to_string(&n.tables).unwrap();
            let (_, lost) = lost_cells(&blocks, &json, "gen.docx");
            prop_assert!(lost.is_empty(), "lost: {lost:?}\n{}", json);
        }
    }
}
