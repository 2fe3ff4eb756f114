//! The word-level part of the features, computed once per distinct
//! (lower-cased) word of an article instead of once per occurrence: lexicon
//! flags, and the hashes of every template that starts with the word. A hash
//! that goes on with other strings (`add2`, `add3` in
//! [`Sink`](super::hashing::Sink)) is kept as the seed of the next step, so
//! finishing it per token gives exactly the hash of the whole string chain.

use xxhash_rust::xxh3::xxh3_64_with_seed;

use super::hashing::WordMap;
use super::lexicon::{is_cue_word, is_title, stem, PRONOUNS};

/// Slots of [`WordInfo::h`]: the template's full hash for one-string
/// templates (`W`), the hash after the word for longer chains (`P`), the
/// full hash where every other part is fixed (`F`).
pub(crate) mod slot {
    /// `add(2, w)`.
    pub(crate) const W2: usize = 0;
    /// `add(3, word(i-1))`.
    pub(crate) const W3: usize = 1;
    /// `add(4, word(i+1))`.
    pub(crate) const W4: usize = 2;
    /// `add(5, word(i-2))`.
    pub(crate) const W5: usize = 3;
    /// `add(6, word(i+2))`.
    pub(crate) const W6: usize = 4;
    /// `add(41, word(i-3))`.
    pub(crate) const W41: usize = 5;
    /// `add(42, word(i+3))`.
    pub(crate) const W42: usize = 6;
    /// `add(9, suffix)`.
    pub(crate) const W9: usize = 7;
    /// `add(71, prefix)`.
    pub(crate) const W71: usize = 8;
    /// `add2(32, "prev-cue", w)`.
    pub(crate) const W32: usize = 9;
    /// `add2(7, word(i-1), ·)`.
    pub(crate) const P7: usize = 10;
    /// `add2(8, w, ·)`.
    pub(crate) const P8: usize = 11;
    /// `add2(29, w, "in")`, then `"out"` one slot on.
    pub(crate) const F29: usize = 12;
    /// `add2(30, word(i-1), "in")`, then `"out"` one slot on.
    pub(crate) const F30: usize = 14;
    /// `add3(37, word(i-1), ·, ·)`.
    pub(crate) const P37: usize = 16;
    /// `add2(38, w, ·)`.
    pub(crate) const P38: usize = 17;
    /// `add2(70, word(i-1), ·)`.
    pub(crate) const P70: usize = 18;
    /// `add2(72, w, ·)`.
    pub(crate) const P72: usize = 19;
    /// `add(14, stem(w))` (cue words only).
    pub(crate) const W14: usize = 20;
    /// `add2(26, stem(cue), ·)` (cue words only).
    pub(crate) const P26: usize = 21;
    /// `add2(27, stem(cue), ·)` (cue words only).
    pub(crate) const P27: usize = 22;
    /// `add3(49, stem(cue), "a", ·)` (cue words only).
    pub(crate) const P49A: usize = 23;
    /// `add3(51, stem(cue), "b", ·)` (cue words only).
    pub(crate) const P51B: usize = 24;
    /// Number of slots.
    pub(crate) const N: usize = 25;
}

/// What the features need of one distinct word.
#[derive(Clone, Copy)]
pub(crate) struct WordInfo {
    /// In the cue lexicon (`is_cue_word`; the token must also be a word).
    pub(crate) cue_word: bool,
    /// A title ("senator", "minister").
    pub(crate) title: bool,
    /// A personal or possessive pronoun.
    pub(crate) pronoun: bool,
    /// Hashes by [`slot`].
    pub(crate) h: [u64; slot::N],
}

fn h(template: u64, parts: &[&str]) -> u64 {
    parts
        .iter()
        .fold(template, |h, s| xxh3_64_with_seed(s.as_bytes(), h))
}

impl WordInfo {
    fn new(w: &str) -> WordInfo {
        use slot::*;
        let cue_word = is_cue_word(w);
        let mut hs = [0u64; N];
        for (slot, template) in [
            (W2, 2),
            (W3, 3),
            (W4, 4),
            (W5, 5),
            (W6, 6),
            (W41, 41),
            (W42, 42),
            (P7, 7),
            (P8, 8),
            (P37, 37),
            (P38, 38),
            (P70, 70),
            (P72, 72),
        ] {
            hs[slot] = h(template, &[w]);
        }
        let suffix = &w[w.char_indices().rev().nth(2).map_or(0, |(k, _)| k)..];
        hs[W9] = h(9, &[suffix]);
        let prefix = &w[..w.char_indices().nth(3).map_or(w.len(), |(k, _)| k)];
        hs[W71] = h(71, &[prefix]);
        hs[W32] = h(32, &["prev-cue", w]);
        hs[F29] = h(29, &[w, "in"]);
        hs[F29 + 1] = h(29, &[w, "out"]);
        hs[F30] = h(30, &[w, "in"]);
        hs[F30 + 1] = h(30, &[w, "out"]);
        if cue_word {
            let s = stem(w);
            hs[W14] = h(14, &[s]);
            hs[P26] = h(26, &[s]);
            hs[P27] = h(27, &[s]);
            hs[P49A] = h(49, &[s, "a"]);
            hs[P51B] = h(51, &[s, "b"]);
        }
        WordInfo {
            cue_word,
            title: is_title(w),
            pronoun: PRONOUNS.contains(&w),
            h: hs,
        }
    }
}

