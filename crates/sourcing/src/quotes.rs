//! Quotation marks, block quotes and their speakers.
//!
//! * [`quotation_spans`] pairs quotation marks: curly “ ” and straight `"`
//!   (classified as opening or closing by the characters around them), ‘ ’
//!   and `'` as inner quotes (a ’ between letters, or after a letter with no
//!   single quote open, is an apostrophe: "it’s", "Obama’s", "Kurds’"),
//!   nesting, quotations of several paragraphs (English convention: a
//!   paragraph inside the quotation opens again and the previous one does
//!   not close) and unbalanced marks (an unclosed quotation ends with its
//!   paragraph, `close = None`, so it never swallows the rest of the text).
//!   Short quoted terms that are not speech (the “moderate” rebels) are
//!   flagged `scare`.
//! * [`rule_attributions`] attributes block quotes (speaker from the lead-in
//!   sentence before the block — "Here's more from X", "X wrote:",
//!   "according to X:", "an article by X" — or from the citation line after
//!   it, `("Title", Author, Outlet)`, or an epigraph's "— Name, Outlet"
//!   line), direct quotes in running text (“…,” X said / X said, “…” /
//!   “…,” said X / “A,” he said, “B”) and indirect speech ("according to X,
//!   …", "X said that …").
//! * [`reconcile`] merges those rule attributions with the trained tagger's,
//!   sets every attribution's kind and resolves speakers (pronouns to the
//!   last named person, "it" / "the newspaper" to the last organisation,
//!   "a senior official" / "sources" as anonymous).
//! * [`attribution_spans`] builds the `quote`, `speaker` and `cue` layers.
//!
//! Direct quotes inside block quotes are left to the block quote's own
//! attribution. Quotes with no speech cue near them (titles, unattributed
//! phrases) are not attributions.

use unspin_document::{layers as doc_layers, Document, Span};
use unspin_segment::{sentences, tokenize, Token, TokenKind};

use std::sync::OnceLock;

use crate::entities::{is_person_descriptor, is_title_word, FastSet};
use crate::hedges::Lowered;
use crate::{Attribution, ByteRange, Entity, EntityKind, QuoteKind, SourceKind};

/// Provenance of rule attributions.
pub const PROVENANCE: &str = "quote-rules";

/// The provenance of an attribution found by both the neural tagger (its
/// spans) and the quotation rules.
pub const MERGED_NEURAL_PROVENANCE: &str = "attribution-neural+quote-rules";

/// The provenance of an attribution found by both the tagger (its spans) and
/// the quotation rules (speaker resolution, kind, medium).
pub const MERGED_PROVENANCE: &str = "attribution-tagger+quote-rules";

/// A pair of quotation marks.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct QuotePair {
    /// Byte offset of the opening mark.
    pub open: usize,
    /// Byte offset of the closing mark; `None` when the quotation is not
    /// closed (it then ends with its paragraph).
    pub close: Option<usize>,
    /// The quoted text between the marks (trimmed of whitespace).
    pub inner: ByteRange,
    /// Nesting depth: 1 for an outer quotation, 2 for a quote inside it, ...
    pub depth: u8,
    /// A scare quote: a short quoted term that is not speech (1–3 words, no
    /// sentence punctuation inside, no speech cue next to it).
    pub scare: bool,
}

impl QuotePair {
    /// The range from the opening mark to the end of the closing mark (or of
    /// the inner text when unclosed).
    pub fn outer(&self, text: &str) -> ByteRange {
        let end = match self.close {
            Some(c) => c + text[c..].chars().next().map_or(0, char::len_utf8),
            None => self.inner.end,
        };
        self.open..end
    }
}

/// Verbs and phrases that attribute speech or writing.
const CUE_WORDS: &[&str] = &[
    "say",
    "said",
    "says",
    "saying",
    "tell",
    "told",
    "tells",
    "telling",
    "write",
    "wrote",
    "writes",
    "writing",
    "written",
    "add",
    "added",
    "adds",
    "note",
    "noted",
    "notes",
    "argue",
    "argued",
    "argues",
    "claim",
    "claimed",
    "claims",
    "state",
    "stated",
    "states",
    "explain",
    "explained",
    "explains",
    "insist",
    "insisted",
    "insists",
    "warn",
    "warned",
    "warns",
    "announce",
    "announced",
    "announces",
    "report",
    "reported",
    "reports",
    "declare",
    "declared",
    "declares",
    "assert",
    "asserted",
    "asserts",
    "acknowledge",
    "acknowledged",
    "admit",
    "admitted",
    "admits",
    "ask",
    "asked",
    "asks",
    "answer",
    "answered",
    "reply",
    "replied",
    "replies",
    "respond",
    "responded",
    "suggest",
    "suggested",
    "suggests",
    "observe",
    "observed",
    "observes",
    "comment",
    "commented",
    "remark",
    "remarked",
    "conclude",
    "concluded",
    "concludes",
    "predict",
    "predicted",
    "recall",
    "recalled",
    "concede",
    "conceded",
    "confirm",
    "confirmed",
    "confirms",
    "deny",
    "denied",
    "denies",
    "maintain",
    "maintained",
    "maintains",
    "contend",
    "contended",
    "contends",
    "emphasize",
    "emphasized",
    "emphasise",
    "emphasised",
    "stress",
    "stressed",
    "tweet",
    "tweeted",
    "posted",
    "quipped",
    "testified",
    "alleged",
    "alleges",
    "believes",
    "thinks",
    "mused",
    "exclaimed",
    "recounted",
    "continued",
    "urged",
    "cautioned",
    "wondered",
];

/// Speech-cue words whose presence near a short quote makes it speech.
const SPEECH_NEAR: &[&str] = &[
    "say",
    "said",
    "says",
    "saying",
    "told",
    "tells",
    "asked",
    "replied",
    "wrote",
    "writes",
    "added",
    "adds",
    "noted",
    "argued",
    "claimed",
    "stated",
    "explained",
    "insisted",
    "warned",
    "announced",
    "declared",
    "answered",
    "responded",
    "exclaimed",
    "shouted",
    "quipped",
    "tweeted",
    "yelled",
    "according",
];

const PRONOUNS_PERSON: &[&str] = &["he", "she", "him", "his", "her"];
const PRONOUNS_GROUP: &[&str] = &["it", "its", "they", "them"];

/// Head nouns of speaker noun phrases ("a senior official", "the colonel").
const SPEAKER_NOUNS: &[&str] = &[
    "official",
    "officials",
    "source",
    "sources",
    "commenter",
    "commenters",
    "commentator",
    "analyst",
    "analysts",
    "observer",
    "observers",
    "expert",
    "experts",
    "diplomat",
    "diplomats",
    "spokesman",
    "spokeswoman",
    "spokesperson",
    "aide",
    "aides",
    "insider",
    "insiders",
    "critic",
    "critics",
    "witness",
    "witnesses",
    "resident",
    "residents",
    "activist",
    "activists",
    "officer",
    "officers",
    "colonel",
    "general",
    "president",
    "senator",
    "minister",
    "ambassador",
    "secretary",
    "newspaper",
    "paper",
    "outlet",
    "network",
    "broadcaster",
    "agency",
    "ministry",
    "report",
    "reports",
    "statement",
    "government",
    "administration",
    "military",
    "army",
    "spokesmen",
    "lawmaker",
    "lawmakers",
    "person",
    "people",
    "veteran",
    "journalist",
    "reporter",
    "columnist",
    "blogger",
    "author",
    "writer",
    "study",
    "researchers",
    "scientists",
    "intelligence",
    "pentagon",
    "leader",
    "leaders",
    "adviser",
    "advisor",
    "advisers",
    "advisors",
];

const DETERMINERS: &[&str] = &[
    "a",
    "an",
    "the",
    "one",
    "two",
    "three",
    "several",
    "some",
    "many",
    "other",
    "most",
    "another",
    "few",
    "numerous",
    "unnamed",
    "anonymous",
];

/// Words that may sit between a speaker and its cue ("he also said").
const SKIPPABLE: &[&str] = &[
    "also",
    "has",
    "have",
    "had",
    "later",
    "then",
    "once",
    "previously",
    "recently",
    "reportedly",
    "himself",
    "herself",
    "itself",
    "themselves",
    "merely",
    "is",
    "was",
    "are",
    "were",
    "just",
    "again",
    "further",
    "simply",
    "correctly",
    "rightly",
    "once",
    "famously",
    "bluntly",
    "flatly",
    "repeatedly",
    "publicly",
    "privately",
    "would",
    "will",
    "who",
];

const NEGATIONS: &[&str] = &["not", "never", "n't", "no"];

const LEAD_NOUNS: &[&str] = &[
    "more",
    "summary",
    "clip",
    "excerpt",
    "background",
    "passage",
    "extract",
    "quote",
    "report",
    "article",
    "piece",
    "post",
    "sample",
    "snippet",
    "statement",
    "analysis",
    "update",
    "account",
    "take",
    "description",
    "overview",
    "bit",
    "portion",
    "part",
    "section",
    "explanation",
    "rundown",
    "comment",
    "commentary",
    "what",
];

