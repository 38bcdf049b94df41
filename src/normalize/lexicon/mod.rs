//! Labels matched by meaning: the header-block fields and the indicator-grid
//! columns, each with the synonyms met across provinces (LAYOUTS.md). A label
//! is matched on its key (`text::label_key`), never on its position.

use super::memo::{memo, BuildFx, MemoMap};
use super::text::{label_key, split_bracket, strip_leading_year, strip_numbering};
use std::cell::RefCell;
use std::collections::HashMap;
use std::sync::LazyLock;

/// What a header-block label feeds. How strongly it claims its field is
/// the lexicon row's `priority`, not part of the meaning.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum HeaderLabel {
    ProjectName,
    Unit,
    UnitCode,
    MoneyUnit,
    Total,
    /// 项目资金总额 / 中期资金总额: kept in `extra`; a 其中 line under it is too.
    MultiYearTotal,
    Fiscal,
    Other,
    /// 资金用途, or the 预算规模及资金用途 section whose free text is the use.
    FundUse,
    Goals,
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

/// A column of the indicator grid.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Column {
    Level1,
    Level2,
    Level3,
    Description,
    Target,
    /// 指标值内容: the value in words, the target when 指标值 is empty.
    TargetText,
    /// 指标性质 / 计算符号 / 指标方向: a comparator (or 定性/定量, 正向/反向).
    Comparator,
    /// 度量单位 / 计量单位.
    Unit,
    Weight,
    Actual,
    Score,
    Remark,
    /// A label merged down the whole grid (上海's 绩效指标).
    GridLabel,
    /// Recognised but not modelled (评分标准, 复核得分, 优/良/中/差): kept in
    /// the indicator's `extra`, and not a gap in the table.
    Known,
    /// jixiao's own output: values derived from others (指标类型, 指标数值 …).
    Derived,
    /// jixiao's own output: `其他`, the extras as JSON.
    OwnExtra,
    /// Under a two-row 实际完成值 header, one of its 指标性质 | 指标值 | 度量单位
    /// sub-columns: together they make the actual value.
    ActualPart,
    /// A header-block field as a column of a flat export (项目名称, 单位代码,
    /// 资金总额 …): its label is in `ColumnMap::fields`.
    Field,
}

/// A matched header label.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Matched {
    pub label: HeaderLabel,
    /// Lower wins when a table names the same field twice.
    pub priority: u8,
    /// `其中：…` — belongs to the total it stands under.
    pub sub_item: bool,
    /// A money unit stated in the label's brackets: `项目资金（万元）`.
    pub money_unit: Option<String>,
}

pub mod words;
pub use words::MONEY_UNITS;

/// One core term and what it means: as a header-block label (with its
/// priority), as an indicator-grid column, or both. The context picks one:
/// `单位` is the money unit in a header block and the measure unit in a grid;
/// `分值` a money-matrix column there and the weight here.
struct Term {
    key: &'static str,
    field: Option<(HeaderLabel, u8)>,
    column: Option<Column>,
}

const fn f(key: &'static str, l: HeaderLabel, p: u8) -> Term {
    Term {
        key,
        field: Some((l, p)),
        column: None,
    }
}
const fn c(key: &'static str, col: Column) -> Term {
    Term {
        key,
        field: None,
        column: Some(col),
    }
}
const fn fc(key: &'static str, l: HeaderLabel, p: u8, col: Column) -> Term {
    Term {
        key,
        field: Some((l, p)),
        column: Some(col),
    }
}

use Column as C;
use HeaderLabel as H;