/// The distinct words of an article, with the sentence-boundary words
/// `<s>` and `</s>` first.
pub(crate) struct Words {
    /// The word of each token (an index into `infos`).
    of: Vec<u32>,
    /// Each distinct word's information.
    infos: Vec<WordInfo>,
}

/// `<s>` in [`Words`].
const START: u32 = 0;
/// `</s>` in [`Words`].
const END: u32 = 1;

/// Words kept per thread across articles (most of an article's words were
/// seen before). A full cache keeps what it holds (the words seen first,
/// which in running text are mostly the frequent ones) and computes others
/// afresh: emptying it instead made a corpus with a larger vocabulary
/// recompute nearly every word.
const CACHE_WORDS: usize = 16_384;

thread_local! {
    static CACHE: std::cell::RefCell<WordMap<Box<str>, WordInfo>> =
        std::cell::RefCell::new(WordMap::default());
}

/// The information of `w`, from this thread's cache or computed.
fn word_info(w: &str) -> WordInfo {
    CACHE.with(|cache| {
        let mut cache = cache.borrow_mut();
        if let Some(info) = cache.get(w) {
            return *info;
        }
        let info = WordInfo::new(w);
        if cache.len() < CACHE_WORDS {
            cache.insert(w.into(), info);
        }
        info
    })
}

impl Words {
    /// The distinct words of the lower-cased tokens `lower`.
    pub(crate) fn new<S: AsRef<str>>(lower: &[S]) -> Words {
        // An article has about half as many distinct words as tokens.
        let mut index: WordMap<&str, u32> =
            WordMap::with_capacity_and_hasher(lower.len() / 2 + 2, Default::default());
        let mut infos = Vec::with_capacity(lower.len() / 2 + 2);
        for w in ["<s>", "</s>"] {
            index.insert(w, infos.len() as u32);
            infos.push(word_info(w));
        }
        let of = lower
            .iter()
            .map(|w| {
                let w = w.as_ref();
                *index.entry(w).or_insert_with(|| {
                    infos.push(word_info(w));
                    (infos.len() - 1) as u32
                })
            })
            .collect();
        Words { of, infos }
    }

    /// The word at position `j` (`<s>` before the first token, `</s>` after
    /// the last).
    pub(crate) fn at(&self, j: isize) -> &WordInfo {
        let k = if j < 0 {
            START
        } else {
            self.of.get(j as usize).copied().unwrap_or(END)
        };
        &self.infos[k as usize]
    }
}

#[cfg(test)]
mod tests {
    use super::slot::*;
    use super::*;

    /// The hash `Sink` computes for `parts` under `template`.
    fn plain(template: u64, parts: &[&str]) -> u64 {
        parts
            .iter()
            .fold(template, |h, s| xxh3_64_with_seed(s.as_bytes(), h))
    }

    #[test]
    fn cached_hashes_are_the_string_hashes() {
        for w in ["said", "the", "zoë", "according", "\u{201c}", "<s>"] {
            let info = word_info(w);
            assert_eq!(info.h[W2], plain(2, &[w]));
            assert_eq!(info.h[W42], plain(42, &[w]));
            assert_eq!(info.h[F30 + 1], plain(30, &[w, "out"]));
            // A chain goes on from the word's step.
            assert_eq!(
                xxh3_64_with_seed(b"next", info.h[P37]),
                plain(37, &[w, "next"])
            );
            assert_eq!(info.cue_word, is_cue_word(w));
            if info.cue_word {
                assert_eq!(info.h[P49A], plain(49, &[stem(w), "a"]));
            }
        }
        // Twice the same: from the thread's cache.
        assert_eq!(word_info("said").h, WordInfo::new("said").h);
    }

    #[test]
    fn words_map_tokens_and_boundaries() {
        let words = Words::new(&["he", "said", "he"]);
        assert_eq!(words.at(-1).h[W2], plain(2, &["<s>"]));
        assert_eq!(words.at(3).h[W2], plain(2, &["</s>"]));
        assert_eq!(words.at(0).h, words.at(2).h);
        assert!(words.at(1).cue_word && words.at(0).pronoun);
    }
}
