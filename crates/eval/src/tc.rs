//! Technique classification (TC): micro-averaged and per-technique scores.

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Serialize};

use crate::prf::prf;
use crate::LabeledSpan;

/// The label under which spans without a technique are counted in TC.
pub const NO_TECHNIQUE: &str = "(none)";

/// Precision, recall and F1 of one technique in [`TcScore::per_technique`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TechniqueScore {
    /// The technique label ([`NO_TECHNIQUE`] for spans without one).
    pub technique: String,
    /// `correct / predicted`, 0 when nothing was predicted with this label.
    pub precision: f64,
    /// `correct / support`, 0 when the gold has no span with this label.
    pub recall: f64,
    /// Harmonic mean of precision and recall, 0 when both are 0.
    pub f1: f64,
    /// Gold spans with this technique.
    pub support: usize,
    /// Predicted spans with this technique.
    pub predicted: usize,
    /// Predicted spans with this technique matched one-to-one to a gold span
    /// with the same article, offsets and technique.
    pub correct: usize,
}

/// The result of [`score_tc`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TcScore {
    /// Micro-averaged precision: `correct / predicted`.
    pub precision: f64,
    /// Micro-averaged recall: `correct / gold`.
    pub recall: f64,
    /// Micro-averaged F1 (the official SemEval TC measure).
    pub f1: f64,
    /// Predictions matched one-to-one to identical gold annotations.
    pub correct: usize,
    /// Number of predictions.
    pub predicted: usize,
    /// Number of gold annotations.
    pub gold: usize,
    /// One entry per label in gold ∪ predicted, sorted by label.
    pub per_technique: Vec<TechniqueScore>,
}

type Key<'a> = (&'a str, usize, usize, &'a str);

/// Scores technique classification: micro-averaged precision, recall and F1
/// over the multiset of (article, start, end, technique) annotations, plus
/// the same per technique.
///
/// A prediction is correct when it can be matched one-to-one to a gold
/// annotation with the same article, offsets and technique. Gold may hold
/// the same span several times with different techniques, or even the same
/// (span, technique) twice; each copy can be matched by one prediction, so
/// a (span, technique) that is `g` times in gold and `p` times in the
/// predictions gives `min(g, p)` correct. This is the matching the official
/// scorer achieves by aligning the labels of identical spans. In the
/// official setup every gold span gets exactly one prediction, so micro
/// P = R = F1 (accuracy); this function also handles missing or extra
/// predictions. Conventions for empty sides are those of [`score_si`].
///
/// [`score_si`]: crate::score_si
///
/// ```
/// use unspin_eval::{score_tc, LabeledSpan};
///
/// let gold = [LabeledSpan::tc("a", "Doubt", 0, 9), LabeledSpan::tc("a", "Slogans", 20, 30)];
/// let predicted = [LabeledSpan::tc("a", "Doubt", 0, 9), LabeledSpan::tc("a", "Doubt", 20, 30)];
/// let s = score_tc(&gold, &predicted);
/// assert_eq!((s.correct, s.f1), (1, 0.5));
/// assert_eq!(s.per_technique[0].technique, "Doubt");
/// assert_eq!(s.per_technique[0].precision, 0.5);
/// ```
pub fn score_tc(gold: &[LabeledSpan], predicted: &[LabeledSpan]) -> TcScore {
    // (gold count, predicted count) per annotation.
    let mut counts: BTreeMap<Key<'_>, (usize, usize)> = BTreeMap::new();
    for s in gold {
        counts.entry(key(s)).or_default().0 += 1;
    }
    for s in predicted {
        counts.entry(key(s)).or_default().1 += 1;
    }

    // (support, predicted, correct) per technique.
    let mut per: BTreeMap<&str, (usize, usize, usize)> = BTreeMap::new();
    for (&(_, _, _, technique), &(g, p)) in &counts {
        let e = per.entry(technique).or_default();
        e.0 += g;
        e.1 += p;
        e.2 += g.min(p);
    }
    let correct: usize = per.values().map(|e| e.2).sum();
    let per_technique = per
        .into_iter()
        .map(|(technique, (support, predicted, correct))| {
            let (precision, recall, f1) = prf(correct as f64, predicted, correct as f64, support);
            TechniqueScore {
                technique: technique.to_string(),
                precision,
                recall,
                f1,
                support,
                predicted,
                correct,
            }
        })
        .collect();

    let (precision, recall, f1) = prf(correct as f64, predicted.len(), correct as f64, gold.len());
    TcScore {
        precision,
        recall,
        f1,
        correct,
        predicted: predicted.len(),
        gold: gold.len(),
        per_technique,
    }
}

