//! FTS5 query text: making a user's query forgiving of hyphenated words,
//! the speaker filter as an FTS5 column filter, and snippets with their
//! marked matches.

use std::ops::Range;

/// Opens a match in the snippets SQLite writes for us (STX).
pub(crate) const OPEN: char = '\u{2}';
/// Closes a match (ETX).
pub(crate) const CLOSE: char = '\u{3}';

/// A short brief of the FTS5 query syntax, appended to query errors.
pub const FTS5_SYNTAX: &str = "FTS5 query syntax: words match whole words, ignoring case and \
accents; \"a phrase\" in double quotes; AND, OR, NOT in capitals (NOT needs a left side: \
`Assad NOT Putin`; two words side by side mean AND); prefix* matches word beginnings; \
NEAR(a b, 10); parentheses group; `title: word` searches article titles only";

/// Characters that join the parts of one written word ("cease-fire",
/// "Assad's", "U.S.", "9/11") but are not FTS5 barewords: a word holding one
/// is quoted as a phrase, which is what the writer meant.
const JOINERS: &[char] = &['-', '\'', '.', '/', '&', '@', '#', '$', '%'];

/// Whether FTS5 reads `c` as part of a bareword.
fn is_bareword(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_' || c == '\u{1a}' || !c.is_ascii()
}

/// The user's query as FTS5 reads it: unchanged, except that a word written
/// with a hyphen, apostrophe, dot or slash outside double quotes
/// (`cease-fire`, `Assad's`, `U.S.`) becomes a quoted phrase (FTS5 would
/// otherwise read `-` as a column exclusion and reject the others).
pub(crate) fn prepare_query(query: &str) -> String {
    let chars: Vec<char> = query.chars().collect();
    let mut out = String::with_capacity(query.len() + 8);
    let mut in_quotes = false;
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c == '"' {
            in_quotes = !in_quotes;
            out.push(c);
            i += 1;
        } else if !in_quotes && is_bareword(c) {
            let start = i;
            let mut joined = false;
            while i < chars.len() && (is_bareword(chars[i]) || JOINERS.contains(&chars[i])) {
                joined |= JOINERS.contains(&chars[i]);
                i += 1;
            }
            let word: String = chars[start..i].iter().collect();
            if joined {
                out.push('"');
                out.push_str(&word);
                out.push('"');
            } else {
                out.push_str(&word);
            }
        } else {
            out.push(c);
            i += 1;
        }
    }
    out
}

/// The FTS5 expression that keeps the quotes whose resolved speaker holds
/// every word of `speaker` (whole words, ignoring case and accents; a word
/// ending in `*` matches as a prefix), or `None` when it has no word.
pub(crate) fn speaker_filter(speaker: &str) -> Option<String> {
    let parts: Vec<String> = speaker
        .split_whitespace()
        .filter_map(|w| {
            let prefix = w.ends_with('*');
            let word: String = w.chars().filter(|&c| c != '"' && c != '*').collect();
            if !word.chars().any(is_bareword) {
                return None;
            }
            Some(format!(
                "speaker : \"{word}\"{}",
                if prefix { "*" } else { "" }
            ))
        })
        .collect();
    (!parts.is_empty()).then(|| parts.join(" AND "))
}

/// A short piece of text around a match, with the matched words marked.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct Snippet {
    /// The text, whitespace collapsed to single spaces; `…` where it was cut.
    pub text: String,
    /// Byte ranges of the matched words in `text`, in order.
    pub marks: Vec<Range<usize>>,
}

impl Snippet {
    /// The text with every match between `open` and `close`
    /// (`"[", "]"`, or ANSI bold on a terminal).
    pub fn marked(&self, open: &str, close: &str) -> String {
        let mut out = String::with_capacity(self.text.len() + self.marks.len() * 4);
        let mut at = 0;
        for m in &self.marks {
            out.push_str(&self.text[at..m.start]);
            out.push_str(open);
            out.push_str(&self.text[m.clone()]);
            out.push_str(close);
            at = m.end;
        }
        out.push_str(&self.text[at..]);
        out
    }

    /// Reads a snippet SQLite wrote with [`OPEN`] and [`CLOSE`] around the
    /// matches, collapsing whitespace. A stray marker is dropped.
    pub(crate) fn from_marked(raw: &str) -> Snippet {
        let mut text = String::with_capacity(raw.len());
        let mut marks = Vec::new();
        let mut open: Option<usize> = None;
        let mut space = false;
        for c in raw.trim().chars() {
            match c {
                OPEN => {
                    if space {
                        text.push(' ');
                        space = false;
                    }
                    open = Some(text.len());
                }
                CLOSE => {
                    if let Some(start) = open.take() {
                        if start < text.len() {
                            marks.push(start..text.len());
                        }
                    }
                }
                c if c.is_whitespace() => space = !text.is_empty(),
                c => {
                    if space {
                        text.push(' ');
                        space = false;
                    }
                    text.push(c);
                }
            }
        }
        Snippet { text, marks }
    }

    /// The first `max_chars` characters of `text` (cut at a word boundary,
    /// with `…`), nothing marked: the snippet of a hit found without a
    /// full-text query.
    pub(crate) fn plain(text: &str, max_chars: usize) -> Snippet {
        let mut s = Snippet::from_marked(&text.replace([OPEN, CLOSE], ""));
        if s.text.chars().count() > max_chars {
            let cut = s
                .text
                .char_indices()
                .nth(max_chars)
                .map_or(s.text.len(), |(i, _)| i);
            let cut = s.text[..cut]
                .rfind(' ')
                .filter(|&i| i > cut / 2)
                .unwrap_or(cut);
            s.text.truncate(cut);
            s.text.push('…');
        }
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hyphenated_words_become_phrases() {
        assert_eq!(prepare_query("cease-fire"), "\"cease-fire\"");
        assert_eq!(prepare_query("Assad's regime"), "\"Assad's\" regime");
        assert_eq!(prepare_query("cease-f*"), "\"cease-f\"*");
        assert_eq!(
            prepare_query("\"a cease-fire\" AND NEAR(U.S. Russia, 5)"),
            "\"a cease-fire\" AND NEAR(\"U.S.\" Russia, 5)"
        );
        assert_eq!(prepare_query("title: war -x"), "title: war -x");
    }

    #[test]
    fn speaker_filters() {
        assert_eq!(
            speaker_filter("John Bolton").as_deref(),
            Some("speaker : \"John\" AND speaker : \"Bolton\"")
        );
        assert_eq!(
            speaker_filter("bolt*").as_deref(),
            Some("speaker : \"bolt\"*")
        );
        assert_eq!(speaker_filter(" \" * "), None);
    }

    #[test]
    fn snippets_keep_their_marks() {
        let s = Snippet::from_marked("…the\n \u{2}Assad\u{3}  regime \u{3}x\u{2}");
        assert_eq!(s.text, "…the Assad regime x");
        assert_eq!(&s.text[s.marks[0].clone()], "Assad");
        assert_eq!(s.marks.len(), 1);
        assert_eq!(s.marked("[", "]"), "…the [Assad] regime x");
        let p = Snippet::plain("one two three four five six", 12);
        assert_eq!(p.text, "one two…");
        assert!(p.marks.is_empty());
    }
}
