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
        // Only grids that hold an indicator grid are surely part of a table.
        for b in &doc.blocks {
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
                    let goals_found = text
                        .split('\n')
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
    }
    assert!(checked > 1000, "only {checked} cells checked");
    assert!(
        missing.is_empty(),
        "{} cells lost:\n{}",
        missing.len(),
        missing.join("\n")
    );
}
