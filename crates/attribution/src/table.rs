//! The int8 weight tables as inference reads them, and the sums of a
//! token's feature weights.
//!
//! The model file keeps each tagger's rows sparsely (the buckets with a
//! non-zero weight, about 100 k of `2^22`). Inference keeps them sparse too,
//! in a [`Ranked`] table: a bitmap of the buckets that have a row, a running
//! count of rows per 64 buckets, and the rows themselves, packed. A lookup
//! reads one 16-byte bitmap word (bitmap and counts take 1 MB) and one
//! packed row (2–3 MB; a bucket without weights reads a shared zero row).
//! Spreading the rows into a table of every bucket, as before, took 64 MB,
//! which had to be zeroed at start-up (up to 0.6 s of a one-article run on a
//! cloud VM, in page faults) and was read at random outside all but the
//! largest caches.
//!
//! With a stacked tagger, both taggers' rows of a bucket share one 16-byte
//! entry ([`Row16`]): the base features, which both taggers read, then cost
//! one lookup instead of two, and the first pass over an article sums the
//! stacked tagger's share of them as well. Lookups are prefetched in two
//! stages: the bitmap words of a token eight tokens ahead, then the rows of
//! the token four ahead (whose words are in the cache by then). On x86-64
//! the sums run in a build for AVX2 and POPCNT when the CPU has them (the
//! portable build counts bits in a dozen instructions). Sums are exact
//! integer sums (in 16 bits when they cannot overflow), so their order,
//! grouping and instruction set never change a result.

use crate::features::ArticleFeatures;
use crate::tags::TAGS;

/// Tokens ahead whose rows are prefetched (the accesses are random); the
/// bitmap words those rows' ranks read are prefetched twice as far ahead.
const AHEAD: usize = 4;

/// The most features whose int8 weights (|w| ≤ 128) sum within `i16`.
const MAX_I16_FEATURES: usize = i16::MAX as usize / 128;

/// One bucket's weights for one tagger (`TAGS` used, padded to 8 bytes).
#[derive(Clone, Copy, Debug, Default, PartialEq)]
#[repr(C, align(8))]
pub(crate) struct Row8([i8; 8]);

/// One bucket's weights for two taggers: the first tagger's in bytes 0..8,
/// the stacked tagger's in bytes 8..16 (one aligned entry, one cache line).
#[derive(Clone, Copy, Debug, Default, PartialEq)]
#[repr(C, align(16))]
pub(crate) struct Row16([i8; 16]);

/// One tagger's rows, for inference.
pub(crate) type Rows8 = Ranked<Row8>;
/// A tagger's and its stacked tagger's rows, for inference.
pub(crate) type Rows16 = Ranked<Row16>;

/// 64 buckets of a [`Ranked`] table: which of them have a row, and how
/// many rows the buckets before them have (one aligned 16-byte read).
#[derive(Clone, Copy, Debug, Default)]
#[repr(C, align(16))]
struct Word {
    /// Bit `k` set: bucket `64 × word + k` has a row.
    present: u64,
    /// Rows of all buckets before this word's.
    before: u32,
}

/// The rows of a table of `2^bits` buckets, most of them zero, kept
/// sparsely with a rank index: bucket `f`'s row is
/// `rows[before + popcount(present bits below f)]`, and a bucket without a
/// row reads the zero row kept last.
#[derive(Clone, Debug)]
pub(crate) struct Ranked<R> {
    words: Vec<Word>,
    /// The rows of the buckets that have one, in bucket order, then a zero
    /// row.
    rows: Vec<R>,
}

impl<R: Copy + Default> Ranked<R> {
    /// A table of `2^bits` buckets with rows for `rows`' buckets (given in
    /// increasing bucket order; each bucket once; buckets outside the
    /// table are dropped).
    fn from_sorted(bits: u32, rows: impl Iterator<Item = (usize, R)>) -> Ranked<R> {
        let n = 1usize << bits;
        let mut words = vec![Word::default(); n.div_ceil(64)];
        let mut packed = Vec::new();
        for (b, row) in rows.take_while(|&(b, _)| b < n) {
            words[b / 64].present |= 1 << (b % 64);
            packed.push(row);
        }
        let mut before = 0u32;
        for w in &mut words {
            w.before = before;
            before += w.present.count_ones();
        }
        packed.push(R::default());
        Ranked {
            words,
            rows: packed,
        }
    }

