//! One group's numbers and their 95 % intervals (see the crate docs of
//! [`super`] for the method).

use super::ci::{self, Bounds, RatioSums, SplitMix64};
use super::load::Articles;
use super::{CiMethod, Estimate, GroupStats, SetApart, TechniqueStats, RESAMPLES};

/// What to compute for a group.
pub(crate) struct Spec<'a> {
    /// The group's name.
    pub name: &'a str,
    /// The report's technique labels (the article table's columns).
    pub labels: &'a [&'a str],
    /// Which of those columns the group reports, in order.
    pub columns: &'a [usize],
    /// The bootstrap's seed.
    pub seed: u64,
    /// Bootstrap (true) or delta-method intervals.
    pub bootstrap: bool,
}

/// The four fixed ratios a bootstrap resample measures, besides one rate
/// per technique column.
const TOTAL: usize = 0;
const QUOTED: usize = 1;
const NAMED: usize = 2;
const HEDGED: usize = 3;
const FIXED: usize = 4;

/// Below this many articles the quotation share's interval is at least the
/// Bernoulli bound (see [`group`]).
pub(crate) const QUOTED_FLOOR_BELOW: usize = 20;

/// One article's contributions: (numerator, denominator) of each fixed
/// ratio.
#[derive(Clone, Copy, Default)]
struct Unit {
    num: [f64; FIXED],
    den: [f64; FIXED],
}

/// Computes the statistics of the articles `members` of `a`: of those
/// whose techniques were analysed; the others are only counted
/// (`not_analysed`).
pub(crate) fn group(a: &Articles, members: &[u32], spec: &Spec<'_>) -> GroupStats {
    let mut apart = SetApart::default();
    let members: Vec<u32> = members
        .iter()
        .copied()
        .filter(|&m| {
            apart.add(a.skipped[m as usize]);
            a.analysed(m as usize)
        })
        .collect();
    let n = members.len();
    let k = spec.columns.len();
    // Where each article-table column lands in this group's columns.
    let mut slot = vec![usize::MAX; spec.labels.len()];
    for (j, &c) in spec.columns.iter().enumerate() {
        slot[c] = j;
    }

    let mut units = Vec::with_capacity(n);
    let mut tech_start = Vec::with_capacity(n + 1);
    let mut tech: Vec<(usize, f64)> = Vec::new();
    tech_start.push(0usize);
    let mut sums = [RatioSums::default(); FIXED];
    let mut t_spans = vec![0.0; k];
    let mut t_with = vec![0.0; k];
    let mut t_sums = vec![RatioSums::default(); k];
    let (mut quotes, mut sourcing_articles, mut w2_sourcing) = (0.0, 0usize, 0.0);
    for &m in &members {
        let i = m as usize;
        let w = a.words[i];
        let mut u = Unit::default();
        u.num[TOTAL] = a.spans[i];
        u.den[TOTAL] = w;
        if a.sourcing[i] {
            sourcing_articles += 1;
            quotes += a.quotes[i];
            w2_sourcing += w * w;
            u.num[QUOTED] = a.quotation_share[i] * w;
            u.den[QUOTED] = w;
            u.num[NAMED] = a.named[i];
            u.den[NAMED] = a.named[i] + a.anonymous[i];
            u.num[HEDGED] = a.hedged[i];
            u.den[HEDGED] = a.check_worthy[i];
        }
        for (f, sum) in sums.iter_mut().enumerate() {
            sum.add(u.den[f], u.num[f]);
        }
        for &(c, spans) in a.techniques(i) {
            let j = slot[c as usize];
            if j == usize::MAX {
                continue;
            }
            t_spans[j] += spans;
            if spans > 0.0 {
                t_with[j] += 1.0;
            }
            // Σx and Σx² are those of the total rate; add Σy, Σy², Σxy.
            t_sums[j].y += spans;
            t_sums[j].yy += spans * spans;
            t_sums[j].xy += w * spans;
            tech.push((j, spans));
        }
        tech_start.push(tech.len());
        units.push(u);
    }
    for s in &mut t_sums {
        s.x = sums[TOTAL].x;
        s.xx = sums[TOTAL].xx;
    }

    let method = if spec.bootstrap {
        CiMethod::Bootstrap
    } else {
        CiMethod::Analytical
    };
    // The resampling (or delta-method) interval of each ratio: the fixed
    // ones, then one per technique column.
    let base: Vec<Option<Bounds>> = match method {
        CiMethod::Bootstrap => bootstrap(&units, &tech_start, &tech, k, spec.seed),
        CiMethod::Analytical => {
            let nf = n as f64;
            let ns = sourcing_articles as f64;
            let mut v = vec![
                ci::delta_ratio(nf, sums[TOTAL]),
                ci::delta_ratio(ns, sums[QUOTED]),
                ci::delta_ratio(ns, sums[NAMED]),
                ci::delta_ratio(ns, sums[HEDGED]),
            ];
            v.extend(t_sums.iter().map(|s| ci::delta_ratio(nf, *s)));
            v
        }
    };

    let words = sums[TOTAL].x;
    let techniques = (0..k)
        .map(|j| TechniqueStats {
            technique: spec.labels[spec.columns[j]].to_string(),
            spans: t_spans[j] as u64,
            articles: t_with[j] as u64,
            spans_per_1k_words: rate(t_spans[j], words, base[FIXED + j]),
            article_share: share(t_with[j], n as f64, None),
        })
        .collect();
    let quoted = {
        let (num, den) = (sums[QUOTED].y, sums[QUOTED].x);
        // A mean of values in [0, 1] varies at most as a Bernoulli mean over
        // the effective number of (word-weighted) articles: that bound keeps
        // a handful of articles without quotes from giving [0, 0]. It is
        // used where the resampling interval cannot be trusted: fewer than
        // QUOTED_FLOOR_BELOW articles, or an interval of zero width.
        let degenerate = base[QUOTED].is_none_or(|(lo, hi)| hi - lo <= 0.0);
        let small = sourcing_articles < QUOTED_FLOOR_BELOW || degenerate;
        let floor = (small && den > 0.0 && w2_sourcing > 0.0)
            .then(|| {
                let n_eff = den * den / w2_sourcing;
                ci::wilson(num / den * n_eff, n_eff)
            })
            .flatten();
        ratio(num, den, ci::union(base[QUOTED], floor))
    };
    GroupStats {
        group: spec.name.to_string(),
        articles: n as u64,
        not_analysed: apart.all,
        other_language: apart.language,
        garbled: apart.garbled,
        words: words as u64,
        spans: sums[TOTAL].y as u64,
        spans_per_1k_words: rate(sums[TOTAL].y, words, base[TOTAL]),
        techniques,
        sourcing_articles: sourcing_articles as u64,
        quotes: quotes as u64,
        quotation_share: quoted,
        named_sources: sums[NAMED].y as u64,
        anonymous_sources: (sums[NAMED].x - sums[NAMED].y) as u64,
        named_source_share: share(sums[NAMED].y, sums[NAMED].x, base[NAMED]),
        check_worthy_claims: sums[HEDGED].x as u64,
        hedged_claims: sums[HEDGED].y as u64,
        hedged_claim_share: share(sums[HEDGED].y, sums[HEDGED].x, base[HEDGED]),
        copies: 0,
        copy_share: None,
        copied_from: Vec::new(),
        ci_method: method,
    }
}

