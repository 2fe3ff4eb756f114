//! The neural attribution tagger: all-MiniLM-L6-v2 fine-tuned on PolNeAR to
//! tag Source, Cue and Content word pieces (seven BIO tags), decoded under
//! the BIO constraints and grouped into attributions by the same step as the
//! linear tagger ([`unspin_attribution::attributions_from_emissions`]).
//!
//! [`NeuralAttribution::embedded`] loads the tagger shipped in the binary,
//! or says why it cannot; the analysis library puts it behind an
//! `Arc<dyn AttributionTagger>` for the sourcing stage.
//!
//! Its word embeddings were frozen during training at the base encoder's
//! values, so the shipped file leaves them out and borrows the neural tier's
//! (`models/neural/`), which saves 11.7 MB; the effect of borrowing is
//! measured on PolNeAR dev by `unspin train --task attribution-neural`.

use std::collections::{HashMap, VecDeque};
use std::sync::{Mutex, OnceLock};

use serde::{Deserialize, Serialize};
use tokenizers::Tokenizer;
use unspin_attribution::{
    attributions_from_emissions, Attribution, AttributionTagger, NEURAL_PROVENANCE, TAGS,
};
use unspin_eval::Logistic;
use unspin_pipeline::timing;
use unspin_segment::{tokenize, Token};

use crate::encoder::{Encoder, Linear, Precision};
use crate::math::softmax;
use crate::model::{
    encoder_of, tokenizer_of, NeuralModel, Windows, EMBEDDED_TOKENIZER, EMBEDDED_WEIGHTS,
};
use crate::weights::TensorMap;
use crate::NeuralError;

/// Format tag of the shipped attribution file.
pub const ATTRIBUTION_FORMAT: &str = "unspin-attribution-int8-v1";

/// The tensor borrowed from the neural tier's file.
pub use crate::weights::WORD_EMBEDDINGS;

static EMBEDDED_ATTRIBUTION: &[u8] =
    include_bytes!("../../../models/attribution-neural/attribution.safetensors");

/// The stride the tagger is written with by `unspin train --task
/// attribution-neural` (without `--stride`): windows of 256 pieces start
/// every 224, so neighbouring windows share 30 of their 254 text pieces.
/// The tagger was shipped with 128 (every piece read twice) until
/// 2026-12-07; 224 reads 34 % fewer windows at the same PolNeAR scores
/// (model card, *Window stride*).
pub const DEFAULT_STRIDE: usize = 224;

/// The `info` of an attribution file's metadata, or why it is not one.
fn file_info(map: &TensorMap) -> Result<AttributionInfo, NeuralError> {
    if map.metadata.get("format").map(String::as_str) != Some(ATTRIBUTION_FORMAT) {
        return Err(NeuralError::Format(format!(
            "not an {ATTRIBUTION_FORMAT} file"
        )));
    }
    serde_json::from_str(
        map.metadata
            .get("info")
            .ok_or_else(|| NeuralError::Format("no info metadata".into()))?,
    )
    .map_err(|e| NeuralError::Format(format!("info: {e}")))
}

/// What the shipped file says about itself.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct AttributionInfo {
    /// Model name (in provenance and reports).
    pub name: String,
    /// Window length in pieces, `[CLS]` and `[SEP]` included.
    pub window: usize,
    /// Distance between window starts at inference.
    pub stride: usize,
    /// Free-form training record (data, configuration, dev metrics).
    #[serde(default)]
    pub training: serde_json::Value,
    /// How many of the encoder's lower layers (with the embeddings) are the
    /// neural tier's, frozen in training: the file leaves them out and
    /// borrows them, and an analysis running both models runs them once
    /// ([`NeuralModel::share_trunk`]). 0: a tagger of its own.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub shared_layers: usize,
    /// Digest of the neural tier's file those layers come from (the
    /// tagger only loads beside that file).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub trunk: Option<String>,
}

fn is_zero(n: &usize) -> bool {
    *n == 0
}

/// True for the tensors a tagger sharing `layers` lower layers borrows from
/// the neural tier's file: the embeddings and those layers.
fn is_trunk(name: &str, layers: usize) -> bool {
    if name.starts_with("embeddings.") {
        return true;
    }
    name.strip_prefix("encoder.layer.")
        .and_then(|rest| rest.split('.').next())
        .and_then(|i| i.parse::<usize>().ok())
        .is_some_and(|i| i < layers)
}

