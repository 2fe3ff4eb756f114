//! Training the fast tier from documents with gold `technique` spans.
//!
//! One call, fully deterministic for a given seed: features are extracted
//! once; the SI model is trained `folds` times on cross-validation folds of
//! the training documents to get out-of-fold token probabilities, on which
//! the decoding (threshold, gap joining, minimum length) is tuned for SI F1;
//! then SI and TC are trained on all documents.

use std::ops::Range;
use std::time::Instant;

use rand::seq::SliceRandom;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use unspin_document::{layers, Document};

use unspin_eval::{score_si, LabeledSpan};

use crate::decode::{decode, DecodeConfig};
use crate::features::{
    si_sentence_features, si_token_features, tc_features, DocTokens, HashSink, TcContext,
};
use crate::linear::{sigmoid, softmax_in_place, AdaGrad, BinaryModel, Feature, SoftmaxModel};
use crate::model::{FastModel, ModelError, ModelInfo, FEATURE_VERSION};

/// Training settings. The defaults are the shipped model's.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct TrainConfig {
    /// Hash bits of the SI table.
    pub si_bits: u32,
    /// Hash bits of the TC table.
    pub tc_bits: u32,
    /// Passes over the data for SI.
    pub si_epochs: usize,
    /// Passes over the data for TC.
    pub tc_epochs: usize,
    /// AdaGrad learning rate for SI.
    pub si_lr: f32,
    /// AdaGrad learning rate for TC.
    pub tc_lr: f32,
    /// L2 penalty for SI.
    pub si_l2: f32,
    /// L2 penalty for TC.
    pub tc_l2: f32,
    /// Cross-validation folds for tuning the decoding (0 keeps the default decoding).
    pub folds: usize,
    /// Seed for shuffling.
    pub seed: u64,
    /// Copies trained with different shuffles whose weights are averaged.
    pub seeds: usize,
}

impl Default for TrainConfig {
    fn default() -> TrainConfig {
        TrainConfig {
            si_bits: 20,
            tc_bits: 18,
            si_epochs: 12,
            tc_epochs: 15,
            si_lr: 0.03,
            tc_lr: 0.03,
            si_l2: 1e-6,
            tc_l2: 1e-6,
            folds: 5,
            seed: 13,
            seeds: 4,
        }
    }
}

/// What training did, for the model card.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct TrainReport {
    /// Training documents.
    pub documents: usize,
    /// Tokens seen by SI.
    pub tokens: usize,
    /// Gold spans seen by TC.
    pub spans: usize,
    /// Decoding chosen by cross-validation.
    pub decode: DecodeConfig,
    /// Out-of-fold SI F1 of that decoding (on the training documents).
    pub cv_si_f1: f64,
    /// Seconds spent.
    pub seconds: f64,
}

/// SI training material of one document.
struct SiDoc {
    feats: Vec<Feature>,
    offsets: Vec<usize>,
    sent_feats: Vec<Vec<Feature>>,
    sentences: Vec<Range<usize>>,
    labels: Vec<f32>,
}

fn si_doc(doc: &Document, bits: u32) -> SiDoc {
    let d = DocTokens::new(doc.text());
    let gold = doc.layer(layers::TECHNIQUE);
    let mut feats = Vec::new();
    let mut offsets = vec![0];
    let mut tf = Vec::new();
    let mut labels = Vec::with_capacity(d.len());
    for (i, t) in d.tokens.iter().enumerate() {
        si_token_features(&d, i, bits, &mut tf);
        feats.extend_from_slice(&tf);
        offsets.push(feats.len());
        let inside = gold.iter().any(|g| g.start() < t.end && t.start < g.end());
        labels.push(if inside { 1.0 } else { 0.0 });
    }
    let sent_feats = (0..d.sentence_tokens.len())
        .map(|s| {
            let mut v = Vec::new();
            si_sentence_features(&d, s, bits, &mut v);
            v
        })
        .collect();
    SiDoc {
        feats,
        offsets,
        sent_feats,
        sentences: d.sentence_tokens.clone(),
        labels,
    }
}