    /// Bucket `f`'s row (the zero row for a bucket without one, or outside
    /// the table). Branch-free on whether the bucket has a row.
    #[inline(always)]
    fn get(&self, f: u32) -> &R {
        let zero = self.rows.len() - 1;
        let k = match self.words.get((f / 64) as usize) {
            Some(w) => {
                let bit = 1u64 << (f % 64);
                let rank = w.before as usize + (w.present & (bit - 1)).count_ones() as usize;
                if w.present & bit != 0 {
                    rank
                } else {
                    zero
                }
            }
            None => zero,
        };
        &self.rows[k]
    }

    /// Asks the CPU to bring in the bitmap word that looking up bucket `f`
    /// reads first.
    #[inline(always)]
    fn prefetch(&self, f: u32) {
        if let Some(w) = self.words.get((f / 64) as usize) {
            prefetch(w);
        }
    }

    /// Asks the CPU to bring in bucket `f`'s row (reads the bitmap word,
    /// which an earlier [`prefetch`](Self::prefetch) brought in).
    #[inline(always)]
    fn prefetch_row(&self, f: u32) {
        prefetch(self.get(f));
    }

    /// Number of buckets that have a row.
    #[cfg(test)]
    fn len(&self) -> usize {
        self.rows.len() - 1
    }
}

/// A tagger's kept rows: the bucket of each (increasing, below `2^bits`)
/// and `buckets.len() × TAGS` int8 weights.
pub(crate) struct Sparse<'a> {
    /// The bucket of each row.
    pub(crate) buckets: &'a [u32],
    /// The rows' weights, row after row.
    pub(crate) rows: &'a [i8],
}

impl Sparse<'_> {
    /// Each kept row as `(bucket, weights)`.
    fn each(&self) -> impl Iterator<Item = (usize, &[i8])> + '_ {
        self.buckets
            .iter()
            .zip(self.rows.chunks_exact(TAGS))
            .map(|(&b, w)| (b as usize, w))
    }
}

/// One tagger's table of `2^bits` buckets.
pub(crate) fn rows8(bits: u32, kept: &Sparse<'_>) -> Rows8 {
    Ranked::from_sorted(
        bits,
        kept.each().map(|(b, w)| {
            let mut row = Row8::default();
            row.0[..TAGS].copy_from_slice(w);
            (b, row)
        }),
    )
}

/// The joint table of a tagger (`first`) and its stacked tagger (`second`):
/// a row for every bucket either of them has.
pub(crate) fn rows16(bits: u32, first: &Sparse<'_>, second: &Sparse<'_>) -> Rows16 {
    let mut a = first.each().peekable();
    let mut b = second.each().peekable();
    let merged = std::iter::from_fn(move || {
        let next = match (a.peek(), b.peek()) {
            (None, None) => return None,
            (Some(&(x, _)), Some(&(y, _))) => x.min(y),
            (Some(&(x, _)), None) => x,
            (None, Some(&(y, _))) => y,
        };
        let mut row = Row16::default();
        if let Some((_, w)) = a.next_if(|&(x, _)| x == next) {
            row.0[..TAGS].copy_from_slice(w);
        }
        if let Some((_, w)) = b.next_if(|&(y, _)| y == next) {
            row.0[8..8 + TAGS].copy_from_slice(w);
        }
        Some((next, row))
    });
    Ranked::from_sorted(bits, merged)
}

/// Token `i`'s entries of `f.ids`.
#[inline(always)]
fn span(f: &ArticleFeatures, i: usize) -> &[u32] {
    let (a, b) = (f.offsets[i] as usize, f.offsets[i + 1] as usize);
    f.ids.get(a..b).unwrap_or(&[])
}

