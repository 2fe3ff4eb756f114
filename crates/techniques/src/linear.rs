//! Hashed sparse linear models: binary and multinomial logistic regression
//! trained with AdaGrad and L2, stored as int8 with one scale per tensor
//! (`unspin_quantize::quantize_tensor`).
//!
//! Features are bucket indices (`u32` below `1 << bits`) with value 1.

use unspin_quantize::quantize_tensor;

/// Index of a hashed feature bucket.
pub type Feature = u32;

/// Mixes two 64-bit values into one (stable across platforms and versions).
#[inline]
pub fn mix(a: u64, b: u64) -> u64 {
    let x = (a ^ b.rotate_left(29)).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    (x ^ (x >> 31)).wrapping_mul(0xBF58_476D_1CE4_E5B9) ^ b
}

/// Folds a 64-bit hash into a bucket of a `bits`-bit table.
#[inline]
pub fn bucket(h: u64, bits: u32) -> Feature {
    let x = (h ^ (h >> 33)).wrapping_mul(0xFF51_AFD7_ED55_8CCD);
    ((x ^ (x >> 29)) & ((1u64 << bits) - 1)) as Feature
}

/// Logistic function.
#[inline]
pub fn sigmoid(z: f32) -> f32 {
    1.0 / (1.0 + (-z).exp())
}

/// Binary logistic regression over hashed features.
#[derive(Debug, Clone)]
pub struct BinaryModel {
    /// Table size exponent.
    pub bits: u32,
    /// One weight per bucket.
    pub weights: Vec<f32>,
}

impl BinaryModel {
    /// A zero model with `1 << bits` buckets.
    pub fn new(bits: u32) -> BinaryModel {
        BinaryModel {
            bits,
            weights: vec![0.0; 1 << bits],
        }
    }

    /// The raw score (logit) of a feature set.
    #[inline]
    pub fn logit(&self, feats: &[Feature]) -> f32 {
        feats.iter().map(|&f| self.weights[f as usize]).sum()
    }
}

/// A binary model with int8 weights, for inference: a quarter of the memory
/// of [`BinaryModel`], so the table stays in cache.
#[derive(Debug, Clone)]
pub struct QuantizedBinary {
    /// Table size exponent.
    pub bits: u32,
    /// One int8 weight per bucket.
    pub q: Vec<i8>,
    /// Weight of one int8 step.
    pub scale: f32,
}

impl QuantizedBinary {
    /// Quantises a trained model.
    pub fn from_model(m: &BinaryModel) -> QuantizedBinary {
        let (q, scale) = quantize_tensor(&m.weights);
        QuantizedBinary {
            bits: m.bits,
            q,
            scale,
        }
    }

    /// The raw score (logit) of a feature set.
    #[inline]
    pub fn logit(&self, feats: &[Feature]) -> f32 {
        let sum: i32 = feats.iter().map(|&f| self.q[f as usize] as i32).sum();
        sum as f32 * self.scale
    }
}

/// AdaGrad state for a weight table.
#[derive(Debug, Clone)]
pub struct AdaGrad {
    sum_sq: Vec<f32>,
    /// Learning rate.
    pub lr: f32,
    /// L2 penalty, applied to the weights a step touches.
    pub l2: f32,
}

impl AdaGrad {
    /// State for a table of `n` weights.
    pub fn new(n: usize, lr: f32, l2: f32) -> AdaGrad {
        AdaGrad {
            sum_sq: vec![0.0; n],
            lr,
            l2,
        }
    }

    /// Applies gradient `g` (before L2) to weight `i`.
    #[inline]
    pub fn step(&mut self, w: &mut [f32], i: usize, g: f32) {
        let g = g + self.l2 * w[i];
        let s = self.sum_sq[i] + g * g;
        self.sum_sq[i] = s;
        w[i] -= self.lr * g / (s.sqrt() + 1e-6);
    }
}