/// The tagger's tag probabilities of every word piece of one text, summed
/// over the windows that hold it (with the count), and the pieces' byte
/// offsets: what [`NeuralAttribution::emissions`] turns into per-token
/// emissions, computed by the tagger itself or left by the neural tier's
/// encoder pass when the two share their lower layers.
#[derive(Debug, Clone)]
pub(crate) struct PieceTags {
    offsets: Vec<(usize, usize)>,
    sum: Vec<f32>,
    count: Vec<u32>,
}

impl PieceTags {
    /// No window added yet, for pieces at `offsets`.
    pub(crate) fn new(offsets: Vec<(usize, usize)>) -> PieceTags {
        let n = offsets.len();
        PieceTags {
            offsets,
            sum: vec![0.0; n * TAGS],
            count: vec![0; n],
        }
    }

    /// Adds one window's probabilities (`TAGS` a piece) from piece `a` on.
    pub(crate) fn add_window(&mut self, a: usize, probs: &[f32]) {
        for (i, row) in probs.chunks_exact(TAGS).enumerate() {
            let p = a + i;
            self.count[p] += 1;
            for (s, v) in self.sum[p * TAGS..(p + 1) * TAGS].iter_mut().zip(row) {
                *s += v;
            }
        }
    }
}

/// How many texts' piece tags wait for the sourcing stage at most (more
/// than the documents in flight at once; the oldest goes first). Texts
/// whose sourcing never runs (a detection-only call) are dropped this way.
const REMEMBERED: usize = 64;

/// Offsets added to the tagger's per-token log-probabilities before decoding
/// (O, B/I-Source, B/I-Cue, B/I-Content): a cue or speaker the tagger is
/// unsure of is worth keeping, since grouping needs both. Chosen on a
/// held-out slice of PolNeAR train with a tagger trained without it
/// (`crates/neural/examples/attribution_linking.rs`): attribution F1 0.585 →
/// 0.602 there; never tuned on dev.
pub const TAG_BIAS: [f32; TAGS] = [0.0, 0.5, 0.5, 1.0, 1.0, 0.0, 0.0];

/// The lowest score an attribution of the tagger keeps (the squashed mean
/// margin of its content and cue tags over `O`). Chosen on the held-out
/// slice of PolNeAR train with the 5-epoch tagger trained without it
/// (`MIN_SCORE=… cargo run --release -p unspin-neural --example
/// attribution_linking -- DIR`): attribution F1 0.638 with no threshold,
/// 0.645 / 0.647 / 0.645 at 0.75 / 0.8 / 0.85, 0.634 at 0.9; never tuned on
/// dev. Quotations that the sourcing stage's rules find (quotation marks,
/// block quotes) do not depend on it.
pub const MIN_SCORE: f32 = 0.8;

/// How a kept attribution's raw score (the squashed mean margin that
/// [`MIN_SCORE`] is compared with) becomes the score users see:
/// `sigmoid(a · logit(raw) + b)`, the share of such attributions that were
/// right (content and speaker matched). Fitted on the held-out slice of
/// PolNeAR train with the 5-epoch tagger trained without it
/// (`CALIBRATE=1 cargo run --release -p unspin-neural --example
/// attribution_linking -- DIR`); never on dev. There, 70 % of the kept
/// attributions were right while their raw scores averaged 0.96: expected
/// calibration error 0.259 raw, 0.025 calibrated (fitted on one half of the
/// slice's articles, measured on the other).
pub const SCORE_CALIBRATION: Logistic = Logistic {
    a: 0.5519,
    b: -1.3198,
};

/// The attributions of `text`'s `tokens` from the tagger's emissions
/// ([`NeuralAttribution::emissions`]): [`TAG_BIAS`] added, then decoded and
/// grouped as the linear tagger's tags are, those with a raw score under
/// [`MIN_SCORE`] dropped, and the others' scores calibrated
/// ([`SCORE_CALIBRATION`]).
pub fn decode(text: &str, tokens: &[Token], emissions: Vec<f32>) -> Vec<Attribution> {
    decode_with(text, tokens, emissions, MIN_SCORE, SCORE_CALIBRATION)
}

