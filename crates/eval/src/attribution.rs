//! Attribution (quote) extraction measures, as used for PolNeAR.
//!
//! An attribution is a Source (speaker), a Cue and a Content, each a set of
//! code-point ranges (possibly discontinuous, possibly empty). Two measures:
//!
//! * **content F1**: a predicted and a gold attribution *match* when their
//!   contents overlap by at least half of *both* — `|p∩g| ≥ 0.5·|g|` and
//!   `|p∩g| ≥ 0.5·|p|`, lengths counting the code points of the pieces (so
//!   the gap between two pieces of a discontinuous content is not counted);
//! * **attribution F1**: a match also needs the speakers to overlap (at least
//!   one shared code point), or both attributions to have no speaker.
//!
//! Matches are one-to-one, per article, greedy by content overlap (largest
//! first, ties by position), computed separately for each measure.
//! Precision = matched predictions / predictions, recall = matched gold /
//! gold.

use std::fmt;
use std::ops::Range;

use serde::Serialize;

use crate::prf::prf;

/// One attribution of one article, in code points.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct AttributionSpans {
    /// The article id.
    pub article_id: String,
    /// Speaker pieces (empty when there is none).
    pub source: Vec<Range<usize>>,
    /// Cue pieces.
    pub cue: Vec<Range<usize>>,
    /// Content pieces.
    pub content: Vec<Range<usize>>,
}

/// Precision, recall and F1 of one measure, with its counts.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Prf {
    /// Matched predictions / predictions.
    pub precision: f64,
    /// Matched gold / gold.
    pub recall: f64,
    /// Harmonic mean.
    pub f1: f64,
    /// Number of one-to-one matches.
    pub matched: usize,
}

/// The result of [`score_attributions`].
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AttributionScore {
    /// Content-span match only.
    pub content: Prf,
    /// Content match and overlapping speakers.
    pub attribution: Prf,
    /// Predicted attributions.
    pub predicted: usize,
    /// Gold attributions.
    pub gold: usize,
}

fn length(pieces: &[Range<usize>]) -> usize {
    pieces.iter().map(|r| r.end.saturating_sub(r.start)).sum()
}

fn overlap(a: &[Range<usize>], b: &[Range<usize>]) -> usize {
    let mut total = 0;
    for x in a {
        for y in b {
            let lo = x.start.max(y.start);
            let hi = x.end.min(y.end);
            total += hi.saturating_sub(lo);
        }
    }
    total
}

fn content_overlap(p: &AttributionSpans, g: &AttributionSpans) -> Option<usize> {
    let shared = overlap(&p.content, &g.content);
    (shared > 0 && 2 * shared >= length(&g.content) && 2 * shared >= length(&p.content))
        .then_some(shared)
}

fn speakers_agree(p: &AttributionSpans, g: &AttributionSpans) -> bool {
    if g.source.is_empty() || p.source.is_empty() {
        return g.source.is_empty() && p.source.is_empty();
    }
    overlap(&p.source, &g.source) > 0
}

fn greedy_matches(
    gold: &[AttributionSpans],
    predicted: &[AttributionSpans],
    with_speaker: bool,
) -> Vec<bool> {
    let mut pairs = Vec::new();
    for (gi, g) in gold.iter().enumerate() {
        for (pi, p) in predicted.iter().enumerate() {
            if p.article_id != g.article_id {
                continue;
            }
            if let Some(shared) = content_overlap(p, g) {
                if !with_speaker || speakers_agree(p, g) {
                    pairs.push((shared, gi, pi));
                }
            }
        }
    }
    pairs.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)).then(a.2.cmp(&b.2)));
    let mut gold_used = vec![false; gold.len()];
    let mut pred_used = vec![false; predicted.len()];
    for (_, gi, pi) in pairs {
        if !gold_used[gi] && !pred_used[pi] {
            gold_used[gi] = true;
            pred_used[pi] = true;
        }
    }
    pred_used
}

/// Which predictions [`score_attributions`] matches one-to-one with a gold
/// attribution (`with_speaker`: the attribution measure, else the content
/// measure), in the order of `predicted`: the outcomes a confidence score
/// is calibrated against.
pub fn matched_predictions(
    gold: &[AttributionSpans],
    predicted: &[AttributionSpans],
    with_speaker: bool,
) -> Vec<bool> {
    greedy_matches(gold, predicted, with_speaker)
}

