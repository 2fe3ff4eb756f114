//! The one speech-cue lexicon (`data/cues.txt`): words and phrases that
//! attribute speech, writing or publication, each tagged with the subsets
//! ([`Cue`]) the analysers consult. To add or drop a cue word, edit the data
//! file; the subsets keep the distinctions the rules make (a word can be a
//! speech verb without being a publication verb).

use std::sync::LazyLock;

use super::hash::FastMap;

/// A subset of the cue lexicon (a bit set; subsets combine with `|`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Cue(u8);

impl Cue {
    /// Verbs that attribute speech or writing ("said", "wrote", "insisted"):
    /// the quotation rules' cue words.
    pub const SPEECH: Cue = Cue(1);
    /// Cue words whose presence near a short quotation makes it speech rather
    /// than a scare quote ("said", "according", "yelled").
    pub const NEAR: Cue = Cue(1 << 1);
    /// Lexical attribution cues that make a sentence a reported claim
    /// ("according to", "said", "reported").
    pub const CLAIM: Cue = Cue(1 << 2);
    /// Publication verbs after an outlet ("The Times reported", "revealed").
    pub const PUBLISH: Cue = Cue(1 << 3);
    /// Cues after an anonymous source ("officials said", "experts believe").
    pub const ANON: Cue = Cue(1 << 4);
    /// Cues whose object is the addressee, not the speaker ("told him").
    pub const ADDRESSEE: Cue = Cue(1 << 5);

    /// The subset named `name` in the data file.
    fn named(name: &str) -> Option<Cue> {
        Some(match name {
            "speech" => Cue::SPEECH,
            "near" => Cue::NEAR,
            "claim" => Cue::CLAIM,
            "publish" => Cue::PUBLISH,
            "anon" => Cue::ANON,
            "addressee" => Cue::ADDRESSEE,
            _ => return None,
        })
    }

    /// Whether the lower-case `word` (or phrase, words separated by one
    /// space) is in this subset.
    pub fn has(self, word: &str) -> bool {
        LEXICON
            .subsets
            .get(word)
            .is_some_and(|&bits| bits & self.0 != 0)
    }

    /// The entries of this subset, in file order, each split into words.
    pub fn phrases(self) -> Vec<&'static [&'static str]> {
        LEXICON
            .entries
            .iter()
            .filter(|(_, bits)| bits & self.0 != 0)
            .map(|&(words, _)| words)
            .collect()
    }
}

impl std::ops::BitOr for Cue {
    type Output = Cue;
    fn bitor(self, other: Cue) -> Cue {
        Cue(self.0 | other.0)
    }
}

/// The parsed data file.
struct Lexicon {
    /// Entry (words joined by one space) → subset bits.
    subsets: FastMap<&'static str, u8>,
    /// Entries in file order, split into words, with their subset bits.
    entries: Vec<(&'static [&'static str], u8)>,
}

static LEXICON: LazyLock<Lexicon> = LazyLock::new(|| {
    let data = include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/data/cues.txt"));
    let mut lexicon = Lexicon {
        subsets: FastMap::default(),
        entries: Vec::new(),
    };
    for line in super::lexicon::entries(data) {
        let (entry, tags) = line.split_once('|').unwrap_or((line, ""));
        let entry = entry.trim();
        let bits = tags
            .split_whitespace()
            .filter_map(Cue::named)
            .fold(0, |b, c| b | c.0);
        *lexicon.subsets.entry(entry).or_default() |= bits;
        let words: &'static [&'static str] = Vec::leak(entry.split(' ').collect());
        lexicon.entries.push((words, bits));
    }
    lexicon
});

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn subsets_keep_their_distinctions() {
        assert!(Cue::SPEECH.has("said") && Cue::CLAIM.has("said"));
        assert!(Cue::NEAR.has("according") && !Cue::SPEECH.has("according"));
        assert!(Cue::CLAIM.has("according to"));
        assert!(Cue::PUBLISH.has("revealed") && !Cue::SPEECH.has("revealed"));
        assert!((Cue::SPEECH | Cue::PUBLISH).has("revealed"));
        assert!(!Cue::SPEECH.has("table"));
        assert!(Cue::CLAIM.phrases().contains(&&["according", "to"][..]));
    }

    #[test]
    fn every_entry_has_a_known_subset() {
        let data = include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/data/cues.txt"));
        for line in crate::text::lexicon::entries(data) {
            let (_, tags) = line.split_once('|').expect("an entry | subsets line");
            assert!(
                tags.split_whitespace().all(|t| Cue::named(t).is_some()),
                "{line}"
            );
            assert!(tags.split_whitespace().next().is_some(), "{line}");
        }
    }
}