/// The lexicon: every label meaning jixiao knows, one row a term. Variants
/// made of a term and qualifiers (years, 年度/本年/预期…, brackets, `*`,
/// suffixes such as 说明) are read by [`read`], not listed here. Adding a
/// region's label is adding a row.
#[rustfmt::skip]
const LEXICON: &[Term] = &[
    // Project and unit.
    f("项目名称", H::ProjectName, 1),
    f("专项名称", H::ProjectName, 1),
    f("项目全称", H::ProjectName, 1),
    f("二级项目名称", H::ProjectName, 1),
    f("转移支付名称", H::ProjectName, 1),
    f("项目支出名称", H::ProjectName, 1),
    f("资金名称", H::ProjectName, 2),
    f("专项资金名称", H::ProjectName, 2),
    f("一级项目名称", H::Known, 1),
    f("实施单位", H::Unit, 1),
    f("项目实施单位", H::Unit, 1),
    f("项目执行单位", H::Unit, 1),
    f("预算单位", H::Unit, 2),
    f("单位名称", H::Unit, 2),
    f("单位(专项)名称", H::Unit, 2),
    f("部门(单位)名称", H::Unit, 2),
    f("单位(部门)名称", H::Unit, 2),
    f("下达地方或单位", H::Unit, 2),
    f("项目单位", H::Unit, 2),
    f("申报单位", H::Unit, 2),
    f("用款单位", H::Unit, 2),
    f("资金使用单位", H::Unit, 1),
    f("填报单位", H::Unit, 3),
    f("编制单位", H::Unit, 3),
    f("主管部门", H::Unit, 4),
    f("项目主管部门", H::Unit, 4),
    f("主管部门及代码", H::Unit, 4),
    f("主管部门名称", H::Unit, 4),
    f("主管单位", H::Unit, 4),
    f("业务主管部门", H::Unit, 4),
    f("省级业务主管部门", H::Unit, 4),
    f("部门", H::Unit, 4),
    f("部门名称", H::Unit, 4),
    f("预算部门", H::Unit, 4),
    f("单位代码", H::UnitCode, 1),
    f("单位编码", H::UnitCode, 1),
    f("预算编码", H::UnitCode, 2),
    f("单位预算编码", H::UnitCode, 1),
    f("部门预算编码", H::UnitCode, 1),
    f("部门编码", H::UnitCode, 1),
    f("部门代码", H::UnitCode, 1),
    fc("单位", H::MoneyUnit, 1, C::Unit),
    f("金额单位", H::MoneyUnit, 1),
    f("资金单位", H::MoneyUnit, 1),
    // Money: the year's total, fiscal and other funds.
    f("预算数", H::Total, 1),
    f("年度资金总额", H::Total, 1),
    f("年度资金申请总额", H::Total, 1),
    f("年度金额", H::Total, 1),
    f("全年预算数", H::Total, 1),
    f("调整后预算数", H::Total, 1),
    f("年度预算数", H::Total, 1),
    f("本年预算数", H::Total, 1),
    f("资金总额", H::Total, 1),
    f("财政资金总额", H::Total, 1),
    f("预算金额", H::Total, 1),
    f("项目预算", H::Total, 1),
    f("年度预算", H::Total, 1),
    f("预算", H::Total, 2),
    f("预算资金", H::Section, 1),
    f("年初预算数", H::Total, 2),
    f("年初预算", H::Total, 2),
    f("预算申报数", H::Total, 1),
    f("申报数", H::Total, 2),
    f("项目资金总额", H::MultiYearTotal, 1),
    f("中期资金总额", H::MultiYearTotal, 1),
    f("项目总投资", H::MultiYearTotal, 1),
    f("实施期资金总额", H::MultiYearTotal, 1),
    f("当年财政拨款", H::Fiscal, 1),
    f("本年财政拨款", H::Fiscal, 1),
    f("财政资金", H::Fiscal, 2),
    f("财政拨款", H::Fiscal, 2),
    f("财政拨款资金", H::Fiscal, 2),
    f("财政拨款数", H::Fiscal, 2),
    f("一般公共预算拨款", H::Fiscal, 3),
    f("当年金额", H::Total, 3),
    f("其他资金", H::Other, 1),
    f("其它资金", H::Other, 1),
    f("资金用途", H::FundUse, 1),
    f("预算规模及资金用途", H::FundUse, 1),
    f("项目资金用途", H::FundUse, 1),
    f("用途范围", H::FundUse, 2),
    f("资金用途范围", H::FundUse, 1),
    f("资金使用范围", H::FundUse, 2),
    // Goals: the year's target first; a bare 总体目标 only without one.
    f("绩效目标", H::Goals, 1),
    f("年度目标", H::Goals, 1),
    f("年度绩效目标", H::Goals, 1),
    f("项目年度绩效目标", H::Goals, 1),
    f("项目年度目标", H::Goals, 1),
    f("年度总体目标", H::Goals, 1),
    f("年度总体绩效目标", H::Goals, 1),
    f("年度绩效总目标", H::Goals, 1),
    f("总体绩效目标", H::Goals, 2),
    f("预期目标", H::Goals, 1),
    f("年初设定目标", H::Goals, 1),
    f("年度主要目标和成果", H::Goals, 1),
    f("年度主要目标", H::Goals, 1),
    f("项目总目标", H::Known, 1),
    f("总体目标", H::Goals, 2),
    // 中期滚动目标 (Guangdong): the multi-year rolling goal, read as 中期 + this.
    f("滚动目标", H::Goals, 2),
    f("项目绩效目标", H::Goals, 2),
    f("项目资金", H::Section, 1),
    f("资金情况", H::Section, 1),
    f("项目资金情况", H::Section, 1),
    f("预算规模", H::Section, 1),
    f("资金来源", H::Section, 1),
    f("投入目标", H::Section, 1),
    f("项目资金申请", H::Section, 1),
    f("资金申请", H::Section, 1),
    f("资金需求", H::Section, 1),
    f("项目资金需求", H::Section, 1),
    f("总体资金情况", H::Section, 1),
    f("资金总额及构成", H::Section, 1),
    f("资金构成", H::Section, 1),
    f("资金来源及构成", H::Section, 1),
    f("预算执行情况", H::Section, 1),
    f("预算执行", H::Section, 1),
    // 部门整体 tables: the year's budget by kind of spending.
    f("预算安排", H::Section, 1),
    f("年度预算安排", H::Section, 1),
    f("基本支出", H::Known, 1),
    f("项目支出", H::Known, 1),
    f("项目资金预算执行", H::Section, 1),
    f("部门预算执行情况", H::Section, 1),
    f("项目预算执行情况", H::Section, 1),
    // Recognised, kept in extra.
    f("项目属性", H::Known, 1),
    f("项目期", H::Known, 1),
    f("项目性质", H::Known, 1),
    f("立项依据", H::Known, 1),
    f("项目立项依据", H::Known, 1),
    f("项目类别", H::Known, 1),
    f("项目类型", H::Known, 1),
    f("项目代码", H::Known, 1),
    f("项目编码", H::Known, 1),
    f("计划开始日期", H::Known, 1),
    f("计划完成日期", H::Known, 1),
    f("项目起止时间", H::Known, 1),
    f("项目负责人", H::Known, 1),
    f("联系人", H::Known, 1),
    f("联系电话", H::Known, 1),
    f("填表人", H::Known, 1),
    f("填报人", H::Known, 1),
    f("审核人", H::Known, 1),
    f("财务负责人", H::Known, 1),
    f("单位负责人", H::Known, 1),
    f("填报日期", H::Known, 1),
    f("填表日期", H::Known, 1),
    f("中期目标", H::Known, 1),
    f("项目总体目标", H::Known, 1),
    f("实施期绩效目标", H::Known, 1),
    f("实施期目标", H::Known, 1),
    f("长期目标", H::Known, 1),
    f("实际完成情况", H::Known, 1),
    f("年度总体目标完成情况综述", H::Known, 1),
    f("年度总体目标完成情况", H::Known, 1),
    f("年度目标完成情况", H::Known, 1),
    f("总体目标完成情况", H::Section, 1),
    f("上年结转资金", H::Known, 1),
    f("上级资金", H::Known, 1),
    f("自有资金", H::Known, 1),
    f("单位资金", H::Known, 1),
    f("小计", H::Known, 1),
    f("财政拨款小计", H::Known, 1),
    f("自有资金小计", H::Known, 1),
    f("一般公共预算", H::Known, 1),
    f("政府性基金预算", H::Known, 1),
    f("国有资本经营预算", H::Known, 1),
    f("政府性基金", H::Known, 1),
    f("国有资本经营", H::Known, 1),
    f("财政专户管理资金", H::Known, 1),
    f("事业收入", H::Known, 1),
    f("经营收入", H::Known, 1),
    f("经营性收入", H::Known, 1),
    f("上级补助收入", H::Known, 1),
    f("附属单位上缴收入", H::Known, 1),
    f("其他收入", H::Known, 1),
    f("执行数", H::Known, 1),
    f("全年执行数", H::Known, 1),
    f("执行率", H::Known, 1),
    f("年度执行率", H::Known, 1),
    f("预算执行率", H::Known, 1),
    f("执行率权重", H::Known, 1),
    f("执行率得分", H::Known, 1),
    f("自评总分", H::Known, 1),
    f("总分", H::Known, 1),
    fc("分值", H::Known, 1, C::Weight),
    fc("得分", H::Known, 1, C::Score),
    fc("自评得分", H::Known, 1, C::Score),
    c("指标得分", C::Score),
    f("评价结论", H::Known, 1),
    f("自评结论", H::Known, 1),
    f("审核意见", H::Known, 1),
    f("主管部门审核意见", H::Known, 1),
    f("财政部门审核意见", H::Known, 1),
    f("改进措施", H::Known, 1),
    f("问题及改进措施", H::Known, 1),
    f("备注说明", H::Known, 1),
    // The indicator grid.
    c("一级指标", C::Level1),
    c("绩效指标分类", C::Level1),
    c("二级指标", C::Level2),
    c("三级指标", C::Level3),
    c("三级指标名称", C::Level3),
    // Level headers without 指标 (一级 | 二级 | 三级 | 本年数值).
    c("一级", C::Level1),
    c("一级目标", C::Level1),
    c("二级", C::Level2),
    c("三级", C::Level3),
    c("指标内容", C::Level3),
    c("指标名称", C::Level3),
    c("绩效指标名称", C::Level3),
    c("具体指标", C::Level3),
    c("指标", C::Level3),
    c("绩效内容", C::Level3),
    c("绩效指标描述", C::Description),
    c("指标描述", C::Description),
    c("指标解释", C::Description),
    c("指标说明", C::Description),
    c("指标值", C::Target),
    c("目标值", C::Target),
    c("数值", C::Target),
    c("指标目标值", C::Target),
    c("预期实现值", C::Target),
    c("全年绩效目标", C::Target),
    c("指标值内容", C::TargetText),
    c("指标性质", C::Comparator),
    c("计算符号", C::Comparator),
    c("指标值类型", C::Comparator),
    c("比较符", C::Comparator),
    c("比较符号", C::Comparator),
    c("运算符号", C::Comparator),
    c("指标方向", C::Comparator),
    c("度量单位", C::Unit),
    c("计量单位", C::Unit),
    c("指标单位", C::Unit),
    c("权重", C::Weight),
    c("指标分值", C::Weight),
    c("指标权重", C::Weight),
    c("实际完成值", C::Actual),
    c("实际值", C::Actual),
    c("完成值", C::Actual),
    c("实际完成", C::Actual),
    c("自评完成值", C::Actual),
    c("全年实际值", C::Actual),
    c("实际完成指标值", C::Actual),
    c("实际实现值", C::Actual),
    c("备注", C::Remark),
    c("偏差原因", C::Remark),
    c("未完成原因", C::Remark),
    c("未达到指标值原因", C::Remark),
    c("绩效指标", C::GridLabel),
    c("年度绩效指标", C::GridLabel),
    c("项目绩效指标", C::GridLabel),
    c("评分标准", C::Known),
    c("扣分标准", C::Known),
    c("评(扣分标准)", C::Known),
    c("评分规则", C::Known),
    c("指标类型", C::Known),
    c("复核完成值", C::Known),
    c("复核得分", C::Known),
    c("序号", C::Known),
    c("优", C::Known),
    c("良", C::Known),
    c("中", C::Known),
    c("差", C::Known),
];