fn train_si(docs: &[&SiDoc], cfg: &TrainConfig, seed: u64) -> BinaryModel {
    let mut m = BinaryModel::new(cfg.si_bits);
    let mut opt = AdaGrad::new(m.weights.len(), cfg.si_lr, cfg.si_l2);
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut order: Vec<usize> = (0..docs.len()).collect();
    let mut grads = Vec::new();
    for _ in 0..cfg.si_epochs {
        order.shuffle(&mut rng);
        for &di in &order {
            let d = docs[di];
            for (s, r) in d.sentences.iter().enumerate() {
                let base = m.logit(&d.sent_feats[s]);
                grads.clear();
                for i in r.clone() {
                    let f = &d.feats[d.offsets[i]..d.offsets[i + 1]];
                    let g = sigmoid(base + m.logit(f)) - d.labels[i];
                    grads.push(g);
                    for &k in f {
                        opt.step(&mut m.weights, k as usize, g);
                    }
                }
                if !grads.is_empty() {
                    let g = grads.iter().sum::<f32>() / (grads.len() as f32).sqrt();
                    for &k in &d.sent_feats[s] {
                        opt.step(&mut m.weights, k as usize, g);
                    }
                }
            }
        }
    }
    m
}

fn si_probs(m: &BinaryModel, d: &SiDoc) -> Vec<f32> {
    let mut out = Vec::with_capacity(d.labels.len());
    for (s, r) in d.sentences.iter().enumerate() {
        let base = m.logit(&d.sent_feats[s]);
        for i in r.clone() {
            out.push(sigmoid(
                base + m.logit(&d.feats[d.offsets[i]..d.offsets[i + 1]]),
            ));
        }
    }
    out
}

fn train_tc(
    examples: &[(Vec<Feature>, usize)],
    classes: usize,
    cfg: &TrainConfig,
    seed: u64,
) -> SoftmaxModel {
    let mut m = SoftmaxModel::new(cfg.tc_bits, classes);
    let mut opt = AdaGrad::new(m.weights.len(), cfg.tc_lr, cfg.tc_l2);
    let mut rng = ChaCha8Rng::seed_from_u64(seed ^ 0x7C);
    let mut order: Vec<usize> = (0..examples.len()).collect();
    let mut p = vec![0.0; classes];
    for _ in 0..cfg.tc_epochs {
        order.shuffle(&mut rng);
        for &e in &order {
            let (f, y) = &examples[e];
            m.logits(f, &mut p);
            softmax_in_place(&mut p);
            p[*y] -= 1.0;
            for &k in f {
                let row = k as usize * classes;
                for (c, &g) in p.iter().enumerate() {
                    opt.step(&mut m.weights, row + c, g);
                }
            }
        }
    }
    m
}

/// TC examples (features, class) of every gold span of `docs`.
fn tc_examples(docs: &[Document], labels: &[String], bits: u32) -> Vec<(Vec<Feature>, usize)> {
    docs.par_iter()
        .flat_map_iter(|doc| {
            let ctx = TcContext::new(doc.text());
            doc.layer(layers::TECHNIQUE)
                .iter()
                .filter_map(|g| {
                    let y = labels.iter().position(|l| *l == g.label)?;
                    let mut f = Vec::new();
                    tc_features(
                        &ctx,
                        g.start(),
                        g.end(),
                        &mut HashSink { bits, out: &mut f },
                    );
                    Some((f, y))
                })
                .collect::<Vec<_>>()
        })
        .collect()
}

/// The decoding grid searched by cross-validation.
fn decode_grid() -> Vec<DecodeConfig> {
    let mut grid = Vec::new();
    for t in 0..=18 {
        let threshold = 0.1 + 0.025 * t as f32;
        for max_gap in [0, 1, 2, 3, 5, 8, 12, 20, 40] {
            for min_words in [1, 2, 3] {
                grid.push(DecodeConfig {
                    threshold,
                    max_gap,
                    min_words,
                });
            }
        }
    }
    grid
}

