//! f32 dense layers with the weights packed once, on first use (x86-64:
//! AVX-512, or AVX2 with FMA).
//!
//! `gemm` packs both operands of every product into its own layout before it
//! multiplies, on every call: about a tenth of the f32 encoder's time on an
//! AVX-512 Xeon (7 % on an AVX2-only AMD Zen 3) went to packing the weights,
//! which never change. Here the weights are packed once into column panels
//! of `NR` outputs (64 for AVX-512, 16 for AVX2), cut into slices of `KC`
//! inputs (128 for AVX-512, 256 for AVX2) and laid out in the order the
//! kernel reads them (a layer's weights stream from memory in one pass, the
//! next slice prefetched while the current one is used). Per slice, the activations are copied into
//! blocks of 6 rows, input-major (small beside the product), so that the
//! kernel reads its broadcasts in one stream. The kernel keeps a block of 6
//! rows × `NR` outputs in registers (24 of AVX-512's 32, 12 of AVX2's 16); a
//! slice of a panel (32 KB, or 16 KB) stays in L1 while every row block
//! passes over it; the bias starts the sums.
//!
//! The AVX-512 kernel needs the crate's `avx512` feature (the same switch as
//! `gemm`'s AVX-512 kernels); the AVX2 kernel runs where AVX-512 does not
//! (or without that feature), as on most laptops. Layers whose outputs are
//! not a multiple of `NR` keep `gemm`, as do other CPUs. The sums run in
//! another order than `gemm`'s, so results differ from it by rounding
//! (about 1e-6 relative), not more.

/// Rows per block of the kernels.
#[cfg_attr(not(target_arch = "x86_64"), allow(dead_code))]
const MR: usize = 6;

/// 16 f32 aligned to a cache line, so that every load of a panel is aligned.
#[derive(Debug, Clone, Copy, Default)]
#[repr(C, align(64))]
struct Line([f32; 16]);

/// Which kernel a [`Panels`] was packed for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(not(target_arch = "x86_64"), allow(dead_code))]
pub(crate) enum Kernel {
    /// 6 rows × 64 outputs in 16-lane registers (AVX-512F).
    #[cfg_attr(not(feature = "avx512"), allow(dead_code))]
    Avx512,
    /// 6 rows × 16 outputs in 8-lane registers (AVX2 and FMA).
    Avx2,
}

impl Kernel {
    /// The fastest kernel this CPU and build run, if any.
    pub(crate) fn best() -> Option<Kernel> {
        Kernel::all().into_iter().next()
    }

    /// Every kernel this CPU and build run, fastest first.
    pub(crate) fn all() -> Vec<Kernel> {
        #[allow(unused_mut)]
        let mut out = Vec::new();
        #[cfg(all(target_arch = "x86_64", feature = "avx512"))]
        if std::arch::is_x86_feature_detected!("avx512f") {
            out.push(Kernel::Avx512);
        }
        #[cfg(target_arch = "x86_64")]
        if std::arch::is_x86_feature_detected!("avx2") && std::arch::is_x86_feature_detected!("fma")
        {
            out.push(Kernel::Avx2);
        }
        out
    }

    /// Outputs per panel.
    fn nr(self) -> usize {
        match self {
            Kernel::Avx512 => 64,
            Kernel::Avx2 => 16,
        }
    }

    /// Inputs per slice of a panel: a slice (`kc × nr` f32) stays in L1
    /// while every block of rows passes over it. 32 KB for AVX-512; 16 KB
    /// for AVX2, whose narrower panels take longer slices (256 against 128
    /// measured 1–2 % faster on a Xeon held to AVX2, and 3 % slower for
    /// AVX-512's 64 KB slices).
    const fn kc(self) -> usize {
        match self {
            Kernel::Avx512 => 128,
            Kernel::Avx2 => 256,
        }
    }
}

/// A dense layer's weights packed in column panels for one kernel.
#[derive(Debug, Clone)]
#[cfg_attr(not(target_arch = "x86_64"), allow(dead_code))]
pub(crate) struct Panels {
    /// The weights in the kernel's reading order (see [`Panels::pack`]).
    lines: Vec<Line>,
    kernel: Kernel,
    inputs: usize,
    outputs: usize,
}

impl Panels {
    /// Whether this CPU and build run a packed kernel.
    pub(crate) fn available() -> bool {
        Kernel::best().is_some()
    }

    /// Packs `w` (`inputs × outputs`, row-major) for the best kernel here;
    /// `None` when none runs here or `outputs` is not a multiple of its
    /// panel width.
    pub(crate) fn pack(w: &[f32], inputs: usize, outputs: usize) -> Option<Panels> {
        Panels::pack_for(Kernel::best()?, w, inputs, outputs)
    }

