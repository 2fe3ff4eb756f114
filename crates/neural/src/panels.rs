//! f32 dense layers on AVX-512 with the weights packed once, on first use.
//!
//! `gemm` packs both operands of every product into its own layout before it
//! multiplies, on every call: about a tenth of the f32 encoder's time on an
//! AVX-512 Xeon went to packing the weights, which never change. Here the
//! weights are packed once into column panels of [`NR`] outputs, cut into
//! slices of [`KC`] inputs and laid out in the order the kernel reads them
//! (a layer's weights stream from memory in one pass, the next slice
//! prefetched while the current one is used). Per slice, the activations are
//! copied into blocks of 6 rows, input-major (small beside the product), so
//! that the kernel reads its broadcasts in one stream. The kernel keeps a
//! block of 6 rows × 64 outputs in 24 of the 32 vector registers; a slice of
//! a panel (32 KB) stays in L1 while every row block passes over it; the
//! bias starts the sums.
//!
//! Only for x86-64 CPUs with AVX-512F, with the crate's `avx512` feature (the
//! same switch as `gemm`'s AVX-512 kernels), and layers whose outputs are a
//! multiple of 64; everything else keeps `gemm`. The sums run in another
//! order than `gemm`'s, so results differ from it by rounding (about 1e-6
//! relative), not more.

/// Outputs per panel: four 16-lane registers.
pub(crate) const NR: usize = 64;
/// Inputs per slice of a panel (`KC × NR` f32 = 32 KB).
const KC: usize = 128;
/// Rows per block of the kernel.
#[cfg_attr(not(all(target_arch = "x86_64", feature = "avx512")), allow(dead_code))]
const MR: usize = 6;

/// 16 f32 aligned to a cache line, so that every load of a panel is aligned.
#[derive(Debug, Clone, Copy, Default)]
#[repr(C, align(64))]
struct Line([f32; 16]);

/// A dense layer's weights packed in column panels for the AVX-512 kernel.
#[derive(Debug, Clone)]
#[cfg_attr(not(all(target_arch = "x86_64", feature = "avx512")), allow(dead_code))]
pub(crate) struct Panels {
    /// The weights in the kernel's reading order (see [`Panels::pack`]).
    lines: Vec<Line>,
    inputs: usize,
    outputs: usize,
}

impl Panels {
    /// Whether this CPU and build run the packed kernel.
    pub(crate) fn available() -> bool {
        #[cfg(all(target_arch = "x86_64", feature = "avx512"))]
        {
            std::arch::is_x86_feature_detected!("avx512f")
        }
        #[cfg(not(all(target_arch = "x86_64", feature = "avx512")))]
        {
            false
        }
    }

