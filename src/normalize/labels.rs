//! Labels matched by meaning: the header-block fields and the indicator-grid
//! columns, each with the synonyms met across provinces (LAYOUTS.md). A label
//! is matched on its key (`text::label_key`), never on its position.

use super::text::{label_key, split_bracket, strip_numbering};
use std::collections::{HashMap, HashSet};
use std::sync::LazyLock;

/// A header-block label and the field it feeds. Numbers are priorities:
/// lower wins when a table names the same field twice.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HeaderLabel {
    ProjectName,
    Unit(u8),
    UnitCode,
    MoneyUnit,
    Total(u8),
    /// 项目资金总额 / 中期资金总额: kept in `extra`; a 其中 line under it is too.
    MultiYearTotal,
    Fiscal(u8),
    Other,
    /// 资金用途, or the 预算规模及资金用途 section whose free text is the use.
    FundUse,
    Goals(u8),
    /// Groups other labels and has no value of its own (项目资金（万元）).
    Section,
    /// Recognised, kept in `extra` (项目属性, 中期目标, 上年结转资金 …).
    Known,
    /// Columns of jixiao's own flat output, read back: the table's title and
    /// seq, what identifies the source table, and the goals joined with `；`.
    OwnTitle,
    OwnSeq,
    OwnSource,
    OwnGoals,
}

/// A matched header label.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Matched {
    pub label: HeaderLabel,
    /// `其中：…` — belongs to the total it stands under.
    pub sub_item: bool,
    /// A money unit stated in the label's brackets: `项目资金（万元）`.
    pub money_unit: Option<String>,
}

pub const MONEY_UNITS: &[&str] = &["万元", "元", "千元", "亿元"];

