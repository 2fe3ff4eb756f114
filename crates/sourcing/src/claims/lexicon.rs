//! The word and phrase lists of the claims analyser (`data/claims/`), indexed
//! once by word class, and the tokenised sentence view ([`Toks`]) that
//! consults them.

use crate::text::cues::Cue;
use crate::text::hash::FastMap;
use crate::text::lexicon::{phrase_list, word_list};
use crate::text::lower::Lowered;
use crate::ByteRange;
use std::sync::LazyLock;
use std::sync::OnceLock;
use unspin_segment::{tokenize, Token, TokenKind};

/// Words before a number that qualify it (kept in the quantity's text).
pub(super) static QUALIFIERS: LazyLock<Vec<&'static [&'static str]>> =
    phrase_list!("claims/qualifiers.txt");

/// Words after a number that are not its unit.
pub(super) static UNIT_STOP: LazyLock<Vec<&'static str>> = word_list!("claims/unit_stop.txt");

/// Prepositions after which a four-digit number is a year.
pub(super) static YEAR_PREPS: LazyLock<Vec<&'static str>> = word_list!("claims/year_preps.txt");

pub(super) static MONTHS: LazyLock<Vec<&'static str>> = word_list!("claims/months.txt");

/// Relative date words and phrases (lower case, token sequences).
pub(super) static RELATIVE_DATES: LazyLock<Vec<&'static [&'static str]>> =
    phrase_list!("claims/relative_dates.txt");

/// Tokens of a text with their lower-cased forms (curly apostrophes read
/// as straight ones).
pub(super) struct Toks<'a> {
    pub(super) text: &'a str,
    pub(super) toks: Vec<Token>,
    lower: Forms<'a>,
    /// The word lists each lower-cased form belongs to ([`Class`] bits).
    pub(super) classes: Vec<u16>,
}

/// The lower-cased forms of [`Toks`]: its own, or a run of a whole
/// document's (computed once for every sentence).
enum Forms<'a> {
    /// Forms of this text's own tokens.
    Own(Lowered),
    /// `len` forms of the document's tokens from token `first` on.
    Doc {
        forms: &'a Lowered,
        first: usize,
        len: usize,
    },
}

impl Forms<'_> {
    fn get(&self, i: usize) -> Option<&str> {
        match self {
            Forms::Own(own) => own.get(i),
            Forms::Doc { forms, first, len } => (i < *len).then(|| forms.get(first + i)).flatten(),
        }
    }
}

impl<'a> Toks<'a> {
    pub(super) fn new(text: &'a str) -> Toks<'a> {
        let toks = tokenize(text);
        let lower = Forms::Own(Lowered::new(text, &toks));
        Toks::with(text, toks, lower)
    }

    /// The tokens of `range` of a document's `text`, from the document's
    /// `tokens` and their `forms` (`Lowered::new` of the document): what
    /// [`new`](Self::new) gives for `&text[range]`, without tokenising it
    /// again. The tokeniser scans left to right and a token depends only on
    /// the text from its start, so its tokens of the range are the
    /// document's inside it, as long as no document token straddles either
    /// end of the range; when one does, the range is tokenised anew.
    pub(super) fn in_document(
        text: &'a str,
        range: &ByteRange,
        tokens: &[Token],
        forms: &'a Lowered,
    ) -> Toks<'a> {
        let s = &text[range.clone()];
        let first = tokens.partition_point(|t| t.end <= range.start);
        let last = tokens.partition_point(|t| t.start < range.end);
        let straddles = |at: usize| {
            tokens
                .get(first..last)
                .is_none_or(|run| run.iter().any(|t| t.start < at && at < t.end))
        };
        if first > last || straddles(range.start) || straddles(range.end) {
            return Toks::new(s);
        }
        let toks = tokens[first..last]
            .iter()
            .map(|t| Token {
                start: t.start - range.start,
                end: t.end - range.start,
                kind: t.kind,
            })
            .collect();
        let lower = Forms::Doc {
            forms,
            first,
            len: last - first,
        };
        Toks::with(s, toks, lower)
    }

    fn with(text: &'a str, toks: Vec<Token>, lower: Forms<'a>) -> Toks<'a> {
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

    pub(super) fn word(&self, i: usize) -> Option<&str> {
        self.lower.get(i)
    }

    /// Whether token `i` exists and its lower-cased form is in the word
    /// list `class`.
    pub(super) fn is(&self, i: usize, class: u16) -> bool {
        self.classes.get(i).is_some_and(|c| c & class != 0)
    }

    pub(super) fn raw(&self, i: usize) -> &'a str {
        &self.text[self.toks[i].range()]
    }

    pub(super) fn is_capitalised(&self, i: usize) -> bool {
        i < self.toks.len() && self.raw(i).starts_with(char::is_uppercase)
    }

    pub(super) fn is_lower_word(&self, i: usize) -> bool {
        i < self.toks.len()
            && self.toks[i].kind == TokenKind::Word
            && self.raw(i).starts_with(char::is_lowercase)
    }

    /// Whether tokens `i` and `i + 1` touch (no space between).
    pub(super) fn glued(&self, i: usize) -> bool {
        i + 1 < self.toks.len() && self.toks[i].end == self.toks[i + 1].start
    }

    pub(super) fn is_month(&self, i: usize) -> bool {
        // "may" and "march" are also verbs: months only when capitalised.
        self.is_capitalised(i) && self.is(i, Class::MONTH)
    }

    pub(super) fn matches(&self, i: usize, phrase: &[&str]) -> bool {
        phrase
            .iter()
            .enumerate()
            .all(|(k, p)| self.word(i + k) == Some(p))
    }
}

