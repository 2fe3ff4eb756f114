//! How much of a corpus a gate in front of the attribution tagger would
//! skip, and how many gold attributions it would lose (issue 18: the fast
//! tier with sourcing at 10 MB/s a core, where the linear tagger is the
//! largest cost).
//!
//! The gate: a sentence is *active* when it holds a word of the cue lexicon
//! or a quotation mark; the tagger would read the active sentences and
//! `REACH` sentences either side, and tag every other token `O` unread.
//!
//! ```sh
//! cargo run --release -p unspin-attribution --example gate_coverage -- \
//!   ../shared/data/quotes/polnear/data/train 0 1 2
//! ```

use std::ops::Range;

use unspin_attribution::features::is_cue_word;
use unspin_attribution::{gold_tags, read_training_articles};
use unspin_segment::{sentences, tokenize, Token, TokenKind};

/// True when `s` (one token's text) is a quotation mark.
fn is_quote_mark(s: &str) -> bool {
    matches!(
        s,
        "\"" | "\u{201c}" | "\u{201d}" | "\u{201e}" | "\u{ab}" | "\u{bb}"
    )
}

/// The token ranges of `text` that an attribution tagger must read: the
/// sentences that hold a cue word or a quotation mark, with `reach`
/// sentences either side, merged where they touch, in order. `sentences`
/// are byte ranges (`unspin_segment::sentences`); tokens between sentences
/// belong to the next one.
fn active_token_ranges(
    text: &str,
    tokens: &[Token],
    sentences: &[Range<usize>],
    reach: usize,
) -> Vec<Range<usize>> {
    if tokens.is_empty() {
        return Vec::new();
    }
    // Token range of each sentence (the last entry collects any tokens after
    // the last sentence).
    let n_sent = sentences.len() + 1;
    let mut first = vec![usize::MAX; n_sent];
    let mut last = vec![0usize; n_sent];
    let mut active = vec![false; n_sent];
    let mut s = 0usize;
    let mut lower = String::new();
    for (i, t) in tokens.iter().enumerate() {
        while s < sentences.len() && t.start >= sentences[s].end {
            s += 1;
        }
        if first[s] == usize::MAX {
            first[s] = i;
        }
        last[s] = i + 1;
        if active[s] {
            continue;
        }
        let w = &text[t.range()];
        active[s] = match t.kind {
            TokenKind::Word => {
                lower.clear();
                lower.extend(w.chars().flat_map(char::to_lowercase));
                is_cue_word(&lower)
            }
            TokenKind::Punct => is_quote_mark(w),
            TokenKind::Number => false,
        };
    }
    // Sentences that hold tokens, in order, and which of them are read.
    let held: Vec<usize> = (0..n_sent).filter(|&s| first[s] != usize::MAX).collect();
    let mut read = vec![false; held.len()];
    for (k, &s) in held.iter().enumerate() {
        if active[s] {
            let lo = k.saturating_sub(reach);
            let hi = (k + reach + 1).min(held.len());
            read[lo..hi].iter_mut().for_each(|r| *r = true);
        }
    }
    let mut out: Vec<Range<usize>> = Vec::new();
    for (k, &s) in held.iter().enumerate() {
        if !read[k] {
            continue;
        }
        match out.last_mut() {
            Some(r) if r.end == first[s] => r.end = last[s],
            _ => out.push(first[s]..last[s]),
        }
    }
    out
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let Some(dir) = args.get(1) else {
        eprintln!("usage: gate_coverage DIR [REACH...]");
        std::process::exit(2);
    };
    let reaches: Vec<usize> = if args.len() > 2 {
        args[2..].iter().filter_map(|r| r.parse().ok()).collect()
    } else {
        vec![0, 1, 2]
    };
    let articles = match read_training_articles(dir) {
        Ok(a) => a,
        Err(e) => {
            eprintln!("{dir}: {e}");
            std::process::exit(1);
        }
    };
    for reach in reaches {
        let (mut all, mut read, mut gold, mut gold_read) =
            (0usize, 0usize, [0usize; 4], [0usize; 4]);
        let (mut attrs, mut attrs_missed) = (0usize, 0usize);
        for a in &articles {
            let tokens = tokenize(&a.text);
            let sents = sentences(&a.text);
            let ranges = active_token_ranges(&a.text, &tokens, &sents, reach);
            let mut inside = vec![false; tokens.len()];
            for r in &ranges {
                inside[r.clone()].iter_mut().for_each(|x| *x = true);
            }
            let tags = gold_tags(&tokens, &a.gold);
            all += tokens.len();
            read += inside.iter().filter(|&&x| x).count();
            for (t, &i) in tags.iter().zip(&inside) {
                let role = t.role() as usize;
                gold[role] += 1;
                gold_read[role] += usize::from(i);
            }
            for g in &a.gold {
                attrs += 1;
                let content_inside = tokens.iter().zip(&inside).any(|(t, &i)| {
                    i && g.content.iter().any(|c| t.start < c.end && c.start < t.end)
                });
                attrs_missed += usize::from(!content_inside);
            }
        }
        println!(
            "reach {reach}: {} articles, tokens read {:.1} % ({read} of {all}); gold tokens read: source {:.2} %, cue {:.2} %, content {:.2} %; attributions with no content token read {attrs_missed} of {attrs} ({:.2} %)",
            articles.len(),
            100.0 * read as f64 / all as f64,
            100.0 * gold_read[1] as f64 / gold[1].max(1) as f64,
            100.0 * gold_read[2] as f64 / gold[2].max(1) as f64,
            100.0 * gold_read[3] as f64 / gold[3].max(1) as f64,
            100.0 * attrs_missed as f64 / attrs.max(1) as f64,
        );
    }
}
