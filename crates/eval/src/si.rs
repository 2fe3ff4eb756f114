//! Span identification (SI): partial-overlap precision and recall.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use serde::{Deserialize, Serialize};

use crate::prf::prf;
use crate::LabeledSpan;

/// The result of [`score_si`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SiScore {
    /// Σ over predicted spans s and gold spans t of |s∩t| / |s|, divided by |S|.
    pub precision: f64,
    /// Σ over gold spans t and predicted spans s of |s∩t| / |t|, divided by |T|.
    pub recall: f64,
    /// Harmonic mean of precision and recall (see [`score_si`] for the
    /// conventions when a side is empty).
    pub f1: f64,
    /// The numerator of `precision`.
    pub precision_credit: f64,
    /// The numerator of `recall`.
    pub recall_credit: f64,
    /// |S|: predicted spans after merging overlapping ones.
    pub predicted_spans: usize,
    /// |T|: gold spans after merging overlapping ones.
    pub gold_spans: usize,
    /// Predicted spans as given (before dropping empty and merging overlapping ones).
    pub predicted_input: usize,
    /// Gold spans as given (before dropping empty and merging overlapping ones).
    pub gold_input: usize,
    /// Articles that have a gold or a predicted span.
    pub articles: usize,
}

/// Scores span identification the way the official SemEval-2020 Task 11 SI
/// scorer does (with its `-m` option, which merges overlapping predictions).
///
/// Techniques are ignored. Within each article, spans that share at least
/// one code point are merged, separately on the gold side and on the
/// predicted side; spans that merely touch (`a.end == b.start`) stay apart,
/// and empty spans are dropped. With C(s, t, h) = |s∩t| / h:
///
/// * precision P = Σ_s Σ_t C(s, t, |s|) / |S|
/// * recall    R = Σ_t Σ_s C(s, t, |t|) / |T|
///
/// where S are the predicted and T the gold spans of all articles (a span
/// only meets spans of its own article). P = 0 when |S| = 0 and R = 0 when
/// |T| = 0. F1 = 2PR / (P + R), 0 when P + R = 0, except that, like the
/// official scorer, F1 = 1 when both sides are empty. Gold spans of an
/// article without predictions count in |T|; predictions for an article
/// without gold spans count in |S|.
///
/// `gold` and `predicted` may come in any order.
///
/// ```
/// use unspin_eval::{score_si, LabeledSpan};
///
/// let gold = [LabeledSpan::si("a", 0, 10)];
/// let predicted = [LabeledSpan::si("a", 5, 15)];
/// let s = score_si(&gold, &predicted);
/// // 5 shared code points: P = 5/10, R = 5/10.
/// assert_eq!((s.precision, s.recall, s.f1), (0.5, 0.5, 0.5));
/// ```
pub fn score_si(gold: &[LabeledSpan], predicted: &[LabeledSpan]) -> SiScore {
    let gold_by_article = merged_by_article(gold);
    let pred_by_article = merged_by_article(predicted);
    let count = |m: &BTreeMap<&str, Vec<(usize, usize)>>| m.values().map(Vec::len).sum::<usize>();
    let (gold_spans, predicted_spans) = (count(&gold_by_article), count(&pred_by_article));

    let (mut precision_credit, mut recall_credit) = (0.0, 0.0);
    for (article, pred) in &pred_by_article {
        if let Some(gold) = gold_by_article.get(article) {
            let (p, r) = credit(pred, gold);
            precision_credit += p;
            recall_credit += r;
        }
    }
    let (precision, recall, f1) = prf(precision_credit, predicted_spans, recall_credit, gold_spans);
    let articles: BTreeSet<&str> = gold
        .iter()
        .chain(predicted)
        .map(|s| s.article.as_str())
        .collect();
    SiScore {
        precision,
        recall,
        f1,
        precision_credit,
        recall_credit,
        predicted_spans,
        gold_spans,
        predicted_input: predicted.len(),
        gold_input: gold.len(),
        articles: articles.len(),
    }
}

