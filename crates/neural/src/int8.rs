//! Int8 dense layers on AVX-512 VNNI (`vpdpbusd`): four times the
//! multiply-adds of an f32 FMA per instruction.
//!
//! Weights are the shipped int8 values (one scale per output, requantised
//! with [`unspin_quantize::quantize_columns`]), packed for
//! the instruction: blocks of 16 outputs, and within a block, for every 4
//! inputs, 16 × 4 bytes. Activations are quantised per row on the fly
//! (symmetric, scale max|x| / 127) and shifted to unsigned by +128; the shift
//! is taken back with the weights' column sums. Results are dequantised to
//! f32 with the bias added. On CPUs without VNNI the encoder keeps to f32.

use unspin_quantize::quantize_columns;

use crate::encoder::Linear;
use crate::math::quantize_rows_u8;

/// Outputs per block (one 512-bit register of i32).
const BLOCK: usize = 16;

/// A dense layer with int8 weights packed for VNNI.
#[derive(Debug, Clone)]
pub struct Int8Linear {
    packed: Vec<i8>,
    scale: Vec<f32>,
    shift: Vec<i32>,
    bias: Vec<f32>,
    inputs: usize,
    outputs: usize,
}

/// Scratch space of [`Int8Linear::forward`]: quantised activations and their scales.
#[derive(Debug, Default)]
pub struct Int8Scratch {
    xq: Vec<u8>,
    xs: Vec<f32>,
}

/// True when this CPU runs the int8 kernels.
pub fn available() -> bool {
    #[cfg(target_arch = "x86_64")]
    {
        std::arch::is_x86_feature_detected!("avx512f")
            && std::arch::is_x86_feature_detected!("avx512bw")
            && std::arch::is_x86_feature_detected!("avx512vnni")
    }
    #[cfg(not(target_arch = "x86_64"))]
    {
        false
    }
}

impl Int8Linear {
    /// Packs `lin` (f32 weights that are int8 values times one scale per
    /// output, as loaded from the shipped file). `None` when the shape does not
    /// fit the kernel (outputs not a multiple of 64, inputs not of 4).
    pub fn from_linear(lin: &Linear) -> Option<Int8Linear> {
        let (k, n) = (lin.inputs, lin.outputs);
        if n % (4 * BLOCK) != 0 || k % 4 != 0 {
            return None;
        }
        // `w` is `inputs × outputs`: one scale per output is one per column.
        let (wq, scale) = quantize_columns(&lin.w, n);
        let q = |i: usize, j: usize| -> i8 { wq[i * n + j] };
        let k4 = k / 4;
        let mut packed = vec![0i8; n * k];
        let mut shift = vec![0i32; n];
        for b in 0..n / BLOCK {
            for kk in 0..k4 {
                for c in 0..BLOCK {
                    for t in 0..4 {
                        let (i, j) = (kk * 4 + t, b * BLOCK + c);
                        let v = q(i, j);
                        packed[((b * k4 + kk) * BLOCK + c) * 4 + t] = v;
                        shift[j] += 128 * i32::from(v);
                    }
                }
            }
        }
        Some(Int8Linear {
            packed,
            scale,
            shift,
            bias: lin.b.clone(),
            inputs: k,
            outputs: n,
        })
    }

    /// `out[rows × outputs] = x[rows × inputs]·W + b`, like [`Linear::forward`].
    ///
    /// # Panics
    /// When called on a CPU without the int8 kernels ([`available`] is false).
    pub fn forward(&self, x: &[f32], rows: usize, out: &mut [f32], scratch: &mut Int8Scratch) {
        assert!(available(), "int8 kernels need AVX-512 VNNI");
        let k = self.inputs;
        scratch.xq.resize(rows * k, 0);
        scratch.xs.resize(rows, 0.0);
        quantize_rows_u8(&x[..rows * k], k, &mut scratch.xq, &mut scratch.xs);
        #[cfg(target_arch = "x86_64")]
        // SAFETY: `available()` checked the CPU features; the buffers have the
        // sizes the kernel reads and writes (rows × k bytes, rows × outputs floats).
        unsafe {
            self.kernel(
                &scratch.xq,
                &scratch.xs,
                rows,
                &mut out[..rows * self.outputs],
            );
        }
    }

    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx512f,avx512bw,avx512vnni")]
    unsafe fn kernel(&self, xq: &[u8], xs: &[f32], rows: usize, out: &mut [f32]) {
        let blocks = self.outputs / BLOCK;
        let mut jb = 0;
        while jb < blocks {
            let mut i = 0;
            while i + 4 <= rows {
                self.tile::<4>(xq, xs, i, jb, out);
                i += 4;
            }
            while i < rows {
                self.tile::<1>(xq, xs, i, jb, out);
                i += 1;
            }
            jb += 4;
        }
    }

