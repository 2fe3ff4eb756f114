//! `unspin train`: train the fast model on a PTC folder and score it on a
//! held-out part of it.

use std::fmt::Write as _;
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::Context as _;
use rayon::prelude::*;
use serde::Serialize;
use unspin_document::{layers, Document};
use unspin_eval::{score_si, score_tc, LabeledSpan, SiScore, TcScore};
use unspin_readers::{read_ptc_dir, split_ids, VALIDATION_FRACTION, VALIDATION_SEED};
use unspin_techniques::train::{train, TrainConfig, TrainReport};
use unspin_techniques::FastModel;

use super::{Context, Outcome};

const AFTER_HELP: &str = "\
The articles are split by id with a fixed, documented rule (unspin_readers::split_ids): \
--valid-fraction of them, chosen by --seed, are held out. The model is trained on the rest only, \
then scored on the held-out articles: SI (find the fragments; partial-overlap P/R/F1) and TC \
(name the technique of each gold fragment; micro F1 and F1 per technique). The scores are \
printed as Markdown tables; the model goes to --out and a JSON report (scores, split ids, \
training configuration, seconds) beside it as <out stem>.metrics.json, or to --report.

--full trains on all articles and scores nothing. The model shipped in models/fast/ is NOT \
trained that way: it is trained with the default split, so that its reported scores are \
measured on articles it has not seen.

Progress goes to standard error (-v for more, --quiet for none).

--task neural does not fine-tune anything (that is `python training/train_neural.py`, see \
training/README.md): it quantises the checkpoint in --checkpoint to int8, fits the blending with \
the fast tier, the decoding and the score calibration on the checkpoint's tuning articles, scores \
the result on the validation articles and writes models/neural/ (weights, tokenizer, metrics). \
A checkpoint fine-tuned on another split (`train_neural.py --split`, e.g. the report of \
`unspin train --seed N`) is scored with --fast-model, the fast model trained on that split: the \
fast model must not have seen the validation articles, and this is checked.

