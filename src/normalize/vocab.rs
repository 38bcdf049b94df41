//! The level-1/level-2 vocabulary: canonical names, known aliases,
//! decorations and one-edit typos. A label that matches nothing is kept as
//! written; nothing is forced onto the nearest name.

use super::memo::{memo, MemoMap};
use super::text::{clean, fold_width, split_bracket};
use std::cell::RefCell;
use std::collections::HashMap;

use super::lexicon::words::{self, LEVEL_ALIASES};
pub use super::lexicon::words::{LEVEL1, LEVEL2};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    One,
    Two,
}

/// What became of a level label: the value to keep, and the rule applied
/// when it differs from what was written (or matched nothing).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Canonical {
    pub value: String,
    pub rule: Option<&'static str>,
}

/// Strips what is glued to a label: spaces and line breaks inside it, a
/// score or flag in brackets (`(50分)`, `(必填)`), a trailing `等`, ★.
fn strip_decorations(s: &str) -> String {
    let mut k: String = fold_width(s)
        .chars()
        .filter(|c| !c.is_whitespace() && !matches!(c, '★' | '☆' | '*' | '\u{3000}'))
        .collect();
    // A score written after the label: `成本指标(0-20)分`, `产出指标50分`.
    if let Some(h) = k
        .strip_suffix(words::SCORE_MARK)
        .and_then(|h| h.strip_suffix(')'))
    {
        if let Some(i) = h.rfind('(') {
            k = h[..i].to_string();
        }
    } else if let Some(h) = k.strip_suffix(words::SCORE_MARK) {
        let t = h.trim_end_matches(|c: char| c.is_ascii_digit() || c == '.');
        if t.len() < h.len() && t.chars().count() >= 2 {
            k = t.to_string();
        }
    }
    loop {
        let (head, bracket) = split_bracket(&k);
        match bracket {
            Some(b)
                if b.contains(words::SCORE_MARK)
                    || words::REQUIRED_MARKS.iter().any(|m| b.contains(m))
                    || b.contains('%') =>
            {
                k = head.to_string();
            }
            _ => break,
        }
    }
    if k.chars().count() > 2 {
        if let Some(h) = k.strip_suffix(words::ETC_MARK) {
            k = h.to_string();
        }
    }
    k
}

/// At most one substitution, insertion or deletion apart (by characters).
/// Without allocating: it runs for every first cell of every grid row.
fn edit_distance_le1(a: &str, b: &str) -> bool {
    let (la, lb) = (a.chars().count(), b.chars().count());
    let (short, long, ls, ll) = if la <= lb {
        (a, b, la, lb)
    } else {
        (b, a, lb, la)
    };
    match ll - ls {
        0 => {
            short
                .chars()
                .zip(long.chars())
                .filter(|(x, y)| x != y)
                .count()
                <= 1
        }
        1 => {
            // After the common prefix, the rest of `short` must be the rest
            // of `long` less its next character.
            let mut s = short.char_indices();
            let mut l = long.char_indices();
            loop {
                match (s.next(), l.next()) {
                    (Some((_, x)), Some((_, y))) if x == y => {}
                    (Some((i, _)), Some((j, y))) => return short[i..] == long[j + y.len_utf8()..],
                    (None, _) => return true,
                    (Some(_), None) => return false,
                }
            }
        }
        _ => false,
    }
}

fn lists(level: Level) -> (&'static [&'static str], &'static [&'static str]) {
    match level {
        Level::One => (LEVEL1, LEVEL2),
        Level::Two => (LEVEL2, LEVEL1),
    }
}

/// The rule of a level label that names the other level.
pub const OTHER_LEVEL: &str = "vocabulary: a name of the other level, kept where the table puts it";

