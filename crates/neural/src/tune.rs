//! Turning the training script's checkpoint into the shipped model: int8
//! quantisation, then blending, decoding and calibration fitted on the tuning
//! articles (held out from training), then scores on the validation articles
//! (held out from everything).
//!
//! Every choice is made on the tuning slice; the validation articles are only
//! scored, once, with the final settings.

use std::collections::HashMap;

use rayon::prelude::*;
use serde::Serialize;
use unspin_document::{layers, Document};
use unspin_eval::{score_si, score_tc, LabeledSpan, SiScore, TcScore};
use unspin_techniques::train::{train as train_fast, TrainConfig};
use unspin_techniques::{assign_labels, DecodeConfig, FastModel};

use crate::model::{NeuralInfo, NeuralModel, Platt};
use crate::tier::{Analysis, NeuralTier};
use crate::weights::TensorMap;
use crate::NeuralError;
/// Expected calibration error (re-exported from `unspin-eval`).
pub use unspin_eval::ece;

/// The article ids of the three parts, as the training script recorded them.
#[derive(Debug, Clone, Serialize)]
pub struct Split {
    /// Articles the encoder was fine-tuned on.
    pub train: Vec<String>,
    /// Articles the blending, decoding and calibration are fitted on.
    pub tune: Vec<String>,
    /// Articles only scored.
    pub valid: Vec<String>,
}

/// SI and TC scores with calibration errors.
#[derive(Debug, Clone, Serialize)]
pub struct Scores {
    /// Articles scored.
    pub articles: usize,
    /// Span identification.
    pub si: SiScore,
    /// Technique classification of the gold spans.
    pub tc: TcScore,
    /// Expected calibration error of span scores (10 bins; a span is right when it
    /// overlaps a gold span).
    pub span_ece: f64,
    /// Expected calibration error of the technique probability of gold spans.
    pub tc_ece: f64,
}

/// What tuning found and measured.
#[derive(Debug, Clone, Serialize)]
pub struct TuneReport {
    /// The settings chosen on the tuning articles.
    pub info: NeuralInfo,
    /// SI F1 of the chosen settings on the tuning articles.
    pub tune_si_f1: f64,
    /// TC micro-F1 of the chosen settings on the tuning articles.
    pub tune_tc_f1: f64,
    /// The shipped tier (neural blended with the shipped fast model) on validation.
    pub validation: Scores,
    /// The encoder alone (blend 1, technique blend 1, same decoding grid fitted on
    /// tuning) on validation, for comparison.
    pub validation_neural_only: Scores,
    /// The shipped tier with int8 dense layers (`--precision int8`) on validation,
    /// when this CPU has the int8 kernels.
    pub validation_int8: Option<Scores>,
    /// Seconds spent.
    pub seconds: f64,
}

/// Fits Platt scaling `sigmoid(a · logit(raw) + b)` (a logistic map over the
/// raw score's logit, [`unspin_eval::Logistic::fit`]).
pub fn fit_platt(pairs: &[(f32, bool)]) -> Platt {
    let xs: Vec<(f64, bool)> = pairs
        .iter()
        .map(|&(p, ok)| {
            let p = f64::from(p.clamp(1e-4, 1.0 - 1e-4));
            ((p / (1.0 - p)).ln(), ok)
        })
        .collect();
    let fit = unspin_eval::Logistic::fit(&xs);
    Platt { a: fit.a, b: fit.b }
}

fn gold_ranges(doc: &Document) -> Vec<(usize, usize)> {
    doc.layer(layers::TECHNIQUE)
        .iter()
        .map(|s| (s.start(), s.end()))
        .collect()
}

fn si_f1(docs: &[Document], preds: &[Vec<(usize, usize)>]) -> f64 {
    unspin_techniques::train::si_f1_docs(docs, preds)
}

/// The three parts of the split that a tuned model's metrics file records
/// (`split.train`, `split.tune`, `split.valid`: article ids), as the
/// documents of `docs` with those ids.
///
/// # Errors
/// When the file has no such lists, or names an article `docs` lacks.
pub fn split_docs(
    metrics: &serde_json::Value,
    docs: &[Document],
) -> Result<[Vec<Document>; 3], NeuralError> {
    Split::from_metrics(metrics)?.docs(docs)
}

