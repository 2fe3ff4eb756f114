//! A BERT encoder forward pass on the CPU (MiniLM-L6: 6 layers, 384 wide).
//!
//! Built for one job: run many short windows fast. Weights are transposed once
//! at load time into the layout the matrix kernel wants, Q, K and V are one
//! fused product, every buffer of a window lives in a [`Workspace`] that is
//! allocated once per thread and reused, and no padding is ever computed (each
//! window runs at its own length). Matrix products use the `gemm` crate on one
//! thread, except the dense layers' where the CPU has AVX-512 or AVX2 with
//! FMA (weights packed once for their own kernel, `panels.rs`); parallelism comes from
//! running windows on several threads.

use std::sync::OnceLock;

use unspin_quantize::dequantize_value;

use crate::int8::{Int8Linear, Int8Scratch};
use crate::math::{add_layer_norm, gelu, softmax_rows};
use crate::panels::Panels;

/// Shape of a BERT encoder (from the model's `config.json`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EncoderConfig {
    /// Width of the hidden states.
    pub hidden: usize,
    /// Attention heads per layer.
    pub heads: usize,
    /// Transformer layers.
    pub layers: usize,
    /// Width of the feed-forward layer.
    pub intermediate: usize,
    /// Vocabulary size.
    pub vocab: usize,
    /// Longest input, in pieces.
    pub max_positions: usize,
}

/// A matrix as the shipped file stores it: int8 values in PyTorch's
/// `[outputs × inputs]` layout with one `f32` scale per output (row).
#[derive(Debug, Clone, PartialEq)]
pub struct Int8Rows {
    /// Values, `outputs × inputs`, row-major.
    pub q: Vec<i8>,
    /// One scale per output.
    pub scales: Vec<f32>,
}

/// A table of embeddings, `rows × hidden`: f32, or int8 with one scale per
/// row as the shipped file stores it, each row dequantised when it is looked
/// up (the same values as dequantising the whole table on load, without the
/// start-up time and the memory).
#[derive(Debug, Clone)]
pub enum EmbeddingTable {
    /// f32 values, row-major.
    F32(Vec<f32>),
    /// int8 values with one scale per row.
    Int8(Int8Rows),
}

/// A dense layer `y = x·W + b`, with `W` stored input-major (`[inputs × outputs]`).
///
/// A layer read from the shipped int8 file keeps its int8 values
/// ([`Int8Rows`]) and builds the f32 matrix (the values dequantised) only on
/// its first f32 use: the int8 kernels pack the stored values directly, so
/// an int8 run never materialises the f32 weights (less start-up time and
/// memory). Either way the f32 matrix is exactly the dequantised values.
/// Where a packed kernel runs (AVX-512, or AVX2 with FMA), the f32 product reads the weights packed
/// once in its own layout (`panels.rs`), also built on first use.
#[derive(Debug, Clone)]
pub struct Linear {
    /// The weights.
    weights: Weights,
    /// The f32 weights packed for the packed kernel (`None` where none
    /// runs or the layer does not fill its panels).
    panels: OnceLock<Option<Panels>>,
    /// Bias, one per output.
    pub b: Vec<f32>,
    /// Inputs.
    pub inputs: usize,
    /// Outputs.
    pub outputs: usize,
}

/// A layer's weights: f32 (`inputs × outputs`, row-major), or the stored
/// int8 values with their f32 matrix built on first use.
#[derive(Debug, Clone)]
enum Weights {
    F32(Vec<f32>),
    Int8 {
        rows: Int8Rows,
        f32: OnceLock<Vec<f32>>,
    },
}

/// `weight` (`[outputs × inputs]`) transposed to `[inputs × outputs]`, in
/// 32 × 32 blocks so that reads and writes both stay in cache (a plain
/// double loop strides through one of them).
fn transposed(weight: &[f32], outputs: usize, inputs: usize) -> Vec<f32> {
    const BLOCK: usize = 32;
    let mut w = vec![0.0; inputs * outputs];
    for o0 in (0..outputs).step_by(BLOCK) {
        for i0 in (0..inputs).step_by(BLOCK) {
            for o in o0..(o0 + BLOCK).min(outputs) {
                for i in i0..(i0 + BLOCK).min(inputs) {
                    w[i * outputs + o] = weight[o * inputs + i];
                }
            }
        }
    }
    w
}

