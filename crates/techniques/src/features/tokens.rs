//! Tokens of one document with what every feature needs (word hashes,
//! shapes, sentence ranges, repetition counts), computed once; small hashing helpers.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};
use std::ops::Range;

use unspin_segment::{Token, TokenKind};
use xxhash_rust::xxh3::xxh3_64;

use crate::linear::mix;

/// A hasher for keys that are already hashes.
#[derive(Default)]
pub(crate) struct IdHasher(u64);

impl Hasher for IdHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = self.0.rotate_left(8) ^ b as u64;
        }
    }
    fn write_u64(&mut self, n: u64) {
        self.0 = n;
    }
}

pub(crate) type IdMap<V> = HashMap<u64, V, BuildHasherDefault<IdHasher>>;

/// Hash of the lower-cased form of `s` (no allocation for short ASCII words).
pub(crate) fn hash_lower(s: &str) -> u64 {
    if s.len() <= 64 && s.is_ascii() {
        let mut buf = [0u8; 64];
        for (d, b) in buf.iter_mut().zip(s.bytes()) {
            *d = b.to_ascii_lowercase();
        }
        xxh3_64(&buf[..s.len()])
    } else {
        // Curly apostrophes fold to straight ones so "don’t" == "don't".
        let l: String = s
            .chars()
            .flat_map(char::to_lowercase)
            .map(|c| if c == '\u{2019}' { '\'' } else { c })
            .collect();
        xxh3_64(l.as_bytes())
    }
}

pub(super) const STOPWORDS: &[&str] = &[
    "a", "an", "the", "and", "or", "but", "if", "of", "to", "in", "on", "at", "by", "for", "with",
    "from", "as", "is", "are", "was", "were", "be", "been", "being", "it", "its", "this", "that",
    "these", "those", "he", "she", "they", "we", "you", "i", "his", "her", "their", "our", "your",
    "my", "him", "them", "us", "me", "not", "no", "so", "than", "then", "there", "here", "has",
    "have", "had", "do", "does", "did", "will", "would", "can", "could", "should", "may", "might",
    "must", "which", "who", "whom", "what", "when", "where", "why", "how", "all", "any", "some",
    "more", "most", "also", "just", "about", "into", "over", "after", "before", "said", "says",
    "s", "t", "up", "out",
];

/// True for function words that explain nothing on their own.
pub(crate) fn is_stopword(word: &str) -> bool {
    static SET: std::sync::OnceLock<std::collections::HashSet<&'static str>> =
        std::sync::OnceLock::new();
    SET.get_or_init(|| STOPWORDS.iter().copied().collect())
        .contains(word)
}

pub(super) fn stop_hashes() -> &'static IdMap<()> {
    static SET: std::sync::OnceLock<IdMap<()>> = std::sync::OnceLock::new();
    SET.get_or_init(|| STOPWORDS.iter().map(|w| (hash_lower(w), ())).collect())
}

/// Coarse word shape.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
pub(crate) enum Shape {
    Lower = 1,
    Capitalized = 2,
    AllCaps = 3,
    Number = 4,
    Punct = 5,
    Other = 6,
}

pub(super) fn shape(s: &str, kind: TokenKind) -> Shape {
    match kind {
        TokenKind::Number => Shape::Number,
        TokenKind::Punct => Shape::Punct,
        TokenKind::Word if s.is_ascii() => {
            let b = s.as_bytes();
            let upper = b.iter().filter(|c| c.is_ascii_uppercase()).count();
            let letters = b.iter().filter(|c| c.is_ascii_alphabetic()).count();
            if upper == 0 {
                Shape::Lower
            } else if upper == letters && letters > 1 {
                Shape::AllCaps
            } else if b[0].is_ascii_uppercase() && upper == 1 {
                Shape::Capitalized
            } else {
                Shape::Other
            }
        }
        TokenKind::Word => {
            let mut chars = s.chars();
            let first = chars.next().unwrap_or('a');
            let upper = s.chars().filter(|c| c.is_uppercase()).count();
            let letters = s.chars().filter(|c| c.is_alphabetic()).count();
            if upper == 0 {
                Shape::Lower
            } else if upper == letters && letters > 1 {
                Shape::AllCaps
            } else if first.is_uppercase() && upper == 1 {
                Shape::Capitalized
            } else {
                Shape::Other
            }
        }
    }
}

