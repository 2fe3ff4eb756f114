//! The attribution tagger: a first-order linear-chain model over seven BIO
//! tags, decoded with Viterbi, weights stored as int8 with a scale per tag.

use std::sync::OnceLock;

use safetensors::tensor::{Dtype, TensorView};
use safetensors::SafeTensors;
use xxhash_rust::xxh3::xxh3_64;

use unspin_eval::Logistic;
use unspin_segment::{sentences, tokenize, Token};

use crate::decode;
use crate::features::{self, article_features, ArticleFeatures, FEATURE_VERSION};
use crate::table::{self, Rows16, Rows8, Sparse};
use crate::tags::{viterbi, Tag, TAGS};
use crate::types::{Attribution, PROVENANCE};

/// Errors loading a model.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ModelError {
    /// Not a readable safetensors file of this model.
    #[error("attribution model: {0}")]
    Format(String),
    /// Weights trained with other feature templates.
    #[error("attribution model: feature version {found}, this build needs {FEATURE_VERSION}; retrain with `unspin train --task attribution`")]
    Version {
        /// The version in the file.
        found: u32,
    },
}

/// Full-precision weights, as training produces them.
#[derive(Clone, Debug)]
pub struct Weights {
    /// Hash bits: `2^bits` feature buckets.
    pub bits: u32,
    /// `2^bits × TAGS` emission weights, bucket-major.
    pub emission: Vec<f32>,
    /// `(TAGS + 1) × TAGS` transition weights, the last row from the start.
    pub transition: Vec<f32>,
}

impl Weights {
    /// All-zero weights.
    pub fn zeros(bits: u32) -> Weights {
        Weights {
            bits,
            emission: vec![0.0; (1usize << bits) * TAGS],
            transition: vec![0.0; (TAGS + 1) * TAGS],
        }
    }

    /// Emission scores of the tokens in `range` (`range.len() × TAGS`).
    pub(crate) fn emissions(
        &self,
        feats: &ArticleFeatures,
        range: std::ops::Range<usize>,
    ) -> Vec<f32> {
        let mut out = vec![0.0f32; range.len() * TAGS];
        for (k, i) in range.enumerate() {
            let row = &mut out[k * TAGS..(k + 1) * TAGS];
            for &f in feats.token(i) {
                let w = &self.emission[f as usize * TAGS..(f as usize + 1) * TAGS];
                for t in 0..TAGS {
                    row[t] += w[t];
                }
            }
        }
        out
    }
}

/// One linear-chain tagger with int8 weights, stored sparsely: only feature
/// buckets with a non-zero quantised weight keep a row.
#[derive(Clone, Debug)]
pub struct LinearTagger {
    bits: u32,
    /// The rows indexed for inference (see [`table::Ranked`]), built from
    /// `buckets` and `rows` on first use: a stacked model reads its
    /// taggers' joint table instead.
    table: Lazy<Rows8>,
    /// The bucket of each row, increasing.
    buckets: Vec<u32>,
    /// `buckets.len() × TAGS` int8 weights.
    rows: Vec<i8>,
    scale: [f32; TAGS],
    transition: Vec<f32>,
}

type TensorFn<'a> = dyn Fn(&str, Dtype, Option<usize>) -> Result<Vec<u8>, ModelError> + 'a;

fn u32s(b: Vec<u8>) -> Vec<u32> {
    b.chunks_exact(4)
        .map(|c| u32::from_le_bytes([c[0], c[1], c[2], c[3]]))
        .collect()
}

fn f32s(b: Vec<u8>) -> Vec<f32> {
    b.chunks_exact(4)
        .map(|c| f32::from_le_bytes([c[0], c[1], c[2], c[3]]))
        .collect()
}

