//! The 33 flat output columns (../shared/SCHEMA.md), each named once: its
//! Chinese and English names, its role, the kind of value it holds and its
//! width in a spreadsheet. CSV and JSONL headers, the xlsx sheets' headers,
//! widths and number cells, `check`'s columns, the names of notes' fields
//! and the lexicon's reading of jixiao's own output all read this table.
//!
//! 说明 (notes) was added after 其他 in the same schema version: no column
//! changed its meaning. Nothing here knows a record; `write` fills the
//! columns.

/// What a column holds, and whether reading jixiao's output back uses it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// One of the table's own fields, the same on every row of a table.
    Table,
    /// One of the indicator's own fields.
    Indicator,
    /// Worked out from another column or describing the original file
    /// (表类型, 年度, 指标类型 … from 指标值（原文）, 位置, 说明): written,
    /// never read back.
    Derived,
}

/// How a value is written where a spreadsheet keeps numbers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Value {
    Text,
    /// A whole number: JSONL and Python carry it as a number, xlsx too.
    Whole,
    /// An exact decimal, kept as text in JSON; a number cell in xlsx when a
    /// double shows it exactly.
    Decimal,
}

/// One flat column.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Column {
    pub zh: &'static str,
    pub en: &'static str,
    pub role: Role,
    pub value: Value,
    /// Width on screen, in Excel's units (about one digit).
    pub width: f64,
    /// Holds sentences or paths: wrapped in a wider column when printed.
    pub wraps: bool,
}

const fn col(zh: &'static str, en: &'static str, role: Role, value: Value, width: f64) -> Column {
    Column {
        zh,
        en,
        role,
        value,
        width,
        wraps: width >= 24.0,
    }
}

use Role::{Derived, Indicator, Table};
use Value::{Decimal, Text, Whole};

/// The columns in output order.
#[rustfmt::skip]
pub const COLUMNS: [Column; 33] = [
    col("来源文件", "source_file", Table, Text, 24.0),
    col("表序号", "table", Table, Whole, 10.0),
    col("序号", "seq", Table, Whole, 10.0),
    col("表名", "title", Table, Text, 32.0),
    col("表类型", "kind", Derived, Text, 10.0),
    col("单位编码", "unit_code", Table, Text, 10.0),
    col("单位名称", "unit_name", Table, Text, 24.0),
    col("金额单位", "money_unit", Table, Text, 10.0),
    col("项目名称", "project_name", Table, Text, 32.0),
    col("年度", "year", Derived, Whole, 10.0),
    col("资金级次", "fund_level", Derived, Text, 10.0),
    col("预算数", "budget_total", Table, Decimal, 10.0),
    col("财政资金", "budget_fiscal", Table, Decimal, 10.0),
    col("其他资金", "budget_other", Table, Decimal, 10.0),
    col("资金用途", "fund_use", Table, Text, 32.0),
    col("绩效目标", "goals", Table, Text, 32.0),
    col("一级指标", "level1", Indicator, Text, 16.0),
    col("二级指标", "level2", Indicator, Text, 16.0),
    col("三级指标", "level3", Indicator, Text, 32.0),
    col("绩效指标描述", "description", Indicator, Text, 32.0),
    // The target as written: a sentence often, so it wraps in print.
    Column { wraps: true, ..col("指标值（原文）", "target_raw", Indicator, Text, 16.0) },
    col("指标类型", "target_kind", Derived, Text, 10.0),
    col("比较符", "target_op", Derived, Text, 10.0),
    col("指标数值", "target_value", Derived, Decimal, 10.0),
    col("上限", "target_upper", Derived, Decimal, 10.0),
    col("计量单位", "target_unit", Derived, Text, 10.0),
    col("分值", "weight", Indicator, Decimal, 10.0),
    col("实际完成值", "actual_raw", Indicator, Text, 10.0),
    col("得分", "score", Indicator, Decimal, 10.0),
    col("备注", "remark", Indicator, Text, 10.0),
    col("其他", "extra", Indicator, Text, 24.0),
    col("位置", "locator", Derived, Text, 10.0),
    col("说明", "notes", Derived, Text, 32.0),
];

/// The first columns, which hold the table's own fields (the same on every
/// row of a table).
pub const TABLE_COLUMNS: usize = 16;
/// The rest: the indicator's fields, 其他, 位置 and 说明.
pub const ROW_COLUMNS: usize = COLUMNS.len() - TABLE_COLUMNS;

/// The position of an English key, found when compiling (a wrong key does
/// not compile).
const fn index(en: &str) -> usize {
    let mut i = 0;
    while i < COLUMNS.len() {
        let (a, b) = (COLUMNS[i].en.as_bytes(), en.as_bytes());
        let mut same = a.len() == b.len();
        let mut k = 0;
        while same && k < a.len() {
            same = a[k] == b[k];
            k += 1;
        }
        if same {
            return i;
        }
        i += 1;
    }
    panic!("no such column")
}

/// Columns the xlsx sheets place by themselves.
pub const SOURCE_FILE: usize = index("source_file");
pub const TABLE: usize = index("table");
pub const EXTRA: usize = index("extra");
pub const LOCATOR: usize = index("locator");
pub const NOTES: usize = index("notes");

/// The column of an English key (`budget_total`).
pub fn position(en: &str) -> Option<usize> {
    COLUMNS.iter().position(|c| c.en == en)
}

/// The column of an English key.
pub fn column(en: &str) -> Option<&'static Column> {
    COLUMNS.iter().find(|c| c.en == en)
}

/// The column named `name` in either language (a header cell).
pub fn named(name: &str) -> Option<&'static Column> {
    COLUMNS.iter().find(|c| c.zh == name || c.en == name)
}

/// A record field's Chinese name when it is a column (`budget.total` →
/// 预算数); `None` otherwise.
pub fn zh_of_field(field: &str) -> Option<&'static str> {
    column(&field.replace('.', "_")).map(|c| c.zh)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_unique_and_the_table_part_comes_first() {
        for (i, c) in COLUMNS.iter().enumerate() {
            assert_eq!(named(c.zh).map(|d| d.en), Some(c.en));
            assert_eq!(named(c.en).map(|d| d.zh), Some(c.zh));
            assert_eq!(position(c.en), Some(i));
            let table_part = i < TABLE_COLUMNS;
            assert!(c.role != Role::Table || table_part, "{}", c.en);
            assert!(c.role != Role::Indicator || !table_part, "{}", c.en);
        }
        assert_eq!(zh_of_field("budget.total"), Some("预算数"));
        assert_eq!(
            (SOURCE_FILE, TABLE, EXTRA, LOCATOR, NOTES),
            (0, 1, 30, 31, 32)
        );
        assert_eq!(zh_of_field("indicators"), None);
    }
}
