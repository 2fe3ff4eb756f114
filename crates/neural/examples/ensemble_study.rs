//! Two fine-tuned encoders averaged (a prediction ensemble) against each
//! alone, over several splits (issue 17: choose with several splits, report
//! mean and spread).
//!
//! Each argument is one split: `NEURAL_A:NEURAL_B:METRICS_JSON:FAST_FILE` —
//! two tuned neural models fine-tuned without the split's tuning and
//! validation articles, the metrics file that records the split (model A's),
//! and the fast model the tier is blended with on validation (trained without
//! those articles). Tuning uses a fast model trained on the split's
//! encoder-training articles, as `unspin train --task neural` does.
//!
//! For each of A, B and the ensemble (the mean of A's and B's word
//! probabilities, and of their technique heads' probabilities), the blend
//! with the fast tier and the decoding are searched on the tuning articles
//! (the grid of `unspin train --task neural`), and so is the technique
//! blend; the validation articles are scored once with what was chosen.
//!
//! ```sh
//! cargo run --release -p unspin-neural --example ensemble_study -- \
//!   models/neural/neural.safetensors:training/splits/tokt/s13/neural/neural.safetensors:models/neural/neural.metrics.json:models/fast/fast.safetensors
//! ```

use std::path::Path;

use rayon::prelude::*;
use unspin_document::{layers, Document};
use unspin_eval::{score_tc, LabeledSpan};
use unspin_neural::tune::{decoding_grid, run_all, split_docs};
use unspin_neural::{Analysis, NeuralModel, NeuralTier};
use unspin_techniques::train::{si_f1_docs, train as train_fast, TrainConfig};
use unspin_techniques::{assign_labels, decode, DecodeConfig, FastModel};
use unspin_testkit::workspace_root;

type Error = Box<dyn std::error::Error>;

/// Reads `path`, naming it in the error.
fn read(path: &Path) -> Result<Vec<u8>, Error> {
    std::fs::read(path).map_err(|e| format!("{}: {e}", path.display()).into())
}

/// One article as a member (or the ensemble) sees it: blended word
/// probabilities for each blend of the grid, the neural technique
/// probabilities and the fast tier's of the gold spans.
struct Seen<'a> {
    run: &'a Analysis<'a>,
    /// Per blend `b/10`, the word probabilities.
    blended: Vec<Vec<f32>>,
    /// Neural technique probabilities of the gold spans.
    neural_tc: Vec<Vec<f32>>,
    /// Fast-tier technique probabilities of the gold spans.
    fast_tc: Vec<Vec<f32>>,
}

fn seen<'a>(
    run: &'a Analysis<'a>,
    neural_probs: &[f32],
    neural_tc: Vec<Vec<f32>>,
    fast_tc: Vec<Vec<f32>>,
) -> Seen<'a> {
    let blended = (0..=10)
        .map(|b| {
            let b = b as f32 / 10.0;
            neural_probs
                .iter()
                .zip(&run.fast_probs)
                .map(|(n, f)| b * n + (1.0 - b) * f)
                .collect()
        })
        .collect();
    Seen {
        run,
        blended,
        neural_tc,
        fast_tc,
    }
}

fn gold_ranges(doc: &Document) -> Vec<(usize, usize)> {
    doc.layer(layers::TECHNIQUE)
        .iter()
        .map(|s| (s.start(), s.end()))
        .collect()
}