impl Linear {
    /// From PyTorch's `[outputs × inputs]` weight and bias.
    pub fn from_torch(weight: &[f32], bias: &[f32], outputs: usize, inputs: usize) -> Linear {
        assert_eq!(weight.len(), outputs * inputs, "weight shape");
        assert_eq!(bias.len(), outputs, "bias shape");
        Linear {
            weights: Weights::F32(transposed(weight, outputs, inputs)),
            panels: OnceLock::new(),
            b: bias.to_vec(),
            inputs,
            outputs,
        }
    }

    /// From int8 values in PyTorch's `[outputs × inputs]` layout with one
    /// scale per output, and the bias. The f32 weights are `q as f32 * scale`,
    /// built when first needed.
    pub fn from_int8_rows(rows: Int8Rows, bias: &[f32], outputs: usize, inputs: usize) -> Linear {
        assert_eq!(rows.q.len(), outputs * inputs, "weight shape");
        assert_eq!(rows.scales.len(), outputs, "one scale per output");
        assert_eq!(bias.len(), outputs, "bias shape");
        Linear {
            weights: Weights::Int8 {
                rows,
                f32: OnceLock::new(),
            },
            panels: OnceLock::new(),
            b: bias.to_vec(),
            inputs,
            outputs,
        }
    }

    /// The f32 weights, `inputs × outputs`, row-major.
    pub fn w(&self) -> &[f32] {
        match &self.weights {
            Weights::F32(w) => w,
            Weights::Int8 { rows, f32 } => f32.get_or_init(|| self.dequantized(rows)),
        }
    }

    /// The f32 matrix (`inputs × outputs`) of stored int8 rows.
    fn dequantized(&self, rows: &Int8Rows) -> Vec<f32> {
        let deq = unspin_quantize::dequantize_rows(&rows.q, &rows.scales, self.inputs);
        transposed(&deq, self.outputs, self.inputs)
    }

    /// The stored int8 values, when the layer was read from an int8 file.
    pub fn int8_rows(&self) -> Option<&Int8Rows> {
        match &self.weights {
            Weights::F32(_) => None,
            Weights::Int8 { rows, .. } => Some(rows),
        }
    }

    /// Several layers on the same input as one (outputs side by side): Q, K, V.
    pub fn concat(parts: &[Linear]) -> Linear {
        let inputs = parts[0].inputs;
        let outputs: usize = parts.iter().map(|p| p.outputs).sum();
        for p in parts {
            assert_eq!(p.inputs, inputs, "concatenated layers share their input");
        }
        let b: Vec<f32> = parts.iter().flat_map(|p| p.b.iter().copied()).collect();
        let stored: Option<Vec<&Int8Rows>> = parts.iter().map(Linear::int8_rows).collect();
        if let Some(stored) = stored {
            // Outputs side by side are rows one after the other in PyTorch's layout.
            let rows = Int8Rows {
                q: stored.iter().flat_map(|r| r.q.iter().copied()).collect(),
                scales: stored
                    .iter()
                    .flat_map(|r| r.scales.iter().copied())
                    .collect(),
            };
            return Linear::from_int8_rows(rows, &b, outputs, inputs);
        }
        let mut w = vec![0.0; inputs * outputs];
        let mut at = 0;
        for p in parts {
            let pw = p.w();
            for i in 0..inputs {
                w[i * outputs + at..i * outputs + at + p.outputs]
                    .copy_from_slice(&pw[i * p.outputs..(i + 1) * p.outputs]);
            }
            at += p.outputs;
        }
        Linear {
            weights: Weights::F32(w),
            panels: OnceLock::new(),
            b,
            inputs,
            outputs,
        }
    }

    /// The f32 weights packed for the packed kernel, packed on first use
    /// (from the stored int8 values without keeping their f32 matrix).
    fn panels(&self) -> Option<&Panels> {
        self.panels
            .get_or_init(|| {
                if !Panels::available() {
                    return None;
                }
                match &self.weights {
                    Weights::F32(w) => Panels::pack(w, self.inputs, self.outputs),
                    Weights::Int8 { rows, f32 } => match f32.get() {
                        Some(w) => Panels::pack(w, self.inputs, self.outputs),
                        None => Panels::pack(&self.dequantized(rows), self.inputs, self.outputs),
                    },
                }
            })
            .as_ref()
    }