--task attribution-neural does not fine-tune either (that is `python training/train_attribution.py`): it quantises the tagger in --checkpoint (default training/out-attr) to int8 without its word embeddings (borrowed from models/neural/ at load time, or from --neural-model; a tagger trained with `--trunk` on the neural tier's lower layers leaves those out too and borrows them), scores it on the PolNeAR dev split and writes models/attribution-neural/ (or --out). \
With --rescore it needs no checkpoint: it scores the tagger already there with the neural tier's \
current word embeddings and renews those scores in its metrics (after shipping a new neural tier); \
with --stride too, it first rewrites the file to run with that stride.

--task attribution trains the attribution tagger on a PolNeAR folder (its train split; the \
held-out slice that picks the epoch count is every 10th training article) and scores it on the \
dev split, alone and inside the full sourcing analysis; the model goes to --out and \
<out stem>.metrics.json beside it.

Examples:
  unspin train --data ../shared/data/ptc/train
  unspin train --task attribution --data ../shared/data/quotes/polnear
  unspin train --task neural --data ../shared/data/ptc/train --checkpoint training/out-e6
  unspin train --data ../shared/data/ptc/train --seed 1 --out /tmp/s1/fast.safetensors
  unspin train --task neural --data ../shared/data/ptc/train --checkpoint training/out-split1 \
      --fast-model /tmp/s1/fast.safetensors --out /tmp/s1/neural.safetensors
  unspin train --task attribution-neural --data ../shared/data/quotes/polnear --checkpoint training/out-attr
  unspin train --task attribution-neural --data ../shared/data/quotes/polnear --rescore
  unspin train --task attribution-neural --data ../shared/data/quotes/polnear --rescore --stride 224
  unspin train --task attribution-neural --data ../shared/data/quotes/polnear \
      --checkpoint training/splits/mt/s13/checkpoint --neural-model training/splits/mt/s13/neural/neural.safetensors \
      --out /tmp/mt/attribution.safetensors
  unspin train --data ptc/ --out /tmp/fast.safetensors --valid-fraction 0.2 --seed 7
  unspin train --data ptc/ --full --out /tmp/fast-full.safetensors";

/// Arguments of `unspin train`.
#[derive(Debug, clap::Args)]
#[command(after_help = AFTER_HELP)]
pub struct Args {
    /// PTC folder: articles/ and labels/ folders, or article<ID>.txt files with their
    /// .labels files.
    #[arg(long, value_name = "DIR")]
    data: PathBuf,
    /// What to train: the fast technique model (PTC data) or the attribution tagger (PolNeAR
    /// data: trained on its train split, scored on dev).
    #[arg(long, value_enum, default_value_t = TrainTask::Techniques)]
    task: TrainTask,
    /// Where to write the model [default: models/fast/fast.safetensors, or
    /// models/attribution/attribution.safetensors with --task attribution].
    #[arg(long, value_name = "FILE")]
    out: Option<PathBuf>,
    /// Share of the articles held out for validation (at least 0, below 1).
    #[arg(long, value_name = "F", default_value_t = VALIDATION_FRACTION, value_parser = parse_fraction)]
    valid_fraction: f64,
    /// Seed of the validation split.
    #[arg(long, value_name = "N", default_value_t = VALIDATION_SEED)]
    seed: u64,
    /// Where to write the JSON report (default: <out stem>.metrics.json beside the model).
    #[arg(long, value_name = "FILE")]
    report: Option<PathBuf>,
    /// Train on all articles and skip validation (not how the shipped model is trained).
    #[arg(long, conflicts_with_all = ["valid_fraction", "seed"])]
    full: bool,
    /// With --task neural: the folder `training/train_neural.py` wrote
    /// (neural-f32.safetensors, tokenizer.json, training.json). Give it several times
    /// to average the weights of several fine-tuning runs (same split) into one model.
    #[arg(long, value_name = "DIR", default_value = "training/out")]
    checkpoint: Vec<PathBuf>,
    /// With --task neural: the fast model the tier is blended with on the validation
    /// articles [default: the shipped one]. Needed to score a checkpoint fine-tuned on another
    /// split (`train_neural.py --split`): give the fast model trained with that split's --seed,
    /// which has not seen its validation articles (checked).
    #[arg(long, value_name = "FILE")]
    fast_model: Option<PathBuf>,
    /// With --task attribution-neural: re-score the tagger already at --out on PolNeAR dev
    /// with the neural tier's current word embeddings (it borrows them) and renew the shipped
    /// file's scores in its metrics, without a checkpoint. Run it after a new neural tier.
    #[arg(long, conflicts_with_all = ["checkpoint", "full"])]
    rescore: bool,
    /// With --task attribution-neural: the neural tier's file the tagger borrows its word
    /// embeddings (and any shared layers) from [default: models/neural/neural.safetensors].
    /// Give the tier trained together with the tagger (`train_neural.py --attr-data`, one
    /// encoder for both) to score that tagger.
    #[arg(long, value_name = "FILE")]
    neural_model: Option<PathBuf>,
    /// With --task attribution-neural: how many word pieces apart the tagger's windows of 256
    /// start when it runs (recorded in the file) [default: 224 for a new tagger; with
    /// --rescore, the file's own]. With --rescore, the file at --out is rewritten with it
    /// (the weights untouched) before it is scored.
    #[arg(long, value_name = "PIECES", value_parser = clap::value_parser!(u16).range(1..=254))]
    stride: Option<u16>,
}

/// The models `unspin train` trains.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum TrainTask {
    /// The fast technique model (span identification and technique classification).
    Techniques,
    /// The attribution tagger of the sourcing analysis.
    Attribution,
    /// The neural attribution tagger: quantises the encoder that
    /// `training/train_attribution.py` wrote to --checkpoint (default
    /// training/out-attr) and scores it on PolNeAR dev.
    AttributionNeural,
    /// The neural tier: quantises the fine-tuned encoder that
    /// `training/train_neural.py` wrote to --checkpoint, then fits blending,
    /// decoding and calibration on its tuning articles and scores it.
    Neural,
}