pub(super) fn count_bucket(n: u32) -> u64 {
    match n {
        0 | 1 => 1,
        2 => 2,
        3 | 4 => 3,
        5..=8 => 4,
        _ => 5,
    }
}

pub(super) fn len_bucket(n: usize) -> &'static str {
    match n {
        0 | 1 => "1",
        2 => "2",
        3 => "3",
        4 | 5 => "4-5",
        6..=8 => "6-8",
        9..=12 => "9-12",
        13..=20 => "13-20",
        _ => "21+",
    }
}

/// Tokens of one document with everything the features need, computed once.
pub struct DocTokens<'a> {
    /// The document text.
    pub text: &'a str,
    /// Tokens in order.
    pub tokens: Vec<Token>,
    /// Hash of each token's lower-cased form.
    pub(crate) lower: Vec<u64>,
    pub(crate) shape: Vec<Shape>,
    pub(crate) stop: Vec<bool>,
    /// Index of each token's sentence.
    pub sentence_of: Vec<u32>,
    /// Token index range of each sentence.
    pub sentence_tokens: Vec<Range<usize>>,
    /// Byte range of each sentence.
    pub sentence_bytes: Vec<Range<usize>>,
    pub(crate) word_count: IdMap<u32>,
    pub(crate) bigram_count: IdMap<u32>,
    pub(crate) in_quotes: Vec<bool>,
}

impl<'a> DocTokens<'a> {
    /// Tokenises and segments `text` (an empty text gives no tokens).
    pub fn new(text: &'a str) -> DocTokens<'a> {
        let sentence_bytes = unspin_segment::sentences(text);
        let mut tokens = Vec::with_capacity(text.len() / 5 + 1);
        let mut sentence_tokens = Vec::with_capacity(sentence_bytes.len());
        let mut sentence_of = Vec::with_capacity(text.len() / 5 + 1);
        for (si, r) in sentence_bytes.iter().enumerate() {
            let before = tokens.len();
            unspin_segment::tokenize_into(&text[r.clone()], r.start, &mut tokens);
            sentence_tokens.push(before..tokens.len());
            sentence_of.resize(tokens.len(), si as u32);
        }
        let n = tokens.len();
        let mut lower = Vec::with_capacity(n);
        let mut shapes = Vec::with_capacity(n);
        let mut stop = Vec::with_capacity(n);
        let stop_hashes = stop_hashes();
        let mut word_count: IdMap<u32> =
            IdMap::with_capacity_and_hasher(n / 2 + 8, Default::default());
        for t in &tokens {
            let s = &text[t.range()];
            let h = hash_lower(s);
            lower.push(h);
            shapes.push(shape(s, t.kind));
            let is_stop = t.kind == TokenKind::Word && stop_hashes.contains_key(&h);
            stop.push(is_stop);
            if t.kind != TokenKind::Punct {
                *word_count.entry(h).or_insert(0) += 1;
            }
        }
        let mut bigram_count: IdMap<u32> =
            IdMap::with_capacity_and_hasher(n + 8, Default::default());
        let mut in_quotes = vec![false; n];
        for r in &sentence_tokens {
            let mut open = false;
            for i in r.clone() {
                let s = &text[tokens[i].range()];
                if tokens[i].kind == TokenKind::Punct {
                    match s {
                        "\u{201c}" | "\u{ab}" => open = true,
                        "\u{201d}" | "\u{bb}" => open = false,
                        "\"" => open = !open,
                        _ => {}
                    }
                }
                in_quotes[i] = open;
                if i + 1 < r.end
                    && tokens[i].kind != TokenKind::Punct
                    && tokens[i + 1].kind != TokenKind::Punct
                {
                    *bigram_count.entry(mix(lower[i], lower[i + 1])).or_insert(0) += 1;
                }
            }
        }
        DocTokens {
            text,
            tokens,
            lower,
            shape: shapes,
            stop,
            sentence_of,
            sentence_tokens,
            sentence_bytes,
            word_count,
            bigram_count,
            in_quotes,
        }
    }

    /// Number of tokens.
    pub fn len(&self) -> usize {
        self.tokens.len()
    }

    /// True when the text has no tokens.
    pub fn is_empty(&self) -> bool {
        self.tokens.is_empty()
    }

    /// The text of token `i`.
    pub fn token_text(&self, i: usize) -> &'a str {
        &self.text[self.tokens[i].range()]
    }
}