/// Bit flags naming the word lists of this module; [`Toks`] looks every
/// token up once and keeps its flags, so that list membership is a bit test.
pub(super) struct Class;

impl Class {
    pub(super) const MONTH: u16 = 1 << 0;
    pub(super) const YEAR_PREP: u16 = 1 << 1;
    pub(super) const UNIT_STOP: u16 = 1 << 2;
    pub(super) const VERB: u16 = 1 << 3;
    pub(super) const WEAK_VERB: u16 = 1 << 4;
    pub(super) const COMMON_STARTER: u16 = 1 << 5;
    pub(super) const LOADED: u16 = 1 << 6;
    /// The first word of a [`QUALIFIERS`] phrase.
    pub(super) const QUALIFIER_START: u16 = 1 << 7;
    /// The first word of a [`RELATIVE_DATES`] phrase.
    pub(super) const RELATIVE_DATE_START: u16 = 1 << 8;
    /// The first word of a [`CUES`] phrase.
    pub(super) const CUE_START: u16 = 1 << 9;
    /// A modal of prediction or obligation ([`MODALS`]).
    pub(super) const MODAL: u16 = 1 << 10;
    /// A first-person pronoun, lower-cased ([`FIRST_PERSON`]).
    pub(super) const FIRST_PERSON: u16 = 1 << 11;
}

/// Modals that mark a prediction or an obligation rather than a fact.
pub(super) const MODALS: &[&str] = &[
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
pub(super) const FIRST_PERSON: &[&str] = &["i", "me", "my", "we", "our", "us"];

/// Phrases (token sequences) indexed by their first word.
pub(super) struct PhraseIndex {
    pub(super) by_first: FastMap<&'static str, Vec<&'static [&'static str]>>,
    /// The [`Class`] bit of the phrases' first words.
    pub(super) class: u16,
}

impl PhraseIndex {
    pub(super) fn new(phrases: &'static [&'static [&'static str]], class: u16) -> PhraseIndex {
        let mut by_first: FastMap<&'static str, Vec<&'static [&'static str]>> = FastMap::default();
        for &p in phrases {
            by_first.entry(p[0]).or_default().push(p);
        }
        PhraseIndex { by_first, class }
    }

    /// The first phrase, in list order, that matches at token `i`.
    pub(super) fn find(&self, t: &Toks, i: usize) -> Option<&'static [&'static str]> {
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
pub(super) struct Lexicons {
    /// Lower-case word → the [`Class`] bits of the lists it is in.
    pub(super) classes: FastMap<&'static str, u16>,
    pub(super) qualifiers: PhraseIndex,
    pub(super) relative_dates: PhraseIndex,
    pub(super) cues: PhraseIndex,
}

pub(super) fn lexicons() -> &'static Lexicons {
    static LEXICONS: OnceLock<Lexicons> = OnceLock::new();
    LEXICONS.get_or_init(|| {
        let mut classes: FastMap<&'static str, u16> = FastMap::default();
        let lists: [(&[&'static str], u16); 9] = [
            (&MONTHS[..], Class::MONTH),
            (&YEAR_PREPS[..], Class::YEAR_PREP),
            (&UNIT_STOP[..], Class::UNIT_STOP),
            (&VERBS[..], Class::VERB),
            (&WEAK_VERBS[..], Class::WEAK_VERB),
            (&COMMON_STARTERS[..], Class::COMMON_STARTER),
            (&LOADED[..], Class::LOADED),
            (MODALS, Class::MODAL),
            (FIRST_PERSON, Class::FIRST_PERSON),
        ];
        for (list, class) in lists {
            for &w in list {
                *classes.entry(w).or_default() |= class;
            }
        }
        let phrases: [(&[&[&'static str]], u16); 3] = [
            (&QUALIFIERS[..], Class::QUALIFIER_START),
            (&RELATIVE_DATES[..], Class::RELATIVE_DATE_START),
            (&CUES[..], Class::CUE_START),
        ];
        for (list, class) in phrases {
            for p in list {
                *classes.entry(p[0]).or_default() |= class;
            }
        }
        Lexicons {
            classes,
            qualifiers: PhraseIndex::new(&QUALIFIERS[..], Class::QUALIFIER_START),
            relative_dates: PhraseIndex::new(&RELATIVE_DATES[..], Class::RELATIVE_DATE_START),
            cues: PhraseIndex::new(&CUES[..], Class::CUE_START),
        }
    })
}

/// Verbs (besides `-ed` forms) that show a named actor doing something.
pub(super) static VERBS: LazyLock<Vec<&'static str>> = word_list!("claims/verbs.txt");

/// Sentence-initial capitalised words that are not names.
pub(super) static COMMON_STARTERS: LazyLock<Vec<&'static str>> =
    word_list!("claims/common_starters.txt");

/// Evaluative and loaded words that mark opinion rather than fact.
pub(super) static LOADED: LazyLock<Vec<&'static str>> = word_list!("claims/loaded.txt");

/// First words of imperative sentences.
pub(super) static IMPERATIVES: LazyLock<Vec<&'static str>> = word_list!("claims/imperatives.txt");

/// Lexical attribution cues, used besides the `attributions` argument.
pub(super) static CUES: LazyLock<Vec<&'static [&'static str]>> =
    LazyLock::new(|| Cue::CLAIM.phrases());

/// First-person opinion markers (lexicon forms in [`crate::hedges`]).
pub(super) static OPINION_MARKERS: LazyLock<Vec<&'static str>> =
    word_list!("claims/opinion_markers.txt");

/// Verbs that show an actor only weakly (copulas, auxiliaries, states).
pub(super) static WEAK_VERBS: LazyLock<Vec<&'static str>> = word_list!("claims/weak_verbs.txt");
