//! The fast tier's model: a token-level logistic regression for span
//! identification and a multinomial logistic regression for technique
//! classification, stored together in one safetensors file.

use std::collections::HashMap;
use std::path::Path;

use safetensors::tensor::{Dtype, TensorView};
use safetensors::SafeTensors;
use serde::{Deserialize, Serialize};
use unspin_document::{attrs, layers, Document, Span};

use crate::decode::{decode, DecodeConfig, Decoded};
use crate::explain::{explain, ExplainSink, Notes};
use crate::features::{
    si_sentence_features, si_token_features, tc_features, DocTokens, HashSink, TcContext,
};
use crate::linear::{
    sigmoid, softmax_in_place, BinaryModel, Feature, QuantizedBinary, QuantizedSoftmax,
    SoftmaxModel,
};

/// Version of the feature extraction; a model trained with another version
/// is refused. 3: TC features say whether the span's words were seen
/// earlier in the text (`seen`, `seen1`, `seen_all`, `rep_seen`).
pub const FEATURE_VERSION: u32 = 3;

/// The label SI spans carry before classification.
pub const PROPAGANDA: &str = "propaganda";

/// Why a model could not be loaded or saved.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ModelError {
    /// Reading or writing the file failed.
    #[error("cannot access model file {path}: {source}")]
    Io {
        /// The file.
        path: String,
        /// The underlying error.
        source: std::io::Error,
    },
    /// The file is not a valid model.
    #[error("invalid model file: {0}")]
    Format(String),
    /// The binary was built without a trained model.
    #[error("this build has no embedded fast model; train one with `unspin train` and pass it with --model")]
    NoEmbeddedModel,
    /// Training could not run.
    #[error("cannot train: {0}")]
    Training(String),
}

/// Everything about a model except its weights (stored as JSON metadata).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ModelInfo {
    /// Model name used in span provenance, e.g. `fast-linear`.
    pub name: String,
    /// Feature extraction version.
    pub feature_version: u32,
    /// Hash bits of the SI table.
    pub si_bits: u32,
    /// Hash bits of the TC table.
    pub tc_bits: u32,
    /// Technique labels, in TC class order.
    pub labels: Vec<String>,
    /// Decoding of SI probabilities.
    pub decode: DecodeConfig,
    /// Free-form training record (data, config, validation metrics).
    #[serde(default)]
    pub training: serde_json::Value,
}

/// The fast technique detector.
#[derive(Debug, Clone)]
pub struct FastModel {
    /// Model description.
    pub info: ModelInfo,
    pub(crate) si: QuantizedBinary,
    pub(crate) tc: QuantizedSoftmax,
}

/// One technique decision for a span.
#[derive(Debug, Clone, PartialEq)]
pub struct Classified {
    /// Technique label.
    pub label: String,
    /// Probability of that label.
    pub score: f32,
    /// Probabilities of every label, in [`ModelInfo::labels`] order.
    pub probs: Vec<f32>,
}

static EMBEDDED: &[u8] = include_bytes!("../../../models/fast/fast.safetensors");

impl FastModel {
    /// Builds a model from trained weights, quantised exactly as they are
    /// stored, so that a model in memory behaves as it will once saved.
    pub(crate) fn from_parts(info: ModelInfo, si: &BinaryModel, tc: &SoftmaxModel) -> FastModel {
        FastModel {
            info,
            si: QuantizedBinary::from_model(si),
            tc: QuantizedSoftmax::from_model(tc),
        }
    }

    /// The model shipped inside the binary (`models/fast/fast.safetensors`).
    ///
    /// # Errors
    /// When the binary was built without a trained model.
    pub fn embedded() -> Result<FastModel, ModelError> {
        if EMBEDDED.is_empty() {
            return Err(ModelError::NoEmbeddedModel);
        }
        FastModel::from_bytes(EMBEDDED)
    }

    /// Loads a model file.
    ///
    /// # Errors
    /// On I/O failure or an invalid file.
    pub fn load(path: &Path) -> Result<FastModel, ModelError> {
        let bytes = std::fs::read(path).map_err(|source| ModelError::Io {
            path: path.display().to_string(),
            source,
        })?;
        FastModel::from_bytes(&bytes)
    }