fn si(docs: &[Document], seen: &[Seen<'_>], b: usize, cfg: &DecodeConfig) -> f64 {
    let preds: Vec<Vec<(usize, usize)>> = seen
        .iter()
        .map(|s| {
            decode(&s.run.tokens, &s.blended[b], None, cfg)
                .into_iter()
                .map(|d| (d.start, d.end))
                .collect()
        })
        .collect();
    si_f1_docs(docs, &preds)
}

fn tc(docs: &[Document], seen: &[Seen<'_>], labels: &[String], tc_blend: f32) -> f64 {
    let (mut gold, mut pred) = (Vec::new(), Vec::new());
    for (doc, s) in docs.iter().zip(seen) {
        let idx = doc.char_index();
        let ranges = gold_ranges(doc);
        let probs: Vec<Vec<f32>> = s
            .neural_tc
            .iter()
            .zip(&s.fast_tc)
            .map(|(n, f)| {
                n.iter()
                    .zip(f)
                    .map(|(a, b)| tc_blend * a + (1.0 - tc_blend) * b)
                    .collect()
            })
            .collect();
        for (c, g) in assign_labels(labels, &ranges, probs)
            .into_iter()
            .zip(doc.layer(layers::TECHNIQUE))
        {
            let (a, e) = (idx.to_char(g.start()), idx.to_char(g.end()));
            gold.push(LabeledSpan::tc(doc.id.clone(), g.label.clone(), a, e));
            pred.push(LabeledSpan::tc(doc.id.clone(), c.label, a, e));
        }
    }
    score_tc(&gold, &pred).f1
}

/// Chooses blend, decoding and technique blend on `tune`, scores `valid`:
/// (tune SI, valid SI, tune TC, valid TC).
fn choose_and_score(
    tune: (&[Document], &[Seen<'_>]),
    valid: (&[Document], &[Seen<'_>]),
    labels: &[String],
) -> Result<(f64, f64, f64, f64), Error> {
    let (b, cfg, tune_si) = decoding_grid()
        .into_par_iter()
        .map(|(b, cfg)| {
            let b = (b * 10.0).round() as usize;
            (b, cfg, si(tune.0, tune.1, b, &cfg))
        })
        .reduce_with(|x, y| if y.2 > x.2 { y } else { x })
        .ok_or("empty grid")?;
    let (tb, tune_tc) = (0..=10)
        .map(|k| {
            let t = k as f32 / 10.0;
            (t, tc(tune.0, tune.1, labels, t))
        })
        .fold((1.0, -1.0), |x, y| if y.1 > x.1 { y } else { x });
    Ok((
        tune_si,
        si(valid.0, valid.1, b, &cfg),
        tune_tc,
        tc(valid.0, valid.1, labels, tb),
    ))
}

fn mean_sd(v: &[f64]) -> (f64, f64) {
    let n = v.len() as f64;
    let mean = v.iter().sum::<f64>() / n;
    let sd = (v.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1.0).max(1.0)).sqrt();
    (mean, sd)
}

/// One part's runs of A and B, A's and B's technique probabilities of the
/// gold spans, and the fast tier's.
type Part<'a> = (
    Vec<Analysis<'a>>,
    Vec<Analysis<'a>>,
    Vec<Vec<Vec<f32>>>,
    Vec<Vec<Vec<f32>>>,
    Vec<Vec<Vec<f32>>>,
);

/// What condition `c` (0: A, 1: B, 2: their average) sees of one part.
fn condition<'p>(c: usize, part: &'p Part<'_>) -> Vec<Seen<'p>> {
    let (ra, rb, na, nb, fast_tc) = part;
    (0..ra.len())
        .map(|i| {
            let (probs, tc) = match c {
                0 => (ra[i].neural_probs.clone(), na[i].clone()),
                1 => (rb[i].neural_probs.clone(), nb[i].clone()),
                _ => (
                    average(&ra[i].neural_probs, &rb[i].neural_probs),
                    na[i]
                        .iter()
                        .zip(&nb[i])
                        .map(|(x, y)| average(x, y))
                        .collect(),
                ),
            };
            seen(&ra[i], &probs, tc, fast_tc[i].clone())
        })
        .collect()
}

fn average(a: &[f32], b: &[f32]) -> Vec<f32> {
    a.iter().zip(b).map(|(x, y)| 0.5 * (x + y)).collect()
}

fn main() -> Result<(), Error> {
    let data = std::env::var("PTC").unwrap_or_else(|_| "../shared/data/ptc/train".into());
    let root = workspace_root();
    let docs =
        unspin_readers::read_ptc_dir(root.join(&data)).map_err(|e| format!("{data}: {e}"))?;
    let tokenizer = read(&root.join("models/neural/tokenizer.json"))?;
    if std::env::args().len() < 2 {
        return Err(
            "usage: ensemble_study NEURAL_A:NEURAL_B:METRICS:FAST... (one argument a split)".into(),
        );
    }
    let names = ["A", "B", "A+B"];
    // Per condition, per split: (tune SI, valid SI, tune TC, valid TC).
    let mut table: Vec<Vec<(f64, f64, f64, f64)>> = vec![Vec::new(); names.len()];
    for arg in std::env::args().skip(1) {
        let parts: Vec<&str> = arg.split(':').collect();
        let [neural_a, neural_b, metrics, fast] = parts[..] else {
            return Err(format!("want NEURAL_A:NEURAL_B:METRICS:FAST, got {arg}").into());
        };
        let m: serde_json::Value = serde_json::from_slice(&read(&root.join(metrics))?)
            .map_err(|e| format!("{metrics}: {e}"))?;
        let [train, tune, valid] = split_docs(&m, &docs).map_err(|e| format!("{metrics}: {e}"))?;
        let (tune_fast, _) = train_fast(&train, &TrainConfig::default())?;
        let valid_fast = FastModel::load(&root.join(fast)).map_err(|e| format!("{fast}: {e}"))?;
        let model = |path: &str| -> Result<NeuralModel, Error> {
            Ok(NeuralModel::from_bytes(
                &read(&root.join(path))?,
                &tokenizer,
            )?)
        };
        let mut ta = NeuralTier {
            neural: model(neural_a)?,
            fast: tune_fast,
        };
        let mut tb = NeuralTier {
            neural: model(neural_b)?,
            fast: ta.fast.clone(),
        };
        let labels = ta.neural.info.labels.clone();
        // The tuning articles with the tuning fast model, then validation
        // with the split's own.
        let mut by_part: Vec<Part<'_>> = Vec::new();
        for (k, part) in [&tune, &valid].into_iter().enumerate() {
            if k == 1 {
                ta.fast = valid_fast.clone();
                tb.fast = valid_fast.clone();
            }
            let (ra, rb) = (run_all(&ta, part)?, run_all(&tb, part)?);
            let ranges: Vec<_> = part.iter().map(gold_ranges).collect();
            let fast_tc: Vec<Vec<Vec<f32>>> = part
                .iter()
                .zip(&ranges)
                .map(|(d, r)| ta.fast.classify_probs(d.text(), r))
                .collect();
            let na: Vec<Vec<Vec<f32>>> = ra
                .iter()
                .zip(&ranges)
                .map(|(a, r)| ta.neural.technique_probs(&a.encoded, r))
                .collect();
            let nb: Vec<Vec<Vec<f32>>> = rb
                .iter()
                .zip(&ranges)
                .map(|(a, r)| tb.neural.technique_probs(&a.encoded, r))
                .collect();
            by_part.push((ra, rb, na, nb, fast_tc));
        }
        let conditions: Vec<[Vec<Seen<'_>>; 2]> = (0..names.len())
            .map(|c| [condition(c, &by_part[0]), condition(c, &by_part[1])])
            .collect();
        for (c, [t, v]) in conditions.iter().enumerate() {
            let row = choose_and_score((&tune, t), (&valid, v), &labels)?;
            println!(
                "{metrics}\t{}\ttune SI {:.4} valid SI {:.4}\ttune TC {:.4} valid TC {:.4}",
                names[c], row.0, row.1, row.2, row.3
            );
            table[c].push(row);
        }
    }
    println!("| | validation SI mean (sd) | per split | validation TC mean (sd) | per split |");
    println!("|---|---:|---|---:|---|");
    for (c, rows) in table.iter().enumerate() {
        let si: Vec<f64> = rows.iter().map(|r| r.1).collect();
        let tcs: Vec<f64> = rows.iter().map(|r| r.3).collect();
        let ((sm, ss), (tm, ts)) = (mean_sd(&si), mean_sd(&tcs));
        let list = |v: &[f64]| {
            v.iter()
                .map(|x| format!("{x:.4}"))
                .collect::<Vec<_>>()
                .join(" ")
        };
        println!(
            "| {} | {sm:.4} ({ss:.4}) | {} | {tm:.4} ({ts:.4}) | {} |",
            names[c],
            list(&si),
            list(&tcs)
        );
    }
    Ok(())
}
