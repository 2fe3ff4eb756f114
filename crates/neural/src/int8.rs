//! Int8 dense layers, with one of four x86-64 kernels or an ARM one chosen
//! at run time ([`kernel`]):
//!
//! - AVX-512 VNNI (`vpdpbusd` on 512-bit registers: Intel Xeon since Cascade
//!   Lake, AMD Zen 4 and later): 64 multiply-adds per instruction;
//! - AVX-VNNI (the VEX `vpdpbusd` on 256-bit registers: Intel Core since
//!   Alder Lake without AVX-512): 32 per instruction;
//! - AVX2 with 7-bit activations (`vpmaddubsw` + `vpmaddwd`, every x86-64
//!   laptop of the last ten years): activations quantised to 63 levels a
//!   side, so that `vpmaddubsw`'s pair sums (at most 2 × 127 × 127) never
//!   saturate and no sign fix-up is needed: two multiply instructions per
//!   32 multiply-adds; and where two steps' weights are small enough
//!   (`steps::PAIR_LIMIT`: nearly all of them, once the steps are paired to fit,
//!   see `steps::StepSchedule`) their pair sums are added in 16 bits before one
//!   `vpmaddwd` widens them, three multiply instructions per 64
//!   multiply-adds, with the same integer sums. Not bit-identical to the
//!   VNNI kernels (a coarser activation step, as PyTorch's `reduce_range`
//!   on AVX2); its cost in F1 is in the model cards. The default where
//!   there is no VNNI.
//! - AVX2, exact: the activations' signs moved onto the weights
//!   (`vpsignb`) so that no pair sum can saturate — the same integer dot
//!   products as the VNNI kernels, bit for bit, but four instructions per
//!   32 multiply-adds, about what an f32 FMA does (see README, "Neural
//!   encoder vs PyTorch").
//! - ARM NEON with the dot-product extension (`sdot`, Armv8.2 and later:
//!   Apple M1 and later, AWS Graviton 2 and later, Cortex-A76/X1 and later):
//!   16 multiply-adds per instruction on signed activations, the same integer
//!   dot products as the VNNI kernels, bit for bit. Rust's `vdotq_s32` is not
//!   stable yet, so `sdot` is written as inline assembly.
//!
//! Weights are the shipped int8 values (one scale per output, requantised
//! with [`unspin_quantize::quantize_columns`]), packed for
//! the instruction: blocks of 16 outputs, and within a block, for every 4
//! inputs, 16 × 4 bytes. Activations are quantised per row on the fly
//! (symmetric, scale max|x| / 127) and shifted to unsigned by +128; the shift
//! is taken back with the weights' column sums. Results are dequantised to
//! f32 with the bias added. On CPUs without VNNI the encoder keeps to f32.

use unspin_quantize::{dequantize_value, quantize_columns, quantize_value, scale_for};

use crate::encoder::{Int8Rows, Linear};
use crate::math::quantize_rows_u8;

mod steps;

use steps::StepSchedule;

/// Outputs per block (one 512-bit register of i32, two 256-bit ones).
const BLOCK: usize = 16;

/// An int8 matrix kernel, by the instructions it needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Int8Kernel {
    /// `vpdpbusd` on 512-bit registers (AVX-512 F, BW and VNNI).
    Avx512Vnni,
    /// `vpdpbusd` on 256-bit registers (AVX-VNNI).
    AvxVnni,
    /// `vpmaddubsw`/`vpmaddwd` on 7-bit activations (AVX2).
    Avx2SevenBit,
    /// `vpmaddubsw`/`vpmaddwd` with the sign fix-up, exact (AVX2).
    Avx2,
    /// `sdot` on 128-bit registers (ARM NEON with the dot-product extension).
    NeonDot,
}

impl Int8Kernel {
    /// Every kernel, fastest first (the x86-64 ones, then the ARM one).
    pub const ALL: [Int8Kernel; 5] = [
        Int8Kernel::Avx512Vnni,
        Int8Kernel::AvxVnni,
        Int8Kernel::Avx2SevenBit,
        Int8Kernel::Avx2,
        Int8Kernel::NeonDot,
    ];