    /// Parses a model from safetensors bytes.
    ///
    /// # Errors
    /// When the bytes are not a model of this version.
    pub fn from_bytes(bytes: &[u8]) -> Result<FastModel, ModelError> {
        let (_, meta) =
            SafeTensors::read_metadata(bytes).map_err(|e| ModelError::Format(e.to_string()))?;
        let meta = meta
            .metadata()
            .as_ref()
            .ok_or_else(|| ModelError::Format("no metadata".into()))?;
        let get = |k: &str| {
            meta.get(k)
                .ok_or_else(|| ModelError::Format(format!("metadata key '{k}' missing")))
        };
        let info: ModelInfo =
            serde_json::from_str(get("info")?).map_err(|e| ModelError::Format(e.to_string()))?;
        if info.feature_version != FEATURE_VERSION {
            return Err(ModelError::Format(format!(
                "model uses feature version {}, this build uses {FEATURE_VERSION}; retrain with `unspin train`",
                info.feature_version
            )));
        }
        let scale = |k: &str| -> Result<f32, ModelError> {
            get(k)?
                .parse()
                .map_err(|_| ModelError::Format(format!("bad {k}")))
        };
        let (si_scale, tc_scale) = (scale("si.scale")?, scale("tc.scale")?);
        let tensors =
            SafeTensors::deserialize(bytes).map_err(|e| ModelError::Format(e.to_string()))?;
        let read = |name: &str, len: usize| -> Result<Vec<i8>, ModelError> {
            let t = tensors
                .tensor(name)
                .map_err(|e| ModelError::Format(format!("{name}: {e}")))?;
            if t.dtype() != Dtype::I8 || t.data().len() != len {
                return Err(ModelError::Format(format!(
                    "{name}: expected {len} int8 values"
                )));
            }
            Ok(t.data().iter().map(|&b| b as i8).collect())
        };
        if info.si_bits > 26 || info.tc_bits > 26 || info.labels.is_empty() {
            return Err(ModelError::Format("implausible model dimensions".into()));
        }
        let si_q = read("si.weight", 1 << info.si_bits)?;
        let tc_q = read("tc.weight", (1 << info.tc_bits) * info.labels.len())?;
        let si = QuantizedBinary {
            bits: info.si_bits,
            q: si_q,
            scale: si_scale,
        };
        let tc = QuantizedSoftmax {
            bits: info.tc_bits,
            classes: info.labels.len(),
            q: tc_q,
            scale: tc_scale,
        };
        Ok(FastModel { info, si, tc })
    }

    /// Serialises the model (int8 weights, one scale per table).
    ///
    /// # Errors
    /// When serialisation fails.
    pub fn to_bytes(&self) -> Result<Vec<u8>, ModelError> {
        let (tc_q, tc_scale) = (&self.tc.q, self.tc.scale);
        let si_scale = self.si.scale;
        let si_b: Vec<u8> = self.si.q.iter().map(|&x| x as u8).collect();
        let tc_b: Vec<u8> = tc_q.iter().map(|&x| x as u8).collect();
        let fmt = |e: safetensors::SafeTensorError| ModelError::Format(e.to_string());
        let si_v = TensorView::new(Dtype::I8, vec![si_b.len()], &si_b).map_err(fmt)?;
        let tc_v = TensorView::new(Dtype::I8, vec![1 << self.tc.bits, self.tc.classes], &tc_b)
            .map_err(fmt)?;
        let mut meta = HashMap::new();
        meta.insert(
            "info".to_string(),
            serde_json::to_string(&self.info).map_err(|e| ModelError::Format(e.to_string()))?,
        );
        meta.insert("si.scale".to_string(), si_scale.to_string());
        meta.insert("tc.scale".to_string(), tc_scale.to_string());
        safetensors::serialize(vec![("si.weight", si_v), ("tc.weight", tc_v)], &Some(meta))
            .map_err(fmt)
    }

