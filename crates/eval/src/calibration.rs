//! Whether scores mean what they say: expected calibration error, and a
//! logistic map from a raw score to a probability fitted to outcomes.

use serde::{Deserialize, Serialize};

/// Expected calibration error over 10 equal-width bins: the gap between the
/// mean score and the share of right answers in each bin, weighted by the
/// bin's size. `pairs` are (score in [0, 1], right).
///
/// ```
/// use unspin_eval::ece;
/// // Scores of 0.9, right 9 times in 10: calibrated.
/// let pairs: Vec<(f32, bool)> = (0..10).map(|i| (0.9, i < 9)).collect();
/// assert!(ece(&pairs) < 1e-6);
/// // Scores of 1.0, right half the time: off by 0.5.
/// assert!((ece(&[(1.0, true), (1.0, false)]) - 0.5).abs() < 1e-9);
/// ```
pub fn ece(pairs: &[(f32, bool)]) -> f64 {
    if pairs.is_empty() {
        return 0.0;
    }
    let mut bins = [(0usize, 0.0f64, 0usize); 10];
    for &(p, ok) in pairs {
        let b = ((p.clamp(0.0, 1.0) * 10.0) as usize).min(9);
        bins[b].0 += 1;
        bins[b].1 += f64::from(p);
        bins[b].2 += usize::from(ok);
    }
    let n = pairs.len() as f64;
    bins.iter()
        .filter(|b| b.0 > 0)
        .map(|&(c, conf, right)| (c as f64 / n) * (conf / c as f64 - right as f64 / c as f64).abs())
        .sum()
}

/// A logistic map `sigmoid(a · x + b)` from a raw score `x` (a margin, a
/// logit) to a probability.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Logistic {
    /// Slope.
    pub a: f32,
    /// Intercept.
    pub b: f32,
}

impl Logistic {
    /// `sigmoid(x)`: the raw score taken as a logit.
    pub const IDENTITY: Logistic = Logistic { a: 1.0, b: 0.0 };

    /// The probability for raw score `x`.
    pub fn apply(&self, x: f32) -> f32 {
        1.0 / (1.0 + (-(self.a * x + self.b)).exp())
    }

    /// Fits `a` and `b` to (raw score, right) pairs by maximum likelihood
    /// (Newton's method on the standardised score); the identity when
    /// `pairs` is empty or the fit does not stay finite.
    ///
    /// ```
    /// use unspin_eval::Logistic;
    /// // Margins far too large: a logit of 20 is right only 3 times in 4.
    /// let pairs: Vec<(f64, bool)> = (0..400).map(|i| (20.0 + f64::from(i % 10), i % 4 != 0)).collect();
    /// let fit = Logistic::fit(&pairs);
    /// assert!((fit.apply(25.0) - 0.75).abs() < 0.02, "{fit:?}");
    /// ```
    pub fn fit(pairs: &[(f64, bool)]) -> Logistic {
        if pairs.is_empty() {
            return Logistic::IDENTITY;
        }
        // Newton's method on the standardised score, from the flat map
        // (every step well conditioned whatever the raw scale), then back.
        let n = pairs.len() as f64;
        let mean = pairs.iter().map(|p| p.0).sum::<f64>() / n;
        let sd = (pairs.iter().map(|p| (p.0 - mean).powi(2)).sum::<f64>() / n).sqrt();
        let z = |x: f64| if sd > 0.0 { (x - mean) / sd } else { 0.0 };
        let (mut a, mut b) = (0.0f64, 0.0f64);
        for _ in 0..50 {
            let (mut ga, mut gb, mut haa, mut hab, mut hbb) = (0.0, 0.0, 1e-6, 0.0, 1e-6);
            for &(x, y) in pairs {
                let x = z(x);
                let p = 1.0 / (1.0 + (-(a * x + b)).exp());
                let r = p - f64::from(u8::from(y));
                let w = p * (1.0 - p);
                ga += r * x;
                gb += r;
                haa += w * x * x;
                hab += w * x;
                hbb += w;
            }
            let det = haa * hbb - hab * hab;
            if det.abs() < 1e-12 {
                break;
            }
            let da = (hbb * ga - hab * gb) / det;
            let db = (haa * gb - hab * ga) / det;
            a -= da;
            b -= db;
            if da.abs() + db.abs() < 1e-9 {
                break;
            }
        }
        let (a, b) = if sd > 0.0 {
            (a / sd, b - a * mean / sd)
        } else {
            (0.0, b)
        };
        if a.is_finite() && b.is_finite() {
            Logistic {
                a: a as f32,
                b: b as f32,
            }
        } else {
            Logistic::IDENTITY
        }
    }
}

impl Default for Logistic {
    fn default() -> Logistic {
        Logistic::IDENTITY
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_fit_orders_scores_as_the_raw_ones_and_keeps_the_rate() {
        // Right with probability rising in x.
        let pairs: Vec<(f64, bool)> = (0..1000)
            .map(|i| {
                let x = f64::from(i) / 100.0;
                (x, (i * 7919) % 1000 < i)
            })
            .collect();
        let fit = Logistic::fit(&pairs);
        assert!(fit.a > 0.0, "{fit:?}");
        let mean: f64 = pairs
            .iter()
            .map(|&(x, _)| f64::from(fit.apply(x as f32)))
            .sum::<f64>()
            / pairs.len() as f64;
        let rate = pairs.iter().filter(|p| p.1).count() as f64 / pairs.len() as f64;
        assert!((mean - rate).abs() < 0.01, "{mean} vs {rate}");
    }

    #[test]
    fn degenerate_inputs_give_a_finite_map() {
        for pairs in [
            vec![],
            vec![(3.0, true); 20],
            vec![(f64::from(1e6f32), false); 5],
        ] {
            let fit = Logistic::fit(&pairs);
            assert!(fit.a.is_finite() && fit.b.is_finite(), "{fit:?}");
            assert!(fit.apply(1.0).is_finite());
        }
    }

    #[test]
    fn ece_of_nothing_is_zero() {
        assert_eq!(ece(&[]), 0.0);
    }
}
