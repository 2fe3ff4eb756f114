//! Turning per-token propaganda probabilities into spans.

use serde::{Deserialize, Serialize};
use unspin_segment::TokenKind;

use crate::features::DocTokens;

/// How token probabilities become spans; tuned by cross-validation at training.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct DecodeConfig {
    /// A token is propaganda when its probability reaches this.
    pub threshold: f32,
    /// Runs separated by at most this many tokens (same sentence) are joined.
    pub max_gap: usize,
    /// Spans with fewer word/number tokens are dropped.
    pub min_words: usize,
}

impl Default for DecodeConfig {
    fn default() -> DecodeConfig {
        DecodeConfig {
            threshold: 0.3,
            max_gap: 2,
            min_words: 1,
        }
    }
}

/// A decoded span: byte offsets and a score (mean token probability).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Decoded {
    /// Start byte.
    pub start: usize,
    /// End byte (exclusive).
    pub end: usize,
    /// Mean probability of the span's tokens.
    pub score: f32,
}

/// Decodes spans from token probabilities (`probs[i]` for token `i`).
/// `skip[i]` marks tokens that may not be part of any span (boilerplate).
pub fn decode(
    d: &DocTokens,
    probs: &[f32],
    skip: Option<&[bool]>,
    cfg: &DecodeConfig,
) -> Vec<Decoded> {
    let mut out = Vec::new();
    for r in &d.sentence_tokens {
        let mut i = r.start;
        while i < r.end {
            let on = |k: usize| probs[k] >= cfg.threshold && !skip.is_some_and(|s| s[k]);
            if !on(i) {
                i += 1;
                continue;
            }
            let start = i;
            let mut end = i + 1; // exclusive
            let mut j = end;
            while j < r.end {
                if on(j) {
                    end = j + 1;
                    j += 1;
                } else if j - end < cfg.max_gap {
                    j += 1;
                } else {
                    break;
                }
            }
            // trim punctuation tokens at both ends
            let (mut a, mut b) = (start, end);
            while a < b && d.tokens[a].kind == TokenKind::Punct {
                a += 1;
            }
            while b > a && d.tokens[b - 1].kind == TokenKind::Punct {
                b -= 1;
            }
            let words = (a..b)
                .filter(|&k| d.tokens[k].kind != TokenKind::Punct)
                .count();
            if b > a && words >= cfg.min_words {
                let score = probs[a..b].iter().sum::<f32>() / (b - a) as f32;
                out.push(Decoded {
                    start: d.tokens[a].start,
                    end: d.tokens[b - 1].end,
                    score,
                });
            }
            i = end.max(i + 1);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn joins_small_gaps_and_trims_punctuation() {
        let text = "They are , evil , corrupt liars . Fine .";
        let d = DocTokens::new(text);
        // tokens: They are , evil , corrupt liars . Fine .
        let probs = [0.1, 0.1, 0.9, 0.9, 0.1, 0.9, 0.9, 0.9, 0.1, 0.1];
        let cfg = DecodeConfig {
            threshold: 0.5,
            max_gap: 1,
            min_words: 1,
        };
        let spans = decode(&d, &probs, None, &cfg);
        assert_eq!(spans.len(), 1);
        assert_eq!(&text[spans[0].start..spans[0].end], "evil , corrupt liars");
        let cfg = DecodeConfig {
            threshold: 0.5,
            max_gap: 0,
            min_words: 1,
        };
        let spans: Vec<&str> = decode(&d, &probs, None, &cfg)
            .iter()
            .map(|s| &text[s.start..s.end])
            .collect();
        assert_eq!(spans, ["evil", "corrupt liars"]);
    }

    #[test]
    fn skipped_tokens_never_join_a_span() {
        let text = "bad bad bad";
        let d = DocTokens::new(text);
        let spans = decode(
            &d,
            &[0.9, 0.9, 0.9],
            Some(&[false, true, false]),
            &DecodeConfig {
                max_gap: 0,
                ..Default::default()
            },
        );
        assert_eq!(spans.len(), 2);
    }
}
