//! A linear-chain CRF over the span tagger's three BIO tags, when the
//! checkpoint was trained with one (`train_neural.py --crf-weight`).
//!
//! The decoder downstream wants one propaganda probability per piece, so the
//! CRF is read through its marginals (forward-backward over each window's
//! pieces) rather than a single best path: P(B) + P(I) of a piece counts the
//! transitions' evidence (an `I` after an `O` is unlikely, a span's inside
//! runs on) and the thresholds tuned downstream keep their meaning.

use crate::weights::TensorMap;
use crate::NeuralError;

/// Tags in the head's order: outside, begin, inside.
const TAGS: usize = 3;

/// Start, end and transition scores of a BIO CRF (tensors `si_crf.start`,
/// `si_crf.end`, `si_crf.transitions` row-major as `[from, to]`).
#[derive(Debug, Clone, PartialEq)]
pub struct BioCrf {
    start: [f64; TAGS],
    end: [f64; TAGS],
    transitions: [[f64; TAGS]; TAGS],
}

impl BioCrf {
    /// The CRF of a weights file, or `None` when it has none (a tagger trained
    /// with cross-entropy alone reads its head's softmax).
    ///
    /// # Errors
    /// When the file has some of the CRF's tensors but not all, or another size.
    pub fn from_map(map: &TensorMap) -> Result<Option<BioCrf>, NeuralError> {
        let names = ["si_crf.start", "si_crf.end", "si_crf.transitions"];
        if !names.iter().any(|n| map.contains(n)) {
            return Ok(None);
        }
        let start = map.get(names[0], TAGS)?;
        let end = map.get(names[1], TAGS)?;
        let flat = map.get(names[2], TAGS * TAGS)?;
        let mut crf = BioCrf {
            start: [0.0; TAGS],
            end: [0.0; TAGS],
            transitions: [[0.0; TAGS]; TAGS],
        };
        for t in 0..TAGS {
            crf.start[t] = f64::from(start[t]);
            crf.end[t] = f64::from(end[t]);
            for u in 0..TAGS {
                crf.transitions[t][u] = f64::from(flat[t * TAGS + u]);
            }
        }
        Ok(Some(crf))
    }

    /// P(B) + P(I) of each piece of one window, from the head's `logits`
    /// (three per piece, the window's pieces in order) by forward-backward.
    pub fn propaganda_marginals(&self, logits: &[f32]) -> Vec<f32> {
        let n = logits.len() / TAGS;
        if n == 0 {
            return Vec::new();
        }
        let emit = |i: usize, t: usize| f64::from(logits[i * TAGS + t]);
        let mut alpha = Vec::with_capacity(n);
        alpha.push(std::array::from_fn(|t| self.start[t] + emit(0, t)));
        for i in 1..n {
            let prev: [f64; TAGS] = alpha[i - 1];
            alpha.push(std::array::from_fn(|t| {
                let from: [f64; TAGS] = std::array::from_fn(|s| prev[s] + self.transitions[s][t]);
                log_sum_exp(&from) + emit(i, t)
            }));
        }
        let mut beta = vec![[0.0f64; TAGS]; n];
        beta[n - 1] = self.end;
        for i in (0..n - 1).rev() {
            let next = beta[i + 1];
            beta[i] = std::array::from_fn(|s| {
                let to: [f64; TAGS] =
                    std::array::from_fn(|t| self.transitions[s][t] + emit(i + 1, t) + next[t]);
                log_sum_exp(&to)
            });
        }
        (0..n)
            .map(|i| {
                let joint: [f64; TAGS] = std::array::from_fn(|t| alpha[i][t] + beta[i][t]);
                let z = log_sum_exp(&joint);
                let outside = (joint[0] - z).exp();
                (1.0 - outside).clamp(0.0, 1.0) as f32
            })
            .collect()
    }
}

