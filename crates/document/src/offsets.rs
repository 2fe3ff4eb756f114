//! Conversion between UTF-8 byte offsets (internal) and Unicode code point
//! offsets (PTC files, JSON, Python).

/// A lookup table between byte offsets and code point offsets of one text.
///
/// Built once per text in O(n); each conversion is O(1) (bytes → chars) or
/// O(log n) (chars → bytes). ASCII-only texts take a fast path with no table.
#[derive(Debug, Clone)]
pub struct CharIndex {
    /// Byte offset of every code point, plus the text length at the end.
    /// Empty when the text is ASCII (offsets are then identical).
    char_starts: Vec<usize>,
    len_bytes: usize,
}

impl CharIndex {
    /// Builds the index for `text`.
    pub fn new(text: &str) -> CharIndex {
        if text.is_ascii() {
            return CharIndex {
                char_starts: Vec::new(),
                len_bytes: text.len(),
            };
        }
        let mut char_starts: Vec<usize> = text.char_indices().map(|(b, _)| b).collect();
        char_starts.push(text.len());
        CharIndex {
            char_starts,
            len_bytes: text.len(),
        }
    }

    /// Number of code points in the text.
    pub fn len_chars(&self) -> usize {
        if self.char_starts.is_empty() {
            self.len_bytes
        } else {
            self.char_starts.len() - 1
        }
    }

    /// Code point offset of byte offset `byte`. A byte inside a multi-byte
    /// character maps to that character; offsets past the end map to the end.
    pub fn to_char(&self, byte: usize) -> usize {
        if self.char_starts.is_empty() {
            return byte.min(self.len_bytes);
        }
        match self.char_starts.binary_search(&byte) {
            Ok(i) => i,
            Err(i) => (i.saturating_sub(1)).min(self.len_chars()),
        }
    }

    /// Byte offset of code point offset `ch`, or `None` past the end.
    pub fn to_byte(&self, ch: usize) -> Option<usize> {
        if self.char_starts.is_empty() {
            return (ch <= self.len_bytes).then_some(ch);
        }
        self.char_starts.get(ch).copied()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn ascii_is_identity() {
        let idx = CharIndex::new("hello");
        assert_eq!(idx.to_char(3), 3);
        assert_eq!(idx.to_byte(5), Some(5));
        assert_eq!(idx.to_byte(6), None);
    }

    #[test]
    fn curly_quotes_dashes_and_accents() {
        // From the sample article's world: curly quotes, an em dash, accented names.
        let text = "\u{201c}Assad\u{201d} \u{2014} Fran\u{e7}ois Hollande said";
        let idx = CharIndex::new(text);
        let b = text.find("Assad").unwrap();
        assert_eq!(b, 3);
        assert_eq!(idx.to_char(b), 1);
        let b = text.find("Hollande").unwrap();
        let c: usize = text[..b].chars().count();
        assert_eq!(idx.to_char(b), c);
        assert_eq!(idx.to_byte(c), Some(b));
        assert_eq!(idx.len_chars(), text.chars().count());
    }

    proptest! {
        #[test]
        fn round_trips_on_any_text(s in "\\PC{0,40}") {
            let idx = CharIndex::new(&s);
            for (ci, (b, _)) in s.char_indices().enumerate() {
                prop_assert_eq!(idx.to_char(b), ci);
                prop_assert_eq!(idx.to_byte(ci), Some(b));
            }
            prop_assert_eq!(idx.to_byte(s.chars().count()), Some(s.len()));
        }
    }
}
