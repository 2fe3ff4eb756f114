//! The fine-tuned encoder with its two heads and its tokenizer.

use std::collections::HashMap;
use std::path::Path;
use std::sync::{Arc, OnceLock};

use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use tokenizers::Tokenizer;
use unspin_pipeline::timing;
use unspin_techniques::DecodeConfig;

use crate::attribution::{NeuralAttribution, PieceTags};
use crate::crf::BioCrf;
use crate::encoder::{Encoder, EncoderConfig, Linear, Precision, Workspace};
use crate::math::softmax;
use crate::weights::{TensorMap, FORMAT};
use crate::NeuralError;

/// Platt scaling of a span's raw score into the probability that it is right.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Platt {
    /// Slope on the raw score's logit.
    pub a: f32,
    /// Intercept.
    pub b: f32,
}

impl Default for Platt {
    fn default() -> Platt {
        Platt { a: 1.0, b: 0.0 }
    }
}

impl Platt {
    /// Calibrated probability of a raw score in (0, 1).
    pub fn apply(&self, raw: f32) -> f32 {
        let p = raw.clamp(1e-4, 1.0 - 1e-4);
        crate::math::sigmoid(self.a * (p / (1.0 - p)).ln() + self.b)
    }
}

/// Everything about the neural tier except its weights (JSON in the file's metadata).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NeuralInfo {
    /// Model name used in span provenance.
    pub name: String,
    /// Window length in pieces, `[CLS]` and `[SEP]` included.
    pub window: usize,
    /// Step between window starts, in pieces.
    pub stride: usize,
    /// Technique labels, in the TC head's order.
    pub labels: Vec<String>,
    /// Decoding of the blended word probabilities into spans.
    pub decode: DecodeConfig,
    /// Weight of the neural propaganda probability against the fast tier's (1 = neural only).
    pub blend: f32,
    /// Weight of the neural technique probabilities against the fast tier's.
    pub tc_blend: f32,
    /// Temperature of the technique head's softmax.
    pub tc_temperature: f32,
    /// Temperature applied to the blended technique probabilities (`p^(1/t)`,
    /// renormalised): calibrates them without changing their order.
    #[serde(default = "one")]
    pub tc_calibration: f32,
    /// Calibration of span scores.
    pub calibration: Platt,
    /// Free-form training record (data, configuration, validation metrics).
    #[serde(default)]
    pub training: serde_json::Value,
}

impl NeuralInfo {
    /// The info recorded in a neural tier file's metadata (`map` may hold no
    /// tensors: `TensorMap::from_bytes_where(bytes, |_| false)`).
    ///
    /// # Errors
    /// When the file is not a neural tier file or its info is invalid.
    pub fn of_file(map: &TensorMap) -> Result<NeuralInfo, NeuralError> {
        if map.metadata.get("format").map(String::as_str) != Some(FORMAT) {
            return Err(NeuralError::Format(format!("not an {FORMAT} file")));
        }
        serde_json::from_str(
            map.metadata
                .get("info")
                .ok_or_else(|| NeuralError::Format("no info metadata".into()))?,
        )
        .map_err(|e| NeuralError::Format(format!("info: {e}")))
    }
}

/// Word-piece ids and their byte offsets in the text.
pub type Pieces = (Vec<u32>, Vec<(usize, usize)>);

/// Window starts over `n` pieces: windows of `window` pieces including
/// `[CLS]` and `[SEP]`, one every `stride` pieces, the last reaching the end
/// (the rule the training scripts use at inference).
pub fn window_starts(window: usize, stride: usize, n: usize) -> Vec<usize> {
    let body = window.saturating_sub(2).max(1);
    let stride = stride.max(1);
    let mut starts = vec![0];
    while starts[starts.len() - 1] + body < n {
        let next = starts[starts.len() - 1] + stride;
        starts.push(next);
    }
    starts
}

/// An encoder run over overlapping windows of a long piece sequence.
pub(crate) struct Windows<'a> {
    pub encoder: &'a Encoder,
    pub cls: u32,
    pub sep: u32,
    pub window: usize,
    pub stride: usize,
}