/// Qualifiers read around a core term, in the order they are tried.
/// Periods that name more than the year (中期, 实施期 …) change what a
/// yearly term means, so they are told apart.
pub const YEARLY: &[&str] = &[
    "本年度",
    "年度",
    "本年",
    "全年",
    "当年",
    "年初",
    "(调整)",
    "调整后",
];
pub const MULTI_YEAR: &[&str] = &["中期", "实施期", "项目期", "长期", "整体"];
const KIND: &[&str] = &["预期", "计划", "绩效", "目标"];
const SUFFIXES: &[&str] = &["说明", "及单位", "(必填)"];

/// What was read around the core term.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Qualifiers {
    /// A period that names more than the year (中期, 实施期 …).
    pub multi_year: bool,
    /// A period that names the year (当年资金总额 beside 资金总额).
    pub yearly: bool,
    /// Bracketed remarks and instructions removed (`定量填数字…`, `万元`).
    pub brackets: Vec<String>,
}

/// The reading of a label key: the lexicon row and the qualifiers around it.
/// Tried from the most specific (the whole key) to the least: brackets off,
/// then a leading year, then period and kind prefixes, then suffixes; the
/// first key the lexicon knows wins.
fn read(key: &str, want: impl Fn(&Term) -> bool) -> Option<(&'static Term, Qualifiers)> {
    read_key(key, &want).or_else(|| {
        // 编码 for 代码 when nothing else matched: 主管部门及编码.
        key.contains("编码")
            .then(|| read_key(&key.replace("编码", "代码"), &want))
            .flatten()
    })
}