/// Maps a level label to its canonical name.
pub fn canonical(raw: &str, level: Level) -> Canonical {
    thread_local! {
        static LEVEL1: MemoMap<Canonical> = RefCell::new(HashMap::default());
        static LEVEL2: MemoMap<Canonical> = RefCell::new(HashMap::default());
    }
    // Each row of a grid names its levels again (the merged 产出指标).
    let known = match level {
        Level::One => &LEVEL1,
        Level::Two => &LEVEL2,
    };
    memo(known, raw, |raw| match_level(raw, level))
}

fn match_level(raw: &str, level: Level) -> Canonical {
    let written = clean(raw);
    let key = strip_decorations(raw);
    let (own, other) = lists(level);
    let known = |k: &str| own.iter().chain(other.iter()).find(|c| **c == k).copied();
    let decorated = key != raw.trim();
    // A name of the other level (产出指标 in the 二级 column under NDRC's
    // 实施效果指标): kept where the table puts it, with a note.
    if !own.contains(&key.as_str()) && other.contains(&key.as_str()) {
        return Canonical {
            value: key.clone(),
            rule: Some(OTHER_LEVEL),
        };
    }
    if let Some(c) = known(&key) {
        return Canonical {
            value: c.to_string(),
            rule: decorated.then_some("vocabulary: decoration removed"),
        };
    }
    // An alias names a level of its own (社会公众或服务对象满意度指标 is a 二级
    // name): in the other level's column it is no alias.
    let alias = |k: &str| {
        LEVEL_ALIASES
            .iter()
            .find(|(a, c)| *a == k && own.contains(c))
    };
    if let Some((_, c)) = alias(&key) {
        return Canonical {
            value: c.to_string(),
            rule: Some("vocabulary: alias"),
        };
    }
    let with_suffix = format!("{key}{}", words::LEVEL_SUFFIX);
    if !key.ends_with(words::LEVEL_SUFFIX) {
        if let Some(c) = known(&with_suffix) {
            return Canonical {
                value: c.to_string(),
                rule: Some(words::LEVEL_SUFFIX_RULE),
            };
        }
        // 项目效益 for the alias 项目效益指标.
        if let Some((_, c)) = alias(&with_suffix) {
            return Canonical {
                value: c.to_string(),
                rule: Some("vocabulary: alias"),
            };
        }
    }
    for list in [own, other]
        .into_iter()
        .filter(|_| !words::NEVER_LEVELS.contains(&&*key))
    {
        let hits: Vec<&str> = list
            .iter()
            .copied()
            .filter(|c| edit_distance_le1(&key, c) || edit_distance_le1(&with_suffix, c))
            .collect();
        match hits.as_slice() {
            [one] => {
                return Canonical {
                    value: one.to_string(),
                    rule: Some("vocabulary: edit distance 1"),
                }
            }
            [] => continue,
            _ => break,
        }
    }
    Canonical {
        value: written,
        rule: Some("unknown level label"),
    }
}

