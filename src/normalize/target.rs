//! Target values (指标值) and money: comparators in every spelling SCHEMA.md
//! lists, exact decimals (never through a float), units, ranges, and the
//! line between a measure (`≥95%`) and words (`12月底前100%到位`).

use super::text::{fold_width, is_placeholder};
use crate::model::{Op, TargetKind, TargetValue};
use rust_decimal::Decimal;
use std::str::FromStr;

use super::lexicon::words::{self, COMPARATORS, COMPARATOR_SUFFIXES as SUFFIXES};

/// Longest unit a measure may carry (SCHEMA: at most 8 characters).
const MAX_UNIT_CHARS: usize = 8;

fn leading_op(s: &str) -> (Option<Op>, &str) {
    // No spelling starts with a digit or a letter: `95%`, `A级` have none.
    if s.as_bytes().first().is_none_or(u8::is_ascii_alphanumeric) {
        return (None, s);
    }
    for (spelling, op) in COMPARATORS {
        if let Some(rest) = s.strip_prefix(spelling) {
            return (Some(*op), rest);
        }
    }
    (None, s)
}

/// A number at the start of `s` (ASCII digits, thousands separators, one
/// decimal point): its digits without separators, and the rest.
fn leading_number(s: &str) -> Option<(String, &str)> {
    let b = s.as_bytes();
    let mut i = 0;
    let mut digits = String::new();
    while i < b.len() && b[i].is_ascii_digit() {
        digits.push(b[i] as char);
        i += 1;
    }
    if digits.is_empty() {
        return None;
    }
    // 3,000 / 3,286,618,082.20: a comma counts only before exactly three digits.
    while i + 3 < b.len()
        && b[i] == b','
        && b[i + 1..i + 4].iter().all(u8::is_ascii_digit)
        && !b.get(i + 4).is_some_and(u8::is_ascii_digit)
    {
        digits.push_str(&s[i + 1..i + 4]);
        i += 4;
    }
    if i + 1 < b.len() && b[i] == b'.' && b[i + 1].is_ascii_digit() {
        digits.push('.');
        i += 1;
        while i < b.len() && b[i].is_ascii_digit() {
            digits.push(b[i] as char);
            i += 1;
        }
    }
    Some((digits, &s[i..]))
}

fn decimal(digits: &str) -> Option<Decimal> {
    Decimal::from_str(digits).ok()
}

/// Reads a money or score cell: an exact decimal, or `None` when the cell is
/// not just a number (`854万(其中…)`).
pub fn parse_amount(raw: &str) -> Option<Decimal> {
    let s: String = fold_width(raw)
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    let (neg, body) = match s.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, s.as_str()),
    };
    let (digits, rest) = leading_number(body)?;
    if !rest.is_empty() {
        return None;
    }
    let d = decimal(&digits)?;
    Some(if neg { -d } else { d })
}

fn unit_ok(unit: &str) -> bool {
    // A compound unit lists its denominators with 、 (`元/人、次`): after a
    // `/` the enumeration comma joins units, elsewhere it ends a clause.
    let compound = unit.find('/');
    unit.chars().count() <= MAX_UNIT_CHARS
        && !unit.char_indices().any(|(i, c)| {
            c.is_ascii_digit()
                || c.is_whitespace()
                || (c == '、' && compound.is_none_or(|s| i < s))
                || "，。；;,!?！？:：“”\"".contains(c)
        })
}

/// A number followed by 年/月/日 and 底/末/初/前/内 is a deadline, not a measure.
fn is_deadline(unit: &str) -> bool {
    let mut cs = unit.chars();
    cs.next().is_some_and(|c| words::DATE_UNITS.contains(&c))
        && cs
            .next()
            .is_some_and(|c| words::DEADLINE_MARKS.contains(&c))
}

/// `2023.07-2024.01`: a period of months, a date (SCHEMA), not a range of
/// numbers. Each bound is a year in 1900-2100, a dot and a month 1-12.
fn is_month_period(s: &str) -> bool {
    let month = |b: &str| {
        let Some((y, m)) = b.split_once('.') else {
            return false;
        };
        y.len() == 4
            && y.parse::<u32>().is_ok_and(|y| (1900..=2100).contains(&y))
            && (1..=2).contains(&m.len())
            && m.parse::<u32>().is_ok_and(|m| (1..=12).contains(&m))
    };
    words::RANGE_SEPARATORS
        .iter()
        .any(|sep| s.split_once(sep).is_some_and(|(a, b)| month(a) && month(b)))
}

fn unbracket(s: &str) -> &str {
    s.strip_prefix('(')
        .and_then(|r| r.strip_suffix(')'))
        .unwrap_or(s)
}

