//! Feature extraction for the fast tier.
//!
//! Span identification (SI) scores every token from hashed features of the
//! token, its neighbours, its sentence (shared by all the sentence's tokens)
//! and the document (how often the word and its bigrams recur). Technique
//! classification (TC) describes a candidate span by its words, character
//! n-grams, context, length, how often it recurs in the article and its
//! punctuation; TC features are named strings so that the model can explain
//! which ones drove a decision.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};
use std::ops::Range;

use unspin_segment::{Token, TokenKind};
use xxhash_rust::xxh3::xxh3_64;

use crate::linear::{bucket, mix, Feature};

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

const STOPWORDS: &[&str] = &[
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

fn stop_hashes() -> &'static IdMap<()> {
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

fn shape(s: &str, kind: TokenKind) -> Shape {
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

fn count_bucket(n: u32) -> u64 {
    match n {
        0 | 1 => 1,
        2 => 2,
        3 | 4 => 3,
        5..=8 => 4,
        _ => 5,
    }
}

fn len_bucket(n: usize) -> &'static str {
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

// Namespaces of SI features.
const BOS: u64 = 0x5EED_0001;
const EOS: u64 = 0x5EED_0002;

#[inline]
fn push(out: &mut Vec<Feature>, bits: u32, ns: u64, a: u64, b: u64) {
    out.push(bucket(mix(mix(ns, a), b), bits));
}

/// Features shared by every token of sentence `s`.
pub(crate) fn si_sentence_features(d: &DocTokens, s: usize, bits: u32, out: &mut Vec<Feature>) {
    out.clear();
    let r = d.sentence_tokens[s].clone();
    let n = r.len();
    push(out, bits, 100, n.min(60) as u64 / 4, 0);
    push(out, bits, 101, (s == 0) as u64, 0);
    let mut excl = false;
    let mut quest = false;
    let mut quote = false;
    let mut caps = 0;
    let mut repeated = 0u64;
    for i in r.clone() {
        let t = d.token_text(i);
        match t {
            "!" => excl = true,
            "?" => quest = true,
            "\"" | "\u{201c}" | "\u{201d}" => quote = true,
            _ => {}
        }
        if d.shape[i] == Shape::AllCaps {
            caps += 1;
        }
        if d.tokens[i].kind != TokenKind::Punct {
            push(out, bits, 102, d.lower[i], 0);
            if !d.stop[i] && d.word_count.get(&d.lower[i]).copied().unwrap_or(0) > 2 {
                repeated += 1;
            }
        }
    }
    push(out, bits, 103, excl as u64, quest as u64);
    push(out, bits, 104, quote as u64, 0);
    push(out, bits, 105, caps.min(3), 0);
    push(out, bits, 106, repeated.min(6), 0);
    push(out, bits, 107, 0, 0); // sentence bias
                                // the previous and next sentences' lengths and punctuation
    for (ns, k) in [(108u64, s.wrapping_sub(1)), (109, s + 1)] {
        if let Some(rr) = d.sentence_tokens.get(k) {
            push(out, bits, ns, rr.len().min(60) as u64 / 8, 0);
        }
    }
}

/// Features of token `i` (not including its sentence's shared features).
pub(crate) fn si_token_features(d: &DocTokens, i: usize, bits: u32, out: &mut Vec<Feature>) {
    out.clear();
    let s = d.sentence_of[i] as usize;
    let r = d.sentence_tokens[s].clone();
    let w = |j: isize| -> u64 {
        let j = i as isize + j;
        if j < r.start as isize {
            BOS
        } else if j >= r.end as isize {
            EOS
        } else {
            d.lower[j as usize]
        }
    };
    let sh = |j: isize| -> u64 {
        let j = i as isize + j;
        if j < r.start as isize || j >= r.end as isize {
            0
        } else {
            d.shape[j as usize] as u64
        }
    };
    let (w0, wm1, wp1, wm2, wp2) = (w(0), w(-1), w(1), w(-2), w(2));
    push(out, bits, 1, 0, 0);
    push(out, bits, 2, w0, 0);
    push(out, bits, 3, wm1, 0);
    push(out, bits, 4, wp1, 0);
    push(out, bits, 5, wm2, 0);
    push(out, bits, 6, wp2, 0);
    push(out, bits, 7, wm1, w0);
    push(out, bits, 8, w0, wp1);
    push(out, bits, 9, sh(0), 0);
    push(out, bits, 10, mix(sh(-1), sh(0)), sh(1));
    let text = d.token_text(i);
    if text.len() > 4 {
        let suffix_start = text.char_indices().rev().nth(2).map_or(0, |(b, _)| b);
        push(out, bits, 11, hash_lower(&text[suffix_start..]), 0);
    }
    let count = d.word_count.get(&w0).copied().unwrap_or(0);
    push(out, bits, 12, count_bucket(count), d.stop[i] as u64);
    if d.tokens[i].kind != TokenKind::Punct {
        let nb = if i + 1 < r.end {
            d.bigram_count
                .get(&mix(w0, d.lower[i + 1]))
                .copied()
                .unwrap_or(0)
        } else {
            0
        };
        let pb = if i > r.start {
            d.bigram_count
                .get(&mix(d.lower[i - 1], w0))
                .copied()
                .unwrap_or(0)
        } else {
            0
        };
        push(out, bits, 13, count_bucket(nb), count_bucket(pb));
    }
    push(out, bits, 14, d.in_quotes[i] as u64, 0);
    let pos = i - r.start;
    let rel = if r.len() > 1 { pos * 5 / r.len() } else { 0 };
    push(
        out,
        bits,
        15,
        rel as u64,
        (pos == 0) as u64 + 2 * (i + 1 == r.end) as u64,
    );
    push(out, bits, 16, (s == 0) as u64, 0);
    push(out, bits, 17, w0, d.in_quotes[i] as u64);
}

/// Receives named TC features.
pub(crate) trait Sink {
    fn feat(&mut self, name: &'static str, value: &str);
}

/// Hashes named features into buckets.
pub(crate) struct HashSink<'o> {
    pub bits: u32,
    pub out: &'o mut Vec<Feature>,
}

/// The bucket of a named feature.
#[inline]
pub(crate) fn named_bucket(name: &str, value: &str, bits: u32) -> Feature {
    bucket(
        mix(xxh3_64(name.as_bytes()), xxh3_64(value.as_bytes())),
        bits,
    )
}

impl Sink for HashSink<'_> {
    #[inline]
    fn feat(&mut self, name: &'static str, value: &str) {
        self.out.push(named_bucket(name, value, self.bits));
    }
}

/// Keeps named features (for tests).
#[cfg(test)]
pub(crate) struct NameSink {
    pub names: Vec<(String, String)>,
}

#[cfg(test)]
impl Sink for NameSink {
    fn feat(&mut self, name: &'static str, value: &str) {
        self.names.push((name.to_string(), value.to_string()));
    }
}

/// Counts non-overlapping occurrences of `needle` in `hay` (both lower-cased).
pub(crate) fn count_occurrences(hay: &str, needle: &str) -> usize {
    if needle.trim().is_empty() {
        return 0;
    }
    memchr::memmem::find_iter(hay.as_bytes(), needle.as_bytes()).count()
}

/// Cue-word lists that hint at a technique. They are features, not rules:
/// training learns how much each list counts for each technique, which
/// helps the rare techniques whose individual words are seen too seldom.
/// Multi-word entries match as substrings, single words as whole tokens.
pub(crate) const LEXICONS: &[(&str, &[&str])] = &[
    (
        "flag",
        &[
            "nation",
            "national",
            "country",
            "patriot",
            "patriots",
            "patriotic",
            "america",
            "american",
            "americans",
            "our people",
            "homeland",
            "flag",
            "sovereignty",
            "we the people",
        ],
    ),
    (
        "fear",
        &[
            "threat",
            "danger",
            "dangerous",
            "destroy",
            "terror",
            "terrorist",
            "fear",
            "afraid",
            "kill",
            "death",
            "invasion",
            "invade",
            "crisis",
            "disaster",
            "catastrophe",
            "war",
        ],
    ),
    (
        "doubt",
        &[
            "really",
            "truly",
            "allegedly",
            "so-called",
            "claim",
            "claims",
            "claimed",
            "supposedly",
            "question",
            "whether",
            "credibility",
            "lie",
            "lies",
            "lied",
        ],
    ),
    (
        "causal",
        &[
            "because",
            "therefore",
            "thus",
            "cause",
            "caused",
            "causes",
            "result",
            "resulted",
            "due to",
            "led to",
            "leads to",
            "so that",
            "blame",
        ],
    ),
    (
        "authority",
        &[
            "according to",
            "said",
            "says",
            "expert",
            "experts",
            "professor",
            "scientist",
            "scientists",
            "official",
            "officials",
            "study",
            "report",
            "pope",
            "president",
        ],
    ),
    (
        "either_or",
        &[
            "either",
            "only",
            "or else",
            "no other",
            "no alternative",
            "must",
            "no choice",
            "with us",
            "against us",
        ],
    ),
    (
        "bandwagon",
        &[
            "everyone",
            "everybody",
            "all",
            "majority",
            "millions",
            "nobody",
            "hitler",
            "nazi",
            "nazis",
            "communist",
            "stalin",
        ],
    ),
    (
        "cliche",
        &[
            "it is what it is",
            "enough",
            "period",
            "end of story",
            "that's it",
            "nothing to see",
            "move on",
            "common sense",
        ],
    ),
    (
        "deflect",
        &[
            "what about",
            "but what",
            "while",
            "yet",
            "instead",
            "hypocrisy",
            "hypocrite",
            "double standard",
        ],
    ),
    (
        "absolute",
        &[
            "never",
            "always",
            "ever",
            "most",
            "biggest",
            "worst",
            "best",
            "greatest",
            "huge",
            "massive",
            "only",
            "every",
            "nothing",
            "totally",
            "absolutely",
            "entire",
        ],
    ),
];

/// Single-word cue entries → bit mask of the lists they belong to.
fn lexicon_words() -> &'static HashMap<&'static str, u32> {
    static MAP: std::sync::OnceLock<HashMap<&'static str, u32>> = std::sync::OnceLock::new();
    MAP.get_or_init(|| {
        let mut map = HashMap::new();
        for (k, (_, entries)) in LEXICONS.iter().enumerate() {
            for e in entries.iter().filter(|e| !e.contains(' ')) {
                *map.entry(*e).or_insert(0) |= 1 << k;
            }
        }
        map
    })
}

/// Names of the cue lists that match `words` (lower-cased tokens) or, for
/// multi-word entries, the lower-cased `phrase`.
fn lexicon_hits<'w>(
    words: impl IntoIterator<Item = &'w str>,
    phrase: &str,
) -> impl Iterator<Item = &'static str> {
    mask_names(lexicon_mask(words, phrase))
}

