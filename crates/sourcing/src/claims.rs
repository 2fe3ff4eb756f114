//! Check-worthy claims and the quantities they state.
//!
//! # Quantities
//!
//! [`quantities`] finds numbers and normalises them: `62` → 62,
//! `3,000 men` → 3000 (unit `men`), `12 km.` → 12 (`km`), `over 7 million`
//! → 7 000 000 (the qualifier stays in the text), `1.5 billion`, `$2.3bn` →
//! 2.3e9 (`USD`), `50%` / `50 percent` → 50 (`%`), `five year-long war` → 5
//! (`year`), `two dozen` → 24, `two-thirds` → 0.667. Number words are
//! two ... twenty, the tens, and `hundred`, `thousand`, `million`, `billion`,
//! `trillion`, `dozen` as multipliers (`a hundred`, `one million`); a bare
//! `one` and `a` are not quantities ("for one thing"), nor are `hundreds of`,
//! `several hundred` (no definite value) or ordinals (`5th`). The unit is the
//! lower-case word right after the number (or after a hyphen: `12-km`),
//! unless it is a function word; a capitalised word is not a unit
//! (`62 Syrian regulars` has no unit).
//!
//! **Dates are not quantities.** A four-digit number from 1800 to 2099
//! written without separators is a year when it follows a date preposition or
//! a month (`in 2016`, `September 2016`) or is followed by a capitalised word,
//! punctuation, the end or a function word (`the 2012 Defense ... report`,
//! `2016.`); otherwise (`2000 troops`) it is a quantity. A day number next to
//! a month name (`September 17`, `27 September`) is a date. Numbers that are
//! part of a name or a ratio (`R+6`, `F-16`, `9/11`, `3:30`) are skipped.
//! Dates found this way count towards a claim's check-worthiness.
//!
//! # Check-worthiness
//!
//! No public check-worthiness data set (CLEF CheckThat!, ClaimBuster) is
//! available offline here, so the score is a transparent rule-based sum in
//! the spirit of ClaimBuster's features (numbers, named actors, verbs of
//! reporting raise it; opinion, questions and short sentences lower it),
//! clamped to 0..1. For each sentence:
//!
//! | feature                                                     | weight |
//! |-------------------------------------------------------------|--------|
//! | base                                                        | +0.25  |
//! | states a quantity (+0.05 for each further one, up to +0.35) | +0.25  |
//! | names a date (`September 17`, `2016`, `last week`, a month) | +0.15  |
//! | a named actor followed by an action verb (`the Pentagon launched`, an `-ed` form or a listed verb) within 4 words | +0.25 |
//! | ... or only by a copula or auxiliary (`the US has`, `Aleppo will`) | +0.15 |
//! | reports an attribution (a cue in the sentence, `said`, `according to`) | +0.10 |
//! | question (ends with `?`)                                    | −0.35  |
//! | exclamation                                                 | −0.15  |
//! | first-person opinion marker (`IMO`, `I think`)              | −0.25  |
//! | other first-person pronoun (`we`, `my`, `us`)               | −0.10  |
//! | evaluative / loaded words (`excellent`, `callous`), each    | −0.10 (at most −0.25) |
//! | imperative (starts with `Let`, `Consider`, `Split`, ...)    | −0.20  |
//! | prediction or prescription (`will`, `would`, `should`, `must`) | −0.10 |
//! | fewer than 4 words / fewer than 6 words                     | −0.30 / −0.10 |
//!
//! A sentence scoring at least [`CHECK_WORTHY`] is check-worthy: it needs
//! evidence of a fact (a number, or an actor doing something) beyond the base
//! and no strong opinion signal. Named actors come from the `entities`
//! argument; when it is empty, capitalised words not at the start of the
//! sentence (or sentence-initial ones whose lower-case form never occurs in
//! the document) stand in. Hedges and boosters do not change the score; they
//! set the claim's [`ClaimCertainty`]. Sentences inside quotes are scored
//! like any other (fact-checkers check quoted claims too) and marked
//! [`Claim::quoted`].

use std::collections::HashSet;
use std::sync::OnceLock;

use serde::Serialize;
use unspin_document::{layers as doc_layers, Span};
use unspin_segment::{tokenize, Token, TokenKind};

use crate::entities::FastMap;
use crate::hedges::{Certainty, CertaintyMarker, Lowered};
use crate::{layers, Attribution, ByteRange, Document, Entity};

/// The score from which a sentence counts as a check-worthy claim.
pub const CHECK_WORTHY: f32 = 0.5;

/// What produced claim spans.
const CLAIM_PROVENANCE: &str = "claims-rules";
/// What produced hedge spans.
const MARKER_PROVENANCE: &str = "hedges-lexicon";

/// A number found in text, normalised.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Quantity {
    /// Where it is: from a qualifier ("over") or currency sign to the unit.
    pub range: ByteRange,
    /// The text at `range`, as written.
    pub text: String,
    /// The value, with multipliers applied (`7 million` → 7e6).
    pub value: f64,
    /// The unit: `%`, a currency code (`USD`, `EUR`, `GBP`), `km`, or the
    /// lower-case word after the number (`men`, `year`).
    pub unit: Option<String>,
}

/// How firmly a claim is asserted, from the markers inside it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
pub enum ClaimCertainty {
    /// It holds more hedges than boosters (a tie counts as hedged).
    Hedged,
    /// It holds more boosters than hedges.
    Boosted,
    /// It holds no marker.
    Plain,
}

impl ClaimCertainty {
    /// The name used in the `certainty` attr: `hedged`, `boosted`, `plain`.
    pub fn name(self) -> &'static str {
        match self {
            ClaimCertainty::Hedged => "hedged",
            ClaimCertainty::Boosted => "boosted",
            ClaimCertainty::Plain => "plain",
        }
    }
}

/// One sentence scored for check-worthiness.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Claim {
    /// The sentence (byte range into the document text).
    pub range: ByteRange,
    /// Check-worthiness in 0..1; see [`CHECK_WORTHY`] and the module doc.
    pub score: f32,
    /// Hedged, boosted or plain.
    pub certainty: ClaimCertainty,
    /// The quantities it states (ranges into the document text).
    pub quantities: Vec<Quantity>,
    /// The sentence lies inside an attribution's content, a `quote` span or a
    /// reader's `blockquote` span.
    pub quoted: bool,
    /// Indices into the `markers` slice of the markers inside the sentence.
    pub markers: Vec<usize>,
}

