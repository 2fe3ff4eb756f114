//! The word lists of the quotation rules (speaker nouns, determiners, words
//! that may sit between a speaker and its cue, lead-in nouns), from
//! `data/quotes/`, as hash sets built once. Cue words live in
//! [`crate::text::cues`].

use crate::text::hash::FastSet;
use crate::text::lexicon::word_list;
use std::sync::LazyLock;
use std::sync::OnceLock;

pub(super) const PRONOUNS_PERSON: &[&str] = &["he", "she", "him", "his", "her"];
pub(super) const PRONOUNS_GROUP: &[&str] = &["it", "its", "they", "them"];

/// Head nouns of speaker noun phrases ("a senior official", "the colonel").
pub(super) static SPEAKER_NOUNS: LazyLock<Vec<&'static str>> =
    word_list!("quotes/speaker_nouns.txt");

pub(super) static DETERMINERS: LazyLock<Vec<&'static str>> = word_list!("quotes/determiners.txt");

/// Words that may sit between a speaker and its cue ("he also said").
pub(super) static SKIPPABLE: LazyLock<Vec<&'static str>> = word_list!("quotes/skippable.txt");

pub(super) const NEGATIONS: &[&str] = &["not", "never", "n't", "no"];

pub(super) static LEAD_NOUNS: LazyLock<Vec<&'static str>> = word_list!("quotes/lead_nouns.txt");

/// The larger word lists above as hash sets, built once.
pub(super) struct WordSets {
    pub(super) speaker_nouns: FastSet<&'static str>,
    pub(super) skippable: FastSet<&'static str>,
    pub(super) lead_nouns: FastSet<&'static str>,
    pub(super) determiners: FastSet<&'static str>,
}

pub(super) fn word_sets() -> &'static WordSets {
    static SETS: OnceLock<WordSets> = OnceLock::new();
    SETS.get_or_init(|| {
        let set = |list: &[&'static str]| list.iter().copied().collect();
        WordSets {
            speaker_nouns: set(&SPEAKER_NOUNS[..]),
            skippable: set(&SKIPPABLE[..]),
            lead_nouns: set(&LEAD_NOUNS[..]),
            determiners: set(&DETERMINERS[..]),
        }
    })
}
