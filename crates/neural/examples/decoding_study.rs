//! Span decoding variants of the neural tier, each chosen on a split's tuning
//! articles and scored on its validation articles, over several splits
//! (issue 17: choose with several splits, report mean and spread).
//!
//! Each argument is one split: `NEURAL_FILE:METRICS_JSON:FAST_FILE` — the
//! tuned neural model, the metrics file that records its split, and the fast
//! model it is blended with on validation (trained without those articles).
//! Tuning uses a fast model trained on the split's encoder-training articles,
//! as `unspin train --task neural` does. Every variant re-searches the whole
//! grid on the tuning articles; validation is only scored.
//!
//! ```sh
//! cargo run --release -p unspin-neural --example decoding_study -- \
//!   models/neural/neural.safetensors:models/neural/neural.metrics.json:models/fast/fast.safetensors \
//!   training/splits/s1/neural/neural.safetensors:training/splits/s1/neural/neural.metrics.json:training/splits/s1/fast/fast.safetensors
//! ```

use std::path::Path;

use rayon::prelude::*;
use unspin_document::Document;
use unspin_neural::tune::{run_all, split_docs};
use unspin_neural::{Analysis, NeuralModel, NeuralTier};
use unspin_techniques::train::{si_f1_docs, train as train_fast, TrainConfig};
use unspin_techniques::{decode, DecodeConfig, FastModel};
use unspin_testkit::workspace_root;

/// A decoding: the tier's own settings plus a span filter.
#[derive(Debug, Clone, Copy)]
struct Variant {
    blend: f32,
    cfg: DecodeConfig,
    /// A span is kept only when one of its tokens reaches this.
    peak: f32,
    /// A span is kept only when its mean probability reaches this.
    mean: f32,
    /// Token probabilities smoothed with their neighbours (1-2-1) first.
    smooth: bool,
}

fn spans(a: &Analysis<'_>, probs: &[f32], v: &Variant) -> Vec<(usize, usize)> {
    let toks = &a.tokens.tokens;
    decode(&a.tokens, probs, None, &v.cfg)
        .into_iter()
        .filter(|d| {
            if d.score < v.mean {
                return false;
            }
            if v.peak <= v.cfg.threshold {
                return true;
            }
            let first = toks.partition_point(|t| t.start < d.start);
            let last = toks.partition_point(|t| t.start < d.end);
            probs[first..last].iter().any(|&p| p >= v.peak)
        })
        .map(|d| (d.start, d.end))
        .collect()
}

