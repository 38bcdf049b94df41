//! Character classes that both the readers and the normaliser need: kept
//! below both, so that a reader never imports the normaliser.

/// CJK ideographs and CJK/full-width punctuation: whitespace between two of
/// these is an artefact (`财政    资金`), not a word break.
pub fn is_cjk(c: char) -> bool {
    matches!(c as u32,
        0x3000..=0x303F   // CJK punctuation
        | 0x3400..=0x4DBF
        | 0x4E00..=0x9FFF
        | 0xF900..=0xFAFF
        | 0xFF00..=0xFFEF // full-width forms
        | 0x20000..=0x3134F)
}

#[cfg(test)]
mod tests {
    use super::is_cjk;

    #[test]
    fn ideographs_and_full_width_forms_are_cjk_latin_is_not() {
        for c in ['财', '㐀', '，', '（', '　', '０'] {
            assert!(is_cjk(c), "{c:?}");
        }
        for c in ['a', '1', ' ', ',', '(', 'é'] {
            assert!(!is_cjk(c), "{c:?}");
        }
    }
}