/// True when the text names a level-1 or level-2 label exactly or by alias
/// (used to spot indicator rows without a header).
pub fn is_level_label(raw: &str) -> bool {
    canonical(raw, Level::One).rule != Some("unknown level label")
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn c(raw: &str, level: Level) -> (String, Option<&'static str>) {
        let r = canonical(raw, level);
        (r.value, r.rule)
    }

    #[test]
    fn exact_alias_decoration_typo_unknown() {
        assert_eq!(c("产出指标", Level::One), ("产出指标".into(), None));
        assert_eq!(c("成本指标", Level::Two), ("成本指标".into(), None));
        assert_eq!(
            c("产出指表", Level::One),
            ("产出指标".into(), Some("vocabulary: edit distance 1"))
        );
        assert_eq!(
            c("质量指表", Level::Two),
            ("质量指标".into(), Some("vocabulary: edit distance 1"))
        );
        assert_eq!(
            c("项目完成指标", Level::One),
            ("产出指标".into(), Some("vocabulary: alias"))
        );
        assert_eq!(
            c("进度指标", Level::Two),
            ("时效指标".into(), Some("vocabulary: alias"))
        );
        assert_eq!(
            c("产 出 指 标", Level::One),
            ("产出指标".into(), Some("vocabulary: decoration removed"))
        );
        assert_eq!(
            c("服务对象满意度\n指标", Level::Two),
            (
                "服务对象满意度指标".into(),
                Some("vocabulary: decoration removed")
            )
        );
        assert_eq!(
            c("产出指标(50分)", Level::One),
            ("产出指标".into(), Some("vocabulary: decoration removed"))
        );
        assert_eq!(
            c("数量指标（必填硬性指标）", Level::Two),
            ("数量指标".into(), Some("vocabulary: decoration removed"))
        );
        assert_eq!(
            c("社会效益指标等", Level::Two),
            (
                "社会效益指标".into(),
                Some("vocabulary: decoration removed")
            )
        );
        assert_eq!(
            c("数量", Level::Two),
            ("数量指标".into(), Some("vocabulary: 指标 added"))
        );
        assert_eq!(
            c("实施效果指标", Level::One),
            ("实施效果指标".into(), Some("unknown level label"))
        );
        // The grid's caption is no typo of 时效指标.
        assert_eq!(
            c("绩效指标", Level::One),
            ("绩效指标".into(), Some("unknown level label"))
        );
        // An alias of a 二级 name is no alias in the 一级 column.
        assert_eq!(
            c("社会公众或服务对象满意度指标", Level::Two),
            ("服务对象满意度指标".into(), Some("vocabulary: alias"))
        );
        assert_eq!(
            c("社会公众或服务对象满意度指标", Level::One),
            (
                "社会公众或服务对象满意度指标".into(),
                Some("unknown level label")
            )
        );
        // Equally close to 数量指标 and 质量指标: never guessed.
        assert_eq!(
            c("重量指标", Level::Two),
            ("重量指标".into(), Some("unknown level label"))
        );
        // The hierarchy is the table's: 产出指标 stays a level-2 label there,
        // with a note.
        assert_eq!(
            c("产出指标", Level::Two),
            ("产出指标".into(), Some(OTHER_LEVEL))
        );
        assert_eq!(c("数量指标", Level::Two), ("数量指标".into(), None));
        for scored in ["成本指标(0-20)分", "成本指标20分", "成本指标(20分)"] {
            assert_eq!(c(scored, Level::One).0, "成本指标", "{scored}");
        }
        assert_eq!(c("成本指标", Level::Two), ("成本指标".into(), None));
    }

    /// The plain definition, over collected characters.
    fn reference_le1(a: &str, b: &str) -> bool {
        let a: Vec<char> = a.chars().collect();
        let b: Vec<char> = b.chars().collect();
        let (s, l) = if a.len() <= b.len() {
            (&a, &b)
        } else {
            (&b, &a)
        };
        match l.len() - s.len() {
            0 => s.iter().zip(l.iter()).filter(|(x, y)| x != y).count() <= 1,
            1 => {
                let i = s.iter().zip(l.iter()).take_while(|(x, y)| x == y).count();
                s[i..] == l[i + 1..]
            }
            _ => false,
        }
    }

    proptest! {
        #[test]
        fn edit_distance_agrees_with_its_definition(a in "[数量质指标a]{0,6}", b in "[数量质指标a]{0,6}") {
            prop_assert_eq!(edit_distance_le1(&a, &b), reference_le1(&a, &b));
        }

        #[test]
        fn one_typo_in_a_canonical_name_is_corrected(i in 0usize..LEVEL2.len(), pos in 0usize..4, ch in "[甲乙丙丁]") {
            let name = LEVEL2[i];
            let mut chars: Vec<char> = name.chars().collect();
            let p = pos % chars.len();
            chars[p] = ch.chars().next().unwrap();
            let typo: String = chars.into_iter().collect();
            let r = canonical(&typo, Level::Two);
            // Either corrected to the original or, when another name is just
            // as close, left alone with a note: never a wrong guess.
            prop_assert!(r.value == name || r.rule == Some("unknown level label"), "{} -> {:?}", typo, r);
        }
    }
}
