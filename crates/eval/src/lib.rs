//! The official SemEval-2020 Task 11 measures, as pure functions.
//!
//! The task has two subtasks, each with its own scorer here:
//!
//! * **SI**, span identification ([`score_si`]): find the propagandistic
//!   fragments of an article; scored with partial-overlap precision and
//!   recall, techniques ignored.
//! * **TC**, technique classification ([`score_tc`]): name the technique of
//!   each fragment; scored with micro-averaged F1 over (article, span,
//!   technique), plus per-technique scores.
//!
//! Annotations are [`LabeledSpan`]s whose offsets are **Unicode code points**
//! (end exclusive), the unit of the PTC files; unspin's writers convert a
//! document's byte offsets to code points before handing spans to this crate.
//! The crate does no I/O: [`parse_si_lines`] and [`parse_tc_lines`] read the
//! tab-separated formats from strings and report malformed lines with their
//! 1-based line number ([`parse_attribution_lines`] and [`write_attribution_line`]
//! do the same for the attribution prediction lines). Results are plain data ([`SiScore`], [`TcScore`])
//! that serialise with serde and print as text.
//!
//! ```
//! use unspin_eval::{parse_tc_lines, score_si, score_tc};
//!
//! let gold = parse_tc_lines("111\tDoubt\t0\t10\n111\tSlogans\t20\t30\n").unwrap();
//! let predicted = parse_tc_lines("111\tDoubt\t0\t10\n111\tDoubt\t25\t35\n").unwrap();
//!
//! let si = score_si(&gold, &predicted);
//! // Predictions: [0,10) fully inside gold (credit 1), [25,35) half inside (5/10 = 0.5).
//! assert_eq!(si.precision, (1.0 + 0.5) / 2.0);
//! // Gold: [0,10) fully found (1), [20,30) half found (5/10 = 0.5).
//! assert_eq!(si.recall, (1.0 + 0.5) / 2.0);
//!
//! let tc = score_tc(&gold, &predicted);
//! assert_eq!(tc.correct, 1);
//! assert_eq!(tc.f1, 0.5);
//! println!("{si}\n{tc}");
//! ```
#![deny(missing_docs)]

mod attribution;
mod attribution_lines;
mod calibration;
mod parse;
mod prf;
mod si;
mod span;
mod tc;

pub use attribution::{
    matched_predictions, score_attributions, AttributionScore, AttributionSpans, Prf,
};
pub use attribution_lines::{
    parse_attribution_lines, write_attribution_line, AttributionLineError, AttributionLineErrorKind,
};
pub use calibration::{ece, Logistic};
pub use parse::{parse_si_lines, parse_tc_lines, ParseError, ParseErrorKind};
pub use si::{score_si, SiScore};
pub use span::LabeledSpan;
pub use tc::{score_tc, TcScore, TechniqueScore, NO_TECHNIQUE};

#[cfg(test)]
mod proptests {
    use proptest::prelude::*;

    use super::*;

    fn spans() -> impl Strategy<Value = Vec<LabeledSpan>> {
        let span = (0..3usize, 0..4usize, 0..60usize, 0..15usize).prop_map(|(a, t, start, len)| {
            let techniques = ["Doubt", "Slogans", "Loaded_Language", "Repetition"];
            LabeledSpan::tc(format!("a{a}"), techniques[t], start, start + len)
        });
        proptest::collection::vec(span, 0..12)
    }

    fn in_unit(x: f64) -> bool {
        (0.0..=1.0).contains(&x)
    }

    proptest! {
        #[test]
        fn scores_lie_in_the_unit_interval(gold in spans(), pred in spans()) {
            let si = score_si(&gold, &pred);
            prop_assert!(in_unit(si.precision) && in_unit(si.recall) && in_unit(si.f1), "{si:?}");
            let tc = score_tc(&gold, &pred);
            prop_assert!(in_unit(tc.precision) && in_unit(tc.recall) && in_unit(tc.f1), "{tc:?}");
            for t in &tc.per_technique {
                prop_assert!(in_unit(t.precision) && in_unit(t.recall) && in_unit(t.f1), "{t:?}");
            }
        }

        #[test]
        fn predicting_gold_exactly_is_perfect(gold in spans()) {
            let si = score_si(&gold, &gold);
            prop_assert_eq!(si.f1, 1.0);
            if gold.iter().any(|s| !s.is_empty()) {
                prop_assert_eq!((si.precision, si.recall), (1.0, 1.0));
            }
            let tc = score_tc(&gold, &gold);
            prop_assert_eq!(tc.f1, 1.0);
            if !gold.is_empty() {
                prop_assert_eq!((tc.precision, tc.recall), (1.0, 1.0));
            }
        }

        #[test]
        fn swapping_gold_and_predictions_swaps_precision_and_recall(gold in spans(), pred in spans()) {
            let (a, b) = (score_si(&gold, &pred), score_si(&pred, &gold));
            prop_assert!((a.precision - b.recall).abs() < 1e-9 && (a.recall - b.precision).abs() < 1e-9);
            let (a, b) = (score_tc(&gold, &pred), score_tc(&pred, &gold));
            prop_assert!((a.precision - b.recall).abs() < 1e-9 && (a.recall - b.precision).abs() < 1e-9);
        }
    }
}
