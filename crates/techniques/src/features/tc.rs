//! Technique classification features of a candidate span, named so that
//! the model can explain which ones drove a decision.

use unspin_segment::TokenKind;
use xxhash_rust::xxh3::xxh3_64;

use crate::linear::{bucket, mix, Feature};

use super::lexicons::*;
use super::tokens::*;

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

/// Texts up to this many bytes count repetitions by scanning; longer ones
/// build a suffix table once, so that each span costs time in its own
/// length instead of the article's (issue 19: linear time).
const SCAN_LIMIT: usize = 16 * 1024;

/// `min(count_occurrences(text, needle), 4)` answered from a suffix table of
/// `text`: the bucketed repetition feature needs no more than "4 or more".
fn capped_occurrences(table: &suffix::SuffixTable, needle: &str) -> usize {
    const CAP: usize = 4;
    if needle.trim().is_empty() {
        return 0;
    }
    // Every (possibly overlapping) occurrence, in suffix order.
    let hits = table.positions(needle);
    let m = needle.len();
    // Leftmost-greedy non-overlapping matching (what `memmem::find_iter`
    // does) skips at most `m - 1` occurrences per match, so `c` occurrences
    // give at least `c / m` non-overlapping ones.
    if hits.len() >= CAP * m {
        return CAP;
    }
    let mut starts: Vec<u32> = hits.to_vec();
    starts.sort_unstable();
    let mut count = 0;
    let mut next_free = 0usize;
    for &p in &starts {
        let p = p as usize;
        if p >= next_free {
            count += 1;
            if count == CAP {
                break;
            }
            next_free = p + m;
        }
    }
    count
}

/// Per-document data for TC features, computed once.
pub struct TcContext<'a> {
    /// Tokens of the document.
    pub toks: DocTokens<'a>,
    /// Lower-cased text (for repetition counts).
    lower_text: String,
    /// Cue lists matched by each sentence, computed when first asked.
    sentence_lexicons: Vec<std::cell::OnceCell<u32>>,
    /// Suffix table of `lower_text`, built when first asked (long texts only).
    suffixes: std::cell::OnceCell<suffix::SuffixTable<'static, 'static>>,
    /// How many earlier tokens have each token's lower-cased form (one pass,
    /// when first asked).
    earlier: std::cell::OnceCell<Vec<u32>>,
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
            suffixes: std::cell::OnceCell::new(),
            earlier: std::cell::OnceCell::new(),
        }
    }

    /// How many earlier tokens of the text have token `i`'s lower-cased form.
    fn earlier(&self, i: usize) -> u32 {
        let counts = self.earlier.get_or_init(|| {
            let mut seen: IdMap<u32> = IdMap::default();
            self.toks
                .lower
                .iter()
                .map(|&h| {
                    let c = seen.entry(h).or_insert(0);
                    *c += 1;
                    *c - 1
                })
                .collect()
        });
        counts.get(i).copied().unwrap_or(0)
    }

    /// How often `needle` (lower-cased like the text) occurs in the text,
    /// without overlaps, counted up to 4 (the repetition feature's top bucket).
    fn repetitions(&self, needle: &str) -> usize {
        let n = self.lower_text.len();
        if n <= SCAN_LIMIT || u32::try_from(n).is_err() {
            return count_occurrences(&self.lower_text, needle).min(4);
        }
        let table = self
            .suffixes
            .get_or_init(|| suffix::SuffixTable::new(self.lower_text.clone()));
        capped_occurrences(table, needle)
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

pub(super) fn lower_word(s: &str) -> String {
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
    let reps = ctx.repetitions(&span_lower);
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
        // Said before? PTC labels the later mentions of a repeated word or
        // phrase Repetition, the first often something else.
        let seen: Vec<u32> = content.iter().map(|&i| ctx.earlier(i)).collect();
        let max_seen = seen.iter().copied().max().unwrap_or(0);
        sink.feat("seen", &max_seen.min(3).to_string());
        sink.feat("seen1", &seen[0].min(3).to_string());
        if seen.iter().all(|&c| c > 0) {
            sink.feat("seen_all", "");
        }
        sink.feat("rep_seen", &format!("{rep}/{}", seen[0].min(2)));
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
