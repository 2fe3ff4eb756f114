//! The attribution tagger: a first-order linear-chain model over seven BIO
//! tags, decoded with Viterbi, weights stored as int8 with a scale per tag.

use std::sync::OnceLock;

use safetensors::tensor::{Dtype, TensorView};
use safetensors::SafeTensors;
use xxhash_rust::xxh3::xxh3_64;

use super::features::{ArticleFeatures, FEATURE_VERSION};

/// Number of tags.
pub const TAGS: usize = 7;
const START: usize = TAGS;

/// The BIO tags of the three attribution roles.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[repr(u8)]
pub enum Tag {
    /// Outside any attribution.
    O = 0,
    /// First token of a source (speaker).
    BeginSource = 1,
    /// Inside a source.
    InSource = 2,
    /// First token of a cue.
    BeginCue = 3,
    /// Inside a cue.
    InCue = 4,
    /// First token of a content.
    BeginContent = 5,
    /// Inside a content.
    InContent = 6,
}

impl Tag {
    /// All tags by index.
    pub const ALL: [Tag; TAGS] = [
        Tag::O,
        Tag::BeginSource,
        Tag::InSource,
        Tag::BeginCue,
        Tag::InCue,
        Tag::BeginContent,
        Tag::InContent,
    ];
    /// The tag with index `i`.
    pub fn from_index(i: usize) -> Tag {
        Tag::ALL[i]
    }
    /// The role (0 none, 1 source, 2 cue, 3 content).
    pub fn role(self) -> u8 {
        (self as u8).div_ceil(2)
    }
    /// True for the first tag of a role.
    pub fn is_begin(self) -> bool {
        matches!(self, Tag::BeginSource | Tag::BeginCue | Tag::BeginContent)
    }
}

/// True when tag `next` may follow tag `prev` (`START` for the first token):
/// an inside tag only continues its own role.
pub(crate) fn allowed(prev: usize, next: usize) -> bool {
    let n = Tag::from_index(next);
    if n == Tag::O || n.is_begin() {
        return true;
    }
    prev != START && Tag::from_index(prev).role() == n.role()
}