fn f1(docs: &[Document], runs: &[Analysis<'_>], blended: &[Vec<Vec<f32>>], v: &Variant) -> f64 {
    let bi = (v.blend * 10.0).round() as usize + if v.smooth { 11 } else { 0 };
    let preds: Vec<_> = runs
        .iter()
        .zip(&blended[bi])
        .map(|(a, p)| spans(a, p, v))
        .collect();
    si_f1_docs(docs, &preds)
}

fn grid(peaks: &[f32], means: &[f32], smooth: bool) -> Vec<Variant> {
    let mut out = Vec::new();
    for b in 0..=10 {
        for t in 0..=24 {
            for &max_gap in &[0usize, 1, 2, 3, 5, 10, 20] {
                for min_words in 1..=2 {
                    for (&peak, &mean) in
                        peaks.iter().flat_map(|p| means.iter().map(move |m| (p, m)))
                    {
                        out.push(Variant {
                            mean,
                            smooth,
                            blend: b as f32 / 10.0,
                            cfg: DecodeConfig {
                                threshold: 0.1 + 0.025 * t as f32,
                                max_gap,
                                min_words,
                            },
                            peak,
                        });
                    }
                }
            }
        }
    }
    out
}

fn smoothed(a: &Analysis<'_>, p: &[f32]) -> Vec<f32> {
    let mut out = p.to_vec();
    for r in &a.tokens.sentence_tokens {
        for i in r.clone() {
            let l = if i > r.start { p[i - 1] } else { p[i] };
            let n = if i + 1 < r.end { p[i + 1] } else { p[i] };
            out[i] = (l + 2.0 * p[i] + n) / 4.0;
        }
    }
    out
}

fn blends(runs: &[Analysis<'_>]) -> Vec<Vec<Vec<f32>>> {
    let plain: Vec<Vec<Vec<f32>>> = (0..=10)
        .map(|b| runs.iter().map(|a| a.blended(b as f32 / 10.0)).collect())
        .collect();
    let smooth: Vec<Vec<Vec<f32>>> = plain
        .iter()
        .map(|per| runs.iter().zip(per).map(|(a, p)| smoothed(a, p)).collect())
        .collect();
    plain.into_iter().chain(smooth).collect()
}

type Error = Box<dyn std::error::Error>;

/// Reads `path`, naming it in the error.
fn read(path: &Path) -> Result<Vec<u8>, Error> {
    std::fs::read(path).map_err(|e| format!("{}: {e}", path.display()).into())
}

fn main() -> Result<(), Error> {
    let data = std::env::var("PTC").unwrap_or_else(|_| "../shared/data/ptc/train".into());
    let root = workspace_root();
    let docs =
        unspin_readers::read_ptc_dir(root.join(&data)).map_err(|e| format!("{data}: {e}"))?;
    let tokenizer = read(&root.join("models/neural/tokenizer.json"))?;
    type V = (&'static str, Vec<f32>, Vec<f32>, bool);
    let variants: Vec<V> = vec![
        ("baseline", vec![0.0], vec![0.0], false),
        (
            "peak",
            vec![0.0, 0.3, 0.35, 0.4, 0.45, 0.5, 0.6],
            vec![0.0],
            false,
        ),
        (
            "mean",
            vec![0.0],
            vec![0.0, 0.3, 0.35, 0.4, 0.45, 0.5],
            false,
        ),
        ("smooth", vec![0.0], vec![0.0], true),
        (
            "smooth+peak",
            vec![0.0, 0.3, 0.35, 0.4, 0.45, 0.5, 0.6],
            vec![0.0],
            true,
        ),
    ];
    if std::env::args().len() < 2 {
        return Err("usage: decoding_study NEURAL:METRICS:FAST... (one argument a split)".into());
    }
    let mut table: Vec<Vec<(f64, f64)>> = vec![Vec::new(); variants.len()];
    for arg in std::env::args().skip(1) {
        let parts: Vec<&str> = arg.split(':').collect();
        let [neural, metrics, fast] = parts[..] else {
            return Err(format!("want NEURAL:METRICS:FAST, got {arg}").into());
        };
        let m: serde_json::Value = serde_json::from_slice(&read(&root.join(metrics))?)
            .map_err(|e| format!("{metrics}: {e}"))?;
        let [train, tune, valid] = split_docs(&m, &docs).map_err(|e| format!("{metrics}: {e}"))?;
        let bytes = read(&root.join(neural))?;
        let (tune_fast, _) = train_fast(&train, &TrainConfig::default())?;
        let tune_tier = NeuralTier {
            neural: NeuralModel::from_bytes(&bytes, &tokenizer)?,
            fast: tune_fast,
        };
        let valid_tier = NeuralTier {
            neural: NeuralModel::from_bytes(&bytes, &tokenizer)?,
            fast: FastModel::load(&root.join(fast)).map_err(|e| format!("{fast}: {e}"))?,
        };
        let (truns, vruns) = (run_all(&tune_tier, &tune)?, run_all(&valid_tier, &valid)?);
        let (tb, vb) = (blends(&truns), blends(&vruns));
        for (k, (name, peaks, means, smooth)) in variants.iter().enumerate() {
            let best = grid(peaks, means, *smooth)
                .into_par_iter()
                .map(|v| (v, f1(&tune, &truns, &tb, &v)))
                .reduce_with(|x, y| if y.1 > x.1 { y } else { x })
                .ok_or("empty grid")?;
            let vf = f1(&valid, &vruns, &vb, &best.0);
            println!(
                "{neural}\t{name}\ttune {:.4}\tvalid {vf:.4}\t{:?}",
                best.1, best.0
            );
            table[k].push((best.1, vf));
        }
    }
    for (k, (name, ..)) in variants.iter().enumerate() {
        let v: Vec<f64> = table[k].iter().map(|x| x.1).collect();
        let n = v.len() as f64;
        let mean = v.iter().sum::<f64>() / n;
        let sd = (v.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1.0).max(1.0)).sqrt();
        println!("{name}: valid SI mean {mean:.4} sd {sd:.4} per split {v:.4?}");
    }
    Ok(())
}