const HEADER_LABELS: &[(&str, HeaderLabel)] = &[
    ("项目名称", HeaderLabel::ProjectName),
    ("专项名称", HeaderLabel::ProjectName),
    ("项目全称", HeaderLabel::ProjectName),
    ("实施单位", HeaderLabel::Unit(1)),
    ("项目实施单位", HeaderLabel::Unit(1)),
    ("预算单位", HeaderLabel::Unit(2)),
    ("单位名称", HeaderLabel::Unit(2)),
    ("单位(专项)名称", HeaderLabel::Unit(2)),
    ("部门(单位)名称", HeaderLabel::Unit(2)),
    ("单位(部门)名称", HeaderLabel::Unit(2)),
    ("下达地方或单位", HeaderLabel::Unit(2)),
    ("项目单位", HeaderLabel::Unit(2)),
    ("申报单位", HeaderLabel::Unit(2)),
    ("填报单位", HeaderLabel::Unit(3)),
    ("主管部门", HeaderLabel::Unit(4)),
    ("主管部门及代码", HeaderLabel::Unit(4)),
    ("主管单位", HeaderLabel::Unit(4)),
    ("部门", HeaderLabel::Unit(4)),
    ("部门名称", HeaderLabel::Unit(4)),
    ("单位代码", HeaderLabel::UnitCode),
    ("单位编码", HeaderLabel::UnitCode),
    ("单位", HeaderLabel::MoneyUnit),
    ("金额单位", HeaderLabel::MoneyUnit),
    ("资金单位", HeaderLabel::MoneyUnit),
    ("预算数", HeaderLabel::Total(1)),
    ("年度资金总额", HeaderLabel::Total(1)),
    ("年度资金申请总额", HeaderLabel::Total(1)),
    ("全年预算数", HeaderLabel::Total(1)),
    ("年度预算数", HeaderLabel::Total(1)),
    ("本年预算数", HeaderLabel::Total(1)),
    ("资金总额", HeaderLabel::Total(1)),
    ("预算金额", HeaderLabel::Total(1)),
    ("年初预算数", HeaderLabel::Total(2)),
    ("项目资金总额", HeaderLabel::MultiYearTotal),
    ("中期资金总额", HeaderLabel::MultiYearTotal),
    ("项目总投资", HeaderLabel::MultiYearTotal),
    ("当年财政拨款", HeaderLabel::Fiscal(1)),
    ("本年财政拨款", HeaderLabel::Fiscal(1)),
    ("财政资金", HeaderLabel::Fiscal(2)),
    ("财政拨款", HeaderLabel::Fiscal(2)),
    ("其他资金", HeaderLabel::Other),
    ("资金用途", HeaderLabel::FundUse),
    ("预算规模及资金用途", HeaderLabel::FundUse),
    ("项目资金用途", HeaderLabel::FundUse),
    ("绩效目标", HeaderLabel::Goals(1)),
    ("年度目标", HeaderLabel::Goals(1)),
    ("年度绩效目标", HeaderLabel::Goals(1)),
    ("年度总体目标", HeaderLabel::Goals(1)),
    ("预期目标", HeaderLabel::Goals(1)),
    ("年初设定目标", HeaderLabel::Goals(1)),
    ("总体目标", HeaderLabel::Goals(2)),
    ("项目资金", HeaderLabel::Section),
    ("资金情况", HeaderLabel::Section),
    ("项目资金情况", HeaderLabel::Section),
    ("预算规模", HeaderLabel::Section),
    ("资金来源", HeaderLabel::Section),
    ("项目属性", HeaderLabel::Known),
    ("项目期", HeaderLabel::Known),
    ("项目性质", HeaderLabel::Known),
    ("项目类别", HeaderLabel::Known),
    ("项目类型", HeaderLabel::Known),
    ("项目代码", HeaderLabel::Known),
    ("项目编码", HeaderLabel::Known),
    ("计划开始日期", HeaderLabel::Known),
    ("计划完成日期", HeaderLabel::Known),
    ("项目起止时间", HeaderLabel::Known),
    ("项目负责人", HeaderLabel::Known),
    ("联系人", HeaderLabel::Known),
    ("联系电话", HeaderLabel::Known),
    ("中期目标", HeaderLabel::Known),
    ("项目总体目标", HeaderLabel::Known),
    ("实施期绩效目标", HeaderLabel::Known),
    ("实际完成情况", HeaderLabel::Known),
    ("年度总体目标完成情况综述", HeaderLabel::Known),
    ("上年结转资金", HeaderLabel::Known),
    ("上级资金", HeaderLabel::Known),
    ("自有资金", HeaderLabel::Known),
    ("单位资金", HeaderLabel::Known),
    ("小计", HeaderLabel::Known),
    ("财政拨款小计", HeaderLabel::Known),
    ("自有资金小计", HeaderLabel::Known),
    ("一般公共预算", HeaderLabel::Known),
    ("政府性基金预算", HeaderLabel::Known),
    ("国有资本经营预算", HeaderLabel::Known),
    ("其他收入", HeaderLabel::Known),
    ("执行数", HeaderLabel::Known),
    ("全年执行数", HeaderLabel::Known),
    ("执行率", HeaderLabel::Known),
    ("总分", HeaderLabel::Known),
    ("分值", HeaderLabel::Known),
    ("得分", HeaderLabel::Known),
    ("自评得分", HeaderLabel::Known),
    ("年度执行率", HeaderLabel::Known),
];

/// Matches a header-block label, or `None` for a value.
pub fn header_label(text: &str) -> Option<Matched> {
    // Labels are short; long cells are values (and most cells are values).
    if text.len() > 96 || (!text.contains("下达") && !could_be(text, &HEADER_CHARS)) {
        return None;
    }
    let key = label_key(text);
    if key.is_empty() || key.chars().count() > 24 {
        return None;
    }
    let mut sub_item = false;
    let mut k = key.as_str();
    for prefix in ["其中:", "(其中)", "其中"] {
        if let Some(rest) = k.strip_prefix(prefix) {
            sub_item = true;
            k = rest;
            break;
        }
    }
    let k = strip_numbering(k).trim_start_matches(['(', ')']);
    let k = k
        .trim_start_matches(|c: char| "一二三四五六七八九十".contains(c))
        .trim_start_matches([')', '、']);
    let (head, bracket) = split_bracket(k);
    let money_unit = bracket
        .filter(|b| MONEY_UNITS.contains(b))
        .map(str::to_string);
    let label = lookup(k).or_else(|| lookup(head)).or_else(|| {
        // 下达中央预算内投资（万元）: NDRC's yearly amount.
        (head.starts_with("下达") && head.contains("投资")).then_some(HeaderLabel::Total(1))
    })?;
    Some(Matched {
        label,
        sub_item,
        money_unit,
    })
}

/// Ideographs that occur in some label, outside brackets.
static HEADER_CHARS: LazyLock<HashSet<char>> = LazyLock::new(|| {
    let names = HEADER_LABELS.iter().map(|(n, _)| *n);
    names
        .flat_map(str::chars)
        .chain("其中一二三四五六七八九十".chars())
        .collect()
});