fn read_key(key: &str, want: &dyn Fn(&Term) -> bool) -> Option<(&'static Term, Qualifiers)> {
    let mut q = Qualifiers::default();
    let hit = |k: &str| lookup(k).filter(|t| want(t));
    let mut k = key;
    if let Some(t) = hit(k) {
        return Some((t, q));
    }
    // Trailing brackets, one at a time: `*年度指标值（定量填数字）`.
    loop {
        match split_bracket(k) {
            (head, Some(b)) if head != k && !head.is_empty() => {
                q.brackets.push(b.to_string());
                k = head;
                if let Some(t) = hit(k) {
                    return Some((t, q));
                }
            }
            _ => break,
        }
    }
    // A leading bracketed year: `(2024年)指标值`.
    if let Some(rest) = k.strip_prefix('(') {
        if let Some(i) = rest.find(')') {
            if rest[..i].starts_with(|ch: char| ch.is_ascii_digit()) {
                k = &rest[i + 1..];
                if let Some(t) = hit(k) {
                    return Some((t, q));
                }
            }
        }
    }
    // An alternative in brackets inside the name: `专项(项目)名称` is a
    // 专项名称 or a 项目名称.
    if let Some(open) = k.find('(').filter(|&i| i > 0) {
        if let Some(close) = k[open..].find(')').map(|i| open + i) {
            let (a, b, c) = (&k[..open], &k[open + 1..close], &k[close + 1..]);
            if !b.is_empty() && !c.is_empty() {
                for alt in [format!("{a}{c}"), format!("{b}{c}")] {
                    if let Some(t) = hit(&alt) {
                        q.brackets.push(b.to_string());
                        return Some((t, q));
                    }
                }
            }
        }
    }
    // A leading year: `2024年度…`, `2024年…`.
    if let Some(rest) = strip_leading_year(k) {
        k = rest;
        if let Some(t) = hit(k) {
            return Some((t, q));
        }
    }
    // Period and kind prefixes, as many as there are: `年度目标指标值`.
    'prefixes: loop {
        for (list, multi, yearly) in [
            (YEARLY, false, true),
            (MULTI_YEAR, true, false),
            (KIND, false, false),
        ] {
            for p in list {
                if let Some(rest) = k.strip_prefix(p).filter(|r| !r.is_empty()) {
                    k = rest;
                    q.multi_year |= multi;
                    q.yearly |= yearly;
                    if let Some(t) = hit(k) {
                        return Some((t, q));
                    }
                    continue 'prefixes;
                }
            }
        }
        break;
    }
    for s in SUFFIXES {
        if let Some(head) = k.strip_suffix(s).filter(|h| !h.is_empty()) {
            if let Some(t) = hit(head) {
                return Some((t, q));
            }
        }
    }
    None
}