    /// `out[rows × outputs] = x[rows × inputs]·W + b`.
    pub fn forward(&self, x: &[f32], rows: usize, out: &mut [f32]) {
        if let Some(p) = self.panels() {
            p.forward(x, rows, &self.b, out);
            return;
        }
        let out = &mut out[..rows * self.outputs];
        for row in out.chunks_exact_mut(self.outputs) {
            row.copy_from_slice(&self.b);
        }
        // SAFETY: the slices hold rows × inputs, inputs × outputs and rows × outputs
        // elements with the strides given.
        unsafe {
            matmul(
                rows,
                self.outputs,
                self.inputs,
                out.as_mut_ptr(),
                self.outputs,
                x.as_ptr(),
                self.inputs,
                1,
                self.w().as_ptr(),
                self.outputs,
                1,
                true,
            );
        }
    }
}

/// `dst[m × n] (+)= lhs[m × k] · rhs[k × n]`, strides in elements, one thread.
///
/// # Safety
/// Every index reached through the strides must lie inside its buffer.
#[allow(clippy::too_many_arguments)]
unsafe fn matmul(
    m: usize,
    n: usize,
    k: usize,
    dst: *mut f32,
    dst_rs: usize,
    lhs: *const f32,
    lhs_rs: usize,
    lhs_cs: usize,
    rhs: *const f32,
    rhs_rs: usize,
    rhs_cs: usize,
    accumulate: bool,
) {
    gemm::gemm(
        m,
        n,
        k,
        dst,
        1,
        dst_rs as isize,
        accumulate,
        lhs,
        lhs_cs as isize,
        lhs_rs as isize,
        rhs,
        rhs_cs as isize,
        rhs_rs as isize,
        1.0,
        1.0,
        false,
        false,
        false,
        gemm::Parallelism::None,
    );
}

/// One transformer layer.
#[derive(Debug, Clone)]
pub struct Layer {
    /// Query, key and value projections, fused.
    pub qkv: Linear,
    /// Attention output projection.
    pub attn_out: Linear,
    /// LayerNorm after attention (gamma, beta).
    pub attn_norm: (Vec<f32>, Vec<f32>),
    /// Feed-forward expansion.
    pub ff_in: Linear,
    /// Feed-forward projection back.
    pub ff_out: Linear,
    /// LayerNorm after the feed-forward block.
    pub out_norm: (Vec<f32>, Vec<f32>),
}

/// The encoder's weights.
#[derive(Debug, Clone)]
pub struct Encoder {
    /// Shape.
    pub config: EncoderConfig,
    /// Word embeddings, `vocab × hidden`.
    pub word: EmbeddingTable,
    /// Position embeddings, `max_positions × hidden`.
    pub position: Vec<f32>,
    /// Token type 0 embedding, `hidden`.
    pub token_type: Vec<f32>,
    /// Embedding LayerNorm.
    pub embed_norm: (Vec<f32>, Vec<f32>),
    /// Layers, bottom first.
    pub layers: Vec<Layer>,
    /// LayerNorm epsilon.
    pub eps: f32,
    /// Int8 copies of each layer's dense layers (QKV, attention output,
    /// feed-forward in and out), used instead of the f32 ones when set.
    pub int8: Option<Vec<[Int8Linear; 4]>>,
}

/// The numeric precision of the encoder's dense layers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Precision {
    /// f32 weights and activations (the int8 weights dequantised).
    #[default]
    F32,
    /// int8 weights and per-row int8 activations (an x86-64 CPU with AVX2 at
    /// least; see [`crate::int8`]).
    Int8,
}

/// Buffers of one window's forward pass, reused from window to window.
#[derive(Debug, Default)]
pub struct Workspace {
    x: Vec<f32>,
    qkv: Vec<f32>,
    scores: Vec<f32>,
    ctx: Vec<f32>,
    tmp: Vec<f32>,
    ff: Vec<f32>,
    int8: Int8Scratch,
    /// Rows `x` was last filled for.
    rows: usize,
    /// States kept by `save_hidden`.
    saved: Vec<f32>,
}

