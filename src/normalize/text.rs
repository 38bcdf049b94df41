//! Text rules shared by the normaliser: whitespace normalisation,
//! placeholders, full-width folding and label keys.

use super::lexicon::words;

pub use crate::chars::is_cjk;

fn is_space(c: char) -> bool {
    c.is_whitespace() || c == '\u{3000}' || c == '\u{a0}' || c == '\u{200b}' || c == '\u{feff}'
}

/// SCHEMA's whitespace normalisation: trimmed; runs of whitespace between two
/// CJK characters removed; other runs folded to one space.
pub fn clean(s: &str) -> String {
    // Most cells hold no whitespace at all: a copy.
    if !has_space(s) {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len());
    let mut pending_space = false;
    for c in s.chars() {
        if is_space(c) {
            pending_space = !out.is_empty();
            continue;
        }
        if pending_space {
            let prev_cjk = out.chars().next_back().is_some_and(is_cjk);
            if !(prev_cjk && is_cjk(c)) {
                out.push(' ');
            }
            pending_space = false;
        }
        out.push(c);
    }
    out
}

/// Whether `s` holds a character [`is_space`] takes, by a byte scan: only
/// ASCII whitespace and characters led by C2, E1, E2, E3 or EF can be one,
/// and only those are decoded.
fn has_space(s: &str) -> bool {
    let b = s.as_bytes();
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            0x09..=0x0D | b' ' => return true,
            0xC2 | 0xE1 | 0xE2 | 0xE3 | 0xEF if s[i..].chars().next().is_some_and(is_space) => {
                return true;
            }
            _ => {}
        }
        i += 1;
    }
    false
}

/// The byte offset of the first `:` or `：`, by a byte scan (it runs on
/// every cell of a row being classified).
pub fn find_colon(t: &str) -> Option<usize> {
    let b = t.as_bytes();
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b':' => return Some(i),
            // `：` is EF BC 9A in UTF-8.
            0xEF if b.get(i + 1) == Some(&0xBC) && b.get(i + 2) == Some(&0x9A) => return Some(i),
            _ => i += 1,
        }
    }
    None
}

/// `clean`, but `None` for empty cells and placeholders (`—`, `/`, `无` …).
pub fn value(s: &str) -> Option<String> {
    let c = clean(s);
    (!c.is_empty() && !is_placeholder(&c)).then_some(c)
}

/// A cell that only holds a placeholder is empty.
pub fn is_placeholder(s: &str) -> bool {
    let t = s.trim();
    match t.as_bytes().first() {
        None => return true,
        // No placeholder character is an ASCII letter or digit, nor an
        // ideograph (led by E4–E9): most cells are decided at their first byte.
        Some(b) if b.is_ascii_alphanumeric() => return false,
        Some(0xE4..=0xE9) => return t == words::NONE_WORD,
        _ => {}
    }
    if t == words::NONE_WORD {
        return true;
    }
    t.chars().all(|c| {
        matches!(
            c,
            '—' | '–' | '-' | '－' | '─' | '/' | '／' | '\\' | '*' | '＊' | '…' | '.' | '·' | '、'
        ) || is_space(c)
    })
}

/// A template's prompt left in place of a value: `XX`, `××`, `（签章）`,
/// `(盖章)`, `（请填写）`.
pub fn is_prompt(s: &str) -> bool {
    // Every prompt below holds one of these (after width folding): most
    // values hold none, and need no key.
    if !s.chars().any(|c| words::PROMPT_CHARS.contains(&c)) {
        return false;
    }
    prompt_by_key(s)
}

/// [`is_prompt`] without its character prefilter.
fn prompt_by_key(s: &str) -> bool {
    let k = label_key(s);
    let k = k.trim_start_matches('(').trim_end_matches(')');
    // `单位公章：年月日`, `（盖章）年 月 日`: a seal and a blank date.
    let seal = k.trim_end_matches(words::BLANK_DATE).trim_end_matches(':');
    let seal = seal.trim_start_matches('(').trim_end_matches(')');
    k.chars().all(|c| matches!(c, 'X' | 'x' | '×' | '*')) && !k.is_empty()
        || words::PROMPTS.contains(&k)
        || (seal.len() < k.len() || k.starts_with(words::UNIT_WORD))
            && seal.chars().count() <= 6
            && words::SEALS.iter().any(|w| seal.ends_with(w))
}

/// Maps full-width ASCII forms to ASCII and the box-drawing `═` to `=`, for
/// parsing only: what we keep as `raw` is never folded.
pub fn fold_width(s: &str) -> String {
    // Every character fold_char changes is led by E2, E3 or EF in UTF-8.
    if !s.bytes().any(|b| matches!(b, 0xE2 | 0xE3 | 0xEF)) {
        return s.to_string();
    }
    s.chars().map(fold_char).collect()
}