fn parse_fraction(s: &str) -> Result<f64, String> {
    let f: f64 = s
        .trim()
        .parse()
        .map_err(|_| format!("{s:?} is not a number"))?;
    if (0.0..1.0).contains(&f) {
        Ok(f)
    } else {
        Err(format!(
            "{f} is not in [0, 1): some articles must be left to train on"
        ))
    }
}

/// The JSON report written beside the model.
#[derive(Debug, Serialize)]
struct Report<'a> {
    model: &'a Path,
    data: &'a Path,
    full: bool,
    split: Split,
    config: &'a TrainConfig,
    training: &'a TrainReport,
    validation: Option<Validation>,
    seconds: Seconds,
}

#[derive(Debug, Clone, Serialize)]
struct Split {
    valid_fraction: Option<f64>,
    seed: Option<u64>,
    train_ids: Vec<String>,
    valid_ids: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
struct Validation {
    articles: usize,
    si: SiScore,
    tc: TcScore,
}

#[derive(Debug, Serialize)]
struct Seconds {
    reading: f64,
    training: f64,
    validation: f64,
    total: f64,
}

/// Runs `unspin train`.
pub fn run(args: &Args, _ctx: &Context) -> anyhow::Result<Outcome> {
    if args.fast_model.is_some() && args.task != TrainTask::Neural {
        anyhow::bail!("--fast-model goes with --task neural only");
    }
    if args.rescore && args.task != TrainTask::AttributionNeural {
        anyhow::bail!("--rescore goes with --task attribution-neural only");
    }
    if args.stride.is_some() && args.task != TrainTask::AttributionNeural {
        anyhow::bail!("--stride goes with --task attribution-neural only");
    }
    let stride = args.stride.map(usize::from);
    if args.task == TrainTask::Attribution {
        let out = args
            .out
            .clone()
            .unwrap_or_else(|| PathBuf::from("models/attribution/attribution.safetensors"));
        return super::attribution::train_command(&args.data, &out);
    }
    if args.task == TrainTask::AttributionNeural {
        let out = args
            .out
            .clone()
            .unwrap_or_else(|| PathBuf::from("models/attribution-neural/attribution.safetensors"));
        let neural = args
            .neural_model
            .as_deref()
            .unwrap_or(Path::new("models/neural/neural.safetensors"));
        if args.rescore {
            return super::attribution::rescore_neural_command(&args.data, neural, &out, stride);
        }
        let checkpoint = args
            .checkpoint
            .first()
            .filter(|c| c.as_path() != Path::new("training/out"))
            .cloned()
            .unwrap_or_else(|| PathBuf::from("training/out-attr"));
        return super::attribution::train_neural_command(
            &args.data,
            &checkpoint,
            neural,
            &out,
            stride,
        );
    }
    if args.task == TrainTask::Neural {
        let out = args
            .out
            .clone()
            .unwrap_or_else(|| PathBuf::from("models/neural/neural.safetensors"));
        return super::neural::train_command(
            &args.data,
            &args.checkpoint,
            args.fast_model.as_deref(),
            &out,
        );
    }
    let out = args
        .out
        .clone()
        .unwrap_or_else(|| PathBuf::from("models/fast/fast.safetensors"));
    let args = &Args {
        out: Some(out.clone()),
        report: args.report.clone(),
        data: args.data.clone(),
        checkpoint: args.checkpoint.clone(),
        fast_model: None,
        neural_model: None,
        ..*args
    };
    let out = &out;
    let started = Instant::now();
    tracing::info!(data = %args.data.display(), "reading the corpus");
    let docs = read_ptc_dir(&args.data).context("cannot read the training corpus")?;
    let reading = started.elapsed().as_secs_f64();

    let ids: Vec<String> = docs.iter().map(|d| d.id.clone()).collect();
    let (train_ids, valid_ids) = if args.full {
        (ids, Vec::new())
    } else {
        split_ids(&ids, args.valid_fraction, args.seed)
    };
    let (valid_docs, train_docs): (Vec<Document>, Vec<Document>) = docs
        .into_iter()
        .partition(|d| valid_ids.binary_search(&d.id).is_ok());
    tracing::info!(train = train_docs.len(), valid = valid_docs.len(), "split");
    let labelled = train_docs
        .iter()
        .filter(|d| d.has_layer(layers::TECHNIQUE))
        .count();
    if labelled == 0 {
        anyhow::bail!(
            "\"{}\": none of the training articles has a labels file",
            args.data.display()
        );
    }

    let config = TrainConfig::default();
    let train_started = Instant::now();
    let (mut model, training) = train(&train_docs, &config).context("training failed")?;
    let training_seconds = train_started.elapsed().as_secs_f64();
    tracing::info!(
        seconds = training_seconds,
        cv_si_f1 = training.cv_si_f1,
        "trained"
    );

    let valid_started = Instant::now();
    let validation = if valid_docs.is_empty() {
        if !args.full {
            tracing::warn!(
                "no articles held out (--valid-fraction too small): nothing to validate on"
            );
        }
        None
    } else {
        tracing::info!(articles = valid_docs.len(), "scoring the held-out articles");
        Some(validate(&model, &valid_docs))
    };
    let validation_seconds = valid_started.elapsed().as_secs_f64();

    let split = Split {
        valid_fraction: (!args.full).then_some(args.valid_fraction),
        seed: (!args.full).then_some(args.seed),
        train_ids,
        valid_ids,
    };
    // The model card: what the model was trained on and how it scored.
    if let serde_json::Value::Object(card) = &mut model.info.training {
        card.insert("full".into(), args.full.into());
        card.insert(
            "split".into(),
            serde_json::json!({
                "valid_fraction": split.valid_fraction,
                "seed": split.seed,
                "train_articles": split.train_ids.len(),
                "valid_articles": split.valid_ids.len(),
            }),
        );
        if let Some(v) = &validation {
            card.insert(
                "validation".into(),
                serde_json::json!({ "si_f1": v.si.f1, "si_precision": v.si.precision, "si_recall": v.si.recall, "tc_micro_f1": v.tc.f1 }),
            );
        }
    }
    model.save(out).context("cannot save the model")?;
    tracing::info!(path = %out.display(), "model written");

    let report_path = args
        .report
        .clone()
        .unwrap_or_else(|| default_report_path(out));
    let report = Report {
        model: out,
        data: &args.data,
        full: args.full,
        split,
        config: &config,
        training: &training,
        validation: validation.clone(),
        seconds: Seconds {
            reading,
            training: training_seconds,
            validation: validation_seconds,
            total: started.elapsed().as_secs_f64(),
        },
    };
    write_report(&report_path, &report)?;
    tracing::info!(path = %report_path.display(), "report written");

    let mut out = super::open_output(None)?;
    out.write_all(markdown(&report, &training).as_bytes())?;
    out.flush()?;
    Ok(Outcome::Success)
}

/// `<dir>/<stem>.metrics.json` for a model at `<dir>/<stem>.<ext>`.
fn default_report_path(out: &Path) -> PathBuf {
    let stem = out
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| "model".into());
    out.with_file_name(format!("{stem}.metrics.json"))
}