    /// The kernel's name as `UNSPIN_INT8_KERNEL` takes it (`avx512vnni`,
    /// `avxvnni`, `avx2-7bit`, `avx2`, `neon-dotprod`).
    pub fn name(self) -> &'static str {
        match self {
            Int8Kernel::Avx512Vnni => "avx512vnni",
            Int8Kernel::AvxVnni => "avxvnni",
            Int8Kernel::Avx2SevenBit => "avx2-7bit",
            Int8Kernel::Avx2 => "avx2",
            Int8Kernel::NeonDot => "neon-dotprod",
        }
    }

    /// Whether the kernel is clearly faster than f32 on the same CPU (what
    /// `--precision auto` asks): the VNNI ones (2.0× and 1.5× AVX-512 f32 on
    /// the Xeon of the README) and the 7-bit AVX2 one (1.9× f32 on 256-bit
    /// registers); the ARM one by its instructions (16 multiply-adds per
    /// `sdot` against 4 per f32 `fmla`, the same ratio as VNNI's on x86-64;
    /// not measured on ARM hardware, which the project has none of); not the
    /// exact AVX2 kernel, which only `UNSPIN_INT8_KERNEL` picks.
    pub fn faster_than_f32(self) -> bool {
        self != Int8Kernel::Avx2
    }

    /// Whether the kernel computes the exact integer dot products of the
    /// quantised values (every kernel but the 7-bit one): exact kernels give
    /// the same floats, bit for bit, on any CPU.
    pub fn exact(self) -> bool {
        self.levels() == 127
    }

    /// Activation levels a side: 127, or 63 for the 7-bit kernel.
    fn levels(self) -> i32 {
        if self == Int8Kernel::Avx2SevenBit {
            63
        } else {
            127
        }
    }

    /// Whether this CPU runs the kernel.
    pub fn supported(self) -> bool {
        #[cfg(target_arch = "x86_64")]
        {
            use std::arch::is_x86_feature_detected as has;
            match self {
                Int8Kernel::Avx512Vnni => has!("avx512f") && has!("avx512bw") && has!("avx512vnni"),
                Int8Kernel::AvxVnni => has!("avx2") && has!("avxvnni"),
                Int8Kernel::Avx2 | Int8Kernel::Avx2SevenBit => has!("avx2"),
                Int8Kernel::NeonDot => false,
            }
        }
        #[cfg(target_arch = "aarch64")]
        {
            self == Int8Kernel::NeonDot && std::arch::is_aarch64_feature_detected!("dotprod")
        }
        #[cfg(not(any(target_arch = "x86_64", target_arch = "aarch64")))]
        {
            false
        }
    }
}

/// The environment variable that names a kernel to use instead of the
/// fastest one (to measure or test a slower kernel on a machine that has
/// them all); a kernel this CPU lacks, or an unknown name, is ignored.
pub const KERNEL_ENV: &str = "UNSPIN_INT8_KERNEL";

/// The int8 kernel this process uses: the fastest this CPU runs, or the one
/// [`KERNEL_ENV`] names when the CPU runs it; `None` when there is none (an
/// x86-64 CPU without AVX2, an ARM one without `dotprod`, another
/// architecture): then the encoder keeps to f32.
pub fn kernel() -> Option<Int8Kernel> {
    static KERNEL: std::sync::OnceLock<Option<Int8Kernel>> = std::sync::OnceLock::new();
    *KERNEL.get_or_init(|| {
        let wanted = std::env::var(KERNEL_ENV).ok();
        let named = Int8Kernel::ALL
            .into_iter()
            .find(|k| wanted.as_deref() == Some(k.name()) && k.supported());
        named.or_else(|| Int8Kernel::ALL.into_iter().find(|k| k.supported()))
    })
}

/// A dense layer with int8 weights packed for the kernels (16 outputs × 4
/// inputs per 64 bytes: one VNNI or `sdot` step).
#[derive(Debug, Clone)]
pub struct Int8Linear {
    packed: Vec<i8>,
    scale: Vec<f32>,
    /// 128 × each output's weight sum: what the +128 shift of the activations
    /// adds to a dot product (the ARM kernel needs none).
    #[cfg_attr(not(target_arch = "x86_64"), allow(dead_code))]
    shift: Vec<i32>,
    bias: Vec<f32>,
    inputs: usize,
    outputs: usize,
    /// The 7-bit kernel's order of steps, made on its first use (only CPUs
    /// without VNNI run it).
    #[cfg_attr(not(target_arch = "x86_64"), allow(dead_code))]
    seven_bit_steps: std::sync::OnceLock<StepSchedule>,
}

/// Scratch space of [`Int8Linear::forward`]: quantised activations and their scales.
#[derive(Debug, Default)]
pub struct Int8Scratch {
    xq: Vec<u8>,
    xs: Vec<f32>,
}

/// True when this CPU runs an int8 kernel ([`kernel`] is not `None`).
pub fn available() -> bool {
    kernel().is_some()
}

/// What [`quantize_columns`] gives for the dequantised values of `rows`
/// (`outputs × inputs`, one scale per output), computed from the int8 values:
/// `(values, scales)` with the values in the same `outputs × inputs` layout.
/// Each output's scale is `max |q · s| / 127` and each value
/// `round(q · s / scale)`, the very arithmetic of quantising the dequantised
/// matrix, so the packed layer is bit for bit the one built from f32.
fn requantize_rows(rows: &Int8Rows, outputs: usize, inputs: usize) -> (Vec<i8>, Vec<f32>) {
    let mut q = Vec::with_capacity(outputs * inputs);
    let mut scales = Vec::with_capacity(outputs);
    for (row, &s) in rows.q.chunks_exact(inputs).zip(&rows.scales) {
        // |q · s| grows with |q| (s ≥ 0), so the largest value is the largest |q|'s.
        let top = row.iter().map(|v| v.unsigned_abs()).max().unwrap_or(0);
        let scale = scale_for(dequantize_value(top as i8, s).abs());
        scales.push(scale);
        if top == 127 && s.is_normal() && scale.is_normal() {
            // Then `scale` is `s` within a few rounding steps, and
            // `round(q · s / scale)` is `q` itself: |q| ≤ 127 keeps the
            // error far under half a step (checked against the arithmetic
            // in the tests).
            q.extend_from_slice(row);
        } else {
            q.extend(
                row.iter()
                    .map(|&v| quantize_value(dequantize_value(v, s), scale)),
            );
        }
    }
    (q, scales)
}