/// Per article, the non-empty spans sorted and with overlapping ones merged.
fn merged_by_article(spans: &[LabeledSpan]) -> BTreeMap<&str, Vec<(usize, usize)>> {
    let mut by_article: BTreeMap<&str, Vec<(usize, usize)>> = BTreeMap::new();
    for s in spans.iter().filter(|s| !s.is_empty()) {
        by_article
            .entry(&s.article)
            .or_default()
            .push((s.start, s.end));
    }
    for spans in by_article.values_mut() {
        spans.sort_unstable();
        let mut merged: Vec<(usize, usize)> = Vec::with_capacity(spans.len());
        for &(start, end) in spans.iter() {
            match merged.last_mut() {
                // Shares at least one code point with the previous span.
                Some(last) if start < last.1 => last.1 = last.1.max(end),
                _ => merged.push((start, end)),
            }
        }
        *spans = merged;
    }
    by_article
}

/// (Σ_s Σ_t |s∩t|/|s|, Σ_t Σ_s |s∩t|/|t|) for two sorted lists of disjoint,
/// non-empty spans of one article.
fn credit(pred: &[(usize, usize)], gold: &[(usize, usize)]) -> (f64, f64) {
    let (mut p, mut r) = (0.0, 0.0);
    let (mut i, mut j) = (0, 0);
    while i < pred.len() && j < gold.len() {
        let ((ps, pe), (gs, ge)) = (pred[i], gold[j]);
        let shared = pe.min(ge).saturating_sub(ps.max(gs));
        if shared > 0 {
            p += shared as f64 / (pe - ps) as f64;
            r += shared as f64 / (ge - gs) as f64;
        }
        // The span that ends first can meet nothing further on the other side.
        if pe <= ge {
            i += 1;
        }
        if ge <= pe {
            j += 1;
        }
    }
    (p, r)
}