fn write_report(path: &Path, report: &Report<'_>) -> anyhow::Result<()> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        fs::create_dir_all(dir).with_context(|| format!("cannot create \"{}\"", dir.display()))?;
    }
    let json = serde_json::to_string_pretty(report)?;
    fs::write(path, json + "\n")
        .with_context(|| format!("cannot write the report \"{}\"", path.display()))
}

/// SI and TC scores of `model` on held-out documents with gold spans.
fn validate(model: &FastModel, docs: &[Document]) -> Validation {
    let per_doc: Vec<(Vec<LabeledSpan>, Vec<LabeledSpan>, Vec<LabeledSpan>)> = docs
        .par_iter()
        .map(|doc| {
            let index = doc.char_index();
            let to_chars = |start: usize, end: usize| (index.to_char(start), index.to_char(end));
            let gold_spans = doc.layer(layers::TECHNIQUE);
            let gold: Vec<LabeledSpan> = gold_spans
                .iter()
                .map(|s| {
                    let (a, b) = to_chars(s.start(), s.end());
                    LabeledSpan::tc(doc.id.clone(), s.label.clone(), a, b)
                })
                .collect();
            let si: Vec<LabeledSpan> = model
                .detect(doc)
                .iter()
                .map(|s| {
                    let (a, b) = to_chars(s.start(), s.end());
                    LabeledSpan::si(doc.id.clone(), a, b)
                })
                .collect();
            let ranges: Vec<(usize, usize)> =
                gold_spans.iter().map(|s| (s.start(), s.end())).collect();
            let tc: Vec<LabeledSpan> = model
                .classify(doc.text(), &ranges)
                .into_iter()
                .zip(&gold)
                .map(|(c, g)| LabeledSpan::tc(doc.id.clone(), c.label, g.start, g.end))
                .collect();
            (gold, si, tc)
        })
        .collect();
    let mut gold = Vec::new();
    let mut si = Vec::new();
    let mut tc = Vec::new();
    for (g, s, t) in per_doc {
        gold.extend(g);
        si.extend(s);
        tc.extend(t);
    }
    Validation {
        articles: docs.len(),
        si: score_si(&gold, &si),
        tc: score_tc(&gold, &tc),
    }
}