/// SI F1 of byte-offset predictions against the documents' gold spans
/// (the code-point partial-overlap metric of SemEval-2020 Task 11).
pub fn si_f1_docs(docs: &[Document], preds: &[Vec<(usize, usize)>]) -> f64 {
    let mut gold = Vec::new();
    let mut pred = Vec::new();
    for (doc, p) in docs.iter().zip(preds) {
        let idx = doc.char_index();
        for g in doc.layer(layers::TECHNIQUE) {
            gold.push(LabeledSpan::si(
                &doc.id,
                idx.to_char(g.start()),
                idx.to_char(g.end()),
            ));
        }
        for &(s, e) in p {
            pred.push(LabeledSpan::si(&doc.id, idx.to_char(s), idx.to_char(e)));
        }
    }
    score_si(&gold, &pred).f1
}

/// Trains `seeds` copies with different shuffles (in parallel) and averages
/// their weights: for a linear model that is averaging the copies' scores.
fn averaged<T: Send>(
    seeds: usize,
    base: u64,
    train: impl Fn(u64) -> T + Sync,
    weights: impl Fn(&mut T) -> &mut Vec<f32>,
) -> T {
    let mut models: Vec<T> = (0..seeds.max(1) as u64)
        .into_par_iter()
        .map(|k| train(base.wrapping_add(k * 7919)))
        .collect();
    let mut first = models.remove(0);
    let n = (models.len() + 1) as f32;
    let acc = weights(&mut first);
    for m in &mut models {
        for (a, b) in acc.iter_mut().zip(weights(m).iter()) {
            *a += *b;
        }
    }
    acc.iter_mut().for_each(|a| *a /= n);
    first
}

/// Trains a fast model on `docs` (gold spans in their `technique` layer).
///
/// # Errors
/// When there are no documents or no gold spans.
pub fn train(docs: &[Document], cfg: &TrainConfig) -> Result<(FastModel, TrainReport), ModelError> {
    let started = Instant::now();
    if docs.is_empty() {
        return Err(ModelError::Training("no training documents".into()));
    }
    let mut labels: Vec<String> = docs
        .iter()
        .flat_map(|d| d.layer(layers::TECHNIQUE))
        .map(|s| s.label.clone())
        .collect();
    labels.sort();
    labels.dedup();
    if labels.is_empty() {
        return Err(ModelError::Training(
            "the training documents have no gold technique spans".into(),
        ));
    }
    tracing::info!(
        documents = docs.len(),
        labels = labels.len(),
        "extracting features"
    );
    let si_docs: Vec<SiDoc> = docs.par_iter().map(|d| si_doc(d, cfg.si_bits)).collect();
    let tokens = si_docs.iter().map(|d| d.labels.len()).sum();

    // Cross-validated decoding.
    let mut decode_cfg = DecodeConfig::default();
    let mut cv_si_f1 = f64::NAN;
    if cfg.folds >= 2 && docs.len() >= cfg.folds {
        let mut idx: Vec<usize> = (0..docs.len()).collect();
        idx.shuffle(&mut ChaCha8Rng::seed_from_u64(cfg.seed ^ 0xF01D));
        let fold_of: Vec<usize> = {
            let mut f = vec![0; docs.len()];
            for (k, &i) in idx.iter().enumerate() {
                f[i] = k % cfg.folds;
            }
            f
        };
        let oof: Vec<Vec<(usize, Vec<f32>)>> = (0..cfg.folds)
            .into_par_iter()
            .map(|k| {
                let train: Vec<&SiDoc> = (0..docs.len())
                    .filter(|&i| fold_of[i] != k)
                    .map(|i| &si_docs[i])
                    .collect();
                let m = train_si(&train, cfg, cfg.seed);
                (0..docs.len())
                    .filter(|&i| fold_of[i] == k)
                    .map(|i| (i, si_probs(&m, &si_docs[i])))
                    .collect()
            })
            .collect();
        let mut probs: Vec<Vec<f32>> = vec![Vec::new(); docs.len()];
        for (i, p) in oof.into_iter().flatten() {
            probs[i] = p;
        }
        let toks: Vec<DocTokens> = docs.iter().map(|d| DocTokens::new(d.text())).collect();
        let scored: Vec<(f64, DecodeConfig)> = decode_grid()
            .into_par_iter()
            .map(|c| {
                let preds: Vec<Vec<(usize, usize)>> = toks
                    .iter()
                    .zip(&probs)
                    .map(|(d, p)| {
                        decode(d, p, None, &c)
                            .iter()
                            .map(|s| (s.start, s.end))
                            .collect()
                    })
                    .collect();
                (si_f1_docs(docs, &preds), c)
            })
            .collect();
        if let Some((f1, c)) = scored.into_iter().max_by(|a, b| a.0.total_cmp(&b.0)) {
            tracing::info!(f1, ?c, "cross-validated decoding");
            cv_si_f1 = f1;
            decode_cfg = c;
        }
    }

    let all: Vec<&SiDoc> = si_docs.iter().collect();
    let si = averaged(
        cfg.seeds,
        cfg.seed,
        |s| train_si(&all, cfg, s),
        |m| &mut m.weights,
    );
    let examples = tc_examples(docs, &labels, cfg.tc_bits);
    let tc = averaged(
        cfg.seeds,
        cfg.seed,
        |s| train_tc(&examples, labels.len(), cfg, s),
        |m| &mut m.weights,
    );
    let report = TrainReport {
        documents: docs.len(),
        tokens,
        spans: examples.len(),
        decode: decode_cfg,
        cv_si_f1,
        seconds: started.elapsed().as_secs_f64(),
    };
    let info = ModelInfo {
        name: "fast-linear".into(),
        feature_version: FEATURE_VERSION,
        si_bits: cfg.si_bits,
        tc_bits: cfg.tc_bits,
        labels,
        decode: decode_cfg,
        training: serde_json::json!({ "config": cfg, "report": report }),
    };
    Ok((FastModel::from_parts(info, &si, &tc), report))
}