/// Errors loading a model.
#[derive(Debug, thiserror::Error)]
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
    /// Every bucket's weights, padded to 8 bytes: one cache access per
    /// feature at inference (a sparse index would cost two dependent ones).
    dense: Vec<[i8; 8]>,
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
        let mut dense = vec![[0i8; 8]; 1usize << bits];
        for (r, &b) in buckets.iter().enumerate() {
            dense[b as usize][..TAGS].copy_from_slice(&rows[r * TAGS..(r + 1) * TAGS]);
        }
        LinearTagger {
            bits,
            dense,
            buckets,
            rows,
            scale,
            transition,
        }
    }

    /// Quantises trained weights: one scale per tag, `max |w| / 127`; buckets
    /// whose quantised weights are all within `±prune` are dropped (1 or 2
    /// removes most rows at no measurable cost).
    pub fn quantize(w: &Weights, prune: u8) -> LinearTagger {
        let mut scale = [0f32; TAGS];
        for (i, v) in w.emission.iter().enumerate() {
            let t = i % TAGS;
            scale[t] = scale[t].max(v.abs());
        }
        for s in &mut scale {
            *s = if *s > 0.0 { *s / 127.0 } else { 1.0 };
        }
        let mut buckets = Vec::new();
        let mut rows = Vec::new();
        for (b, chunk) in w.emission.chunks_exact(TAGS).enumerate() {
            let q: Vec<i8> = chunk
                .iter()
                .enumerate()
                .map(|(t, v)| (v / scale[t]).round().clamp(-127.0, 127.0) as i8)
                .collect();
            if q.iter().any(|&v| v.unsigned_abs() > prune) {
                buckets.push(b as u32);
                rows.extend(q);
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
        /// Tokens ahead whose weights are prefetched (the table is larger
        /// than the cache; the accesses are random).
        const AHEAD: usize = 4;
        let mut out = vec![0.0f32; feats.len() * TAGS];
        for i in 0..feats.len() {
            if i + AHEAD < feats.len() {
                for &f in feats.token(i + AHEAD) {
                    prefetch(&self.dense[f as usize]);
                }
            }
            let mut acc = [0i32; 8];
            for &f in feats.token(i) {
                let w = &self.dense[f as usize];
                for t in 0..8 {
                    acc[t] += w[t] as i32;
                }
            }
            for t in 0..TAGS {
                out[i * TAGS + t] = acc[t] as f32 * self.scale[t];
            }
        }
        out
    }

    /// The transition weights.
    pub(crate) fn transition(&self) -> &[f32] {
        &self.transition
    }
}

/// The attribution tagger: a first linear-chain tagger over token features
/// and, when trained stacked, a second one that also sees the first one's
/// tags around each token (see [`crate::attribution`]).
#[derive(Clone, Debug)]
pub struct AttributionModel {
    first: LinearTagger,
    second: Option<LinearTagger>,
    digest: String,
}

static EMBEDDED: &[u8] = include_bytes!("../../../../models/attribution/attribution.safetensors");

impl AttributionModel {
    /// The model shipped inside the binary (`models/attribution/`).
    ///
    /// # Panics
    /// Never in a build whose embedded model matches its code (checked by a test).
    pub fn shipped() -> &'static AttributionModel {
        static MODEL: OnceLock<AttributionModel> = OnceLock::new();
        MODEL.get_or_init(|| {
            AttributionModel::from_bytes(EMBEDDED).expect("the embedded attribution model loads")
        })
    }

    /// A model from its taggers (the second one stacked on the first).
    pub fn new(first: LinearTagger, second: Option<LinearTagger>) -> AttributionModel {
        let mut model = AttributionModel {
            first,
            second,
            digest: String::new(),
        };
        model.digest = format!("{:016x}", xxh3_64(&model.to_bytes()));
        model
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
        Ok(AttributionModel {
            first,
            second,
            digest: format!("{:016x}", xxh3_64(bytes)),
        })
    }

    /// The model as safetensors bytes (what `from_bytes` reads).
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut tensors = self.first.tensors("");
        if let Some(second) = &self.second {
            tensors.extend(second.tensors("stacked."));
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

/// Asks the CPU to bring `value` into the cache (a no-op off x86-64).
#[inline(always)]
fn prefetch<T>(value: &T) {
    #[cfg(target_arch = "x86_64")]
    // SAFETY: prefetching is a hint; it never faults, even on bad addresses,
    // and `value` is a valid reference anyway.
    unsafe {
        use std::arch::x86_64::{_mm_prefetch, _MM_HINT_T0};
        _mm_prefetch::<_MM_HINT_T0>((value as *const T).cast::<i8>());
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = value;
}

/// The best tag sequence under emissions `e` (`n × TAGS`) and transitions `tr`.
pub(crate) fn viterbi(e: &[f32], tr: &[f32]) -> Vec<Tag> {
    let n = e.len() / TAGS;
    if n == 0 {
        return Vec::new();
    }
    let mut score = vec![f32::NEG_INFINITY; n * TAGS];
    let mut back = vec![0u8; n * TAGS];
    for t in 0..TAGS {
        if allowed(START, t) {
            score[t] = e[t] + tr[START * TAGS + t];
        }
    }
    for i in 1..n {
        for t in 0..TAGS {
            let mut best = f32::NEG_INFINITY;
            let mut arg = 0;
            for p in 0..TAGS {
                if !allowed(p, t) {
                    continue;
                }
                let s = score[(i - 1) * TAGS + p] + tr[p * TAGS + t];
                if s > best {
                    best = s;
                    arg = p;
                }
            }
            score[i * TAGS + t] = best + e[i * TAGS + t];
            back[i * TAGS + t] = arg as u8;
        }
    }
    let mut tags = vec![Tag::O; n];
    let last = &score[(n - 1) * TAGS..];
    let mut cur = (0..TAGS)
        .max_by(|&a, &b| last[a].total_cmp(&last[b]))
        .unwrap_or(0);
    for i in (0..n).rev() {
        tags[i] = Tag::from_index(cur);
        cur = back[i * TAGS + cur] as usize;
    }
    tags
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn viterbi_respects_constraints() {
        // Emissions prefer InContent everywhere, but it cannot start a sequence.
        let mut e = vec![0.0f32; 3 * TAGS];
        for i in 0..3 {
            e[i * TAGS + Tag::InContent as usize] = 5.0;
            e[i * TAGS + Tag::BeginContent as usize] = 1.0;
        }
        let tr = vec![0.0f32; (TAGS + 1) * TAGS];
        let tags = viterbi(&e, &tr);
        assert_eq!(tags, [Tag::BeginContent, Tag::InContent, Tag::InContent]);
    }

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
}
