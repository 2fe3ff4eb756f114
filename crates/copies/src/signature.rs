//! Word shingles of an article's body and their MinHash signature.
//!
//! A shingle is [`SHINGLE_WORDS`] consecutive words inside one body
//! paragraph, hashed with XXH3-64. Shingles never cross a paragraph
//! boundary, so re-ordered paragraphs keep all their shingles. The
//! signature keeps, for each of [`HASHES`] hash functions of the
//! multiply-shift family, the smallest value over the body's distinct
//! shingles: two bodies agree in one position with probability equal to
//! their Jaccard similarity.
//!
//! The hash family is ours and fixed (constants derived from a fixed seed),
//! so that signatures stored in a corpus stay comparable across releases
//! and dependency upgrades; [`SIGNATURE_VERSION`] changes if it ever does.

use xxhash_rust::xxh3::xxh3_64;

use crate::text::{paragraphs, ParagraphKind};

/// Words per shingle.
pub const SHINGLE_WORDS: usize = 5;
/// Hash functions per signature (= [`crate::lsh::BANDS`] × [`crate::lsh::ROWS`]).
pub const HASHES: usize = crate::lsh::BANDS * crate::lsh::ROWS;
/// Version of the shingling and hash family; stored beside signatures.
pub const SIGNATURE_VERSION: u32 = 1;

/// An article body as the copy detector sees it: its shingles in text
/// order and the set of distinct shingles.
#[derive(Debug, Clone, Default)]
pub struct Body {
    /// Shingle hashes in text order (repeats kept).
    pub sequence: Vec<u64>,
    /// Distinct shingle hashes, sorted.
    pub set: Vec<u64>,
    /// Words in the body paragraphs.
    pub words: usize,
}

impl Body {
    /// The body of `text` (headline and boilerplate lines left out).
    pub fn new(text: &str, title: Option<&str>) -> Body {
        let mut sequence = Vec::with_capacity(text.len() / 6);
        let mut total = 0;
        // A paragraph's words as `text::words` gives them, joined by single
        // spaces, and where each word ends: a shingle is then one slice of
        // `joined`, hashed without building a string for it. (Same bytes as
        // joining the words of `text::words`; tests/signature_stability.rs
        // holds the two to each other.)
        let mut joined = String::new();
        let mut spans: Vec<(usize, usize)> = Vec::new();
        for p in paragraphs(text, title) {
            if p.kind != ParagraphKind::Body {
                continue;
            }
            joined.clear();
            spans.clear();
            for w in text[p.start..p.end]
                .split(|c: char| !c.is_alphanumeric())
                .filter(|w| !w.is_empty())
            {
                if !joined.is_empty() {
                    joined.push(' ');
                }
                let start = joined.len();
                if w.is_ascii() {
                    joined.push_str(w);
                    joined[start..].make_ascii_lowercase();
                } else {
                    joined.push_str(&w.to_lowercase());
                }
                spans.push((start, joined.len()));
            }
            total += spans.len();
            let bytes = joined.as_bytes();
            if spans.len() < SHINGLE_WORDS {
                sequence.push(xxh3_64(bytes));
                continue;
            }
            for i in 0..=spans.len() - SHINGLE_WORDS {
                let (from, to) = (spans[i].0, spans[i + SHINGLE_WORDS - 1].1);
                sequence.push(xxh3_64(&bytes[from..to]));
            }
        }
        let mut set = sequence.clone();
        set.sort_unstable();
        set.dedup();
        Body {
            sequence,
            set,
            words: total,
        }
    }

    /// Whether the body has no shingle (nothing to compare).
    pub fn is_empty(&self) -> bool {
        self.set.is_empty()
    }

    /// Whether `shingle` occurs in this body.
    pub fn contains(&self, shingle: u64) -> bool {
        self.set.binary_search(&shingle).is_ok()
    }