    /// Writes the model to `path`.
    ///
    /// # Errors
    /// On I/O or serialisation failure.
    pub fn save(&self, path: &Path) -> Result<(), ModelError> {
        let bytes = self.to_bytes()?;
        if let Some(dir) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|source| ModelError::Io {
                path: dir.display().to_string(),
                source,
            })?;
        }
        std::fs::write(path, bytes).map_err(|source| ModelError::Io {
            path: path.display().to_string(),
            source,
        })
    }

    /// A fingerprint of the weights as stored (int8), independent of the
    /// metadata: two trainings that give the same fingerprint give the same
    /// predictions.
    pub fn weights_digest(&self) -> String {
        let (tc_q, tc_scale) = (&self.tc.q, self.tc.scale);
        let mut h = xxhash_rust::xxh3::Xxh3::new();
        h.update(&self.si.q.iter().map(|&x| x as u8).collect::<Vec<u8>>());
        h.update(&self.si.scale.to_le_bytes());
        h.update(&tc_q.iter().map(|&x| x as u8).collect::<Vec<u8>>());
        h.update(&tc_scale.to_le_bytes());
        format!("{:016x}", h.digest())
    }

    /// Provenance string of spans from this model.
    pub fn provenance(&self) -> String {
        format!("{}@{}", self.info.name, FEATURE_VERSION)
    }

    /// Propaganda probability of every token of `d`.
    pub fn token_probs(&self, d: &DocTokens) -> Vec<f32> {
        let mut probs = Vec::with_capacity(d.len());
        let mut sf = Vec::with_capacity(32);
        let mut tf = Vec::with_capacity(32);
        for s in 0..d.sentence_tokens.len() {
            si_sentence_features(d, s, self.si.bits, &mut sf);
            let base = self.si.logit(&sf);
            for i in d.sentence_tokens[s].clone() {
                si_token_features(d, i, self.si.bits, &mut tf);
                probs.push(sigmoid(base + self.si.logit(&tf)));
            }
        }
        probs
    }

    /// Span identification with the model's own decoding settings.
    pub fn detect(&self, doc: &Document) -> Vec<Span> {
        self.detect_with(doc, &self.info.decode)
    }

    /// Span identification with explicit decoding settings. Text inside the
    /// document's `boilerplate` layer is never marked.
    pub fn detect_with(&self, doc: &Document, cfg: &DecodeConfig) -> Vec<Span> {
        self.detect_tokens(doc, &DocTokens::new(doc.text()), cfg)
    }

    fn detect_tokens(&self, doc: &Document, d: &DocTokens, cfg: &DecodeConfig) -> Vec<Span> {
        let probs = self.token_probs(d);
        let boiler = doc.layer(layers::BOILERPLATE);
        let skip: Option<Vec<bool>> = (!boiler.is_empty()).then(|| {
            d.tokens
                .iter()
                .map(|t| {
                    boiler
                        .iter()
                        .any(|b| b.start() < t.end && t.start < b.end())
                })
                .collect()
        });
        let prov = self.provenance();
        decode(d, &probs, skip.as_deref(), cfg)
            .into_iter()
            .filter_map(|Decoded { start, end, score }| {
                Span::new(start, end, PROPAGANDA)
                    .ok()
                    .map(|s| s.with_score(score).with_provenance(prov.clone()))
            })
            .collect()
    }

    /// Technique probabilities of byte spans of `text` (one entry per span, same order).
    pub fn classify_probs(&self, text: &str, spans: &[(usize, usize)]) -> Vec<Vec<f32>> {
        self.classify_probs_ctx(&TcContext::new(text), spans)
    }

    fn classify_probs_ctx(&self, ctx: &TcContext, spans: &[(usize, usize)]) -> Vec<Vec<f32>> {
        let mut feats = Vec::with_capacity(256);
        spans
            .iter()
            .map(|&(s, e)| {
                feats.clear();
                tc_features(
                    ctx,
                    s,
                    e,
                    &mut HashSink {
                        bits: self.tc.bits,
                        out: &mut feats,
                    },
                );
                let mut p = vec![0.0; self.tc.classes];
                self.tc.logits(&feats, &mut p);
                softmax_in_place(&mut p);
                p
            })
            .collect()
    }

    /// Technique of each byte span, same order. When the same span occurs
    /// several times in `spans` (as in SemEval TC, where one span can carry
    /// several techniques), its occurrences get distinct labels, best first.
    pub fn classify(&self, text: &str, spans: &[(usize, usize)]) -> Vec<Classified> {
        self.classify_ctx(&TcContext::new(text), spans)
    }

    fn classify_ctx(&self, ctx: &TcContext, spans: &[(usize, usize)]) -> Vec<Classified> {
        assign_labels(
            &self.info.labels,
            spans,
            self.classify_probs_ctx(ctx, spans),
        )
    }

    /// Features of the span `s..e` with the notes explanations cite, into the
    /// cleared buffers.
    fn explained_features(
        &self,
        ctx: &TcContext,
        s: usize,
        e: usize,
        feats: &mut Vec<Feature>,
        notes: &mut Notes,
    ) {
        feats.clear();
        notes.clear();
        let mut sink = ExplainSink {
            bits: self.tc.bits,
            out: feats,
            notes,
        };
        tc_features(ctx, s, e, &mut sink);
    }

    /// One-sentence explanation of each decision in `classified` (same order as
    /// `spans`, byte offsets of `text`): the technique's gloss and the two citable
    /// features of the span that this model's weights most favour for the chosen
    /// technique over the runner-up. Other tiers use it to explain their own
    /// decisions in the same words.
    pub fn explain_spans(
        &self,
        text: &str,
        spans: &[(usize, usize)],
        classified: &[Classified],
    ) -> Vec<String> {
        let ctx = TcContext::new(text);
        let mut feats = Vec::with_capacity(256);
        let mut notes = Notes::default();
        spans
            .iter()
            .zip(classified)
            .map(|(&(s, e), c)| {
                self.explained_features(&ctx, s, e, &mut feats, &mut notes);
                explain(self, &notes, c)
            })
            .collect()
    }

    /// Detects and classifies: technique spans with scores (SI score times
    /// TC probability), provenance and a one-sentence explanation.
    pub fn analyze(&self, doc: &Document) -> Vec<Span> {
        let ctx = TcContext::from_tokens(DocTokens::new(doc.text()));
        let found = self.detect_tokens(doc, &ctx.toks, &self.info.decode);
        let prov = self.provenance();
        let mut feats = Vec::with_capacity(256);
        let mut notes = Notes::default();
        found
            .into_iter()
            .filter_map(|span| {
                self.explained_features(&ctx, span.start(), span.end(), &mut feats, &mut notes);
                let mut p = vec![0.0; self.tc.classes];
                self.tc.logits(&feats, &mut p);
                softmax_in_place(&mut p);
                let best = (0..p.len())
                    .max_by(|&a, &b| p[a].total_cmp(&p[b]))
                    .unwrap_or(0);
                let c = Classified {
                    label: self.info.labels[best].clone(),
                    score: p[best],
                    probs: p,
                };
                let why = explain(self, &notes, &c);
                Span::new(span.start(), span.end(), c.label).ok().map(|s| {
                    s.with_score(span.score * c.score)
                        .with_provenance(prov.clone())
                        .with(attrs::EXPLANATION, why)
                        .with(attrs::SPAN_SCORE, span.score)
                        .with(attrs::TECHNIQUE_SCORE, c.score)
                })
            })
            .collect()
    }
}

/// The best label of each span (probabilities in `labels` order), giving the
/// occurrences of a span that appears several times in `spans` distinct
/// labels, best first (SemEval TC lists one line per technique of a span).
pub fn assign_labels(
    labels: &[String],
    spans: &[(usize, usize)],
    probs: Vec<Vec<f32>>,
) -> Vec<Classified> {
    let mut seen: HashMap<(usize, usize), Vec<usize>> = HashMap::new();
    spans
        .iter()
        .zip(probs)
        .map(|(&key, p)| {
            let used = seen.entry(key).or_default();
            let mut order: Vec<usize> = (0..p.len()).collect();
            order.sort_by(|&a, &b| p[b].total_cmp(&p[a]));
            let best = order
                .iter()
                .copied()
                .find(|c| !used.contains(c))
                .unwrap_or(order[0]);
            used.push(best);
            Classified {
                label: labels[best].clone(),
                score: p[best],
                probs: p,
            }
        })
        .collect()
}
