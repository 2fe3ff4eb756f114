//! Element-wise kernels of the encoder: exp, softmax, GELU, LayerNorm.
//!
//! Written as plain loops that the compiler vectorises; [`simd!`] compiles
//! each kernel three times, for AVX-512, for AVX2+FMA (chosen at run time
//! when the CPU has them) and for the baseline target, so one binary runs
//! everywhere. The AVX-512 and AVX2 builds (and aarch64's) evaluate the exp
//! and erf polynomials in fused multiply-adds; the x86 baseline, which has
//! none, in multiplies and adds.

/// Defines `pub fn $name(args)` that runs the body compiled for AVX-512 or
/// AVX2+FMA when the CPU supports them, and the baseline build otherwise.
macro_rules! simd {
    ($(#[$m:meta])* pub fn $name:ident($($arg:ident : $ty:ty),*) $body:block) => {
        $(#[$m])*
        pub fn $name($($arg: $ty),*) {
            // FMA: whether this build of the body has fused multiply-adds
            // (see `madd`).
            #[inline(always)]
            #[allow(clippy::extra_unused_type_parameters)]
            fn body<const FMA: bool>($($arg: $ty),*) $body
            #[cfg(target_arch = "x86_64")]
            {
                #[target_feature(enable = "avx512f,avx512vl,avx2,fma")]
                unsafe fn wide($($arg: $ty),*) { body::<true>($($arg),*) }
                #[target_feature(enable = "avx2,fma")]
                unsafe fn fast($($arg: $ty),*) { body::<true>($($arg),*) }
                if std::arch::is_x86_feature_detected!("avx512f")
                    && std::arch::is_x86_feature_detected!("avx512vl")
                {
                    // SAFETY: the CPU supports the features `wide` is compiled for.
                    return unsafe { wide($($arg),*) };
                }
                if std::arch::is_x86_feature_detected!("avx2")
                    && std::arch::is_x86_feature_detected!("fma")
                {
                    // SAFETY: the CPU supports the features `fast` is compiled for.
                    return unsafe { fast($($arg),*) };
                }
            }
            // aarch64 always has fused multiply-adds.
            body::<{ cfg!(target_arch = "aarch64") }>($($arg),*)
        }
    };
}

/// `a · b + c`: one fused multiply-add where `FMA` says the code is compiled
/// with them (one rounding, fewer instructions), else a multiply and an add
/// (elsewhere `mul_add` is a slow library call).
#[inline(always)]
fn madd<const FMA: bool>(a: f32, b: f32, c: f32) -> f32 {
    if FMA {
        a.mul_add(b, c)
    } else {
        a * b + c
    }
}

/// exp(x) to about 2 ulp for x in [-87, 88] (clamped outside), vectorisable;
/// its polynomial in fused multiply-adds when `FMA`.
#[inline(always)]
fn exp_with<const FMA: bool>(x: f32) -> f32 {
    let x = x.clamp(-87.0, 88.0);
    // Round to nearest with the 1.5·2^23 trick: vectorises where `round` does not.
    const MAGIC: f32 = 12_582_912.0;
    let n = (x * std::f32::consts::LOG2_E + MAGIC) - MAGIC;
    // Cody-Waite reduction: r = x - n ln2 in two parts.
    let r = n.mul_add(-0.693_145_75, x);
    let r = n.mul_add(-1.428_606_8e-6, r);
    // exp(r) on [-ln2/2, ln2/2], degree-6 Taylor/minimax polynomial.
    let p = 1.0 / 720.0;
    let p = madd::<FMA>(p, r, 1.0 / 120.0);
    let p = madd::<FMA>(p, r, 1.0 / 24.0);
    let p = madd::<FMA>(p, r, 1.0 / 6.0);
    let p = madd::<FMA>(p, r, 0.5);
    let p = madd::<FMA>(p, r, 1.0);
    let p = madd::<FMA>(p, r, 1.0);
    // SAFETY: n is an integer in [-126, 127] after the clamp, so it fits an i32.
    let bits = ((unsafe { n.to_int_unchecked::<i32>() } + 127) as u32) << 23;
    p * f32::from_bits(bits)
}

/// erf(x), Abramowitz and Stegun 7.1.26 (absolute error below 1.5e-7).
#[inline(always)]
fn erf_approx<const FMA: bool>(x: f32) -> f32 {
    let a = x.abs();
    let t = 1.0 / (1.0 + 0.327_591_1 * a);
    let y = t
        * (0.254_829_6
            + t * (-0.284_496_74 + t * (1.421_413_8 + t * (-1.453_152_1 + t * 1.061_405_4))));
    let v = 1.0 - y * exp_with::<FMA>(-a * a);
    v.copysign(x)
}

simd! {
    /// In place: x ← GELU(x) = x · Φ(x) (the exact, erf-based form BERT uses).
    pub fn gelu(xs: &mut [f32]) {
        for x in xs.iter_mut() {
            *x = 0.5 * *x * (1.0 + erf_approx::<FMA>(*x * std::f32::consts::FRAC_1_SQRT_2));
        }
    }
}

/// Lanes of the partial sums below: wide enough for one AVX-512 register, so
/// that reductions vectorise without reassociating a single accumulator.
const LANES: usize = 16;

#[inline(always)]
fn lane_max(row: &[f32]) -> f32 {
    let mut acc = [f32::NEG_INFINITY; LANES];
    let mut chunks = row.chunks_exact(LANES);
    for c in &mut chunks {
        for k in 0..LANES {
            acc[k] = if c[k] > acc[k] { c[k] } else { acc[k] };
        }
    }
    let mut m = chunks
        .remainder()
        .iter()
        .fold(f32::NEG_INFINITY, |m, &v| if v > m { v } else { m });
    for a in acc {
        m = if a > m { a } else { m };
    }
    m
}

#[inline(always)]
fn lane_sum(row: &[f32]) -> f32 {
    let mut acc = [0.0f32; LANES];
    let mut chunks = row.chunks_exact(LANES);
    for c in &mut chunks {
        for k in 0..LANES {
            acc[k] += c[k];
        }
    }
    chunks.remainder().iter().sum::<f32>() + acc.iter().sum::<f32>()
}

#[inline(always)]
fn lane_sq_dev(row: &[f32], mean: f32) -> f32 {
    let mut acc = [0.0f32; LANES];
    let mut chunks = row.chunks_exact(LANES);
    for c in &mut chunks {
        for k in 0..LANES {
            let d = c[k] - mean;
            acc[k] += d * d;
        }
    }
    chunks
        .remainder()
        .iter()
        .map(|v| (v - mean) * (v - mean))
        .sum::<f32>()
        + acc.iter().sum::<f32>()
}

simd! {
    /// In place: each row of `xs` (rows of `n`) ← softmax(scale · row).
    pub fn softmax_rows(xs: &mut [f32], n: usize, scale: f32) {
        for row in xs.chunks_exact_mut(n) {
            let max = lane_max(row);
            for v in row.iter_mut() {
                *v = exp_with::<FMA>((*v - max) * scale);
            }
            let inv = 1.0 / lane_sum(row);
            for v in row.iter_mut() {
                *v *= inv;
            }
        }
    }
}

simd! {
    /// In place: each row of `xs` (rows of `gamma.len()`) ← LayerNorm(row + residual row).
    pub fn add_layer_norm(xs: &mut [f32], residual: &[f32], gamma: &[f32], beta: &[f32], eps: f32) {
        let n = gamma.len();
        for (row, res) in xs.chunks_exact_mut(n).zip(residual.chunks_exact(n)) {
            for (v, r) in row.iter_mut().zip(res) {
                *v += *r;
            }
            let mean = lane_sum(row) / n as f32;
            let var = lane_sq_dev(row, mean) / n as f32;
            let inv = 1.0 / (var + eps).sqrt();
            for ((v, g), b) in row.iter_mut().zip(gamma).zip(beta) {
                *v = (*v - mean) * inv * *g + *b;
            }
        }
    }
}

simd! {
    /// Quantises each row of `x` (rows of `k`) to `u8` = q + `levels` + 1,
    /// q in `-levels..=levels`, with scale max|x| / `levels` (127: the
    /// scale of [`unspin_quantize::scale_for`], 1 for an all-zero row;
    /// 63: twice that, for the AVX2 kernel whose pair sums must not
    /// saturate), written to `xs`. Unlike the weights' quantiser
    /// (`unspin_quantize`), it multiplies by the reciprocal scale and rounds
    /// half to even, so that it vectorises: activations are quantised at run
    /// time, on every window.
    pub fn quantize_rows_u8(x: &[f32], k: usize, levels: i32, xq: &mut [u8], xs: &mut [f32]) {
        const MAGIC: f32 = 12_582_912.0;
        for ((row, q), s) in x.chunks_exact(k).zip(xq.chunks_exact_mut(k)).zip(xs.iter_mut()) {
            let mut acc = [0.0f32; LANES];
            let mut chunks = row.chunks_exact(LANES);
            for c in &mut chunks {
                for j in 0..LANES {
                    let a = c[j].abs();
                    acc[j] = if a > acc[j] { a } else { acc[j] };
                }
            }
            let mut max = chunks.remainder().iter().fold(0.0f32, |m, v| if v.abs() > m { v.abs() } else { m });
            for a in acc {
                max = if a > max { a } else { max };
            }
            let top = levels as f32;
            let scale = unspin_quantize::scale_for(max) * (127.0 / top);
            let inv = 1.0 / scale;
            for (d, v) in q.iter_mut().zip(row) {
                // Round to nearest even, then shift into 1..=2 levels + 1.
                let r = ((v * inv).clamp(-top, top) + MAGIC) - MAGIC;
                // SAFETY: r is an integer in [-levels, levels], levels <= 127.
                *d = (unsafe { r.to_int_unchecked::<i32>() } + levels + 1) as u8;
            }
            *s = scale;
        }
    }
}

/// Logistic function.
#[inline]
pub fn sigmoid(x: f32) -> f32 {
    1.0 / (1.0 + (-x).exp())
}

/// In place softmax of one small vector (exact exp).
pub fn softmax(xs: &mut [f32]) {
    let max = xs.iter().copied().fold(f32::NEG_INFINITY, f32::max);
    let mut sum = 0.0;
    for v in xs.iter_mut() {
        *v = (*v - max).exp();
        sum += *v;
    }
    if sum > 0.0 {
        for v in xs.iter_mut() {
            *v /= sum;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exp_matches_std() {
        let mut x = -80.0f32;
        while x < 80.0 {
            let (a, b) = (exp_with::<false>(x), x.exp());
            assert!(((a - b) / b).abs() < 1e-6, "exp({x}): {a} vs {b}");
            let f = exp_with::<true>(x);
            assert!(((f - b) / b).abs() < 1e-6, "fused exp({x}): {f} vs {b}");
            x += 0.173;
        }
    }

    #[test]
    fn gelu_matches_erf_form() {
        let xs: Vec<f32> = (-60..=60).map(|i| i as f32 / 10.0).collect();
        let mut ys = xs.clone();
        gelu(&mut ys);
        for (x, y) in xs.iter().zip(&ys) {
            // Reference: erf via f64 series-free identity Φ(x) = erfc(-x/√2)/2, computed by
            // numerical integration of the normal density.
            let xf = f64::from(*x);
            let steps = 20_000;
            let lo = -10.0f64;
            let h = (xf - lo) / steps as f64;
            let mut cdf = 0.0;
            for k in 0..steps {
                let t = lo + (k as f64 + 0.5) * h;
                cdf += (-t * t / 2.0).exp();
            }
            cdf *= h / (2.0 * std::f64::consts::PI).sqrt();
            let want = xf * cdf;
            assert!(
                (f64::from(*y) - want).abs() < 2e-6,
                "gelu({x}) = {y}, want {want}"
            );
        }
    }

    #[test]
    fn softmax_rows_sum_to_one() {
        let mut xs: Vec<f32> = (0..12).map(|i| (i as f32 * 0.7).sin() * 30.0).collect();
        softmax_rows(&mut xs, 4, 0.5);
        for row in xs.chunks(4) {
            let s: f32 = row.iter().sum();
            assert!((s - 1.0).abs() < 1e-5);
            assert!(row.iter().all(|v| v.is_finite() && *v >= 0.0));
        }
    }

    #[test]
    fn layer_norm_normalises() {
        let mut xs = vec![1.0, 2.0, 3.0, 4.0];
        let res = vec![0.0; 4];
        add_layer_norm(&mut xs, &res, &[1.0; 4], &[0.0; 4], 1e-12);
        let mean: f32 = xs.iter().sum::<f32>() / 4.0;
        let var: f32 = xs.iter().map(|v| (v - mean) * (v - mean)).sum::<f32>() / 4.0;
        assert!(mean.abs() < 1e-6 && (var - 1.0).abs() < 1e-4);
    }
}
