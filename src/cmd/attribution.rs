//! The attribution (quote extraction) task of `unspin predict`, `unspin eval`
//! and `unspin train`, on PolNeAR-style data: the folders, the commands and
//! their reports. The prediction line format is `unspin_eval`'s
//! ([`unspin_eval::write_attribution_line`], [`unspin_eval::parse_attribution_lines`]).

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Instant;

use anyhow::Context as _;
use rayon::prelude::*;
use serde::Serialize;
use unspin_document::Document;
use unspin_eval::{
    ece, parse_attribution_lines, score_attributions, write_attribution_line, AttributionScore,
    AttributionSpans, Logistic,
};
use unspin_pipeline::Stage;
use unspin_readers::{read_attribution_corpus, read_text, ReadOptions};
use unspin_segment::SentenceStage;
use unspin_sourcing::attribution::{
    evaluate_outcomes, evaluate_with, train, AttributionModel, TrainConfig, TrainReport,
    TrainingArticle,
};
use unspin_sourcing::{Attribution, SourcingStage};

use super::Outcome;

/// The `*.txt` files of `dir` (or of `dir/text`, a PolNeAR split folder),
/// sorted by name.
pub fn text_files(dir: &Path) -> anyhow::Result<Vec<PathBuf>> {
    let list = |d: &Path| -> anyhow::Result<Vec<PathBuf>> {
        let mut v: Vec<PathBuf> = fs::read_dir(d)
            .with_context(|| format!("cannot read the folder \"{}\"", d.display()))?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.is_file() && p.extension().is_some_and(|e| e == "txt"))
            .collect();
        v.sort();
        Ok(v)
    };
    if !dir.is_dir() {
        anyhow::bail!("\"{}\": not a folder", dir.display());
    }
    let mut files = list(dir)?;
    if files.is_empty() && dir.join("text").is_dir() {
        files = list(&dir.join("text"))?;
    }
    if files.is_empty() {
        anyhow::bail!(
            "\"{}\": no .txt files in it (or in its text/ folder)",
            dir.display()
        );
    }
    Ok(files)
}

/// Reads a plain-text article exactly as stored (a byte-order mark kept, so
/// code points index the file), first line the headline.
fn read_article(path: &Path) -> anyhow::Result<Document> {
    let options = ReadOptions {
        keep_bom: true,
        ..ReadOptions::default()
    };
    let text = unspin_readers::read_text_file_with(path, &options)?;
    let id = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    Ok(read_text(id, text))
}

/// The attributions of a document: the full sourcing analysis (tagger,
/// quotation rules, reconciliation), or the tagger alone.
pub fn attributions(
    doc: &mut Document,
    tagger_only: bool,
    stage: &SourcingStage,
) -> anyhow::Result<Vec<Attribution>> {
    if tagger_only {
        return Ok(stage.tagger().attributions(doc.text()));
    }
    SentenceStage.process(doc)?;
    let found = unspin_sourcing::entities::find_entities(doc);
    Ok(stage.attributions(doc, &found))
}

/// The prediction lines of one document (byte offsets turned into code points).
pub fn lines(doc: &Document, found: &[Attribution]) -> String {
    let idx = doc.char_index();
    let chars = |r: &std::ops::Range<usize>| idx.to_char(r.start)..idx.to_char(r.end);
    let mut out = String::new();
    for a in found {
        write_attribution_line(
            &mut out,
            &doc.id,
            a.source.as_ref().map(chars),
            a.cue.as_ref().map(chars),
            chars(&a.content),
        );
    }
    out
}

/// `unspin predict --task attribution DIR`.
pub fn predict(
    dir: &Path,
    output: Option<&Path>,
    tagger_only: bool,
    stage: &SourcingStage,
) -> anyhow::Result<Outcome> {
    let files = text_files(dir)?;
    tracing::info!(articles = files.len(), "finding attributions");
    let results: Vec<anyhow::Result<String>> = files
        .par_iter()
        .map(|path| {
            let mut doc = read_article(path)?;
            let found = attributions(&mut doc, tagger_only, stage)?;
            Ok(lines(&doc, &found))
        })
        .collect();
    let mut out = super::open_output(output)?;
    let mut failed = 0;
    for result in results {
        match result {
            Ok(text) => out.write_all(text.as_bytes())?,
            Err(e) => {
                failed += 1;
                super::print_error(&format!("{e:#}"));
            }
        }
    }
    out.flush()?;
    Ok(Outcome::from_failures(failed))
}

