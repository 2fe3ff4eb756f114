//! The base tagger's token features (see the module doc of `features`).

use std::ops::Range;

use unspin_segment::{Token, TokenKind};

use super::hashing::{pos_bucket, ArticleFeatures, Sink};
use super::lexicon::{is_cue_word, is_title, stem, PRONOUNS};

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

fn bucket_dist(d: isize) -> &'static str {
    match d {
        i if i <= -11 => "<-10",
        -10..=-6 => "-6..10",
        -5..=-3 => "-3..5",
        -2 => "-2",
        -1 => "-1",
        0 => "0",
        1 => "1",
        2 => "2",
        3..=5 => "3..5",
        6..=10 => "6..10",
        _ => ">10",
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
        info.cue
            .push(t.kind == TokenKind::Word && is_cue_word(&lower));
        info.lower.push(lower);
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

/// Computes the features of every token of an article.
pub fn article_features(
    text: &str,
    tokens: &[Token],
    sentences: &[Range<usize>],
    bits: u32,
) -> ArticleFeatures {
    let info = token_info(text, tokens, sentences);
    let n = tokens.len();
    let mut ids = Vec::with_capacity(n * 32);
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
    let is_mark = |w: &str| {
        matches!(
            w,
            "," | ":"
                | ";"
                | "."
                | "?"
                | "!"
                | "\""
                | "\u{201c}"
                | "\u{201d}"
                | "("
                | ")"
                | "\u{2014}"
        )
    };
    let mut prev_mark: Vec<Option<usize>> = vec![None; n];
    let mut next_mark: Vec<Option<usize>> = vec![None; n];
    {
        let mut cur = None;
        for (i, slot) in prev_mark.iter_mut().enumerate() {
            if i > 0 && info.sentence[i] != info.sentence[i - 1] {
                cur = None;
            }
            *slot = cur;
            if is_mark(&info.lower[i]) {
                cur = Some(i);
            }
        }
        cur = None;
        for i in (0..n).rev() {
            if i + 1 < n && info.sentence[i] != info.sentence[i + 1] {
                cur = None;
            }
            next_mark[i] = cur;
            if is_mark(&info.lower[i]) {
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
        sink.add(1, "bias");
        sink.add(2, w);
        sink.add(3, word(ii - 1));
        sink.add(4, word(ii + 1));
        sink.add(5, word(ii - 2));
        sink.add(6, word(ii + 2));
        sink.add2(7, word(ii - 1), w);
        sink.add2(8, w, word(ii + 1));
        let suffix = &w[w.char_indices().rev().nth(2).map_or(0, |(k, _)| k)..];
        sink.add(9, suffix);
        sink.add(10, info.shape[i]);
        sink.add2(
            11,
            info.shape[i],
            if i > 0 { info.shape[i - 1] } else { "<s>" },
        );
        sink.add2(
            12,
            info.shape[i],
            if i + 1 < n { info.shape[i + 1] } else { "</s>" },
        );
        if info.cue[i] {
            sink.add(13, "cue");
            sink.add(14, stem(w));
        }
        let q = if info.inside_quote[i] { "in" } else { "out" };
        sink.add(15, q);
        if i > 0 {
            sink.add2(
                16,
                q,
                if info.inside_quote[i - 1] {
                    "in"
                } else {
                    "out"
                },
            );
        }
        let pos = pos_bucket(info.pos_in_sentence[i] as usize);
        let remaining = info.sentence_len[i].saturating_sub(info.pos_in_sentence[i] + 1) as usize;
        sink.add(17, pos);
        sink.add(18, pos_bucket(remaining));
        if info.para_start[i] {
            sink.add(19, "para");
        }
        let s = info.sentence[i] as usize;
        sink.add2(
            20,
            if sent_has_quote[s] { "q" } else { "-" },
            if sent_has_cue[s] { "c" } else { "-" },
        );
        let before = last_cue[i].map(|c| bucket_dist(c as isize - ii));
        let after = next_cue[i].map(|c| bucket_dist(c as isize - ii));
        let b = before.unwrap_or("none");
        let a = after.unwrap_or("none");
        sink.add(21, b);
        sink.add(22, a);
        sink.add2(23, b, q);
        sink.add2(24, a, q);
        sink.add2(25, b, a);
        if let Some(c) = last_cue[i] {
            sink.add2(26, stem(&info.lower[c]), pos_bucket(i - c));
        }
        if let Some(c) = next_cue[i] {
            sink.add2(27, stem(&info.lower[c]), pos_bucket(c - i));
        }
        if PRONOUNS.contains(&w) {
            sink.add(28, "pron");
        }
        sink.add2(29, w, q);
        sink.add2(30, word(ii - 1), q);
        if i + 1 < n && info.cue[i + 1] {
            sink.add2(31, "next-cue", info.shape[i]);
        }
        if i > 0 && info.cue[i - 1] {
            sink.add2(32, "prev-cue", w);
        }
        // Punctuation between the token and its nearest cues: content is
        // usually set off by a comma, colon or quotation mark.
        let punct_between = |from: usize, to: usize| -> &'static str {
            let (lo, hi) = if from < to { (from, to) } else { (to, from) };
            let mut mark = "none";
            for k in lo + 1..hi {
                match &*info.lower[k] {
                    "," => mark = ",",
                    ":" => return ":",
                    "\u{201c}" | "\u{201d}" | "\"" => return "q",
                    "." | "?" | "!" => return ".",
                    _ => {}
                }
            }
            mark
        };
        if let Some(c) = last_cue[i] {
            sink.add2(33, "after", punct_between(c, i));
            if c + 1 < n && info.lower[c + 1] == "that" {
                sink.add2(34, "that-after-cue", pos_bucket(i - c));
            }
        }
        if let Some(c) = next_cue[i] {
            sink.add2(35, "before", punct_between(i, c));
        }
        let prev_punct = if i > 0 && info.shape[i - 1] == "." {
            word(ii - 1)
        } else {
            "w"
        };
        sink.add2(36, prev_punct, info.shape[i]);
        sink.add3(37, word(ii - 1), w, word(ii + 1));
        sink.add2(38, w, pos);
        let next_shape = if i + 1 < n { info.shape[i + 1] } else { "</s>" };
        let prev_shape = if i > 0 { info.shape[i - 1] } else { "<s>" };
        sink.add3(39, prev_shape, info.shape[i], next_shape);
        sink.add2(40, b, info.shape[i]);
        // Words three away.
        sink.add(41, word(ii - 3));
        sink.add(42, word(ii + 3));
        // The nearest cues themselves: stem with the punctuation between,
        // the word after the cue ("that", "to", ...) and the word before it
        // (the speaker's last word), with the distance.
        if let Some(c) = last_cue[i] {
            sink.add3(49, stem(&info.lower[c]), "a", punct_between(c, i));
            sink.add2(50, word(c as isize + 1), pos_bucket(i - c));
            sink.add2(75, word(c as isize - 1), pos_bucket(i - c));
        }
        if let Some(c) = next_cue[i] {
            sink.add3(51, stem(&info.lower[c]), "b", punct_between(i, c));
            sink.add2(73, word(c as isize - 1), pos_bucket(c - i));
            sink.add2(74, info.shape[c.saturating_sub(1)], pos_bucket(c - i));
        }
        // After "according to" in the sentence (the source follows).
        if let Some(t) = after_according[i] {
            sink.add2(52, "acc", pos_bucket(i - t));
            sink.add2(53, "acc-shape", info.shape[i]);
        }
        if is_title(w) {
            sink.add(56, "title");
            sink.add2(57, "title", a);
        }
        // The nearest punctuation marks either side (clause edges), and the
        // number of cues in the sentence, with the cue distances.
        let pm = prev_mark[i].map_or(("none", "-"), |k| (&*info.lower[k], pos_bucket(i - k)));
        let nm = next_mark[i].map_or(("none", "-"), |k| (&*info.lower[k], pos_bucket(k - i)));
        sink.add2(65, pm.0, pm.1);
        sink.add2(66, nm.0, nm.1);
        sink.add2(67, pm.0, nm.0);
        sink.add4(68, pm.0, nm.0, a, b);
        let nc = match sent_cues[s] {
            0 => "0",
            1 => "1",
            2 => "2",
            _ => "3+",
        };
        sink.add3(69, nc, a, b);
        // A skip bigram, a prefix, the word after punctuation.
        sink.add2(70, word(ii - 1), word(ii + 1));
        let prefix = &w[..w.char_indices().nth(3).map_or(w.len(), |(k, _)| k)];
        sink.add(71, prefix);
        sink.add2(72, w, prev_punct);
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
    fn every_token_gets_features_in_range() {
        let text = "\u{201c}Yes,\u{201d} she said. According to officials, it rained.";
        let tokens = unspin_segment::tokenize(text);
        let f = article_features(text, &tokens, &unspin_segment::sentences(text), 12);
        assert_eq!(f.len(), tokens.len());
        assert!(f.ids.iter().all(|&id| id < (1 << 12)));
        assert!((0..f.len()).all(|i| f.token(i).len() >= 20));
    }
}
