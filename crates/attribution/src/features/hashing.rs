//! The feature table of an article and the hashing of feature strings
//! into buckets (xxh3 with a template-specific seed).

use xxhash_rust::xxh3::xxh3_64_with_seed;

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
    /// A feature from three strings.
    pub(crate) fn add3(&mut self, template: u64, a: &str, b: &str, c: &str) {
        let h = xxh3_64_with_seed(a.as_bytes(), template);
        let h = xxh3_64_with_seed(b.as_bytes(), h);
        let h = xxh3_64_with_seed(c.as_bytes(), h);
        self.ids.push((h as u32) & self.mask);
    }
    /// A feature from four strings.
    pub(crate) fn add4(&mut self, template: u64, a: &str, b: &str, c: &str, d: &str) {
        let h = xxh3_64_with_seed(a.as_bytes(), template);
        let h = xxh3_64_with_seed(b.as_bytes(), h);
        let h = xxh3_64_with_seed(c.as_bytes(), h);
        let h = xxh3_64_with_seed(d.as_bytes(), h);
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
