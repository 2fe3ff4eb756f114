//! Byte-range helpers: trimming, char-boundary rounding, overlap tests.

use crate::ByteRange;
use unspin_segment::{tokenize, TokenKind};

pub(crate) fn trim_range(text: &str, start: usize, end: usize) -> ByteRange {
    if start >= end {
        return start..start;
    }
    let s = &text[start..end];
    let lead = s.len() - s.trim_start().len();
    let t = s.trim();
    start + lead..start + lead + t.len()
}

pub(crate) fn lower_words(s: &str) -> Vec<String> {
    tokenize(s)
        .into_iter()
        .filter(|t| t.kind == TokenKind::Word)
        .map(|t| s[t.range()].to_lowercase())
        .collect()
}

pub(crate) fn floor_boundary(text: &str, mut i: usize) -> usize {
    i = i.min(text.len());
    while !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

pub(crate) fn ceil_boundary(text: &str, mut i: usize) -> usize {
    i = i.min(text.len());
    while !text.is_char_boundary(i) {
        i += 1;
    }
    i
}

/// Whether `a` and `b` share at least one byte.
pub(crate) fn overlaps(a: &ByteRange, b: &ByteRange) -> bool {
    a.start < b.end && b.start < a.end
}

/// Whether `inner` lies inside `outer`.
pub(crate) fn within(inner: &ByteRange, outer: &ByteRange) -> bool {
    inner.start >= outer.start && inner.end <= outer.end
}