/// The larger word lists above as hash sets, built once.
struct WordSets {
    cue_words: FastSet<&'static str>,
    speaker_nouns: FastSet<&'static str>,
    skippable: FastSet<&'static str>,
    lead_nouns: FastSet<&'static str>,
    determiners: FastSet<&'static str>,
    speech_near: FastSet<&'static str>,
}

fn word_sets() -> &'static WordSets {
    static SETS: OnceLock<WordSets> = OnceLock::new();
    SETS.get_or_init(|| {
        let set = |list: &[&'static str]| list.iter().copied().collect();
        WordSets {
            cue_words: set(CUE_WORDS),
            speaker_nouns: set(SPEAKER_NOUNS),
            skippable: set(SKIPPABLE),
            lead_nouns: set(LEAD_NOUNS),
            determiners: set(DETERMINERS),
            speech_near: set(SPEECH_NEAR),
        }
    })
}

fn is_open_double(c: char) -> bool {
    matches!(c, '\u{201c}' | '\u{201e}' | '\u{ab}')
}
fn is_close_double(c: char) -> bool {
    matches!(c, '\u{201d}' | '\u{bb}')
}
fn is_quote_char(c: char) -> bool {
    matches!(
        c,
        '"' | '\''
            | '\u{201c}'
            | '\u{201d}'
            | '\u{2018}'
            | '\u{2019}'
            | '\u{201e}'
            | '\u{ab}'
            | '\u{bb}'
    )
}

#[derive(Clone, Copy, Debug, PartialEq)]
enum Mark {
    Open,
    Close,
    Either,
    None,
}

fn opener_context(prev: Option<char>) -> bool {
    match prev {
        None => true,
        Some(p) => {
            p.is_whitespace()
                || matches!(
                    p,
                    '(' | '[' | '{' | '\u{2014}' | '\u{2013}' | '-' | '/' | '\u{201c}' | '\u{2018}'
                )
                || (p == '"' || p == '\'')
        }
    }
}

fn closer_context(next: Option<char>) -> bool {
    match next {
        None => true,
        Some(n) => {
            n.is_whitespace()
                || matches!(
                    n,
                    '.' | ','
                        | ';'
                        | ':'
                        | '!'
                        | '?'
                        | ')'
                        | ']'
                        | '}'
                        | '\u{2014}'
                        | '\u{2013}'
                        | '-'
                        | '/'
                        | '\u{201d}'
                        | '\u{2019}'
                        | '\u{2026}'
                )
                || (n == '"' || n == '\'')
        }
    }
}

fn classify_double(c: char, prev: Option<char>, next: Option<char>) -> Mark {
    if is_open_double(c) {
        return Mark::Open;
    }
    if is_close_double(c) {
        // A ” used as an opener: preceded by a space, followed by a letter.
        if opener_context(prev) && next.is_some_and(char::is_alphanumeric) {
            return Mark::Either;
        }
        return Mark::Close;
    }
    let o = opener_context(prev) && !next.is_some_and(char::is_whitespace) && next.is_some();
    let cl = closer_context(next) && !prev.is_some_and(char::is_whitespace) && prev.is_some();
    match (o, cl) {
        (true, false) => Mark::Open,
        (false, true) => Mark::Close,
        _ => Mark::Either,
    }
}

fn classify_single(c: char, prev: Option<char>, next: Option<char>) -> Mark {
    let prev_alnum = prev.is_some_and(char::is_alphanumeric);
    let next_alpha = next.is_some_and(char::is_alphabetic);
    let next_digit = next.is_some_and(|n| n.is_ascii_digit());
    if c == '\u{2018}' {
        if next_digit {
            return Mark::None; // ‘90s
        }
        return Mark::Open;
    }
    if prev_alnum && next_alpha {
        return Mark::None; // it’s, O'Neill
    }
    if opener_context(prev) && (next_alpha || next.is_some_and(is_quote_char)) {
        return Mark::Open;
    }
    if opener_context(prev) && next_digit {
        return Mark::None; // '90s
    }
    if !prev.is_some_and(char::is_whitespace) && prev.is_some() && closer_context(next) {
        return Mark::Close; // a close only if a single quote is open
    }
    Mark::None
}

struct OpenMark {
    pos: usize,
    len: usize,
    double: bool,
}

/// Pairs the quotation marks of `text`, in order of their opening marks.
///
/// Never panics; every range lies on character boundaries inside `text`.
pub fn quotation_spans(text: &str) -> Vec<QuotePair> {
    let mut out: Vec<QuotePair> = Vec::new();
    let mut stack: Vec<OpenMark> = Vec::new();
    let mut skip_open: Option<usize> = None;
    let mut prev: Option<char> = None;
    let mut iter = text.char_indices().peekable();
    while let Some((i, c)) = iter.next() {
        let next = iter.peek().map(|&(_, n)| n);
        if c == '\n' {
            if stack.iter().any(|m| m.double) {
                // The next paragraph's first visible character.
                let rest = &text[i..];
                let lead = rest.len() - rest.trim_start().len();
                let p = i + lead;
                let first = text[p..].chars().next();
                let second = text[p..].chars().nth(1);
                let continues = lead > 0
                    && first.is_some_and(|f| {
                        is_open_double(f)
                            || (f == '"' && classify_double(f, Some('\n'), second) == Mark::Open)
                    });
                if continues {
                    stack.retain(|m| m.double);
                    skip_open = Some(p);
                } else {
                    close_all(text, &mut stack, i, &mut out);
                }
            } else {
                stack.clear();
            }
            prev = Some(c);
            continue;
        }
        if !is_quote_char(c) {
            prev = Some(c);
            continue;
        }
        if skip_open == Some(i) {
            skip_open = None;
            prev = Some(c);
            continue;
        }
        let double = matches!(
            c,
            '"' | '\u{201c}' | '\u{201d}' | '\u{201e}' | '\u{ab}' | '\u{bb}'
        );
        let mark = if double {
            classify_double(c, prev, next)
        } else {
            classify_single(c, prev, next)
        };
        let top_double = stack.iter().rposition(|m| m.double);
        let top_single = stack.iter().rposition(|m| !m.double);
        let single_open_above = match (top_single, top_double) {
            (Some(s), Some(d)) => s > d,
            (Some(_), None) => true,
            _ => false,
        };
        let len = c.len_utf8();
        let action = match (double, mark) {
            (_, Mark::None) => Mark::None,
            (true, Mark::Either) => {
                if top_double.is_some() {
                    Mark::Close
                } else {
                    Mark::Open
                }
            }
            (false, Mark::Close) | (false, Mark::Either) => {
                if single_open_above {
                    Mark::Close
                } else {
                    Mark::None
                }
            }
            (_, m) => m,
        };
        match action {
            Mark::Open => stack.push(OpenMark {
                pos: i,
                len,
                double,
            }),
            Mark::Close => {
                let target = if double { top_double } else { top_single };
                if let Some(t) = target {
                    let m = stack.remove(t);
                    stack.truncate(t); // unclosed inner singles are apostrophes
                    let depth = (stack.len() + 1).min(u8::MAX as usize) as u8;
                    let inner = trim_range(text, m.pos + m.len, i);
                    out.push(QuotePair {
                        open: m.pos,
                        close: Some(i),
                        inner,
                        depth,
                        scare: false,
                    });
                }
            }
            _ => {}
        }
        prev = Some(c);
    }
    close_all(text, &mut stack, text.len(), &mut out);
    out.sort_by_key(|q| q.open);
    let flags: Vec<bool> = out.iter().map(|q| is_scare(text, q)).collect();
    for (q, s) in out.iter_mut().zip(flags) {
        q.scare = s;
    }
    out
}

fn close_all(text: &str, stack: &mut Vec<OpenMark>, end: usize, out: &mut Vec<QuotePair>) {
    let doubles: Vec<OpenMark> = stack.drain(..).filter(|m| m.double).collect();
    for (k, m) in doubles.iter().enumerate() {
        let inner = trim_range(text, m.pos + m.len, end.max(m.pos + m.len));
        out.push(QuotePair {
            open: m.pos,
            close: None,
            inner,
            depth: (k + 1).min(u8::MAX as usize) as u8,
            scare: false,
        });
    }
}

fn trim_range(text: &str, start: usize, end: usize) -> ByteRange {
    if start >= end {
        return start..start;
    }
    let s = &text[start..end];
    let lead = s.len() - s.trim_start().len();
    let t = s.trim();
    start + lead..start + lead + t.len()
}

fn lower_words(s: &str) -> Vec<String> {
    tokenize(s)
        .into_iter()
        .filter(|t| t.kind == TokenKind::Word)
        .map(|t| s[t.range()].to_lowercase())
        .collect()
}