    /// [`Panels::pack`] for a given kernel (which must run on this CPU).
    fn pack_for(kernel: Kernel, w: &[f32], inputs: usize, outputs: usize) -> Option<Panels> {
        let (nr, kc) = (kernel.nr(), kernel.kc());
        if !outputs.is_multiple_of(nr) || inputs == 0 {
            return None;
        }
        assert_eq!(w.len(), inputs * outputs, "weight shape");
        // Slice after slice of `kc` inputs; in each, panel after panel, each
        // `kc × nr` values input-major: the order the kernel reads them in,
        // so a layer's weights stream from memory in one sequential pass.
        let mut lines = Vec::with_capacity(inputs * outputs / 16);
        for k0 in (0..inputs).step_by(kc) {
            for p in 0..outputs / nr {
                for k in k0..(k0 + kc).min(inputs) {
                    let src = &w[k * outputs + p * nr..k * outputs + (p + 1) * nr];
                    lines.extend(src.chunks_exact(16).map(|c| {
                        let mut line = Line::default();
                        line.0.copy_from_slice(c);
                        line
                    }));
                }
            }
        }
        Some(Panels {
            lines,
            kernel,
            inputs,
            outputs,
        })
    }

    /// `out[rows × outputs] = x[rows × inputs]·W + bias`.
    ///
    /// # Panics
    /// When a slice is shorter than its shape.
    pub(crate) fn forward(&self, x: &[f32], rows: usize, bias: &[f32], out: &mut [f32]) {
        let (k, n) = (self.inputs, self.outputs);
        assert!(x.len() >= rows * k, "input shape");
        assert!(out.len() >= rows * n, "output shape");
        assert_eq!(bias.len(), n, "bias shape");
        #[cfg(target_arch = "x86_64")]
        PACKED.with_borrow_mut(|packed| {
            let kc = self.kernel.kc();
            if packed.len() < rows * kc {
                packed.resize(rows * kc, 0.0);
            }
            // SAFETY: `pack_for` made `self` only for a kernel this CPU runs
            // (`Kernel::all`), and the asserts above bound every index the
            // kernel reaches.
            unsafe {
                match self.kernel {
                    #[cfg(feature = "avx512")]
                    Kernel::Avx512 => avx512::forward(self, x, rows, bias, out, packed),
                    #[cfg(not(feature = "avx512"))]
                    Kernel::Avx512 => unreachable!("built without the avx512 feature"),
                    Kernel::Avx2 => avx2::forward(self, x, rows, bias, out, packed),
                }
            }
        });
        #[cfg(not(target_arch = "x86_64"))]
        unreachable!("Panels exist only where an x86-64 kernel runs")
    }
}

