//! Lower-cased token forms, computed once per text.

use unspin_segment::Token;

use crate::ByteRange;

/// The lower-cased forms of a text's tokens, kept in one buffer (no
/// allocation per token): the text lower-cased in ASCII, where every ASCII
/// token's form lies, followed by the forms of the other tokens.
pub struct Lowered {
    buf: String,
    /// Where each token's form lies in `buf`.
    forms: Vec<ByteRange>,
}

impl Lowered {
    /// The normalised forms of `tokens` of `text`: lower-cased, with curly
    /// apostrophes read as straight ones.
    pub fn new(text: &str, tokens: &[Token]) -> Lowered {
        Lowered::with(text, tokens, push_norm)
    }

    /// The lower-cased forms of `tokens` of `text` (`str::to_lowercase`),
    /// apostrophes as written.
    pub fn plain(text: &str, tokens: &[Token]) -> Lowered {
        Lowered::with(text, tokens, push_lower)
    }

    /// `push` appends the form of a token; for ASCII tokens it must be the
    /// ASCII lower-casing.
    fn with(text: &str, tokens: &[Token], push: fn(&mut String, &str)) -> Lowered {
        let mut buf = text.to_ascii_lowercase();
        let forms = tokens
            .iter()
            .map(|t| {
                let word = &text[t.range()];
                if word.is_ascii() {
                    t.range()
                } else {
                    let start = buf.len();
                    push(&mut buf, word);
                    start..buf.len()
                }
            })
            .collect();
        Lowered { buf, forms }
    }

    /// The form of token `i`, if there is such a token.
    pub fn get(&self, i: usize) -> Option<&str> {
        self.forms.get(i).map(|r| &self.buf[r.clone()])
    }
}

/// Appends `word` lower-cased, with curly apostrophes read as straight ones
/// (`word.to_lowercase().replace('\u{2019}', "'")`; ASCII words take a fast
/// path without allocating).
pub fn push_norm(out: &mut String, word: &str) {
    if word.is_ascii() {
        let start = out.len();
        out.push_str(word);
        out[start..].make_ascii_lowercase();
    } else {
        out.push_str(&word.to_lowercase().replace('\u{2019}', "'"));
    }
}

/// Appends `word` lower-cased (`word.to_lowercase()`; ASCII words take a fast
/// path without allocating).
pub fn push_lower(out: &mut String, word: &str) {
    if word.is_ascii() {
        let start = out.len();
        out.push_str(word);
        out[start..].make_ascii_lowercase();
    } else {
        out.push_str(&word.to_lowercase());
    }
}