/// Matches a header-block label, or `None` for a value.
pub fn header_label(text: &str) -> Option<Matched> {
    // Labels are short; long cells are values (and most cells are values);
    // no field is named …指标 (产出指标, 数量指标: the grid's level names).
    if text.len() > 160
        || text.trim_end().ends_with("指标")
        || (!could_be(text)
            && !text
                .find('下')
                .is_some_and(|i| text[i..].starts_with("下达")))
    {
        return None;
    }
    memo(&HEADER_LABELS, text, match_header_label)
}

fn match_header_label(text: &str) -> Option<Matched> {
    let key = label_key(text);
    if key.is_empty() {
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
    // `一)` / `二、` left by a numbering the first pass did not take; a
    // numeral that starts a word (一般公共预算) stays.
    let numeral = k.trim_start_matches(|ch: char| "一二三四五六七八九十".contains(ch));
    let k = match numeral.strip_prefix([')', '、']) {
        Some(rest) if numeral.len() < k.len() => rest,
        _ => k,
    };
    if k.chars().count() > 24 && split_bracket(k).1.is_none() {
        return None;
    }
    let k = without_score(k);
    let reading = read(k, |t| t.field.is_some()).map(|(t, q)| (t.field, q));
    let (label, priority, q) = match reading {
        Some((Some((l, p)), q)) => (l, p, q),
        _ => {
            // 下达中央预算内投资（万元）: NDRC's yearly amount.
            let (head, b) = split_bracket(k);
            let q = Qualifiers {
                brackets: b.map(|b| vec![b.to_string()]).unwrap_or_default(),
                ..Default::default()
            };
            if head.starts_with("下达") && head.contains("投资") {
                (H::Total, 1, q)
            } else if let Some(unit) = unit_at_level(k) {
                unit
            } else {
                let multi_year = requested_amount(head)?;
                (H::Total, 2, Qualifiers { multi_year, ..q })
            }
        }
    };
    // The year's money named as such ranks before the same words without a
    // period: beside 资金总额, 当年资金总额 is the year's.
    let priority = match label {
        H::Total | H::Fiscal | H::Other if q.yearly && !q.multi_year => priority.saturating_sub(1),
        _ => priority,
    };
    // A multi-year period turns the year's money and goals into context.
    let label = match label {
        H::Total if q.multi_year => H::MultiYearTotal,
        H::Goals | H::Fiscal | H::Other if q.multi_year => H::Known,
        l => l,
    };
    let money_unit = q
        .brackets
        .iter()
        .find(|b| MONEY_UNITS.contains(&b.as_str()))
        .cloned();
    Some(Matched {
        label,
        priority,
        sub_item,
        money_unit,
    })
}

const GOVERNMENT_LEVELS: &[&str] = &[
    "中央", "省级", "省", "市级", "市", "县级", "县", "区级", "区", "本级",
];

/// A score glued to a label (`项目资金预算执行10分`): the label.
fn without_score(k: &str) -> &str {
    if let Some(head) = k.strip_suffix('分') {
        let label = head.trim_end_matches(|c: char| c.is_ascii_digit() || c == '.');
        if label.len() < head.len() && !label.is_empty() {
            return label;
        }
    }
    k
}

/// `区级主管部门`, `市级主管部门`: a unit label under a level of government.
/// When a table names several, the most specific runs the project (the
/// district's office over the city's): its priority is the label's, and
/// each level above ranks one lower.
fn unit_at_level(key: &str) -> Option<(HeaderLabel, u8, Qualifiers)> {
    const RANKED: &[(&str, u8)] = &[
        ("县区", 0),
        ("区级", 0),
        ("县级", 0),
        ("区县", 0),
        ("区", 0),
        ("县", 0),
        ("市级", 1),
        ("市", 1),
        ("地方", 1),
        ("省级", 2),
        ("省", 2),
        ("中央", 3),
    ];
    let (rest, rank) = RANKED
        .iter()
        .find_map(|(l, r)| key.strip_prefix(l).map(|rest| (rest, *r)))?;
    let (t, q) = read(rest, |t| t.field.is_some_and(|(l, _)| l == H::Unit))?;
    let (label, priority) = t.field?;
    Some((label, priority.saturating_add(rank), q))
}

/// `本年度申请市财政预算资金`, `申报省级资金`: the amount a project asks for,
/// which is its total (a part of it is written 其中…). `Some(true)` when the
/// period is more than the year (中期申请资金, 中期市财政预算).
fn requested_amount(key: &str) -> Option<bool> {
    let mut k = key;
    let mut multi_year = false;
    for (list, multi) in [(YEARLY, false), (MULTI_YEAR, true)] {
        if let Some(rest) = list.iter().find_map(|p| k.strip_prefix(p)) {
            k = rest;
            multi_year |= multi;
        }
    }
    // A multi-year figure needs no 申请 (中期市财政预算): it is context.
    let k = match k.strip_prefix("申请").or_else(|| k.strip_prefix("申报")) {
        Some(rest) => rest,
        None if multi_year => k,
        None => return None,
    };
    let k = GOVERNMENT_LEVELS
        .iter()
        .find_map(|l| k.strip_prefix(l))
        .unwrap_or(k);
    matches!(
        k,
        "资金"
            | "金额"
            | "预算"
            | "预算资金"
            | "财政资金"
            | "财政预算资金"
            | "财政预算"
            | "财政拨款"
    )
    .then_some(multi_year)
}

/// Words that name money only inside a money section (项目资金申请（万元） |
/// 总额 / 其他): alone, 合计 or 其他 could be anything.
const IN_MONEY_SECTION: &[(&str, HeaderLabel, u8)] = &[
    ("总额", H::Total, 3),
    ("合计", H::Total, 3),
    ("总计", H::Total, 3),
    ("资金合计", H::Total, 3),
    ("其他", H::Other, 1),
    ("其它", H::Other, 1),
    ("其他来源", H::Other, 1),
];

/// [`header_label`], and inside a money section also the words that only
/// there name money.
pub fn header_label_in(text: &str, money_section: bool) -> Option<Matched> {
    header_label(text).or_else(|| {
        if !money_section || text.len() > 40 {
            return None;
        }
        let key = label_key(text);
        let (k, sub_item) = match key.strip_prefix("其中") {
            Some(rest) => (rest.trim_start_matches(':'), true),
            None => (key.as_str(), false),
        };
        let k = strip_numbering(k);
        IN_MONEY_SECTION
            .iter()
            .find(|(w, _, _)| *w == k)
            .map(|&(_, label, priority)| Matched {
                label,
                priority,
                sub_item,
                money_unit: None,
            })
    })
}

/// Ideographs that occur in some term or qualifier, as a bitmap over the
/// CJK block: the cheap test before the full match.
static TERM_CHARS: LazyLock<Vec<u64>> = LazyLock::new(|| {
    let mut bits = vec![0u64; CJK_LEN / 64 + 1];
    let words = LEXICON
        .iter()
        .map(|t| t.key)
        .chain(YEARLY.iter().copied())
        .chain(MULTI_YEAR.iter().copied())
        .chain(KIND.iter().copied())
        .chain(SUFFIXES.iter().copied())
        .chain(GOVERNMENT_LEVELS.iter().copied())
        .chain(["其中一二三四五六七八九十年", "申请申报"]);
    for ch in words.flat_map(str::chars) {
        if let Some(i) = cjk_index(ch) {
            bits[i / 64] |= 1 << (i % 64);
        }
    }
    bits
});

const CJK_START: u32 = 0x4E00;
const CJK_LEN: usize = 0x9FFF - 0x4E00 + 1;

fn cjk_index(ch: char) -> Option<usize> {
    let i = (ch as u32).checked_sub(CJK_START)? as usize;
    (i < CJK_LEN).then_some(i)
}

/// Every ideograph outside brackets must occur in some term, and there must
/// be one (every term has): `硬件设备维护数量` fails at its first character,
/// `≥95%` for having none.
fn could_be(text: &str) -> bool {
    let bits = &*TERM_CHARS;
    let mut depth = 0u32;
    let mut any = false;
    for ch in text.chars() {
        match ch {
            '(' | '（' | '[' | '【' => depth += 1,
            ')' | '）' | ']' | '】' => depth = depth.saturating_sub(1),
            ch if depth == 0 => {
                if let Some(i) = cjk_index(ch) {
                    if bits[i / 64] & (1 << (i % 64)) == 0 {
                        return false;
                    }
                    any = true;
                }
            }
            _ => {}
        }
    }
    any
}

thread_local! {
    static HEADER_LABELS: MemoMap<Option<Matched>> = RefCell::new(HashMap::default());
    static COLUMN_READINGS: MemoMap<Option<(Column, Qualifiers)>> =
        RefCell::new(HashMap::default());
}

fn lookup(k: &str) -> Option<&'static Term> {
    static MAP: LazyLock<HashMap<&'static str, &'static Term, BuildFx>> =
        LazyLock::new(|| LEXICON.iter().rev().map(|t| (t.key, t)).collect());
    MAP.get(k).copied()
}