fn log_sum_exp(xs: &[f64; TAGS]) -> f64 {
    let max = xs.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    max + xs.iter().map(|x| (x - max).exp()).sum::<f64>().ln()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn crf(seed: u64) -> BioCrf {
        // A small deterministic generator: the scores only need to differ.
        let mut x = seed;
        let mut next = || {
            x = x.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
            ((x >> 33) as f64 / (1u64 << 31) as f64) * 4.0 - 2.0
        };
        BioCrf {
            start: std::array::from_fn(|_| next()),
            end: std::array::from_fn(|_| next()),
            transitions: std::array::from_fn(|_| std::array::from_fn(|_| next())),
        }
    }

    /// P(tag of piece i ≠ O) by summing over every tag sequence.
    fn brute_force(crf: &BioCrf, logits: &[f32]) -> Vec<f64> {
        let n = logits.len() / TAGS;
        let mut total = 0.0;
        let mut inside = vec![0.0; n];
        for code in 0..TAGS.pow(n as u32) {
            let tags: Vec<usize> = (0..n).map(|i| code / TAGS.pow(i as u32) % TAGS).collect();
            let mut score = crf.start[tags[0]] + crf.end[tags[n - 1]];
            for i in 0..n {
                score += f64::from(logits[i * TAGS + tags[i]]);
                if i > 0 {
                    score += crf.transitions[tags[i - 1]][tags[i]];
                }
            }
            let w = score.exp();
            total += w;
            for i in 0..n {
                if tags[i] != 0 {
                    inside[i] += w;
                }
            }
        }
        inside.iter().map(|v| v / total).collect()
    }

    #[test]
    fn marginals_match_summing_over_every_path() {
        for (seed, n) in [(1u64, 1usize), (2, 2), (3, 5), (4, 7)] {
            let c = crf(seed);
            let logits: Vec<f32> = (0..n * TAGS)
                .map(|i| ((i * 7 + seed as usize) % 11) as f32 * 0.4 - 2.0)
                .collect();
            let fast = c.propaganda_marginals(&logits);
            let slow = brute_force(&c, &logits);
            for (a, b) in fast.iter().zip(&slow) {
                assert!((f64::from(*a) - b).abs() < 1e-5, "{a} vs {b} (n = {n})");
            }
        }
    }

    /// A weights file holding the named f32 vectors.
    fn file_with(tensors: &[(&str, Vec<f32>)]) -> TensorMap {
        let bytes: Vec<(String, Vec<u8>, usize)> = tensors
            .iter()
            .map(|(n, v)| {
                let b = v.iter().flat_map(|x| x.to_le_bytes()).collect();
                (n.to_string(), b, v.len())
            })
            .collect();
        let views: Vec<(String, safetensors::tensor::TensorView<'_>)> = bytes
            .iter()
            .map(|(n, b, len)| {
                let view =
                    safetensors::tensor::TensorView::new(safetensors::Dtype::F32, vec![*len], b)
                        .expect("a valid view");
                (n.clone(), view)
            })
            .collect();
        let file = safetensors::serialize(views, &None).expect("serialisable");
        TensorMap::from_bytes(&file).expect("readable")
    }

    #[test]
    fn a_file_has_the_whole_crf_or_none_of_it() {
        let plain = file_with(&[("si_head.bias", vec![0.0; 3])]);
        assert_eq!(BioCrf::from_map(&plain).expect("no CRF is fine"), None);
        let whole = file_with(&[
            ("si_crf.start", vec![0.1, 0.2, 0.3]),
            ("si_crf.end", vec![0.0; 3]),
            ("si_crf.transitions", (0..9).map(|i| i as f32).collect()),
        ]);
        let crf = BioCrf::from_map(&whole).expect("valid").expect("present");
        assert!((crf.start[2] - 0.3).abs() < 1e-7);
        assert_eq!(crf.transitions[1][2], 5.0, "row-major [from, to]");
        let part = file_with(&[("si_crf.start", vec![0.0; 3])]);
        let err = BioCrf::from_map(&part).expect_err("a partial CRF is an error");
        assert!(err.to_string().contains("si_crf.end"), "{err}");
        let short = file_with(&[
            ("si_crf.start", vec![0.0; 3]),
            ("si_crf.end", vec![0.0; 3]),
            ("si_crf.transitions", vec![0.0; 4]),
        ]);
        assert!(BioCrf::from_map(&short).is_err());
    }

    #[test]
    fn without_transition_scores_the_marginals_are_the_softmax() {
        let c = BioCrf {
            start: [0.0; TAGS],
            end: [0.0; TAGS],
            transitions: [[0.0; TAGS]; TAGS],
        };
        let logits = [0.3f32, -1.0, 2.0, 1.5, 0.0, -0.5];
        let got = c.propaganda_marginals(&logits);
        for (i, g) in got.iter().enumerate() {
            let mut row = logits[i * TAGS..(i + 1) * TAGS].to_vec();
            crate::math::softmax(&mut row);
            assert!((g - (row[1] + row[2])).abs() < 1e-6);
        }
        assert!(c.propaganda_marginals(&[]).is_empty());
    }
}