impl Windows<'_> {
    /// Runs the encoder on every window of `ids` (in parallel, one reused
    /// workspace per thread) and gives `f` each window's first piece index
    /// and its pieces' final hidden states (`[CLS]`/`[SEP]` left out), in
    /// window order.
    ///
    /// Cancellation: the calling thread's current token
    /// ([`unspin_pipeline::cancel::current`], set by the pipeline runner)
    /// is read here, on the dispatching thread, and moved into the rayon
    /// closures (worker threads do not see the caller's thread-local). Each
    /// window checks it before its forward pass; once it is cancelled the
    /// remaining windows are skipped and the result is empty, which the
    /// runner then discards (it checks the token after every stage).
    pub fn run<T: Send>(&self, ids: &[u32], f: impl Fn(usize, &[f32]) -> T + Sync) -> Vec<T> {
        self.run_branched(ids, None, f, |_, _| ())
            .into_iter()
            .map(|(t, _)| t)
            .collect()
    }

    /// [`run`](Self::run), and, with a `branch` (another encoder whose
    /// lower layers are this one's, the number of them shared), that
    /// encoder's upper layers on the same windows from the shared states:
    /// `g` gets its window's first piece index and final hidden states.
    /// The shared layers run once per window.
    pub fn run_branched<T: Send, U: Send>(
        &self,
        ids: &[u32],
        branch: Option<(&Encoder, usize)>,
        f: impl Fn(usize, &[f32]) -> T + Sync,
        g: impl Fn(usize, &[f32]) -> U + Sync,
    ) -> Vec<(T, Option<U>)> {
        let n = ids.len();
        let h = self.encoder.config.hidden;
        let body = self.window.saturating_sub(2).max(1);
        let token = unspin_pipeline::cancel::current();
        let cancelled = || token.as_ref().is_some_and(|t| t.is_cancelled());
        let outs: Option<Vec<(T, Option<U>)>> = window_starts(self.window, self.stride, n)
            .par_iter()
            .map_init(Workspace::default, |ws, &a| {
                if cancelled() {
                    return None;
                }
                let b = (a + body).min(n);
                let mut win = Vec::with_capacity(b - a + 2);
                win.push(self.cls);
                win.extend_from_slice(&ids[a..b]);
                win.push(self.sep);
                let inner = h..(b - a + 1) * h;
                let Some((other, shared)) = branch else {
                    let hidden = self.encoder.forward(&win, ws);
                    return Some((f(a, &hidden[inner]), None));
                };
                let l = win.len();
                self.encoder.embed(&win, ws);
                self.encoder.run_layers(l, ws, 0..shared);
                ws.save_hidden(h);
                let hidden = self
                    .encoder
                    .run_layers(l, ws, shared..self.encoder.layers.len());
                let t = f(a, &hidden[inner.clone()]);
                ws.restore_hidden();
                let hidden = other.run_layers(l, ws, shared..other.layers.len());
                Some((t, Some(g(a, &hidden[inner]))))
            })
            .collect();
        outs.unwrap_or_default()
    }
}

/// What the encoder says about one text.
#[derive(Debug, Clone, Default)]
pub struct Encoded {
    /// Byte offsets of the pieces in the text.
    pub offsets: Vec<(usize, usize)>,
    /// Propaganda probability P(B) + P(I) of each piece (the SI head's softmax, or
    /// its CRF's marginals when it has one), averaged over windows.
    pub piece_probs: Vec<f32>,
    /// Final hidden state of each piece (from the window where it is most central).
    pub hidden: Vec<f32>,
    /// Windows run.
    pub windows: usize,
}

/// The fine-tuned encoder, its SI and TC heads and its tokenizer.
pub struct NeuralModel {
    /// Description and decoding settings.
    pub info: NeuralInfo,
    encoder: Encoder,
    si_head: Linear,
    /// The CRF over the SI head's tags, when the checkpoint was trained with one.
    si_crf: Option<BioCrf>,
    tc_head: Linear,
    tokenizer: Tokenizer,
    cls: u32,
    sep: u32,
    digest: String,
    /// The attribution tagger that shares this encoder's lower layers, once
    /// [`share_trunk`](NeuralModel::share_trunk) connected it.
    branch: OnceLock<Arc<NeuralAttribution>>,
}