/// Scores predicted attributions against gold ones (all articles together).
///
/// ```
/// use unspin_eval::{score_attributions, AttributionSpans};
/// let a = |source: Vec<std::ops::Range<usize>>, content| AttributionSpans {
///     article_id: "a".into(), source, cue: vec![], content,
/// };
/// let gold = vec![a(vec![0..5], vec![12..40]), a(vec![], vec![50..60])];
/// // Content covers 20 of the 28 gold code points and 20 of its own 22: a match,
/// // with the right speaker. The second gold attribution is missed.
/// let predicted = vec![a(vec![0..3], vec![20..42])];
/// let s = score_attributions(&gold, &predicted);
/// assert_eq!((s.content.matched, s.attribution.matched), (1, 1));
/// assert_eq!(s.attribution.precision, 1.0);
/// assert_eq!(s.attribution.recall, 0.5);
/// ```
pub fn score_attributions(
    gold: &[AttributionSpans],
    predicted: &[AttributionSpans],
) -> AttributionScore {
    let measure = |with_speaker| {
        let matched = greedy_matches(gold, predicted, with_speaker)
            .into_iter()
            .filter(|&m| m)
            .count();
        let (precision, recall, f1) =
            prf(matched as f64, predicted.len(), matched as f64, gold.len());
        Prf {
            precision,
            recall,
            f1,
            matched,
        }
    };
    AttributionScore {
        content: measure(false),
        attribution: measure(true),
        predicted: predicted.len(),
        gold: gold.len(),
    }
}

impl fmt::Display for AttributionScore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "content      P {:.3}  R {:.3}  F1 {:.3}  ({} matched)",
            self.content.precision, self.content.recall, self.content.f1, self.content.matched
        )?;
        write!(
            f,
            "attribution  P {:.3}  R {:.3}  F1 {:.3}  ({} matched; {} predicted, {} gold)",
            self.attribution.precision,
            self.attribution.recall,
            self.attribution.f1,
            self.attribution.matched,
            self.predicted,
            self.gold
        )
    }
}

#[cfg(test)]
#[allow(clippy::single_range_in_vec_init)] // one-piece spans read best as [a..b]
mod tests {
    use super::*;

    fn att(id: &str, source: &[Range<usize>], content: &[Range<usize>]) -> AttributionSpans {
        AttributionSpans {
            article_id: id.into(),
            source: source.to_vec(),
            cue: vec![],
            content: content.to_vec(),
        }
    }

    #[test]
    fn half_of_both_is_required() {
        let gold = [att("a", &[], &[0..10])];
        // Covers all of gold but is 3x longer: less than half of the prediction.
        let s = score_attributions(&gold, &[att("a", &[], &[0..30])]);
        assert_eq!(s.content.matched, 0);
        // Exactly half of each side.
        let s = score_attributions(&gold, &[att("a", &[], &[5..15])]);
        assert_eq!(s.content.matched, 1);
    }

    #[test]
    fn discontinuous_gold_counts_only_its_pieces() {
        // Gold pieces 0..10 and 20..30 (20 code points); prediction 0..30
        // shares 20 of its 30: a match.
        let gold = [att("a", &[], &[0..10, 20..30])];
        let s = score_attributions(&gold, &[att("a", &[], &[0..30])]);
        assert_eq!(s.content.matched, 1);
    }

    #[test]
    fn matches_are_one_to_one_and_per_article() {
        let gold = [att("a", &[0..2], &[10..20])];
        let predicted = [
            att("a", &[0..2], &[10..20]),
            att("a", &[0..2], &[11..20]),
            att("b", &[0..2], &[10..20]),
        ];
        let s = score_attributions(&gold, &predicted);
        assert_eq!(s.content.matched, 1);
        assert!((s.content.precision - 1.0 / 3.0).abs() < 1e-12);
        assert_eq!(s.content.recall, 1.0);
    }

    #[test]
    fn speakers_must_overlap_or_both_be_absent() {
        let gold = [att("a", &[0..4], &[10..20]), att("a", &[], &[30..40])];
        let predicted = [att("a", &[5..8], &[10..20]), att("a", &[], &[30..40])];
        let s = score_attributions(&gold, &predicted);
        assert_eq!(s.content.matched, 2);
        assert_eq!(s.attribution.matched, 1);
        let s = score_attributions(&gold, &[att("a", &[0..1], &[30..40])]);
        assert_eq!(s.attribution.matched, 0);
    }

    #[test]
    fn empty_sides_follow_the_official_conventions() {
        let s = score_attributions(&[], &[]);
        assert_eq!(s.attribution.f1, 1.0);
        let s = score_attributions(&[att("a", &[], &[0..3])], &[]);
        assert_eq!(
            (s.content.precision, s.content.recall, s.content.f1),
            (0.0, 0.0, 0.0)
        );
    }
}