/// The cue lists of a mask, in [`LEXICONS`] order.
fn mask_names(mask: u32) -> impl Iterator<Item = &'static str> {
    LEXICONS
        .iter()
        .enumerate()
        .filter(move |(k, _)| mask & (1 << k) != 0)
        .map(|(_, (name, _))| *name)
}

/// Bit mask of the cue lists that `words` or, for multi-word entries,
/// `phrase` match.
fn lexicon_mask<'w>(words: impl IntoIterator<Item = &'w str>, phrase: &str) -> u32 {
    let table = lexicon_words();
    let mut mask = words
        .into_iter()
        .fold(0u32, |m, w| m | table.get(w).copied().unwrap_or(0));
    for (k, (_, entries)) in LEXICONS.iter().enumerate() {
        if mask & (1 << k) == 0
            && entries
                .iter()
                .any(|e| e.contains(' ') && phrase.contains(e))
        {
            mask |= 1 << k;
        }
    }
    mask
}

/// Per-document data for TC features, computed once.
pub struct TcContext<'a> {
    /// Tokens of the document.
    pub toks: DocTokens<'a>,
    /// Lower-cased text (for repetition counts).
    lower_text: String,
    /// Cue lists matched by each sentence, computed when first asked.
    sentence_lexicons: Vec<std::cell::OnceCell<u32>>,
}

