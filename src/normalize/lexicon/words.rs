//! Every word the normaliser decides by, other than the header labels and
//! grid columns of [`super`]: what names a table, how a unit's name ends,
//! totals, rows after the grid, template prompts, the level vocabulary,
//! comparator words. Each list says the context that decides it; the code
//! that reads them holds no Chinese of its own (a test checks that).
//! Words are compared after `text::label_key` unless a list says otherwise.

use crate::model::Op;

// ---- Titles and table kinds -------------------------------------------

/// A line whose key holds one of these names a 绩效目标表 (a heading or a
/// title row). Every one ends in [`TABLE_CHAR`], the cheap test first.
pub const TABLE_NAMES: &[&str] = &[
    "绩效目标表",
    "自评表",
    "申报表",
    "目标表",
    "绩效表",
    "评价指标表",
    "监控表",
];
pub const TABLE_CHAR: char = '表';

/// A lone cell of the header block holding one of these is a title line.
pub const TITLE_WORDS: &[&str] = &["绩效目标", "绩效自评"];
/// A short cell holding this and ending in [`TABLE_CHAR`] is a grid's
/// caption (绩效项目指标表): a title line too.
pub const CAPTION_WORD: &str = "指标";
/// Without a line naming a table, the last short line holding this is the
/// title.
pub const TITLE_FALLBACK: &str = "绩效目标";
/// An attachment mark above a table (`附件2`, `附表1：`): read with the
/// title lines, dropped from the title.
pub const ATTACHMENT_MARKS: &[&str] = &["附件", "附表"];

/// A title holding one of these is a self-evaluation (绩效自评表).
pub const SELF_EVALUATION_TITLES: &[&str] = &["自评"];
/// A title holding one of these is a department's table (部门整体支出绩效目标
/// 表, a unit's 2023年度整体绩效目标表).
pub const DEPARTMENT_TITLES: &[&str] = &["部门整体", "整体绩效", "整体支出"];

// ---- Years ---------------------------------------------------------------

/// What follows a 4-digit year: `2024年`, `2024年度` (longest first).
pub const YEAR_SUFFIXES: &[&str] = &["年度", "年"];
/// A name after a code never starts with this: `(2020)年度` is a year.
pub const YEAR_CHAR: char = '年';
/// A period of months before a label: `1-6月执行数`.
pub const MONTH_CHAR: char = '月';

// ---- Units -------------------------------------------------------------

/// A bare line or cell ending in one of these, all ideographs, names a unit.
pub const UNIT_NAME_ENDINGS: &[&str] = &[
    "院",
    "局",
    "委",
    "委员会",
    "厅",
    "部",
    "办",
    "办公室",
    "处",
    "中心",
    "站",
    "所",
    "馆",
    "校",
    "学",
    "会",
    "队",
    "室",
    "政府",
    "街道",
    "社区",
    "公司",
    "医院",
    "研究院",
    "集团",
    "署",
    "庭",
    "监狱",
];
/// A flat export's unit row keeps its name under this suffix when the
/// project names its own unit: `单位名称（单位）`.
pub const UNIT_ROW_SUFFIX: &str = "（单位）";
/// A header of a flat export's column holding one of these names a project.
pub const PROJECT_WORDS: &[&str] = &["专项", "项目"];

// ---- Money -------------------------------------------------------------

/// Money units, as `单位：万元` or `项目资金（元）` state them; longest first,
/// so that stripping the unit off an amount (`20万元`) takes the whole unit.
pub const MONEY_UNITS: &[&str] = &["亿元", "万元", "千元", "元"];
/// A cell stating the money unit says this before it: `金额单位：元`.
pub const UNIT_WORD: &str = "单位";
/// The `extra` key of a unit code read beside another unit's.
pub const UNIT_CODE_KEY: &str = "单位代码";
/// A row or cell of totals: under a money label its figure is the total;
/// in a flat export the row is no project; in a grid it is no indicator.
pub const TOTAL_ROWS: &[&str] = &["合计", "小计", "总计"];
/// The closing row of a self-evaluation's grid, with a figure a column.
pub const SCORE_TOTAL_ROWS: &[&str] = &["合计", "总分", "总计"];

// ---- Goals -------------------------------------------------------------

/// The key under which goals of a lower rank are kept when the label was
/// not written (a bare 总体目标 beside the year's).
pub const GOALS_KEPT_AS: &str = "总体目标";
/// `目标1：…`, `目标一：…`: a goal item's mark.
pub const GOAL_ITEM: &str = "目标";
/// Administrative divisions: a bracket listing only these (`县(市、区)教育部门`)
/// is a template's stand-in for a place, so the cell names no real unit.
pub const DIVISIONS: &str = "省市县区州盟旗乡镇";
/// Numerals of item marks (`一、`, `（三）`), besides digits.
pub const NUMERALS: &str = "一二三四五六七八九十";