impl std::fmt::Debug for NeuralModel {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NeuralModel")
            .field("info", &self.info.name)
            .field("digest", &self.digest)
            .finish_non_exhaustive()
    }
}

pub(crate) static EMBEDDED_WEIGHTS: &[u8] =
    include_bytes!("../../../models/neural/neural.safetensors");
pub(crate) static EMBEDDED_TOKENIZER: &[u8] =
    include_bytes!("../../../models/neural/tokenizer.json");

#[derive(Deserialize)]
struct BertConfig {
    hidden_size: usize,
    num_attention_heads: usize,
    num_hidden_layers: usize,
    intermediate_size: usize,
    vocab_size: usize,
    max_position_embeddings: usize,
    #[serde(default = "default_eps")]
    layer_norm_eps: f32,
}

/// The BERT encoder of `map` (its `config` metadata read), checked against
/// the window and stride it will run with.
pub(crate) fn encoder_of(
    map: &TensorMap,
    window: usize,
    stride: usize,
) -> Result<Encoder, NeuralError> {
    let cfg: BertConfig = serde_json::from_str(
        map.metadata
            .get("config")
            .ok_or_else(|| NeuralError::Format("no config metadata".into()))?,
    )
    .map_err(|e| NeuralError::Format(format!("config: {e}")))?;
    let config = EncoderConfig {
        hidden: cfg.hidden_size,
        heads: cfg.num_attention_heads,
        layers: cfg.num_hidden_layers,
        intermediate: cfg.intermediate_size,
        vocab: cfg.vocab_size,
        max_positions: cfg.max_position_embeddings,
    };
    if config.heads == 0 || !config.hidden.is_multiple_of(config.heads) {
        return Err(NeuralError::Format(
            "hidden size not divisible by heads".into(),
        ));
    }
    if window < 3 || window > config.max_positions || stride == 0 {
        return Err(NeuralError::Format("bad window or stride".into()));
    }
    map.encoder(config, cfg.layer_norm_eps)
}

/// A WordPiece tokenizer from its `tokenizer.json`, with its `[CLS]` and
/// `[SEP]` ids.
pub(crate) fn tokenizer_of(bytes: &[u8]) -> Result<(Tokenizer, u32, u32), NeuralError> {
    let tokenizer =
        Tokenizer::from_bytes(bytes).map_err(|e| NeuralError::Format(format!("tokenizer: {e}")))?;
    let id = |t: &str| {
        tokenizer
            .token_to_id(t)
            .ok_or_else(|| NeuralError::Format(format!("tokenizer has no {t}")))
    };
    let (cls, sep) = (id("[CLS]")?, id("[SEP]")?);
    Ok((tokenizer, cls, sep))
}

fn one() -> f32 {
    1.0
}

fn default_eps() -> f32 {
    1e-12
}

impl NeuralModel {
    /// The model shipped inside the binary (`models/neural/`).
    ///
    /// # Errors
    /// When the binary was built without neural weights.
    pub fn embedded() -> Result<NeuralModel, NeuralError> {
        if EMBEDDED_WEIGHTS.is_empty() || EMBEDDED_TOKENIZER.is_empty() {
            return Err(NeuralError::NoEmbeddedModel);
        }
        NeuralModel::from_bytes(EMBEDDED_WEIGHTS, EMBEDDED_TOKENIZER)
    }

    /// True when this binary carries neural weights.
    pub fn has_embedded() -> bool {
        !EMBEDDED_WEIGHTS.is_empty() && !EMBEDDED_TOKENIZER.is_empty()
    }