impl Claim {
    /// Whether the score reaches [`CHECK_WORTHY`].
    pub fn is_check_worthy(&self) -> bool {
        self.score >= CHECK_WORTHY
    }
}

// ---------------------------------------------------------------------------
// Quantities
// ---------------------------------------------------------------------------

/// Words before a number that qualify it (kept in the quantity's text).
const QUALIFIERS: &[&[&str]] = &[
    &["more", "than"],
    &["less", "than"],
    &["fewer", "than"],
    &["at", "least"],
    &["at", "most"],
    &["up", "to"],
    &["as", "many", "as"],
    &["as", "much", "as"],
    &["over"],
    &["under"],
    &["nearly"],
    &["almost"],
    &["about"],
    &["around"],
    &["roughly"],
    &["approximately"],
    &["some"],
    &["circa"],
    &["an", "estimated"],
];

/// Words after a number that are not its unit.
const UNIT_STOP: &[&str] = &[
    "a", "an", "the", "and", "or", "but", "nor", "of", "to", "in", "on", "at", "by", "for", "from",
    "with", "into", "onto", "as", "than", "that", "which", "who", "whom", "whose", "is", "are",
    "was", "were", "be", "been", "being", "has", "have", "had", "do", "does", "did", "will",
    "would", "can", "could", "may", "might", "must", "should", "this", "these", "those", "it",
    "its", "he", "she", "they", "we", "i", "you", "his", "her", "their", "our", "my", "your",
    "not", "no", "so", "if", "when", "while", "after", "before", "since", "until", "per", "times",
    "more", "less", "or", "plus", "minus", "each", "percent",
];

/// Prepositions after which a four-digit number is a year.
const YEAR_PREPS: &[&str] = &[
    "in", "since", "from", "until", "till", "by", "of", "during", "before", "after", "year",
    "early", "late", "mid", "summer", "winter", "spring", "autumn", "fall", "circa", "between",
];

const MONTHS: &[&str] = &[
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
    "jan",
    "feb",
    "mar",
    "apr",
    "jun",
    "jul",
    "aug",
    "sep",
    "sept",
    "oct",
    "nov",
    "dec",
];

/// Relative date words and phrases (lower case, token sequences).
const RELATIVE_DATES: &[&[&str]] = &[
    &["yesterday"],
    &["last", "week"],
    &["last", "month"],
    &["last", "year"],
    &["last", "night"],
    &["this", "week"],
    &["this", "month"],
    &["this", "year"],
    &["next", "week"],
    &["next", "month"],
    &["next", "year"],
    &["earlier", "this"],
    &["monday"],
    &["tuesday"],
    &["wednesday"],
    &["thursday"],
    &["friday"],
    &["saturday"],
    &["sunday"],
];

/// The value of a number word that starts a number (not a multiplier).
fn small_number(w: &str) -> Option<f64> {
    let v = match w {
        "two" => 2.0,
        "three" => 3.0,
        "four" => 4.0,
        "five" => 5.0,
        "six" => 6.0,
        "seven" => 7.0,
        "eight" => 8.0,
        "nine" => 9.0,
        "ten" => 10.0,
        "eleven" => 11.0,
        "twelve" => 12.0,
        "thirteen" => 13.0,
        "fourteen" => 14.0,
        "fifteen" => 15.0,
        "sixteen" => 16.0,
        "seventeen" => 17.0,
        "eighteen" => 18.0,
        "nineteen" => 19.0,
        "twenty" => 20.0,
        "thirty" => 30.0,
        "forty" => 40.0,
        "fifty" => 50.0,
        "sixty" => 60.0,
        "seventy" => 70.0,
        "eighty" => 80.0,
        "ninety" => 90.0,
        _ => return None,
    };
    Some(v)
}

/// The value of a unit word that may follow a tens word ("twenty-five").
fn unit_word(w: &str) -> Option<f64> {
    match w {
        "one" => Some(1.0),
        _ => small_number(w).filter(|v| *v < 10.0),
    }
}

/// A multiplier word ("million"), or the abbreviations "bn", "mn", "mln".
fn multiplier(w: &str) -> Option<f64> {
    match w {
        "hundred" => Some(1e2),
        "thousand" => Some(1e3),
        "million" | "mn" | "mln" => Some(1e6),
        "billion" | "bn" => Some(1e9),
        "trillion" | "tn" => Some(1e12),
        "dozen" => Some(12.0),
        _ => None,
    }
}

/// A multiplier glued to digits ("2.3bn", "50m", "10k").
fn multiplier_suffix(w: &str) -> Option<f64> {
    match w {
        "k" => Some(1e3),
        "m" => Some(1e6),
        "b" => Some(1e9),
        "dozen" => None,
        _ => multiplier(w),
    }
}

/// A fraction word after a hyphen ("two-thirds").
fn denominator(w: &str) -> Option<f64> {
    match w {
        "half" | "halves" => Some(2.0),
        "third" | "thirds" => Some(3.0),
        "quarter" | "quarters" => Some(4.0),
        "fifth" | "fifths" => Some(5.0),
        "tenth" | "tenths" => Some(10.0),
        _ => None,
    }
}

/// A normalised unit.
fn normalise_unit(w: &str) -> String {
    match w {
        "kilometres" | "kilometers" | "kilometre" | "kilometer" => "km".into(),
        "percent" | "pct" => "%".into(),
        "dollars" | "dollar" => "USD".into(),
        "euros" | "euro" => "EUR".into(),
        _ => w.into(),
    }
}

fn currency(s: &str) -> Option<&'static str> {
    match s {
        "$" => Some("USD"),
        "\u{a3}" => Some("GBP"),
        "\u{20ac}" => Some("EUR"),
        _ => None,
    }
}

/// Tokens of a text with their lower-cased forms (curly apostrophes read
/// as straight ones).
struct Toks<'a> {
    text: &'a str,
    toks: Vec<Token>,
    lower: Lowered,
    /// The word lists each lower-cased form belongs to ([`Class`] bits).
    classes: Vec<u16>,
}

impl<'a> Toks<'a> {
    fn new(text: &'a str) -> Toks<'a> {
        let toks = tokenize(text);
        let lower = Lowered::new(text, &toks);
        let lex = lexicons();
        // Every list entry is a word: punctuation and numbers are in none.
        let classes = toks
            .iter()
            .enumerate()
            .map(|(i, t)| match (t.kind, lower.get(i)) {
                (TokenKind::Word, Some(w)) => lex.classes.get(w).copied().unwrap_or(0),
                _ => 0,
            })
            .collect();
        Toks {
            text,
            toks,
            lower,
            classes,
        }
    }

    fn word(&self, i: usize) -> Option<&str> {
        self.lower.get(i)
    }

    /// Whether token `i` exists and its lower-cased form is in the word
    /// list `class`.
    fn is(&self, i: usize, class: u16) -> bool {
        self.classes.get(i).is_some_and(|c| c & class != 0)
    }

    fn raw(&self, i: usize) -> &'a str {
        &self.text[self.toks[i].range()]
    }