/// Parses a target cell. `None` for an empty or placeholder cell.
pub fn parse_target(raw: &str) -> Option<TargetValue> {
    let raw = raw.trim();
    if is_placeholder(raw) {
        return None;
    }
    let mut folded = fold_width(raw);
    if folded.bytes().any(|b| b.is_ascii_whitespace() || b >= 0x80) {
        folded.retain(|c| !c.is_whitespace());
    }
    // A value typed as a sentence ends with its full stop: `95%以上。`.
    let s = folded
        .trim_start_matches(['★', '☆', '*'])
        .trim_end_matches(['。', '.', ';', ',', '、']);
    let (op, rest) = leading_op(s);
    let qualitative = || TargetValue {
        raw: raw.to_string(),
        kind: TargetKind::Qualitative,
        op,
        value: None,
        upper: None,
        unit: None,
    };
    let Some((first, mut after)) = leading_number(rest) else {
        return Some(qualitative());
    };
    if op.is_none() && is_month_period(rest) {
        return Some(qualitative());
    }
    let Some(value) = decimal(&first) else {
        return Some(qualitative());
    };
    let mut upper = None;
    let mut unit_before_range = None;
    if op.is_none() {
        // a-b, a~b, a至b, 45%-60%
        let (pct, after_pct) = match after.strip_prefix('%') {
            Some(r) => (true, r),
            None => (false, after),
        };
        for sep in words::RANGE_SEPARATORS {
            if let Some(r) = after_pct.strip_prefix(sep) {
                if let Some((second, r2)) = leading_number(r) {
                    if let Some(u) = decimal(&second) {
                        upper = Some(u);
                        after = r2;
                        unit_before_range = pct.then_some("%");
                    }
                }
                break;
            }
        }
    }
    let mut tail = after;
    let mut suffix_op = None;
    for (word, sop) in SUFFIXES {
        if let Some(t) = tail.strip_suffix(word) {
            tail = t;
            suffix_op = Some(*sop);
            break;
        }
    }
    let mut unit = unbracket(tail).to_string();
    if unit.is_empty() {
        if let Some(u) = unit_before_range {
            unit = u.to_string();
        }
    }
    // `2021年全年`, `2023年`: a calendar year named, a date (SCHEMA), not a
    // measure of years.
    let calendar_year = op.is_none()
        && upper.is_none()
        && first.len() == 4
        && first.bytes().all(|b| b.is_ascii_digit())
        && (Decimal::from(1900)..=Decimal::from(2100)).contains(&value)
        && unit.starts_with(words::YEAR_CHAR);
    if !unit_ok(&unit) || is_deadline(&unit) || calendar_year {
        return Some(qualitative());
    }
    let op = if upper.is_some() {
        Op::Range
    } else {
        op.or(suffix_op).unwrap_or(Op::Eq)
    };
    Some(TargetValue {
        raw: raw.to_string(),
        kind: TargetKind::Quantitative,
        op: Some(op),
        value: Some(value),
        upper,
        unit: (!unit.is_empty()).then_some(unit),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compound_units_are_measures() {
        for (raw, v, unit) in [
            ("300元/人、次", "300", "元/人、次"),
            ("2次/人·年", "2", "次/人·年"),
            ("≥95%", "95", "%"),
        ] {
            let t = parse_target(raw).unwrap();
            assert_eq!(t.kind, TargetKind::Quantitative, "{raw}");
            assert_eq!(t.value.map(|d| d.to_string()).as_deref(), Some(v), "{raw}");
            assert_eq!(t.unit.as_deref(), Some(unit), "{raw}");
        }
        // Outside a compound unit, 、 ends a clause: words, not a unit.
        assert_eq!(
            parse_target("3次、每次2小时").unwrap().kind,
            TargetKind::Qualitative
        );
        // A period of months, a calendar year named: dates.
        assert_eq!(
            parse_target("2023.07-2024.01").unwrap().kind,
            TargetKind::Qualitative
        );
        assert_eq!(
            parse_target("1.5-2.5").unwrap().kind,
            TargetKind::Quantitative
        );
        assert_eq!(
            parse_target("2021年全年").unwrap().kind,
            TargetKind::Qualitative
        );
        assert_eq!(parse_target("3年").unwrap().kind, TargetKind::Quantitative);
    }
    use proptest::prelude::*;

    fn q(
        raw: &str,
    ) -> (
        Option<&'static str>,
        Option<String>,
        Option<String>,
        Option<String>,
    ) {
        let t = parse_target(raw).unwrap();
        assert_eq!(t.kind, TargetKind::Quantitative, "{raw}");
        (
            t.op.map(Op::as_str),
            t.value.map(|d| d.to_string()),
            t.upper.map(|d| d.to_string()),
            t.unit,
        )
    }

    fn s(x: &str) -> Option<String> {
        Some(x.to_string())
    }

    #[test]
    fn every_comparator_spelling() {
        for ge in [
            "≥95%",
            "≧95%",
            ">=95%",
            "＞＝95%",
            "大于等于95%",
            "不低于95%",
            "不少于95%",
            "至少95%",
            "95%以上",
            "95%以上。",
            "≥95%；",
            "≥９５％",
            "=>95%",
        ] {
            assert_eq!(q(ge), (Some(">="), s("95"), None, s("%")), "{ge}");
        }
        for le in [
            "≤3小时",
            "≦3小时",
            "<=3小时",
            "＜＝3小时",
            "小于等于3小时",
            "不高于3小时",
            "不超过3小时",
            "不多于3小时",
            "至多3小时",
            "3小时以内",
            "3小时以下",
        ] {
            assert_eq!(q(le), (Some("<="), s("3"), None, s("小时")), "{le}");
        }
        for gt in [">5个", "＞5个", "大于5个", "高于5个", "超过5个"] {
            assert_eq!(q(gt), (Some(">"), s("5"), None, s("个")), "{gt}");
        }
        for lt in ["<5个", "＜5个", "小于5个", "低于5个"] {
            assert_eq!(q(lt), (Some("<"), s("5"), None, s("个")), "{lt}");
        }
        for eq in ["=100%", "＝100%", "═100%", "等于100%", "达到100%", "100%"] {
            assert_eq!(q(eq), (Some("="), s("100"), None, s("%")), "{eq}");
        }
    }

    #[test]
    fn ranges_numbers_and_units() {
        assert_eq!(q("45%-60%"), (Some("range"), s("45"), s("60"), s("%")));
        assert_eq!(q("3~5天"), (Some("range"), s("3"), s("5"), s("天")));
        assert_eq!(q("3至5天"), (Some("range"), s("3"), s("5"), s("天")));
        assert_eq!(q("=100.00(%)"), (Some("="), s("100.00"), None, s("%")));
        assert_eq!(q("≥3,000件"), (Some(">="), s("3000"), None, s("件")));
        assert_eq!(q("≤0.8万元"), (Some("<="), s("0.8"), None, s("万元")));
        assert_eq!(
            q("17元/人.每天"),
            (Some("="), s("17"), None, s("元/人.每天"))
        );
        assert_eq!(q("1个"), (Some("="), s("1"), None, s("个")));
        assert_eq!(q("★≥ 98 %"), (Some(">="), s("98"), None, s("%")));
        assert_eq!(q("10308000.00"), (Some("="), s("10308000.00"), None, None));
    }

    #[test]
    fn words_dates_and_deadlines_are_qualitative() {
        for raw in [
            "保障",
            "优",
            "2023年12月31日",
            "12月底前100%到位",
            "12月底到位",
            "2021年1月-12月",
            "6月底",
            "提升我院办公效率95%以上，确保完成",
        ] {
            let t = parse_target(raw).unwrap();
            assert_eq!(t.kind, TargetKind::Qualitative, "{raw}");
            assert_eq!((t.value, t.unit, t.op), (None, None, None), "{raw}");
        }
        let t = parse_target("=提高").unwrap();
        assert_eq!((t.kind, t.op), (TargetKind::Qualitative, Some(Op::Eq)));
        assert_eq!(t.raw, "=提高");
        assert!(parse_target(" — ").is_none());
        assert!(parse_target("").is_none());
    }

    #[test]
    fn amounts_are_exact() {
        assert_eq!(parse_amount("0.80").map(|d| d.to_string()), s("0.80"));
        assert_eq!(
            parse_amount("10,308,000.00").map(|d| d.to_string()),
            s("10308000.00")
        );
        assert_eq!(parse_amount("３２.００").map(|d| d.to_string()), s("32.00"));
        assert_eq!(parse_amount("854万(其中上年结转)"), None);
        assert_eq!(parse_amount("99999999999999999999999999999999"), None);
    }

    proptest! {
        #[test]
        fn numbers_survive_exactly(int in 0u64..10_000_000_000u64, frac in proptest::option::of("[0-9]{1,4}"), op in 0usize..4, unit in "(%|次|万元|人次|)") {
            let number = match &frac { Some(f) => format!("{int}.{f}"), None => int.to_string() };
            let prefix = ["", "≥", "≤", "＝"][op];
            let raw = format!("{prefix}{number}{unit}");
            let t = parse_target(&raw).unwrap();
            prop_assert_eq!(t.kind, TargetKind::Quantitative);
            prop_assert_eq!(t.value.map(|d| d.to_string()), Some(number));
            prop_assert_eq!(t.unit, (!unit.is_empty()).then(|| unit.to_string()));
            prop_assert_eq!(t.raw, raw);
        }

        #[test]
        fn never_panics_and_keeps_raw(raw in "\\PC{0,20}") {
            if let Some(t) = parse_target(&raw) {
                prop_assert_eq!(t.raw.as_str(), raw.trim());
                if t.kind == TargetKind::Qualitative {
                    prop_assert!(t.value.is_none());
                }
            }
            let _ = parse_amount(&raw);
        }
    }
}