impl Split {
    /// The split a tuned model's metrics file records (`split.train`,
    /// `split.tune`, `split.valid`: article ids).
    ///
    /// # Errors
    /// When a part is missing or holds something other than ids.
    pub fn from_metrics(metrics: &serde_json::Value) -> Result<Split, NeuralError> {
        let ids = |k: &str| -> Result<Vec<String>, NeuralError> {
            metrics["split"][k]
                .as_array()
                .ok_or_else(|| NeuralError::Format(format!("the metrics have no split.{k}")))?
                .iter()
                .map(|v| {
                    v.as_str().map(str::to_string).ok_or_else(|| {
                        NeuralError::Format(format!("split.{k} holds {v}, not an article id"))
                    })
                })
                .collect()
        };
        Ok(Split {
            train: ids("train")?,
            tune: ids("tune")?,
            valid: ids("valid")?,
        })
    }

    /// The documents of `docs` in each part: train, tune, valid.
    ///
    /// # Errors
    /// When `docs` lacks an article of the split.
    pub fn docs(&self, docs: &[Document]) -> Result<[Vec<Document>; 3], NeuralError> {
        let by_id: HashMap<&str, &Document> = docs.iter().map(|d| (d.id.as_str(), d)).collect();
        let pick = |ids: &[String]| -> Result<Vec<Document>, NeuralError> {
            ids.iter()
                .map(|i| {
                    by_id.get(i.as_str()).map(|d| (*d).clone()).ok_or_else(|| {
                        NeuralError::Tuning(format!("article {i} of the split is missing"))
                    })
                })
                .collect()
        };
        Ok([pick(&self.train)?, pick(&self.tune)?, pick(&self.valid)?])
    }
}

/// The blends (neural share of a word's probability) and decodings that
/// tuning searches: blend 0 to 1 by 0.1, threshold 0.1 to 0.7 by 0.025,
/// gaps 0 to 20 tokens, spans of 1 or 2 words at least.
pub fn decoding_grid() -> Vec<(f32, DecodeConfig)> {
    let mut out = Vec::new();
    for b in 0..=10 {
        for t in 0..=24 {
            for &max_gap in &[0usize, 1, 2, 3, 5, 10, 20] {
                for min_words in 1..=2 {
                    out.push((
                        b as f32 / 10.0,
                        DecodeConfig {
                            threshold: 0.1 + 0.025 * t as f32,
                            max_gap,
                            min_words,
                        },
                    ));
                }
            }
        }
    }
    out
}