    fn is_capitalised(&self, i: usize) -> bool {
        i < self.toks.len() && self.raw(i).starts_with(char::is_uppercase)
    }

    fn is_lower_word(&self, i: usize) -> bool {
        i < self.toks.len()
            && self.toks[i].kind == TokenKind::Word
            && self.raw(i).starts_with(char::is_lowercase)
    }

    /// Whether tokens `i` and `i + 1` touch (no space between).
    fn glued(&self, i: usize) -> bool {
        i + 1 < self.toks.len() && self.toks[i].end == self.toks[i + 1].start
    }

    fn is_month(&self, i: usize) -> bool {
        // "may" and "march" are also verbs: months only when capitalised.
        self.is_capitalised(i) && self.is(i, Class::MONTH)
    }

    fn matches(&self, i: usize, phrase: &[&str]) -> bool {
        phrase
            .iter()
            .enumerate()
            .all(|(k, p)| self.word(i + k) == Some(p))
    }
}

/// What a number at some token turned out to be.
enum Found {
    Quantity(Quantity, usize),
    Date(usize),
}

/// The core number at token `j`: (value, end token, is a plain 4-digit
/// integer, unit from a suffix).
fn core_number(t: &Toks, j: usize) -> Option<(f64, usize, bool, Option<String>)> {
    let tok = t.toks.get(j)?;
    let raw = t.raw(j);
    if tok.kind == TokenKind::Number {
        let digits: String = raw.chars().filter(|c| *c != ',').collect();
        let v: f64 = digits.parse().ok()?;
        let plain_year = raw.len() == 4 && raw.bytes().all(|b| b.is_ascii_digit());
        return Some((v, j + 1, plain_year, None));
    }
    if tok.kind == TokenKind::Word && raw.starts_with(|c: char| c.is_ascii_digit()) {
        // "2.3bn", "12km", "5th"
        let split = raw
            .find(|c: char| !(c.is_ascii_digit() || c == '.' || c == ','))
            .unwrap_or(raw.len());
        let digits: String = raw[..split].chars().filter(|c| *c != ',').collect();
        let v: f64 = digits.parse().ok()?;
        let suffix = raw[split..].to_lowercase();
        if matches!(suffix.as_str(), "st" | "nd" | "rd" | "th" | "s") {
            return None; // ordinal or decade ("1990s")
        }
        if let Some(m) = multiplier_suffix(&suffix) {
            return Some((v * m, j + 1, false, None));
        }
        if suffix.chars().all(|c| c.is_ascii_alphabetic()) {
            return Some((v, j + 1, false, Some(normalise_unit(&suffix))));
        }
        return None;
    }
    let w = t.word(j)?;
    if w == "a" || w == "one" {
        // only before a multiplier: "a hundred", "one million"
        let m = t.word(j + 1).and_then(multiplier)?;
        return Some((m, j + 2, false, None));
    }
    let mut v = small_number(w)?;
    let mut end = j + 1;
    // "twenty-five" / "twenty five"
    if v >= 20.0 && v % 10.0 == 0.0 {
        if t.word(end) == Some("-") && t.glued(end - 1) && t.glued(end) {
            if let Some(u) = t.word(end + 1).and_then(unit_word) {
                v += u;
                end += 2;
            }
        } else if let Some(u) = t.word(end).and_then(unit_word) {
            v += u;
            end += 1;
        }
    }
    // "two-thirds"
    if t.word(end) == Some("-") && t.glued(end - 1) && t.glued(end) {
        if let Some(d) = t.word(end + 1).and_then(denominator) {
            return Some((v / d, end + 2, false, Some(String::new())));
        }
    }
    Some((v, end, false, None))
}

/// Tries to read a number (with its qualifier, currency, multipliers and
/// unit) or a date at token `i`.
fn number_at(t: &Toks, i: usize) -> Option<Found> {
    let mut j = i;
    let mut qualified = false;
    if let Some(q) = lexicons().qualifiers.find(t, i) {
        j = i + q.len();
        qualified = true;
    }
    let mut unit: Option<String> = None;
    // Currency signs are punctuation tokens.
    let sign = t
        .toks
        .get(j)
        .is_some_and(|tok| tok.kind == TokenKind::Punct);
    if let Some(c) = t.word(j).filter(|_| sign).and_then(currency) {
        if t.toks.get(j + 1).is_some_and(|n| {
            n.kind == TokenKind::Number || t.raw(j + 1).starts_with(|c: char| c.is_ascii_digit())
        }) && t.glued(j)
        {
            unit = Some(c.to_string());
            j += 1;
        }
    }
    let (mut value, mut end, plain_year, suffix_unit) = core_number(t, j)?;
    let first = t.toks[j];
    // A number glued to a name or ratio: "R+6", "F-16", "9/11", "3:30".
    if first.kind != TokenKind::Word || t.raw(j).starts_with(|c: char| c.is_ascii_digit()) {
        if j > 0 && t.glued(j - 1) {
            let prev = t.raw(j - 1);
            if prev.starts_with(char::is_alphanumeric)
                || (matches!(prev, "+" | "-" | "/" | ":" | ".")
                    && j >= 2
                    && t.glued(j - 2)
                    && t.raw(j - 2).starts_with(char::is_alphanumeric))
            {
                return None;
            }
        }
        if matches!(t.word(end), Some("/" | ":"))
            && t.glued(end - 1)
            && t.toks
                .get(end + 1)
                .is_some_and(|n| n.kind == TokenKind::Number)
            && t.glued(end)
        {
            return None;
        }
    }
    // Dates: a day next to a month, a year.
    if unit.is_none() && !qualified && value.fract() == 0.0 && end == j + 1 {
        let day = (1.0..=31.0).contains(&value) && first.kind == TokenKind::Number;
        if day && ((j > 0 && t.is_month(j - 1)) || t.is_month(end)) {
            return Some(Found::Date(end));
        }
        if plain_year && (1800.0..=2099.0).contains(&value) {
            let after_prep = j > 0
                && (t.is(j - 1, Class::YEAR_PREP)
                    || t.is_month(j - 1)
                    || t.word(j - 1) == Some(","));
            let next_ok = match t.toks.get(end) {
                None => true,
                Some(n) => {
                    n.kind == TokenKind::Punct
                        || t.is_capitalised(end)
                        || t.is(end, Class::UNIT_STOP)
                }
            };
            if after_prep || next_ok {
                return Some(Found::Date(end));
            }
        }
    }
    if suffix_unit.is_none() {
        while let Some(m) = t.word(end).and_then(multiplier) {
            value *= m;
            end += 1;
        }
    }
    let mut unit_from_suffix = suffix_unit;
    if unit_from_suffix.as_deref() == Some("") {
        unit_from_suffix = None; // a fraction: no unit
    } else if unit.is_none() && unit_from_suffix.is_none() {
        // percent
        if matches!(t.word(end), Some("%" | "percent")) {
            unit = Some("%".into());
            end += 1;
        } else if t.matches(end, &["per", "cent"]) {
            unit = Some("%".into());
            end += 2;
        } else {
            // "12-km", "five-year"
            let k = if t.word(end) == Some("-") && t.glued(end - 1) && t.glued(end) {
                end + 1
            } else {
                end
            };
            if t.is_lower_word(k) {
                let w = t.word(k).unwrap_or_default();
                if !t.is(k, Class::UNIT_STOP) && multiplier(w).is_none() {
                    unit = Some(normalise_unit(w));
                    end = k + 1;
                }
            }
        }
    }
    let unit = unit.or(unit_from_suffix);
    if !value.is_finite() {
        return None;
    }
    let range = t.toks[i].start..t.toks[end - 1].end;
    Some(Found::Quantity(
        Quantity {
            text: t.text[range.clone()].to_string(),
            range,
            value,
            unit,
        },
        end,
    ))
}

