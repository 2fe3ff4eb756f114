//! Tokens and sentences with byte offsets into the original text.
//!
//! Fast, allocation-light, rule-based segmentation shared by every analyser:
//! [`tokenize`] splits text into words, numbers and punctuation marks;
//! [`sentences`] splits it into sentences (always at line breaks, and after
//! `.`, `!`, `?` or `…` followed by a space and an upper-case letter, a digit
//! or an opening quote, unless the word before is a known abbreviation or an
//! initial; `no.` counts as one only before a number).
//! [`SentenceStage`] adds the `sentence` layer to a document.
//!
//! ```
//! let text = "Mr. Smith said \u{201c}no.\u{201d} It rained!";
//! let s: Vec<&str> = unspin_segment::sentences(text).iter().map(|r| &text[r.clone()]).collect();
//! assert_eq!(s, ["Mr. Smith said \u{201c}no.\u{201d}", "It rained!"]);
//! let t: Vec<&str> = unspin_segment::tokenize("Don't panic!").iter().map(|t| &"Don't panic!"[t.range()]).collect();
//! assert_eq!(t, ["Don't", "panic", "!"]);
//! ```
#![deny(missing_docs)]

use std::ops::Range;

use unspin_document::{layers, Document, Span};
use unspin_pipeline::{Stage, StageError};

/// What kind of token a [`Token`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenKind {
    /// Letters, possibly with inner apostrophes or digits (`don't`, `G20`).
    Word,
    /// Digits, possibly with inner `.`/`,` (`3,000`, `12.5`).
    Number,
    /// One punctuation mark or symbol.
    Punct,
}

/// A token: a byte range of the text and its kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Token {
    /// Start byte offset.
    pub start: usize,
    /// End byte offset (exclusive).
    pub end: usize,
    /// The token's kind.
    pub kind: TokenKind,
}

impl Token {
    /// The byte range of the token.
    pub fn range(&self) -> Range<usize> {
        self.start..self.end
    }
}

fn is_apostrophe(c: char) -> bool {
    c == '\'' || c == '\u{2019}'
}

/// Splits `text` into tokens, skipping whitespace.
pub fn tokenize(text: &str) -> Vec<Token> {
    let mut out = Vec::with_capacity(text.len() / 5 + 1);
    tokenize_into(text, 0, &mut out);
    out
}

/// Appends the tokens of `text` to `out`, with offsets shifted by `base`.
pub fn tokenize_into(text: &str, base: usize, out: &mut Vec<Token>) {
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if b < 128 {
            if b.is_ascii_whitespace() {
                i += 1;
                continue;
            }
            if b.is_ascii_alphanumeric() {
                let start = i;
                let numeric = b.is_ascii_digit();
                i = scan_word(text, i, numeric);
                let kind = if numeric && text[start..i].bytes().all(|c| !c.is_ascii_alphabetic()) {
                    TokenKind::Number
                } else {
                    TokenKind::Word
                };
                out.push(Token {
                    start: base + start,
                    end: base + i,
                    kind,
                });
                continue;
            }
            out.push(Token {
                start: base + i,
                end: base + i + 1,
                kind: TokenKind::Punct,
            });
            i += 1;
            continue;
        }
        // Non-ASCII: decode one char.
        let c = text[i..].chars().next().unwrap_or(' ');
        let w = c.len_utf8();
        if c.is_whitespace() {
            i += w;
        } else if c.is_alphanumeric() {
            let start = i;
            i = scan_word(text, i, false);
            out.push(Token {
                start: base + start,
                end: base + i,
                kind: TokenKind::Word,
            });
        } else {
            out.push(Token {
                start: base + i,
                end: base + i + w,
                kind: TokenKind::Punct,
            });
            i += w;
        }
    }
}

