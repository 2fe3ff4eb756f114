//! The base tagger's token features (see the module doc of `features`).

use std::ops::Range;

use unspin_segment::{Token, TokenKind};

use super::hashing::{pos_bucket, ArticleFeatures, Sink};
use super::tables::{
    dist_ix, mark_ix, pos_ix, tables, DIST, DIST_NONE, MARK_NONE, PUNCT, SHAPES, SHAPE_END,
    SHAPE_START,
};
use super::words::{slot::*, Words};

fn is_open_quote(s: &str) -> bool {
    matches!(s, "\u{201c}" | "\u{ab}" | "\u{201e}")
}
fn is_close_quote(s: &str) -> bool {
    matches!(s, "\u{201d}" | "\u{bb}")
}

fn shape(word: &str) -> &'static str {
    let mut chars = word.chars();
    let first = chars.next().unwrap_or(' ');
    let rest_upper = word.chars().skip(1).any(|c| c.is_uppercase());
    if first.is_uppercase() {
        if word.chars().all(|c| !c.is_lowercase()) && word.chars().count() > 1 {
            "AA"
        } else if rest_upper {
            "AaA"
        } else {
            "Aa"
        }
    } else if first.is_lowercase() {
        "a"
    } else if first.is_ascii_digit() {
        "0"
    } else {
        "."
    }
}

/// Per-token context computed once for an article.
pub(crate) struct TokenInfo<'a> {
    lower: Vec<std::borrow::Cow<'a, str>>,
    shape: Vec<&'static str>,
    cue: Vec<bool>,
    inside_quote: Vec<bool>,
    para_start: Vec<bool>,
    sentence: Vec<u32>,
    pos_in_sentence: Vec<u32>,
    sentence_len: Vec<u32>,
    words: Words,
}

pub(crate) fn token_info<'a>(
    text: &'a str,
    tokens: &[Token],
    sentences: &[Range<usize>],
) -> TokenInfo<'a> {
    let n = tokens.len();
    let mut info = TokenInfo {
        lower: Vec::with_capacity(n),
        shape: Vec::with_capacity(n),
        cue: Vec::with_capacity(n),
        inside_quote: vec![false; n],
        para_start: vec![false; n],
        sentence: vec![0; n],
        pos_in_sentence: vec![0; n],
        sentence_len: vec![0; n],
        words: Words::new::<&str>(&[]),
    };
    for t in tokens {
        let s = &text[t.range()];
        // Most tokens are lower-case already: borrow those.
        let lower: std::borrow::Cow<'_, str> = if !s.chars().any(char::is_uppercase) {
            std::borrow::Cow::Borrowed(s)
        } else if s.is_ascii() {
            std::borrow::Cow::Owned(s.to_ascii_lowercase())
        } else {
            std::borrow::Cow::Owned(s.to_lowercase())
        };
        info.shape.push(shape(s));
        info.lower.push(lower);
    }
    info.words = Words::new(&info.lower);
    for (i, t) in tokens.iter().enumerate() {
        let cue = t.kind == TokenKind::Word && info.words.at(i as isize).cue_word;
        info.cue.push(cue);
    }
    // Quotation state: curly marks open/close, straight marks toggle; a
    // paragraph break closes any open quote.
    let mut inside = false;
    let mut prev_end = 0;
    for (i, t) in tokens.iter().enumerate() {
        let gap = &text[prev_end.min(t.start)..t.start];
        if i == 0 || gap.contains('\n') {
            info.para_start[i] = true;
            if gap.matches('\n').count() >= 1 {
                inside = false;
            }
        }
        let s = &text[t.range()];
        if is_open_quote(s) {
            inside = true;
            info.inside_quote[i] = true;
        } else if is_close_quote(s) {
            info.inside_quote[i] = true;
            inside = false;
        } else if s == "\"" {
            info.inside_quote[i] = true;
            inside = !inside;
        } else {
            info.inside_quote[i] = inside;
        }
        prev_end = t.end;
    }
    // Sentence membership.
    let mut si = 0usize;
    let mut sentence_start_token = vec![0usize; sentences.len() + 1];
    let mut counts = vec![0u32; sentences.len() + 1];
    for (i, t) in tokens.iter().enumerate() {
        while si < sentences.len() && t.start >= sentences[si].end {
            si += 1;
        }
        let s = si.min(sentences.len());
        if counts[s] == 0 {
            sentence_start_token[s] = i;
        }
        info.sentence[i] = s as u32;
        info.pos_in_sentence[i] = (i - sentence_start_token[s]) as u32;
        counts[s] += 1;
    }
    for i in 0..n {
        info.sentence_len[i] = counts[info.sentence[i] as usize];
    }
    info
}

