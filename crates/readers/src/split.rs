//! A deterministic train / validation split of document ids.

use rand_chacha::rand_core::{RngCore, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// The share of PTC training articles the project holds out for validation.
pub const VALIDATION_FRACTION: f64 = 0.15;

/// The seed of the project's validation split.
pub const VALIDATION_SEED: u64 = 13;

/// Splits ids into `(train, valid)`, deterministically for a given set of ids,
/// `fraction` and `seed`, whatever order the ids come in.
///
/// The exact rule, so that it can be reproduced elsewhere:
/// 1. sort the ids by byte order and remove duplicates (`n` ids);
/// 2. `k = round(n × fraction)` (halves away from zero), with `fraction`
///    clamped to `[0, 1]` (NaN counts as 0);
/// 3. shuffle a copy with Fisher–Yates driven by
///    `ChaCha8Rng::seed_from_u64(seed)` (rand_chacha 0.3): for `i` from
///    `n − 1` down to 1, draw `x = next_u64()`, let `j = (x × (i + 1)) >> 64`
///    (128-bit product), and swap positions `i` and `j`;
/// 4. the first `k` shuffled ids are the validation ids, the rest the
///    training ids; both lists are returned sorted by byte order.
///
/// The rule depends only on the ChaCha8 output stream, which rand_chacha
/// keeps stable, and not on `rand`'s sampling helpers, which may change.
/// The project uses [`VALIDATION_FRACTION`] and [`VALIDATION_SEED`].
///
/// ```
/// let ids: Vec<String> = (0..20).map(|i| format!("{i:03}")).collect();
/// let (train, valid) = unspin_readers::split_ids(&ids, 0.15, 13);
/// assert_eq!((train.len(), valid.len()), (17, 3));
/// assert_eq!(unspin_readers::split_ids(&ids, 0.15, 13).1, valid);
/// ```
pub fn split_ids<S: AsRef<str>>(ids: &[S], fraction: f64, seed: u64) -> (Vec<String>, Vec<String>) {
    let mut sorted: Vec<String> = ids.iter().map(|s| s.as_ref().to_string()).collect();
    sorted.sort();
    sorted.dedup();
    let n = sorted.len();
    let fraction = if fraction.is_nan() {
        0.0
    } else {
        fraction.clamp(0.0, 1.0)
    };
    // n × fraction lies in [0, n], so the cast cannot overflow.
    let k = ((n as f64 * fraction).round() as usize).min(n);

    let mut order: Vec<usize> = (0..n).collect();
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    for i in (1..n).rev() {
        let j = ((u128::from(rng.next_u64()) * (i as u128 + 1)) >> 64) as usize;
        order.swap(i, j);
    }
    let mut is_valid = vec![false; n];
    for &i in &order[..k] {
        is_valid[i] = true;
    }
    let (valid, train): (Vec<_>, Vec<_>) = sorted
        .into_iter()
        .zip(is_valid)
        .partition(|(_, valid)| *valid);
    (
        train.into_iter().map(|(id, _)| id).collect(),
        valid.into_iter().map(|(id, _)| id).collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ids(n: usize) -> Vec<String> {
        (0..n).map(|i| format!("{}", 111_111_000 + i * 7)).collect()
    }

    #[test]
    fn sizes_disjointness_and_order_independence() {
        let all = ids(315);
        let (train, valid) = split_ids(&all, VALIDATION_FRACTION, VALIDATION_SEED);
        assert_eq!((train.len(), valid.len()), (268, 47));
        assert!(valid.iter().all(|v| !train.contains(v)));
        let mut shuffled: Vec<&str> = all.iter().rev().map(String::as_str).collect();
        shuffled.extend(all.iter().take(10).map(String::as_str)); // duplicates
        assert_eq!(
            split_ids(&shuffled, 0.15, 13),
            (train.clone(), valid.clone())
        );
        assert_ne!(split_ids(&all, 0.15, 14).1, valid);
        let mut sorted = valid.clone();
        sorted.sort();
        assert_eq!(sorted, valid);
    }

    #[test]
    fn the_rule_is_pinned() {
        // Guards the documented rule against silent changes.
        let all: Vec<String> = (0..10).map(|i| i.to_string()).collect();
        let (train, valid) = split_ids(&all, 0.3, 13);
        assert_eq!(valid.len(), 3);
        assert_eq!(valid, PINNED_VALID);
        assert_eq!(train.len(), 7);
    }

    const PINNED_VALID: [&str; 3] = ["5", "6", "7"];

    #[test]
    fn odd_fractions_do_not_panic() {
        let all = ids(10);
        assert_eq!(split_ids(&all, 0.0, 1).1.len(), 0);
        assert_eq!(split_ids(&all, 1.0, 1).1.len(), 10);
        assert_eq!(split_ids(&all, 7.0, 1).1.len(), 10);
        assert_eq!(split_ids(&all, -1.0, 1).1.len(), 0);
        assert_eq!(split_ids(&all, f64::NAN, 1).1.len(), 0);
        assert_eq!(split_ids(&all, f64::INFINITY, 1).1.len(), 10);
        assert_eq!(split_ids::<String>(&[], 0.5, 1), (vec![], vec![]));
    }
}