/// Bit flags naming the word lists of this module; [`Toks`] looks every
/// token up once and keeps its flags, so that list membership is a bit test.
struct Class;

impl Class {
    const MONTH: u16 = 1 << 0;
    const YEAR_PREP: u16 = 1 << 1;
    const UNIT_STOP: u16 = 1 << 2;
    const VERB: u16 = 1 << 3;
    const WEAK_VERB: u16 = 1 << 4;
    const COMMON_STARTER: u16 = 1 << 5;
    const LOADED: u16 = 1 << 6;
    /// The first word of a [`QUALIFIERS`] phrase.
    const QUALIFIER_START: u16 = 1 << 7;
    /// The first word of a [`RELATIVE_DATES`] phrase.
    const RELATIVE_DATE_START: u16 = 1 << 8;
    /// The first word of a [`CUES`] phrase.
    const CUE_START: u16 = 1 << 9;
    /// A modal of prediction or obligation ([`MODALS`]).
    const MODAL: u16 = 1 << 10;
    /// A first-person pronoun, lower-cased ([`FIRST_PERSON`]).
    const FIRST_PERSON: u16 = 1 << 11;
}

/// Modals that mark a prediction or an obligation rather than a fact.
const MODALS: &[&str] = &[
    "will",
    "would",
    "should",
    "must",
    "ought",
    "won't",
    "wouldn't",
    "shouldn't",
];

/// First-person pronouns (lower case); the sentence check also needs them
/// written as "I", "We", "Our", "My" or in lower case.
const FIRST_PERSON: &[&str] = &["i", "me", "my", "we", "our", "us"];