/// As [`decode`], keeping attributions whose raw score is at least
/// `min_score` and mapping their scores by `calibration` (for measuring
/// both; [`Logistic::IDENTITY`] leaves the raw scores).
pub fn decode_with(
    text: &str,
    tokens: &[Token],
    mut emissions: Vec<f32>,
    min_score: f32,
    calibration: Logistic,
) -> Vec<Attribution> {
    for row in emissions.chunks_exact_mut(TAGS) {
        for (e, b) in row.iter_mut().zip(TAG_BIAS) {
            *e += b;
        }
    }
    let mut found = attributions_from_emissions(text, tokens, &emissions, NEURAL_PROVENANCE);
    found.retain(|a| a.score >= min_score);
    if calibration != Logistic::IDENTITY {
        for a in &mut found {
            let raw = a.score.clamp(1e-6, 1.0 - 1e-6);
            a.score = calibration.apply((raw / (1.0 - raw)).ln());
        }
    }
    found
}

/// The fine-tuned encoder with its tag head and tokenizer.
pub struct NeuralAttribution {
    /// Description.
    pub info: AttributionInfo,
    encoder: Encoder,
    head: Linear,
    tokenizer: Tokenizer,
    cls: u32,
    sep: u32,
    digest: String,
    /// Piece tags the neural tier's encoder pass left for texts not yet
    /// tagged, keyed by the text's hash and length.
    remembered: Mutex<VecDeque<((u64, usize), PieceTags)>>,
}

impl std::fmt::Debug for NeuralAttribution {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NeuralAttribution")
            .field("info", &self.info.name)
            .field("digest", &self.digest)
            .finish_non_exhaustive()
    }
}

impl NeuralAttribution {
    /// True when this binary carries the attribution weights and the neural
    /// tier's file they borrow from.
    pub fn has_embedded() -> bool {
        !EMBEDDED_ATTRIBUTION.is_empty()
            && !EMBEDDED_WEIGHTS.is_empty()
            && !EMBEDDED_TOKENIZER.is_empty()
    }

    /// The tagger shipped in the binary (`models/attribution-neural/`, with
    /// the word embeddings of `models/neural/`), its dense layers at
    /// `precision`. Each call loads a fresh copy (about 20 MB of weights);
    /// share one behind an `Arc`.
    ///
    /// # Errors
    /// [`NeuralError::NoEmbeddedAttribution`] when this binary was built
    /// without the weights, [`NeuralError::PrecisionUnavailable`] when this
    /// CPU cannot run `precision`, and the errors of
    /// [`from_bytes`](Self::from_bytes) when the embedded files do not load.
    pub fn embedded(precision: Precision) -> Result<NeuralAttribution, NeuralError> {
        if !NeuralAttribution::has_embedded() {
            return Err(NeuralError::NoEmbeddedAttribution);
        }
        if precision == Precision::Int8 && !crate::int8::available() {
            return Err(NeuralError::PrecisionUnavailable { precision });
        }
        let mut model = NeuralAttribution::from_bytes(
            EMBEDDED_ATTRIBUTION,
            EMBEDDED_WEIGHTS,
            EMBEDDED_TOKENIZER,
        )?;
        if !model.set_precision(precision) {
            return Err(NeuralError::PrecisionUnavailable { precision });
        }
        Ok(model)
    }