impl LinearTagger {
    fn build(
        bits: u32,
        buckets: Vec<u32>,
        rows: Vec<i8>,
        scale: [f32; TAGS],
        transition: Vec<f32>,
    ) -> LinearTagger {
        LinearTagger {
            bits,
            table: Lazy::default(),
            buckets,
            rows,
            scale,
            transition,
        }
    }

    /// Quantises trained weights: one scale per tag, `max |w| / 127`
    /// ([`unspin_quantize::quantize_columns`] over the `buckets × TAGS`
    /// table); buckets whose quantised weights are all within `±prune` are
    /// dropped (1 or 2 removes most rows at no measurable cost).
    pub fn quantize(w: &Weights, prune: u8) -> LinearTagger {
        let (q, scales) = unspin_quantize::quantize_columns(&w.emission, TAGS);
        let mut scale = [0f32; TAGS];
        scale.copy_from_slice(&scales);
        let mut buckets = Vec::new();
        let mut rows = Vec::new();
        for (b, row) in q.chunks_exact(TAGS).enumerate() {
            if row.iter().any(|&v| v.unsigned_abs() > prune) {
                buckets.push(b as u32);
                rows.extend_from_slice(row);
            }
        }
        LinearTagger::build(w.bits, buckets, rows, scale, w.transition.clone())
    }

    fn read(tensor: &TensorFn<'_>, prefix: &str) -> Result<LinearTagger, ModelError> {
        let name = |n: &str| format!("{prefix}{n}");
        let bits = u32s(tensor(&name("bits"), Dtype::U32, Some(1))?)[0];
        if !(8..=24).contains(&bits) {
            return Err(ModelError::Format(format!("bits {bits} is not 8..=24")));
        }
        let buckets = u32s(tensor(&name("buckets"), Dtype::U32, None)?);
        let sorted = buckets.windows(2).all(|w| w[0] < w[1]);
        if !sorted || buckets.last().is_some_and(|&b| b >> bits != 0) {
            return Err(ModelError::Format(
                "buckets are not increasing and in range".into(),
            ));
        }
        let rows: Vec<i8> = tensor(&name("rows"), Dtype::I8, Some(buckets.len() * TAGS))?
            .into_iter()
            .map(|b| b as i8)
            .collect();
        let scale_v = f32s(tensor(&name("scale"), Dtype::F32, Some(TAGS))?);
        let transition = f32s(tensor(
            &name("transition"),
            Dtype::F32,
            Some((TAGS + 1) * TAGS),
        )?);
        let mut scale = [0f32; TAGS];
        scale.copy_from_slice(&scale_v);
        Ok(LinearTagger::build(bits, buckets, rows, scale, transition))
    }

    /// `(name, dtype, shape, bytes)` of this tagger's tensors.
    fn tensors(&self, prefix: &str) -> Vec<(String, Dtype, Vec<usize>, Vec<u8>)> {
        let n = self.buckets.len();
        vec![
            (
                format!("{prefix}bits"),
                Dtype::U32,
                vec![1],
                self.bits.to_le_bytes().to_vec(),
            ),
            (
                format!("{prefix}buckets"),
                Dtype::U32,
                vec![n],
                self.buckets.iter().flat_map(|v| v.to_le_bytes()).collect(),
            ),
            (
                format!("{prefix}rows"),
                Dtype::I8,
                vec![n, TAGS],
                self.rows.iter().map(|&v| v as u8).collect(),
            ),
            (
                format!("{prefix}scale"),
                Dtype::F32,
                vec![TAGS],
                self.scale.iter().flat_map(|v| v.to_le_bytes()).collect(),
            ),
            (
                format!("{prefix}transition"),
                Dtype::F32,
                vec![TAGS + 1, TAGS],
                self.transition
                    .iter()
                    .flat_map(|v| v.to_le_bytes())
                    .collect(),
            ),
        ]
    }

    /// Hash bits of the feature space.
    pub fn bits(&self) -> u32 {
        self.bits
    }

    /// Number of feature buckets with weights.
    pub fn rows(&self) -> usize {
        self.buckets.len()
    }