static COLUMN_CHARS: LazyLock<HashSet<char>> =
    LazyLock::new(|| COLUMNS.iter().flat_map(|(n, _)| n.chars()).collect());

/// A cheap test before the full match: every ideograph outside brackets
/// must occur in some label. `硬件设备维护数量` fails at its first character.
fn could_be(text: &str, chars: &HashSet<char>) -> bool {
    let mut depth = 0u32;
    for c in text.chars() {
        match c {
            '(' | '（' | '[' | '【' => depth += 1,
            ')' | '）' | ']' | '】' => depth = depth.saturating_sub(1),
            c if depth == 0 && ('\u{4E00}'..='\u{9FFF}').contains(&c) && !chars.contains(&c) => {
                return false;
            }
            _ => {}
        }
    }
    true
}

fn lookup(k: &str) -> Option<HeaderLabel> {
    static MAP: LazyLock<HashMap<&'static str, HeaderLabel>> =
        LazyLock::new(|| HEADER_LABELS.iter().rev().copied().collect());
    MAP.get(k).copied()
}

fn lookup_column(k: &str) -> Option<Column> {
    static MAP: LazyLock<HashMap<&'static str, Column>> =
        LazyLock::new(|| COLUMNS.iter().rev().copied().collect());
    MAP.get(k).copied()
}

/// A column of the indicator grid.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Column {
    Level1,
    Level2,
    Level3,
    Description,
    Target,
    /// 指标值内容: the value in words, the target when 指标值 is empty.
    TargetText,
    /// 指标性质 / 计算符号 / 指标值类型: a comparator or 定性/定量.
    Comparator,
    /// 度量单位 / 计量单位.
    Unit,
    Weight,
    Actual,
    Score,
    Remark,
    /// A label merged down the whole grid (上海's 绩效指标).
    GridLabel,
    /// jixiao's own output: values derived from others (指标类型, 指标数值 …).
    Derived,
    /// jixiao's own output: `其他`, the extras as JSON.
    OwnExtra,
    /// A header-block field as a column of a flat export (项目名称, 单位代码,
    /// 资金总额 …): its label is in `ColumnMap::fields`.
    Field,
}

const COLUMNS: &[(&str, Column)] = &[
    ("一级指标", Column::Level1),
    ("二级指标", Column::Level2),
    ("三级指标", Column::Level3),
    ("三级指标名称", Column::Level3),
    ("指标内容", Column::Level3),
    ("指标名称", Column::Level3),
    ("绩效指标名称", Column::Level3),
    ("绩效指标描述", Column::Description),
    ("指标描述", Column::Description),
    ("指标解释", Column::Description),
    ("指标说明", Column::Description),
    ("指标值", Column::Target),
    ("年度指标值", Column::Target),
    ("目标值", Column::Target),
    ("年度目标值", Column::Target),
    ("绩效指标值", Column::Target),
    ("预期指标值", Column::Target),
    ("指标目标值", Column::Target),
    ("指标值内容", Column::TargetText),
    ("指标性质", Column::Comparator),
    ("计算符号", Column::Comparator),
    ("指标值类型", Column::Comparator),
    ("比较符", Column::Comparator),
    ("度量单位", Column::Unit),
    ("计量单位", Column::Unit),
    ("分值", Column::Weight),
    ("权重", Column::Weight),
    ("指标分值", Column::Weight),
    ("指标权重", Column::Weight),
    ("实际完成值", Column::Actual),
    ("全年实际值", Column::Actual),
    ("完成值", Column::Actual),
    ("实际值", Column::Actual),
    ("自评完成值", Column::Actual),
    ("得分", Column::Score),
    ("自评得分", Column::Score),
    ("备注", Column::Remark),
    ("绩效指标", Column::GridLabel),
    ("年度绩效指标", Column::GridLabel),
    ("项目绩效指标", Column::GridLabel),
];

/// Matches an indicator-grid column header. Long instructions in brackets
/// (`*实际完成值（定量填数字…）`) are ignored.
pub fn column(text: &str) -> Option<Column> {
    let open = text.trim_start_matches(['*', ' ']);
    let free_tail = open.starts_with("偏差原因") || open.starts_with("未完成原因");
    if text.len() > 192 || (!free_tail && !could_be(text, &COLUMN_CHARS)) {
        return None;
    }
    let key = label_key(text);
    let mut k = key.as_str();
    loop {
        if let Some(c) = lookup_column(k) {
            return Some(c);
        }
        match split_bracket(k) {
            (head, Some(_)) if head != k => k = head,
            _ => break,
        }
    }
    if k.starts_with("偏差原因") || k.starts_with("未完成原因") {
        return Some(Column::Remark);
    }
    None
}