#[cfg(target_arch = "x86_64")]
thread_local! {
    /// One slice of the activations, packed by blocks of rows.
    static PACKED: std::cell::RefCell<Vec<f32>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// One kernel's register block: `out[M × NR] = init[M × NR] + a·w[kc × NR]`
/// for a block of `M ≤ 6` rows, `a` the block packed input-major (`kc × M`),
/// `w` a panel's slice (aligned to 64 bytes), strides in f32. `init` may be
/// `out` itself.
#[cfg(target_arch = "x86_64")]
trait Block {
    /// Outputs per panel.
    const NR: usize;
    /// Inputs per slice of a panel ([`Kernel::kc`]).
    const KC: usize;
    /// # Safety
    /// The kernel's instructions are present; every address reached through
    /// the strides is in bounds.
    unsafe fn block<const M: usize>(
        a: *const f32,
        w: *const f32,
        kc: usize,
        init: *const f32,
        init_rs: usize,
        out: *mut f32,
        out_rs: usize,
    );
}

/// The product for one kernel: slice after slice of `K::KC` inputs, the
/// slice's activations packed by blocks of rows into `packed`, then panel
/// after panel, every block of rows over the panel's slice.
///
/// # Safety
/// `K`'s instructions are present (the caller is compiled with them: this
/// is inlined into it); `x` holds `rows × inputs`, `out` `rows × outputs`,
/// `bias` `outputs` and `packed` at least `rows × K::KC` values; `p` was packed
/// for `K`.
#[cfg(target_arch = "x86_64")]
#[inline(always)]
unsafe fn forward_with<K: Block>(
    p: &Panels,
    x: &[f32],
    rows: usize,
    bias: &[f32],
    out: &mut [f32],
    packed: &mut [f32],
) {
    use std::arch::x86_64::{_mm_prefetch, _MM_HINT_T1};
    let (k, n, nr) = (p.inputs, p.outputs, K::NR);
    let w = p.lines.as_ptr() as *const f32;
    let out = out.as_mut_ptr();
    let mut k0 = 0;
    while k0 < k {
        let kc = K::KC.min(k - k0);
        // The slice's rows, block after block of MR rows (the last block
        // shorter), each block input-major: the kernel reads its
        // broadcasts in one stream.
        let mut at = 0;
        for r0 in (0..rows).step_by(MR) {
            let m = MR.min(rows - r0);
            for kk in 0..kc {
                for r in 0..m {
                    *packed.get_unchecked_mut(at + kk * m + r) =
                        *x.get_unchecked((r0 + r) * k + k0 + kk);
                }
            }
            at += m * kc;
        }
        let a = packed.as_ptr();
        let panels = n / nr;
        // The weights come from memory (a layer's are read once per
        // window): the next slice is fetched into L2 while this one is
        // used, a share of its lines before each block of rows.
        let blocks = rows.div_ceil(MR);
        for panel in 0..panels {
            // Slice `k0` of panel `panel`; the next one follows it.
            let wp = w.add(k0 * n + panel * kc * nr);
            let o = out.add(panel * nr);
            let next = wp.add(kc * nr);
            let next_lines = if panel + 1 < panels {
                kc * nr / 16
            } else {
                K::KC.min(k - k0 - kc) * nr / 16
            };
            let per_block = next_lines.div_ceil(blocks);
            let mut fetched = 0;
            let mut prefetch = || {
                let end = (fetched + per_block).min(next_lines);
                while fetched < end {
                    _mm_prefetch::<_MM_HINT_T1>(next.add(fetched * 16) as *const i8);
                    fetched += 1;
                }
            };
            // The first slice starts from the bias (the same row for every
            // row: stride 0), the others from the sums so far.
            let (init, init_rs) = if k0 == 0 {
                (bias.as_ptr().add(panel * nr), 0)
            } else {
                (o as *const f32, n)
            };
            let mut r = 0;
            while r + MR <= rows {
                prefetch();
                K::block::<MR>(
                    a.add(r * kc),
                    wp,
                    kc,
                    init.add(r * init_rs),
                    init_rs,
                    o.add(r * n),
                    n,
                );
                r += MR;
            }
            prefetch();
            let (ar, ir, or) = (a.add(r * kc), init.add(r * init_rs), o.add(r * n));
            match rows - r {
                0 => {}
                1 => K::block::<1>(ar, wp, kc, ir, init_rs, or, n),
                2 => K::block::<2>(ar, wp, kc, ir, init_rs, or, n),
                3 => K::block::<3>(ar, wp, kc, ir, init_rs, or, n),
                4 => K::block::<4>(ar, wp, kc, ir, init_rs, or, n),
                _ => K::block::<5>(ar, wp, kc, ir, init_rs, or, n),
            }
        }
        k0 += kc;
    }
}

/// One kernel module: `forward` (the entry compiled with the kernel's
/// instructions) and its [`Block`], `$regs` registers of `$lanes` f32 a row
/// (`NR = $regs × $lanes`), written once for both register widths.
#[cfg(target_arch = "x86_64")]
macro_rules! kernel {
    ($module:ident, $name:ident, $features:literal, $lanes:literal, $regs:literal,
     $zero:ident, $loadu:ident, $load:ident, $set1:ident, $fmadd:ident, $storeu:ident) => {
        mod $module {
            use std::arch::x86_64::*;

            use super::{Block, Panels};

            /// See [`Panels::forward`].
            ///
            /// # Safety
            /// The kernel's instructions must be present; `p` packed for
            /// this kernel; the shapes as [`super::forward_with`] needs them.
            #[target_feature(enable = $features)]
            pub(super) unsafe fn forward(
                p: &Panels,
                x: &[f32],
                rows: usize,
                bias: &[f32],
                out: &mut [f32],
                packed: &mut [f32],
            ) {
                super::forward_with::<$name>(p, x, rows, bias, out, packed)
            }

            /// The register block of this kernel.
            struct $name;

            impl Block for $name {
                const NR: usize = $lanes * $regs;
                const KC: usize = super::Kernel::$name.kc();

                #[target_feature(enable = $features)]
                #[inline]
                unsafe fn block<const M: usize>(
                    a: *const f32,
                    w: *const f32,
                    kc: usize,
                    init: *const f32,
                    init_rs: usize,
                    out: *mut f32,
                    out_rs: usize,
                ) {
                    let mut acc = [[$zero(); $regs]; M];
                    for (r, row) in acc.iter_mut().enumerate() {
                        for (j, v) in row.iter_mut().enumerate() {
                            *v = $loadu(init.add(r * init_rs + $lanes * j));
                        }
                    }
                    for kk in 0..kc {
                        let wk = w.add(kk * Self::NR);
                        // The panel's row of weights (aligned: panels start
                        // on cache lines and NR × 4 bytes is a multiple of 64).
                        let mut wv = [$zero(); $regs];
                        for (j, v) in wv.iter_mut().enumerate() {
                            *v = $load(wk.add($lanes * j));
                        }
                        let ak = a.add(kk * M);
                        for (r, row) in acc.iter_mut().enumerate() {
                            let xv = $set1(*ak.add(r));
                            for (v, wj) in row.iter_mut().zip(&wv) {
                                *v = $fmadd(xv, *wj, *v);
                            }
                        }
                    }
                    for (r, row) in acc.iter().enumerate() {
                        for (j, v) in row.iter().enumerate() {
                            $storeu(out.add(r * out_rs + $lanes * j), *v);
                        }
                    }
                }
            }
        }
    };
}

// 6 rows × 64 outputs: four 16-lane registers a row (24 accumulators of 32).
#[cfg(all(target_arch = "x86_64", feature = "avx512"))]
kernel!(
    avx512,
    Avx512,
    "avx512f",
    16,
    4,
    _mm512_setzero_ps,
    _mm512_loadu_ps,
    _mm512_load_ps,
    _mm512_set1_ps,
    _mm512_fmadd_ps,
    _mm512_storeu_ps
);

// 6 rows × 16 outputs: two 8-lane registers a row (12 accumulators, two
// weight registers and a broadcast of AVX2's 16).
#[cfg(target_arch = "x86_64")]
kernel!(
    avx2,
    Avx2,
    "avx2,fma",
    8,
    2,
    _mm256_setzero_ps,
    _mm256_loadu_ps,
    _mm256_load_ps,
    _mm256_set1_ps,
    _mm256_fmadd_ps,
    _mm256_storeu_ps
);

#[cfg(test)]
mod tests {
    use super::*;

    fn reference(x: &[f32], w: &[f32], bias: &[f32], rows: usize, k: usize, n: usize) -> Vec<f32> {
        let mut out = vec![0.0f64; rows * n];
        for r in 0..rows {
            for j in 0..n {
                let mut s = bias[j] as f64;
                for i in 0..k {
                    s += x[r * k + i] as f64 * w[i * n + j] as f64;
                }
                out[r * n + j] = s;
            }
        }
        out.into_iter().map(|v| v as f32).collect()
    }

    fn values(n: usize, seed: u32) -> Vec<f32> {
        let mut s = seed.wrapping_mul(2_654_435_761).wrapping_add(1);
        (0..n)
            .map(|_| {
                s ^= s << 13;
                s ^= s >> 17;
                s ^= s << 5;
                (s % 2001) as f32 / 1000.0 - 1.0
            })
            .collect()
    }

    #[test]
    fn packed_products_match_a_reference() {
        if !Panels::available() {
            eprintln!("SKIP: no packed f32 kernel on this CPU (AVX-512F or AVX2 with FMA)");
            assert!(Panels::pack(&[0.0; 64], 1, 64).is_none());
            return;
        }
        // Every kernel this CPU runs (an AVX-512 machine checks both).
        for kernel in Kernel::all() {
            check_kernel(kernel);
        }
    }

    fn check_kernel(kernel: Kernel) {
        // Row tails 1–5 and whole blocks; inputs shorter than, equal to and
        // longer than a slice (and not a multiple of it: AVX-512's slices
        // are 128 inputs, AVX2's 256); several panels.
        for &(rows, k, n) in &[
            (1usize, 3usize, 64usize),
            (5, 128, 64),
            (6, 129, 128),
            (13, 384, 192),
            (17, 300, 64),
            (256, 384, 128),
            (7, 200, 48),
            (9, 256, 32),
            (3, 513, 16),
        ] {
            if !n.is_multiple_of(kernel.nr()) {
                continue;
            }
            let (x, w, b) = (values(rows * k, 1), values(k * n, 2), values(n, 3));
            let p = Panels::pack_for(kernel, &w, k, n).expect("packs");
            let mut out = vec![f32::NAN; rows * n + 3];
            p.forward(&x, rows, &b, &mut out);
            let want = reference(&x, &w, &b, rows, k, n);
            for (i, (a, e)) in out.iter().zip(&want).enumerate() {
                assert!(
                    (a - e).abs() <= 1e-4 * (1.0 + e.abs()),
                    "{kernel:?} {rows}×{k}×{n} [{i}]: {a} vs {e}"
                );
            }
            assert!(
                out[rows * n..].iter().all(|v| v.is_nan()),
                "wrote past the output"
            );
        }
    }

    #[test]
    fn layers_that_do_not_fill_a_panel_are_not_packed() {
        assert!(Panels::pack(&[0.0; 3 * 14], 3, 14).is_none());
        for kernel in Kernel::all() {
            assert!(Panels::pack_for(kernel, &[0.0; 3 * 24], 3, 24).is_none());
        }
    }
}