/// Gold attributions of a PolNeAR split folder, in code points.
fn gold_spans(dir: &Path) -> anyhow::Result<Vec<AttributionSpans>> {
    let corpus = read_attribution_corpus(dir)
        .with_context(|| format!("cannot read the gold attributions in \"{}\"", dir.display()))?;
    Ok(corpus
        .into_iter()
        .flat_map(|a| {
            let id = a.document.id.clone();
            a.attributions.into_iter().map(move |g| AttributionSpans {
                article_id: id.clone(),
                source: g.source,
                cue: g.cue,
                content: g.content,
            })
        })
        .collect())
}

/// `unspin eval attribution --pred FILE --gold DIR`.
pub fn eval(pred: &Path, gold: &Path, json: bool) -> anyhow::Result<Outcome> {
    let text = super::read_lines_file(pred)?;
    let predicted = parse_attribution_lines(&text).map_err(|e| super::in_file(pred, e))?;
    let gold_spans = gold_spans(gold)?;
    let score = score_attributions(&gold_spans, &predicted);
    let mut out = super::open_output(None)?;
    if json {
        let value = serde_json::json!({ "task": "attribution", "pred": pred, "gold": gold, "scores": score });
        writeln!(out, "{}", serde_json::to_string_pretty(&value)?)?;
    } else {
        writeln!(out, "{score}")?;
    }
    out.flush()?;
    Ok(Outcome::Success)
}

/// Reads a PolNeAR split as training articles.
pub fn training_articles(dir: &Path) -> anyhow::Result<Vec<TrainingArticle>> {
    unspin_sourcing::attribution::read_training_articles(dir)
        .with_context(|| format!("cannot read the attribution corpus \"{}\"", dir.display()))
}

/// The PolNeAR `data` folder under `root` (`root` itself, `root/data`).
fn polnear_data(root: &Path) -> anyhow::Result<PathBuf> {
    for candidate in [root.to_path_buf(), root.join("data")] {
        if candidate.join("train").join("text").is_dir()
            && candidate.join("dev").join("text").is_dir()
        {
            return Ok(candidate);
        }
    }
    anyhow::bail!(
        "\"{}\": expected a PolNeAR folder with train/ and dev/ splits (each with text/ and \
         attributions/), directly or under data/",
        root.display()
    )
}

#[derive(Serialize)]
struct Metrics<'a> {
    data: &'a Path,
    train_articles: usize,
    dev_articles: usize,
    config: ConfigView,
    training: &'a TrainReport,
    rows: usize,
    bytes: usize,
    dev_tagger: &'a AttributionScore,
    /// Expected calibration error of the tagger's attribution scores on dev
    /// (right: content and speaker matched), with the fitted calibration.
    dev_tagger_score_ece: f64,
    /// The same with squashed margins (the calibration of earlier releases).
    dev_tagger_score_ece_uncalibrated: f64,
    dev_full: &'a AttributionScore,
    seconds_total: f64,
}

#[derive(Serialize)]
struct ConfigView {
    bits: u32,
    max_epochs: usize,
    holdout_every: usize,
    seed: u64,
    stacked: bool,
    folds: usize,
    prune: u8,
}

/// Writes `metrics` as `<out stem>.metrics.json` beside the model `out`.
fn write_metrics_beside(out: &Path, metrics: &impl Serialize) -> anyhow::Result<PathBuf> {
    let path = metrics_beside(out);
    fs::write(&path, serde_json::to_string_pretty(metrics)? + "\n")
        .with_context(|| format!("cannot write \"{}\"", path.display()))?;
    Ok(path)
}

/// `<stem>.metrics.json` beside the model file `out`.
fn metrics_beside(out: &Path) -> PathBuf {
    let stem = out
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| "model".into());
    out.with_file_name(format!("{stem}.metrics.json"))
}