// ---- Indicator grid ------------------------------------------------------

/// A comparator or type column's kind words, and the kind they give.
pub const KIND_WORDS: &[(&str, &str)] = &[
    ("定性", "定性"),
    ("定性指标", "定性"),
    ("定量", "定量"),
    ("定量指标", "定量"),
];
pub const QUALITATIVE: &str = "定性";
/// Direction words (指标方向): not a comparator.
pub const DIRECTIONS: &[&str] = &[
    "正向",
    "反向",
    "正向指标",
    "反向指标",
    "越大越好",
    "越小越好",
    "中性",
];
/// Keys in `extra` of the split value columns' parts when they cannot be
/// composed: the comparator and the unit, and under 实际完成值.
pub const COMPARATOR_KEY: &str = "指标性质";
pub const UNIT_KEY: &str = "度量单位";
pub const ACTUAL_COMPARATOR_KEY: &str = "实际完成值/指标性质";
pub const ACTUAL_UNIT_KEY: &str = "实际完成值/度量单位";

// ---- Rows after the grid -------------------------------------------------

/// A row after the grid starting with one of these (after `label_key`) is a
/// footnote: `注：…`.
pub const FOOTNOTES: &[&str] = &["注:", "注、", "说明:"];
/// Labels of the rows that close a form (a key holding one is a closing or
/// signature label).
pub const TRAILERS: &[&str] = &[
    "评价结论",
    "存在问题",
    "存在的问题",
    "自评结论",
    "审核意见",
    "改进措施",
    "负责人",
    "填表人",
    "填报人",
    "审核人",
    "联系电话",
    "填报日期",
    "填表日期",
    "签章",
    "盖章",
];

// ---- Placeholders and template prompts ----------------------------------

/// A cell holding only this word is empty.
pub const NONE_WORD: &str = "无";
/// A template's prompt left in place of a value (the whole key, brackets off).
pub const PROMPTS: &[&str] = &[
    "签章",
    "盖章",
    "签字",
    "签名",
    "签字盖章",
    "单位盖章",
    "请填写",
    "填写",
    "年月日",
];
/// A seal prompt ends in one of these (`单位公章：年月日`, `（盖章）`).
pub const SEALS: &[&str] = &["公章", "盖章", "签章", "签字"];
/// The blank date after a seal.
pub const BLANK_DATE: &str = "年月日";
/// Every prompt holds one of these characters (after width folding), the
/// cheap test before the key: `X`-runs, and the ideographs of the words
/// above.
pub const PROMPT_CHARS: &[char] = &['X', 'x', '×', 'Ｘ', 'ｘ', '签', '盖', '填', '年', '公'];

// ---- The level vocabulary (SCHEMA.md) ------------------------------------

pub const LEVEL1: &[&str] = &["产出指标", "效益指标", "满意度指标", "成本指标"];

pub const LEVEL2: &[&str] = &[
    "数量指标",
    "质量指标",
    "时效指标",
    "成本指标",
    "经济效益指标",
    "社会效益指标",
    "生态效益指标",
    "可持续影响指标",
    "服务对象满意度指标",
    "经济成本指标",
    "社会成本指标",
    "生态环境成本指标",
];

/// A grid's word for an indicator: a column's name only where no column
/// names the indicator otherwise (绩效指标分类 | 绩效指标 | 绩效指标描述).
pub const INDICATOR_NAMES: &[&str] = &["绩效指标", "指标"];
/// Words one character from a level name that are never one: 绩效指标, the
/// grid's own caption, is no typo of 时效指标.
pub const NEVER_LEVELS: &[&str] = &["绩效指标"];
/// Known aliases, mapped with a note.
pub const LEVEL_ALIASES: &[(&str, &str)] = &[
    ("项目完成指标", "产出指标"),
    ("项目效益指标", "效益指标"),
    ("进度指标", "时效指标"),
    ("环境效益指标", "生态效益指标"),
    ("社会公众或服务对象满意度指标", "服务对象满意度指标"),
];
/// What every level name ends with; added with a note where missing.
pub const LEVEL_SUFFIX: &str = "指标";
pub const LEVEL_SUFFIX_RULE: &str = "vocabulary: 指标 added";
/// Decorations glued to a level label: a score (`(50分)`, `产出指标50分`),
/// a flag (`(必填)`, `(选填)`), a trailing `等`.
pub const SCORE_MARK: char = '分';
pub const REQUIRED_MARKS: &[&str] = &["必填", "选填"];
pub const ETC_MARK: char = '等';

// ---- Values -------------------------------------------------------------