/// Multinomial logistic regression over hashed features; weights are
/// bucket-major (`weights[f * classes + c]`) so one feature's classes are
/// contiguous.
#[derive(Debug, Clone)]
pub struct SoftmaxModel {
    /// Table size exponent.
    pub bits: u32,
    /// Number of classes.
    pub classes: usize,
    /// `classes` weights per bucket.
    pub weights: Vec<f32>,
}

impl SoftmaxModel {
    /// A zero model.
    pub fn new(bits: u32, classes: usize) -> SoftmaxModel {
        SoftmaxModel {
            bits,
            classes,
            weights: vec![0.0; (1usize << bits) * classes],
        }
    }

    /// Class scores (logits) of a feature set, written into `out`.
    pub fn logits(&self, feats: &[Feature], out: &mut [f32]) {
        out.iter_mut().for_each(|o| *o = 0.0);
        for &f in feats {
            let row = &self.weights[f as usize * self.classes..(f as usize + 1) * self.classes];
            for (o, w) in out.iter_mut().zip(row) {
                *o += w;
            }
        }
    }
}

/// A multinomial model with int8 weights, for inference: rows of `classes`
/// bytes, a quarter of the f32 table, so that lookups stay in cache.
#[derive(Debug, Clone)]
pub struct QuantizedSoftmax {
    /// Table size exponent.
    pub bits: u32,
    /// Number of classes.
    pub classes: usize,
    /// `classes` int8 weights per bucket, bucket-major.
    pub q: Vec<i8>,
    /// Weight of one int8 step.
    pub scale: f32,
}

impl QuantizedSoftmax {
    /// Quantises a trained model.
    pub fn from_model(m: &SoftmaxModel) -> QuantizedSoftmax {
        let (q, scale) = quantize_tensor(&m.weights);
        QuantizedSoftmax {
            bits: m.bits,
            classes: m.classes,
            q,
            scale,
        }
    }

    /// The int8 weights of one bucket, one per class.
    #[inline]
    pub fn row(&self, f: Feature) -> &[i8] {
        let start = f as usize * self.classes;
        &self.q[start..start + self.classes]
    }

    /// Class scores (logits) of a feature set, written into `out`.
    pub fn logits(&self, feats: &[Feature], out: &mut [f32]) {
        let mut acc = vec![0i32; self.classes];
        for &f in feats {
            for (a, &w) in acc.iter_mut().zip(self.row(f)) {
                *a += w as i32;
            }
        }
        for (o, a) in out.iter_mut().zip(acc) {
            *o = a as f32 * self.scale;
        }
    }
}

/// Turns logits into probabilities in place.
pub fn softmax_in_place(v: &mut [f32]) {
    let max = v.iter().copied().fold(f32::NEG_INFINITY, f32::max);
    let mut sum = 0.0;
    for x in v.iter_mut() {
        *x = (*x - max).exp();
        sum += *x;
    }
    if sum > 0.0 {
        v.iter_mut().for_each(|x| *x /= sum);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn binary_model_learns_a_separable_rule() {
        let mut m = BinaryModel::new(8);
        let mut opt = AdaGrad::new(m.weights.len(), 0.5, 0.0);
        let data = [
            (vec![1u32, 2], 1.0f32),
            (vec![1, 3], 0.0),
            (vec![4, 2], 1.0),
            (vec![4, 3], 0.0),
        ];
        for _ in 0..50 {
            for (f, y) in &data {
                let g = sigmoid(m.logit(f)) - y;
                for &i in f {
                    opt.step(&mut m.weights, i as usize, g);
                }
            }
        }
        assert!(sigmoid(m.logit(&[1, 2])) > 0.9);
        assert!(sigmoid(m.logit(&[4, 3])) < 0.1);
    }

    #[test]
    fn buckets_stay_in_range_and_are_stable() {
        for h in [0u64, 1, u64::MAX, 12345] {
            assert!(bucket(h, 10) < 1024);
        }
        assert_eq!(bucket(mix(1, 2), 20), bucket(mix(1, 2), 20));
        assert_ne!(mix(1, 2), mix(2, 1));
    }
}
