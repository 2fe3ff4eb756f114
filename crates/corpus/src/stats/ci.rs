//! The interval arithmetic of `corpus stats`: Wilson score intervals for
//! proportions, Garwood (exact Poisson) intervals for counts, the
//! linearised (delta-method) variance of a ratio estimator with articles as
//! clusters, and a percentile bootstrap over articles with a deterministic
//! generator. Pure functions; nothing here knows about SQL.

/// The two-sided 95 % standard normal quantile.
pub(crate) const Z95: f64 = 1.959_963_984_540_054;

/// An interval `[low, high]`.
pub(crate) type Bounds = (f64, f64);

/// The Wilson score interval of `k` successes in `n` trials (`None` when
/// `n` is 0). Never degenerate for `n > 0`: 0 of 3 gives `[0, 0.56]`.
pub(crate) fn wilson(k: f64, n: f64) -> Option<Bounds> {
    if n <= 0.0 || !n.is_finite() || !k.is_finite() {
        return None;
    }
    let p = (k / n).clamp(0.0, 1.0);
    let z2 = Z95 * Z95;
    let denom = 1.0 + z2 / n;
    let centre = (p + z2 / (2.0 * n)) / denom;
    let half = Z95 * (p * (1.0 - p) / n + z2 / (4.0 * n * n)).sqrt() / denom;
    Some(((centre - half).max(0.0), (centre + half).min(1.0)))
}

/// The Garwood (exact, central) 95 % interval of the mean of a Poisson
/// count observed as `s`: `[Γ⁻¹(0.025; s), Γ⁻¹(0.975; s + 1)]`, with `0`
/// as the lower bound of a zero count (whose upper bound is
/// `-ln 0.025 = 3.69`).
pub(crate) fn poisson(s: f64) -> Bounds {
    let low = if s <= 0.0 {
        0.0
    } else {
        gamma_quantile(0.025, -Z95, s)
    };
    (low, gamma_quantile(0.975, Z95, s.max(0.0) + 1.0))
}

/// The `p` quantile (with standard normal quantile `z`) of a gamma
/// distribution of shape `k` and scale 1: exact for `k = 1` (the
/// exponential), Wilson–Hilferty's cube-root approximation otherwise
/// (within about 1 % for `k ≥ 2`, and on the wide side for the lower bound
/// of `k` between 1 and 2).
fn gamma_quantile(p: f64, z: f64, k: f64) -> f64 {
    if (k - 1.0).abs() < 1e-12 {
        return -(1.0 - p).ln();
    }
    let c = 1.0 / (9.0 * k);
    (k * (1.0 - c + z * c.sqrt()).powi(3)).max(0.0)
}

/// The normal-approximation interval of the ratio `R = Σy / Σx` over `n`
/// independent clusters (articles), from `Σx`, `Σy`, `Σy²`, `Σxy` and
/// `Σx²`: `se² = n/(n−1) · Σ(yᵢ − R·xᵢ)² / (Σx)²`. `None` when `Σx` is 0 or
/// `n < 2`.
pub(crate) fn delta_ratio(n: f64, sums: RatioSums) -> Option<Bounds> {
    let RatioSums { x, y, yy, xy, xx } = sums;
    if n < 2.0 || x <= 0.0 {
        return None;
    }
    let r = y / x;
    let residual = (yy - 2.0 * r * xy + r * r * xx).max(0.0);
    let se = (n / (n - 1.0) * residual).sqrt() / x;
    Some((r - Z95 * se, r + Z95 * se))
}

/// The sums a ratio's delta-method interval needs.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct RatioSums {
    /// Σx (denominators).
    pub x: f64,
    /// Σy (numerators).
    pub y: f64,
    /// Σy².
    pub yy: f64,
    /// Σxy.
    pub xy: f64,
    /// Σx².
    pub xx: f64,
}

impl RatioSums {
    /// Adds one cluster.
    pub(crate) fn add(&mut self, x: f64, y: f64) {
        self.x += x;
        self.y += y;
        self.yy += y * y;
        self.xy += x * y;
        self.xx += x * x;
    }
}