/// `unspin train --task attribution --data POLNEAR`: trains on train, scores
/// dev (the tagger alone, and the full sourcing analysis), writes the model
/// and `<stem>.metrics.json` beside it.
pub fn train_command(data: &Path, out: &Path) -> anyhow::Result<Outcome> {
    let started = Instant::now();
    let root = polnear_data(data)?;
    let train_set = training_articles(&root.join("train"))?;
    let dev = training_articles(&root.join("dev"))?;
    tracing::info!(
        train = train_set.len(),
        dev = dev.len(),
        "training the attribution tagger"
    );
    let config = TrainConfig::default();
    let (model, report) = train(&train_set, &config);
    let bytes = model.to_bytes();
    if let Some(dir) = out.parent().filter(|d| !d.as_os_str().is_empty()) {
        fs::create_dir_all(dir).with_context(|| format!("cannot create \"{}\"", dir.display()))?;
    }
    fs::write(out, &bytes).with_context(|| format!("cannot write \"{}\"", out.display()))?;
    let (dev_tagger, outcomes) = evaluate_outcomes(&dev, |a| model.predict(&a.text));
    let uncalibrated = model.clone().with_calibration(Logistic::IDENTITY);
    let (_, outcomes_uncalibrated) = evaluate_outcomes(&dev, |a| uncalibrated.predict(&a.text));
    let (dev_ece, dev_ece_uncalibrated) = (ece(&outcomes), ece(&outcomes_uncalibrated));
    // The full analysis with this model (it may not be the shipped one).
    let stage = SourcingStage::new(Arc::new(model.clone()));
    let dev_full = evaluate_with(&dev, |a| {
        let mut doc = read_text(a.id.clone(), a.text.clone());
        attributions(&mut doc, false, &stage).unwrap_or_default()
    });
    let metrics = Metrics {
        data,
        train_articles: train_set.len(),
        dev_articles: dev.len(),
        config: ConfigView {
            bits: config.bits,
            max_epochs: config.max_epochs,
            holdout_every: config.holdout_every,
            seed: config.seed,
            stacked: config.stacked,
            folds: config.folds,
            prune: config.prune,
        },
        training: &report,
        rows: model.rows(),
        bytes: bytes.len(),
        dev_tagger: &dev_tagger,
        dev_tagger_score_ece: dev_ece,
        dev_tagger_score_ece_uncalibrated: dev_ece_uncalibrated,
        dev_full: &dev_full,
        seconds_total: started.elapsed().as_secs_f64(),
    };
    write_metrics_beside(out, &metrics)?;
    let mut o = super::open_output(None)?;
    let scores = |v: &[f64]| {
        v.iter()
            .map(|f| format!("{f:.3}"))
            .collect::<Vec<_>>()
            .join(" ")
    };
    writeln!(
        o,
        "Attribution tagger: {} training articles; epochs chosen on every {}th: first tagger {} \
         (held-out attribution F1 by epoch: {}), stacked tagger {} ({}); {:.1} s.",
        train_set.len(),
        config.holdout_every,
        report.epochs,
        scores(&report.holdout_f1),
        report.stacked_epochs,
        scores(&report.stacked_holdout_f1),
        report.seconds
    )?;
    writeln!(
        o,
        "Model: {} ({} rows, {} bytes)\n",
        out.display(),
        model.rows(),
        bytes.len()
    )?;
    writeln!(
        o,
        "Scores: sigmoid({:.4} × margin + {:.3}), fitted on the held-out slice (its ECE {:.3} → {:.3}); \
         PolNeAR dev ECE {:.3} (squashed margins as before: {:.3}).\n",
        report.score_calibration.a,
        report.score_calibration.b,
        report.holdout_score_ece[0],
        report.holdout_score_ece[1],
        dev_ece,
        dev_ece_uncalibrated
    )?;
    writeln!(
        o,
        "PolNeAR dev ({} articles), tagger alone:\n{dev_tagger}\n",
        dev.len()
    )?;
    writeln!(
        o,
        "PolNeAR dev, full sourcing analysis (tagger + quotation rules):\n{dev_full}"
    )?;
    o.flush()?;
    Ok(Outcome::Success)
}

/// The shipped neural tagger's scores on PolNeAR dev, with the linear tagger
/// beside it: what `train --task attribution-neural` records and `--rescore`
/// renews.
struct ShippedScores {
    /// The tagger alone, f32 compute.
    tagger: AttributionScore,
    /// The tagger alone, int8 compute (when the CPU can).
    tagger_int8: Option<AttributionScore>,
    /// The full sourcing analysis (tagger and quotation rules).
    full: AttributionScore,
    /// The linear tagger alone.
    linear: AttributionScore,
    /// Expected calibration error of the tagger's attribution scores.
    tagger_ece: f64,
    /// The same for the linear tagger.
    linear_ece: f64,
}