/// Matches an indicator-grid column header, with the qualifiers read
/// around it. A multi-year value column (中期指标值) is kept, not the target.
pub fn column_reading(text: &str) -> Option<(Column, Qualifiers)> {
    if names_a_level(text) {
        return None;
    }
    // Most cells are values: the character test before any allocation.
    // A remark name read by its first words (below) may hold characters no
    // term has; each of them holds 原因.
    let terms = could_be(text);
    if text.len() > 240 || (!terms && !text.contains("原因")) {
        return None;
    }
    memo(&COLUMN_READINGS, text, |text| match_column(text, terms))
}

fn match_column(text: &str, terms: bool) -> Option<(Column, Qualifiers)> {
    let key = label_key(text);
    let k = strip_numbering(&key);
    // A remark column named by its first words: 偏差原因分析及改进措施.
    for p in ["偏差原因", "未完成原因", "原因分析"] {
        if k.starts_with(p) {
            return Some((C::Remark, Qualifiers::default()));
        }
    }
    if !terms {
        return None;
    }
    if let Some((t, q)) = read(k, |t| t.column.is_some()) {
        let col = t.column?;
        let col = match col {
            C::Target | C::Actual | C::TargetText if q.multi_year => C::Known,
            c => c,
        };
        return Some((col, q));
    }
    None
}

