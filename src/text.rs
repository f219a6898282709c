//! Text that came from outside (Justworks, or a name stored long ago) made safe to keep
//! and to show on one line: no NUL (PostgreSQL refuses it in text), no other control
//! characters, no bidirectional overrides (which can make a name display as another),
//! and at most so many characters.

use std::borrow::Cow;

/// The embeddings, overrides and isolates (U+202A–U+202E, U+2066–U+2069): they reorder
/// how the text around them is displayed.
pub fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// What ends a line or jumps ahead in one (tabs, line and paragraph breaks): kept as a
/// space, so that "Ana\nSouza" stays two words.
fn is_break(c: char) -> bool {
    matches!(
        c,
        '\t' | '\n' | '\u{0B}' | '\u{0C}' | '\r' | '\u{85}' | '\u{2028}' | '\u{2029}'
    )
}

fn is_unwanted(c: char) -> bool {
    c.is_control() || is_bidi_control(c) || is_break(c)
}

/// `value` on one line and at most `max_chars` characters long, in place: each run of
/// tabs and line breaks becomes one space (none at either end), every other control
/// character (NUL included) and every bidirectional override is dropped. Returns
/// whether it had to be cut. Text that needs none of this is left as it is, without
/// copying it.
pub fn clean_line(value: &mut String, max_chars: usize) -> bool {
    let clean = !value.chars().any(is_unwanted);
    if clean && (value.len() <= max_chars || value.chars().count() <= max_chars) {
        return false;
    }
    let mut out = String::with_capacity(value.len().min(max_chars.saturating_mul(4)));
    let (mut kept, mut cut, mut space) = (0, false, false);
    for c in value.chars() {
        if is_break(c) {
            space = !out.is_empty();
            continue;
        }
        if c.is_control() || is_bidi_control(c) {
            continue;
        }
        let needed = 1 + usize::from(space);
        if kept + needed > max_chars {
            cut = true;
            break;
        }
        if space {
            out.push(' ');
            space = false;
        }
        out.push(c);
        kept += needed;
    }
    *value = out;
    cut
}

/// `value` on one line, for text that will be shown where a new line would mean
/// something (a plain-text email): as [`clean_line`], without a length limit.
pub fn one_line(value: &str) -> Cow<'_, str> {
    if !value.chars().any(is_unwanted) {
        return Cow::Borrowed(value);
    }
    let mut owned = value.to_owned();
    clean_line(&mut owned, usize::MAX);
    Cow::Owned(owned)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cleaned(value: &str, max: usize) -> (String, bool) {
        let mut value = value.to_owned();
        let cut = clean_line(&mut value, max);
        (value, cut)
    }

    #[test]
    fn nul_and_control_characters_are_dropped() {
        assert_eq!(cleaned("A\0n\u{7}a", 300), ("Ana".into(), false));
        assert_eq!(cleaned("Ana\u{9B}", 300), ("Ana".into(), false));
    }

    #[test]
    fn line_breaks_and_tabs_become_one_space_inside_and_nothing_at_the_ends() {
        assert_eq!(
            cleaned("\r\nAna\r\n\tSouza\n", 300),
            ("Ana Souza".into(), false)
        );
        assert_eq!(
            cleaned("Ana\u{2028}Souza", 300),
            ("Ana Souza".into(), false)
        );
    }

    #[test]
    fn bidirectional_overrides_are_dropped_but_right_to_left_text_stays() {
        assert_eq!(
            cleaned("\u{202E}anA\u{202C} \u{2067}x\u{2069}", 300),
            ("anA x".into(), false)
        );
        assert_eq!(cleaned("שלום עולם", 300), ("שלום עולם".into(), false));
    }

    #[test]
    fn long_text_is_cut_to_the_limit_in_characters_not_bytes() {
        assert_eq!(cleaned("ééééé", 3), ("ééé".into(), true));
        assert_eq!(cleaned("ééé", 3), ("ééé".into(), false));
        let (long, cut) = cleaned(&"x".repeat(1_001), 1_000);
        assert!(cut);
        assert_eq!(long.chars().count(), 1_000);
        assert_eq!(cleaned("ab\ncd", 3), ("ab".into(), true));
    }

    #[test]
    fn clean_text_is_left_untouched() {
        assert_eq!(
            cleaned("Zoë O'Brien-Łukasiewicz 山田", 300),
            ("Zoë O'Brien-Łukasiewicz 山田".into(), false)
        );
        assert!(matches!(one_line("Ana Souza"), Cow::Borrowed(_)));
        assert_eq!(one_line("Ana\r\nBcc: x@evil.test"), "Ana Bcc: x@evil.test");
    }
}