/// Spans per 1,000 words: `base` (a ratio interval per word) widened to at
/// least the exact Poisson interval of the span count.
fn rate(spans: f64, words: f64, base: Option<Bounds>) -> Option<Estimate> {
    if words <= 0.0 {
        return None;
    }
    let (lo, hi) = ci::poisson(spans);
    let bounds = ci::union(base, Some((lo / words, hi / words)));
    estimate(spans / words, bounds, 1000.0, f64::INFINITY)
}

/// A proportion `k / n` of counts: `base` widened to at least the Wilson
/// interval of `k` in `n`.
pub(crate) fn share(k: f64, n: f64, base: Option<Bounds>) -> Option<Estimate> {
    if n <= 0.0 {
        return None;
    }
    estimate(k / n, ci::union(base, ci::wilson(k, n)), 1.0, 1.0)
}

/// A ratio of sums with the interval `bounds`.
fn ratio(num: f64, den: f64, bounds: Option<Bounds>) -> Option<Estimate> {
    if den <= 0.0 {
        return None;
    }
    estimate(num / den, bounds.or(Some((0.0, 1.0))), 1.0, 1.0)
}

/// `value` and `bounds` times `scale`; the interval always holds the
/// value and stays inside `[0, max]`.
fn estimate(value: f64, bounds: Option<Bounds>, scale: f64, max: f64) -> Option<Estimate> {
    if !value.is_finite() {
        return None;
    }
    let (lo, hi) = bounds.unwrap_or((value, value));
    let clamp = |x: f64| (x * scale).clamp(0.0, max);
    let value = clamp(value);
    Some(Estimate {
        value,
        low: clamp(lo).min(value),
        high: clamp(hi).max(value),
    })
}

/// The percentile bootstrap over articles: [`RESAMPLES`] resamples of the
/// group's `units` with replacement, each giving every ratio; the 2.5 %
/// and 97.5 % quantiles of each. Returns the fixed ratios' intervals, then
/// the `k` technique rates'.
fn bootstrap(
    units: &[Unit],
    tech_start: &[usize],
    tech: &[(usize, f64)],
    k: usize,
    seed: u64,
) -> Vec<Option<Bounds>> {
    let n = units.len();
    if n == 0 {
        return vec![None; FIXED + k];
    }
    let mut rng = SplitMix64::new(seed);
    let mut draws: Vec<Vec<f64>> = vec![Vec::with_capacity(RESAMPLES); FIXED + k];
    let mut t_num = vec![0.0; k];
    for _ in 0..RESAMPLES {
        let mut num = [0.0; FIXED];
        let mut den = [0.0; FIXED];
        t_num.iter_mut().for_each(|x| *x = 0.0);
        for _ in 0..n {
            let i = rng.below(n);
            let u = &units[i];
            for f in 0..FIXED {
                num[f] += u.num[f];
                den[f] += u.den[f];
            }
            for &(j, spans) in &tech[tech_start[i]..tech_start[i + 1]] {
                t_num[j] += spans;
            }
        }
        for f in 0..FIXED {
            draws[f].push(num[f] / den[f]);
        }
        for j in 0..k {
            draws[FIXED + j].push(t_num[j] / den[TOTAL]);
        }
    }
    draws.iter_mut().map(ci::percentile_95).collect()
}