    /// The shipped tagger at `precision`, loaded once per process and per
    /// precision, for tests and benchmarks that share one copy; `None` when
    /// [`embedded`](Self::embedded) fails (call that to learn why).
    pub fn shipped(precision: Precision) -> Option<&'static NeuralAttribution> {
        static F32: OnceLock<Option<NeuralAttribution>> = OnceLock::new();
        static INT8: OnceLock<Option<NeuralAttribution>> = OnceLock::new();
        let cell = match precision {
            Precision::F32 => &F32,
            Precision::Int8 => &INT8,
        };
        cell.get_or_init(|| NeuralAttribution::embedded(precision).ok())
            .as_ref()
    }

    /// Parses a shipped attribution file; its word embeddings come from
    /// `neural` (the neural tier's file) when it has none of its own.
    ///
    /// # Errors
    /// When a file is invalid or a tensor is missing.
    pub fn from_bytes(
        weights: &[u8],
        neural: &[u8],
        tokenizer: &[u8],
    ) -> Result<NeuralAttribution, NeuralError> {
        let mut map = TensorMap::from_bytes_packed(weights)?;
        let info = file_info(&map)?;
        if let Some(trunk) = &info.trunk {
            let found = crate::weights::file_digest(neural);
            if &found != trunk {
                return Err(NeuralError::Format(format!(
                    "the attribution tagger shares the layers of neural model {trunk}, \
                     not of {found}: it only runs beside the neural tier it was trained on"
                )));
            }
        }
        let shared = info.shared_layers;
        let borrow = |n: &str| !map.contains(n) && (n == WORD_EMBEDDINGS || is_trunk(n, shared));
        let borrowed = TensorMap::from_bytes_packed_where(neural, borrow)?;
        if !borrowed.contains(WORD_EMBEDDINGS) && !map.contains(WORD_EMBEDDINGS) {
            return Err(NeuralError::Format(format!(
                "the neural tier's file has no {WORD_EMBEDDINGS}"
            )));
        }
        map.tensors.extend(borrowed.tensors);
        map.int8.extend(borrowed.int8);
        let digest = crate::weights::file_digest(weights);
        NeuralAttribution::from_tensors(&map, tokenizer, info, digest)
    }

    /// Builds the tagger from tensors (an f32 checkpoint or a parsed file).
    ///
    /// # Errors
    /// When a tensor is missing or the config or tokenizer is invalid.
    pub fn from_tensors(
        map: &TensorMap,
        tokenizer: &[u8],
        info: AttributionInfo,
        digest: String,
    ) -> Result<NeuralAttribution, NeuralError> {
        let encoder = encoder_of(map, info.window, info.stride)?;
        if info.shared_layers >= encoder.layers.len() {
            return Err(NeuralError::Format(format!(
                "shares {} layers of a {}-layer encoder",
                info.shared_layers,
                encoder.layers.len()
            )));
        }
        let head = map.linear("tag_head", TAGS, encoder.config.hidden)?;
        let (tokenizer, cls, sep) = tokenizer_of(tokenizer)?;
        Ok(NeuralAttribution {
            info,
            encoder,
            head,
            tokenizer,
            cls,
            sep,
            digest,
            remembered: Mutex::new(VecDeque::new()),
        })
    }

    /// The shipped file for an f32 checkpoint's tensors: int8, without the
    /// word embeddings (borrowed from the neural tier at load time), nor,
    /// when `info` says it shares the neural tier's lower layers, the other
    /// embeddings and those layers.
    ///
    /// # Errors
    /// When serialisation fails.
    pub fn write_int8(map: &TensorMap, info: &AttributionInfo) -> Result<Vec<u8>, NeuralError> {
        let mut slim = map.clone();
        slim.tensors.remove(WORD_EMBEDDINGS);
        slim.tensors
            .retain(|name, _| !is_trunk(name, info.shared_layers));
        let mut meta = HashMap::new();
        meta.insert("format".to_string(), ATTRIBUTION_FORMAT.to_string());
        meta.insert(
            "info".to_string(),
            serde_json::to_string(info).map_err(|e| NeuralError::Format(e.to_string()))?,
        );
        if let Some(c) = map.metadata.get("config") {
            meta.insert("config".to_string(), c.clone());
        }
        slim.to_int8_bytes(meta)
    }

    /// The shipped file `bytes` with the stride it runs with set to
    /// `stride` (its `info`; the weights are untouched). The digest, which
    /// names the file's bytes, changes with it.
    ///
    /// # Errors
    /// When `bytes` is not an attribution file or `stride` does not fit its
    /// window (1 to window − 2 pieces).
    pub fn restride(bytes: &[u8], stride: usize) -> Result<Vec<u8>, NeuralError> {
        let mut info = file_info(&TensorMap::from_bytes_where(bytes, |_| false)?)?;
        if stride == 0 || stride + 2 > info.window {
            return Err(NeuralError::Format(format!(
                "stride {stride} does not fit windows of {} pieces (1 to {})",
                info.window,
                info.window.saturating_sub(2)
            )));
        }
        info.stride = stride;
        let info = serde_json::to_string(&info).map_err(|e| NeuralError::Format(e.to_string()))?;
        crate::weights::with_metadata(bytes, "info", info)
    }

    /// Short hash of the weights file.
    pub fn digest(&self) -> &str {
        &self.digest
    }

    /// Switches the encoder's dense layers to `precision`; false when the CPU
    /// cannot run it.
    pub fn set_precision(&mut self, precision: Precision) -> bool {
        self.encoder.set_precision(precision)
    }

    /// Per-token tag log-probabilities (`tokens.len() × TAGS`): those of the
    /// first word piece of each token, averaged over the windows that cover
    /// it. A token with no piece of its own (characters the tokenizer drops)
    /// continues the token before it.
    ///
    /// # Errors
    /// When the tokenizer fails.
    pub fn emissions(&self, text: &str, tokens: &[Token]) -> Result<Vec<f32>, NeuralError> {
        let tags = match self.recall(text) {
            Some(tags) => tags,
            None => self.piece_tags(text)?,
        };
        let PieceTags {
            offsets,
            sum,
            count,
        } = tags;
        let n = offsets.len();
        let mut out: Vec<f32> = Vec::with_capacity(tokens.len() * TAGS);
        let mut k = 0;
        for tok in tokens {
            while k < n && offsets[k].1 <= tok.start {
                k += 1;
            }
            let row: Vec<f32> = if k < n && offsets[k].0 < tok.end && count[k] > 0 {
                let c = count[k] as f32;
                sum[k * TAGS..(k + 1) * TAGS]
                    .iter()
                    .map(|s| (s / c).max(1e-9).ln())
                    .collect()
            } else if out.len() >= TAGS {
                // Continue the previous token: begin tags become inside tags.
                let prev = &out[out.len() - TAGS..];
                let mut r = prev.to_vec();
                for b in [1, 3, 5] {
                    r[b + 1] = prev[b].max(prev[b + 1]);
                    r[b] = -30.0;
                }
                r
            } else {
                let mut r = vec![-30.0f32; TAGS];
                r[0] = 0.0;
                r
            };
            out.extend_from_slice(&row);
        }
        Ok(out)
    }

    /// The tag probabilities of `text`'s pieces, from this tagger's own
    /// encoder pass.
    fn piece_tags(&self, text: &str) -> Result<PieceTags, NeuralError> {
        let enc = timing::time("tokenise", || self.tokenizer.encode(text, false))
            .map_err(|e| NeuralError::Tokenizer(e.to_string()))?;
        let ids = enc.get_ids();
        let mut tags = PieceTags::new(enc.get_offsets().to_vec());
        if !ids.is_empty() {
            let windows = Windows {
                encoder: &self.encoder,
                cls: self.cls,
                sep: self.sep,
                window: self.info.window,
                stride: self.info.stride,
            };
            let outs = timing::time("encoder", || {
                windows.run(ids, |a, inner| (a, self.window_probs(inner)))
            });
            for (a, probs) in outs {
                tags.add_window(a, &probs);
            }
        }
        Ok(tags)
    }

    /// The tag probabilities of one window's pieces from their final
    /// hidden states (`TAGS` a piece).
    pub(crate) fn window_probs(&self, inner: &[f32]) -> Vec<f32> {
        let len = inner.len() / self.encoder.config.hidden;
        let mut probs = vec![0.0; len * TAGS];
        self.head.forward(inner, len, &mut probs);
        for row in probs.chunks_exact_mut(TAGS) {
            softmax(row);
        }
        probs
    }

    /// The encoder (for the neural tier's shared pass).
    pub(crate) fn encoder(&self) -> &Encoder {
        &self.encoder
    }

    /// How many lower layers this tagger shares with the neural tier (0: none).
    pub fn shared_layers(&self) -> usize {
        self.info.shared_layers
    }

    /// True when this tagger's lower layers are `model`'s: it was trained on
    /// them ([`AttributionInfo::trunk`] is `model`'s digest), with the same
    /// windows, at the same precision.
    pub fn shares_trunk_with(&self, model: &NeuralModel) -> bool {
        self.info.shared_layers > 0
            && self.info.trunk.as_deref() == Some(model.digest())
            && self.info.window == model.info.window
            && self.info.stride == model.info.stride
            && self.encoder.precision() == model.encoder().precision()
    }

    fn key(text: &str) -> (u64, usize) {
        (xxhash_rust::xxh3::xxh3_64(text.as_bytes()), text.len())
    }

    /// Keeps `tags` (computed by the neural tier's pass over `text`) for
    /// this tagger's next look at the same text.
    pub(crate) fn remember(&self, text: &str, tags: PieceTags) {
        let mut memo = self.remembered.lock().unwrap_or_else(|e| e.into_inner());
        if memo.len() >= REMEMBERED {
            memo.pop_front();
        }
        memo.push_back((NeuralAttribution::key(text), tags));
    }

    /// How many texts' tags the neural tier's shared pass left that this
    /// tagger has not read yet (at most 64 are kept, oldest dropped first).
    pub fn waiting(&self) -> usize {
        self.remembered
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .len()
    }

    /// The piece tags remembered for `text` (the latest), taken out.
    fn recall(&self, text: &str) -> Option<PieceTags> {
        let key = NeuralAttribution::key(text);
        let mut memo = self.remembered.lock().unwrap_or_else(|e| e.into_inner());
        let i = memo.iter().rposition(|(k, _)| *k == key)?;
        memo.remove(i).map(|(_, tags)| tags)
    }

    /// The attributions in `text` with its tokens already computed.
    ///
    /// # Errors
    /// When the tokenizer fails.
    pub fn predict_tokens(
        &self,
        text: &str,
        tokens: &[Token],
    ) -> Result<Vec<Attribution>, NeuralError> {
        let emissions = self.emissions(text, tokens)?;
        Ok(decode(text, tokens, emissions))
    }
}