    /// Loads `neural.safetensors` and the `tokenizer.json` beside it.
    ///
    /// # Errors
    /// On I/O failure or invalid files.
    pub fn load(path: &Path) -> Result<NeuralModel, NeuralError> {
        let read = |p: &Path| {
            std::fs::read(p).map_err(|source| NeuralError::Io {
                path: p.display().to_string(),
                source,
            })
        };
        let weights = read(path)?;
        let tok = read(&path.with_file_name("tokenizer.json"))?;
        NeuralModel::from_bytes(&weights, &tok)
    }

    /// Parses a shipped (int8) model and its tokenizer.
    ///
    /// # Errors
    /// When either is invalid.
    pub fn from_bytes(weights: &[u8], tokenizer: &[u8]) -> Result<NeuralModel, NeuralError> {
        let map = TensorMap::from_bytes_packed(weights)?;
        let info = NeuralInfo::of_file(&map)?;
        let digest = crate::weights::file_digest(weights);
        NeuralModel::from_tensors(&map, tokenizer, info, digest)
    }

    /// Builds the model from tensors (the BERT `config` is read from their metadata).
    ///
    /// # Errors
    /// When a tensor is missing, the config or the tokenizer is invalid.
    pub fn from_tensors(
        map: &TensorMap,
        tokenizer: &[u8],
        info: NeuralInfo,
        digest: String,
    ) -> Result<NeuralModel, NeuralError> {
        let encoder = encoder_of(map, info.window, info.stride)?;
        let h = encoder.config.hidden;
        let si_head = map.linear("si_head", 3, h)?;
        let si_crf = BioCrf::from_map(map)?;
        let tc_head = map.linear("tc_head", info.labels.len(), 2 * h)?;
        let (tokenizer, cls, sep) = tokenizer_of(tokenizer)?;
        Ok(NeuralModel {
            info,
            encoder,
            si_head,
            si_crf,
            tc_head,
            tokenizer,
            cls,
            sep,
            digest,
            branch: OnceLock::new(),
        })
    }

    /// Lets `tagger` ride on this model's encoder: from now on every
    /// [`encode`](Self::encode) also runs the tagger's upper layers on the
    /// states of the layers they share, and leaves its tags for the
    /// tagger's next look at the same text
    /// ([`NeuralAttribution::emissions`]), so an analysis with both runs
    /// the shared layers once. False (nothing changes) when the tagger
    /// was not trained on this model's layers
    /// ([`NeuralAttribution::shares_trunk_with`]) or one is connected already.
    pub fn share_trunk(&self, tagger: Arc<NeuralAttribution>) -> bool {
        tagger.shares_trunk_with(self) && self.branch.set(tagger).is_ok()
    }

    /// The tagger connected by [`share_trunk`](Self::share_trunk).
    pub fn trunk_sharer(&self) -> Option<&NeuralAttribution> {
        self.branch.get().map(|t| &**t)
    }

    /// Short hash of the weights file.
    pub fn digest(&self) -> &str {
        &self.digest
    }

    /// Provenance string of spans from this model: `name@digest`, and
    /// `/int8` after it when the encoder runs int8.
    pub fn provenance(&self) -> String {
        let precision = match self.encoder.precision() {
            Precision::Int8 => "/int8",
            Precision::F32 => "",
        };
        format!("{}@{}{precision}", self.info.name, &self.digest[..8])
    }

    /// The encoder (for benchmarks).
    pub fn encoder(&self) -> &Encoder {
        &self.encoder
    }

    /// Switches the encoder's dense layers to `precision`; false when the CPU
    /// cannot run it (the model then stays f32).
    pub fn set_precision(&mut self, precision: crate::encoder::Precision) -> bool {
        self.encoder.set_precision(precision)
    }

    /// Word-piece ids and byte offsets of `text` (no special tokens).
    ///
    /// # Errors
    /// When the tokenizer fails (it does not on valid UTF-8).
    pub fn pieces(&self, text: &str) -> Result<Pieces, NeuralError> {
        let enc = self
            .tokenizer
            .encode(text, false)
            .map_err(|e| NeuralError::Tokenizer(e.to_string()))?;
        Ok((enc.get_ids().to_vec(), enc.get_offsets().to_vec()))
    }

