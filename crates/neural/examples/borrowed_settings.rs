//! Scores a fine-tuned checkpoint on a split's validation articles with the
//! settings (blend, decoding, technique blend, temperature, calibration) of
//! another, tuned model of the same split, beside that model's own scores.
//!
//! For a checkpoint trained on the tuning articles too
//! (`train_neural.py --train-on-tune`), tuning on them afterwards would be
//! biased; borrowing the settings of the run without them keeps validation
//! clean. This measures what the 39 tuning articles (17 % more data) are
//! worth to the encoder — the question behind a final fit on every article.
//!
//! ```sh
//! cargo run --release -p unspin-neural --example borrowed_settings -- \
//!   training/splits/more/s13 models/neural/neural.safetensors \
//!   models/neural/neural.metrics.json models/fast/fast.safetensors
//! ```

use std::collections::HashSet;
use std::path::Path;

use unspin_neural::tune::{score_docs, split_docs};
use unspin_neural::weights::TensorMap;
use unspin_neural::{NeuralModel, NeuralTier};
use unspin_techniques::FastModel;
use unspin_testkit::workspace_root;

type Error = Box<dyn std::error::Error>;

/// Reads `path`, naming it in the error.
fn read(path: &Path) -> Result<Vec<u8>, Error> {
    std::fs::read(path).map_err(|e| format!("{}: {e}", path.display()).into())
}

fn main() -> Result<(), Error> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [checkpoint, tuned, metrics, fast] = &args[..] else {
        return Err(
            "usage: borrowed_settings CHECKPOINT_DIR TUNED_MODEL METRICS_JSON FAST_MODEL".into(),
        );
    };
    let data = std::env::var("PTC").unwrap_or_else(|_| "../shared/data/ptc/train".into());
    let root = workspace_root();
    let docs =
        unspin_readers::read_ptc_dir(root.join(&data)).map_err(|e| format!("{data}: {e}"))?;
    let m: serde_json::Value = serde_json::from_slice(&read(&root.join(metrics))?)
        .map_err(|e| format!("{metrics}: {e}"))?;
    let [_, _, valid] = split_docs(&m, &docs).map_err(|e| format!("{metrics}: {e}"))?;
    // The checkpoint must not have seen the validation articles.
    let dir = root.join(checkpoint);
    let training: serde_json::Value = serde_json::from_slice(&read(&dir.join("training.json"))?)
        .map_err(|e| format!("{checkpoint}/training.json: {e}"))?;
    let trained: HashSet<&str> = training["train_ids"]
        .as_array()
        .ok_or_else(|| format!("{checkpoint}/training.json: no train_ids"))?
        .iter()
        .filter_map(|v| v.as_str())
        .collect();
    if let Some(seen) = valid.iter().find(|d| trained.contains(d.id.as_str())) {
        return Err(format!("{checkpoint} was trained on validation article {}", seen.id).into());
    }
    let tokenizer = read(&root.join("models/neural/tokenizer.json"))?;
    let fast = FastModel::load(&root.join(fast)).map_err(|e| format!("{fast}: {e}"))?;
    let own = NeuralTier {
        neural: NeuralModel::from_bytes(&read(&root.join(tuned))?, &tokenizer)?,
        fast: fast.clone(),
    };
    let mut map = TensorMap::from_bytes(&read(&dir.join("neural-f32.safetensors"))?)?;
    map.quantize_in_place();
    let bytes = NeuralModel::write_int8(&map, &own.neural.info)?;
    let borrowed = NeuralTier {
        neural: NeuralModel::from_bytes(&bytes, &tokenizer)?,
        fast,
    };
    println!(
        "{} articles trained on; validation {} articles",
        trained.len(),
        valid.len()
    );
    for (name, tier) in [(tuned.as_str(), &own), (checkpoint.as_str(), &borrowed)] {
        let s = score_docs(tier, &valid)?;
        println!(
            "{name}\tSI P {:.4} R {:.4} F1 {:.4}\tTC {:.4}",
            s.si.precision, s.si.recall, s.si.f1, s.tc.f1
        );
    }
    Ok(())
}