/// `q` (`rows × cols`, row-major) transposed.
fn transpose_i8(q: &[i8], rows: usize, cols: usize) -> Vec<i8> {
    let mut out = vec![0i8; q.len()];
    for r in 0..rows {
        for c in 0..cols {
            out[c * rows + r] = q[r * cols + c];
        }
    }
    out
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
        let (wq, scale) = match lin.int8_rows() {
            // Straight from the stored values: the same numbers as quantising
            // the dequantised weights below, without building them.
            Some(rows) => requantize_rows(rows, n, k),
            // `w` is `inputs × outputs`: one scale per output is one per column.
            None => {
                let (q, s) = quantize_columns(lin.w(), n);
                (transpose_i8(&q, k, n), s)
            }
        };
        // `wq` is `outputs × inputs`.
        let q = |i: usize, j: usize| -> i8 { wq[j * k + i] };
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
            seven_bit_steps: std::sync::OnceLock::new(),
        })
    }

    /// The 7-bit kernel's [`StepSchedule`] (made on first use).
    #[cfg_attr(not(target_arch = "x86_64"), allow(dead_code))]
    fn seven_bit_steps(&self) -> &StepSchedule {
        self.seven_bit_steps
            .get_or_init(|| StepSchedule::new(&self.packed, self.outputs, self.inputs))
    }

    /// `out[rows × outputs] = x[rows × inputs]·W + b`, like [`Linear::forward`].
    ///
    /// # Panics
    /// When called on a CPU without the int8 kernels ([`available`] is false).
    pub fn forward(&self, x: &[f32], rows: usize, out: &mut [f32], scratch: &mut Int8Scratch) {
        let kernel = kernel().expect("int8 kernels need AVX2, or ARM's dot product");
        self.forward_with(kernel, x, rows, out, scratch);
    }

    /// [`forward`](Self::forward) with a given kernel.
    ///
    /// # Panics
    /// When this CPU does not run `kernel`.
    pub fn forward_with(
        &self,
        kernel: Int8Kernel,
        x: &[f32],
        rows: usize,
        out: &mut [f32],
        scratch: &mut Int8Scratch,
    ) {
        assert!(
            kernel.supported(),
            "this CPU does not run the {} kernel",
            kernel.name()
        );
        let k = self.inputs;
        scratch.xq.resize(rows * k, 0);
        scratch.xs.resize(rows, 0.0);
        quantize_rows_u8(
            &x[..rows * k],
            k,
            kernel.levels(),
            &mut scratch.xq,
            &mut scratch.xs,
        );
        let (xq, xs, out) = (&scratch.xq, &scratch.xs, &mut out[..rows * self.outputs]);
        #[cfg(target_arch = "x86_64")]
        // SAFETY: `supported()` checked the CPU features; the buffers have the
        // sizes the kernels read and write (rows × k bytes, rows × outputs floats).
        unsafe {
            match kernel {
                Int8Kernel::Avx512Vnni => self.kernel(xq, xs, rows, out),
                Int8Kernel::AvxVnni => self.kernel_avxvnni(xq, xs, rows, out),
                Int8Kernel::Avx2SevenBit => self.kernel_avx2_7bit(xq, xs, rows, out),
                Int8Kernel::Avx2 => self.kernel_avx2(xq, xs, rows, out),
                Int8Kernel::NeonDot => unreachable!("not supported on x86-64"),
            }
        }
        #[cfg(target_arch = "aarch64")]
        // SAFETY: as above (`supported()` is true only for `NeonDot` on a CPU
        // with `dotprod`).
        unsafe {
            self.kernel_neon_dot(xq, xs, rows, out);
        }
        #[cfg(not(any(target_arch = "x86_64", target_arch = "aarch64")))]
        let _ = (xq, xs, out);
    }

    /// What every exact kernel computes, in plain Rust: the integer dot
    /// products of the quantised activations (`xq`, shifted by +128) and
    /// weights, then the same float steps as the kernels (one rounding for
    /// `(q · w) × (sx × scale) + bias`, fused). For tests on any CPU.
    #[cfg(test)]
    fn reference(&self, x: &[f32], rows: usize) -> Vec<f32> {
        self.reference_with(x, rows, 127)
    }

    /// [`reference`](Self::reference) with activations at `levels` a side
    /// (63: what the 7-bit kernel computes).
    #[cfg(test)]
    fn reference_with(&self, x: &[f32], rows: usize, levels: i32) -> Vec<f32> {
        let (k, n) = (self.inputs, self.outputs);
        let (mut xq, mut xs) = (vec![0u8; rows * k], vec![0.0f32; rows]);
        quantize_rows_u8(&x[..rows * k], k, levels, &mut xq, &mut xs);
        let mut out = vec![0.0f32; rows * n];
        for i in 0..rows {
            for j in 0..n {
                let (b, c) = (j / BLOCK, j % BLOCK);
                let mut dot = 0i32;
                for kk in 0..k / 4 {
                    for t in 0..4 {
                        let w = self.packed[((b * (k / 4) + kk) * BLOCK + c) * 4 + t];
                        let q = i32::from(xq[i * k + kk * 4 + t]) - (levels + 1);
                        dot += q * i32::from(w);
                    }
                }
                let s = xs[i] * self.scale[j];
                out[i * n + j] = (dot as f32).mul_add(s, self.bias[j]);
            }
        }
        out
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

/// The two 256-bit kernels, one function each so that the AVX2 one is
/// compiled without AVX-VNNI (the compiler may not use an instruction the
/// CPU lacks): `$vnni` true for AVX-VNNI's `vpdpbusd`, false for AVX2's
/// `vpmaddubsw`/`vpmaddwd`.
///
/// The AVX2 way: the activation bytes are the unsigned `q + 128`; xor 0x80
/// gives back the signed `q` (in −127..=127). `vpmaddubsw` takes `|q|`
/// (unsigned) and the weights with `q`'s sign (`vpsignb`), so each pair sum
/// is at most 2 × 127 × 127 < 2¹⁵ and never saturates: the sums are `Σ q·w`
/// exactly, without the shift the VNNI kernels take back.
macro_rules! kernel256 {
    ($kernel:ident, $tile:ident, $features:literal, $vnni:tt) => {
        impl Int8Linear {
            #[cfg(target_arch = "x86_64")]
            #[target_feature(enable = $features)]
            unsafe fn $kernel(&self, xq: &[u8], xs: &[f32], rows: usize, out: &mut [f32]) {
                let steps = kernel256!(@steps $vnni, self);
                let k4 = self.inputs / 4;
                for jb in 0..self.outputs / BLOCK {
                    let block = steps.map_or((&[][..], 0), |s| s.block(jb, k4));
                    let mut i = 0;
                    while i + 4 <= rows {
                        self.$tile::<4>(block, xq, xs, i, jb, out);
                        i += 4;
                    }
                    while i < rows {
                        self.$tile::<1>(block, xq, xs, i, jb, out);
                        i += 1;
                    }
                }
            }

            /// Rows `i..i + R` × the 16 outputs of block `jb`; `steps` is
            /// the block's [`StepSchedule`] for the 7-bit kernel (unused by
            /// the others).
            #[cfg(target_arch = "x86_64")]
            #[target_feature(enable = $features)]
            #[inline]
            unsafe fn $tile<const R: usize>(
                &self,
                steps: (&[u32], usize),
                xq: &[u8],
                xs: &[f32],
                i: usize,
                jb: usize,
                out: &mut [f32],
            ) {
                use std::arch::x86_64::*;
                let (k, n) = (self.inputs, self.outputs);
                let k4 = k / 4;
                let w = self.packed.as_ptr().add(jb * k4 * 64);
                let mut acc = [[_mm256_setzero_si256(); 2]; R];
                let xp = xq.as_ptr().add(i * k);
                let single = |acc: &mut [[__m256i; 2]; R], kk: usize| {
                    let b0 = _mm256_loadu_si256(w.add(kk * 64) as *const _);
                    let b1 = _mm256_loadu_si256(w.add(kk * 64 + 32) as *const _);
                    for (rr, a) in acc.iter_mut().enumerate() {
                        let v = (xp.add(rr * k + kk * 4) as *const i32).read_unaligned();
                        kernel256!(@step $vnni, a, v, b0, b1);
                    }
                };
                if kernel256!(@pairs $vnni) {
                    // Two steps' pair sums added in 16 bits, then widened
                    // once (the schedule pairs only steps that fit).
                    let (order, pairs) = steps;
                    let ones = _mm256_set1_epi16(1);
                    for pair in order[..2 * pairs].chunks_exact(2) {
                        let (s, t) = (pair[0] as usize, pair[1] as usize);
                        let b0 = _mm256_loadu_si256(w.add(s * 64) as *const _);
                        let b1 = _mm256_loadu_si256(w.add(s * 64 + 32) as *const _);
                        let c0 = _mm256_loadu_si256(w.add(t * 64) as *const _);
                        let c1 = _mm256_loadu_si256(w.add(t * 64 + 32) as *const _);
                        for (rr, a) in acc.iter_mut().enumerate() {
                            let row = xp.add(rr * k) as *const i32;
                            let x = _mm256_set1_epi32(row.add(s).read_unaligned());
                            let y = _mm256_set1_epi32(row.add(t).read_unaligned());
                            let p0 = _mm256_add_epi16(
                                _mm256_maddubs_epi16(x, b0),
                                _mm256_maddubs_epi16(y, c0),
                            );
                            let p1 = _mm256_add_epi16(
                                _mm256_maddubs_epi16(x, b1),
                                _mm256_maddubs_epi16(y, c1),
                            );
                            a[0] = _mm256_add_epi32(a[0], _mm256_madd_epi16(p0, ones));
                            a[1] = _mm256_add_epi32(a[1], _mm256_madd_epi16(p1, ones));
                        }
                    }
                    for &s in &order[2 * pairs..] {
                        single(&mut acc, s as usize);
                    }
                } else {
                    let _ = steps;
                    for kk in 0..k4 {
                        single(&mut acc, kk);
                    }
                }
                for (rr, a) in acc.iter().enumerate() {
                    let sx = _mm256_set1_ps(xs[i + rr]);
                    for (h, v) in a.iter().enumerate() {
                        let j = jb * BLOCK + h * 8;
                        let v = kernel256!(@unshift $vnni, self, j, *v);
                        let s = _mm256_mul_ps(sx, _mm256_loadu_ps(self.scale.as_ptr().add(j)));
                        let b = _mm256_loadu_ps(self.bias.as_ptr().add(j));
                        let y = _mm256_fmadd_ps(_mm256_cvtepi32_ps(v), s, b);
                        _mm256_storeu_ps(out.as_mut_ptr().add((i + rr) * n + j), y);
                    }
                }
            }
        }
    };
    // The activations were shifted by +128 (VNNI) or +64 (7-bit): take
    // back shift × the weights' column sums (`shift` holds 128 × the sums).
    (@unshift true, $s:ident, $j:ident, $v:expr) => {{
        let shift = _mm256_loadu_si256($s.shift.as_ptr().add($j) as *const _);
        _mm256_sub_epi32($v, shift)
    }};
    (@unshift seven, $s:ident, $j:ident, $v:expr) => {{
        let shift = _mm256_loadu_si256($s.shift.as_ptr().add($j) as *const _);
        _mm256_sub_epi32($v, _mm256_srai_epi32::<1>(shift))
    }};
    (@unshift false, $s:ident, $j:ident, $v:expr) => {
        $v
    };
    // The 7-bit kernel pairs steps (`StepSchedule`); the others do not.
    (@pairs seven) => {
        true
    };
    (@pairs $other:tt) => {
        false
    };
    (@steps seven, $s:ident) => {
        Some($s.seven_bit_steps())
    };
    (@steps $other:tt, $s:ident) => {
        None::<&StepSchedule>
    };
    (@step seven, $a:ident, $v:ident, $b0:ident, $b1:ident) => {
        // Activations in 1..=127: a pair sum is at most 2 × 127 × 127.
        let x = _mm256_set1_epi32($v);
        let ones = _mm256_set1_epi16(1);
        let p0 = _mm256_maddubs_epi16(x, $b0);
        let p1 = _mm256_maddubs_epi16(x, $b1);
        $a[0] = _mm256_add_epi32($a[0], _mm256_madd_epi16(p0, ones));
        $a[1] = _mm256_add_epi32($a[1], _mm256_madd_epi16(p1, ones));
    };
    (@step true, $a:ident, $v:ident, $b0:ident, $b1:ident) => {
        let x = _mm256_set1_epi32($v);
        $a[0] = _mm256_dpbusd_avx_epi32($a[0], x, $b0);
        $a[1] = _mm256_dpbusd_avx_epi32($a[1], x, $b1);
    };
    (@step false, $a:ident, $v:ident, $b0:ident, $b1:ident) => {
        let x = _mm256_set1_epi32($v ^ 0x8080_8080_u32 as i32);
        let ax = _mm256_sign_epi8(x, x);
        let ones = _mm256_set1_epi16(1);
        let p0 = _mm256_maddubs_epi16(ax, _mm256_sign_epi8($b0, x));
        let p1 = _mm256_maddubs_epi16(ax, _mm256_sign_epi8($b1, x));
        $a[0] = _mm256_add_epi32($a[0], _mm256_madd_epi16(p0, ones));
        $a[1] = _mm256_add_epi32($a[1], _mm256_madd_epi16(p1, ones));
    };
}

kernel256!(kernel_avxvnni, tile_avxvnni, "avx2,fma,avxvnni", true);
kernel256!(kernel_avx2, tile_avx2, "avx2,fma", false);
kernel256!(kernel_avx2_7bit, tile_avx2_7bit, "avx2,fma", seven);

/// `acc += sdot(w, x)`: for each of the four 32-bit lanes, the dot product
/// of that lane's four signed bytes of `w` and of `x`. Inline assembly, as
/// `vdotq_s32` is not a stable intrinsic yet; only inside functions compiled
/// with the `dotprod` target feature.
#[cfg(target_arch = "aarch64")]
macro_rules! sdot {
    ($acc:expr, $w:expr, $x:expr) => {
        std::arch::asm!(
            "sdot {acc:v}.4s, {w:v}.16b, {x:v}.16b",
            acc = inout(vreg) $acc,
            w = in(vreg) $w,
            x = in(vreg) $x,
            options(pure, nomem, nostack, preserves_flags)
        )
    };
}

#[cfg(target_arch = "aarch64")]
impl Int8Linear {
    #[target_feature(enable = "neon,dotprod")]
    unsafe fn kernel_neon_dot(&self, xq: &[u8], xs: &[f32], rows: usize, out: &mut [f32]) {
        for jb in 0..self.outputs / BLOCK {
            let mut i = 0;
            while i + 4 <= rows {
                self.tile_neon_dot::<4>(xq, xs, i, jb, out);
                i += 4;
            }
            while i < rows {
                self.tile_neon_dot::<1>(xq, xs, i, jb, out);
                i += 1;
            }
        }
    }

    /// Rows `i..i + R` × the 16 outputs of block `jb`: four registers of
    /// four outputs each, whose lanes hold an output's four weights of the
    /// step — `sdot`'s layout, so the packing is the VNNI kernels'. The
    /// activation bytes are the unsigned `q + 128`; xor 0x80 gives back the
    /// signed `q`, so no shift is taken back.
    #[target_feature(enable = "neon,dotprod")]
    #[inline]
    unsafe fn tile_neon_dot<const R: usize>(
        &self,
        xq: &[u8],
        xs: &[f32],
        i: usize,
        jb: usize,
        out: &mut [f32],
    ) {
        use std::arch::aarch64::*;
        let (k, n) = (self.inputs, self.outputs);
        let k4 = k / 4;
        let w = self.packed.as_ptr().add(jb * k4 * 64);
        let mut acc = [[vdupq_n_s32(0); 4]; R];
        let xp = xq.as_ptr().add(i * k);
        for kk in 0..k4 {
            let b = [
                vld1q_s8(w.add(kk * 64)),
                vld1q_s8(w.add(kk * 64 + 16)),
                vld1q_s8(w.add(kk * 64 + 32)),
                vld1q_s8(w.add(kk * 64 + 48)),
            ];
            for (rr, a) in acc.iter_mut().enumerate() {
                let v = (xp.add(rr * k + kk * 4) as *const u32).read_unaligned() ^ 0x8080_8080;
                let x = vreinterpretq_s8_u32(vdupq_n_u32(v));
                for (a, b) in a.iter_mut().zip(b) {
                    sdot!(*a, b, x);
                }
            }
        }
        for (rr, a) in acc.iter().enumerate() {
            let sx = vdupq_n_f32(xs[i + rr]);
            for (h, v) in a.iter().enumerate() {
                let j = jb * BLOCK + h * 4;
                let s = vmulq_f32(sx, vld1q_f32(self.scale.as_ptr().add(j)));
                let b = vld1q_f32(self.bias.as_ptr().add(j));
                let y = vfmaq_f32(b, vcvtq_f32_s32(*v), s);
                vst1q_f32(out.as_mut_ptr().add((i + rr) * n + j), y);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::steps::PAIR_LIMIT;
    use super::*;

    /// A layer of `weight` (`n × k`, PyTorch's layout) with a bias of
    /// `0.01 × output`, and its int8 packing.
    fn layer(weight: &[f32], n: usize, k: usize) -> (Linear, Int8Linear) {
        let bias: Vec<f32> = (0..n).map(|i| i as f32 * 0.01).collect();
        let lin = Linear::from_torch(weight, &bias, n, k);
        let q = Int8Linear::from_linear(&lin).expect("shape fits");
        (lin, q)
    }

    /// `rows × k` ordinary activations in -2..=2.
    fn inputs(rows: usize, k: usize) -> Vec<f32> {
        (0..rows * k)
            .map(|i| ((i * 13 % 101) as f32 - 50.0) / 25.0)
            .collect()
    }

    #[test]
    fn int8_layer_matches_f32_within_quantisation_error() {
        if !available() {
            eprintln!("SKIP: this CPU has no int8 kernel (AVX2, or ARM with dotprod)");
            return;
        }
        let (k, n, rows) = (64, 128, 7);
        let weight: Vec<f32> = (0..n * k)
            .map(|i| ((i * 37 % 255) as f32 - 127.0) / 127.0 * 0.05)
            .collect();
        let (lin, q) = layer(&weight, n, k);
        let x = inputs(rows, k);
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
            let max = (0..k).fold(0.0f32, |m, i| m.max(lin.w()[i * n + j].abs()));
            let scale = if max == 0.0 { 1.0 } else { max / 127.0 };
            assert_eq!(q.scale[j].to_bits(), scale.to_bits());
            let (b, c) = (j / BLOCK, j % BLOCK);
            for i in 0..k {
                let want = (lin.w()[i * n + j] / scale).round().clamp(-127.0, 127.0) as i8;
                let (kk, t) = (i / 4, i % 4);
                assert_eq!(q.packed[((b * (k / 4) + kk) * BLOCK + c) * 4 + t], want);
            }
        }
    }

    /// A layer read from an int8 file packs its stored values directly; that
    /// gives the very layer built by quantising its dequantised f32 weights,
    /// for rows whose largest value is 127 (as `quantize_rows` writes), rows
    /// with a smaller top (a hand-made file), all-zero rows and -128.
    #[test]
    fn packing_int8_rows_equals_packing_their_f32_values() {
        let (k, n) = (12, 128);
        let q: Vec<i8> = (0..n * k)
            .map(|i| {
                let (o, c) = (i / k, i % k);
                match o % 5 {
                    0 if c == 3 => 127,
                    0 => ((i * 53 % 255) as i32 - 127) as i8,
                    1 if c == 0 => -127,
                    1 => ((i * 31 % 200) as i32 - 100) as i8,
                    2 => ((i * 7 % 41) as i32 - 20) as i8,
                    3 => 0,
                    _ if c == 1 => -128,
                    _ => ((i * 13 % 101) as i32 - 50) as i8,
                }
            })
            .collect();
        let scales: Vec<f32> = (0..n)
            .map(|o| match o % 4 {
                0 => 0.013 * (1.0 + o as f32 / 7.0),
                1 => 1e-3 / (1.0 + o as f32),
                2 => 0.4 + o as f32 * 1e-4,
                _ => 3.3e-2,
            })
            .collect();
        let bias: Vec<f32> = (0..n).map(|o| o as f32 * 0.5).collect();
        let rows = Int8Rows {
            q: q.clone(),
            scales: scales.clone(),
        };
        let from_rows = Linear::from_int8_rows(rows, &bias, n, k);
        let deq = unspin_quantize::dequantize_rows(&q, &scales, k);
        let from_f32 = Linear::from_torch(&deq, &bias, n, k);
        assert_eq!(from_rows.w(), from_f32.w(), "lazy f32 weights");
        let a = Int8Linear::from_linear(&from_rows).expect("shape fits");
        let b = Int8Linear::from_linear(&from_f32).expect("shape fits");
        assert_eq!(a.packed, b.packed);
        assert_eq!(a.shift, b.shift);
        let bits = |v: &[f32]| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
        assert_eq!(bits(&a.scale), bits(&b.scale));
        assert_eq!(bits(&a.bias), bits(&b.bias));
        // Q, K and V side by side: the same either way.
        let parts = |lin: &Linear| Linear::concat(&[lin.clone(), lin.clone(), lin.clone()]);
        let (ca, cb) = (parts(&from_rows), parts(&from_f32));
        assert!(ca.int8_rows().is_some());
        assert_eq!(ca.w(), cb.w());
        let (pa, pb) = (
            Int8Linear::from_linear(&ca).expect("shape fits"),
            Int8Linear::from_linear(&cb).expect("shape fits"),
        );
        assert_eq!(pa.packed, pb.packed);
        assert_eq!(bits(&pa.scale), bits(&pb.scale));
    }

    /// A 96 → 64 layer and `rows` inputs: ordinary values, or (`extreme`)
    /// every weight and activation at the top of its range (±0.5 and ±3).
    fn test_layer(extreme: bool, rows: usize) -> (Linear, Int8Linear, Vec<f32>) {
        let (k, n) = (96, 64);
        let weight: Vec<f32> = (0..n * k)
            .map(|i| match (extreme, i % 3) {
                (true, 0) => 0.5,
                (true, _) => -0.5,
                _ => ((i * 37 % 255) as f32 - 127.0) / 127.0 * 0.05,
            })
            .collect();
        let (lin, q) = layer(&weight, n, k);
        let x = if extreme {
            (0..rows * k)
                .map(|i| if i % 2 == 0 { 3.0 } else { -3.0 })
                .collect()
        } else {
            inputs(rows, k)
        };
        (lin, q, x)
    }

    /// Every exact kernel this CPU runs gives the reference's floats, bit for
    /// bit (the same integer dot products, the same float steps), including
    /// where AVX2's `vpmaddubsw` would saturate without the sign trick:
    /// activations and weights all at ±127.
    #[test]
    fn every_exact_kernel_gives_the_reference_bits() {
        let kernels: Vec<Int8Kernel> = Int8Kernel::ALL
            .into_iter()
            .filter(|k| k.supported() && k.exact())
            .collect();
        if kernels.is_empty() {
            eprintln!("SKIP: this CPU runs no exact int8 kernel");
            return;
        }
        let (n, rows) = (64, 11);
        for extreme in [false, true] {
            let (lin, q, x) = test_layer(extreme, rows);
            let first = q.reference(&x, rows);
            for &kernel in &kernels {
                let mut got = vec![0.0f32; rows * n];
                q.forward_with(kernel, &x, rows, &mut got, &mut Int8Scratch::default());
                for (j, (a, b)) in got.iter().zip(&first).enumerate() {
                    assert_eq!(
                        a.to_bits(),
                        b.to_bits(),
                        "{} vs the reference at {j}: {a} {b}",
                        kernel.name()
                    );
                }
            }
            // And the integer result is exact: with all values at ±127 the
            // dot product is known.
            if extreme {
                let mut want = vec![0.0; rows * n];
                lin.forward(&x, rows, &mut want);
                let max = want.iter().fold(0.0f32, |m, v| m.max(v.abs()));
                for (a, b) in first.iter().zip(&want) {
                    assert!((a - b).abs() <= 1e-4 * max.max(1.0), "{a} vs {b}");
                }
            }
        }
    }

    #[test]
    fn the_seven_bit_kernel_never_saturates_and_stays_within_its_step() {
        if !Int8Kernel::Avx2SevenBit.supported() {
            eprintln!("SKIP: this CPU has no AVX2");
            return;
        }
        let (n, rows) = (64, 11);
        for extreme in [false, true] {
            // Extreme: every activation at ±63 levels and every weight at
            // ±127, the largest pair sums; they must not saturate.
            let (lin, q, x) = test_layer(extreme, rows);
            let mut got = vec![0.0f32; rows * n];
            q.forward_with(
                Int8Kernel::Avx2SevenBit,
                &x,
                rows,
                &mut got,
                &mut Int8Scratch::default(),
            );
            let mut want = vec![0.0; rows * n];
            lin.forward(&x, rows, &mut want);
            let max = want.iter().fold(0.0f32, |m, v| m.max(v.abs()));
            let tolerance = if extreme { 1e-4 } else { 0.04 };
            for (a, b) in got.iter().zip(&want) {
                assert!((a - b).abs() <= tolerance * max.max(1.0), "{a} vs {b}");
            }
        }
    }

    /// A 256 → 64 layer whose steps (4 inputs) are heavy (weights at ±0.8,
    /// ±1 for the first input: 102 and 127 as int8) in two neighbouring
    /// steps of every eight and light (at most ±0.1: 13) in the others: two
    /// heavy steps do not fit [`PAIR_LIMIT`] together (lanes of 204 each),
    /// a heavy and a light one do.
    fn mixed_layer(rows: usize) -> (Int8Linear, Vec<f32>) {
        let (k, n) = (256, 64);
        let weight: Vec<f32> = (0..n * k)
            .map(|i| {
                let (o, c) = (i / k, i % k);
                let sign = if (c + o) % 2 == 0 { 1.0 } else { -1.0 };
                if c == 0 {
                    sign
                } else if (c / 4) % 8 < 2 {
                    0.8 * sign
                } else {
                    ((i * 37 % 255) as f32 - 127.0) / 127.0 * 0.1
                }
            })
            .collect();
        (layer(&weight, n, k).1, inputs(rows, k))
    }

    /// The 7-bit kernel, which adds pairs of steps in 16 bits, gives the
    /// floats of the step-by-step integer sums bit for bit: on ordinary
    /// layers, on one with all values at the top of their range (no step
    /// can pair) and on one that needs the schedule's reordering.
    #[test]
    fn the_seven_bit_kernel_gives_its_reference_bits() {
        if !Int8Kernel::Avx2SevenBit.supported() {
            eprintln!("SKIP: this CPU has no AVX2");
            return;
        }
        let rows = 11;
        let mut layers = vec![test_layer(false, rows), test_layer(true, rows)]
            .into_iter()
            .map(|(_, q, x)| (q, x))
            .collect::<Vec<_>>();
        layers.push(mixed_layer(rows));
        for (q, x) in &layers {
            let want = q.reference_with(x, rows, 63);
            let mut got = vec![0.0f32; rows * q.outputs];
            q.forward_with(
                Int8Kernel::Avx2SevenBit,
                x,
                rows,
                &mut got,
                &mut Int8Scratch::default(),
            );
            for (j, (a, b)) in got.iter().zip(&want).enumerate() {
                assert_eq!(a.to_bits(), b.to_bits(), "at {j}: {a} vs {b}");
            }
        }
    }

    /// The schedule takes every step once a block, pairs only steps that fit
    /// [`PAIR_LIMIT`], and pairs the large steps with small ones where
    /// neighbours would not fit.
    #[test]
    fn the_step_schedule_pairs_what_fits_and_keeps_every_step() {
        let (q, _) = mixed_layer(1);
        let k4 = q.inputs / 4;
        let steps = StepSchedule::new(&q.packed, q.outputs, q.inputs);
        let lane = |b: usize, step: usize, l: usize| -> u16 {
            let at = ((b * k4 + step) * BLOCK + l / 2) * 4 + (l % 2) * 2;
            u16::from(q.packed[at].unsigned_abs()) + u16::from(q.packed[at + 1].unsigned_abs())
        };
        let mut neighbours_fit = 0;
        for b in 0..q.outputs / BLOCK {
            let (order, pairs) = steps.block(b, k4);
            let mut seen = order.to_vec();
            seen.sort_unstable();
            assert_eq!(seen, (0..k4 as u32).collect::<Vec<_>>(), "block {b}");
            for pair in order[..2 * pairs].chunks_exact(2) {
                let (s, t) = (pair[0] as usize, pair[1] as usize);
                assert!((0..2 * BLOCK).all(|l| lane(b, s, l) + lane(b, t, l) <= PAIR_LIMIT));
            }
            assert_eq!(pairs, k4 / 2, "block {b}: every step paired");
            neighbours_fit += (0..k4 / 2)
                .filter(|p| {
                    (0..2 * BLOCK).all(|l| lane(b, 2 * p, l) + lane(b, 2 * p + 1, l) <= PAIR_LIMIT)
                })
                .count();
        }
        assert!(
            neighbours_fit < q.outputs / BLOCK * k4 / 2,
            "the layer should need the reordering"
        );
    }

    /// Where a run must exercise a given kernel (`.ci/arm.sh` sets
    /// `UNSPIN_EXPECT_INT8_KERNEL=neon-dotprod`), it is the one in use: the
    /// tests above did not skip.
    #[test]
    fn the_expected_kernel_is_in_use() {
        if let Ok(want) = std::env::var("UNSPIN_EXPECT_INT8_KERNEL") {
            assert_eq!(kernel().map(Int8Kernel::name), Some(want.as_str()));
        }
    }

    #[test]
    fn kernel_names_round_trip() {
        for kernel in Int8Kernel::ALL {
            let again = Int8Kernel::ALL
                .into_iter()
                .find(|k| k.name() == kernel.name());
            assert_eq!(again, Some(kernel));
        }
        assert_eq!(available(), kernel().is_some());
    }

    #[test]
    fn shapes_that_do_not_fit_stay_f32() {
        let lin = Linear::from_torch(&[0.0; 3 * 8], &[0.0; 3], 3, 8);
        assert!(Int8Linear::from_linear(&lin).is_none());
    }
}