fn fold_char(c: char) -> char {
    match c {
        '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
        '\u{3000}' => ' ',
        '═' | '﹦' => '=',
        '﹤' => '<',
        '﹥' => '>',
        '≧' => '≥',
        '≦' => '≤',
        '〜' => '~',
        '—' | '–' | '−' => '-',
        _ => c,
    }
}

/// The key a label is matched by: width-folded, without whitespace, `*`,
/// `★`, or a trailing colon. `（其中）：财政  资金` → `(其中):财政资金`.
pub fn label_key(s: &str) -> String {
    // By bytes: ASCII and the ideographs U+4000–U+9FFF (led by E4–E9) are
    // never folded, so they are copied in runs; only other characters are
    // decoded. Labels are looked up on every cell.
    let b = s.as_bytes();
    let mut k = String::with_capacity(s.len());
    let (mut i, mut run) = (0, 0);
    while i < b.len() {
        match b[i] {
            0x09..=0x0D | b' ' | b'*' => {
                k.push_str(&s[run..i]);
                i += 1;
                run = i;
            }
            0x00..=0x7F => i += 1,
            0xE4..=0xE9 => i += 3,
            _ => {
                k.push_str(&s[run..i]);
                let ch = s[i..].chars().next().unwrap_or(' ');
                let c = fold_char(ch);
                if !is_space(c) && !matches!(c, '*' | '★' | '☆') {
                    k.push(c);
                }
                i += ch.len_utf8();
                run = i;
            }
        }
    }
    k.push_str(&s[run..]);
    while k.ends_with(':') {
        k.pop();
    }
    k
}

/// `s` without a leading year (`2024年度…`, `2024年…`, `2024…`), when
/// something follows it.
pub fn strip_leading_year(s: &str) -> Option<&str> {
    if s.bytes().take_while(u8::is_ascii_digit).count() != 4 {
        return None;
    }
    let rest = &s[4..];
    let rest = words::YEAR_SUFFIXES
        .iter()
        .find_map(|y| rest.strip_prefix(y))
        .unwrap_or(rest);
    (!rest.is_empty()).then_some(rest)
}

/// Splits a trailing bracketed part off: `项目资金(万元)` → (`项目资金`, `万元`).
pub fn split_bracket(key: &str) -> (&str, Option<&str>) {
    if let Some(stripped) = key.strip_suffix(')') {
        if let Some(i) = stripped.rfind('(') {
            return (&key[..i], Some(&stripped[i + 1..]));
        }
    }
    (key, None)
}

/// Removes a leading item number: `1.` `1、` `（1）` `(1)` `一、` `①`.
pub fn strip_numbering(s: &str) -> &str {
    let t = s.trim_start();
    // Every numbering below starts with a bracket, a numeral or ①–⑳.
    match t.chars().next() {
        Some(c)
            if c == '(' || c == '（' || is_numeral(c) || ('\u{2460}'..='\u{2473}').contains(&c) => {
        }
        _ => return t,
    }
    let folded_len = |pat: &str| t.strip_prefix(pat).map(|r| t.len() - r.len());
    // ①–⑳
    if let Some(c) = t.chars().next() {
        if ('\u{2460}'..='\u{2473}').contains(&c) {
            return t[c.len_utf8()..].trim_start();
        }
    }
    // (1) （1） (一)
    for (open, close) in [("(", ")"), ("（", "）")] {
        if let Some(n) = folded_len(open) {
            if let Some(end) = t[n..].find(close) {
                let inner = &t[n..n + end];
                if !inner.is_empty() && inner.chars().count() <= 3 && inner.chars().all(is_numeral)
                {
                    return t[n + end + close.len()..].trim_start();
                }
            }
        }
    }
    let digits: usize = t
        .char_indices()
        .take_while(|(_, c)| is_numeral(*c))
        .map(|(_, c)| c.len_utf8())
        .sum();
    if digits > 0 && digits <= 9 {
        let rest = &t[digits..];
        for sep in ['.', '、', '．', ',', '，', ')', '）'] {
            if let Some(r) = rest.strip_prefix(sep) {
                // `1.5万元` is a number, not an item.
                if sep == '.' && r.starts_with(|c: char| c.is_ascii_digit()) {
                    return t;
                }
                return r.trim_start();
            }
        }
    }
    t
}