/// The punctuation marks that set content off, by token, indexed so that
/// the mark between two tokens takes constant time (instead of a scan of
/// the tokens between them per query).
struct PunctIndex {
    /// Per token: 0 none, 1 comma, 2 colon, 3 quotation mark, 4 full stop
    /// (or `?`, `!`).
    class: Vec<u8>,
    /// The first token at or after `k` with a class of 2 or more (`n` if none).
    next_strong: Vec<usize>,
    /// Commas among the tokens before `k`.
    commas: Vec<u32>,
}

impl PunctIndex {
    fn new(lower: &[std::borrow::Cow<'_, str>]) -> PunctIndex {
        let n = lower.len();
        let class: Vec<u8> = lower
            .iter()
            .map(|w| match &**w {
                "," => 1,
                ":" => 2,
                "\u{201c}" | "\u{201d}" | "\"" => 3,
                "." | "?" | "!" => 4,
                _ => 0,
            })
            .collect();
        let mut next_strong = vec![n; n + 1];
        for k in (0..n).rev() {
            next_strong[k] = if class[k] >= 2 { k } else { next_strong[k + 1] };
        }
        let mut commas = vec![0u32; n + 1];
        for k in 0..n {
            commas[k + 1] = commas[k] + u32::from(class[k] == 1);
        }
        PunctIndex {
            class,
            next_strong,
            commas,
        }
    }

    /// The mark between tokens `from` and `to` (exclusive, either order): the
    /// first colon, quotation mark or full stop from the left, else a comma
    /// if there is one, else `none` (an index into `PUNCT`, which lists the
    /// classes in order).
    fn between(&self, from: usize, to: usize) -> usize {
        let (lo, hi) = if from < to { (from, to) } else { (to, from) };
        if lo + 1 >= hi {
            return 0;
        }
        let strong = self.next_strong[lo + 1];
        if strong < hi {
            return usize::from(self.class[strong]);
        }
        usize::from(self.commas[hi] > self.commas[lo + 1])
    }
}

/// Computes the features of every token of an article.
pub fn article_features(
    text: &str,
    tokens: &[Token],
    sentences: &[Range<usize>],
    bits: u32,
) -> ArticleFeatures {
    let info = token_info(text, tokens, sentences);
    let n = tokens.len();
    // About 65 features per token, 76 at most: one allocation.
    let mut ids = Vec::with_capacity(n * 76);
    let mut offsets = Vec::with_capacity(n + 1);
    offsets.push(0u32);
    let mask = (1u32 << bits) - 1;
    // Nearest cue word before / after each token, within the sentence.
    let mut last_cue: Vec<Option<usize>> = vec![None; n];
    let mut next_cue: Vec<Option<usize>> = vec![None; n];
    let mut cur = None;
    #[allow(clippy::needless_range_loop)] // i indexes four parallel arrays
    for i in 0..n {
        if i > 0 && info.sentence[i] != info.sentence[i - 1] {
            cur = None;
        }
        if info.cue[i] {
            cur = Some(i);
        }
        last_cue[i] = cur;
    }
    cur = None;
    for i in (0..n).rev() {
        if i + 1 < n && info.sentence[i] != info.sentence[i + 1] {
            cur = None;
        }
        if info.cue[i] {
            cur = Some(i);
        }
        next_cue[i] = cur;
    }
    // Sentence-level flags.
    let n_sent = info
        .sentence
        .iter()
        .copied()
        .max()
        .map_or(0, |m| m as usize + 1);
    let mut sent_has_quote = vec![false; n_sent];
    let mut sent_has_cue = vec![false; n_sent];
    for i in 0..n {
        let s = info.sentence[i] as usize;
        let w = &*info.lower[i];
        if is_open_quote(w) || is_close_quote(w) || w == "\"" {
            sent_has_quote[s] = true;
        }
        if info.cue[i] {
            sent_has_cue[s] = true;
        }
    }
    // "according to" before the token in its sentence.
    let mut after_according = vec![None; n];
    {
        let mut cur: Option<usize> = None;
        for (i, slot) in after_according.iter_mut().enumerate() {
            if i > 0 && info.sentence[i] != info.sentence[i - 1] {
                cur = None;
            }
            *slot = cur;
            if info.lower[i] == "to" && i > 0 && info.lower[i - 1] == "according" {
                cur = Some(i);
            }
        }
    }
    // Nearest punctuation mark before / after each token, within the sentence.
    // The index in MARKS of each token (`,` `:` `;` `.` `?` `!` `"` curly
    // quotes, brackets, em dash; MARK_NONE for other tokens).
    let marks: Vec<usize> = info
        .lower
        .iter()
        .map(|w| mark_ix(w).unwrap_or(MARK_NONE))
        .collect();
    let is_mark = |k: usize| marks[k] != MARK_NONE;
    let mut prev_mark: Vec<Option<usize>> = vec![None; n];
    let mut next_mark: Vec<Option<usize>> = vec![None; n];
    {
        let mut cur = None;
        for (i, slot) in prev_mark.iter_mut().enumerate() {
            if i > 0 && info.sentence[i] != info.sentence[i - 1] {
                cur = None;
            }
            *slot = cur;
            if is_mark(i) {
                cur = Some(i);
            }
        }
        cur = None;
        for i in (0..n).rev() {
            if i + 1 < n && info.sentence[i] != info.sentence[i + 1] {
                cur = None;
            }
            next_mark[i] = cur;
            if is_mark(i) {
                cur = Some(i);
            }
        }
    }
    let mut sent_cues = vec![0u32; n_sent];
    for i in 0..n {
        if info.cue[i] {
            sent_cues[info.sentence[i] as usize] += 1;
        }
    }
    let punct = PunctIndex::new(&info.lower);
    let tab = tables();
    let words = &info.words;
    let shape_ix: Vec<usize> = info
        .shape
        .iter()
        .map(|sh| SHAPES.iter().position(|x| x == sh).unwrap_or(0))
        .collect();
    let shape_prev = |i: usize| if i > 0 { shape_ix[i - 1] } else { SHAPE_START };
    let shape_next = |i: usize| {
        if i + 1 < n {
            shape_ix[i + 1]
        } else {
            SHAPE_END
        }
    };
    let mark_of = |k: usize| marks[k];
    let word = |j: isize| -> &str {
        if j < 0 {
            "<s>"
        } else if j as usize >= n {
            "</s>"
        } else {
            &info.lower[j as usize]
        }
    };
    for i in 0..n {
        let mut sink = Sink {
            ids: &mut ids,
            mask,
        };
        let ii = i as isize;
        let w = word(ii);
        let wi = words.at(ii);
        let prev = words.at(ii - 1);
        sink.push(tab.t1);
        sink.push(wi.h[W2]);
        sink.push(prev.h[W3]);
        sink.push(words.at(ii + 1).h[W4]);
        sink.push(words.at(ii - 2).h[W5]);
        sink.push(words.at(ii + 2).h[W6]);
        sink.add_after(prev.h[P7], w);
        sink.add_after(wi.h[P8], word(ii + 1));
        sink.push(wi.h[W9]);
        let sh = shape_ix[i];
        sink.push(tab.t10[sh]);
        sink.push(tab.t11[sh * 8 + shape_prev(i)]);
        sink.push(tab.t12[sh * 8 + shape_next(i)]);
        if info.cue[i] {
            sink.add(13, "cue");
            sink.push(wi.h[W14]);
        }
        let q_ix = usize::from(!info.inside_quote[i]);
        sink.push(tab.t15[q_ix]);
        if i > 0 {
            sink.push(tab.t16[q_ix * 2 + usize::from(!info.inside_quote[i - 1])]);
        }
        let pos = pos_bucket(info.pos_in_sentence[i] as usize);
        let remaining = info.sentence_len[i].saturating_sub(info.pos_in_sentence[i] + 1) as usize;
        sink.push(tab.t17[pos_ix(info.pos_in_sentence[i] as usize)]);
        sink.push(tab.t18[pos_ix(remaining)]);
        if info.para_start[i] {
            sink.add(19, "para");
        }
        let s = info.sentence[i] as usize;
        sink.push(tab.t20[usize::from(!sent_has_quote[s]) * 2 + usize::from(!sent_has_cue[s])]);
        let b_ix = last_cue[i].map_or(DIST_NONE, |c| dist_ix(c as isize - ii));
        let a_ix = next_cue[i].map_or(DIST_NONE, |c| dist_ix(c as isize - ii));
        let a = DIST[a_ix];
        sink.push(tab.t21[b_ix]);
        sink.push(tab.t22[a_ix]);
        sink.push(tab.t23[b_ix * 2 + q_ix]);
        sink.push(tab.t24[a_ix * 2 + q_ix]);
        sink.push(tab.t25[b_ix * 12 + a_ix]);
        if let Some(c) = last_cue[i] {
            sink.add_after(words.at(c as isize).h[P26], pos_bucket(i - c));
        }
        if let Some(c) = next_cue[i] {
            sink.add_after(words.at(c as isize).h[P27], pos_bucket(c - i));
        }
        if wi.pronoun {
            sink.add(28, "pron");
        }
        sink.push(wi.h[F29 + q_ix]);
        sink.push(prev.h[F30 + q_ix]);
        if i + 1 < n && info.cue[i + 1] {
            sink.add2(31, "next-cue", info.shape[i]);
        }
        if i > 0 && info.cue[i - 1] {
            sink.push(wi.h[W32]);
        }
        // Punctuation between the token and its nearest cues: content is
        // usually set off by a comma, colon or quotation mark.
        let punct_between = |from: usize, to: usize| PUNCT[punct.between(from, to)];
        if let Some(c) = last_cue[i] {
            sink.push(tab.t33[punct.between(c, i)]);
            if c + 1 < n && info.lower[c + 1] == "that" {
                sink.add2(34, "that-after-cue", pos_bucket(i - c));
            }
        }
        if let Some(c) = next_cue[i] {
            sink.push(tab.t35[punct.between(i, c)]);
        }
        let prev_punct = if i > 0 && info.shape[i - 1] == "." {
            word(ii - 1)
        } else {
            "w"
        };
        sink.add2(36, prev_punct, info.shape[i]);
        sink.add_after2(prev.h[P37], w, word(ii + 1));
        sink.add_after(wi.h[P38], pos);
        sink.push(tab.t39[(shape_prev(i) * 6 + sh) * 8 + shape_next(i)]);
        sink.push(tab.t40[b_ix * 6 + sh]);
        // Words three away.
        sink.push(words.at(ii - 3).h[W41]);
        sink.push(words.at(ii + 3).h[W42]);
        // The nearest cues themselves: stem with the punctuation between,
        // the word after the cue ("that", "to", ...) and the word before it
        // (the speaker's last word), with the distance.
        if let Some(c) = last_cue[i] {
            sink.add_after(words.at(c as isize).h[P49A], punct_between(c, i));
            sink.add2(50, word(c as isize + 1), pos_bucket(i - c));
            sink.add2(75, word(c as isize - 1), pos_bucket(i - c));
        }
        if let Some(c) = next_cue[i] {
            sink.add_after(words.at(c as isize).h[P51B], punct_between(i, c));
            sink.add2(73, word(c as isize - 1), pos_bucket(c - i));
            sink.push(tab.t74[shape_ix[c.saturating_sub(1)] * 8 + pos_ix(c - i)]);
        }
        // After "according to" in the sentence (the source follows).
        if let Some(t) = after_according[i] {
            sink.add2(52, "acc", pos_bucket(i - t));
            sink.add2(53, "acc-shape", info.shape[i]);
        }
        if wi.title {
            sink.add(56, "title");
            sink.add2(57, "title", a);
        }
        // The nearest punctuation marks either side (clause edges), and the
        // number of cues in the sentence, with the cue distances.
        // (`-`, the last entry of POS, when there is no mark.)
        let pm = prev_mark[i].map_or((MARK_NONE, 7), |k| (mark_of(k), pos_ix(i - k)));
        let nm = next_mark[i].map_or((MARK_NONE, 7), |k| (mark_of(k), pos_ix(k - i)));
        sink.push(tab.t65[pm.0 * 8 + pm.1]);
        sink.push(tab.t66[nm.0 * 8 + nm.1]);
        sink.push(tab.t67[pm.0 * 13 + nm.0]);
        sink.push(tab.t68[((pm.0 * 13 + nm.0) * 12 + a_ix) * 12 + b_ix]);
        let nc = (sent_cues[s] as usize).min(3);
        sink.push(tab.t69[(nc * 12 + a_ix) * 12 + b_ix]);
        // A skip bigram, a prefix, the word after punctuation.
        sink.add_after(prev.h[P70], word(ii + 1));
        sink.push(wi.h[W71]);
        sink.add_after(wi.h[P72], prev_punct);
        offsets.push(ids.len() as u32);
    }
    ArticleFeatures { ids, offsets }
}

/// The sentence of each token (an index into `sentences`; tokens between
/// sentences get the next one).
pub fn sentence_of_tokens(tokens: &[Token], sentences: &[Range<usize>]) -> Vec<u32> {
    let mut si = 0usize;
    tokens
        .iter()
        .map(|t| {
            while si < sentences.len() && t.start >= sentences[si].end {
                si += 1;
            }
            si as u32
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quote_state_follows_marks_and_resets_at_paragraphs() {
        let text = "He said \u{201c}no way\u{201d} then.\n\n\u{201c}Open but\n\nnot closed.";
        let tokens = unspin_segment::tokenize(text);
        let sentences = unspin_segment::sentences(text);
        let info = token_info(text, &tokens, &sentences);
        let words: Vec<&str> = tokens.iter().map(|t| &text[t.range()]).collect();
        let at = |w: &str| words.iter().position(|x| *x == w).unwrap();
        assert!(info.inside_quote[at("way")]);
        assert!(!info.inside_quote[at("then")]);
        assert!(info.inside_quote[at("Open")]);
        assert!(
            !info.inside_quote[at("closed")],
            "a paragraph break ends the quote"
        );
    }

    #[test]
    fn the_mark_between_two_tokens_is_the_scan_s() {
        let text = "a , b : c \u{201c} d , e . f ! g , h";
        let lower: Vec<std::borrow::Cow<'_, str>> = text.split(' ').map(Into::into).collect();
        let index = PunctIndex::new(&lower);
        // The scan the index replaces.
        let scan = |from: usize, to: usize| -> &'static str {
            let (lo, hi) = if from < to { (from, to) } else { (to, from) };
            let mut mark = "none";
            for w in lower.iter().take(hi).skip(lo + 1) {
                match &**w {
                    "," => mark = ",",
                    ":" => return ":",
                    "\u{201c}" | "\u{201d}" | "\"" => return "q",
                    "." | "?" | "!" => return ".",
                    _ => {}
                }
            }
            mark
        };
        for a in 0..lower.len() {
            for b in 0..lower.len() {
                assert_eq!(PUNCT[index.between(a, b)], scan(a, b), "{a} {b}");
            }
        }
    }

    #[test]
    fn every_token_gets_features_in_range() {
        let text = "\u{201c}Yes,\u{201d} she said. According to officials, it rained.";
        let tokens = unspin_segment::tokenize(text);
        let f = article_features(text, &tokens, &unspin_segment::sentences(text), 12);
        assert_eq!(f.len(), tokens.len());
        assert!(f.ids.iter().all(|&id| id < (1 << 12)));
        assert!((0..f.len()).all(|i| f.token(i).len() >= 20));
    }
}