fn floor_boundary(text: &str, mut i: usize) -> usize {
    i = i.min(text.len());
    while !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

fn ceil_boundary(text: &str, mut i: usize) -> usize {
    i = i.min(text.len());
    while !text.is_char_boundary(i) {
        i += 1;
    }
    i
}

fn is_scare(text: &str, q: &QuotePair) -> bool {
    let Some(close) = q.close else { return false };
    let inner = &text[q.inner.clone()];
    let core = inner.trim_end_matches([',']);
    let n_words = core.split_whitespace().count();
    let before_start = floor_boundary(text, q.open.saturating_sub(40));
    let before = &text[before_start..q.open];
    let line_before = before.rsplit('\n').next().unwrap_or("");
    let so_called = line_before.trim_end().to_lowercase().ends_with("so-called")
        || line_before.trim_end().to_lowercase().ends_with("so called");
    if so_called && (1..=5).contains(&n_words) {
        return true;
    }
    if !(1..=3).contains(&n_words) {
        return false;
    }
    if core.contains(['.', '!', '?', ';', ':', '\u{2026}']) {
        return false;
    }
    if line_before.trim_end().ends_with([':', ',']) {
        return false;
    }
    let after_end = ceil_boundary(text, close + 1 + 40);
    let after_start = ceil_boundary(text, close + 1);
    let after = &text[after_start..after_end];
    let after_line = after.split('\n').next().unwrap_or("");
    // Only the clause around the quote counts: cut at sentence ends.
    let line_before = line_before
        .rfind(['.', '!', '?'])
        .map_or(line_before, |p| &line_before[p + 1..]);
    let after_line = after_line
        .find(['.', '!', '?'])
        .map_or(after_line, |p| &after_line[..p]);
    let mut near = lower_words(line_before);
    let tail: Vec<String> = near.split_off(near.len().saturating_sub(3));
    let head: Vec<String> = lower_words(after_line).into_iter().take(3).collect();
    if tail
        .iter()
        .chain(&head)
        .any(|w| word_sets().speech_near.contains(&w.as_str()))
    {
        return false;
    }
    if tail
        .last()
        .is_some_and(|w| matches!(w.as_str(), "titled" | "entitled" | "headlined"))
    {
        return false;
    }
    true
}

// ---------------------------------------------------------------------------
// Attribution rules.

struct Ctx<'a> {
    text: &'a str,
    toks: Vec<Token>,
    /// Lower-cased token forms.
    lower: Lowered,
    /// The document's sentences.
    sents: Vec<ByteRange>,
    entities: &'a [Entity],
    pairs: Vec<QuotePair>,
    blocks: Vec<ByteRange>,
    boilerplate: Vec<ByteRange>,
}

fn overlaps(a: &ByteRange, b: &ByteRange) -> bool {
    a.start < b.end && b.start < a.end
}

fn within(inner: &ByteRange, outer: &ByteRange) -> bool {
    inner.start >= outer.start && inner.end <= outer.end
}

/// A possessive-free lower-case word: "he's" → "he".
fn base_word(w: &str) -> &str {
    w.strip_suffix("'s")
        .or_else(|| w.strip_suffix("\u{2019}s"))
        .unwrap_or(w)
}

impl<'a> Ctx<'a> {
    fn new(doc: &'a Document, entities: &'a [Entity]) -> Ctx<'a> {
        let text = doc.text();
        let toks = tokenize(text);
        let lower = Lowered::plain(text, &toks);
        // The sentence layer, when there is one, is `sentences(text)`.
        let sents = if doc.has_layer(doc_layers::SENTENCE) {
            doc.layer(doc_layers::SENTENCE)
                .iter()
                .map(|s| s.start()..s.end())
                .collect()
        } else {
            sentences(text)
        };
        let blocks = doc
            .layer(doc_layers::BLOCKQUOTE)
            .iter()
            .map(|s| s.start()..s.end())
            .collect();
        let boilerplate = doc
            .layer(doc_layers::BOILERPLATE)
            .iter()
            .map(|s| s.start()..s.end())
            .collect();
        Ctx {
            text,
            toks,
            lower,
            sents,
            entities,
            pairs: quotation_spans(text),
            blocks,
            boilerplate,
        }
    }

    fn tok_at_or_after(&self, at: usize) -> usize {
        self.toks.partition_point(|t| t.start < at)
    }

    fn lw(&self, i: usize) -> &str {
        self.lower.get(i).unwrap_or("")
    }

    fn is_cue(&self, i: usize) -> bool {
        word_sets().cue_words.contains(&self.lw(i))
    }

    fn in_block(&self, r: &ByteRange) -> bool {
        self.blocks.iter().any(|b| overlaps(b, r))
    }
    fn in_boilerplate(&self, r: &ByteRange) -> bool {
        self.boilerplate.iter().any(|b| overlaps(b, r))
    }

    /// The entity whose last word is token `i`.
    fn entity_ending_at(&self, i: usize) -> Option<&Entity> {
        let t = self.toks.get(i)?;
        self.entities
            .iter()
            .find(|e| e.range.end > t.start && e.range.end <= t.end && e.range.start <= t.start)
    }

    /// The entity starting at token `i`.
    fn entity_starting_at(&self, i: usize) -> Option<&Entity> {
        let t = self.toks.get(i)?;
        self.entities.iter().find(|e| e.range.start == t.start)
    }

    /// A speaker noun phrase ending at token `i` (inclusive), walking back
    /// over lower-case modifiers to a determiner: its byte range.
    fn np_ending_at(&self, i: usize, lo: usize) -> Option<ByteRange> {
        let head = base_word(self.lw(i));
        if !word_sets().speaker_nouns.contains(&head) {
            return None;
        }
        let mut j = i;
        let mut k = 0;
        while j > lo && k < 5 {
            let pw = self.lw(j - 1);
            if self.toks[j - 1].kind == TokenKind::Punct && pw != "." && pw != "-" {
                break;
            }
            if word_sets().determiners.contains(&pw) {
                j -= 1;
                break;
            }
            if self.is_cue(j - 1)
                || matches!(pw, "that" | "as" | "and" | "but" | "according" | "to")
            {
                break;
            }
            j -= 1;
            k += 1;
        }
        Some(self.toks[j].start..word_end_no_poss(self.text, &self.toks[i]))
    }

    /// A speaker noun phrase starting at token `i`: (range, last token).
    fn np_starting_at(&self, i: usize) -> Option<(ByteRange, usize)> {
        let n = self.toks.len();
        let mut j = i;
        let mut k = 0;
        while j < n && k < 6 {
            if self.toks[j].kind == TokenKind::Punct && self.lw(j) != "-" {
                return None;
            }
            if word_sets().speaker_nouns.contains(&base_word(self.lw(j))) {
                // Prefer the longest run of speaker nouns ("intelligence officials").
                let mut e = j;
                while e + 1 < n
                    && word_sets()
                        .speaker_nouns
                        .contains(&base_word(self.lw(e + 1)))
                {
                    e += 1;
                }
                return Some((
                    self.toks[i].start..word_end_no_poss(self.text, &self.toks[e]),
                    e,
                ));
            }
            if self.is_cue(j) {
                return None;
            }
            j += 1;
            k += 1;
        }
        None
    }

    /// The speaker right before cue token `cue` (entity, pronoun or NP),
    /// skipping adverbs, auxiliaries and "who". `lo`: first token allowed.
    fn speaker_before(&self, cue: usize, lo: usize) -> Option<ByteRange> {
        let mut j = cue;
        while j > lo {
            let w = self.lw(j - 1);
            if word_sets().skippable.contains(&base_word(w))
                && !PRONOUNS_PERSON.contains(&base_word(w))
            {
                j -= 1;
                continue;
            }
            if NEGATIONS.contains(&w) || w.ends_with("n't") {
                return None;
            }
            break;
        }
        if j <= lo {
            return None;
        }
        let i = j - 1;
        if i > 0 && self.lw(i) == "," && self.lw(i + 1) == "who" {
            // "X, who said"
            return self.speaker_before(i, lo);
        }
        if let Some(e) = self.entity_ending_at(i) {
            if e.range.start >= self.toks[lo.min(i)].start {
                return Some(e.range.clone());
            }
        }
        let w = self.lw(i);
        let b = base_word(w);
        if PRONOUNS_PERSON.contains(&b) || PRONOUNS_GROUP.contains(&b) {
            let t = self.toks[i];
            return Some(t.start..t.start + b.len());
        }
        self.np_ending_at(i, lo)
    }

    /// The speaker right after token `i` (inverted "said Smith").
    fn speaker_after(&self, i: usize) -> Option<ByteRange> {
        if i >= self.toks.len() {
            return None;
        }
        if let Some(e) = self.entity_starting_at(i) {
            return Some(e.range.clone());
        }
        let b = base_word(self.lw(i));
        if PRONOUNS_PERSON.contains(&b) || PRONOUNS_GROUP.contains(&b) {
            let t = self.toks[i];
            return Some(t.start..t.start + b.len());
        }
        // "by chief analyst, Michael X": a descriptor then an entity.
        self.np_starting_at(i).map(|(r, _)| r)
    }

    fn tok_range(&self, i: usize) -> ByteRange {
        self.toks[i].range()
    }
}