/// The results as Markdown tables.
fn markdown(report: &Report<'_>, training: &TrainReport) -> String {
    let mut md = String::new();
    let d = &training.decode;
    let _ = writeln!(md, "## unspin fast model\n");
    let _ = writeln!(
        md,
        "Trained on {} articles ({} tokens, {} gold spans) in {:.1} s; decoding: threshold {}, \
         max gap {}, min words {} (cross-validated SI F1 on the training articles {:.4}).\n",
        training.documents,
        training.tokens,
        training.spans,
        training.seconds,
        d.threshold,
        d.max_gap,
        d.min_words,
        training.cv_si_f1
    );
    let Some(v) = &report.validation else {
        let _ = writeln!(
            md,
            "No validation: {}.",
            if report.full {
                "trained on all articles (--full)"
            } else {
                "no articles held out"
            }
        );
        let _ = writeln!(md, "\nModel: `{}`", report.model.display());
        return md;
    };
    let _ = writeln!(
        md,
        "Validation on {} held-out article{} (fraction {}, seed {}):\n",
        v.articles,
        if v.articles == 1 { "" } else { "s" },
        report.split.valid_fraction.unwrap_or_default(),
        report.split.seed.unwrap_or_default()
    );
    let _ = writeln!(md, "| Subtask | Precision | Recall | F1 |");
    let _ = writeln!(md, "|---|---:|---:|---:|");
    let _ = writeln!(
        md,
        "| SI: span identification (partial overlap) | {:.4} | {:.4} | {:.4} |",
        v.si.precision, v.si.recall, v.si.f1
    );
    let _ = writeln!(
        md,
        "| TC: technique of gold spans (micro) | {:.4} | {:.4} | {:.4} |",
        v.tc.precision, v.tc.recall, v.tc.f1
    );
    let _ = writeln!(
        md,
        "\n| Technique | Gold | Predicted | Correct | Precision | Recall | F1 |"
    );
    let _ = writeln!(md, "|---|---:|---:|---:|---:|---:|---:|");
    for t in &v.tc.per_technique {
        let name = unspin_taxonomy::by_label(&t.technique).map_or(t.technique.as_str(), |k| k.name);
        let _ = writeln!(
            md,
            "| {} | {} | {} | {} | {:.4} | {:.4} | {:.4} |",
            name.replace('|', "\\|"),
            t.support,
            t.predicted,
            t.correct,
            t.precision,
            t.recall,
            t.f1
        );
    }
    let _ = writeln!(md, "\nModel: `{}`", report.model.display());
    md
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn report_path_is_beside_the_model() {
        assert_eq!(
            default_report_path(Path::new("models/fast/fast.safetensors")),
            Path::new("models/fast/fast.metrics.json")
        );
        assert_eq!(
            default_report_path(Path::new("m.bin")),
            Path::new("m.metrics.json")
        );
    }

    #[test]
    fn fractions() {
        assert!(parse_fraction("0.15").is_ok());
        assert!(parse_fraction("1").is_err());
        assert!(parse_fraction("-0.1").is_err());
        assert!(parse_fraction("x").is_err());
    }
}
