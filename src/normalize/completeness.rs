//! The completeness verdict: which fields the table's layout determines
//! came out empty. Only those make a table `partial` (and fail `--strict`);
//! labels and columns the schema does not model are kept in `extra` with a
//! note, and leave the table `ok`. A cell left unplaced counts only when it
//! looks like the value of a field that stayed empty, and then the gap
//! names that field.

use super::header::{looks_like_unit, names_a_table, states_money_unit, states_year};
use super::lexicon::{words, HeaderLabel};
use crate::model::{Gap, Table, TableKind, Why};

/// What reading a table saw, beyond the table itself.
#[derive(Debug, Default)]
pub struct Facts {
    /// Header labels met, whether or not they got a value.
    pub seen: Vec<HeaderLabel>,
    /// Header-block labels the lexicon does not know (their values went to `extra`).
    pub unknown_labels: Vec<String>,
    /// Grid columns the lexicon does not know that held values.
    pub unknown_columns: Vec<String>,
    /// The table had a header block (a form, not a bare grid).
    pub form: bool,
    /// The indicator grid has a column read as the target.
    pub value_column: bool,
    /// A total label's value was written but is no amount (kept in extra).
    pub total_as_text: bool,
    /// The first header-block cell that states a money unit (`预算资金
    /// (万元)`), whatever read it.
    pub unit_cell: Option<String>,
    /// Its values stand in columns under a value band instead (区域目标值
    /// over 新罗区 | 永定区 …), kept in each indicator's extra.
    pub value_band: bool,
}

pub fn check(t: &mut Table, f: &Facts) {
    let mut gaps = Vec::new();
    let seen = |l: HeaderLabel| f.seen.contains(&l);
    let label_or_form = |l: HeaderLabel| {
        if seen(l) {
            Why::LabelWithoutValue
        } else {
            Why::NoLabel
        }
    };
    // Text left in notes as unplaced, and values kept under unknown labels:
    // where a field's value may have gone astray.
    let unplaced: Vec<&str> = t
        .notes
        .iter()
        .filter(|n| n.rule == "unplaced")
        .map(|n| n.raw.as_str())
        .collect();
    let unknown: std::collections::HashSet<&str> =
        f.unknown_labels.iter().map(String::as_str).collect();
    let kept: Vec<&str> = (t.extra.0.iter())
        .filter(|(k, _)| unknown.contains(k.as_str()))
        .map(|(_, v)| v.as_str())
        .collect();
    let astray = |test: &dyn Fn(&str) -> bool, also_kept: bool| -> Option<Why> {
        let mut all = unplaced
            .iter()
            .chain(if also_kept { &kept[..] } else { &[] });
        all.find(|s| test(s)).map(|s| Why::LeftOver(s.to_string()))
    };

    let n = t.indicators.len();
    if n == 0 {
        gaps.push(Gap::missing("indicators", Why::NoIndicators));
    } else {
        let empty = t.indicators.iter().filter(|i| i.target.is_none()).count();
        // Values per area or village in two or more columns of their own
        // (西坪镇尧山村 | 桃舟乡吾培村 …), each indicator's kept under them.
        let per_column = f.unknown_columns.len() >= 2
            && t.indicators.iter().all(|i| {
                let kept = |c: &String| i.extra.0.iter().any(|(k, _)| k == c);
                f.unknown_columns.iter().filter(|c| kept(c)).count() >= 2
            });
        if (f.value_band || per_column) && !f.value_column {
            // Values per area or period, kept under the band or their
            // columns: no single target to miss.
        } else if !f.value_column && empty == n {
            gaps.push(Gap::missing(
                "indicators[].target",
                Why::NoValueColumn {
                    of: n,
                    columns: f.unknown_columns.clone(),
                },
            ));
        } else if empty > 0 {
            gaps.push(Gap::missing(
                "indicators[].target",
                Why::EmptyCells { n: empty, of: n },
            ));
        }
    }
    if t.title.is_none() {
        if let Some(why) = astray(&|s| names_a_table(s), true) {
            gaps.push(Gap::missing("title", why));
        }
    }
    if t.year.is_none() {
        if let Some(why) = astray(&|s| states_year(s), true) {
            gaps.push(Gap::missing("year", why));
        }
    }
    // A 部门整体 table (its self-evaluation too) describes a department,
    // not a project.
    let department = t.kind == TableKind::Department
        || t.title
            .as_deref()
            .is_some_and(|title| words::DEPARTMENT_TITLES.iter().any(|w| title.contains(w)));
    // A goals row over a grid is no project form: a form names a field
    // beside its goals (unit, money, fund use …).
    let names_a_field = f.seen.iter().any(|l| {
        !matches!(
            l,
            HeaderLabel::Goals | HeaderLabel::Known | HeaderLabel::Section
        )
    });
    let project_form = f.form && !department && names_a_field;
    if t.project_name.is_none() && (seen(HeaderLabel::ProjectName) || project_form) {
        gaps.push(Gap::missing(
            "project_name",
            label_or_form(HeaderLabel::ProjectName),
        ));
    }
    if t.unit_name.is_none() {
        if seen(HeaderLabel::Unit) {
            gaps.push(Gap::missing("unit_name", Why::LabelWithoutValue));
        } else if let Some(why) = astray(&|s| looks_like_unit(s), false) {
            gaps.push(Gap::missing("unit_name", why));
        }
    }
    let money = [HeaderLabel::Total, HeaderLabel::Fiscal, HeaderLabel::Other];
    let money_block = money.iter().any(|l| seen(*l));
    // A total written as text (`854万(其中中央资金600万)`) is null by rule and
    // kept in extra: read, not missing.
    if t.budget.total.is_none() && money_block && !f.total_as_text {
        gaps.push(Gap::missing("budget.total", Why::MoneyWithoutTotal));
    }
    if t.money_unit.is_none() && money_block {
        let stated = || f.unit_cell.clone().map(Why::LeftOver);
        if let Some(why) = astray(&|s| states_money_unit(s), true).or_else(stated) {
            gaps.push(Gap::missing("money_unit", why));
        }
    }
    if t.goals.is_empty() && seen(HeaderLabel::Goals) {
        gaps.push(Gap::missing("goals", Why::LabelWithoutValue));
    }
    t.incomplete = gaps;
}

#[cfg(test)]
mod tests {
    use crate::grid::notation;
    use crate::model::Why;

    /// The money unit written in a label no pattern read (an unknown
    /// group's bracket) is a gap naming that cell; once read, no gap.
    #[test]
    fn a_stated_money_unit_left_unread_is_missing() {
        let grid = |group: &str| {
            format!(
                "▦\n| 项目名称 | 某项目 | · |\n| {group} [2×1] | 年度资金总额 | 100 |\n\
                 | ^ | 其中：财政拨款 | 80 |\n\
                 | 一级指标 | 二级指标 | 指标值 |\n\
                 | 产出指标 | 数量指标 | ≥100人 |\n"
            )
        };
        let gaps = |text: &str| {
            let blocks = notation::parse(text).unwrap();
            let n = crate::normalize::normalize(&blocks, "t.grid", "grid");
            n.tables[0].incomplete.clone()
        };
        let unread = gaps(&grid("投入资金 (万元)"));
        assert_eq!(unread.len(), 1, "{unread:?}");
        assert_eq!(unread[0].field, "money_unit");
        assert_eq!(unread[0].why, Why::LeftOver("投入资金 (万元)".into()));
        assert_eq!(gaps(&grid("资金情况 (万元)")), vec![]);
    }
}