impl<'a> TcContext<'a> {
    /// Prepares `text` for span classification.
    pub fn new(text: &'a str) -> TcContext<'a> {
        TcContext::from_tokens(DocTokens::new(text))
    }

    /// Prepares already tokenised text for span classification.
    pub fn from_tokens(toks: DocTokens<'a>) -> TcContext<'a> {
        // Folded like span texts (curly apostrophes become straight ones), so
        // that repetition counts compare like with like.
        let lower_text = lower_word(toks.text);
        let sentence_lexicons = vec![std::cell::OnceCell::new(); toks.sentence_bytes.len()];
        TcContext {
            toks,
            lower_text,
            sentence_lexicons,
        }
    }

    /// Cue lists matched anywhere in sentence `s` (words as split on
    /// anything but letters, digits, apostrophes and hyphens).
    fn sentence_lexicon(&self, s: usize) -> u32 {
        let Some(cell) = self.sentence_lexicons.get(s) else {
            return 0;
        };
        *cell.get_or_init(|| {
            let sentence_lower = self
                .toks
                .sentence_bytes
                .get(s)
                .map(|r| lower_word(&self.toks.text[r.clone()]))
                .unwrap_or_default();
            let words = sentence_lower
                .split(|c: char| !(c.is_alphanumeric() || c == '\'' || c == '-'))
                .filter(|w| !w.is_empty());
            lexicon_mask(words, &sentence_lower)
        })
    }
}

fn lower_word(s: &str) -> String {
    if s.is_ascii() {
        return s.to_ascii_lowercase();
    }
    // Curly apostrophes fold to straight ones so that "don’t" == "don't".
    let lower = s.to_lowercase();
    if lower.contains('\u{2019}') {
        lower.replace('\u{2019}', "'")
    } else {
        lower
    }
}

/// Emits the TC features of the byte span `[start, end)`.
pub(crate) fn tc_features(ctx: &TcContext, start: usize, end: usize, sink: &mut impl Sink) {
    let d = &ctx.toks;
    let text = d.text;
    // tokens inside the span
    let first = d.tokens.partition_point(|t| t.end <= start);
    let last = d.tokens.partition_point(|t| t.start < end);
    let inside = first..last.max(first);
    let words: Vec<String> = inside
        .clone()
        .map(|i| lower_word(d.token_text(i)))
        .collect();
    let n = words.len();
    sink.feat("bias", "");
    sink.feat("len", len_bucket(n));
    for w in words.iter().take(40) {
        sink.feat("w", w);
    }
    let mut scratch = String::with_capacity(64);
    for pair in words.windows(2).take(40) {
        scratch.clear();
        scratch.push_str(&pair[0]);
        scratch.push(' ');
        scratch.push_str(&pair[1]);
        sink.feat("bg", &scratch);
    }
    if let Some(f) = words.first() {
        sink.feat("first", f);
    }
    if let Some(l) = words.last() {
        sink.feat("last", l);
    }
    let span_text = text.get(start..end).unwrap_or("");
    let span_lower = lower_word(span_text);
    if span_lower.chars().count() <= 40 {
        let padded = format!(" {span_lower} ");
        let bounds: Vec<usize> = padded
            .char_indices()
            .map(|(b, _)| b)
            .chain([padded.len()])
            .collect();
        for w in bounds.windows(5) {
            sink.feat("c4", &padded[w[0]..w[4]]);
        }
    }
    // context words
    let sent = d
        .sentence_of
        .get(first.min(d.len().saturating_sub(1)))
        .copied()
        .unwrap_or(0) as usize;
    let srange = d.sentence_tokens.get(sent).cloned().unwrap_or(0..0);
    for k in 1..=2usize {
        let before = if first >= srange.start + k {
            lower_word(d.token_text(first - k))
        } else {
            "<s>".into()
        };
        sink.feat(if k == 1 { "prev1" } else { "prev2" }, &before);
        let j = inside.end + k - 1;
        let after = if j < srange.end {
            lower_word(d.token_text(j))
        } else {
            "</s>".into()
        };
        sink.feat(if k == 1 { "next1" } else { "next2" }, &after);
    }
    // repetition in the article
    let reps = count_occurrences(&ctx.lower_text, &span_lower);
    let rep = match reps {
        0 | 1 => "1",
        2 => "2",
        3 => "3",
        _ => "4+",
    };
    for name in lexicon_hits(words.iter().map(String::as_str), &span_lower) {
        sink.feat("lex", name);
    }
    for name in mask_names(ctx.sentence_lexicon(sent)) {
        sink.feat("lexs", name);
    }
    sink.feat("rep", rep);
    sink.feat("rep_len", &format!("{rep}/{}", len_bucket(n)));
    let content: Vec<usize> = inside
        .clone()
        .filter(|&i| d.tokens[i].kind == TokenKind::Word && !d.stop[i])
        .collect();
    if !content.is_empty() {
        let max_wc = content
            .iter()
            .map(|&i| d.word_count.get(&d.lower[i]).copied().unwrap_or(0))
            .max()
            .unwrap_or(0);
        sink.feat("wrep", &count_bucket(max_wc).to_string());
    }
    // surface
    let caps = inside
        .clone()
        .filter(|&i| d.shape[i] == Shape::AllCaps)
        .count();
    if caps > 0 {
        sink.feat("caps", if caps == n { "all" } else { "some" });
    }
    let capitalized = inside
        .clone()
        .filter(|&i| d.shape[i] == Shape::Capitalized)
        .count();
    sink.feat("capr", &((capitalized * 4) / n.max(1)).to_string());
    for p in ["!", "?", "\"", "\u{201c}", "'"] {
        if span_text.contains(p) {
            sink.feat("has", p);
        }
    }
    if inside
        .clone()
        .any(|i| d.tokens[i].kind == TokenKind::Number)
    {
        sink.feat("has", "num");
    }
    let before_char = text[..start.min(text.len())].chars().next_back();
    let after_char = text.get(end..).and_then(|s| s.chars().next());
    let quoted = matches!(before_char, Some('"' | '\u{201c}' | '\'' | '\u{2018}'))
        && matches!(after_char, Some('"' | '\u{201d}' | '\'' | '\u{2019}'));
    sink.feat("quoted", if quoted { "y" } else { "n" });
    if inside.start < inside.end && d.in_quotes[inside.start] {
        sink.feat("inq", "");
    }
    let slen = srange.len().max(1);
    let cover = n * 4 / slen;
    sink.feat("cover", &cover.min(4).to_string());
    if sent == 0 {
        sink.feat("title", "");
    }
    let sentence_text = d
        .sentence_bytes
        .get(sent)
        .map(|r| &text[r.clone()])
        .unwrap_or("");
    if sentence_text.ends_with('?') {
        sink.feat("sent?", "");
    }
    if sentence_text.contains('!') {
        sink.feat("sent!", "");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn doc_tokens_count_words_and_quotes() {
        let d =
            DocTokens::new("Title here\n\nWe will win. We will win \u{201c}again\u{201d} today.");
        assert_eq!(d.sentence_tokens.len(), 3);
        let we = hash_lower("we");
        assert_eq!(d.word_count[&we], 2);
        let again = (0..d.len()).find(|&i| d.token_text(i) == "again").unwrap();
        assert!(d.in_quotes[again]);
        assert!(!d.in_quotes[again + 2]);
        assert_eq!(
            d.bigram_count[&mix(hash_lower("will"), hash_lower("win"))],
            2
        );
    }

    #[test]
    fn tc_features_name_repetition_and_length() {
        let text = "Make America great. They said make America great again.";
        let ctx = TcContext::new(text);
        let mut sink = NameSink { names: vec![] };
        tc_features(&ctx, 0, 18, &mut sink);
        assert!(sink.names.contains(&("rep".into(), "2".into())));
        assert!(sink.names.contains(&("len".into(), "3".into())));
        assert!(sink.names.contains(&("first".into(), "make".into())));
    }

    #[test]
    fn empty_and_odd_spans_do_not_panic() {
        let ctx = TcContext::new("");
        let mut sink = NameSink { names: vec![] };
        tc_features(&ctx, 0, 0, &mut sink);
        let ctx = TcContext::new("\u{201c}x\u{201d}");
        tc_features(&ctx, 3, 4, &mut sink);
        tc_features(&ctx, 0, 7, &mut sink);
        let d = DocTokens::new("a");
        let mut out = vec![];
        si_token_features(&d, 0, 10, &mut out);
        si_sentence_features(&d, 0, 10, &mut out);
    }
}