/// The body of [`sums8`], inlined into each CPU's build.
#[inline(always)]
fn sums8_in(
    table: &Rows8,
    feats: &ArticleFeatures,
    more: Option<&ArticleFeatures>,
) -> Vec<[i32; 8]> {
    let n = feats.len();
    let none = ArticleFeatures {
        ids: Vec::new(),
        offsets: vec![0; n + 1],
    };
    let more = more.unwrap_or(&none);
    let mut out = Vec::with_capacity(n);
    for i in 0..n {
        if i + 2 * AHEAD < n {
            let j = i + 2 * AHEAD;
            for &f in span(feats, j).iter().chain(span(more, j)) {
                table.prefetch(f);
            }
        }
        if i + AHEAD < n {
            let j = i + AHEAD;
            for &f in span(feats, j).iter().chain(span(more, j)) {
                table.prefetch_row(f);
            }
        }
        let (ids, extra) = (span(feats, i), span(more, i));
        let mut acc = [0i32; 8];
        if ids.len() + extra.len() <= MAX_I16_FEATURES {
            // Summed in 16 bits (twice the lanes per instruction): with at
            // most 255 weights of magnitude at most 128 the sum cannot
            // overflow, so it is the same integer.
            let mut acc16 = [0i16; 8];
            for &f in ids.iter().chain(extra) {
                let w = &table.get(f).0;
                for t in 0..8 {
                    acc16[t] += i16::from(w[t]);
                }
            }
            for t in 0..8 {
                acc[t] = i32::from(acc16[t]);
            }
        } else {
            for &f in ids.iter().chain(extra) {
                let w = &table.get(f).0;
                for t in 0..8 {
                    acc[t] += i32::from(w[t]);
                }
            }
        }
        out.push(acc);
    }
    out
}

/// The body of [`sums16`], inlined into each CPU's build.
#[inline(always)]
fn sums16_in(table: &Rows16, feats: &ArticleFeatures) -> Vec<[i32; 16]> {
    let n = feats.len();
    let mut out = Vec::with_capacity(n);
    for i in 0..n {
        if i + 2 * AHEAD < n {
            for &f in span(feats, i + 2 * AHEAD) {
                table.prefetch(f);
            }
        }
        if i + AHEAD < n {
            for &f in span(feats, i + AHEAD) {
                table.prefetch_row(f);
            }
        }
        let ids = span(feats, i);
        let mut acc = [0i32; 16];
        if ids.len() <= MAX_I16_FEATURES {
            // 16 bits cannot overflow here (see `sums8`).
            let mut acc16 = [0i16; 16];
            for &f in ids {
                let w = &table.get(f).0;
                for t in 0..16 {
                    acc16[t] += i16::from(w[t]);
                }
            }
            for t in 0..16 {
                acc[t] = i32::from(acc16[t]);
            }
        } else {
            for &f in ids {
                let w = &table.get(f).0;
                for t in 0..16 {
                    acc[t] += i32::from(w[t]);
                }
            }
        }
        out.push(acc);
    }
    out
}

/// The body of [`add_stacked`], inlined into each CPU's build.
#[inline(always)]
fn add_stacked_in(table: &Rows16, partial: &[[i32; 16]], extra: &ArticleFeatures) -> Vec<[i32; 8]> {
    let n = partial.len().min(extra.len());
    let mut out = Vec::with_capacity(n);
    for (i, base) in partial.iter().enumerate().take(n) {
        if i + 2 * AHEAD < n {
            for &f in span(extra, i + 2 * AHEAD) {
                table.prefetch(f);
            }
        }
        if i + AHEAD < n {
            for &f in span(extra, i + AHEAD) {
                table.prefetch_row(f);
            }
        }
        let mut acc = [0i32; 8];
        acc.copy_from_slice(&base[8..]);
        for &f in span(extra, i) {
            let w = &table.get(f).0;
            for t in 0..8 {
                acc[t] += i32::from(w[8 + t]);
            }
        }
        out.push(acc);
    }
    out
}

