//! The int8 weight tables as inference reads them, and the sums of a
//! token's feature weights.
//!
//! The model file keeps each tagger's rows sparsely (the buckets with a
//! non-zero weight, about 100 k of `2^22`); inference wants one cache access
//! per feature, so the rows are spread into a table of every bucket
//! ([`Rows8`]). With a stacked tagger, both taggers' rows of a bucket share
//! one 16-byte entry ([`Rows16`]): the base features, which both taggers
//! read, then cost one memory access instead of two, and the first pass
//! over an article sums the stacked tagger's share of them as well.
//!
//! The tables are larger than the CPU's caches and read at random, so they
//! are backed by 2 MB pages where Linux allows it (`madvise`), which spares
//! most address-translation misses, and the rows of a token a few tokens
//! ahead are prefetched. Sums are exact integer sums (in 16 bits when they
//! cannot overflow), so their order and grouping never change a result.

use crate::features::ArticleFeatures;
use crate::tags::TAGS;

/// Tokens ahead whose weights are prefetched (the tables are larger than
/// the cache; the accesses are random).
const AHEAD: usize = 4;

/// The most features whose int8 weights (|w| ≤ 128) sum within `i16`.
const MAX_I16_FEATURES: usize = i16::MAX as usize / 128;

/// One bucket's weights for one tagger (`TAGS` used, padded to 8 bytes).
#[derive(Clone, Copy, Debug, Default)]
#[repr(C, align(8))]
pub(crate) struct Row8([i8; 8]);

/// One bucket's weights for two taggers: the first tagger's in bytes 0..8,
/// the stacked tagger's in bytes 8..16 (one aligned entry, one cache line).
#[derive(Clone, Copy, Debug, Default)]
#[repr(C, align(16))]
pub(crate) struct Row16([i8; 16]);

/// A table of every bucket's weights for one tagger.
pub(crate) type Rows8 = Vec<Row8>;
/// A table of every bucket's weights for a tagger and its stacked tagger.
pub(crate) type Rows16 = Vec<Row16>;

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

/// `n` zeroed entries, backed by 2 MB pages where the system allows it.
fn zeroed<R: Copy + Default>(n: usize) -> Vec<R> {
    let mut table: Vec<R> = Vec::with_capacity(n);
    advise_huge_pages(table.as_mut_ptr().cast(), n * std::mem::size_of::<R>());
    // The pages are first touched here, after the advice.
    table.resize(n, R::default());
    table
}

/// Asks Linux to back the whole 4 KB pages of `len` bytes at `start` with
/// 2 MB pages (transparent huge pages in `madvise` mode); a hint that may
/// be refused, and a no-op elsewhere.
fn advise_huge_pages(start: *mut u8, len: usize) {
    #[cfg(target_os = "linux")]
    {
        const PAGE: usize = 4096;
        let from = (start as usize).div_ceil(PAGE) * PAGE;
        let to = (start as usize + len) / PAGE * PAGE;
        if to > from {
            // SAFETY: the range lies inside one allocation that this
            // process owns; MADV_HUGEPAGE changes how its pages are backed,
            // never their contents or validity. The result is ignored: the
            // advice is a hint.
            unsafe {
                libc::madvise(from as *mut libc::c_void, to - from, libc::MADV_HUGEPAGE);
            }
        }
    }
    #[cfg(not(target_os = "linux"))]
    let _ = (start, len);
}

/// One tagger's table of `2^bits` buckets.
pub(crate) fn rows8(bits: u32, kept: &Sparse<'_>) -> Rows8 {
    let mut table: Rows8 = zeroed(1usize << bits);
    for (b, w) in kept.each() {
        if let Some(row) = table.get_mut(b) {
            row.0[..TAGS].copy_from_slice(w);
        }
    }
    table
}

/// The joint table of a tagger (`first`) and its stacked tagger (`second`).
pub(crate) fn rows16(bits: u32, first: &Sparse<'_>, second: &Sparse<'_>) -> Rows16 {
    let mut table: Rows16 = zeroed(1usize << bits);
    for (half, kept) in [first, second].into_iter().enumerate() {
        for (b, w) in kept.each() {
            if let Some(row) = table.get_mut(b) {
                row.0[half * 8..half * 8 + TAGS].copy_from_slice(w);
            }
        }
    }
    table
}