    /// Emission scores of every token (`n × TAGS`).
    pub(crate) fn emissions(&self, feats: &ArticleFeatures) -> Vec<f32> {
        self.emissions_of(feats, None)
    }

    /// Emission scores of every token whose features are those of `feats`
    /// followed by those of `more` (the stacked tagger's base and extra
    /// features, read in place instead of joined into one list: integer sums
    /// do not depend on the order).
    pub(crate) fn emissions_of(
        &self,
        feats: &ArticleFeatures,
        more: Option<&ArticleFeatures>,
    ) -> Vec<f32> {
        let sums = table::sums8(self.table(), feats, more);
        table::scaled(sums.into_iter(), &self.scale)
    }

    /// The kept rows.
    fn sparse(&self) -> Sparse<'_> {
        Sparse {
            buckets: &self.buckets,
            rows: &self.rows,
        }
    }

    /// The rows indexed for inference, built on first use.
    fn table(&self) -> &Rows8 {
        self.table
            .0
            .get_or_init(|| table::rows8(self.bits, &self.sparse()))
    }

    /// The transition weights.
    pub(crate) fn transition(&self) -> &[f32] {
        &self.transition
    }
}

/// The attribution tagger: a first linear-chain tagger over token features
/// and, when trained stacked, a second one that also sees the first one's
/// tags around each token (see the [crate] documentation).
#[derive(Clone, Debug)]
pub struct AttributionModel {
    first: LinearTagger,
    second: Option<LinearTagger>,
    /// Both taggers' weights per bucket, indexed on first use (stacked
    /// models only; see `table`).
    joint: Lazy<Rows16>,
    /// Maps an attribution's mean tag margin to its score (fitted on the
    /// held-out training slice; the identity for a model without one).
    calibration: Logistic,
    digest: String,
}

/// The tensor that holds the score calibration `[a, b]`.
const CALIBRATION_TENSOR: &str = "score_calibration";

/// A table built on first use; `Debug` does not print it.
#[derive(Clone)]
struct Lazy<T>(OnceLock<T>);

impl<T> Default for Lazy<T> {
    fn default() -> Self {
        Lazy(OnceLock::new())
    }
}

impl<T> std::fmt::Debug for Lazy<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(if self.0.get().is_some() {
            "(table)"
        } else {
            "(not built)"
        })
    }
}

static EMBEDDED: &[u8] = include_bytes!("../../../models/attribution/attribution.safetensors");

impl AttributionModel {
    /// The model shipped inside the binary (`models/attribution/`), parsed
    /// anew on each call (see [`shipped`](Self::shipped) for a shared one).
    ///
    /// # Errors
    /// [`ModelError`] when the embedded file does not match this code (a
    /// test checks that it does).
    pub fn embedded() -> Result<AttributionModel, ModelError> {
        AttributionModel::from_bytes(EMBEDDED)
    }