/// Leading comparators, longest spelling first so `大于等于` wins over `大于`.
pub const COMPARATORS: &[(&str, Op)] = &[
    ("大于等于", Op::Ge),
    ("小于等于", Op::Le),
    ("不低于", Op::Ge),
    ("不少于", Op::Ge),
    ("不高于", Op::Le),
    ("不超过", Op::Le),
    ("不多于", Op::Le),
    (">=", Op::Ge),
    ("<=", Op::Le),
    ("=>", Op::Ge),
    ("=<", Op::Le),
    ("至少", Op::Ge),
    ("至多", Op::Le),
    ("大于", Op::Gt),
    ("高于", Op::Gt),
    ("超过", Op::Gt),
    ("小于", Op::Lt),
    ("低于", Op::Lt),
    ("等于", Op::Eq),
    ("达到", Op::Eq),
    ("≥", Op::Ge),
    ("≤", Op::Le),
    (">", Op::Gt),
    ("<", Op::Lt),
    ("=", Op::Eq),
];
/// Trailing comparators: `95%以上`.
pub const COMPARATOR_SUFFIXES: &[(&str, Op)] =
    &[("以上", Op::Ge), ("以下", Op::Le), ("以内", Op::Le)];
/// Between the bounds of a range: `45%-60%`, `3至5`.
pub const RANGE_SEPARATORS: &[&str] = &["-", "~", "至", "到"];
/// A number followed by one of these and then one of [`DEADLINE_MARKS`] is a
/// deadline (`12月底`), not a measure.
pub const DATE_UNITS: &[char] = &['年', '月', '日'];
pub const DEADLINE_MARKS: &[char] = &['底', '末', '初', '前', '内'];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_prompt_holds_a_prefilter_character() {
        for w in PROMPTS.iter().chain(SEALS) {
            assert!(w.chars().any(|c| PROMPT_CHARS.contains(&c)), "{w}");
        }
    }

    #[test]
    fn table_names_end_in_the_table_character() {
        for w in TABLE_NAMES {
            assert!(w.ends_with(TABLE_CHAR), "{w}");
        }
    }

    /// Ideographs inside string or char literals of a line of code, with
    /// its `//` comment cut off.
    fn words_in_code(line: &str) -> Vec<String> {
        let mut found = Vec::new();
        let mut chars = line.chars().peekable();
        let mut lit: Option<(char, String)> = None;
        while let Some(c) = chars.next() {
            match &mut lit {
                Some((q, text)) => {
                    if c == '\\' {
                        chars.next();
                    } else if c == *q {
                        if text.chars().any(|c| ('\u{3400}'..='\u{9FFF}').contains(&c)) {
                            found.push(text.clone());
                        }
                        lit = None;
                    } else {
                        text.push(c);
                    }
                }
                None if c == '/' && chars.peek() == Some(&'/') => break,
                None if c == '"' => lit = Some(('"', String::new())),
                // A char literal, not a lifetime: `'x'` or `'\n'`.
                None if c == '\'' => {
                    let rest: String = chars.clone().take(3).collect();
                    let mut r = rest.chars();
                    match (r.next(), r.next()) {
                        (Some('\\'), _) | (Some(_), Some('\'')) => {
                            lit = Some(('\'', String::new()))
                        }
                        _ => {}
                    }
                }
                None => {}
            }
        }
        found
    }

    /// Every word is here: no code of the normaliser outside the lexicon
    /// holds an ideograph in a literal (tests and comments aside).
    #[test]
    fn no_word_outside_the_lexicon() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/normalize");
        let mut offending = Vec::new();
        let mut files = 0;
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_none_or(|e| e != "rs") {
                continue; // lexicon/ holds the words
            }
            files += 1;
            let text = std::fs::read_to_string(&path).unwrap();
            for (n, line) in text.lines().enumerate() {
                if line.starts_with("#[cfg(test)]") {
                    break;
                }
                for w in words_in_code(line) {
                    offending.push(format!("{}:{}: \"{w}\"", path.display(), n + 1));
                }
            }
        }
        assert!(files >= 8, "only {files} files read in {}", dir.display());
        assert!(
            offending.is_empty(),
            "words outside the lexicon:\n{}",
            offending.join("\n")
        );
        assert_eq!(words_in_code(r#"f("项目", 'a') // "注释""#), vec!["项目"]);
        assert_eq!(words_in_code("x.contains('表') && y<'a>"), vec!["表"]);
    }

    #[test]
    fn money_units_are_longest_first() {
        for (i, u) in MONEY_UNITS.iter().enumerate() {
            for later in &MONEY_UNITS[i + 1..] {
                assert!(!later.ends_with(u), "{later} after {u}");
            }
        }
    }
}
