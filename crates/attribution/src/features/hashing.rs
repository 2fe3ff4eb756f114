//! The feature table of an article and the hashing of feature strings
//! into buckets (xxh3 with a template-specific seed).

use std::collections::{HashMap, HashSet};
use std::hash::{BuildHasherDefault, Hasher};

use xxhash_rust::xxh3::xxh3_64_with_seed;

/// A hasher for the word maps and sets of the features (xxh3, cheaper than
/// the standard SipHash on short words; the maps hold word lists and one
/// article's words, so a good hash is all they need).
#[derive(Default)]
pub(crate) struct WordHasher(u64);

impl Hasher for WordHasher {
    fn write(&mut self, bytes: &[u8]) {
        self.0 = xxh3_64_with_seed(bytes, self.0);
    }
    fn finish(&self) -> u64 {
        self.0
    }
}

/// A map keyed by words, with [`WordHasher`].
pub(crate) type WordMap<K, V> = HashMap<K, V, BuildHasherDefault<WordHasher>>;
/// A set of words, with [`WordHasher`].
pub(crate) type WordSet<K> = HashSet<K, BuildHasherDefault<WordHasher>>;

/// Features of every token of an article: `offsets[i]..offsets[i+1]` index
/// `ids` for token `i`.
pub struct ArticleFeatures {
    /// Bucket ids, token after token.
    pub ids: Vec<u32>,
    /// Start of each token's ids in `ids` (one more entry than tokens).
    pub offsets: Vec<u32>,
}

impl ArticleFeatures {
    /// The feature ids of token `i`.
    pub fn token(&self, i: usize) -> &[u32] {
        &self.ids[self.offsets[i] as usize..self.offsets[i + 1] as usize]
    }
    /// Number of tokens.
    pub fn len(&self) -> usize {
        self.offsets.len() - 1
    }
    /// True when the article has no token.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// Hashes feature strings into bucket ids and appends them.
pub(crate) struct Sink<'a> {
    /// Where the ids go.
    pub(crate) ids: &'a mut Vec<u32>,
    /// `2^bits - 1`.
    pub(crate) mask: u32,
}

impl Sink<'_> {
    /// A feature from one string.
    pub(crate) fn add(&mut self, template: u64, value: &str) {
        let h = xxh3_64_with_seed(value.as_bytes(), template);
        self.ids.push((h as u32) & self.mask);
    }
    /// A feature whose hash is already known (see `tables`).
    pub(crate) fn push(&mut self, hash: u64) {
        self.ids.push((hash as u32) & self.mask);
    }
    /// A feature whose hash chain up to `s` is `seed` (the hash after the
    /// first strings): as `add2` with the first string already hashed.
    pub(crate) fn add_after(&mut self, seed: u64, s: &str) {
        self.push(xxh3_64_with_seed(s.as_bytes(), seed));
    }
    /// As [`add_after`](Self::add_after), with two strings to go.
    pub(crate) fn add_after2(&mut self, seed: u64, a: &str, b: &str) {
        let h = xxh3_64_with_seed(a.as_bytes(), seed);
        self.push(xxh3_64_with_seed(b.as_bytes(), h));
    }
    /// A feature from two strings.
    pub(crate) fn add2(&mut self, template: u64, a: &str, b: &str) {
        let h = xxh3_64_with_seed(a.as_bytes(), template);
        let h = xxh3_64_with_seed(b.as_bytes(), h);
        self.ids.push((h as u32) & self.mask);
    }
    /// A feature from another feature's bucket id and a string.
    pub(crate) fn add_id(&mut self, template: u64, id: u32, s: &str) {
        let h = xxh3_64_with_seed(&id.to_le_bytes(), template);
        let h = xxh3_64_with_seed(s.as_bytes(), h);
        self.ids.push((h as u32) & self.mask);
    }
}

/// A distance or position in coarse buckets.
pub(crate) fn pos_bucket(i: usize) -> &'static str {
    match i {
        0 => "0",
        1 => "1",
        2 => "2",
        3..=5 => "3-5",
        6..=10 => "6-10",
        11..=20 => "11-20",
        _ => ">20",
    }
}