/// Scans a word or number starting at `i`; returns its end.
fn scan_word(text: &str, mut i: usize, numeric: bool) -> usize {
    let bytes = text.as_bytes();
    loop {
        // fast ASCII run
        while i < bytes.len() && bytes[i].is_ascii_alphanumeric() {
            i += 1;
        }
        if i >= bytes.len() {
            return i;
        }
        let b = bytes[i];
        if b >= 128 {
            let c = text[i..].chars().next().unwrap_or(' ');
            if c.is_alphanumeric() {
                i += c.len_utf8();
                continue;
            }
            if is_apostrophe(c) && next_is_alpha(text, i + c.len_utf8()) {
                i += c.len_utf8();
                continue;
            }
            return i;
        }
        let joiner = if numeric {
            b == b'.' || b == b','
        } else {
            b == b'\''
        };
        if joiner
            && i + 1 < bytes.len()
            && (if numeric {
                bytes[i + 1].is_ascii_digit()
            } else {
                next_is_alpha(text, i + 1)
            })
        {
            i += 1;
            continue;
        }
        return i;
    }
}

fn next_is_alpha(text: &str, i: usize) -> bool {
    text.get(i..)
        .and_then(|s| s.chars().next())
        .is_some_and(char::is_alphabetic)
}

const ABBREVIATIONS: &[&str] = &[
    "mr", "mrs", "ms", "dr", "prof", "sr", "jr", "st", "gen", "col", "lt", "sgt", "capt", "gov",
    "sen", "rep", "rev", "vs", "etc", "inc", "ltd", "co", "corp", "jan", "feb", "mar", "apr",
    "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec", "u.s", "u.k", "e.g", "i.e", "a.m",
    "p.m", "ft", "mt", "fig", "approx",
];

/// Abbreviations that are also ordinary words, taken as abbreviations only
/// before a number: "No. 5" goes on, "He said no. Then" ends a sentence.
const NUMBER_ABBREVIATIONS: &[&str] = &["no"];

/// Whether `word` (lower-case, the text before a `.`) is an abbreviation or
/// an initial when `next` is the first character after the `.` and spaces.
fn is_abbreviation(word: &str, next: char) -> bool {
    word.chars().count() == 1
        || ABBREVIATIONS.contains(&word)
        || (NUMBER_ABBREVIATIONS.contains(&word) && next.is_ascii_digit())
}

/// Splits `text` into sentence byte ranges, trimmed of surrounding whitespace.
///
/// Every line break ends a sentence; within a line, `.`, `!`, `?` and `…`
/// (with any closing quotes or brackets after them) end a sentence when the
/// next non-space character is upper-case, a digit or an opening quote and
/// the word before a `.` is not a known abbreviation ("Dr.", "U.S.", "Jan.",
/// "e.g.") or a single letter (an initial: "W. Patrick Lang"). "No." is an
/// abbreviation only before a number ("No. 5"), so "He said no. Then" splits.
/// A terminator followed by closing quotes ends the sentence after the quotes
/// ("“Stop.” He left."); an ellipsis ends one like a full stop.
pub fn sentences(text: &str) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let mut line_start = 0;
    for line in text.split_inclusive('\n') {
        split_line(text, line_start, line_start + line.len(), &mut out);
        line_start += line.len();
    }
    out
}

fn push_trimmed(text: &str, start: usize, end: usize, out: &mut Vec<Range<usize>>) {
    let s = &text[start..end];
    let lead = s.len() - s.trim_start().len();
    let t = s.trim();
    if !t.is_empty() {
        out.push(start + lead..start + lead + t.len());
    }
}

fn is_closer(c: char) -> bool {
    matches!(
        c,
        '"' | '\'' | ')' | ']' | '\u{201d}' | '\u{2019}' | '\u{bb}'
    )
}

fn is_opener(c: char) -> bool {
    matches!(
        c,
        '"' | '\'' | '(' | '[' | '\u{201c}' | '\u{2018}' | '\u{ab}'
    )
}