impl Workspace {
    /// Sizes the buffers for `l` pieces of an encoder shaped `c`.
    fn reserve(&mut self, c: &EncoderConfig, l: usize) {
        let h = c.hidden;
        ensure(&mut self.x, l * h);
        ensure(&mut self.qkv, l * 3 * h);
        ensure(&mut self.scores, l * l);
        ensure(&mut self.ctx, l * h);
        ensure(&mut self.tmp, l * h);
        ensure(&mut self.ff, l * c.intermediate);
        self.rows = l;
    }

    /// Keeps a copy of the current states (after [`Encoder::embed`] or
    /// [`Encoder::run_layers`]) for [`restore_hidden`](Self::restore_hidden).
    pub fn save_hidden(&mut self, hidden: usize) {
        let n = self.rows * hidden;
        self.saved.clear();
        self.saved.extend_from_slice(&self.x[..n]);
    }

    /// Puts the states kept by [`save_hidden`](Self::save_hidden) back as
    /// the input of the next [`Encoder::run_layers`]: two encoders that
    /// share their lower layers run those once.
    pub fn restore_hidden(&mut self) {
        let n = self.saved.len();
        self.x[..n].copy_from_slice(&self.saved);
    }
}

fn ensure(buf: &mut Vec<f32>, n: usize) {
    if buf.len() < n {
        buf.resize(n, 0.0);
    }
}

impl Encoder {
    /// Switches the dense layers to `precision`. Returns false (and stays f32)
    /// when int8 is asked for on a CPU without int8 kernels (no AVX2, or an
    /// ARM CPU without the dot product).
    pub fn set_precision(&mut self, precision: Precision) -> bool {
        match precision {
            Precision::F32 => {
                self.int8 = None;
                true
            }
            Precision::Int8 => {
                if !crate::int8::available() {
                    return false;
                }
                let packed: Option<Vec<[Int8Linear; 4]>> = self
                    .layers
                    .iter()
                    .map(|l| {
                        Some([
                            Int8Linear::from_linear(&l.qkv)?,
                            Int8Linear::from_linear(&l.attn_out)?,
                            Int8Linear::from_linear(&l.ff_in)?,
                            Int8Linear::from_linear(&l.ff_out)?,
                        ])
                    })
                    .collect();
                let ok = packed.is_some();
                self.int8 = packed;
                ok
            }
        }
    }

    /// The precision in use.
    pub fn precision(&self) -> Precision {
        if self.int8.is_some() {
            Precision::Int8
        } else {
            Precision::F32
        }
    }