impl fmt::Display for SiScore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "SI (span identification, partial overlap) over {} articles",
            self.articles
        )?;
        writeln!(
            f,
            "  precision {:.4}  ({:.4} / {} predicted spans; {} before merging)",
            self.precision, self.precision_credit, self.predicted_spans, self.predicted_input
        )?;
        writeln!(
            f,
            "  recall    {:.4}  ({:.4} / {} gold spans; {} before merging)",
            self.recall, self.recall_credit, self.gold_spans, self.gold_input
        )?;
        writeln!(f, "  F1        {:.4}", self.f1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn si(article: &str, start: usize, end: usize) -> LabeledSpan {
        LabeledSpan::si(article, start, end)
    }

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 1e-12
    }

    #[test]
    fn exact_match_is_perfect() {
        let gold = [si("1", 0, 10), si("1", 20, 30), si("2", 5, 6)];
        let s = score_si(&gold, &gold);
        assert_eq!((s.precision, s.recall, s.f1), (1.0, 1.0, 1.0));
        assert_eq!((s.predicted_spans, s.gold_spans, s.articles), (3, 3, 2));
    }

    #[test]
    fn partial_overlap() {
        // gold t = [0, 10) (|t| = 10), prediction s = [6, 14) (|s| = 8), |s∩t| = [6, 10) = 4.
        // P = C(s,t,|s|) / |S| = (4/8) / 1 = 0.5
        // R = C(s,t,|t|) / |T| = (4/10) / 1 = 0.4
        // F1 = 2 * 0.5 * 0.4 / (0.5 + 0.4) = 0.4 / 0.9 = 4/9
        let s = score_si(&[si("1", 0, 10)], &[si("1", 6, 14)]);
        assert!(close(s.precision, 0.5));
        assert!(close(s.recall, 0.4));
        assert!(close(s.f1, 4.0 / 9.0));
        assert!(close(s.precision_credit, 0.5) && close(s.recall_credit, 0.4));
    }

    #[test]
    fn overlapping_spans_are_merged_on_each_side() {
        // Gold [0,10) and [5,15) merge into [0,15); [15,20) only touches it and stays apart:
        // T = {[0,15), [15,20)}, |T| = 2.
        // Predictions [0,4), [2,6) and [3,5) merge into [0,6); [30,40) overlaps nothing:
        // S = {[0,6), [30,40)}, |S| = 2.
        // [0,6) ∩ [0,15) = 6: precision credit 6/6 = 1, recall credit 6/15 = 0.4.
        // P = 1 / 2 = 0.5; R = 0.4 / 2 = 0.2; F1 = 2*0.5*0.2/0.7 = 0.2/0.7 = 2/7.
        let gold = [si("1", 0, 10), si("1", 5, 15), si("1", 15, 20)];
        let pred = [si("1", 2, 6), si("1", 0, 4), si("1", 30, 40), si("1", 3, 5)];
        let s = score_si(&gold, &pred);
        assert_eq!(
            (
                s.gold_spans,
                s.predicted_spans,
                s.gold_input,
                s.predicted_input
            ),
            (2, 2, 3, 4)
        );
        assert!(close(s.precision, 0.5));
        assert!(close(s.recall, 0.2));
        assert!(close(s.f1, 2.0 / 7.0));
    }

    #[test]
    fn one_prediction_covering_two_gold_spans() {
        // Gold [0,10) and [20,30); prediction [5,25), |s| = 20.
        // |s∩t1| = [5,10) = 5, |s∩t2| = [20,25) = 5.
        // P = (5/20 + 5/20) / 1 = 0.5
        // R = (5/10 + 5/10) / 2 = 0.5
        // F1 = 0.5
        let s = score_si(&[si("1", 0, 10), si("1", 20, 30)], &[si("1", 5, 25)]);
        assert!(close(s.precision, 0.5));
        assert!(close(s.recall, 0.5));
        assert!(close(s.f1, 0.5));
    }

    #[test]
    fn empty_prediction_set() {
        let s = score_si(&[si("1", 0, 10)], &[]);
        assert_eq!((s.precision, s.recall, s.f1), (0.0, 0.0, 0.0));
        assert_eq!((s.predicted_spans, s.gold_spans), (0, 1));
        // Both sides empty: the official scorer's convention, F1 = 1.
        let s = score_si(&[], &[]);
        assert_eq!((s.precision, s.recall, s.f1), (0.0, 0.0, 1.0));
    }

    #[test]
    fn article_with_no_gold_spans_and_article_only_in_gold() {
        // Article "1": exact match [0,10). Article "2": prediction [0,5), no gold.
        // Article "3": gold [0,4), no prediction.
        // |S| = 2, |T| = 2. P = (1 + 0) / 2 = 0.5; R = (1 + 0) / 2 = 0.5; F1 = 0.5.
        let gold = [si("1", 0, 10), si("3", 0, 4)];
        let pred = [si("1", 0, 10), si("2", 0, 5)];
        let s = score_si(&gold, &pred);
        assert!(close(s.precision, 0.5));
        assert!(close(s.recall, 0.5));
        assert!(close(s.f1, 0.5));
        assert_eq!(s.articles, 3);
    }

    #[test]
    fn prediction_for_an_article_not_in_gold_only_lowers_precision() {
        // Gold: article "1" [0,10). Predictions: "1" [0,10) and "9" [0,10), unknown to gold.
        // P = 1/2, R = 1/1, F1 = 2*0.5*1/1.5 = 2/3.
        let s = score_si(&[si("1", 0, 10)], &[si("1", 0, 10), si("9", 0, 10)]);
        assert!(close(s.precision, 0.5));
        assert!(close(s.recall, 1.0));
        assert!(close(s.f1, 2.0 / 3.0));
    }

    #[test]
    fn same_offsets_in_different_articles_do_not_meet() {
        let s = score_si(&[si("1", 0, 10)], &[si("2", 0, 10)]);
        assert_eq!((s.precision, s.recall, s.f1), (0.0, 0.0, 0.0));
    }

    #[test]
    fn techniques_are_ignored_and_empty_spans_dropped() {
        let gold = [
            LabeledSpan::tc("1", "Doubt", 0, 10),
            LabeledSpan::tc("1", "Slogans", 3, 3),
        ];
        let pred = [LabeledSpan::tc("1", "Loaded_Language", 0, 10)];
        let s = score_si(&gold, &pred);
        assert_eq!((s.precision, s.recall, s.f1), (1.0, 1.0, 1.0));
        assert_eq!((s.gold_spans, s.gold_input), (1, 2));
    }

    #[test]
    fn display_shows_the_arithmetic() {
        let text = score_si(&[si("1", 0, 10)], &[si("1", 6, 14)]).to_string();
        assert!(
            text.contains("precision 0.5000  (0.5000 / 1 predicted spans"),
            "{text}"
        );
        assert!(text.contains("F1        0.4444"), "{text}");
    }
}