    /// Packs `w` (`inputs × outputs`, row-major); `None` when the kernel does
    /// not run here or `outputs` is not a multiple of [`NR`].
    pub(crate) fn pack(w: &[f32], inputs: usize, outputs: usize) -> Option<Panels> {
        if !Panels::available() || !outputs.is_multiple_of(NR) || inputs == 0 {
            return None;
        }
        assert_eq!(w.len(), inputs * outputs, "weight shape");
        // Slice after slice of KC inputs; in each, panel after panel, each
        // `kc × NR` values input-major: the order the kernel reads them in,
        // so a layer's weights stream from memory in one sequential pass.
        let mut lines = Vec::with_capacity(inputs * outputs / 16);
        for k0 in (0..inputs).step_by(KC) {
            for p in 0..outputs / NR {
                for k in k0..(k0 + KC).min(inputs) {
                    let src = &w[k * outputs + p * NR..k * outputs + (p + 1) * NR];
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
        #[cfg(all(target_arch = "x86_64", feature = "avx512"))]
        // SAFETY: `pack` made `self` only where AVX-512F is present, and the
        // asserts above bound every index the kernel reaches.
        unsafe {
            avx512::forward(self, x, rows, bias, out)
        }
        #[cfg(not(all(target_arch = "x86_64", feature = "avx512")))]
        unreachable!("Panels exist only where the AVX-512 kernel runs")
    }
}

#[cfg(all(target_arch = "x86_64", feature = "avx512"))]
mod avx512 {
    use std::arch::x86_64::*;

    use super::{Panels, KC, MR, NR};

    thread_local! {
        /// One slice of the activations, packed by blocks of rows.
        static PACKED: std::cell::RefCell<Vec<f32>> = const { std::cell::RefCell::new(Vec::new()) };
    }

    /// See [`Panels::forward`].
    ///
    /// # Safety
    /// AVX-512F must be present; `x` holds `rows × inputs`, `out` `rows ×
    /// outputs` and `bias` `outputs` values.
    #[target_feature(enable = "avx512f")]
    pub(super) unsafe fn forward(
        p: &Panels,
        x: &[f32],
        rows: usize,
        bias: &[f32],
        out: &mut [f32],
    ) {
        PACKED.with_borrow_mut(|packed| {
            if packed.len() < rows * KC {
                packed.resize(rows * KC, 0.0);
            }
            forward_with(p, x, rows, bias, out, packed)
        })
    }

    /// [`forward`] with a buffer of `rows × KC` values for the packed slice.
    #[target_feature(enable = "avx512f")]
    unsafe fn forward_with(
        p: &Panels,
        x: &[f32],
        rows: usize,
        bias: &[f32],
        out: &mut [f32],
        packed: &mut [f32],
    ) {
        let (k, n) = (p.inputs, p.outputs);
        let w = p.lines.as_ptr() as *const f32;
        let out = out.as_mut_ptr();
        let mut k0 = 0;
        while k0 < k {
            let kc = KC.min(k - k0);
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
            let panels = n / NR;
            // The weights come from memory (a layer's are read once per
            // window): the next slice is fetched into L2 while this one is
            // used, a share of its lines before each block of rows.
            let blocks = rows.div_ceil(MR);
            for panel in 0..panels {
                // Slice `k0` of panel `panel`; the next one follows it.
                let wp = w.add(k0 * n + panel * kc * NR);
                let o = out.add(panel * NR);
                let next = wp.add(kc * NR);
                let next_lines = if panel + 1 < panels {
                    kc * NR / 16
                } else {
                    KC.min(k - k0 - kc) * NR / 16
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
                    (bias.as_ptr().add(panel * NR), 0)
                } else {
                    (o as *const f32, n)
                };
                let mut r = 0;
                while r + MR <= rows {
                    prefetch();
                    block::<MR>(
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
                    1 => block::<1>(ar, wp, kc, ir, init_rs, or, n),
                    2 => block::<2>(ar, wp, kc, ir, init_rs, or, n),
                    3 => block::<3>(ar, wp, kc, ir, init_rs, or, n),
                    4 => block::<4>(ar, wp, kc, ir, init_rs, or, n),
                    _ => block::<5>(ar, wp, kc, ir, init_rs, or, n),
                }
            }
            k0 += kc;
        }
    }

    /// `out[M × 64] = init[M × 64] + a·w[kc × 64]` for one block of `M` rows
    /// (`M ≤ 6`), `a` the block packed input-major (`kc × M`), strides in
    /// f32. `init` may be `out` itself.
    ///
    /// # Safety
    /// AVX-512F; every address reached through the strides is in bounds.
    #[target_feature(enable = "avx512f")]
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
        let mut acc = [[_mm512_setzero_ps(); 4]; M];
        for (r, row) in acc.iter_mut().enumerate() {
            for (j, v) in row.iter_mut().enumerate() {
                *v = _mm512_loadu_ps(init.add(r * init_rs + 16 * j));
            }
        }
        for kk in 0..kc {
            let wk = w.add(kk * NR);
            let w0 = _mm512_load_ps(wk);
            let w1 = _mm512_load_ps(wk.add(16));
            let w2 = _mm512_load_ps(wk.add(32));
            let w3 = _mm512_load_ps(wk.add(48));
            let ak = a.add(kk * M);
            for (r, row) in acc.iter_mut().enumerate() {
                let xv = _mm512_set1_ps(*ak.add(r));
                row[0] = _mm512_fmadd_ps(xv, w0, row[0]);
                row[1] = _mm512_fmadd_ps(xv, w1, row[1]);
                row[2] = _mm512_fmadd_ps(xv, w2, row[2]);
                row[3] = _mm512_fmadd_ps(xv, w3, row[3]);
            }
        }
        for (r, row) in acc.iter().enumerate() {
            for (j, v) in row.iter().enumerate() {
                _mm512_storeu_ps(out.add(r * out_rs + 16 * j), *v);
            }
        }
    }
}

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
            eprintln!("SKIP: no AVX-512F here (or built without the avx512 feature)");
            assert!(Panels::pack(&[0.0; 64], 1, 64).is_none());
            return;
        }
        // Row tails 1–5 and whole blocks; inputs shorter than, equal to and
        // longer than a slice (and not a multiple of it); several panels.
        for &(rows, k, n) in &[
            (1, 3, 64),
            (5, 128, 64),
            (6, 129, 128),
            (13, 384, 192),
            (17, 300, 64),
            (256, 384, 128),
        ] {
            let (x, w, b) = (values(rows * k, 1), values(k * n, 2), values(n, 3));
            let p = Panels::pack(&w, k, n).expect("packs");
            let mut out = vec![f32::NAN; rows * n + 3];
            p.forward(&x, rows, &b, &mut out);
            let want = reference(&x, &w, &b, rows, k, n);
            for (i, (a, e)) in out.iter().zip(&want).enumerate() {
                assert!(
                    (a - e).abs() <= 1e-4 * (1.0 + e.abs()),
                    "{rows}×{k}×{n} [{i}]: {a} vs {e}"
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
    }
}