    /// The MinHash signature of the body, `None` when it is empty.
    pub fn signature(&self) -> Option<Signature> {
        if self.set.is_empty() {
            return None;
        }
        let (mul, add) = family();
        let mut mins = [u32::MAX; HASHES];
        for &h in &self.set {
            // Index loop over fixed-size arrays: the compiler vectorises it.
            for j in 0..HASHES {
                let v = (mul[j].wrapping_mul(h).wrapping_add(add[j]) >> 32) as u32;
                mins[j] = mins[j].min(v);
            }
        }
        Some(Signature(mins.to_vec()))
    }
}

/// The multiply-shift hash family: `HASHES` pairs `(a, b)`, `a` odd,
/// from SplitMix64 over a fixed seed (computed once), as two arrays.
fn family() -> &'static ([u64; HASHES], [u64; HASHES]) {
    static FAMILY: std::sync::OnceLock<([u64; HASHES], [u64; HASHES])> = std::sync::OnceLock::new();
    FAMILY.get_or_init(|| {
        let pairs = make_family();
        (pairs.map(|(a, _)| a), pairs.map(|(_, b)| b))
    })
}

fn make_family() -> [(u64, u64); HASHES] {
    let mut state: u64 = 0x756e_7370_636f_7079; // "unspcopy"
    let mut next = || {
        state = state.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = state;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    };
    let mut out = [(0, 0); HASHES];
    for pair in out.iter_mut() {
        *pair = (next() | 1, next());
    }
    out
}

/// A MinHash signature: [`HASHES`] minima.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Signature(pub Vec<u32>);

impl Signature {
    /// Little-endian bytes, as stored in a corpus.
    pub fn to_bytes(&self) -> Vec<u8> {
        self.0.iter().flat_map(|v| v.to_le_bytes()).collect()
    }

    /// Reads [`Signature::to_bytes`]'s output; `None` if the length is wrong.
    pub fn from_bytes(bytes: &[u8]) -> Option<Signature> {
        if bytes.len() != HASHES * 4 {
            return None;
        }
        Some(Signature(
            bytes
                .chunks_exact(4)
                .map(|c| u32::from_le_bytes([c[0], c[1], c[2], c[3]]))
                .collect(),
        ))
    }

    /// Share of positions where the two signatures agree: an estimate of
    /// the bodies' Jaccard similarity.
    pub fn estimated_jaccard(&self, other: &Signature) -> f64 {
        let same = self.0.iter().zip(&other.0).filter(|(a, b)| a == b).count();
        same as f64 / HASHES as f64
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &str =
        "Headline here\n\nThe first paragraph has quite a few words in it to make shingles.\n\
        The second paragraph talks about something else entirely and at some length too.\n";

    #[test]
    fn identical_bodies_have_identical_signatures_and_headlines_do_not_count() {
        let a = Body::new(TEXT, Some("Headline here"));
        let b = Body::new(
            &TEXT.replace("Headline here", "A New Headline"),
            Some("A New Headline"),
        );
        assert_eq!(a.set, b.set);
        assert_eq!(a.signature(), b.signature());
        let sig = a.signature().unwrap();
        assert_eq!(Signature::from_bytes(&sig.to_bytes()), Some(sig.clone()));
        assert_eq!(sig.estimated_jaccard(&sig), 1.0);
    }

    #[test]
    fn reordered_paragraphs_keep_their_shingles() {
        let lines: Vec<&str> = TEXT.lines().collect();
        let swapped = format!("{}\n\n{}\n{}\n", lines[0], lines[3], lines[2]);
        let a = Body::new(TEXT, None);
        let b = Body::new(&swapped, None);
        assert_eq!(a.set, b.set);
    }

    #[test]
    fn different_bodies_have_low_estimated_similarity() {
        let a = Body::new(TEXT, None).signature().unwrap();
        let other =
            "Completely unrelated words fill this particular sentence about weather and rain.\n";
        let b = Body::new(other, None).signature().unwrap();
        assert!(a.estimated_jaccard(&b) < 0.2);
        assert_eq!(Body::new("", None).signature(), None);
    }
}