    /// Rows `i..i + R` × outputs of blocks `jb..jb + 4`.
    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx512f,avx512bw,avx512vnni")]
    #[inline]
    unsafe fn tile<const R: usize>(
        &self,
        xq: &[u8],
        xs: &[f32],
        i: usize,
        jb: usize,
        out: &mut [f32],
    ) {
        use std::arch::x86_64::*;
        let (k, n) = (self.inputs, self.outputs);
        let k4 = k / 4;
        let w0 = self.packed.as_ptr().add(jb * k4 * 64);
        let w1 = w0.add(k4 * 64);
        let w2 = w1.add(k4 * 64);
        let w3 = w2.add(k4 * 64);
        let mut acc = [[_mm512_setzero_si512(); 4]; R];
        let xp = xq.as_ptr().add(i * k);
        for kk in 0..k4 {
            let o = kk * 64;
            let b0 = _mm512_loadu_si512(w0.add(o) as *const _);
            let b1 = _mm512_loadu_si512(w1.add(o) as *const _);
            let b2 = _mm512_loadu_si512(w2.add(o) as *const _);
            let b3 = _mm512_loadu_si512(w3.add(o) as *const _);
            for (rr, a) in acc.iter_mut().enumerate() {
                let v = (xp.add(rr * k + kk * 4) as *const i32).read_unaligned();
                let x = _mm512_set1_epi32(v);
                a[0] = _mm512_dpbusd_epi32(a[0], x, b0);
                a[1] = _mm512_dpbusd_epi32(a[1], x, b1);
                a[2] = _mm512_dpbusd_epi32(a[2], x, b2);
                a[3] = _mm512_dpbusd_epi32(a[3], x, b3);
            }
        }
        for (rr, a) in acc.iter().enumerate() {
            let sx = _mm512_set1_ps(xs[i + rr]);
            for (bb, v) in a.iter().enumerate() {
                let j = (jb + bb) * BLOCK;
                let shift = _mm512_loadu_si512(self.shift.as_ptr().add(j) as *const _);
                let f = _mm512_cvtepi32_ps(_mm512_sub_epi32(*v, shift));
                let s = _mm512_mul_ps(sx, _mm512_loadu_ps(self.scale.as_ptr().add(j)));
                let y = _mm512_fmadd_ps(f, s, _mm512_loadu_ps(self.bias.as_ptr().add(j)));
                _mm512_storeu_ps(out.as_mut_ptr().add((i + rr) * n + j), y);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn int8_layer_matches_f32_within_quantisation_error() {
        if !available() {
            eprintln!("SKIP: this CPU has no AVX-512 VNNI");
            return;
        }
        let (k, n, rows) = (64, 128, 7);
        let weight: Vec<f32> = (0..n * k)
            .map(|i| ((i * 37 % 255) as f32 - 127.0) / 127.0 * 0.05)
            .collect();
        let bias: Vec<f32> = (0..n).map(|i| i as f32 * 0.01).collect();
        let lin = Linear::from_torch(&weight, &bias, n, k);
        let q = Int8Linear::from_linear(&lin).expect("shape fits");
        let x: Vec<f32> = (0..rows * k)
            .map(|i| ((i * 13 % 101) as f32 - 50.0) / 25.0)
            .collect();
        let mut want = vec![0.0; rows * n];
        lin.forward(&x, rows, &mut want);
        let mut got = vec![0.0; rows * n];
        q.forward(&x, rows, &mut got, &mut Int8Scratch::default());
        let max = want.iter().fold(0.0f32, |m, v| m.max(v.abs()));
        for (a, b) in got.iter().zip(&want) {
            assert!((a - b).abs() < 0.02 * max, "{a} vs {b}");
        }
    }

    #[test]
    fn packing_keeps_the_per_output_scales_and_values() {
        // The quantisation of `from_linear` as it was written before it used
        // `unspin_quantize` (one scale per output, 1 for an all-zero output).
        let (k, n) = (8, 64);
        let weight: Vec<f32> = (0..n * k)
            .map(|i| {
                if i / k == 5 {
                    0.0
                } else {
                    ((i * 53 % 199) as f32 - 99.0) * 0.013
                }
            })
            .collect();
        let lin = Linear::from_torch(&weight, &vec![0.0; n], n, k);
        let q = Int8Linear::from_linear(&lin).expect("shape fits");
        for j in 0..n {
            let max = (0..k).fold(0.0f32, |m, i| m.max(lin.w[i * n + j].abs()));
            let scale = if max == 0.0 { 1.0 } else { max / 127.0 };
            assert_eq!(q.scale[j].to_bits(), scale.to_bits());
            let (b, c) = (j / BLOCK, j % BLOCK);
            for i in 0..k {
                let want = (lin.w[i * n + j] / scale).round().clamp(-127.0, 127.0) as i8;
                let (kk, t) = (i / 4, i % 4);
                assert_eq!(q.packed[((b * (k / 4) + kk) * BLOCK + c) * 4 + t], want);
            }
        }
    }

    #[test]
    fn shapes_that_do_not_fit_stay_f32() {
        let lin = Linear::from_torch(&[0.0; 3 * 8], &[0.0; 3], 3, 8);
        assert!(Int8Linear::from_linear(&lin).is_none());
    }
}