/// 产出指标, 数量指标, 服务对象满意度指标: a name ending in 指标 that no
/// column term ends like (一级指标, 具体指标, 绩效指标 …): the grid's level
/// names, never a column header. Cheap, for every cell of every row.
fn names_a_level(text: &str) -> bool {
    static BEFORE: LazyLock<Vec<char>> = LazyLock::new(|| {
        LEXICON
            .iter()
            .filter(|t| t.column.is_some())
            .filter_map(|t| t.key.strip_suffix("指标"))
            .filter_map(|head| head.chars().next_back())
            .collect()
    });
    match text.trim_end().strip_suffix("指标") {
        Some(head) => head
            .chars()
            .next_back()
            .is_some_and(|c| is_ideograph(c) && !BEFORE.contains(&c)),
        None => false,
    }
}

fn is_ideograph(c: char) -> bool {
    cjk_index(c).is_some()
}

/// Column names that say exactly what their column holds, ranked first when
/// two columns claim one role: 比较符 over 指标方向 for the comparator.
const EXACT_FIRST: &[&str] = &[
    "比较符",
    "比较符号",
    "计算符号",
    "运算符号",
    "计量单位",
    "度量单位",
];

/// 0 for a column name the lexicon ranks first for its role, else 1.
pub fn column_rank(text: &str) -> u8 {
    let key = label_key(text);
    u8::from(!EXACT_FIRST.contains(&split_bracket(&key).0))
}

/// [`column_reading`] without the qualifiers.
pub fn column(text: &str) -> Option<Column> {
    column_reading(text).map(|(c, _)| c)
}

/// A column of jixiao's own output: its role, and the field it feeds with its priority.
pub type OwnColumn = (Option<Column>, Option<(HeaderLabel, u8)>);

/// How jixiao's own flat output is read back, by column (the names, both
/// languages, are `crate::schema`'s): labels like any other, so reading it
/// back needs no knowledge of the writer's column order. A column the
/// schema marks `Derived` is ignored; a column a user added is unknown,
/// like any other (→ `extra`).
#[rustfmt::skip]
const OWN: &[(&str, OwnColumn)] = &[
    ("source_file", (Some(C::Field), Some((H::OwnSource, 1)))),
    ("table", (Some(C::Field), Some((H::OwnSource, 1)))),
    ("seq", (Some(C::Field), Some((H::OwnSeq, 1)))),
    ("title", (Some(C::Field), Some((H::OwnTitle, 1)))),
    ("unit_code", (Some(C::Field), Some((H::UnitCode, 1)))),
    ("unit_name", (Some(C::Field), Some((H::Unit, 2)))),
    ("money_unit", (Some(C::Field), Some((H::MoneyUnit, 1)))),
    ("project_name", (Some(C::Field), Some((H::ProjectName, 1)))),
    ("budget_total", (Some(C::Field), Some((H::Total, 1)))),
    ("budget_fiscal", (Some(C::Field), Some((H::Fiscal, 2)))),
    ("budget_other", (Some(C::Field), Some((H::Other, 1)))),
    ("fund_use", (Some(C::Field), Some((H::FundUse, 1)))),
    ("goals", (Some(C::Field), Some((H::OwnGoals, 1)))),
    ("level1", (Some(C::Level1), None)),
    ("level2", (Some(C::Level2), None)),
    ("level3", (Some(C::Level3), None)),
    ("description", (Some(C::Description), None)),
    ("target_raw", (Some(C::Target), None)),
    ("weight", (Some(C::Weight), None)),
    ("actual_raw", (Some(C::Actual), None)),
    ("score", (Some(C::Score), None)),
    ("remark", (Some(C::Remark), None)),
    ("extra", (Some(C::OwnExtra), None)),
];

