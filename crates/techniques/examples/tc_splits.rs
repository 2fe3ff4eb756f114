//! The fast tier's technique classification (TC) over several validation
//! splits: trains TC on each split's 85 % and prints the micro-F1 on its
//! held-out 15 %, with the mean, spread and lowest (issue 17: choose with
//! several splits, not one).
//!
//! ```sh
//! cargo run --release -p unspin-techniques --example tc_splits -- ../shared/data/ptc/train 13 1 2 3 4
//! ```
//!
//! SI is not trained (its epochs are set to 0); `TC_EPOCHS`, `TC_LR`,
//! `TC_L2`, `TC_BITS` and `SEEDS` override the training defaults.

use rayon::prelude::*;
use unspin_document::layers;
use unspin_eval::{score_tc, LabeledSpan};
use unspin_readers::{read_ptc_dir, split_ids, VALIDATION_FRACTION};
use unspin_techniques::train::{train, TrainConfig};

fn env<T: std::str::FromStr>(name: &str, default: T) -> T {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn main() {
    let mut args = std::env::args().skip(1);
    let dir = args
        .next()
        .unwrap_or_else(|| "../shared/data/ptc/train".into());
    let seeds: Vec<u64> = args.filter_map(|s| s.parse().ok()).collect();
    let seeds = if seeds.is_empty() {
        vec![13, 1, 2, 3, 4]
    } else {
        seeds
    };
    let docs = read_ptc_dir(&dir).unwrap_or_else(|e| panic!("{dir}: {e}"));
    let ids: Vec<String> = docs.iter().map(|d| d.id.clone()).collect();
    let defaults = TrainConfig::default();
    let cfg = TrainConfig {
        si_epochs: 0,
        folds: 0,
        tc_epochs: env("TC_EPOCHS", defaults.tc_epochs),
        tc_lr: env("TC_LR", defaults.tc_lr),
        tc_l2: env("TC_L2", defaults.tc_l2),
        tc_bits: env("TC_BITS", defaults.tc_bits),
        seeds: env("SEEDS", defaults.seeds),
        ..defaults
    };
    let mut scores = Vec::new();
    for &seed in &seeds {
        let (_, valid) = split_ids(&ids, VALIDATION_FRACTION, seed);
        let (tr, va): (Vec<_>, Vec<_>) = docs.iter().cloned().partition(|d| !valid.contains(&d.id));
        let (model, _) = train(&tr, &cfg).expect("training");
        let pairs: Vec<(Vec<LabeledSpan>, Vec<LabeledSpan>)> = va
            .par_iter()
            .map(|doc| {
                let index = doc.char_index();
                let gold_spans = doc.layer(layers::TECHNIQUE);
                let gold: Vec<LabeledSpan> = gold_spans
                    .iter()
                    .map(|s| {
                        LabeledSpan::tc(
                            doc.id.clone(),
                            s.label.clone(),
                            index.to_char(s.start()),
                            index.to_char(s.end()),
                        )
                    })
                    .collect();
                let ranges: Vec<(usize, usize)> =
                    gold_spans.iter().map(|s| (s.start(), s.end())).collect();
                let pred = model
                    .classify(doc.text(), &ranges)
                    .into_iter()
                    .zip(&gold)
                    .map(|(c, g)| LabeledSpan::tc(doc.id.clone(), c.label, g.start, g.end))
                    .collect();
                (gold, pred)
            })
            .collect();
        let (gold, pred): (Vec<_>, Vec<_>) = pairs.into_iter().unzip();
        let s = score_tc(&gold.concat(), &pred.concat());
        println!(
            "split {seed:>3}: TC micro-F1 {:.4} ({} spans)",
            s.f1, s.gold
        );
        scores.push(s.f1);
    }
    let n = scores.len() as f64;
    let mean = scores.iter().sum::<f64>() / n;
    let sd = (scores.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1.0).max(1.0)).sqrt();
    let min = scores.iter().cloned().fold(f64::INFINITY, f64::min);
    println!(
        "mean {mean:.4}  sd {sd:.4}  lowest {min:.4}  ({} splits)",
        scores.len()
    );
}