/// The union of two intervals (the smaller low, the larger high).
pub(crate) fn union(a: Option<Bounds>, b: Option<Bounds>) -> Option<Bounds> {
    match (a, b) {
        (Some(a), Some(b)) => Some((a.0.min(b.0), a.1.max(b.1))),
        (a, None) => a,
        (None, b) => b,
    }
}

/// SplitMix64: a small, fast, well-mixed generator; the same seed gives the
/// same resamples on every platform.
pub(crate) struct SplitMix64(u64);

impl SplitMix64 {
    /// A generator started at `seed`.
    pub(crate) fn new(seed: u64) -> SplitMix64 {
        SplitMix64(seed)
    }

    /// The next 64 random bits.
    pub(crate) fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// A uniform index in `0..n` (`n < 2³²`; Lemire's multiply-shift, whose
    /// bias of at most `n / 2³²` is far below the bootstrap's own noise).
    pub(crate) fn below(&mut self, n: usize) -> usize {
        (((self.next_u64() >> 32) * n as u64) >> 32) as usize
    }
}

/// The 2.5 % and 97.5 % quantiles (linear interpolation between order
/// statistics) of the finite values in `values`, which it reorders; `None`
/// when fewer than two are finite.
pub(crate) fn percentile_95(values: &mut Vec<f64>) -> Option<Bounds> {
    values.retain(|v| v.is_finite());
    if values.len() < 2 {
        return None;
    }
    values.sort_unstable_by(f64::total_cmp);
    let at = |q: f64| {
        let pos = q * (values.len() - 1) as f64;
        let (i, frac) = (pos.floor() as usize, pos.fract());
        let next = values[(i + 1).min(values.len() - 1)];
        values[i] + frac * (next - values[i])
    };
    Some((at(0.025), at(0.975)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wilson_matches_known_values() {
        // 0 of 10: [0, 0.2775]; 5 of 10: [0.2366, 0.7634].
        let (lo, hi) = wilson(0.0, 10.0).unwrap();
        assert!(lo.abs() < 1e-12 && (hi - 0.2775).abs() < 1e-3, "{lo} {hi}");
        let (lo, hi) = wilson(5.0, 10.0).unwrap();
        assert!((lo - 0.2366).abs() < 1e-3 && (hi - 0.7634).abs() < 1e-3);
        assert!(wilson(0.0, 0.0).is_none());
    }

    #[test]
    fn poisson_matches_garwood() {
        // Exact values: 0 → [0, 3.689]; 1 → [0.0253, 5.572]; 10 → [4.795, 18.39].
        let (lo, hi) = poisson(0.0);
        assert_eq!(lo, 0.0);
        assert!((hi - 3.689).abs() < 1e-3);
        let (lo, hi) = poisson(1.0);
        assert!(
            (lo - 0.0253).abs() < 1e-3 && (hi - 5.572).abs() < 0.05,
            "{lo} {hi}"
        );
        let (lo, hi) = poisson(10.0);
        assert!(
            (lo - 4.795).abs() < 0.05 && (hi - 18.39).abs() < 0.1,
            "{lo} {hi}"
        );
    }

    #[test]
    fn delta_ratio_of_proportional_clusters_is_exact() {
        let mut s = RatioSums::default();
        for x in [10.0, 20.0, 30.0] {
            s.add(x, x / 10.0);
        }
        let (lo, hi) = delta_ratio(3.0, s).unwrap();
        assert!(
            (lo - 0.1).abs() < 1e-6 && (hi - 0.1).abs() < 1e-6,
            "{lo} {hi}"
        );
        assert!(delta_ratio(1.0, s).is_none());
    }

    #[test]
    fn generator_is_deterministic_and_in_range() {
        let mut a = SplitMix64::new(7);
        let mut b = SplitMix64::new(7);
        for _ in 0..1000 {
            let i = a.below(13);
            assert!(i < 13);
            assert_eq!(i, b.below(13));
        }
    }

    #[test]
    fn percentiles() {
        let mut v: Vec<f64> = (0..=100).map(f64::from).collect();
        v.push(f64::NAN);
        let (lo, hi) = percentile_95(&mut v).unwrap();
        assert!((lo - 2.5).abs() < 1e-9 && (hi - 97.5).abs() < 1e-9);
    }
}