/// Per token, the sums over `feats` (and `more`, when given: the stacked
/// tagger's extra features) of the weights in `table`.
pub(crate) fn sums8(
    table: &Rows8,
    feats: &ArticleFeatures,
    more: Option<&ArticleFeatures>,
) -> Vec<[i32; 8]> {
    #[cfg(target_arch = "x86_64")]
    if x86::usable() {
        // SAFETY: the CPU has the features `x86` is compiled for (checked
        // by `usable`).
        return unsafe { x86::sums8(table, feats, more) };
    }
    sums8_in(table, feats, more)
}

/// Per token, the sums over `feats` of both halves of `table`: the first
/// tagger's full sums and the stacked tagger's share of them.
pub(crate) fn sums16(table: &Rows16, feats: &ArticleFeatures) -> Vec<[i32; 16]> {
    #[cfg(target_arch = "x86_64")]
    if x86::usable() {
        // SAFETY: as in `sums8`.
        return unsafe { x86::sums16(table, feats) };
    }
    sums16_in(table, feats)
}

/// Adds to each token's `partial` sums (the stacked tagger's share of the
/// base features, from [`sums16`]) the stacked half of `table` over the
/// token's `extra` features.
pub(crate) fn add_stacked(
    table: &Rows16,
    partial: &[[i32; 16]],
    extra: &ArticleFeatures,
) -> Vec<[i32; 8]> {
    #[cfg(target_arch = "x86_64")]
    if x86::usable() {
        // SAFETY: as in `sums8`.
        return unsafe { x86::add_stacked(table, partial, extra) };
    }
    add_stacked_in(table, partial, extra)
}

/// The sums compiled for AVX2 and POPCNT (every x86-64 CPU since 2013–15),
/// chosen at run time: the portable build has neither, and the lookups'
/// population counts and the 16-lane widening adds are most of their work.
/// Same integers, so the same results.
#[cfg(target_arch = "x86_64")]
mod x86 {
    use super::{ArticleFeatures, Rows16, Rows8};

    /// Whether this CPU has AVX2 and POPCNT (detected once, then cached).
    pub(super) fn usable() -> bool {
        std::arch::is_x86_feature_detected!("avx2") && std::arch::is_x86_feature_detected!("popcnt")
    }

    #[target_feature(enable = "avx2,popcnt")]
    pub(super) fn sums8(
        table: &Rows8,
        feats: &ArticleFeatures,
        more: Option<&ArticleFeatures>,
    ) -> Vec<[i32; 8]> {
        super::sums8_in(table, feats, more)
    }

    #[target_feature(enable = "avx2,popcnt")]
    pub(super) fn sums16(table: &Rows16, feats: &ArticleFeatures) -> Vec<[i32; 16]> {
        super::sums16_in(table, feats)
    }

    #[target_feature(enable = "avx2,popcnt")]
    pub(super) fn add_stacked(
        table: &Rows16,
        partial: &[[i32; 16]],
        extra: &ArticleFeatures,
    ) -> Vec<[i32; 8]> {
        super::add_stacked_in(table, partial, extra)
    }
}

/// Emission scores (`sums.len() × TAGS`): each integer sum times its tag's
/// scale.
pub(crate) fn scaled(sums: impl Iterator<Item = [i32; 8]>, scale: &[f32; TAGS]) -> Vec<f32> {
    let mut out = Vec::new();
    for acc in sums {
        for t in 0..TAGS {
            out.push(acc[t] as f32 * scale[t]);
        }
    }
    out
}