fn best_decoding(
    tier: &NeuralTier,
    docs: &[Document],
    runs: &[Analysis<'_>],
    blends: impl Fn(f32) -> bool + Sync,
) -> (f32, DecodeConfig, f64) {
    decoding_grid()
        .into_par_iter()
        .filter(|(b, _)| blends(*b))
        .map(|(b, cfg)| {
            let preds: Vec<Vec<(usize, usize)>> = runs
                .iter()
                .map(|a| {
                    tier.decode_with(a, None, b, &cfg)
                        .iter()
                        .map(|d| (d.start, d.end))
                        .collect()
                })
                .collect();
            (b, cfg, si_f1(docs, &preds))
        })
        .reduce_with(|x, y| if y.2 > x.2 { y } else { x })
        .unwrap_or((1.0, DecodeConfig::default(), 0.0))
}

fn span_pairs(
    tier: &NeuralTier,
    docs: &[Document],
    runs: &[Analysis<'_>],
    platt: Option<Platt>,
) -> Vec<(f32, bool)> {
    let info = &tier.neural.info;
    let mut out = Vec::new();
    for (doc, a) in docs.iter().zip(runs) {
        let gold = gold_ranges(doc);
        for d in tier.decode_with(a, None, info.blend, &info.decode) {
            let ok = gold.iter().any(|&(s, e)| s < d.end && d.start < e);
            out.push((platt.map_or(d.score, |p| p.apply(d.score)), ok));
        }
    }
    out
}

/// TC predictions for the gold spans of `docs`: (gold, predicted, confidence/right pairs).
fn tc_predictions(
    tier: &NeuralTier,
    docs: &[Document],
    runs: &[Analysis<'_>],
    tc_blend: f32,
) -> (Vec<LabeledSpan>, Vec<LabeledSpan>, Vec<(f32, bool)>) {
    let mut gold = Vec::new();
    let mut pred = Vec::new();
    let mut pairs = Vec::new();
    for (doc, a) in docs.iter().zip(runs) {
        let idx = doc.char_index();
        let spans = doc.layer(layers::TECHNIQUE);
        let ranges = gold_ranges(doc);
        let probs = tier.technique_probs(a, &ranges, tc_blend);
        for (c, g) in assign_labels(&tier.neural.info.labels, &ranges, probs)
            .into_iter()
            .zip(spans)
        {
            let (s, e) = (idx.to_char(g.start()), idx.to_char(g.end()));
            pairs.push((c.score, c.label == g.label));
            gold.push(LabeledSpan::tc(doc.id.clone(), g.label.clone(), s, e));
            pred.push(LabeledSpan::tc(doc.id.clone(), c.label, s, e));
        }
    }
    (gold, pred, pairs)
}

fn scores(tier: &NeuralTier, docs: &[Document], runs: &[Analysis<'_>]) -> Scores {
    let info = &tier.neural.info;
    let mut gold = Vec::new();
    let mut si = Vec::new();
    for (doc, a) in docs.iter().zip(runs) {
        let idx = doc.char_index();
        for g in doc.layer(layers::TECHNIQUE) {
            gold.push(LabeledSpan::si(
                &doc.id,
                idx.to_char(g.start()),
                idx.to_char(g.end()),
            ));
        }
        for d in tier.decode_with(a, None, info.blend, &info.decode) {
            si.push(LabeledSpan::si(
                &doc.id,
                idx.to_char(d.start),
                idx.to_char(d.end),
            ));
        }
    }
    let (tc_gold, tc_pred, tc_pairs) = tc_predictions(tier, docs, runs, info.tc_blend);
    Scores {
        articles: docs.len(),
        si: score_si(&gold, &si),
        tc: score_tc(&tc_gold, &tc_pred),
        span_ece: ece(&span_pairs(tier, docs, runs, Some(info.calibration))),
        tc_ece: ece(&tc_pairs),
    }
}

/// Scores `tier` with its own settings on `docs` (PTC articles with gold spans):
/// what `unspin train --task neural` reports for the validation articles.
///
/// # Errors
/// When the tokenizer fails.
pub fn score_docs(tier: &NeuralTier, docs: &[Document]) -> Result<Scores, NeuralError> {
    let runs = run_all(tier, docs)?;
    Ok(scores(tier, docs, &runs))
}

/// `tier` run over every document of `docs`, in parallel (in `docs`' order).
///
/// # Errors
/// When the tokenizer fails.
pub fn run_all<'a>(
    tier: &NeuralTier,
    docs: &'a [Document],
) -> Result<Vec<Analysis<'a>>, NeuralError> {
    docs.par_iter().map(|d| tier.run(d.text())).collect()
}

/// Negative log-likelihood of the gold techniques of `docs` under the
/// technique probabilities `probs` gives for their gold spans.
fn gold_nll(
    tier: &NeuralTier,
    docs: &[Document],
    runs: &[Analysis<'_>],
    probs: impl Fn(&Analysis<'_>, &[(usize, usize)]) -> Vec<Vec<f32>>,
) -> f64 {
    let mut nll = 0.0;
    for (doc, a) in docs.iter().zip(runs) {
        let spans = doc.layer(layers::TECHNIQUE);
        for (p, g) in probs(a, &gold_ranges(doc)).iter().zip(spans) {
            let k = tier
                .neural
                .info
                .labels
                .iter()
                .position(|l| *l == g.label)
                .unwrap_or(0);
            nll -= f64::from(p[k].max(1e-9)).ln();
        }
    }
    nll
}

/// Fits the shipped settings and scores them.
///
/// `checkpoint` is the training script's f32 file, quantised here to int8;
/// `docs` the PTC training articles with gold spans; `split` which are which;
/// `shipped_fast` the fast model the tier is blended with at run time (trained
/// without the validation articles). A fast model trained on `split.train` only
/// stands in for it while tuning, so tuning never sees fast-tier scores of
/// articles that model was trained on.
///
/// # Errors
/// When an article of the split is missing or the model cannot be built.
pub fn tune(
    mut checkpoint: TensorMap,
    tokenizer: &[u8],
    docs: &[Document],
    split: &Split,
    shipped_fast: FastModel,
    name: &str,
    training: serde_json::Value,
) -> Result<(Vec<u8>, TuneReport), NeuralError> {
    let start = std::time::Instant::now();
    let [train_docs, tune_docs, valid_docs] = split.docs(docs)?;
    checkpoint.quantize_in_place();
    let labels: Vec<String> = serde_json::from_str(
        checkpoint
            .metadata
            .get("labels")
            .ok_or_else(|| NeuralError::Format("checkpoint has no labels".into()))?,
    )
    .map_err(|e| NeuralError::Format(e.to_string()))?;
    let meta_usize = |k: &str| -> Result<usize, NeuralError> {
        checkpoint
            .metadata
            .get(k)
            .and_then(|v| v.parse().ok())
            .ok_or_else(|| NeuralError::Format(format!("checkpoint has no {k}")))
    };
    let mut info = NeuralInfo {
        name: name.to_string(),
        window: meta_usize("window")?,
        stride: meta_usize("stride")?,
        labels,
        decode: DecodeConfig::default(),
        blend: 1.0,
        tc_blend: 1.0,
        tc_temperature: 1.0,
        tc_calibration: 1.0,
        calibration: Platt::default(),
        training,
    };
    tracing::info!(
        "training a fast model on the {} encoder-training articles",
        train_docs.len()
    );
    let (tune_fast, _) = train_fast(&train_docs, &TrainConfig::default())
        .map_err(|e| NeuralError::Tuning(e.to_string()))?;
    let mut tier = NeuralTier {
        neural: NeuralModel::from_tensors(&checkpoint, tokenizer, info.clone(), "0".repeat(16))?,
        fast: tune_fast,
    };
    tracing::info!("encoding {} tuning articles", tune_docs.len());
    let runs = run_all(&tier, &tune_docs)?;

    // Temperature of the TC head: least log-loss of the gold labels.
    let mut best_t = (1.0f32, f64::INFINITY);
    for k in 0..=30 {
        let t = 0.5 + 0.1 * k as f32;
        tier.neural.info.tc_temperature = t;
        let nll = gold_nll(&tier, &tune_docs, &runs, |a, spans| {
            tier.neural.technique_probs(&a.encoded, spans)
        });
        if nll < best_t.1 {
            best_t = (t, nll);
        }
    }
    info.tc_temperature = best_t.0;
    tier.neural.info.tc_temperature = best_t.0;

    // Technique mixing: best micro-F1 on the tuning articles.
    let mut best_tc = (1.0f32, -1.0f64);
    for k in 0..=10 {
        let b = k as f32 / 10.0;
        let (g, p, _) = tc_predictions(&tier, &tune_docs, &runs, b);
        let f1 = score_tc(&g, &p).f1;
        if f1 > best_tc.1 {
            best_tc = (b, f1);
        }
    }
    info.tc_blend = best_tc.0;
    tier.neural.info.tc_blend = best_tc.0;

    // Calibration of the blended technique probabilities: least log-loss.
    let mut best_c = (1.0f32, f64::INFINITY);
    for k in 0..=40 {
        let t = 0.4 + 0.05 * k as f32;
        tier.neural.info.tc_calibration = t;
        let nll = gold_nll(&tier, &tune_docs, &runs, |a, spans| {
            tier.technique_probs(a, spans, best_tc.0)
        });
        if nll < best_c.1 {
            best_c = (t, nll);
        }
    }
    info.tc_calibration = best_c.0;

    // Blending and decoding: best SI F1 on the tuning articles.
    let (blend, decode, tune_si) = best_decoding(&tier, &tune_docs, &runs, |_| true);
    let (_, neural_decode, _) = best_decoding(&tier, &tune_docs, &runs, |b| b == 1.0);
    info.blend = blend;
    info.decode = decode;
    tier.neural.info = info.clone();
    info.calibration = fit_platt(&span_pairs(&tier, &tune_docs, &runs, None));
    tracing::info!(?info.decode, blend, tc_blend = info.tc_blend, tune_si, "tuned");

    // Validation, once, with the shipped fast model.
    let bytes = NeuralModel::write_int8(&checkpoint, &info)?;
    let mut final_tier = NeuralTier {
        neural: NeuralModel::from_bytes(&bytes, tokenizer)?,
        fast: shipped_fast,
    };
    let vruns = run_all(&final_tier, &valid_docs)?;
    let validation = scores(&final_tier, &valid_docs, &vruns);
    let shipped_info = final_tier.neural.info.clone();
    final_tier.neural.info.blend = 1.0;
    final_tier.neural.info.tc_blend = 1.0;
    final_tier.neural.info.decode = neural_decode;
    let validation_neural_only = scores(&final_tier, &valid_docs, &vruns);
    final_tier.neural.info = shipped_info;
    let validation_int8 = if final_tier
        .neural
        .set_precision(crate::encoder::Precision::Int8)
    {
        let runs8 = run_all(&final_tier, &valid_docs)?;
        Some(scores(&final_tier, &valid_docs, &runs8))
    } else {
        None
    };
    Ok((
        bytes,
        TuneReport {
            info,
            tune_si_f1: tune_si,
            tune_tc_f1: best_tc.1,
            validation,
            validation_neural_only,
            validation_int8,
            seconds: start.elapsed().as_secs_f64(),
        },
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_split_is_read_from_its_metrics() {
        let docs: Vec<Document> = ["a", "b", "c", "d"]
            .iter()
            .map(|id| Document::new(*id, format!("Text of {id}.")))
            .collect();
        let metrics = serde_json::json!({
            "split": {"train": ["d", "a"], "tune": ["b"], "valid": ["c"]}
        });
        let [train, tune, valid] = split_docs(&metrics, &docs).unwrap();
        let ids = |v: &[Document]| v.iter().map(|d| d.id.clone()).collect::<Vec<_>>();
        assert_eq!(ids(&train), ["d", "a"]);
        assert_eq!(
            (ids(&tune), ids(&valid)),
            (vec!["b".into()], vec!["c".into()])
        );
        assert_eq!(valid[0].text(), "Text of c.");
        // An article the corpus lacks, or a missing part, is an error.
        let missing = serde_json::json!({
            "split": {"train": ["a"], "tune": ["x"], "valid": ["c"]}
        });
        assert!(split_docs(&missing, &docs)
            .unwrap_err()
            .to_string()
            .contains("article x "));
        let no_valid = serde_json::json!({"split": {"train": [], "tune": []}});
        assert!(split_docs(&no_valid, &docs)
            .unwrap_err()
            .to_string()
            .contains("split.valid"));
        // The grid holds every blend from 0 to 1.
        let grid = decoding_grid();
        assert!(grid.iter().any(|(b, _)| *b == 0.0) && grid.iter().any(|(b, _)| *b == 1.0));
    }

    #[test]
    fn ece_of_perfect_calibration_is_zero() {
        let pairs: Vec<(f32, bool)> = (0..100).map(|i| (0.25, i % 4 == 0)).collect();
        assert!(ece(&pairs) < 1e-9);
        let bad: Vec<(f32, bool)> = (0..100).map(|_| (0.95, false)).collect();
        assert!((ece(&bad) - 0.95).abs() < 1e-6);
        assert_eq!(ece(&[]), 0.0);
    }

    #[test]
    fn platt_learns_a_monotone_map() {
        // Raw scores twice as confident as the truth.
        let mut pairs = Vec::new();
        for i in 0..1000 {
            let raw = 0.05 + 0.9 * (i as f32 / 1000.0);
            let truth = 0.5 + (raw - 0.5) / 2.0;
            pairs.push((raw, (i * 7919 % 1000) as f32 / 1000.0 < truth));
        }
        let p = fit_platt(&pairs);
        assert!(p.a > 0.0 && p.a < 1.0, "{p:?}");
        assert!(p.apply(0.9) > p.apply(0.2));
        let after: Vec<(f32, bool)> = pairs.iter().map(|&(r, y)| (p.apply(r), y)).collect();
        assert!(ece(&after) < ece(&pairs));
    }
}