    /// Window starts over `n` pieces (the rule the training script uses).
    pub fn window_starts(&self, n: usize) -> Vec<usize> {
        window_starts(self.info.window, self.info.stride, n)
    }

    /// Runs the encoder over overlapping windows covering all of `text`.
    ///
    /// # Errors
    /// When the tokenizer fails.
    pub fn encode(&self, text: &str) -> Result<Encoded, NeuralError> {
        let (ids, offsets) = timing::time("tokenise", || self.pieces(text))?;
        let Some(tagger) = self.branch.get() else {
            return Ok(timing::time("encoder", || {
                self.encode_pieces(&ids, offsets)
            }));
        };
        let (encoded, tags) = timing::time("encoder (shared with the attribution tagger)", || {
            self.encode_branched(&ids, offsets, Some(tagger))
        });
        // A cancelled pass leaves no windows: nothing worth remembering.
        if let Some(tags) = tags.filter(|_| encoded.windows > 0 || ids.is_empty()) {
            tagger.remember(text, tags);
        }
        Ok(encoded)
    }

    /// [`NeuralModel::encode`] on pieces already tokenised.
    pub fn encode_pieces(&self, ids: &[u32], offsets: Vec<(usize, usize)>) -> Encoded {
        self.encode_branched(ids, offsets, None).0
    }

    /// [`encode_pieces`](Self::encode_pieces), and with `tagger` (which
    /// shares this encoder's lower layers) the tagger's piece tags from
    /// the same windows.
    fn encode_branched(
        &self,
        ids: &[u32],
        offsets: Vec<(usize, usize)>,
        tagger: Option<&NeuralAttribution>,
    ) -> (Encoded, Option<PieceTags>) {
        let n = ids.len();
        let h = self.encoder.config.hidden;
        if n == 0 {
            let tags = tagger.map(|_| PieceTags::new(offsets.clone()));
            let encoded = Encoded {
                offsets,
                ..Encoded::default()
            };
            return (encoded, tags);
        }
        let window = Windows {
            encoder: &self.encoder,
            cls: self.cls,
            sep: self.sep,
            window: self.info.window,
            stride: self.info.stride,
        };
        let branch = tagger.map(|t| (t.encoder(), t.shared_layers()));
        let run = window.run_branched(
            ids,
            branch,
            |a, inner| {
                let len = inner.len() / h;
                let mut logits = vec![0.0; len * 3];
                self.si_head.forward(inner, len, &mut logits);
                let probs: Vec<f32> = match &self.si_crf {
                    Some(crf) => crf.propaganda_marginals(&logits),
                    None => logits
                        .chunks_exact_mut(3)
                        .map(|l| {
                            softmax(l);
                            l[1] + l[2]
                        })
                        .collect(),
                };
                (a, probs, inner.to_vec())
            },
            |a, inner| tagger.map(|t| (a, t.window_probs(inner))),
        );
        let mut tags = tagger.map(|_| PieceTags::new(offsets.clone()));
        let mut outs = Vec::with_capacity(run.len());
        for (out, branch) in run {
            if let (Some(tags), Some(Some((a, probs)))) = (tags.as_mut(), branch) {
                tags.add_window(a, &probs);
            }
            outs.push(out);
        }
        let windows = outs.len();
        let mut sum = vec![0.0f32; n];
        let mut count = vec![0u32; n];
        let mut hidden = vec![0.0f32; n * h];
        let mut best = vec![-1i64; n];
        for (a, probs, hid) in &outs {
            let len = probs.len();
            for (i, &p) in probs.iter().enumerate() {
                let piece = a + i;
                sum[piece] += p;
                count[piece] += 1;
                let central = i.min(len - 1 - i) as i64;
                if central > best[piece] {
                    best[piece] = central;
                    hidden[piece * h..(piece + 1) * h].copy_from_slice(&hid[i * h..(i + 1) * h]);
                }
            }
        }
        let piece_probs = sum
            .iter()
            .zip(&count)
            .map(|(s, &c)| if c == 0 { 0.0 } else { s / c as f32 })
            .collect();
        let encoded = Encoded {
            offsets,
            piece_probs,
            hidden,
            windows,
        };
        (encoded, tags)
    }