#[cfg(test)]
mod tests {
    use super::*;
    use unspin_document::Span;

    fn doc(id: &str, text: &str, gold: &[&str]) -> Document {
        let mut d = Document::new(id, text);
        for g in gold {
            if let Some(s) = text.find(g) {
                d.add_span(
                    layers::TECHNIQUE,
                    Span::new(s, s + g.len(), "Loaded_Language").unwrap(),
                )
                .unwrap();
            }
        }
        d
    }

    #[test]
    fn refuses_empty_or_unlabelled_corpora() {
        assert!(train(&[], &TrainConfig::default()).is_err());
        let d = doc("1", "Nothing here.", &[]);
        assert!(train(&[d], &TrainConfig::default()).is_err());
    }

    #[test]
    fn learns_a_tiny_corpus_deterministically() {
        let docs: Vec<Document> = (0..6)
            .map(|i| {
                doc(
                    &i.to_string(),
                    &format!(
                        "Title {i}\n\nThe evil monsters struck again.\nThe weather was mild today."
                    ),
                    &["evil monsters"],
                )
            })
            .collect();
        let cfg = TrainConfig {
            si_bits: 12,
            tc_bits: 10,
            folds: 2,
            seeds: 2,
            ..TrainConfig::default()
        };
        let (m1, report) = train(&docs, &cfg).unwrap();
        let (m2, _) = train(&docs, &cfg).unwrap();
        assert_eq!(m1.weights_digest(), m2.weights_digest());
        assert_eq!(report.spans, 6);
        let probe = Document::new(
            "p",
            "Headline\n\nThe evil monsters struck again.\nThe weather was mild today.",
        );
        let spans = m1.detect(&probe);
        assert!(
            spans.iter().any(|s| probe.span_text(s).contains("evil")),
            "{spans:?}"
        );
        assert!(!spans.iter().any(|s| probe.span_text(s).contains("weather")));
    }
}