/// The role of each column of jixiao's own flat output (its 32 columns, by
/// Chinese or English name), when `headers` is such a header row.
pub fn own_columns(headers: &[&str]) -> Option<Vec<(Option<Column>, Option<HeaderLabel>)>> {
    use crate::write::FIELDS;
    let index = |h: &str| {
        FIELDS
            .iter()
            .position(|(zh, en)| *zh == h.trim() || *en == h.trim())
    };
    let has = |i: usize| headers.iter().any(|h| index(h) == Some(i));
    // 来源文件, 表序号 and 指标值（原文） together say it is ours.
    if !(has(0) && has(1) && has(20)) {
        return None;
    }
    Some(
        headers
            .iter()
            .map(|h| match index(h) {
                Some(0) | Some(1) => (Some(Column::Field), Some(HeaderLabel::OwnSource)),
                Some(2) => (Some(Column::Field), Some(HeaderLabel::OwnSeq)),
                Some(3) => (Some(Column::Field), Some(HeaderLabel::OwnTitle)),
                Some(5) => (Some(Column::Field), Some(HeaderLabel::UnitCode)),
                Some(6) => (Some(Column::Field), Some(HeaderLabel::Unit(2))),
                Some(7) => (Some(Column::Field), Some(HeaderLabel::MoneyUnit)),
                Some(8) => (Some(Column::Field), Some(HeaderLabel::ProjectName)),
                Some(11) => (Some(Column::Field), Some(HeaderLabel::Total(1))),
                Some(12) => (Some(Column::Field), Some(HeaderLabel::Fiscal(2))),
                Some(13) => (Some(Column::Field), Some(HeaderLabel::Other)),
                Some(14) => (Some(Column::Field), Some(HeaderLabel::FundUse)),
                Some(15) => (Some(Column::Field), Some(HeaderLabel::OwnGoals)),
                Some(16) => (Some(Column::Level1), None),
                Some(17) => (Some(Column::Level2), None),
                Some(18) => (Some(Column::Level3), None),
                Some(19) => (Some(Column::Description), None),
                Some(20) => (Some(Column::Target), None),
                Some(26) => (Some(Column::Weight), None),
                Some(27) => (Some(Column::Actual), None),
                Some(28) => (Some(Column::Score), None),
                Some(29) => (Some(Column::Remark), None),
                Some(30) => (Some(Column::OwnExtra), None),
                Some(_) => (Some(Column::Derived), None),
                None => (None, None),
            })
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_labels_by_meaning() {
        let m = header_label("其中：财政    资金").unwrap();
        assert_eq!((m.label, m.sub_item), (HeaderLabel::Fiscal(2), true));
        let m = header_label("项目资金（万元）").unwrap();
        assert_eq!(
            (m.label, m.money_unit.as_deref()),
            (HeaderLabel::Section, Some("万元"))
        );
        assert_eq!(
            header_label("全年预算数(A)").unwrap().label,
            HeaderLabel::Total(1)
        );
        assert_eq!(
            header_label("下达中央预算内投资（万元）").unwrap().label,
            HeaderLabel::Total(1)
        );
        assert_eq!(
            header_label("(一)财政拨款小计").unwrap().label,
            HeaderLabel::Known
        );
        assert_eq!(
            header_label("中期目标(2024年—2026年)").unwrap().label,
            HeaderLabel::Known
        );
        assert_eq!(header_label("267101天津市武清区人民检察院"), None);
        assert_eq!(header_label("0.80"), None);
    }

    #[test]
    fn columns_by_meaning() {
        assert_eq!(column("指标值(包含数字及文字描述)"), Some(Column::Target));
        assert_eq!(
            column("*实际完成值（定量填数字，定性填达成、部分达成、未达成）"),
            Some(Column::Actual)
        );
        assert_eq!(column("偏差原因分析及改进措施"), Some(Column::Remark));
        assert_eq!(column("三 级 指 标"), Some(Column::Level3));
        assert_eq!(column("评(扣分标准)"), None);
    }
}
