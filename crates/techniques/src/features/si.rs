//! Span identification features: per token and per sentence.

use unspin_segment::TokenKind;

use crate::linear::{bucket, mix, Feature};

use super::tokens::*;

// Namespaces of SI features.
pub(super) const BOS: u64 = 0x5EED_0001;
pub(super) const EOS: u64 = 0x5EED_0002;

#[inline]
pub(super) fn push(out: &mut Vec<Feature>, bits: u32, ns: u64, a: u64, b: u64) {
    out.push(bucket(mix(mix(ns, a), b), bits));
}

/// Features shared by every token of sentence `s`.
pub(crate) fn si_sentence_features(d: &DocTokens, s: usize, bits: u32, out: &mut Vec<Feature>) {
    out.clear();
    let r = d.sentence_tokens[s].clone();
    let n = r.len();
    push(out, bits, 100, n.min(60) as u64 / 4, 0);
    push(out, bits, 101, (s == 0) as u64, 0);
    let mut excl = false;
    let mut quest = false;
    let mut quote = false;
    let mut caps = 0;
    let mut repeated = 0u64;
    for i in r.clone() {
        let t = d.token_text(i);
        match t {
            "!" => excl = true,
            "?" => quest = true,
            "\"" | "\u{201c}" | "\u{201d}" => quote = true,
            _ => {}
        }
        if d.shape[i] == Shape::AllCaps {
            caps += 1;
        }
        if d.tokens[i].kind != TokenKind::Punct {
            push(out, bits, 102, d.lower[i], 0);
            if !d.stop[i] && d.word_count.get(&d.lower[i]).copied().unwrap_or(0) > 2 {
                repeated += 1;
            }
        }
    }
    push(out, bits, 103, excl as u64, quest as u64);
    push(out, bits, 104, quote as u64, 0);
    push(out, bits, 105, caps.min(3), 0);
    push(out, bits, 106, repeated.min(6), 0);
    push(out, bits, 107, 0, 0); // sentence bias
                                // the previous and next sentences' lengths and punctuation
    for (ns, k) in [(108u64, s.wrapping_sub(1)), (109, s + 1)] {
        if let Some(rr) = d.sentence_tokens.get(k) {
            push(out, bits, ns, rr.len().min(60) as u64 / 8, 0);
        }
    }
}

/// Features of token `i` (not including its sentence's shared features).
pub(crate) fn si_token_features(d: &DocTokens, i: usize, bits: u32, out: &mut Vec<Feature>) {
    out.clear();
    let s = d.sentence_of[i] as usize;
    let r = d.sentence_tokens[s].clone();
    let w = |j: isize| -> u64 {
        let j = i as isize + j;
        if j < r.start as isize {
            BOS
        } else if j >= r.end as isize {
            EOS
        } else {
            d.lower[j as usize]
        }
    };
    let sh = |j: isize| -> u64 {
        let j = i as isize + j;
        if j < r.start as isize || j >= r.end as isize {
            0
        } else {
            d.shape[j as usize] as u64
        }
    };
    let (w0, wm1, wp1, wm2, wp2) = (w(0), w(-1), w(1), w(-2), w(2));
    push(out, bits, 1, 0, 0);
    push(out, bits, 2, w0, 0);
    push(out, bits, 3, wm1, 0);
    push(out, bits, 4, wp1, 0);
    push(out, bits, 5, wm2, 0);
    push(out, bits, 6, wp2, 0);
    push(out, bits, 7, wm1, w0);
    push(out, bits, 8, w0, wp1);
    push(out, bits, 9, sh(0), 0);
    push(out, bits, 10, mix(sh(-1), sh(0)), sh(1));
    let text = d.token_text(i);
    if text.len() > 4 {
        let suffix_start = text.char_indices().rev().nth(2).map_or(0, |(b, _)| b);
        push(out, bits, 11, hash_lower(&text[suffix_start..]), 0);
    }
    let count = d.word_count.get(&w0).copied().unwrap_or(0);
    push(out, bits, 12, count_bucket(count), d.stop[i] as u64);
    if d.tokens[i].kind != TokenKind::Punct {
        let nb = if i + 1 < r.end {
            d.bigram_count
                .get(&mix(w0, d.lower[i + 1]))
                .copied()
                .unwrap_or(0)
        } else {
            0
        };
        let pb = if i > r.start {
            d.bigram_count
                .get(&mix(d.lower[i - 1], w0))
                .copied()
                .unwrap_or(0)
        } else {
            0
        };
        push(out, bits, 13, count_bucket(nb), count_bucket(pb));
    }
    push(out, bits, 14, d.in_quotes[i] as u64, 0);
    let pos = i - r.start;
    let rel = if r.len() > 1 { pos * 5 / r.len() } else { 0 };
    push(
        out,
        bits,
        15,
        rel as u64,
        (pos == 0) as u64 + 2 * (i + 1 == r.end) as u64,
    );
    push(out, bits, 16, (s == 0) as u64, 0);
    push(out, bits, 17, w0, d.in_quotes[i] as u64);
}