fn word_end_no_poss(text: &str, t: &Token) -> usize {
    let w = &text[t.range()];
    for suf in ["'s", "\u{2019}s"] {
        if w.len() > suf.len() && w.ends_with(suf) {
            return t.end - suf.len();
        }
    }
    t.end
}

/// The sentence ranges of `text`.
fn sentence_of(sents: &[ByteRange], at: usize) -> Option<ByteRange> {
    let i = sents.partition_point(|s| s.end <= at);
    sents.get(i).filter(|s| s.start <= at).cloned()
}

/// Finds attributions by rule: block quotes with their lead-in or citation,
/// direct quotes with a speech cue, and indirect speech ("according to X,
/// …", "X said that …"). Speakers are resolved (see [`reconcile`]);
/// provenance `quote-rules`.
pub fn rule_attributions(doc: &Document, entities: &[Entity]) -> Vec<Attribution> {
    let ctx = Ctx::new(doc, entities);
    let mut out = Vec::new();
    block_attributions(&ctx, &mut out);
    direct_attributions(&ctx, &mut out);
    indirect_attributions(&ctx, &mut out);
    for a in &mut out {
        finish(&ctx, a);
    }
    out.sort_by_key(|a| (a.content.start, a.content.end));
    out
}

// --- Block quotes ----------------------------------------------------------

struct Citation {
    /// The whole citation (without parentheses / dash).
    range: ByteRange,
    /// Name parts after the title (authors, then the outlet last).
    parts: Vec<ByteRange>,
    /// The cue mark ("—") of an epigraph attribution line.
    dash: Option<ByteRange>,
}

/// Splits `range` of `text` at commas into trimmed parts.
fn comma_parts(text: &str, range: ByteRange) -> Vec<ByteRange> {
    let mut out = Vec::new();
    let mut start = range.start;
    for (i, c) in text[range.clone()].char_indices() {
        if c == ',' || c == ';' {
            let r = trim_range(text, start, range.start + i);
            if !r.is_empty() {
                out.push(r);
            }
            start = range.start + i + 1;
        }
    }
    let r = trim_range(text, start, range.end);
    if !r.is_empty() {
        out.push(r);
    }
    out
}

fn citation_after(ctx: &Ctx, end: usize) -> Option<Citation> {
    let text = ctx.text;
    let rest = &text[end..];
    let skipped = rest.len() - rest.trim_start().len();
    // The citation must follow closely (same or next paragraph).
    if rest[..skipped].matches('\n').count() > 2 {
        return None;
    }
    let at = end + skipped;
    let first = text[at..].chars().next()?;
    if matches!(first, '\u{2014}' | '\u{2013}' | '\u{2015}') || text[at..].starts_with("--") {
        // Epigraph attribution line: "— Name, Outlet".
        let dash_len = if first == '-' { 2 } else { first.len_utf8() };
        let line_end = text[at..].find('\n').map_or(text.len(), |p| at + p);
        let range = trim_range(text, at + dash_len, line_end);
        if range.is_empty() || range.len() > 200 {
            return None;
        }
        let parts = comma_parts(text, range.clone());
        return Some(Citation {
            range,
            parts,
            dash: Some(at..at + dash_len),
        });
    }
    if first != '(' {
        return None;
    }
    // The matching parenthesis on the same line.
    let line_end = text[at..].find('\n').map_or(text.len(), |p| at + p);
    let mut depth = 0usize;
    let mut close = None;
    for (i, c) in text[at..line_end].char_indices() {
        match c {
            '(' => depth += 1,
            ')' => {
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    close = Some(at + i);
                    break;
                }
            }
            _ => {}
        }
    }
    let close = close?;
    if close - at > 400 {
        return None;
    }
    let range = trim_range(text, at + 1, close);
    if range.is_empty() {
        return None;
    }
    let inner = &text[range.clone()];
    // A quoted title first: names follow its closing mark.
    let names_from = if inner.starts_with(['"', '\u{201c}', '\u{2018}', '\'']) {
        let pair = ctx
            .pairs
            .iter()
            .filter(|p| p.open == range.start && p.close.is_some())
            .map(|p| p.outer(text).end)
            .next();
        match pair {
            Some(e) if e <= range.end => e,
            _ => {
                // Fall back to the last quote mark in the citation.
                let last = inner
                    .char_indices()
                    .rfind(|&(_, c)| is_quote_char(c) && c != '\'' && c != '\u{2019}')
                    .map(|(i, c)| range.start + i + c.len_utf8());
                last.unwrap_or(range.start)
            }
        }
    } else {
        range.start
    };
    let names = trim_range(text, names_from, range.end);
    let names = if text[names.clone()].starts_with(',') {
        trim_range(text, names.start + 1, names.end)
    } else {
        names
    };
    let mut parts = comma_parts(text, names);
    // "Source: X"
    for p in &mut parts {
        let s = &text[p.clone()];
        if let Some(colon) = s.find(':') {
            let head = s[..colon].trim().to_lowercase();
            if matches!(head.as_str(), "source" | "via" | "from" | "credit") {
                *p = trim_range(text, p.start + colon + 1, p.end);
            }
        }
    }
    parts.retain(|p| !p.is_empty() && !text[p.clone()].chars().all(|c| c.is_ascii_digit()));
    if parts.is_empty() {
        return None;
    }
    Some(Citation {
        range,
        parts,
        dash: None,
    })
}

/// The lead-in sentences before `start` (the last two sentences of the
/// previous paragraph), last first.
fn lead_in(ctx: &Ctx, start: usize) -> Vec<ByteRange> {
    let text = ctx.text;
    let before = &text[..start];
    let trimmed = before.trim_end();
    if trimmed.is_empty() {
        return Vec::new();
    }
    let para_start = trimmed
        .rfind("\n\n")
        .map_or_else(|| trimmed.rfind('\n').map_or(0, |p| p + 1), |p| p + 2);
    let para = &text[para_start..trimmed.len()];
    // Not the lead-in when the previous paragraph is itself a block quote.
    if ctx
        .blocks
        .iter()
        .any(|b| b.start <= para_start && b.end >= trimmed.len())
    {
        return Vec::new();
    }
    let sents: Vec<ByteRange> = sentences(para)
        .into_iter()
        .map(|r| para_start + r.start..para_start + r.end)
        .collect();
    sents.into_iter().rev().take(2).collect()
}

/// A speaker in a lead-in sentence: (speaker, cue).
fn lead_in_speaker(ctx: &Ctx, sent: &ByteRange) -> (Option<ByteRange>, Option<ByteRange>) {
    let lo = ctx.tok_at_or_after(sent.start);
    let hi = ctx.tok_at_or_after(sent.end);
    if lo >= hi {
        return (None, None);
    }
    // "Here's (an excellent) summary / more from": the cue phrase.
    let here_cue = {
        let w0 = ctx.lw(lo);
        let here = matches!(w0, "here's" | "here\u{2019}s" | "below")
            || (w0 == "here" && matches!(ctx.lw(lo + 1), "is" | "are"));
        if here {
            let mut e = None;
            for k in lo + 1..hi.min(lo + 8) {
                if word_sets().lead_nouns.contains(&ctx.lw(k)) {
                    let end_tok = if ctx.lw(k + 1) == "from" { k + 1 } else { k };
                    e = Some(ctx.toks[lo].start..ctx.toks[end_tok].end);
                    break;
                }
            }
            e.or(Some(ctx.tok_range(lo)))
        } else {
            None
        }
    };
    // 2. A cue verb: "X said:", "X wrote", "as X noted".
    for k in (lo..hi).rev() {
        if !ctx.is_cue(k) {
            continue;
        }
        if let Some(s) = ctx.speaker_before(k, lo) {
            return (Some(s), Some(ctx.tok_range(k)));
        }
        if let Some(s) = ctx.speaker_after(k + 1) {
            if s.end <= sent.end {
                return (Some(s), Some(ctx.tok_range(k)));
            }
        }
    }
    // 1. "by X" (an article by X, "…" by analyst, X).
    for k in (lo..hi).rev() {
        if ctx.lw(k) != "by" {
            continue;
        }
        let ents: Vec<&Entity> = ctx
            .entities
            .iter()
            .filter(|e| e.range.start >= ctx.toks[k].end && e.range.end <= sent.end)
            .collect();
        let pick = ents
            .iter()
            .find(|e| e.kind == EntityKind::Person)
            .or_else(|| ents.first());
        if let Some(e) = pick {
            return (Some(e.range.clone()), here_cue.or(Some(ctx.tok_range(k))));
        }
    }
    // 3. "according to X".
    for k in lo..hi.saturating_sub(1) {
        if ctx.lw(k) == "according" && ctx.lw(k + 1) == "to" {
            let mut j = k + 2;
            if ctx.lw(j) == "the" {
                j += 1;
            }
            let s = ctx
                .speaker_after(j)
                .or_else(|| ctx.speaker_after(k + 2))
                .filter(|s| s.end <= sent.end);
            if let Some(s) = s {
                return (Some(s), Some(ctx.toks[k].start..ctx.toks[k + 1].end));
            }
        }
    }
    // 4. "from X": the first person after "from", else the first entity.
    for k in lo..hi {
        if ctx.lw(k) != "from" {
            continue;
        }
        let ents: Vec<&Entity> = ctx
            .entities
            .iter()
            .filter(|e| e.range.start >= ctx.toks[k].end && e.range.end <= sent.end)
            .filter(|e| e.kind != EntityKind::Place)
            .collect();
        let pick = ents
            .iter()
            .find(|e| e.kind == EntityKind::Person && e.score >= 0.5)
            .or_else(|| ents.iter().find(|e| e.score >= 0.5))
            .or_else(|| ents.first());
        if let Some(e) = pick {
            return (Some(e.range.clone()), here_cue.or(Some(ctx.tok_range(k))));
        }
        // "from a commenter"
        if let Some((r, _)) = ctx.np_starting_at(k + 1) {
            return (Some(r), here_cue.or(Some(ctx.tok_range(k))));
        }
    }
    (None, here_cue)
}