    /// Propaganda probability of each byte range in `words` (the highest of the
    /// pieces it overlaps; 0 when none does). `words` must be sorted by start.
    pub fn word_probs(&self, enc: &Encoded, words: &[(usize, usize)]) -> Vec<f32> {
        let mut out = Vec::with_capacity(words.len());
        let mut k = 0;
        for &(s, e) in words {
            while k < enc.offsets.len() && enc.offsets[k].1 <= s {
                k += 1;
            }
            let mut p = 0.0f32;
            let mut j = k;
            while j < enc.offsets.len() && enc.offsets[j].0 < e {
                if enc.offsets[j].1 > s {
                    p = p.max(enc.piece_probs[j]);
                }
                j += 1;
            }
            out.push(p);
        }
        out
    }

    /// Technique probabilities (softmax at the model's temperature) of byte spans,
    /// from the `[mean; max]` pooling of the pieces each overlaps. A span that
    /// overlaps no piece gets uniform probabilities.
    pub fn technique_probs(&self, enc: &Encoded, spans: &[(usize, usize)]) -> Vec<Vec<f32>> {
        let h = self.encoder.config.hidden;
        let classes = self.info.labels.len();
        let t = self.info.tc_temperature.max(1e-3);
        let mut pooled = vec![0.0f32; 2 * h];
        spans
            .iter()
            .map(|&(s, e)| {
                let pieces: Vec<usize> = (0..enc.offsets.len())
                    .filter(|&p| enc.offsets[p].0 < e && s < enc.offsets[p].1)
                    .collect();
                if pieces.is_empty() {
                    return vec![1.0 / classes as f32; classes];
                }
                pooled[..h].fill(0.0);
                pooled[h..].fill(f32::NEG_INFINITY);
                for &p in &pieces {
                    let row = &enc.hidden[p * h..(p + 1) * h];
                    for j in 0..h {
                        pooled[j] += row[j];
                        pooled[h + j] = pooled[h + j].max(row[j]);
                    }
                }
                let inv = 1.0 / pieces.len() as f32;
                for v in &mut pooled[..h] {
                    *v *= inv;
                }
                let mut logits = vec![0.0; classes];
                self.tc_head.forward(&pooled, 1, &mut logits);
                for l in &mut logits {
                    *l /= t;
                }
                softmax(&mut logits);
                logits
            })
            .collect()
    }

    /// The shipped file for these weights (int8) with `info`.
    ///
    /// # Errors
    /// When serialisation fails.
    pub fn write_int8(map: &TensorMap, info: &NeuralInfo) -> Result<Vec<u8>, NeuralError> {
        let mut meta = HashMap::new();
        meta.insert("format".to_string(), FORMAT.to_string());
        meta.insert(
            "info".to_string(),
            serde_json::to_string(info).map_err(|e| NeuralError::Format(e.to_string()))?,
        );
        if let Some(c) = map.metadata.get("config") {
            meta.insert("config".to_string(), c.clone());
        }
        map.to_int8_bytes(meta)
    }
}

#[cfg(test)]
mod cancel_tests {
    use unspin_pipeline::cancel::{self, Cancel};

    use super::NeuralModel;

    /// A cancelled current token skips every encoder window.
    #[test]
    fn a_cancelled_token_skips_the_windows() {
        let Ok(model) = NeuralModel::embedded() else {
            eprintln!("skipped: this build has no embedded neural weights");
            return;
        };
        let text = "These corrupt traitors will destroy our great nation! ".repeat(200);
        let token = Cancel::new();
        token.cancel();
        let enc = cancel::scope(&token, || model.encode(&text)).unwrap();
        assert_eq!(enc.windows, 0);
        assert!(enc.piece_probs.iter().all(|&p| p == 0.0));
        let enc = model.encode("A short text.").unwrap();
        assert_eq!(enc.windows, 1);
    }
}