fn split_line(text: &str, start: usize, end: usize, out: &mut Vec<Range<usize>>) {
    let line = &text[start..end];
    let mut sent_start = start;
    let mut iter = line.char_indices().peekable();
    while let Some((i, c)) = iter.next() {
        if !matches!(c, '.' | '!' | '?' | '\u{2026}') {
            continue;
        }
        // swallow repeated terminators and closers
        let mut j = i + c.len_utf8();
        while let Some(&(k, d)) = iter.peek() {
            if matches!(d, '.' | '!' | '?' | '\u{2026}') || is_closer(d) {
                j = k + d.len_utf8();
                iter.next();
            } else {
                break;
            }
        }
        let rest = &line[j..];
        let trimmed = rest.trim_start();
        if trimmed.len() == rest.len() && !rest.is_empty() {
            continue; // no space after: "3.5", "U.S.A"
        }
        let Some(next) = trimmed.chars().next() else {
            continue;
        };
        if !(next.is_uppercase() || next.is_ascii_digit() || is_opener(next)) {
            continue;
        }
        if c == '.' && j == i + 1 {
            let word_start = line[..i]
                .char_indices()
                .rev()
                .find(|&(_, ch)| ch.is_whitespace() || is_opener(ch))
                .map_or(0, |(p, ch)| p + ch.len_utf8());
            let word = line[word_start..i].to_ascii_lowercase();
            if is_abbreviation(&word, next) {
                continue;
            }
        }
        push_trimmed(text, sent_start, start + j, out);
        sent_start = start + j;
    }
    push_trimmed(text, sent_start, end, out);
}

/// A pipeline stage that adds the `sentence` layer.
#[derive(Debug, Default, Clone, Copy)]
pub struct SentenceStage;

impl Stage for SentenceStage {
    fn name(&self) -> &str {
        "sentences"
    }
    fn assigns(&self) -> &[&str] {
        &[layers::SENTENCE]
    }
    fn process(&self, doc: &mut Document) -> Result<(), StageError> {
        let spans = sentences(doc.text())
            .into_iter()
            .map(|r| Span::new(r.start, r.end, "sentence"))
            .collect::<Result<Vec<_>, _>>()?;
        doc.set_layer(layers::SENTENCE, spans)?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn toks(s: &str) -> Vec<&str> {
        tokenize(s).iter().map(|t| &s[t.range()]).collect()
    }

    fn sents(s: &str) -> Vec<&str> {
        sentences(s).into_iter().map(|r| &s[r]).collect()
    }

    #[test]
    fn tokens_keep_numbers_contractions_and_unicode() {
        assert_eq!(
            toks("3,000 men, 12.5 km."),
            ["3,000", "men", ",", "12.5", "km", "."]
        );
        assert_eq!(
            toks("Assad\u{2019}s \u{201c}moderate\u{201d} rebels"),
            [
                "Assad\u{2019}s",
                "\u{201c}",
                "moderate",
                "\u{201d}",
                "rebels"
            ]
        );
        assert_eq!(
            toks("Fran\u{e7}ois\u{2014}Hollande"),
            ["Fran\u{e7}ois", "\u{2014}", "Hollande"]
        );
        assert_eq!(toks("'quoted'"), ["'", "quoted", "'"]);
    }

    #[test]
    fn sentences_split_on_lines_and_terminators() {
        assert_eq!(sents("One. Two!\nThree"), ["One.", "Two!", "Three"]);
        assert_eq!(
            sents("He met Dr. No at 3 p.m. on Friday. Then left."),
            ["He met Dr. No at 3 p.m. on Friday.", "Then left."]
        );
        assert_eq!(
            sents("It cost $3.5 million. U.S. officials agreed."),
            ["It cost $3.5 million.", "U.S. officials agreed."]
        );
        assert_eq!(
            sents("He said \"stop!\" She did not."),
            ["He said \"stop!\"", "She did not."]
        );
        assert_eq!(sents("  \n\n "), Vec::<&str>::new());
        // regression: a multi-byte opening quote before an abbreviation
        assert_eq!(
            sents("citing \u{201c}Rev. Smith\u{201d}. Then"),
            ["citing \u{201c}Rev. Smith\u{201d}.", "Then"]
        );
    }

    proptest! {
        #[test]
        fn tokens_and_sentences_are_ordered_slices(s in "([a-zA-Z.!?\u{201c}\u{201d}\"' \n]|\\PC){0,80}") {
            let mut last = 0;
            for t in tokenize(&s) {
                prop_assert!(t.start >= last && t.end > t.start && t.end <= s.len());
                prop_assert!(s.is_char_boundary(t.start) && s.is_char_boundary(t.end));
                last = t.end;
            }
            let mut last = 0;
            for r in sentences(&s) {
                prop_assert!(r.start >= last && r.end > r.start && r.end <= s.len());
                last = r.end;
            }
        }
    }
}