/// Scores `shipped` (and `int8`, the same file switched to int8 compute) on
/// the `dev` articles.
fn score_shipped(
    dev: &[TrainingArticle],
    shipped: Arc<unspin_neural::NeuralAttribution>,
    mut int8: unspin_neural::NeuralAttribution,
) -> ShippedScores {
    use unspin_sourcing::attribution::AttributionTagger;

    tracing::info!(
        dev = dev.len(),
        "scoring the neural attribution tagger on PolNeAR dev"
    );
    let (tagger, tagger_outcomes) = evaluate_outcomes(dev, |a| shipped.attributions(&a.text));
    let tagger_int8 = int8
        .set_precision(unspin_neural::encoder::Precision::Int8)
        .then(|| evaluate_with(dev, |a| int8.attributions(&a.text)));
    let stage = SourcingStage::new(shipped);
    let full = evaluate_with(dev, |a| {
        let mut doc = read_text(a.id.clone(), a.text.clone());
        attributions(&mut doc, false, &stage).unwrap_or_default()
    });
    let (linear, linear_outcomes) =
        evaluate_outcomes(dev, |a| AttributionModel::shipped().predict(&a.text));
    ShippedScores {
        tagger,
        tagger_int8,
        full,
        linear,
        tagger_ece: ece(&tagger_outcomes),
        linear_ece: ece(&linear_outcomes),
    }
}

/// Prints the dev scores as a Markdown table (the checkpoint's row first when
/// there is one) and the calibration errors.
fn write_dev_table(
    o: &mut dyn Write,
    checkpoint: Option<&AttributionScore>,
    scores: &ShippedScores,
) -> anyhow::Result<()> {
    writeln!(
        o,
        "| System | content P | content R | content F1 | attribution P | attribution R | attribution F1 |\n|---|---:|---:|---:|---:|---:|---:|"
    )?;
    let row = |name: &str, s: &AttributionScore| {
        format!(
            "| {name} | {:.3} | {:.3} | {:.3} | {:.3} | {:.3} | {:.3} |",
            s.content.precision,
            s.content.recall,
            s.content.f1,
            s.attribution.precision,
            s.attribution.recall,
            s.attribution.f1
        )
    };
    if let Some(c) = checkpoint {
        writeln!(o, "{}", row("f32 checkpoint, own word embeddings", c))?;
    }
    writeln!(
        o,
        "{}",
        row(
            "shipped (int8 weights, borrowed embeddings)",
            &scores.tagger
        )
    )?;
    if let Some(s) = &scores.tagger_int8 {
        writeln!(o, "{}", row("shipped, int8 compute (--precision int8)", s))?;
    }
    writeln!(
        o,
        "{}",
        row(
            "full sourcing analysis (neural tagger + quotation rules)",
            &scores.full
        )
    )?;
    writeln!(
        o,
        "{}",
        row("linear tagger alone (--tier fast)", &scores.linear)
    )?;
    writeln!(
        o,
        "\nExpected calibration error of the attribution scores on dev: shipped tagger {:.3}, \
         linear tagger {:.3}.",
        scores.tagger_ece, scores.linear_ece
    )?;
    Ok(())
}

