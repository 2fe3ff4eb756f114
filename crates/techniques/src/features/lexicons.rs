//! The technique cue-word lists (features, not rules) and their matching.

use std::collections::HashMap;

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
pub(super) fn lexicon_words() -> &'static HashMap<&'static str, u32> {
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
pub(super) fn lexicon_hits<'w>(
    words: impl IntoIterator<Item = &'w str>,
    phrase: &str,
) -> impl Iterator<Item = &'static str> {
    mask_names(lexicon_mask(words, phrase))
}

/// The cue lists of a mask, in [`LEXICONS`] order.
pub(super) fn mask_names(mask: u32) -> impl Iterator<Item = &'static str> {
    LEXICONS
        .iter()
        .enumerate()
        .filter(move |(k, _)| mask & (1 << k) != 0)
        .map(|(_, (name, _))| *name)
}

/// Bit mask of the cue lists that `words` or, for multi-word entries,
/// `phrase` match.
pub(super) fn lexicon_mask<'w>(words: impl IntoIterator<Item = &'w str>, phrase: &str) -> u32 {
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
