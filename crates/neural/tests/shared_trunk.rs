//! One encoder pass for techniques and quotes: an attribution tagger that
//! shares the neural tier's embeddings and lower layers loads from a file
//! without them, and tags a text exactly as it does alone when the tier's
//! encoder pass computes its tags.

use std::sync::Arc;

use unspin_neural::attribution::{AttributionInfo, NeuralAttribution};
use unspin_neural::encoder::Precision;
use unspin_neural::weights::TensorMap;
use unspin_neural::NeuralModel;
use unspin_segment::tokenize;
use unspin_testkit::workspace_root;

struct Files {
    neural: Vec<u8>,
    tokenizer: Vec<u8>,
    attribution: Vec<u8>,
}

fn files() -> Files {
    let models = workspace_root().join("models");
    let read = |p: &str| std::fs::read(models.join(p)).expect("shipped model file");
    Files {
        neural: read("neural/neural.safetensors"),
        tokenizer: read("neural/tokenizer.json"),
        attribution: read("attribution-neural/attribution.safetensors"),
    }
}

/// A tagger built from the shipped one that shares the first `layers`
/// layers of the neural tier whose file has digest `trunk` (its own upper
/// layers and head kept), as `train_attribution.py --trunk` trains them and
/// `unspin train` writes them (with the tier's `stride`: it runs on the
/// tier's windows), read back.
fn sharing_tagger(f: &Files, layers: usize, trunk: &str, stride: usize) -> Result<Vec<u8>, String> {
    let map = TensorMap::from_bytes(&f.attribution).map_err(|e| e.to_string())?;
    let mut info: AttributionInfo =
        serde_json::from_str(&map.metadata["info"]).map_err(|e| e.to_string())?;
    info.shared_layers = layers;
    info.trunk = Some(trunk.to_string());
    info.stride = stride;
    NeuralAttribution::write_int8(&map, &info).map_err(|e| e.to_string())
}

fn model(f: &Files, precision: Precision) -> NeuralModel {
    let mut m = NeuralModel::from_bytes(&f.neural, &f.tokenizer).expect("neural model");
    assert!(m.set_precision(precision));
    m
}

fn sample() -> String {
    std::fs::read_to_string(workspace_root().join("examples/syria-ceasefire-opinion.md"))
        .expect("the sample article")
}

fn same_tags_shared_and_alone(precision: Precision) {
    let f = files();
    let plain = model(&f, precision);
    let bytes = sharing_tagger(&f, 4, plain.digest(), plain.info.stride).unwrap();
    let mut tagger = NeuralAttribution::from_bytes(&bytes, &f.neural, &f.tokenizer).unwrap();
    assert!(tagger.set_precision(precision));
    let tagger = Arc::new(tagger);
    let text = sample();
    let tokens = tokenize(&text);

    let alone = tagger.emissions(&text, &tokens).unwrap();
    let shared = model(&f, precision);
    assert!(
        shared.share_trunk(tagger.clone()),
        "the tagger shares the tier's layers"
    );
    assert!(!shared.share_trunk(tagger.clone()), "one tagger per model");
    let with = shared.encode(&text).unwrap();
    assert_eq!(
        tagger.waiting(),
        1,
        "the tier's pass left the tagger's tags"
    );
    let riding = tagger.emissions(&text, &tokens).unwrap();
    assert_eq!(tagger.waiting(), 0, "the tagger took them");
    assert_eq!(alone.len(), riding.len());
    assert!(
        alone
            .iter()
            .zip(&riding)
            .all(|(a, b)| a.to_bits() == b.to_bits()),
        "the tags differ between the tagger alone and the shared pass"
    );
    let without = plain.encode(&text).unwrap();
    assert_eq!(with.windows, without.windows);
    assert_eq!(
        with.piece_probs, without.piece_probs,
        "the tier's own output changed"
    );
    assert_eq!(with.hidden, without.hidden);
}

#[test]
fn a_tagger_on_the_tiers_lower_layers_tags_as_it_does_alone_f32() {
    same_tags_shared_and_alone(Precision::F32);
}

#[test]
fn a_tagger_on_the_tiers_lower_layers_tags_as_it_does_alone_int8() {
    if !unspin_neural::int8::available() {
        eprintln!("skipped: this CPU has no int8 path");
        return;
    }
    same_tags_shared_and_alone(Precision::Int8);
}

#[test]
fn the_file_leaves_the_shared_layers_out_and_loads_only_beside_its_tier() {
    let f = files();
    let tier = model(&f, Precision::F32);
    let (digest, stride) = (tier.digest().to_string(), tier.info.stride);
    let bytes = sharing_tagger(&f, 4, &digest, stride).unwrap();
    let own = TensorMap::from_bytes(&bytes).unwrap();
    assert!(own.tensors.keys().all(|n| !n.starts_with("embeddings.")
        && !(0..4).any(|i| n.starts_with(&format!("encoder.layer.{i}.")))));
    assert!(own
        .tensors
        .contains_key("encoder.layer.5.output.dense.weight"));
    assert!(
        bytes.len() < f.attribution.len() / 2,
        "{} bytes",
        bytes.len()
    );

    let other = sharing_tagger(&f, 4, "0123456789abcdef", stride).unwrap();
    let err = NeuralAttribution::from_bytes(&other, &f.neural, &f.tokenizer).unwrap_err();
    assert!(err.to_string().contains("only runs beside"), "{err}");
    let all = sharing_tagger(&f, 6, &digest, stride).unwrap();
    assert!(NeuralAttribution::from_bytes(&all, &f.neural, &f.tokenizer).is_err());
}

#[test]
fn a_tagger_of_its_own_is_never_shared() {
    let f = files();
    let m = model(&f, Precision::F32);
    let own = NeuralAttribution::from_bytes(&f.attribution, &f.neural, &f.tokenizer).unwrap();
    assert_eq!(own.shared_layers(), 0);
    assert!(!own.shares_trunk_with(&m));
    assert!(!m.share_trunk(Arc::new(own)));
    assert!(m.trunk_sharer().is_none());
}