fn key(s: &LabeledSpan) -> Key<'_> {
    (
        &s.article,
        s.start,
        s.end,
        s.technique.as_deref().unwrap_or(NO_TECHNIQUE),
    )
}

/// An aligned plain-text table: one row per technique, then the micro average.
impl fmt::Display for TcScore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let width = self
            .per_technique
            .iter()
            .map(|t| t.technique.chars().count())
            .max()
            .unwrap_or(0)
            .max(9);
        writeln!(
            f,
            "{:<width$}  {:>6}  {:>6}  {:>6}  {:>7}  {:>9}  {:>7}",
            "technique", "P", "R", "F1", "support", "predicted", "correct"
        )?;
        for t in &self.per_technique {
            writeln!(
                f,
                "{:<width$}  {:>6.4}  {:>6.4}  {:>6.4}  {:>7}  {:>9}  {:>7}",
                t.technique, t.precision, t.recall, t.f1, t.support, t.predicted, t.correct
            )?;
        }
        writeln!(
            f,
            "{:<width$}  {:>6.4}  {:>6.4}  {:>6.4}  {:>7}  {:>9}  {:>7}",
            "micro avg",
            self.precision,
            self.recall,
            self.f1,
            self.gold,
            self.predicted,
            self.correct
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tc(article: &str, technique: &str, start: usize, end: usize) -> LabeledSpan {
        LabeledSpan::tc(article, technique, start, end)
    }

    fn by_label<'a>(s: &'a TcScore, label: &str) -> &'a TechniqueScore {
        s.per_technique
            .iter()
            .find(|t| t.technique == label)
            .unwrap()
    }

    #[test]
    fn exact_match_is_perfect() {
        let gold = [
            tc("1", "Doubt", 0, 5),
            tc("1", "Slogans", 5, 9),
            tc("2", "Doubt", 0, 5),
        ];
        let s = score_tc(&gold, &gold);
        assert_eq!((s.precision, s.recall, s.f1, s.correct), (1.0, 1.0, 1.0, 3));
        assert_eq!(by_label(&s, "Doubt").support, 2);
    }

    #[test]
    fn official_setup_gives_p_equal_r_equal_f1() {
        // 4 gold spans, one prediction each, 3 with the right technique: P = R = F1 = 3/4.
        let gold = [
            tc("1", "Doubt", 0, 5),
            tc("1", "Slogans", 5, 9),
            tc("1", "Repetition", 10, 12),
            tc("2", "Doubt", 0, 5),
        ];
        let mut pred = gold.to_vec();
        pred[2].technique = Some("Slogans".into());
        let s = score_tc(&gold, &pred);
        assert_eq!((s.precision, s.recall, s.f1), (0.75, 0.75, 0.75));
        // Slogans: predicted twice, right once, one gold span: P = 1/2, R = 1/1, F1 = 2/3.
        let slogans = by_label(&s, "Slogans");
        assert_eq!(
            (
                slogans.precision,
                slogans.recall,
                slogans.support,
                slogans.predicted
            ),
            (0.5, 1.0, 1, 2)
        );
        assert!((slogans.f1 - 2.0 / 3.0).abs() < 1e-12);
        // Repetition: never predicted: P = 0, R = 0, F1 = 0.
        let rep = by_label(&s, "Repetition");
        assert_eq!(
            (rep.precision, rep.recall, rep.f1, rep.predicted),
            (0.0, 0.0, 0.0, 0)
        );
    }

    #[test]
    fn duplicate_gold_spans_with_different_techniques_match_one_to_one() {
        // Gold has [0,10) twice (Doubt, Loaded_Language) and [20,30) Slogans twice.
        let gold = [
            tc("1", "Doubt", 0, 10),
            tc("1", "Loaded_Language", 0, 10),
            tc("1", "Slogans", 20, 30),
            tc("1", "Slogans", 20, 30),
        ];
        // Predicting the same technique twice for [0,10) earns one match, not two;
        // predicting Slogans twice for [20,30) earns two.
        let pred = [
            tc("1", "Doubt", 0, 10),
            tc("1", "Doubt", 0, 10),
            tc("1", "Slogans", 20, 30),
            tc("1", "Slogans", 20, 30),
        ];
        let s = score_tc(&gold, &pred);
        // correct = min(1,2) [Doubt] + min(1,0) [Loaded] + min(2,2) [Slogans] = 3 of 4: P = R = 0.75.
        assert_eq!(
            (s.correct, s.precision, s.recall, s.f1),
            (3, 0.75, 0.75, 0.75)
        );
        let doubt = by_label(&s, "Doubt");
        assert_eq!(
            (doubt.precision, doubt.recall, doubt.correct),
            (0.5, 1.0, 1)
        );
        let loaded = by_label(&s, "Loaded_Language");
        assert_eq!(
            (loaded.recall, loaded.predicted, loaded.support),
            (0.0, 0, 1)
        );
        assert_eq!(by_label(&s, "Slogans").f1, 1.0);
    }

    #[test]
    fn missing_and_extra_predictions() {
        // Gold 2 spans; 1 correct prediction, 1 prediction for an article not in gold,
        // 1 prediction with shifted offsets. P = 1/3, R = 1/2, F1 = 2*(1/3)(1/2)/(5/6) = 0.4.
        let gold = [tc("1", "Doubt", 0, 5), tc("1", "Doubt", 10, 15)];
        let pred = [
            tc("1", "Doubt", 0, 5),
            tc("7", "Doubt", 0, 5),
            tc("1", "Doubt", 10, 16),
        ];
        let s = score_tc(&gold, &pred);
        assert!((s.precision - 1.0 / 3.0).abs() < 1e-12);
        assert_eq!(s.recall, 0.5);
        assert!((s.f1 - 0.4).abs() < 1e-12);
    }

    #[test]
    fn empty_sides() {
        let gold = [tc("1", "Doubt", 0, 5)];
        let s = score_tc(&gold, &[]);
        assert_eq!(
            (s.precision, s.recall, s.f1, s.predicted),
            (0.0, 0.0, 0.0, 0)
        );
        assert_eq!(s.per_technique.len(), 1);
        let s = score_tc(&[], &gold);
        assert_eq!((s.precision, s.recall, s.f1), (0.0, 0.0, 0.0));
        let s = score_tc(&[], &[]);
        assert_eq!((s.f1, s.per_technique.len()), (1.0, 0));
    }

    #[test]
    fn spans_without_technique_form_their_own_class() {
        let s = score_tc(&[tc("1", "Doubt", 0, 5)], &[LabeledSpan::si("1", 0, 5)]);
        assert_eq!(s.correct, 0);
        assert!(s.per_technique.iter().any(|t| t.technique == NO_TECHNIQUE));
    }

    #[test]
    fn table_lists_every_label_and_the_micro_average() {
        let gold = [
            tc("1", "Name_Calling,Labeling", 0, 5),
            tc("1", "Doubt", 6, 9),
        ];
        let pred = [
            tc("1", "Name_Calling,Labeling", 0, 5),
            tc("1", "Slogans", 6, 9),
        ];
        let table = score_tc(&gold, &pred).to_string();
        let lines: Vec<&str> = table.lines().collect();
        assert_eq!(lines.len(), 5, "{table}");
        assert!(lines[0].starts_with("technique"));
        assert!(
            lines[2].starts_with(
                "Name_Calling,Labeling  1.0000  1.0000  1.0000        1          1        1"
            ),
            "{table}"
        );
        assert!(
            lines[4].starts_with("micro avg") && lines[4].contains("0.5000"),
            "{table}"
        );
        let widths: Vec<usize> = lines.iter().map(|l| l.len()).collect();
        assert!(widths.windows(2).all(|w| w[0] == w[1]), "{table}");
    }
}