    /// Final hidden states of `ids` (`ids.len() × hidden`, row-major), in `ws`.
    ///
    /// # Panics
    /// When `ids` is longer than the model's positions or holds an id outside the
    /// vocabulary (the tokenizer never produces either).
    pub fn forward<'w>(&self, ids: &[u32], ws: &'w mut Workspace) -> &'w [f32] {
        self.embed(ids, ws);
        self.run_layers(ids.len(), ws, 0..self.layers.len())
    }

    /// The embedding of `ids` (word + position + type, normalised), written
    /// to `ws` as the input of layer 0 (`ids.len() × hidden`); returns it.
    ///
    /// # Panics
    /// As [`forward`](Self::forward).
    pub fn embed<'w>(&self, ids: &[u32], ws: &'w mut Workspace) -> &'w [f32] {
        let c = &self.config;
        let (l, h) = (ids.len(), c.hidden);
        assert!(
            l <= c.max_positions,
            "window longer than the model's positions"
        );
        ws.reserve(c, l);
        for (i, &id) in ids.iter().enumerate() {
            let id = id as usize;
            assert!(id < c.vocab, "token id outside the vocabulary");
            let row = &mut ws.x[i * h..(i + 1) * h];
            let p = &self.position[i * h..(i + 1) * h];
            match &self.word {
                EmbeddingTable::F32(word) => {
                    let w = &word[id * h..(id + 1) * h];
                    for j in 0..h {
                        row[j] = w[j] + p[j] + self.token_type[j];
                    }
                }
                EmbeddingTable::Int8(word) => {
                    let (w, s) = (&word.q[id * h..(id + 1) * h], word.scales[id]);
                    for j in 0..h {
                        row[j] = dequantize_value(w[j], s) + p[j] + self.token_type[j];
                    }
                }
            }
        }
        ws.tmp[..l * h].fill(0.0);
        add_layer_norm(
            &mut ws.x[..l * h],
            &ws.tmp[..l * h],
            &self.embed_norm.0,
            &self.embed_norm.1,
            self.eps,
        );
        &ws.x[..l * h]
    }

    /// Runs `layers` (indices into [`layers`](Self::layers), bottom first)
    /// over the `l × hidden` states in `ws` (from [`embed`](Self::embed),
    /// a lower part of this encoder, or an encoder whose lower layers are
    /// the same weights, put back with [`Workspace::restore_hidden`]); returns
    /// the states after the last one.
    ///
    /// # Panics
    /// When `ws` holds fewer than `l` rows or `layers` is out of range.
    pub fn run_layers<'w>(
        &self,
        l: usize,
        ws: &'w mut Workspace,
        layers: std::ops::Range<usize>,
    ) -> &'w [f32] {
        let c = &self.config;
        let h = c.hidden;
        let hd = h / c.heads;
        assert!(ws.rows >= l, "workspace holds fewer rows than asked for");
        let scale = 1.0 / (hd as f32).sqrt();
        for li in layers {
            let layer = &self.layers[li];
            let q8 = self.int8.as_ref().map(|v| &v[li]);
            match q8 {
                Some(q) => q[0].forward(&ws.x, l, &mut ws.qkv, &mut ws.int8),
                None => layer.qkv.forward(&ws.x, l, &mut ws.qkv),
            }
            for head in 0..c.heads {
                let q = ws.qkv[head * hd..].as_ptr();
                let k = ws.qkv[h + head * hd..].as_ptr();
                let v = ws.qkv[2 * h + head * hd..].as_ptr();
                // SAFETY: q, k and v address l rows of hd values at stride 3h inside
                // qkv (l × 3h); scores holds l × l; ctx holds l × h.
                unsafe {
                    matmul(
                        l,
                        l,
                        hd,
                        ws.scores.as_mut_ptr(),
                        l,
                        q,
                        3 * h,
                        1,
                        k,
                        1,
                        3 * h,
                        false,
                    );
                }
                softmax_rows(&mut ws.scores[..l * l], l, scale);
                unsafe {
                    matmul(
                        l,
                        hd,
                        l,
                        ws.ctx[head * hd..].as_mut_ptr(),
                        h,
                        ws.scores.as_ptr(),
                        l,
                        1,
                        v,
                        3 * h,
                        1,
                        false,
                    );
                }
            }
            match q8 {
                Some(q) => q[1].forward(&ws.ctx, l, &mut ws.tmp, &mut ws.int8),
                None => layer.attn_out.forward(&ws.ctx, l, &mut ws.tmp),
            }
            add_layer_norm(
                &mut ws.tmp[..l * h],
                &ws.x[..l * h],
                &layer.attn_norm.0,
                &layer.attn_norm.1,
                self.eps,
            );
            std::mem::swap(&mut ws.x, &mut ws.tmp);
            match q8 {
                Some(q) => q[2].forward(&ws.x, l, &mut ws.ff, &mut ws.int8),
                None => layer.ff_in.forward(&ws.x, l, &mut ws.ff),
            }
            gelu(&mut ws.ff[..l * c.intermediate]);
            match q8 {
                Some(q) => q[3].forward(&ws.ff, l, &mut ws.tmp, &mut ws.int8),
                None => layer.ff_out.forward(&ws.ff, l, &mut ws.tmp),
            }
            add_layer_norm(
                &mut ws.tmp[..l * h],
                &ws.x[..l * h],
                &layer.out_norm.0,
                &layer.out_norm.1,
                self.eps,
            );
            std::mem::swap(&mut ws.x, &mut ws.tmp);
        }
        &ws.x[..l * h]
    }

    /// Multiply-adds of one forward pass over `l` pieces (for FLOP/s reports).
    pub fn flops(&self, l: usize) -> f64 {
        let c = &self.config;
        let (l, h, f) = (l as f64, c.hidden as f64, c.intermediate as f64);
        let per_layer = l * h * 3.0 * h + 2.0 * l * l * h + l * h * h + 2.0 * l * h * f;
        2.0 * per_layer * c.layers as f64
    }
}