/// A medium named in a lead-in: "in the Wall Street Journal", "on his blog
/// X", "at Brookings", "posted on X".
fn lead_in_medium(ctx: &Ctx, sent: &ByteRange, speaker: Option<&ByteRange>) -> Option<String> {
    let lo = ctx.tok_at_or_after(sent.start);
    let hi = ctx.tok_at_or_after(sent.end);
    for k in lo..hi {
        let w = ctx.lw(k);
        if !matches!(w, "in" | "on" | "at" | "blog") {
            continue;
        }
        let mut j = k + 1;
        while j < hi
            && matches!(
                ctx.lw(j),
                "the" | "his" | "her" | "their" | "its" | "blog" | "website" | "site" | ","
            )
        {
            j += 1;
        }
        if let Some(e) = ctx.entity_starting_at(j) {
            if speaker.is_some_and(|s| overlaps(s, &e.range)) {
                continue;
            }
            if matches!(e.kind, EntityKind::NewsOutlet)
                || (w == "blog" || ctx.lw(k + 1) == "his" || ctx.lw(k + 1) == "her")
                    && e.kind != EntityKind::Place
            {
                return Some(ctx.text[e.range.clone()].to_string());
            }
        }
    }
    None
}

fn block_attributions(ctx: &Ctx, out: &mut Vec<Attribution>) {
    let text = ctx.text;
    for b in &ctx.blocks {
        if ctx.in_boilerplate(b) {
            continue;
        }
        let content = trim_range(text, b.start, b.end);
        if content.is_empty() {
            continue;
        }
        let citation = citation_after(ctx, b.end);
        let mut source = None;
        let mut cue = None;
        let mut medium = None;
        let mut anonymous = false;
        let mut score = 0.5;
        if let Some(c) = citation.as_ref().filter(|c| c.dash.is_some()) {
            // Epigraph: "— Name, comments-line, Outlet".
            cue = c.dash.clone();
            source = c.parts.first().cloned();
            anonymous = c.parts.iter().any(|p| {
                let s = text[p.clone()].to_lowercase();
                s.contains("comment") || s.contains("reader") || s.contains("anonymous")
            });
            if c.parts.len() > 1 {
                medium = c.parts.last().map(|p| text[p.clone()].to_string());
            }
            score = 0.85;
        } else {
            for sent in lead_in(ctx, b.start) {
                let (s, q) = lead_in_speaker(ctx, &sent);
                if cue.is_none() {
                    cue = q;
                }
                if medium.is_none() {
                    medium = lead_in_medium(ctx, &sent, s.as_ref());
                }
                if s.is_some() {
                    source = s;
                    score = 0.9;
                    break;
                }
            }
            if let Some(c) = &citation {
                let outlet = c.parts.last().cloned();
                if let Some(o) = &outlet {
                    medium = Some(text[o.clone()].to_string());
                }
                if source.is_none() {
                    // The first author, or the outlet.
                    source = c
                        .parts
                        .iter()
                        .find(|p| {
                            ctx.entities
                                .iter()
                                .any(|e| e.kind == EntityKind::Person && overlaps(&e.range, p))
                        })
                        .cloned()
                        .or(outlet);
                    score = 0.7;
                }
            }
        }
        let _ = citation.as_ref().map(|c| c.range.clone());
        let mut a = Attribution {
            content,
            cue,
            source,
            kind: QuoteKind::Block,
            speaker: None,
            speaker_kind: None,
            medium,
            score,
            provenance: PROVENANCE,
        };
        if anonymous {
            if let Some(s) = &a.source {
                a.speaker = Some(text[s.clone()].to_string());
                a.speaker_kind = Some(SourceKind::Anonymous);
            }
        }
        out.push(a);
    }
}

// --- Direct quotes ---------------------------------------------------------

fn is_title_pair(ctx: &Ctx, q: &QuotePair) -> bool {
    let text = ctx.text;
    let before = text[..q.open].trim_end();
    if before.ends_with('(') {
        return true; // ("Title", Outlet)
    }
    let lo = ctx.tok_at_or_after(q.open);
    if lo > 0
        && matches!(
            ctx.lw(lo - 1),
            "titled" | "entitled" | "headlined" | "called" | "named"
        )
    {
        return true;
    }
    false
}

fn direct_attributions(ctx: &Ctx, out: &mut Vec<Attribution>) {
    let text = ctx.text;
    let sents = &ctx.sents;
    let mut consumed: Vec<usize> = Vec::new();
    let pairs: Vec<&QuotePair> = ctx
        .pairs
        .iter()
        .filter(|q| q.close.is_some() && !q.scare && !q.inner.is_empty())
        .collect();
    // Only outermost pairs.
    let top: Vec<&QuotePair> = pairs
        .iter()
        .copied()
        .filter(|q| {
            let o = q.outer(text);
            !pairs
                .iter()
                .any(|p| p.open < q.open && p.outer(text).end >= o.end)
        })
        .collect();
    for (idx, q) in top.iter().enumerate() {
        if consumed.contains(&idx) {
            continue;
        }
        let outer = q.outer(text);
        if ctx.in_block(&outer) || ctx.in_boilerplate(&outer) || is_title_pair(ctx, q) {
            continue;
        }
        let inner_text = &text[q.inner.clone()];
        let ends_open = inner_text.ends_with([',', '?', '!', '\u{2014}', '-']);
        // After the quote: ", he said" / " said Smith".
        let after_tok = ctx.tok_at_or_after(outer.end);
        let mut k = after_tok;
        let comma_after = ctx.lw(k) == ",";
        if comma_after {
            k += 1;
        }
        let same_line = |r: &ByteRange| !text[outer.end..r.start.max(outer.end)].contains('\n');
        let mut found: Option<(Option<ByteRange>, ByteRange, usize)> = None;
        if ends_open || comma_after || after_tok < ctx.toks.len() {
            // cue then speaker
            if k < ctx.toks.len() && ctx.is_cue(k) && same_line(&ctx.tok_range(k)) {
                if let Some(s) = ctx.speaker_after(k + 1) {
                    found = Some((
                        Some(s.clone()),
                        ctx.tok_range(k),
                        ctx.tok_at_or_after(s.end),
                    ));
                }
            }
            // speaker then cue (within 6 tokens)
            if found.is_none() {
                for c in k..(k + 7).min(ctx.toks.len()) {
                    if ctx.toks[c].kind == TokenKind::Punct {
                        break;
                    }
                    if ctx.is_cue(c) && c > k {
                        if let Some(s) = ctx.speaker_before(c, k) {
                            if s.start >= ctx.toks[k].start && same_line(&s) {
                                found = Some((Some(s), ctx.tok_range(c), c + 1));
                            }
                        }
                        break;
                    }
                }
            }
        }
        if let Some((source, cue, next_tok)) = found {
            let mut content = q.inner.clone();
            // "A," he said, "B": extend over the next quote.
            let mut j = next_tok;
            while j < ctx.toks.len() && matches!(ctx.lw(j), "," | ":" | "\u{2014}") {
                j += 1;
            }
            if let Some(t) = ctx.toks.get(j) {
                if let Some((pi, p)) = top
                    .iter()
                    .enumerate()
                    .skip(idx + 1)
                    .find(|(_, p)| p.open == t.start)
                {
                    if !text[outer.end..p.open].contains('\n') {
                        content = content.start..p.inner.end;
                        consumed.push(pi);
                    }
                }
            }
            out.push(Attribution {
                content,
                cue: Some(cue),
                source,
                kind: QuoteKind::Direct,
                speaker: None,
                speaker_kind: None,
                medium: None,
                score: 0.85,
                provenance: PROVENANCE,
            });
            continue;
        }
        // Before the quote: "X said, “…”", "X told Y: “…”".
        let Some(sent) = sentence_of(sents, q.open).or_else(|| sentence_of(sents, q.inner.start))
        else {
            continue;
        };
        let lead = text[sent.start.min(q.open)..q.open].trim_end();
        let lo = ctx.tok_at_or_after(sent.start.min(q.open));
        let open_tok = ctx.tok_at_or_after(q.open);
        let intro = lead.ends_with([',', ':']) || lead.ends_with("that") || {
            open_tok > lo && ctx.is_cue(open_tok - 1)
        };
        if !intro {
            continue;
        }
        let mut hit = None;
        for c in (lo..open_tok).rev().take(12) {
            if ctx.lw(c) == "according" && ctx.lw(c + 1) == "to" {
                let mut j = c + 2;
                if ctx.lw(j) == "the" && ctx.entity_starting_at(j).is_none() {
                    j += 1;
                }
                if let Some(s) = ctx.speaker_after(j) {
                    hit = Some((s, ctx.toks[c].start..ctx.toks[c + 1].end));
                }
                break;
            }
            if ctx.is_cue(c) {
                if let Some(s) = ctx.speaker_before(c, lo) {
                    hit = Some((s, ctx.tok_range(c)));
                } else if let Some(s) = ctx.speaker_after(c + 1).filter(|s| s.end <= q.open) {
                    hit = Some((s, ctx.tok_range(c)));
                }
                break;
            }
        }
        if let Some((s, cue)) = hit {
            let mut content = q.inner.clone();
            // "X said: “A.” … “B.”" stays one quote per pair.
            if let Some(p) = top.get(idx + 1) {
                let gap = &text[outer.end..p.open];
                if gap.trim().is_empty() && !gap.contains('\n') {
                    content = content.start..p.inner.end;
                    consumed.push(idx + 1);
                }
            }
            out.push(Attribution {
                content,
                cue: Some(cue),
                source: Some(s),
                kind: QuoteKind::Direct,
                speaker: None,
                speaker_kind: None,
                medium: None,
                score: 0.8,
                provenance: PROVENANCE,
            });
        }
    }
}