/// Phrases (token sequences) indexed by their first word.
struct PhraseIndex {
    by_first: FastMap<&'static str, Vec<&'static [&'static str]>>,
    /// The [`Class`] bit of the phrases' first words.
    class: u16,
}

impl PhraseIndex {
    fn new(phrases: &'static [&'static [&'static str]], class: u16) -> PhraseIndex {
        let mut by_first: FastMap<&'static str, Vec<&'static [&'static str]>> = FastMap::default();
        for &p in phrases {
            by_first.entry(p[0]).or_default().push(p);
        }
        PhraseIndex { by_first, class }
    }

    /// The first phrase, in list order, that matches at token `i`.
    fn find(&self, t: &Toks, i: usize) -> Option<&'static [&'static str]> {
        if !t.is(i, self.class) {
            return None;
        }
        let first = t.word(i)?;
        self.by_first
            .get(first)?
            .iter()
            .copied()
            .find(|p| t.matches(i, p))
    }
}

/// The word and phrase lists of this module, indexed, built once (they are
/// consulted at nearly every token).
struct Lexicons {
    /// Lower-case word → the [`Class`] bits of the lists it is in.
    classes: FastMap<&'static str, u16>,
    qualifiers: PhraseIndex,
    relative_dates: PhraseIndex,
    cues: PhraseIndex,
}

fn lexicons() -> &'static Lexicons {
    static LEXICONS: OnceLock<Lexicons> = OnceLock::new();
    LEXICONS.get_or_init(|| {
        let mut classes: FastMap<&'static str, u16> = FastMap::default();
        let lists: [(&[&'static str], u16); 9] = [
            (MONTHS, Class::MONTH),
            (YEAR_PREPS, Class::YEAR_PREP),
            (UNIT_STOP, Class::UNIT_STOP),
            (VERBS, Class::VERB),
            (WEAK_VERBS, Class::WEAK_VERB),
            (COMMON_STARTERS, Class::COMMON_STARTER),
            (LOADED, Class::LOADED),
            (MODALS, Class::MODAL),
            (FIRST_PERSON, Class::FIRST_PERSON),
        ];
        for (list, class) in lists {
            for &w in list {
                *classes.entry(w).or_default() |= class;
            }
        }
        let phrases: [(&[&[&'static str]], u16); 3] = [
            (QUALIFIERS, Class::QUALIFIER_START),
            (RELATIVE_DATES, Class::RELATIVE_DATE_START),
            (CUES, Class::CUE_START),
        ];
        for (list, class) in phrases {
            for p in list {
                *classes.entry(p[0]).or_default() |= class;
            }
        }
        Lexicons {
            classes,
            qualifiers: PhraseIndex::new(QUALIFIERS, Class::QUALIFIER_START),
            relative_dates: PhraseIndex::new(RELATIVE_DATES, Class::RELATIVE_DATE_START),
            cues: PhraseIndex::new(CUES, Class::CUE_START),
        }
    })
}

/// Scans tokenised text for quantities and counts date expressions.
fn scan(t: &Toks) -> (Vec<Quantity>, usize) {
    let mut out = Vec::new();
    let mut dates = 0;
    let mut i = 0;
    while i < t.toks.len() {
        match number_at(t, i) {
            Some(Found::Quantity(q, end)) => {
                out.push(q);
                i = end.max(i + 1);
            }
            Some(Found::Date(end)) => {
                dates += 1;
                i = end.max(i + 1);
            }
            None => {
                if t.is_month(i) || lexicons().relative_dates.find(t, i).is_some() {
                    dates += 1;
                }
                i += 1;
            }
        }
    }
    (out, dates)
}

/// Finds the quantities in `text` (ranges are byte ranges into `text`),
/// sorted by position; see the module doc for what counts.
pub fn quantities(text: &str) -> Vec<Quantity> {
    scan(&Toks::new(text)).0
}

// ---------------------------------------------------------------------------
// Claims
// ---------------------------------------------------------------------------

/// Verbs (besides `-ed` forms) that show a named actor doing something.
const VERBS: &[&str] = &[
    "is",
    "was",
    "were",
    "are",
    "has",
    "had",
    "have",
    "will",
    "would",
    "can",
    "could",
    "did",
    "does",
    "said",
    "says",
    "told",
    "tells",
    "made",
    "makes",
    "took",
    "takes",
    "gave",
    "gives",
    "sent",
    "sends",
    "began",
    "begins",
    "won",
    "wins",
    "lost",
    "loses",
    "met",
    "meets",
    "left",
    "led",
    "leads",
    "wants",
    "knows",
    "knew",
    "saw",
    "sees",
    "chose",
    "chooses",
    "came",
    "comes",
    "went",
    "goes",
    "fell",
    "falls",
    "held",
    "holds",
    "put",
    "puts",
    "cut",
    "cuts",
    "hit",
    "shot",
    "struck",
    "fought",
    "built",
    "paid",
    "spent",
    "ran",
    "runs",
    "got",
    "gets",
    "found",
    "kept",
    "keeps",
    "brought",
    "bought",
    "sold",
    "wrote",
    "writes",
    "denied",
    "denies",
    "killed",
    "kills",
    "uses",
    "needs",
    "plans",
    "claims",
    "continues",
];

/// Sentence-initial capitalised words that are not names.
const COMMON_STARTERS: &[&str] = &[
    "the",
    "a",
    "an",
    "this",
    "that",
    "these",
    "those",
    "it",
    "its",
    "it's",
    "he",
    "she",
    "they",
    "we",
    "i",
    "you",
    "in",
    "on",
    "at",
    "but",
    "and",
    "or",
    "so",
    "if",
    "when",
    "while",
    "as",
    "for",
    "of",
    "to",
    "from",
    "with",
    "by",
    "here",
    "here's",
    "there",
    "there's",
    "what",
    "why",
    "how",
    "who",
    "which",
    "where",
    "after",
    "before",
    "since",
    "first",
    "second",
    "third",
    "well",
    "okay",
    "ok",
    "yes",
    "no",
    "not",
    "even",
    "still",
    "then",
    "now",
    "today",
    "having",
    "according",
    "writing",
    "chief",
    "liberal",
    "everyone",
    "everybody",
    "nobody",
    "someone",
    "anyone",
    "many",
    "some",
    "most",
    "all",
    "both",
    "each",
    "every",
    "one",
    "two",
    "much",
    "more",
    "few",
    "several",
    "such",
    "another",
    "other",
    "once",
    "yet",
    "also",
    "just",
    "only",
    "however",
    "indeed",
    "instead",
    "meanwhile",
    "moreover",
    "perhaps",
    "maybe",
    "last",
    "next",
];

/// Evaluative and loaded words that mark opinion rather than fact.
const LOADED: &[&str] = &[
    "excellent",
    "great",
    "terrible",
    "awful",
    "horrible",
    "horrific",
    "callous",
    "flagrant",
    "blatant",
    "outrageous",
    "shameful",
    "disgraceful",
    "absurd",
    "ridiculous",
    "brilliant",
    "wonderful",
    "fantastic",
    "magnificent",
    "pathetic",
    "disastrous",
    "catastrophic",
    "cataclysmic",
    "hopeless",
    "evil",
    "vile",
    "corrupt",
    "insane",
    "crazy",
    "stupid",
    "idiotic",
    "baloney",
    "nonsense",
    "rubbish",
    "shocking",
    "appalling",
    "despicable",
    "heroic",
    "incompetent",
    "reckless",
    "treacherous",
    "betrayal",
    "unprofessional",
    "warlord",
    "stooge",
    "propaganda",
    "dysfunctional",
    "complete",
    "utter",
    "amazing",
    "disgusting",
    "pathetic",
    "sinister",
    "cynical",
];

/// First words of imperative sentences.
const IMPERATIVES: &[&str] = &[
    "let", "let's", "consider", "imagine", "look", "remember", "note", "think", "stop", "take",
    "make", "split", "go", "see", "ask", "read", "join", "support", "call", "share", "vote",
    "don't", "sound", "tell", "give", "try", "keep", "get", "check", "follow", "watch", "listen",
];

/// Lexical attribution cues, used besides the `attributions` argument.
const CUES: &[&[&str]] = &[
    &["according", "to"],
    &["said"],
    &["says"],
    &["told"],
    &["reported"],
    &["report"],
    &["reports"],
    &["announced"],
    &["claimed"],
    &["stated"],
    &["wrote"],
    &["confirmed"],
];

/// First-person opinion markers (lexicon forms in [`crate::hedges`]).
const OPINION_MARKERS: &[&str] = &[
    "imo",
    "imho",
    "in my opinion",
    "in my view",
    "to my mind",
    "i think",
    "i believe",
    "i suspect",
    "i guess",
    "i feel",
    "i don't think",
    "i don't believe",
    "we think",
    "we believe",
];

fn overlaps(a: &ByteRange, b: &ByteRange) -> bool {
    a.start < b.end && b.start < a.end
}

fn contains(outer: &ByteRange, inner: &ByteRange) -> bool {
    outer.start <= inner.start && inner.end <= outer.end
}

/// Verbs that show an actor only weakly (copulas, auxiliaries, states).
const WEAK_VERBS: &[&str] = &[
    "is", "are", "was", "were", "has", "have", "had", "will", "would", "can", "could", "does",
    "did", "wants", "needs", "knows",
];

/// How strongly a lower-case word shows an action: 2 for an action verb
/// (in [`VERBS`] or an `-ed` form), 1 for a weak verb ([`WEAK_VERBS`]), 0
/// for anything else.
fn verb_strength(t: &Toks, i: usize) -> u8 {
    if !t.is_lower_word(i) {
        return 0;
    }
    let w = t.word(i).unwrap_or_default();
    if t.is(i, Class::WEAK_VERB) {
        1
    } else if t.is(i, Class::VERB) || (w.len() >= 5 && w.ends_with("ed") && !w.ends_with("eed")) {
        2
    } else {
        0
    }
}

/// The strongest verb among the 4 tokens after a name ending at token `end`,
/// stopping at punctuation (so `Assad-controlled` is no action).
fn verb_follows(t: &Toks, end: usize) -> u8 {
    let mut best = 0;
    for k in end..(end + 4).min(t.toks.len()) {
        if t.toks[k].kind == TokenKind::Punct {
            break;
        }
        best = best.max(verb_strength(t, k));
    }
    best
}

/// Per-document context for scoring sentences.
struct Context<'a> {
    /// Lower-case forms of words written in lower case somewhere.
    lower_words: HashSet<&'a str>,
    /// The entities, sorted by start.
    entities: Vec<&'a Entity>,
    attributions: &'a [Attribution],
    markers: &'a [CertaintyMarker],
}

/// Scores one sentence (`range` into `text`); returns (score, quantities
/// with document ranges).
fn score_sentence(
    text: &str,
    range: &ByteRange,
    marker_idx: &[usize],
    cx: &Context,
) -> (f32, Vec<Quantity>) {
    let s = &text[range.clone()];
    let t = Toks::new(s);
    let (mut qs, dates) = scan(&t);
    for q in &mut qs {
        q.range = q.range.start + range.start..q.range.end + range.start;
    }
    let words = t
        .toks
        .iter()
        .filter(|tk| tk.kind != TokenKind::Punct)
        .count();
    let mut score: f32 = 0.25;
    if !qs.is_empty() {
        score += (0.25 + 0.05 * (qs.len() - 1) as f32).min(0.35);
    }
    if dates > 0 {
        score += 0.15;
    }
    // A named actor doing something.
    let in_marker = |abs: usize| {
        marker_idx
            .iter()
            .any(|&m| cx.markers[m].range.contains(&abs))
    };
    let actor = if !cx.entities.is_empty() {
        // Entities inside the sentence start in it.
        let first = cx.entities.partition_point(|e| e.range.start < range.start);
        cx.entities[first..]
            .iter()
            .take_while(|e| e.range.start <= range.end)
            .filter(|e| contains(range, &e.range))
            .map(|e| {
                let end_rel = e.range.end - range.start;
                let k = t
                    .toks
                    .iter()
                    .position(|tk| tk.start >= end_rel)
                    .unwrap_or(t.toks.len());
                verb_follows(&t, k)
            })
            .max()
            .unwrap_or(0)
    } else {
        (0..t.toks.len())
            .map(|i| {
                if t.toks[i].kind != TokenKind::Word || !t.is_capitalised(i) {
                    return 0;
                }
                let w = t.word(i).unwrap_or_default();
                if w == "i" || in_marker(range.start + t.toks[i].start) {
                    return 0;
                }
                let name = i > 0
                    || !(t.is(i, Class::COMMON_STARTER)
                        || w.ends_with("ing")
                        || cx.lower_words.contains(&w));
                if name {
                    verb_follows(&t, i + 1)
                } else {
                    0
                }
            })
            .max()
            .unwrap_or(0)
    };
    score += match actor {
        2 => 0.25,
        1 => 0.15,
        _ => 0.0,
    };
    let attributed = cx.attributions.iter().any(|a| {
        a.cue.as_ref().is_some_and(|c| contains(range, c))
            || a.source.as_ref().is_some_and(|c| contains(range, c))
    }) || (0..t.toks.len()).any(|i| lexicons().cues.find(&t, i).is_some());
    if attributed {
        score += 0.10;
    }
    let trimmed = s.trim_end_matches(|c: char| {
        matches!(c, '"' | '\'' | ')' | ']' | '\u{201d}' | '\u{2019}') || c.is_whitespace()
    });
    if trimmed.ends_with('?') {
        score -= 0.35;
    } else if trimmed.ends_with('!') {
        score -= 0.15;
    }
    let opinion = marker_idx
        .iter()
        .any(|&m| OPINION_MARKERS.contains(&cx.markers[m].marker.as_str()));
    if opinion {
        score -= 0.25;
    } else if (0..t.toks.len()).any(|i| {
        t.is(i, Class::FIRST_PERSON)
            && matches!(
                t.raw(i),
                "I" | "me" | "my" | "we" | "We" | "our" | "Our" | "us" | "My"
            )
    }) {
        score -= 0.10;
    }
    let loaded = (0..t.toks.len())
        .filter(|&i| t.is(i, Class::LOADED))
        .count();
    score -= (0.10 * loaded as f32).min(0.25);
    if t.word(0).is_some_and(|w| IMPERATIVES.contains(&w)) && t.is_capitalised(0) {
        score -= 0.20;
    }
    if (0..t.toks.len()).any(|i| t.is(i, Class::MODAL)) {
        score -= 0.10;
    }
    if words < 4 {
        score -= 0.30;
    } else if words < 6 {
        score -= 0.10;
    }
    (score.clamp(0.0, 1.0), qs)
}

/// Scores every sentence of `doc` for check-worthiness.
///
/// One candidate per sentence (the document's `sentence` layer if present,
/// else [`unspin_segment::sentences`]), skipping sentences that start inside
/// the `boilerplate`, `title` or `heading` layers and those without a word.
/// `markers` are the document's [`find_markers`](crate::hedges::find_markers)
/// result; `attributions` and `entities` may be empty (see the module doc).
pub fn find_claims(
    doc: &Document,
    markers: &[CertaintyMarker],
    attributions: &[Attribution],
    entities: &[Entity],
) -> Vec<Claim> {
    let text = doc.text();
    let sentences: Vec<ByteRange> = if doc.has_layer(doc_layers::SENTENCE) {
        doc.layer(doc_layers::SENTENCE)
            .iter()
            .map(|s| s.start()..s.end())
            .collect()
    } else {
        unspin_segment::sentences(text)
    };
    let spans = |layer: &str| -> Vec<ByteRange> {
        doc.layer(layer)
            .iter()
            .map(|s| s.start()..s.end())
            .collect()
    };
    let mut skip = spans(doc_layers::BOILERPLATE);
    skip.extend(spans(doc_layers::TITLE));
    skip.extend(spans(doc_layers::HEADING));
    let mut quoted_zones: Vec<ByteRange> = attributions.iter().map(|a| a.content.clone()).collect();
    quoted_zones.extend(spans(layers::QUOTE));
    quoted_zones.extend(spans(doc_layers::BLOCKQUOTE));
    // The document's lower-case words only matter when looking for actors
    // without entities.
    let all = entities.is_empty().then(|| Toks::new(text));
    let lower_words: HashSet<&str> = all
        .iter()
        .flat_map(|all| {
            (0..all.toks.len())
                .filter(|&i| all.is_lower_word(i))
                .filter_map(|i| all.word(i))
        })
        .collect();
    let mut by_start: Vec<&Entity> = entities.iter().collect();
    by_start.sort_by_key(|e| e.range.start);
    // Marker indices by marker start, to find those of a sentence quickly.
    let mut markers_by_start: Vec<usize> = (0..markers.len()).collect();
    markers_by_start.sort_by_key(|&i| markers[i].range.start);
    let cx = Context {
        lower_words,
        entities: by_start,
        attributions,
        markers,
    };
    let mut out = Vec::new();
    for range in sentences {
        if range.end > text.len() || range.start >= range.end {
            continue;
        }
        if skip
            .iter()
            .any(|b| b.start <= range.start && range.start < b.end)
        {
            continue;
        }
        if !text[range.clone()].chars().any(char::is_alphabetic) {
            continue;
        }
        // The markers inside the sentence (they start in it), in index order.
        let first = markers_by_start.partition_point(|&i| markers[i].range.start < range.start);
        let mut idx: Vec<usize> = markers_by_start[first..]
            .iter()
            .copied()
            .take_while(|&i| markers[i].range.start <= range.end)
            .filter(|&i| contains(&range, &markers[i].range))
            .collect();
        idx.sort_unstable();
        let (score, quantities) = score_sentence(text, &range, &idx, &cx);
        let hedges = idx
            .iter()
            .filter(|&&i| markers[i].kind == Certainty::Hedge)
            .count();
        let boosters = idx.len() - hedges;
        let certainty = if idx.is_empty() {
            ClaimCertainty::Plain
        } else if boosters > hedges {
            ClaimCertainty::Boosted
        } else {
            ClaimCertainty::Hedged
        };
        let len = range.end - range.start;
        let quoted = quoted_zones.iter().any(|z| {
            overlaps(z, &range) && 2 * (z.end.min(range.end) - z.start.max(range.start)) >= len
        });
        out.push(Claim {
            range,
            score,
            certainty,
            quantities,
            quoted,
            markers: idx,
        });
    }
    out
}

/// The `claim` layer: one span per claim, ids `c1`, `c2`, ... in claim
/// order, score = check-worthiness, attrs `id`, `certainty`, `quantities`
/// (array of `{text, value, unit}`) and `quoted`; provenance `claims-rules`.
pub fn claim_spans(claims: &[Claim]) -> Vec<Span> {
    claims
        .iter()
        .enumerate()
        .filter_map(|(i, c)| {
            let qs: Vec<serde_json::Value> = c
                .quantities
                .iter()
                .map(|q| serde_json::json!({"text": q.text, "value": q.value, "unit": q.unit}))
                .collect();
            Span::new(c.range.start, c.range.end, "claim")
                .ok()
                .map(|s| {
                    s.with_score(c.score)
                        .with_provenance(CLAIM_PROVENANCE)
                        .with_attr("id", format!("c{}", i + 1))
                        .with_attr("certainty", c.certainty.name())
                        .with_attr("quantities", serde_json::Value::Array(qs))
                        .with_attr("quoted", c.quoted)
                })
        })
        .collect()
}

/// The `hedge` layer: one span per marker, labelled `hedge` or `booster`,
/// attrs `marker` and, when a claim's range contains it, `claim` (that
/// claim's id as in [`claim_spans`]); provenance `hedges-lexicon`.
pub fn marker_spans(markers: &[CertaintyMarker], claims: &[Claim]) -> Vec<Span> {
    markers
        .iter()
        .filter_map(|m| {
            let span = Span::new(m.range.start, m.range.end, m.kind.name())
                .ok()?
                .with_provenance(MARKER_PROVENANCE)
                .with_attr("marker", m.marker.clone());
            let claim = claims.iter().position(|c| contains(&c.range, &m.range));
            Some(match claim {
                Some(i) => span.with_attr("claim", format!("c{}", i + 1)),
                None => span,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::hedges::find_markers;
    use proptest::prelude::*;

    fn q(text: &str) -> Vec<(String, f64, Option<String>)> {
        quantities(text)
            .into_iter()
            .map(|q| {
                assert_eq!(&text[q.range.clone()], q.text);
                (q.text, q.value, q.unit)
            })
            .collect()
    }

    fn one(text: &str) -> (String, f64, Option<String>) {
        let v = q(text);
        assert_eq!(v.len(), 1, "{text}: {v:?}");
        v.into_iter().next().unwrap()
    }

    #[test]
    fn plain_and_grouped_numbers() {
        assert_eq!(one("killing 62 Syrian regulars"), ("62".into(), 62.0, None));
        assert_eq!(
            one("a force with 3,000 men has"),
            ("3,000 men".into(), 3000.0, Some("men".into()))
        );
        assert_eq!(
            one("at al-Safir about 12 km. SE of"),
            ("about 12 km".into(), 12.0, Some("km".into()))
        );
        assert_eq!(one("12-km"), ("12-km".into(), 12.0, Some("km".into())));
    }

    #[test]
    fn multipliers_and_qualifiers() {
        let (text, v, unit) = one("displaced over 7 million civilians.");
        assert!(text.starts_with("over 7 million"));
        assert_eq!(v, 7e6);
        assert_eq!(unit.as_deref(), Some("civilians"));
        assert_eq!(one("1.5 billion").1, 1.5e9);
        assert_eq!(
            one("it costs $2.3 billion."),
            ("$2.3 billion".into(), 2.3e9, Some("USD".into()))
        );
        assert_eq!(one("$2.3bn").1, 2.3e9);
        assert_eq!(one("more than 40 people").0, "more than 40 people");
        assert_eq!(one("a hundred").1, 100.0);
        assert_eq!(one("two dozen").1, 24.0);
    }

    #[test]
    fn percentages_and_currencies() {
        for t in ["50%", "50 percent", "50 per cent"] {
            let (_, v, unit) = one(t);
            assert_eq!((v, unit.as_deref()), (50.0, Some("%")), "{t}");
        }
        assert_eq!(one("\u{a3}5 million").2.as_deref(), Some("GBP"));
        assert_eq!(one("5 million dollars").2.as_deref(), Some("USD"));
    }

    #[test]
    fn number_words() {
        assert_eq!(
            one("in the five year-long war"),
            ("five year".into(), 5.0, Some("year".into()))
        );
        assert_eq!(one("twenty-five soldiers").1, 25.0);
        assert_eq!(one("Twenty five soldiers").1, 25.0);
        assert!((one("two-thirds of them").1 - 2.0 / 3.0).abs() < 1e-9);
        assert_eq!(one("one million").1, 1e6);
        // "one" and "a" alone, vague amounts: no quantity.
        assert!(q("for one thing, a man; hundreds of them; several hundred").is_empty());
    }

    #[test]
    fn dates_are_not_quantities() {
        assert!(q("Global Research, September 28, 2016").is_empty());
        assert!(q("CounterPunch 27 September 2016").is_empty());
        assert!(q("the 2012 Defense Intelligence Agency report").is_empty());
        assert!(q("It happened in 2016 and again in 2017.").is_empty());
        assert_eq!(one("He sent 2000 troops").1, 2000.0);
        assert!(scan(&Toks::new("posted on September 24:")).1 > 0);
        assert!(scan(&Toks::new("It rained last week.")).1 > 0);
        assert_eq!(scan(&Toks::new("It rained a lot.")).1, 0);
    }

    #[test]
    fn names_ratios_and_ordinals_are_skipped() {
        assert!(q("R+6 and F-16 jets on 9/11 at 3:30, the 5th, the 1990s").is_empty());
    }

    proptest! {
        #[test]
        fn never_panics_and_ranges_are_char_boundaries(s in "\\PC{0,80}") {
            for q in quantities(&s) {
                prop_assert!(q.range.start <= q.range.end && q.range.end <= s.len());
                prop_assert!(s.is_char_boundary(q.range.start) && s.is_char_boundary(q.range.end));
                prop_assert_eq!(&s[q.range.clone()], q.text.as_str());
            }
        }

        #[test]
        fn numeric_noise_never_panics(s in "[0-9$%.,:/ a-z\\-]{0,40}") {
            for q in quantities(&s) {
                prop_assert!(s.is_char_boundary(q.range.start) && s.is_char_boundary(q.range.end));
            }
        }
    }

    fn claims_of(text: &str) -> (Document, Vec<CertaintyMarker>, Vec<Claim>) {
        let doc = Document::new("t", text);
        let markers = find_markers(&doc);
        let claims = find_claims(&doc, &markers, &[], &[]);
        (doc, markers, claims)
    }

    fn score(claims: &[Claim], text: &str, needle: &str) -> f32 {
        claims
            .iter()
            .find(|c| text[c.range.clone()].contains(needle))
            .unwrap_or_else(|| panic!("no claim with {needle}"))
            .score
    }

    #[test]
    fn facts_outrank_opinions() {
        let text = "US warplanes targeted an SAA outpost killing 62 Syrian regulars. \
                    This is an excellent plan. History forgotten. Why? \
                    I think the deal is a terrible idea.";
        let (_, _, claims) = claims_of(text);
        assert_eq!(claims.len(), 5);
        assert!(score(&claims, text, "62") >= CHECK_WORTHY);
        for s in ["excellent", "History", "Why", "I think"] {
            assert!(score(&claims, text, s) < CHECK_WORTHY, "{s}");
        }
    }

    #[test]
    fn certainty_markers_and_spans() {
        let text = "Reportedly, 3,000 men were moved. Of course, the Pentagon knew it.";
        let (_, markers, claims) = claims_of(text);
        assert_eq!(claims[0].certainty, ClaimCertainty::Hedged);
        assert_eq!(claims[1].certainty, ClaimCertainty::Boosted);
        assert_eq!(claims[0].markers, [0]);
        assert_eq!(claims[1].markers, [1]);
        let spans = claim_spans(&claims);
        assert_eq!(spans[1].attrs["id"], "c2");
        assert_eq!(spans[0].attrs["certainty"], "hedged");
        assert_eq!(spans[0].attrs["quantities"][0]["value"], 3000.0);
        assert_eq!(spans[0].attrs["quantities"][0]["unit"], "men");
        assert_eq!(spans[0].attrs["quoted"], false);
        assert_eq!(spans[0].provenance.as_deref(), Some("claims-rules"));
        let ms = marker_spans(&markers, &claims);
        assert_eq!(ms[0].label, "hedge");
        assert_eq!(ms[0].attrs["claim"], "c1");
        assert_eq!(ms[1].label, "booster");
        assert_eq!(ms[1].attrs["marker"], "of course");
        assert_eq!(ms[1].attrs["claim"], "c2");
        assert_eq!(ms[1].provenance.as_deref(), Some("hedges-lexicon"));
        // Marker outside every claim has no claim attr.
        let none = marker_spans(&markers, &[]);
        assert!(!none[0].attrs.contains_key("claim"));
    }

    #[test]
    fn quoted_sentences_and_entities() {
        let text = "He said: Damascus shelled 40 villages. Rain fell.";
        let doc = Document::new("t", text);
        let start = text.find("Damascus").unwrap();
        let att = Attribution {
            content: start..text.find(" Rain").unwrap(),
            cue: Some(3..7),
            source: Some(0..2),
            kind: crate::QuoteKind::Indirect,
            speaker: None,
            speaker_kind: None,
            medium: None,
            score: 1.0,
            provenance: "test",
        };
        let ent = Entity {
            range: start..start + 8,
            kind: crate::EntityKind::Place,
            score: 1.0,
        };
        let claims = find_claims(&doc, &[], &[att], &[ent]);
        // The segmenter keeps "He said: Damascus ..." as one sentence.
        let c = &claims[0];
        assert!(c.quoted);
        assert!(c.score >= CHECK_WORTHY);
        assert!(!claims[1].quoted);
    }

    #[test]
    fn skips_boilerplate_and_title() {
        let text = "Big Title Here\n\nThe army killed 40 men.\n\nCopyright 2016 by 4 people.";
        let mut doc = Document::new("t", text);
        doc.add_span(doc_layers::TITLE, Span::new(0, 14, "title").unwrap())
            .unwrap();
        let f = text.find("Copyright").unwrap();
        doc.add_span(
            doc_layers::BOILERPLATE,
            Span::new(f, text.len(), "footer").unwrap(),
        )
        .unwrap();
        let claims = find_claims(&doc, &[], &[], &[]);
        assert_eq!(claims.len(), 1);
        assert_eq!(&text[claims[0].range.clone()], "The army killed 40 men.");
    }
}