    /// The model shipped inside the binary, loaded once per process.
    ///
    /// # Panics
    /// Never in a build whose embedded model matches its code (checked by a test).
    pub fn shipped() -> &'static AttributionModel {
        static MODEL: OnceLock<AttributionModel> = OnceLock::new();
        MODEL.get_or_init(|| {
            AttributionModel::embedded().expect("the embedded attribution model loads")
        })
    }

    /// A model from its taggers (the second one stacked on the first).
    pub fn new(first: LinearTagger, second: Option<LinearTagger>) -> AttributionModel {
        AttributionModel {
            first,
            second,
            joint: Lazy::default(),
            calibration: Logistic::IDENTITY,
            digest: String::new(),
        }
        .with_calibration(Logistic::IDENTITY)
    }

    /// The same model with its scores mapped by `calibration` (see
    /// [`calibration`](Self::calibration)).
    #[must_use]
    pub fn with_calibration(mut self, calibration: Logistic) -> AttributionModel {
        self.calibration = calibration;
        self.digest = format!("{:016x}", xxh3_64(&self.to_bytes()));
        self
    }

    /// How an attribution's mean tag margin becomes its score: the
    /// perceptron's margins have no fixed scale (squashed as they are, every
    /// attribution would score 1.0), so training fits a logistic map on the
    /// held-out slice to the share of attributions that were right.
    pub fn calibration(&self) -> Logistic {
        self.calibration
    }

    /// A one-stage model from trained weights (see [`LinearTagger::quantize`]).
    pub fn quantize(w: &Weights, prune: u8) -> AttributionModel {
        AttributionModel::new(LinearTagger::quantize(w, prune), None)
    }

    /// The first tagger.
    pub fn first(&self) -> &LinearTagger {
        &self.first
    }

    /// The stacked second tagger, if any.
    pub fn second(&self) -> Option<&LinearTagger> {
        self.second.as_ref()
    }

    /// Reads a model from safetensors bytes.
    ///
    /// # Errors
    /// [`ModelError`] for a malformed file or other feature templates.
    pub fn from_bytes(bytes: &[u8]) -> Result<AttributionModel, ModelError> {
        let fmt = |e: safetensors::SafeTensorError| ModelError::Format(e.to_string());
        let (_, meta) = SafeTensors::read_metadata(bytes).map_err(fmt)?;
        let version = meta
            .metadata()
            .as_ref()
            .and_then(|m| m.get("feature_version"))
            .and_then(|v| v.parse::<u32>().ok())
            .ok_or_else(|| ModelError::Format("metadata feature_version missing".into()))?;
        if version != FEATURE_VERSION {
            return Err(ModelError::Version { found: version });
        }
        let st = SafeTensors::deserialize(bytes).map_err(fmt)?;
        let tensor = |name: &str, dtype: Dtype, len: Option<usize>| {
            let t = st.tensor(name).map_err(fmt)?;
            let ok = t.dtype() == dtype
                && len.is_none_or(|len| t.data().len() == len * dtype.size())
                && t.data().len() % dtype.size() == 0;
            if !ok {
                return Err(ModelError::Format(format!(
                    "tensor {name} has the wrong shape"
                )));
            }
            Ok(t.data().to_vec())
        };
        let first = LinearTagger::read(&tensor, "")?;
        let second = if st.names().iter().any(|n| n.starts_with("stacked.")) {
            let second = LinearTagger::read(&tensor, "stacked.")?;
            if second.bits != first.bits {
                return Err(ModelError::Format("the two taggers' bits differ".into()));
            }
            Some(second)
        } else {
            None
        };
        let calibration = if st.names().iter().any(|n| *n == CALIBRATION_TENSOR) {
            let ab = f32s(tensor(CALIBRATION_TENSOR, Dtype::F32, Some(2))?);
            let (a, b) = (ab[0], ab[1]);
            if !(a.is_finite() && b.is_finite()) {
                return Err(ModelError::Format(
                    "the score calibration is not finite".into(),
                ));
            }
            Logistic { a, b }
        } else {
            Logistic::IDENTITY
        };
        Ok(AttributionModel {
            first,
            second,
            joint: Lazy::default(),
            calibration,
            digest: format!("{:016x}", xxh3_64(bytes)),
        })
    }

    /// The model as safetensors bytes (what `from_bytes` reads).
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut tensors = self.first.tensors("");
        if let Some(second) = &self.second {
            tensors.extend(second.tensors("stacked."));
        }
        if self.calibration != Logistic::IDENTITY {
            let Logistic { a, b } = self.calibration;
            tensors.push((
                CALIBRATION_TENSOR.to_string(),
                Dtype::F32,
                vec![2],
                [a, b].iter().flat_map(|v| v.to_le_bytes()).collect(),
            ));
        }
        let views: Vec<(String, TensorView<'_>)> = tensors
            .iter()
            .map(|(name, dtype, shape, data)| {
                (
                    name.clone(),
                    TensorView::new(*dtype, shape.clone(), data).expect("shape matches"),
                )
            })
            .collect();
        // One metadata key only: safetensors writes its metadata map in hash
        // order, and the file must be reproducible byte for byte.
        let meta = std::collections::HashMap::from([(
            "feature_version".to_string(),
            FEATURE_VERSION.to_string(),
        )]);
        safetensors::serialize(views, &Some(meta)).expect("serialising in memory")
    }

    /// Hash bits of the feature space.
    pub fn bits(&self) -> u32 {
        self.first.bits
    }

    /// Number of feature buckets with weights, both taggers together.
    pub fn rows(&self) -> usize {
        self.first.rows() + self.second.as_ref().map_or(0, LinearTagger::rows)
    }

    /// A short digest of the weights (provenance).
    pub fn digest(&self) -> &str {
        &self.digest
    }
}