/// The role of each column of jixiao's own flat output, when `headers` is
/// such a header row: 来源文件, 表序号 and 指标值（原文） together say it is ours.
pub fn own_columns(headers: &[&str]) -> Option<Vec<OwnColumn>> {
    use crate::schema::{named, Role};
    let has = |en: &str| {
        headers
            .iter()
            .any(|h| named(h.trim()).is_some_and(|c| c.en == en))
    };
    if !(has("source_file") && has("table") && has("target_raw")) {
        return None;
    }
    Some(
        headers
            .iter()
            .map(|h| match named(h.trim()) {
                Some(c) if c.role == Role::Derived => (Some(C::Derived), None),
                Some(c) => OWN
                    .iter()
                    .find(|(en, _)| *en == c.en)
                    .map_or((None, None), |(_, role)| *role),
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
        assert_eq!((m.label, m.sub_item), (HeaderLabel::Fiscal, true));
        let m = header_label("项目资金（万元）").unwrap();
        assert_eq!(
            (m.label, m.money_unit.as_deref()),
            (HeaderLabel::Section, Some("万元"))
        );
        assert_eq!(
            header_label("全年预算数(A)").unwrap().label,
            HeaderLabel::Total
        );
        assert_eq!(
            header_label("下达中央预算内投资（万元）").unwrap().label,
            HeaderLabel::Total
        );
        assert_eq!(
            header_label("(一)财政拨款小计").unwrap().label,
            HeaderLabel::Known
        );
        assert_eq!(
            header_label("中期目标(2024年—2026年)").unwrap().label,
            HeaderLabel::Known
        );
        // Words that name money only inside a money section.
        assert_eq!(header_label("其他："), None);
        assert_eq!(
            header_label_in("其他：", true).unwrap().label,
            HeaderLabel::Other
        );
        assert_eq!(
            header_label_in("总额", true).unwrap().label,
            HeaderLabel::Total
        );
        assert_eq!(header_label_in("合计", false), None);
        assert_eq!(
            header_label("项目资金申请(万元)")
                .unwrap()
                .money_unit
                .as_deref(),
            Some("万元")
        );
        assert_eq!(
            header_label("年度资金总额及构成(万元)").unwrap().label,
            HeaderLabel::Section
        );
        assert_eq!(
            header_label("预算编码").unwrap().label,
            HeaderLabel::UnitCode
        );
        assert_eq!(header_label("267101天津市武清区人民检察院"), None);
        assert_eq!(header_label("0.80"), None);
    }

    #[test]
    fn requested_amounts_by_their_words() {
        let m = header_label("本年度申请市财政预算资金(万元)").unwrap();
        assert_eq!(
            (m.label, m.money_unit.as_deref()),
            (HeaderLabel::Total, Some("万元"))
        );
        for total in [
            "申请资金",
            "申报省级资金",
            "年度申请财政资金",
            "本年申请县财政拨款",
        ] {
            assert_eq!(
                header_label(total).map(|m| m.label),
                Some(HeaderLabel::Total),
                "{total}"
            );
        }
        for context in ["中期市财政预算(万元)", "中期申请资金"] {
            assert_eq!(
                header_label(context).map(|m| m.label),
                Some(HeaderLabel::MultiYearTotal),
                "{context}"
            );
        }
        // Without 申请, a level's money this year is no total: 其中 may follow.
        for not in ["市财政预算", "申请理由", "申请市长"] {
            assert_ne!(
                header_label(not).map(|m| m.label),
                Some(HeaderLabel::Total),
                "{not}"
            );
        }
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
        assert_eq!(column("评(扣分标准)"), Some(Column::Known));
        assert_eq!(column("硬件设备维护数量"), None);
        for level in ["产出指标", "数量指标", "服务对象满意度指标", "社会效益指标"]
        {
            assert_eq!(column(level), None, "{level}");
        }
        for col in [
            "一级指标",
            "具体指标",
            "指标",
            "年度绩效指标",
            "长期绩效指标",
            "2024年度绩效指标",
        ] {
            assert!(column(col).is_some(), "{col}");
        }
    }

    #[test]
    fn qualifiers_around_a_core_term() {
        for label in [
            "2024年度指标值",
            "本年指标值",
            "绩效目标值",
            "年度目标指标值",
            "*年度指标值（定量填数字）",
            "年度 指标值",
            "年度\n指标值",
            "（2024年）指标值",
            "2024年指标值",
            "预期指标值",
            "计划目标值",
            "当年指标值(目标值)",
            "指标值及单位",
        ] {
            assert_eq!(column(label), Some(Column::Target), "{label}");
        }
        assert_eq!(
            column("实际完成值（定性填达成、部分达成、未达成）"),
            Some(Column::Actual)
        );
        assert_eq!(column("2024年实际完成值"), Some(Column::Actual));
        // The most specific reading wins; a multi-year value is not the target.
        assert_eq!(column("指标值内容"), Some(Column::TargetText));
        assert_eq!(column("中期指标值"), Some(Column::Known));
        assert_eq!(column("实施期指标值"), Some(Column::Known));
        // Nothing is forced onto the nearest name.
        assert_eq!(column("年度"), None);
        assert_eq!(column("指标值得分率"), None);
        assert_eq!(
            header_label("2024年度资金总额").unwrap().label,
            HeaderLabel::Total
        );
        assert_eq!(
            header_label("实施期资金总额").unwrap().label,
            HeaderLabel::MultiYearTotal
        );
        assert_eq!(
            header_label("中期资金总额").unwrap().label,
            HeaderLabel::MultiYearTotal
        );
        assert_eq!(
            header_label("2024年度绩效目标").unwrap().label,
            HeaderLabel::Goals
        );
        assert_eq!(
            header_label("本年度绩效目标").unwrap().label,
            HeaderLabel::Goals
        );
        assert_eq!(
            header_label("项目年度绩效目标(定量目标)").unwrap().label,
            HeaderLabel::Goals
        );
        assert_eq!(
            header_label("实施期绩效目标").unwrap().label,
            HeaderLabel::Known
        );
        assert_eq!(
            header_label("*项目名称").unwrap().label,
            HeaderLabel::ProjectName
        );
        assert_eq!(
            header_label("项目名称(必填)").unwrap().label,
            HeaderLabel::ProjectName
        );
        // Context decides: 单位 is the money unit in a header block, the
        // measure unit in a grid.
        assert_eq!(header_label("单位").unwrap().label, HeaderLabel::MoneyUnit);
        assert_eq!(column("单位"), Some(Column::Unit));
        let m = header_label("项目资金总额（元）").unwrap();
        assert_eq!(
            (m.label, m.money_unit.as_deref()),
            (HeaderLabel::MultiYearTotal, Some("元"))
        );
    }
}