/// `unspin train --task attribution-neural --rescore`: scores the tagger
/// already at `out` on PolNeAR dev with the word embeddings of the neural
/// tier's file `neural` as it is now (they are borrowed, so a new neural tier
/// changes the tagger's scores without a new tagger), and renews the scores
/// of the shipped file in `<stem>.metrics.json`. The checkpoint's row and the
/// training record stay as trained; no checkpoint is needed. With a
/// `stride`, the file at `out` is first rewritten to run with it
/// (`--stride`; the weights are untouched).
pub fn rescore_neural_command(
    data: &Path,
    neural: &Path,
    out: &Path,
    stride: Option<usize>,
) -> anyhow::Result<Outcome> {
    use unspin_neural::NeuralAttribution;

    let started = Instant::now();
    let root = polnear_data(data)?;
    let dev = training_articles(&root.join("dev"))?;
    let read = |p: &Path| fs::read(p).with_context(|| format!("cannot read \"{}\"", p.display()));
    let mut bytes = read(out)?;
    let neural_bytes = read(neural)?;
    let tokenizer = read(&neural.with_file_name("tokenizer.json"))?;
    let metrics_path = metrics_beside(out);
    if let Some(stride) = stride {
        bytes = NeuralAttribution::restride(&bytes, stride)
            .with_context(|| format!("cannot set the stride of \"{}\"", out.display()))?;
    }
    let mut metrics: serde_json::Value = serde_json::from_slice(&read(&metrics_path)?)
        .with_context(|| format!("\"{}\" is not JSON", metrics_path.display()))?;
    let Some(fields) = metrics.as_object_mut() else {
        anyhow::bail!(
            "\"{}\" is not a JSON object (write it with `unspin train --task attribution-neural` first)",
            metrics_path.display()
        );
    };
    let shipped = Arc::new(NeuralAttribution::from_bytes(
        &bytes,
        &neural_bytes,
        &tokenizer,
    )?);
    let shipped_digest = shipped.digest().to_string();
    let int8 = NeuralAttribution::from_bytes(&bytes, &neural_bytes, &tokenizer)?;
    let scores = score_shipped(&dev, shipped, int8);
    let json = |v: &AttributionScore| serde_json::to_value(v);
    fields.insert("dev_tagger".into(), json(&scores.tagger)?);
    fields.insert(
        "dev_tagger_int8".into(),
        match &scores.tagger_int8 {
            Some(s) => json(s)?,
            None => serde_json::Value::Null,
        },
    );
    fields.insert("dev_full".into(), json(&scores.full)?);
    fields.insert("dev_linear".into(), json(&scores.linear)?);
    fields.insert("dev_tagger_score_ece".into(), scores.tagger_ece.into());
    fields.insert("dev_linear_score_ece".into(), scores.linear_ece.into());
    if stride.is_some() {
        fs::write(out, &bytes).with_context(|| format!("cannot write \"{}\"", out.display()))?;
        fields.insert("bytes".into(), bytes.len().into());
        fields.insert("digest".into(), shipped_digest.clone().into());
    }
    fields.insert(
        "rescored_with".into(),
        serde_json::json!({
            "neural": neural,
            "neural_digest": unspin_neural::weights::file_digest(&neural_bytes),
            "seconds": started.elapsed().as_secs_f64(),
        }),
    );
    fs::write(
        &metrics_path,
        serde_json::to_string_pretty(&metrics)? + "\n",
    )
    .with_context(|| format!("cannot write \"{}\"", metrics_path.display()))?;
    let mut o = super::open_output(None)?;
    writeln!(
        o,
        "Neural attribution tagger {} re-scored with the word embeddings of {}; \
         PolNeAR dev, {} articles, {} gold attributions.\n",
        out.display(),
        neural.display(),
        dev.len(),
        scores.tagger.gold
    )?;
    write_dev_table(&mut o, None, &scores)?;
    writeln!(
        o,
        "\nWrote {} ({:.0} s).",
        metrics_path.display(),
        started.elapsed().as_secs_f64()
    )?;
    o.flush()?;
    Ok(Outcome::Success)
}

#[derive(Serialize)]
struct NeuralMetrics<'a> {
    data: &'a Path,
    checkpoint: &'a Path,
    dev_articles: usize,
    bytes: usize,
    digest: String,
    training: &'a serde_json::Value,
    /// f32 checkpoint with its own (base) word embeddings.
    dev_checkpoint: &'a AttributionScore,
    /// The shipped file (int8 weights, the neural tier's word embeddings), f32 compute.
    dev_tagger: &'a AttributionScore,
    /// The same with int8 compute (when the CPU has AVX2).
    dev_tagger_int8: Option<&'a AttributionScore>,
    /// The full sourcing analysis with the shipped file.
    dev_full: &'a AttributionScore,
    /// The linear tagger alone, for comparison.
    dev_linear: &'a AttributionScore,
    /// Expected calibration error of the shipped tagger's attribution scores
    /// on dev (right: content and speaker matched), and of the linear one's.
    dev_tagger_score_ece: f64,
    dev_linear_score_ece: f64,
    seconds_total: f64,
}