impl AttributionModel {
    /// The attributions in `text` (byte ranges), sorted by content start.
    pub fn predict(&self, text: &str) -> Vec<Attribution> {
        let tokens = tokenize(text);
        let sentences = sentences(text);
        self.predict_tokens(text, &tokens, &sentences)
    }

    /// As [`predict`](Self::predict), with the text's tokens and sentences
    /// already computed.
    pub fn predict_tokens(
        &self,
        text: &str,
        tokens: &[Token],
        sentences: &[std::ops::Range<usize>],
    ) -> Vec<Attribution> {
        self.grouped_tokens(text, tokens, sentences)
            .into_iter()
            .map(|g| Attribution {
                score: g.score(self.calibration),
                ..g.attribution
            })
            .collect()
    }

    /// The attributions of `text` before scoring, with their raw margins
    /// (what the score calibration is fitted on).
    pub(crate) fn grouped(&self, text: &str) -> Vec<decode::Grouped> {
        self.grouped_tokens(text, &tokenize(text), &sentences(text))
    }

    fn grouped_tokens(
        &self,
        text: &str,
        tokens: &[Token],
        sentences: &[std::ops::Range<usize>],
    ) -> Vec<decode::Grouped> {
        if tokens.is_empty() {
            return Vec::new();
        }
        let tagging = self.tag_tokens(text, tokens, sentences);
        decode::grouped(
            text,
            tokens,
            &tagging.sentence_of,
            &tagging.tags,
            &tagging.emissions,
            PROVENANCE,
        )
    }

    /// The tags and per-token scores behind [`predict_tokens`](Self::predict_tokens)
    /// (what the grouping step reads; exposed for checks and experiments).
    pub fn tag_tokens(
        &self,
        text: &str,
        tokens: &[Token],
        sentences: &[std::ops::Range<usize>],
    ) -> Tagging {
        let feats = article_features(text, tokens, sentences, self.bits());
        let first = self.first();
        let sentence_of = features::sentence_of_tokens(tokens, sentences);
        let Some(second) = self.second() else {
            let emissions = first.emissions(&feats);
            let tags = viterbi(&emissions, first.transition());
            return Tagging {
                first_tags: tags.clone(),
                first_emissions: emissions.clone(),
                tags,
                emissions,
                sentence_of,
            };
        };
        // One pass over the base features for both taggers (the same
        // integer sums as `emissions_of` per tagger, one memory access per
        // feature instead of two), then the stacked tagger's extra features.
        let joint = self
            .joint
            .0
            .get_or_init(|| table::rows16(self.bits(), &first.sparse(), &second.sparse()));
        let sums = table::sums16(joint, &feats);
        let first_half = sums.iter().map(|s| {
            let mut half = [0i32; 8];
            half.copy_from_slice(&s[..8]);
            half
        });
        let emissions = table::scaled(first_half, &first.scale);
        let tags = viterbi(&emissions, first.transition());
        let extra = features::stacked_extra(&feats, &sentence_of, &tags, self.bits());
        let sums2 = table::add_stacked(joint, &sums, &extra);
        let emissions2 = table::scaled(sums2.into_iter(), &second.scale);
        let tags2 = viterbi(&emissions2, second.transition());
        Tagging {
            first_tags: tags,
            first_emissions: emissions,
            tags: tags2,
            emissions: emissions2,
            sentence_of,
        }
    }
}

