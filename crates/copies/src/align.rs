//! Confirming a candidate pair by aligning the two bodies: how much of each
//! is found in the other, and in what runs.
//!
//! MinHash only says two bodies share many shingles. Alignment decides what
//! the sharing means:
//!
//! - a **copy** re-publishes the article: nearly all of the shorter body
//!   is in the longer one ([`COPY_SHORTER`]) and most of the longer one is
//!   in the shorter ([`COPY_LONGER`]), which admits a new headline, an
//!   editor's note, other header and footer, a trimmed ending, re-ordered
//!   paragraphs and typo fixes;
//! - a **partial** re-use takes a substantial part of the other article
//!   ([`PARTIAL`] of either body, in passages of at least
//!   [`PARTIAL_PASSAGE_WORDS`] words) but adds much of its own;
//! - anything less — two reports of one event that share a quote — is
//!   unrelated.

use serde::Serialize;

use crate::signature::{Body, SHINGLE_WORDS};

/// Share of the shorter body's shingles that must be in the longer one for a copy.
pub const COPY_SHORTER: f64 = 0.8;
/// Share of the longer body's shingles that must be in the shorter one for a copy.
pub const COPY_LONGER: f64 = 0.5;
/// Share of either body's shingles found in the other for a partial re-use.
pub const PARTIAL: f64 = 0.3;
/// The longest shared passage of a partial re-use is at least this long.
pub const PARTIAL_PASSAGE_WORDS: usize = 40;

/// What one article is to another.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Relation {
    /// The same article re-published (possibly edited).
    Copy,
    /// One re-uses a substantial part of the other.
    Partial,
    /// Neither.
    Unrelated,
}

impl Relation {
    /// The name used in output and storage (`copy`, `partial`, `unrelated`).
    pub fn as_str(self) -> &'static str {
        match self {
            Relation::Copy => "copy",
            Relation::Partial => "partial",
            Relation::Unrelated => "unrelated",
        }
    }
}

/// How two bodies align.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Alignment {
    /// Share of A's distinct shingles found in B (A contained in B).
    pub a_in_b: f64,
    /// Share of B's distinct shingles found in A.
    pub b_in_a: f64,
    /// Jaccard similarity of the two shingle sets: the pair's "similarity".
    pub similarity: f64,
    /// Words in the longest passage of A found, shingle after shingle, in B.
    pub longest_passage_words: usize,
    /// What the alignment makes of the pair.
    pub relation: Relation,
}

/// Aligns two bodies.
pub fn align(a: &Body, b: &Body) -> Alignment {
    if a.is_empty() || b.is_empty() {
        return Alignment {
            a_in_b: 0.0,
            b_in_a: 0.0,
            similarity: 0.0,
            longest_passage_words: 0,
            relation: Relation::Unrelated,
        };
    }
    let shared = intersection_len(&a.set, &b.set);
    let a_in_b = shared as f64 / a.set.len() as f64;
    let b_in_a = shared as f64 / b.set.len() as f64;
    let similarity = shared as f64 / (a.set.len() + b.set.len() - shared) as f64;
    let longest_passage_words = longest_run(a, b);
    let (shorter, longer) = if a.set.len() <= b.set.len() {
        (a_in_b, b_in_a)
    } else {
        (b_in_a, a_in_b)
    };
    let relation = if shorter >= COPY_SHORTER && longer >= COPY_LONGER {
        Relation::Copy
    } else if a_in_b.max(b_in_a) >= PARTIAL && longest_passage_words >= PARTIAL_PASSAGE_WORDS {
        Relation::Partial
    } else {
        Relation::Unrelated
    };
    Alignment {
        a_in_b,
        b_in_a,
        similarity,
        longest_passage_words,
        relation,
    }
}

/// Size of the intersection of two sorted, distinct slices.
fn intersection_len(a: &[u64], b: &[u64]) -> usize {
    let (mut i, mut j, mut n) = (0, 0, 0);
    while i < a.len() && j < b.len() {
        match a[i].cmp(&b[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                n += 1;
                i += 1;
                j += 1;
            }
        }
    }
    n
}

/// Words in the longest run of consecutive shingles of `a` that are all in `b`.
fn longest_run(a: &Body, b: &Body) -> usize {
    let (mut best, mut run) = (0, 0);
    for &h in &a.sequence {
        if b.contains(h) {
            run += 1;
            best = best.max(run);
        } else {
            run = 0;
        }
    }
    if best == 0 {
        0
    } else {
        best + SHINGLE_WORDS - 1
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn para(seed: usize, words: usize) -> String {
        let mut s: Vec<String> = (0..words).map(|i| format!("w{}x{}", seed, i)).collect();
        s.push(".".into());
        s.join(" ")
    }

    fn article(paras: &[usize]) -> String {
        paras
            .iter()
            .map(|&p| para(p, 60))
            .collect::<Vec<_>>()
            .join("\n\n")
    }

    #[test]
    fn trimmed_copy_with_new_footer_is_a_copy() {
        let origin = article(&[1, 2, 3, 4, 5]);
        let copy = format!(
            "{}\n\nEditor's note: this piece first appeared elsewhere.",
            article(&[1, 2, 3, 4])
        );
        let al = align(&Body::new(&origin, None), &Body::new(&copy, None));
        assert_eq!(al.relation, Relation::Copy, "{al:?}");
        assert!(al.b_in_a > 0.99 && al.a_in_b > 0.75);
    }

    #[test]
    fn half_reused_is_partial_and_a_shared_quote_is_nothing() {
        let origin = article(&[1, 2, 3, 4]);
        let reuse = article(&[1, 2, 7, 8]);
        assert_eq!(
            align(&Body::new(&origin, None), &Body::new(&reuse, None)).relation,
            Relation::Partial
        );
        let same_event = article(&[9, 10, 11, 12, 13, 14, 3]);
        let other = article(&[20, 21, 22, 23, 24, 25, 3]);
        let al = align(&Body::new(&same_event, None), &Body::new(&other, None));
        assert_eq!(al.relation, Relation::Unrelated, "{al:?}");
        assert_eq!(al.longest_passage_words, 60);
    }
}
