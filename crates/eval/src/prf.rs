//! Precision, recall and F1 from numerators and counts.

/// (P, R, F1) with the official scorer's conventions: P = 0 when there is
/// nothing predicted, R = 0 when there is no gold, F1 = 0 when P + R = 0,
/// and F1 = 1 when both counts are zero.
pub(crate) fn prf(p_credit: f64, predicted: usize, r_credit: f64, gold: usize) -> (f64, f64, f64) {
    let precision = if predicted > 0 {
        p_credit / predicted as f64
    } else {
        0.0
    };
    let recall = if gold > 0 {
        r_credit / gold as f64
    } else {
        0.0
    };
    let f1 = if predicted == 0 && gold == 0 {
        1.0
    } else if precision + recall > 0.0 {
        2.0 * precision * recall / (precision + recall)
    } else {
        0.0
    };
    (precision, recall, f1)
}