/// The tagger's decisions over an article's tokens (see
/// [`AttributionModel::tag_tokens`]).
#[derive(Clone, Debug, PartialEq)]
pub struct Tagging {
    /// The first tagger's tags, one per token.
    pub first_tags: Vec<Tag>,
    /// The first tagger's scores (`tokens × TAGS`).
    pub first_emissions: Vec<f32>,
    /// The final tags (the stacked tagger's, if any), one per token.
    pub tags: Vec<Tag>,
    /// The final scores (`tokens × TAGS`), what decoding reads.
    pub emissions: Vec<f32>,
    /// The sentence of each token.
    pub sentence_of: Vec<u32>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantised_round_trip() {
        let mut w = Weights::zeros(8);
        w.emission[3] = 2.5;
        w.emission[10] = -1.0;
        w.transition[5] = 0.25;
        let m = AttributionModel::quantize(&w, 0);
        let back = AttributionModel::from_bytes(&m.to_bytes()).unwrap();
        assert_eq!(back.first.buckets, vec![0, 1]);
        assert_eq!(back.first.rows, m.first.rows);
        assert_eq!(back.first.transition, m.first.transition);
        assert_eq!(back.first.scale, m.first.scale);
        assert!(back.second.is_none());
        let stacked = AttributionModel::new(m.first.clone(), Some(m.first.clone()));
        let back = AttributionModel::from_bytes(&stacked.to_bytes()).unwrap();
        assert_eq!(back.second.map(|s| s.rows), Some(m.first.rows.clone()));
        assert!(AttributionModel::from_bytes(b"nope").is_err());
    }

    #[test]
    fn the_score_calibration_is_saved_and_used() {
        let mut w = Weights::zeros(8);
        w.emission[3] = 2.5;
        let m = AttributionModel::quantize(&w, 0);
        assert_eq!(m.calibration(), Logistic::IDENTITY);
        let scale = Logistic { a: 0.01, b: -1.5 };
        let calibrated = m.clone().with_calibration(scale);
        assert_ne!(calibrated.digest(), m.digest());
        let back = AttributionModel::from_bytes(&calibrated.to_bytes()).unwrap();
        assert_eq!(back.calibration(), scale);
        // Without a calibration the file is what it was before there was one.
        assert!(!String::from_utf8_lossy(&m.to_bytes()).contains(CALIBRATION_TENSOR));
        let mut bad = Weights::zeros(8);
        bad.emission[3] = 1.0;
        let nan = AttributionModel::quantize(&bad, 0).with_calibration(Logistic {
            a: f32::NAN,
            b: 0.0,
        });
        assert!(AttributionModel::from_bytes(&nan.to_bytes()).is_err());
    }

    #[test]
    fn the_shipped_model_scores_are_not_saturated() {
        // The perceptron's margins, squashed as they are, put every
        // attribution at 1.0; the shipped calibration spreads them out.
        let m = AttributionModel::shipped();
        let text =
            "The minister said that the talks had failed. Critics argued the deal was weak, \
                    according to officials who spoke on condition of anonymity.";
        let found = m.predict(text);
        assert!(!found.is_empty());
        assert!(
            found.iter().all(|a| a.score > 0.0 && a.score < 0.99),
            "{found:?}"
        );
        let raw = m.clone().with_calibration(Logistic::IDENTITY).predict(text);
        assert!(raw.iter().any(|a| a.score > 0.999), "{raw:?}");
    }
}