// --- Indirect speech -------------------------------------------------------

fn strip_final_punct(text: &str, r: ByteRange) -> ByteRange {
    if r.start >= r.end {
        return r.start..r.start;
    }
    let s = &text[r.clone()];
    let t = s.trim_end_matches(['.', '!', '?', ' ', ':', ';', ',']);
    trim_range(text, r.start, r.start + t.len())
}

fn indirect_attributions(ctx: &Ctx, out: &mut Vec<Attribution>) {
    let text = ctx.text;
    for sent in ctx.sents.iter().cloned() {
        if ctx.in_block(&sent) || ctx.in_boilerplate(&sent) {
            continue;
        }
        if out.iter().any(|a| overlaps(&a.content, &sent)) {
            continue;
        }
        // A lead-in to a block quote ends with ':' and is handled there.
        if text[sent.clone()].ends_with(':') {
            continue;
        }
        let lo = ctx.tok_at_or_after(sent.start);
        let hi = ctx.tok_at_or_after(sent.end);
        let mut done = false;
        // "according to X, CONTENT" / "CONTENT, according to X."
        for k in lo..hi.saturating_sub(1) {
            if !(ctx.lw(k) == "according" && ctx.lw(k + 1) == "to") {
                continue;
            }
            let mut j = k + 2;
            let ent = ctx.entity_starting_at(j).or_else(|| {
                (ctx.lw(j) == "the")
                    .then(|| ctx.entity_starting_at(j + 1))
                    .flatten()
            });
            let source = if let Some(e) = ent {
                Some(e.range.clone())
            } else {
                if word_sets().determiners.contains(&ctx.lw(j)) {
                    j += 1;
                }
                ctx.np_starting_at(k + 2).map(|(r, _)| r).or_else(|| {
                    // "according to recent reports"
                    (j..hi.min(j + 4))
                        .find(|&m| word_sets().speaker_nouns.contains(&ctx.lw(m)))
                        .map(|m| ctx.toks[k + 2].start..ctx.toks[m].end)
                })
            };
            let Some(source) = source else { continue };
            if source.end > sent.end {
                continue;
            }
            let cue = ctx.toks[k].start..ctx.toks[k + 1].end;
            // Content: after the source (and a comma) to the end, or the
            // clause before ", according to".
            let before = text[sent.start..cue.start].trim_end();
            let clause_words = text[sent.start..cue.start].split_whitespace().count();
            let content = if k > lo + 2 && before.ends_with(',') && clause_words > 3 {
                trim_range(text, sent.start, sent.start + before.len() - 1)
            } else {
                let mut s = source.end;
                let rest = &text[s..sent.end];
                if let Some(stripped) = rest.trim_start().strip_prefix(',') {
                    s = sent.end - stripped.len();
                }
                strip_final_punct(text, s..sent.end)
            };
            if content.len() < 8 {
                continue;
            }
            out.push(Attribution {
                content,
                cue: Some(cue),
                source: Some(source),
                kind: QuoteKind::Indirect,
                speaker: None,
                speaker_kind: None,
                medium: None,
                score: 0.7,
                provenance: PROVENANCE,
            });
            done = true;
            break;
        }
        if done {
            continue;
        }
        // "X said that CONTENT", "as X noted, CONTENT", "X told Y that …".
        for k in lo..hi {
            if !ctx.is_cue(k) || ctx.toks[k].kind != TokenKind::Word {
                continue;
            }
            let Some(source) = ctx.speaker_before(k, lo) else {
                continue;
            };
            let sw = base_word(&text[source.clone()].to_lowercase()).to_string();
            if matches!(sw.as_str(), "i" | "we" | "you") {
                continue;
            }
            // Skip an object ("told reporters", "told the BBC").
            let mut j = k + 1;
            if matches!(ctx.lw(k), "told" | "tells" | "tell" | "telling" | "asked") {
                let mut m = j;
                while m < hi && m < j + 5 && ctx.lw(m) != "that" && ctx.lw(m) != "," {
                    m += 1;
                }
                j = m;
            }
            let as_clause = k > lo && ctx.toks[lo].start <= source.start && {
                let pre = ctx.tok_at_or_after(source.start);
                pre > lo && ctx.lw(pre - 1) == "as"
            };
            let start = if ctx.lw(j) == "that"
                || ctx.lw(j).starts_with("that")
                || (as_clause && ctx.lw(j) == ",")
            {
                ctx.toks[j].end
            } else {
                continue;
            };
            let content = strip_final_punct(text, start..sent.end);
            let content = if text[content.clone()].starts_with(['\u{2013}', '\u{2014}', '-']) {
                let c = text[content.clone()]
                    .chars()
                    .next()
                    .map_or(1, char::len_utf8);
                trim_range(text, content.start + c, content.end)
            } else {
                content
            };
            if content.len() < 8 {
                continue;
            }
            out.push(Attribution {
                content,
                cue: Some(ctx.tok_range(k)),
                source: Some(source),
                kind: QuoteKind::Indirect,
                speaker: None,
                speaker_kind: None,
                medium: None,
                score: 0.65,
                provenance: PROVENANCE,
            });
            break;
        }
    }
}

// --- Resolution and reconciliation ----------------------------------------

fn last_entity_before(
    entities: &[Entity],
    at: usize,
    pred: impl Fn(&Entity) -> bool,
) -> Option<&Entity> {
    entities
        .iter()
        .filter(|e| e.range.end <= at && e.score >= 0.4)
        .filter(|e| pred(e))
        .last()
}