/// `unspin train --task attribution-neural`: quantises the tagger that
/// `training/train_attribution.py` wrote to `checkpoint`, leaves out the word
/// embeddings (borrowed from the neural tier's file `neural` at load time),
/// scores it on PolNeAR dev (checkpoint, shipped file, full sourcing
/// analysis, and the linear tagger beside it) and writes it to `out` with
/// `<stem>.metrics.json`. The file runs with `stride` (`--stride`; default
/// `unspin_neural::attribution::DEFAULT_STRIDE`).
pub fn train_neural_command(
    data: &Path,
    checkpoint: &Path,
    neural: &Path,
    out: &Path,
    stride: Option<usize>,
) -> anyhow::Result<Outcome> {
    use unspin_neural::attribution::AttributionInfo;
    use unspin_neural::weights::TensorMap;
    use unspin_neural::NeuralAttribution;
    use unspin_sourcing::attribution::AttributionTagger;

    let started = Instant::now();
    let root = polnear_data(data)?;
    let dev = training_articles(&root.join("dev"))?;
    let read = |p: PathBuf| {
        fs::read(&p).with_context(|| {
            format!(
                "cannot read \"{}\" (run `python training/train_attribution.py` first; see training/README.md)",
                p.display()
            )
        })
    };
    let weights = read(checkpoint.join("attribution-f32.safetensors"))?;
    let tokenizer = read(checkpoint.join("tokenizer.json"))?;
    let training: serde_json::Value =
        serde_json::from_slice(&read(checkpoint.join("training.json"))?)
            .context("training.json is not JSON")?;
    let neural_bytes = fs::read(neural).with_context(|| {
        format!(
            "cannot read the neural tier's weights \"{}\"",
            neural.display()
        )
    })?;
    let map = TensorMap::from_bytes(&weights)?;
    let window = map
        .metadata
        .get("window")
        .and_then(|w| w.parse().ok())
        .unwrap_or(256usize);
    // A tagger trained on the neural tier's frozen lower layers
    // (`train_attribution.py --trunk`) borrows them from that file.
    let shared_layers = map
        .metadata
        .get("shared_layers")
        .and_then(|w| w.parse().ok())
        .unwrap_or(0usize);
    // A tagger on the tier's lower layers runs on the tier's own windows, so
    // it takes the tier's stride; one of its own reads fewer windows.
    let default_stride = if shared_layers > 0 {
        let tier = TensorMap::from_bytes_where(&neural_bytes, |_| false)?;
        unspin_neural::NeuralInfo::of_file(&tier)?.stride
    } else {
        unspin_neural::attribution::DEFAULT_STRIDE
    };
    let info = AttributionInfo {
        name: "unspin-attribution-minilm".into(),
        window,
        stride: stride
            .unwrap_or(default_stride)
            .clamp(1, window.saturating_sub(2).max(1)),
        training: training.clone(),
        shared_layers,
        trunk: (shared_layers > 0).then(|| unspin_neural::weights::file_digest(&neural_bytes)),
    };
    let own = NeuralAttribution::from_tensors(&map, &tokenizer, info.clone(), "checkpoint".into())?;
    let bytes = NeuralAttribution::write_int8(&map, &info)?;
    let shipped = Arc::new(NeuralAttribution::from_bytes(
        &bytes,
        &neural_bytes,
        &tokenizer,
    )?);
    tracing::info!(dev = dev.len(), "scoring the checkpoint on PolNeAR dev");
    let dev_checkpoint = evaluate_with(&dev, |a| own.attributions(&a.text));
    let int8 = NeuralAttribution::from_bytes(&bytes, &neural_bytes, &tokenizer)?;
    let scores = score_shipped(&dev, shipped.clone(), int8);
    if let Some(dir) = out.parent().filter(|d| !d.as_os_str().is_empty()) {
        fs::create_dir_all(dir).with_context(|| format!("cannot create \"{}\"", dir.display()))?;
    }
    fs::write(out, &bytes).with_context(|| format!("cannot write \"{}\"", out.display()))?;
    let metrics = NeuralMetrics {
        data,
        checkpoint,
        dev_articles: dev.len(),
        bytes: bytes.len(),
        digest: shipped.digest().to_string(),
        training: &training,
        dev_checkpoint: &dev_checkpoint,
        dev_tagger: &scores.tagger,
        dev_tagger_int8: scores.tagger_int8.as_ref(),
        dev_full: &scores.full,
        dev_linear: &scores.linear,
        dev_tagger_score_ece: scores.tagger_ece,
        dev_linear_score_ece: scores.linear_ece,
        seconds_total: started.elapsed().as_secs_f64(),
    };
    let metrics_path = write_metrics_beside(out, &metrics)?;
    let mut o = super::open_output(None)?;
    writeln!(
        o,
        "Neural attribution tagger: {} ({:.1} MB int8, {} borrowed from {}); \
         PolNeAR dev, {} articles, {} gold attributions.\n",
        out.display(),
        bytes.len() as f64 / 1e6,
        if shared_layers > 0 {
            format!("embeddings and the {shared_layers} lower layers")
        } else {
            "word embeddings".to_string()
        },
        neural.display(),
        dev.len(),
        scores.tagger.gold
    )?;
    write_dev_table(&mut o, Some(&dev_checkpoint), &scores)?;
    writeln!(
        o,
        "\nWrote {} and {} ({:.0} s).",
        out.display(),
        metrics_path.display(),
        started.elapsed().as_secs_f64()
    )?;
    o.flush()?;
    Ok(Outcome::Success)
}