impl AttributionTagger for NeuralAttribution {
    fn attributions(&self, text: &str) -> Vec<Attribution> {
        let tokens = tokenize(text);
        match self.predict_tokens(text, &tokens) {
            Ok(found) => found,
            Err(e) => {
                tracing::warn!(error = %e, "neural attribution tagger failed; no attributions");
                Vec::new()
            }
        }
    }

    fn describe(&self) -> String {
        format!("{}@{}", self.info.name, &self.digest[..8])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Log-probabilities per token: `sure` tags get 0 against -5 for the
    /// rest; an unsure token's tag gets -0.6 against -0.8 for `O`.
    fn emissions(tags: &[(usize, bool)]) -> Vec<f32> {
        tags.iter()
            .flat_map(|&(tag, sure)| {
                (0..TAGS).map(move |k| match (k == tag, sure, k) {
                    (true, true, _) => 0.0,
                    (true, false, _) => -0.6,
                    (false, false, 0) => -0.8,
                    _ => -5.0,
                })
            })
            .collect()
    }

    #[test]
    fn restride_changes_the_stride_and_nothing_else() {
        let shipped = EMBEDDED_ATTRIBUTION;
        let before = TensorMap::from_bytes(shipped).unwrap();
        let info = |m: &TensorMap| -> AttributionInfo {
            serde_json::from_str(&m.metadata["info"]).unwrap()
        };
        let stride = if info(&before).stride == 200 {
            100
        } else {
            200
        };
        let bytes = NeuralAttribution::restride(shipped, stride).unwrap();
        let after = TensorMap::from_bytes(&bytes).unwrap();
        assert_eq!(info(&after).stride, stride);
        assert_eq!(info(&after).window, info(&before).window);
        assert_eq!(after.tensors, before.tensors);
        assert_eq!(after.metadata.len(), before.metadata.len());
        // Setting it back gives the shipped bytes again.
        let back = NeuralAttribution::restride(&bytes, info(&before).stride).unwrap();
        assert_eq!(back, shipped);
        // Strides that do not fit a window, and files of another kind, are refused.
        for bad in [0, info(&before).window - 1] {
            assert!(NeuralAttribution::restride(shipped, bad).is_err(), "{bad}");
        }
        assert!(NeuralAttribution::restride(b"not a model", 100).is_err());
    }

    #[test]
    fn attributions_under_the_threshold_are_dropped() {
        // "He said yes . She said maybe ." with a sure first cue and content
        // and an unsure second pair.
        let text = "He said yes. She said maybe.";
        let tokens = tokenize(text);
        let tags = [
            (1, true),
            (3, true),
            (5, true),
            (0, true),
            (1, true),
            (3, false),
            (5, false),
            (0, true),
        ];
        assert_eq!(tokens.len(), tags.len());
        let all = decode_with(text, &tokens, emissions(&tags), 0.0, Logistic::IDENTITY);
        let contents: Vec<&str> = all.iter().map(|a| &text[a.content.clone()]).collect();
        assert_eq!(contents, ["yes", "maybe"]);
        let kept = decode(text, &tokens, emissions(&tags));
        assert_eq!(kept.len(), 1, "{all:?}");
        assert_eq!(&text[kept[0].content.clone()], "yes");
        assert!(all[0].score >= MIN_SCORE && all[1].score < MIN_SCORE);
        // The threshold reads the raw score; the kept one's score is then
        // calibrated (lower: raw scores run high).
        let raw = all[0].score;
        let want = SCORE_CALIBRATION.apply((raw / (1.0 - raw)).ln());
        assert!((kept[0].score - want).abs() < 1e-5, "{kept:?}");
        assert!(kept[0].score < raw);
    }
}