fn is_numeral(c: char) -> bool {
    c.is_ascii_digit() || ('０'..='９').contains(&c) || words::NUMERALS.contains(c)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn whitespace_between_cjk_is_removed() {
        assert_eq!(clean("  其中：财政    资金 "), "其中：财政资金");
        assert_eq!(clean("服务对象满意度\n指标"), "服务对象满意度指标");
        assert_eq!(clean("a  b\u{3000}\u{a0}c"), "a b c");
        assert_eq!(clean("提升 95%"), "提升 95%");
    }

    #[test]
    fn placeholders_are_empty() {
        for p in ["—", "-", "/", "*", "……", "无", " —— ", "－"] {
            assert!(is_placeholder(p), "{p}");
        }
        for v in ["无锡", "0", "保障"] {
            assert!(!is_placeholder(v), "{v}");
        }
        for p in [
            "XX",
            "xx",
            "××",
            "（签章）",
            "(盖章)",
            "（请填写）",
            "单位公章：年月日",
            "（单位盖章）年 月 日",
            "年  月  日",
        ] {
            assert!(is_prompt(p), "{p}");
        }
        for v in ["X光机", "签章管理系统", "95%", "已加盖公章", "2024年1月1日"] {
            assert!(!is_prompt(v), "{v}");
        }
        for (t, i) in [
            ("单位：万元", Some(6)),
            ("部门:505", Some(6)),
            ("万元", None),
            ("", None),
        ] {
            assert_eq!(find_colon(t), i, "{t}");
            assert_eq!(find_colon(t), t.find(['：', ':']), "{t}");
        }
    }

    #[test]
    fn numbering_is_stripped() {
        assert_eq!(
            strip_numbering("1.提升我院信息化水平"),
            "提升我院信息化水平"
        );
        assert_eq!(strip_numbering("（2）保障"), "保障");
        assert_eq!(strip_numbering("一、目标"), "目标");
        assert_eq!(strip_numbering("①完成"), "完成");
        assert_eq!(strip_numbering("1.5万元"), "1.5万元");
        assert_eq!(strip_numbering("2024年完成"), "2024年完成");
    }

    #[test]
    fn label_keys_fold_decorations() {
        assert_eq!(label_key("*其中：财政    资金："), "其中:财政资金");
        assert_eq!(split_bracket("项目资金(万元)"), ("项目资金", Some("万元")));
        assert_eq!(strip_leading_year("2024年度指标值"), Some("指标值"));
        assert_eq!(strip_leading_year("2024年某项目"), Some("某项目"));
        assert_eq!(strip_leading_year("2024年"), None);
        assert_eq!(strip_leading_year("20241人"), None);
    }

    // The byte-scanning fast paths against the plain per-character rules
    // they replace.
    fn label_key_by_chars(s: &str) -> String {
        let mut k: String = s
            .chars()
            .map(fold_char)
            .filter(|c| !is_space(*c) && !matches!(c, '*' | '★' | '☆'))
            .collect();
        while k.ends_with(':') {
            k.pop();
        }
        k
    }

    /// Characters the text rules treat specially, with plain ones around them.
    const TRICKY: &str = "[ a-zX1:*/.·…\\-\t\n\u{3000}\u{a0}\u{85}\u{1680}\u{2000}\u{200b}\u{2028}\u{202f}\u{205f}\u{feff}＊★☆：（）ＸｘⅩ×—–−═≧≦〜、。《》“”…①⑳一二十０９财政资金签盖章填写年月日公单位\u{4dbf}\u{4e00}\u{9fff}\u{a000}\u{f900}\u{20000}]{0,24}";

    proptest! {
        #[test]
        fn label_key_matches_the_per_character_rule(s in TRICKY) {
            prop_assert_eq!(label_key(&s), label_key_by_chars(&s));
        }

        #[test]
        fn label_key_matches_on_any_text(s in any::<String>()) {
            prop_assert_eq!(label_key(&s), label_key_by_chars(&s));
        }

        #[test]
        fn has_space_matches_the_per_character_rule(s in TRICKY) {
            prop_assert_eq!(has_space(&s), s.chars().any(is_space));
        }

        #[test]
        fn has_space_on_any_text(s in any::<String>()) {
            prop_assert_eq!(has_space(&s), s.chars().any(is_space));
        }

        #[test]
        fn fold_width_matches_the_per_character_rule(s in TRICKY) {
            prop_assert_eq!(fold_width(&s), s.chars().map(fold_char).collect::<String>());
        }

        #[test]
        fn is_placeholder_first_byte_changes_nothing(s in TRICKY) {
            let t = s.trim();
            let by_chars = t.is_empty() || t == "无" || t.chars().all(|c| {
                matches!(
                    c,
                    '—' | '–' | '-' | '－' | '─' | '/' | '／' | '\\' | '*' | '＊' | '…' | '.' | '·' | '、'
                ) || is_space(c)
            });
            prop_assert_eq!(is_placeholder(&s), by_chars);
        }

        #[test]
        fn is_prompt_prefilter_changes_nothing(s in TRICKY) {
            prop_assert_eq!(is_prompt(&s), prompt_by_key(&s));
        }

        #[test]
        fn clean_is_idempotent_and_trimmed(s in "[ a-z\u{3000}财政资金\n\t]{0,30}") {
            let once = clean(&s);
            prop_assert_eq!(clean(&once), once.clone());
            prop_assert_eq!(once.trim(), once.as_str());
            prop_assert!(!once.contains("  "));
        }
    }
}