/// The entry of bucket `f` (ids are masked to the table's bits; any other
/// reads as zeros).
#[inline(always)]
fn entry<'a, R>(table: &'a [R], f: u32, zero: &'a R) -> &'a R {
    table.get(f as usize).unwrap_or(zero)
}

/// Token `i`'s entries of `f.ids`.
#[inline(always)]
fn span(f: &ArticleFeatures, i: usize) -> &[u32] {
    let (a, b) = (f.offsets[i] as usize, f.offsets[i + 1] as usize);
    f.ids.get(a..b).unwrap_or(&[])
}

/// Per token, the sums over `feats` (and `more`, when given: the stacked
/// tagger's extra features) of the weights in `table`.
pub(crate) fn sums8(
    table: &[Row8],
    feats: &ArticleFeatures,
    more: Option<&ArticleFeatures>,
) -> Vec<[i32; 8]> {
    static ZERO: Row8 = Row8([0; 8]);
    let n = feats.len();
    let none = ArticleFeatures {
        ids: Vec::new(),
        offsets: vec![0; n + 1],
    };
    let more = more.unwrap_or(&none);
    let mut out = Vec::with_capacity(n);
    for i in 0..n {
        if i + AHEAD < n {
            for &f in span(feats, i + AHEAD).iter().chain(span(more, i + AHEAD)) {
                prefetch(entry(table, f, &ZERO));
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
                let w = &entry(table, f, &ZERO).0;
                for t in 0..8 {
                    acc16[t] += i16::from(w[t]);
                }
            }
            for t in 0..8 {
                acc[t] = i32::from(acc16[t]);
            }
        } else {
            for &f in ids.iter().chain(extra) {
                let w = &entry(table, f, &ZERO).0;
                for t in 0..8 {
                    acc[t] += i32::from(w[t]);
                }
            }
        }
        out.push(acc);
    }
    out
}

/// Per token, the sums over `feats` of both halves of `table`: the first
/// tagger's full sums and the stacked tagger's share of them.
pub(crate) fn sums16(table: &[Row16], feats: &ArticleFeatures) -> Vec<[i32; 16]> {
    static ZERO: Row16 = Row16([0; 16]);
    let n = feats.len();
    let mut out = Vec::with_capacity(n);
    for i in 0..n {
        if i + AHEAD < n {
            for &f in span(feats, i + AHEAD) {
                prefetch(entry(table, f, &ZERO));
            }
        }
        let ids = span(feats, i);
        let mut acc = [0i32; 16];
        if ids.len() <= MAX_I16_FEATURES {
            // 16 bits cannot overflow here (see `sums8`).
            let mut acc16 = [0i16; 16];
            for &f in ids {
                let w = &entry(table, f, &ZERO).0;
                for t in 0..16 {
                    acc16[t] += i16::from(w[t]);
                }
            }
            for t in 0..16 {
                acc[t] = i32::from(acc16[t]);
            }
        } else {
            for &f in ids {
                let w = &entry(table, f, &ZERO).0;
                for t in 0..16 {
                    acc[t] += i32::from(w[t]);
                }
            }
        }
        out.push(acc);
    }
    out
}

/// Adds to each token's `partial` sums (the stacked tagger's share of the
/// base features, from [`sums16`]) the stacked half of `table` over the
/// token's `extra` features.
pub(crate) fn add_stacked(
    table: &[Row16],
    partial: &[[i32; 16]],
    extra: &ArticleFeatures,
) -> Vec<[i32; 8]> {
    static ZERO: Row16 = Row16([0; 16]);
    let n = partial.len().min(extra.len());
    let mut out = Vec::with_capacity(n);
    for (i, base) in partial.iter().enumerate().take(n) {
        if i + AHEAD < n {
            for &f in span(extra, i + AHEAD) {
                prefetch(entry(table, f, &ZERO));
            }
        }
        let mut acc = [0i32; 8];
        acc.copy_from_slice(&base[8..]);
        for &f in span(extra, i) {
            let w = &entry(table, f, &ZERO).0;
            for t in 0..8 {
                acc[t] += i32::from(w[8 + t]);
            }
        }
        out.push(acc);
    }
    out
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
        // A plain sum, by hand, for the first token: buckets 1, 5, 5.
        assert_eq!(first_sums[0][0], -10 + 2 * -3);
        assert_eq!(first_sums[1], [0; 8]);
    }
}