/// Asks the CPU to bring `value` into the cache (a no-op off x86-64).
#[inline(always)]
fn prefetch<T>(value: &T) {
    #[cfg(target_arch = "x86_64")]
    // SAFETY: prefetching is a hint; it never faults, even on bad addresses,
    // and `value` is a valid reference anyway.
    unsafe {
        use std::arch::x86_64::{_mm_prefetch, _MM_HINT_T0};
        _mm_prefetch::<_MM_HINT_T0>((value as *const T).cast::<i8>());
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = value;
}

#[cfg(test)]
mod tests {
    use super::*;

    fn feats(tokens: &[&[u32]]) -> ArticleFeatures {
        let mut f = ArticleFeatures {
            ids: Vec::new(),
            offsets: vec![0],
        };
        for t in tokens {
            f.ids.extend_from_slice(t);
            f.offsets.push(f.ids.len() as u32);
        }
        f
    }

    #[test]
    fn ranked_lookups_match_a_dense_table() {
        // Buckets at both ends of a word and of the table, runs and gaps.
        let bits = 10;
        let buckets: Vec<u32> = (0..1024u32)
            .filter(|b| b % 7 == 0 || b % 64 == 63 || (300..340).contains(b) || *b == 1023)
            .collect();
        let weights: Vec<i8> = (0..buckets.len() * TAGS).map(|k| (k % 251) as i8).collect();
        let kept = Sparse {
            buckets: &buckets,
            rows: &weights,
        };
        let table = rows8(bits, &kept);
        assert_eq!(table.len(), buckets.len());
        let mut dense = vec![Row8::default(); 1024];
        for (b, w) in kept.each() {
            dense[b].0[..TAGS].copy_from_slice(w);
        }
        for f in 0..1024u32 {
            assert_eq!(table.get(f), &dense[f as usize], "bucket {f}");
        }
        // Outside the table: zeros, never a panic.
        for f in [1024, 5000, u32::MAX] {
            assert_eq!(table.get(f), &Row8::default());
        }
        // An empty table reads zeros everywhere.
        let empty = rows8(
            bits,
            &Sparse {
                buckets: &[],
                rows: &[],
            },
        );
        assert_eq!(empty.get(0), &Row8::default());
        assert_eq!(empty.get(1023), &Row8::default());
    }

    #[test]
    fn joint_sums_are_the_two_taggers_sums() {
        let (b1, w1) = (
            vec![1u32, 5, 9],
            (0..21).map(|v| v as i8 - 10).collect::<Vec<_>>(),
        );
        let (b2, w2) = (
            vec![5u32, 7],
            (0..14).map(|v| 100 - v as i8).collect::<Vec<_>>(),
        );
        let first = Sparse {
            buckets: &b1,
            rows: &w1,
        };
        let second = Sparse {
            buckets: &b2,
            rows: &w2,
        };
        let (t1, t2, joint) = (
            rows8(8, &first),
            rows8(8, &second),
            rows16(8, &first, &second),
        );
        // Many tokens (past the prefetch distance), one long enough for
        // 32-bit sums.
        let long: Vec<u32> = (0..300).map(|k| [1, 5, 7, 9, 200][k % 5]).collect();
        let mut tokens: Vec<&[u32]> = vec![&[1, 5, 5], &[], &[9, 7, 3], &[5]];
        tokens.extend(std::iter::repeat_n(&[5u32, 9][..], 6));
        tokens.push(&long);
        let base = feats(&tokens);
        let extra_tokens: Vec<&[u32]> = (0..tokens.len())
            .map(|i| if i % 2 == 0 { &[7u32, 5][..] } else { &[][..] })
            .collect();
        let extra = feats(&extra_tokens);
        let joint_sums = sums16(&joint, &base);
        let first_sums = sums8(&t1, &base, None);
        let second_sums = sums8(&t2, &base, Some(&extra));
        assert_eq!(
            joint_sums
                .iter()
                .map(|s| <[i32; 8]>::try_from(&s[..8]).unwrap())
                .collect::<Vec<_>>(),
            first_sums
        );
        assert_eq!(add_stacked(&joint, &joint_sums, &extra), second_sums);
        // The build chosen for this CPU gives the portable build's integers.
        assert_eq!(joint_sums, sums16_in(&joint, &base));
        assert_eq!(first_sums, sums8_in(&t1, &base, None));
        assert_eq!(second_sums, sums8_in(&t2, &base, Some(&extra)));
        assert_eq!(
            add_stacked_in(&joint, &joint_sums, &extra),
            add_stacked(&joint, &joint_sums, &extra)
        );
        // A plain sum, by hand, for the first token: buckets 1, 5, 5.
        assert_eq!(first_sums[0][0], -10 + 2 * -3);
        assert_eq!(first_sums[1], [0; 8]);
    }
}