/// Resolves the speaker written at `source` to (name, kind).
fn resolve(
    text: &str,
    entities: &[Entity],
    source: &ByteRange,
) -> (Option<String>, Option<SourceKind>) {
    let written = text[source.clone()].trim();
    // An entity inside the source.
    if let Some(e) = entities
        .iter()
        .filter(|e| within(&e.range, source) || within(source, &e.range))
        .max_by_key(|e| e.range.len())
    {
        let name = text[e.range.clone()].to_string();
        if e.kind == EntityKind::Place && e.range.len() * 2 < source.len() {
            // "officials in Moscow"
        } else {
            let k = SourceKind::of_entity(e.kind, &name);
            return (Some(name), Some(k));
        }
    }
    let lower = written.to_lowercase();
    let lower = base_word(&lower).to_string();
    let words: Vec<&str> = lower.split_whitespace().collect();
    if words.len() == 1 && PRONOUNS_PERSON.contains(&words[0]) {
        let e = last_entity_before(entities, source.start, |e| e.kind == EntityKind::Person);
        return (
            e.map(|e| text[e.range.clone()].to_string()),
            Some(SourceKind::Person),
        );
    }
    if words.len() == 1 && PRONOUNS_GROUP.contains(&words[0]) {
        let e = last_entity_before(entities, source.start, |e| {
            matches!(
                e.kind,
                EntityKind::NewsOutlet
                    | EntityKind::Government
                    | EntityKind::ThinkTank
                    | EntityKind::Organisation
            ) && e.score >= 0.5
        })
        .filter(|e| source.start - e.range.end < 400);
        return match e {
            Some(e) => {
                let name = text[e.range.clone()].to_string();
                let k = SourceKind::of_entity(e.kind, &name);
                (Some(name), Some(k))
            }
            None => (None, Some(SourceKind::Unknown)),
        };
    }
    let head = words.last().copied().unwrap_or("");
    let definite = words
        .first()
        .is_some_and(|w| matches!(*w, "the" | "this" | "that"));
    if definite
        && matches!(
            head,
            "newspaper" | "paper" | "outlet" | "network" | "broadcaster"
        )
    {
        let e = last_entity_before(entities, source.start, |e| e.kind == EntityKind::NewsOutlet);
        return (
            e.map(|e| text[e.range.clone()].to_string()),
            Some(SourceKind::NewsOutlet),
        );
    }
    if definite && (is_person_descriptor(head) || is_title_word(&capitalise(head))) {
        let e = last_entity_before(entities, source.start, |e| {
            e.kind == EntityKind::Person && text[e.range.clone()].to_lowercase().contains(head)
        })
        .or_else(|| last_entity_before(entities, source.start, |e| e.kind == EntityKind::Person));
        return (
            e.map(|e| text[e.range.clone()].to_string()),
            Some(SourceKind::Person),
        );
    }
    if definite
        && matches!(
            head,
            "ministry"
                | "agency"
                | "government"
                | "administration"
                | "military"
                | "army"
                | "pentagon"
        )
    {
        return (Some(written.to_string()), Some(SourceKind::Government));
    }
    if definite && matches!(head, "report" | "study" | "statement") {
        return (Some(written.to_string()), Some(SourceKind::Document));
    }
    if word_sets().speaker_nouns.contains(&head) {
        return (Some(written.to_string()), Some(SourceKind::Anonymous));
    }
    // A capitalised name the recogniser missed.
    if written.chars().next().is_some_and(char::is_uppercase) {
        return (Some(written.to_string()), Some(SourceKind::Unknown));
    }
    (None, None)
}

fn capitalise(w: &str) -> String {
    let mut c = w.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

fn finish(ctx: &Ctx, a: &mut Attribution) {
    finish_with(ctx.text, ctx.entities, &ctx.pairs, a);
}

fn finish_with(text: &str, entities: &[Entity], pairs: &[QuotePair], a: &mut Attribution) {
    if a.kind != QuoteKind::Block {
        a.kind = quote_kind(text, pairs, &a.content, a.kind);
    }
    if a.speaker.is_none() || a.speaker_kind.is_none() {
        if let Some(s) = a.source.clone() {
            let (name, kind) = resolve(text, entities, &s);
            if a.speaker.is_none() {
                a.speaker = name;
            }
            if a.speaker_kind.is_none() {
                a.speaker_kind = kind;
            }
        }
    }
    if a.medium.is_none() {
        // "X told the BBC", "in an interview with CNN": an outlet in the
        // attribution's sentence other than the speaker.
        let lo = a.cue.as_ref().map_or(a.content.start, |c| c.start);
        let window = floor_boundary(text, lo.saturating_sub(0))..ceil_boundary(text, lo + 80);
        let outlet = entities.iter().find(|e| {
            e.kind == EntityKind::NewsOutlet
                && within(&e.range, &window)
                && !a.source.as_ref().is_some_and(|s| overlaps(s, &e.range))
                && !overlaps(&e.range, &a.content)
        });
        if let Some(e) = outlet {
            let pre = text[floor_boundary(text, e.range.start.saturating_sub(25))..e.range.start]
                .to_lowercase();
            if pre.contains("told")
                || pre.contains(" in ")
                || pre.contains("with")
                || pre.contains(" to ")
            {
                a.medium = Some(text[e.range.clone()].to_string());
            }
        }
    }
}

/// Direct when the content lies inside quotation marks, mixed when partly,
/// otherwise `default`.
fn quote_kind(
    text: &str,
    pairs: &[QuotePair],
    content: &ByteRange,
    default: QuoteKind,
) -> QuoteKind {
    let speech: Vec<&QuotePair> = pairs.iter().filter(|p| !p.scare && p.depth == 1).collect();
    let inside = |at: usize| {
        speech
            .iter()
            .any(|p| at >= p.inner.start && at <= p.inner.end)
    };
    let mut covered = 0usize;
    for p in &speech {
        let o = p.outer(text);
        covered += o
            .end
            .min(content.end)
            .saturating_sub(o.start.max(content.start));
    }
    if content.is_empty() || covered == 0 {
        return if default == QuoteKind::Direct {
            QuoteKind::Indirect
        } else {
            default
        };
    }
    let start_in = inside(content.start);
    let end_in = inside(content.end) || inside(content.end.saturating_sub(1));
    if start_in && end_in && covered * 10 >= content.len() * 6 {
        QuoteKind::Direct
    } else {
        QuoteKind::Mixed
    }
}

/// Merges the tagger's attributions (`tagged`: PolNeAR-style triples, kind
/// Indirect, no speaker) with the rules' (`rules`), then sets every
/// attribution's kind, resolved speaker, speaker kind and medium.
///
/// Where a tagged attribution overlaps a rule one in running text, the
/// tagger's content, cue and source spans are kept (it learnt PolNeAR's
/// conventions for where they start and end) and the rule's fill what the
/// tagger lacks; further rule quotes inside the tagged content are absorbed
/// (`"A," she said. "B."` is one attribution). A block quote's rule
/// attribution wins whole (the tagger only fills a missing source or cue);
/// tagged ones inside an attributed block quote are dropped, and so are
/// tagged contents that are only a scare quote. Output sorted by content
/// start.
pub fn reconcile(
    doc: &Document,
    tagged: Vec<Attribution>,
    rules: Vec<Attribution>,
    entities: &[Entity],
) -> Vec<Attribution> {
    let text = doc.text();
    let pairs = quotation_spans(text);
    let blocks: Vec<ByteRange> = doc
        .layer(doc_layers::BLOCKQUOTE)
        .iter()
        .map(|s| s.start()..s.end())
        .collect();
    let valid = |r: &ByteRange| {
        r.start <= r.end
            && r.end <= text.len()
            && text.is_char_boundary(r.start)
            && text.is_char_boundary(r.end)
    };
    let mut rules: Vec<Attribution> = rules.into_iter().filter(|a| valid(&a.content)).collect();
    let attributed_blocks: Vec<ByteRange> = blocks
        .iter()
        .filter(|b| {
            rules
                .iter()
                .any(|a| a.kind == QuoteKind::Block && overlaps(&a.content, b))
        })
        .cloned()
        .collect();
    let mut kept: Vec<Attribution> = Vec::new();
    for t in tagged {
        if !valid(&t.content) || t.content.is_empty() {
            continue;
        }
        // In running text the tagger's spans win (it learnt where contents,
        // cues and speakers start and end); the rules fill what it lacks. A
        // block quote's rule attribution wins whole.
        let mut hits = rules
            .iter()
            .enumerate()
            .filter(|(_, r)| overlaps(&r.content, &t.content))
            .map(|(k, r)| (k, r.kind == QuoteKind::Block));
        if let Some((k, block)) = hits.next() {
            let absorbed: Vec<usize> = hits
                .filter(|&(j, b)| {
                    !b && !block
                        && rules[j].content.start >= t.content.start
                        && rules[j].content.end <= t.content.end
                })
                .map(|(j, _)| j)
                .collect();
            let r = &mut rules[k];
            if block {
                if r.source.is_none() && t.source.as_ref().is_some_and(valid) {
                    r.source = t.source.clone();
                }
                if r.cue.is_none() && t.cue.as_ref().is_some_and(valid) {
                    r.cue = t.cue.clone();
                }
            } else {
                r.content = t.content.clone();
                if t.cue.as_ref().is_some_and(valid) {
                    r.cue = t.cue.clone();
                }
                if t.source.as_ref().is_some_and(valid) {
                    r.source = t.source.clone();
                }
                r.score = r.score.max(t.score);
                r.provenance = if t.provenance == crate::attribution::NEURAL_PROVENANCE {
                    MERGED_NEURAL_PROVENANCE
                } else {
                    MERGED_PROVENANCE
                };
            }
            for j in absorbed.into_iter().rev() {
                rules.remove(j);
            }
            continue;
        }
        if attributed_blocks.iter().any(|b| overlaps(b, &t.content)) {
            continue;
        }
        let scare_only = pairs.iter().any(|p| {
            p.scare && {
                let o = p.outer(text);
                t.content.start >= o.start && t.content.end <= o.end
            }
        });
        if scare_only {
            continue;
        }
        let mut t = t;
        if t.source.as_ref().is_some_and(|s| !valid(s)) {
            t.source = None;
        }
        if t.cue.as_ref().is_some_and(|s| !valid(s)) {
            t.cue = None;
        }
        kept.push(t);
    }
    let mut all: Vec<Attribution> = rules.into_iter().chain(kept).collect();
    for a in &mut all {
        finish_with(text, entities, &pairs, a);
    }
    all.sort_by_key(|a| (a.content.start, a.content.end));
    all
}

/// The `quote`, `speaker` and `cue` layers for `attrs` (ids "q1", "q2", ...
/// in order), following the conventions of [`crate::layers`].
pub fn attribution_spans(
    doc: &Document,
    attrs: &[Attribution],
) -> (Vec<Span>, Vec<Span>, Vec<Span>) {
    let text = doc.text();
    let ok = |r: &ByteRange| {
        r.start <= r.end
            && r.end <= text.len()
            && text.is_char_boundary(r.start)
            && text.is_char_boundary(r.end)
    };
    let (mut quotes, mut speakers, mut cues) = (Vec::new(), Vec::new(), Vec::new());
    for (i, a) in attrs.iter().enumerate() {
        if !ok(&a.content) {
            continue;
        }
        let id = format!("q{}", i + 1);
        let Ok(mut q) = Span::new(a.content.start, a.content.end, a.kind.name()) else {
            continue;
        };
        q = q
            .with_score(a.score)
            .with_provenance(a.provenance)
            .with_attr("id", id.clone());
        if let Some(s) = &a.speaker {
            q = q.with_attr("speaker", s.clone());
        }
        if let Some(k) = a.speaker_kind {
            q = q.with_attr("speaker_kind", k.name());
        }
        if let Some(c) = a.cue.as_ref().filter(|c| ok(c)) {
            q = q.with_attr("cue", &text[c.clone()]);
        }
        if let Some(m) = &a.medium {
            q = q.with_attr("medium", m.clone());
        }
        quotes.push(q);
        if let Some(s) = a.source.as_ref().filter(|s| ok(s)) {
            let label = a.speaker_kind.unwrap_or(SourceKind::Unknown).name();
            if let Ok(mut sp) = Span::new(s.start, s.end, label) {
                sp = sp
                    .with_score(a.score)
                    .with_provenance(a.provenance)
                    .with_attr("quote", id.clone());
                if let Some(n) = &a.speaker {
                    sp = sp.with_attr("name", n.clone());
                }
                speakers.push(sp);
            }
        }
        if let Some(c) = a.cue.as_ref().filter(|c| ok(c)) {
            if let Ok(cs) = Span::new(c.start, c.end, "cue") {
                cues.push(
                    cs.with_score(a.score)
                        .with_provenance(a.provenance)
                        .with_attr("quote", id.clone()),
                );
            }
        }
    }
    (quotes, speakers, cues)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::entities::find_entities;

    fn inner<'a>(text: &'a str, q: &QuotePair) -> &'a str {
        &text[q.inner.clone()]
    }

    #[test]
    fn pairs_curly_and_straight() {
        let t = "He said \u{201c}we will win\u{201d} and \"they will lose\" today.";
        let q = quotation_spans(t);
        assert_eq!(q.len(), 2);
        assert_eq!(inner(t, &q[0]), "we will win");
        assert_eq!(inner(t, &q[1]), "they will lose");
        assert!(q.iter().all(|p| p.close.is_some() && p.depth == 1));
    }

    #[test]
    fn apostrophes_are_not_quotes() {
        let t = "It\u{2019}s Obama\u{2019}s war since the \u{2019}90s, the Kurds\u{2019} land, don't 'em.";
        assert!(quotation_spans(t).is_empty(), "{:?}", quotation_spans(t));
    }

    #[test]
    fn nested_single_quotes() {
        let t = "\u{201c}He called it \u{2018}a disaster\u{2019} and left,\u{201d} she said.";
        let q = quotation_spans(t);
        assert_eq!(q.len(), 2, "{q:?}");
        assert_eq!(q[0].depth, 1);
        assert_eq!(q[1].depth, 2);
        assert_eq!(inner(t, &q[1]), "a disaster");
    }

    #[test]
    fn scare_quotes() {
        let t = "The CIA-trained \u{201c}moderate\u{201d} rebels fled. \u{201c}We lost,\u{201d} he said.";
        let q = quotation_spans(t);
        assert!(q[0].scare);
        assert!(!q[1].scare);
    }

    #[test]
    fn unclosed_quote_stops_at_paragraph() {
        let t = "He said \u{201c}this never ends.\n\nLater, \u{201c}it did,\u{201d} she said.";
        let q = quotation_spans(t);
        assert_eq!(q.len(), 2, "{q:?}");
        assert_eq!(q[0].close, None);
        assert_eq!(inner(t, &q[0]), "this never ends.");
        assert_eq!(inner(t, &q[1]), "it did,");
    }

    #[test]
    fn multi_paragraph_quote() {
        let t = "She said: \u{201c}First part.\n\n\u{201c}Second part.\u{201d} Done.";
        let q = quotation_spans(t);
        assert_eq!(q.len(), 1, "{q:?}");
        assert!(inner(t, &q[0]).starts_with("First part."));
        assert!(inner(t, &q[0]).ends_with("Second part."));
    }

    fn attrs(text: &str) -> Vec<(String, Option<String>, QuoteKind)> {
        let doc = Document::new("t", text);
        let e = find_entities(&doc);
        rule_attributions(&doc, &e)
            .into_iter()
            .map(|a| (text[a.content].to_string(), a.speaker, a.kind))
            .collect()
    }

    #[test]
    fn direct_speaker_after_and_before() {
        let a = attrs("\u{201c}We will not retreat,\u{201d} said John Smith. Mary Jones told reporters: \u{201c}It is over.\u{201d}");
        assert_eq!(a.len(), 2, "{a:?}");
        assert_eq!(a[0].0, "We will not retreat,");
        assert_eq!(a[0].1.as_deref(), Some("John Smith"));
        assert_eq!(a[0].2, QuoteKind::Direct);
        assert_eq!(a[1].1.as_deref(), Some("Mary Jones"));
    }

    #[test]
    fn interrupted_quote_is_one_attribution() {
        let a = attrs("Senator Jane Roe spoke. \u{201c}We tried,\u{201d} she said, \u{201c}but failed.\u{201d}");
        assert_eq!(a.len(), 1, "{a:?}");
        assert!(
            a[0].0.starts_with("We tried") && a[0].0.ends_with("but failed."),
            "{a:?}"
        );
        assert_eq!(a[0].1.as_deref(), Some("Senator Jane Roe"));
        assert_eq!(a[0].2, QuoteKind::Direct);
    }

    #[test]
    fn indirect_patterns() {
        let a = attrs("According to Reuters, the talks collapsed on Monday. A senior official said that the plan was dead.");
        assert_eq!(a.len(), 2, "{a:?}");
        assert_eq!(a[0].0, "the talks collapsed on Monday");
        assert_eq!(a[0].1.as_deref(), Some("Reuters"));
        assert_eq!(a[0].2, QuoteKind::Indirect);
        assert_eq!(a[1].0, "the plan was dead");
        assert_eq!(a[1].1.as_deref(), Some("A senior official"));
    }

    #[test]
    fn reconcile_merges_and_drops() {
        let text = "Officials met. \u{201c}We won,\u{201d} said John Smith. The \u{201c}moderate\u{201d} rebels fled. Critics said the deal was weak.";
        let doc = Document::new("t", text);
        let e = find_entities(&doc);
        let rules = rule_attributions(&doc, &e);
        let won = text.find("We won").unwrap();
        let moderate = text.find("moderate").unwrap();
        let weak = text.find("the deal").unwrap();
        let tagged = vec![
            Attribution::new(won..won + 6, 0.6, "attribution-tagger"),
            Attribution::new(moderate..moderate + 8, 0.6, "attribution-tagger"),
            Attribution {
                cue: Some(weak - 5..weak - 1),
                source: Some(weak - 13..weak - 6),
                ..Attribution::new(weak..text.len() - 1, 0.6, "attribution-tagger")
            },
        ];
        let merged = reconcile(&doc, tagged, rules, &e);
        let got: Vec<(&str, QuoteKind, Option<&str>, Option<SourceKind>)> = merged
            .iter()
            .map(|a| {
                (
                    &text[a.content.clone()],
                    a.kind,
                    a.speaker.as_deref(),
                    a.speaker_kind,
                )
            })
            .collect();
        assert_eq!(
            got,
            [
                (
                    "We won", // the tagger's span, the rule's speaker,
                    QuoteKind::Direct,
                    Some("John Smith"),
                    Some(SourceKind::Person)
                ),
                (
                    "the deal was weak",
                    QuoteKind::Indirect,
                    Some("Critics"),
                    Some(SourceKind::Anonymous)
                ),
            ]
        );
        let (q, s, c) = attribution_spans(&doc, &merged);
        assert_eq!(q.len(), 2);
        assert_eq!(q[0].attrs["id"], "q1");
        assert_eq!(q[0].label, "direct");
        assert_eq!(s[0].attrs["quote"], "q1");
        assert_eq!(s[0].label, "person");
        assert_eq!(c[0].label, "cue");
        assert_eq!(doc.span_text(&c[0]), "said");
    }
}
