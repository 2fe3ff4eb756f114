//! How far apart the encoders' windows start (the stride) at inference:
//! accuracy and work, for the technique tier and the attribution tagger.
//!
//! Both encoders read a long text in windows of 256 pieces; with a stride of
//! 128 (the technique tier's, and the attribution tagger's until
//! 2026-12-07, now 224) every piece is encoded about twice. This scores the
//! shipped models with each stride given (set on both), on articles their
//! encoders never saw: the technique tier (f32, blended with the shipped fast model)
//! on its validation articles and, apart, on its tuning articles (whose
//! settings were fitted at stride 128, and which the fast model has seen);
//! the attribution tagger (f32, tagger alone) on PolNeAR dev and on every
//! 10th PolNeAR `train` article (a slice its decoding was chosen on).
//!
//! ```sh
//! cargo run --release -p unspin-neural --example stride_study -- \
//!   ../shared/data/ptc/train ../shared/data/quotes/polnear/data 128 160 192 224 254
//! ```

use std::time::Instant;

use unspin_attribution::{evaluate_with, read_training_articles, AttributionTagger};
use unspin_document::Document;
use unspin_neural::encoder::Precision;
use unspin_neural::tune::score_docs;
use unspin_neural::{NeuralAttribution, NeuralTier};
use unspin_testkit::workspace_root;

fn ids(metrics: &serde_json::Value, part: &str) -> Vec<String> {
    metrics["split"][part]
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|v| v.as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.len() < 3 {
        eprintln!("usage: stride_study PTC_DIR POLNEAR_DATA_DIR STRIDE...");
        std::process::exit(2);
    }
    let strides: Vec<usize> = args[2..].iter().filter_map(|s| s.parse().ok()).collect();
    let path = workspace_root().join("models/neural/neural.metrics.json");
    let metrics: serde_json::Value = match std::fs::read_to_string(&path)
        .map_err(|e| e.to_string())
        .and_then(|s| serde_json::from_str(&s).map_err(|e| e.to_string()))
    {
        Ok(m) => m,
        Err(e) => {
            eprintln!("{}: {e}", path.display());
            std::process::exit(1);
        }
    };
    let all: Vec<Document> = match unspin_readers::read_ptc_dir(&args[0]) {
        Ok(d) => d,
        Err(e) => {
            eprintln!("{}: {e}", args[0]);
            std::process::exit(1);
        }
    };
    let pick = |part: &str| -> Vec<Document> {
        let want = ids(&metrics, part);
        all.iter()
            .filter(|d| want.contains(&d.id))
            .cloned()
            .collect()
    };
    let (valid, tune) = (pick("valid"), pick("tune"));
    let polnear = std::path::Path::new(&args[1]);
    let (dev, train) = match (
        read_training_articles(polnear.join("dev")),
        read_training_articles(polnear.join("train")),
    ) {
        (Ok(d), Ok(t)) => (d, t),
        (Err(e), _) | (_, Err(e)) => {
            eprintln!("{}: {e}", polnear.display());
            std::process::exit(1);
        }
    };
    let slice: Vec<_> = train.into_iter().step_by(10).collect();
    println!(
        "technique tier: {} validation + {} tuning articles; attribution tagger: {} dev + {} train-slice articles",
        valid.len(),
        tune.len(),
        dev.len(),
        slice.len()
    );
    let Ok(mut tier) = NeuralTier::embedded() else {
        eprintln!("no embedded neural tier");
        std::process::exit(1);
    };
    let Ok(mut tagger) = NeuralAttribution::embedded(Precision::F32) else {
        eprintln!("no embedded attribution tagger");
        std::process::exit(1);
    };
    println!("| stride | windows (validation) | tier SI (valid) | tier TC (valid) | tier SI (tune) | tier TC (tune) | technique s | attribution F1 dev | content F1 dev | attribution F1 slice | attribution s |");
    println!("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
    for &stride in &strides {
        tier.neural.info.stride = stride;
        tagger.info.stride = stride;
        let windows: usize = valid
            .iter()
            .filter_map(|d| tier.neural.encode(d.text()).ok())
            .map(|e| e.windows)
            .sum();
        let clock = Instant::now();
        let (Ok(v), Ok(t)) = (score_docs(&tier, &valid), score_docs(&tier, &tune)) else {
            eprintln!("scoring failed");
            std::process::exit(1);
        };
        let technique_secs = clock.elapsed().as_secs_f64();
        let clock = Instant::now();
        let d = evaluate_with(&dev, |a| tagger.attributions(&a.text));
        let s = evaluate_with(&slice, |a| tagger.attributions(&a.text));
        let attribution_secs = clock.elapsed().as_secs_f64();
        println!(
            "| {stride} | {windows} | {:.4} | {:.4} | {:.4} | {:.4} | {technique_secs:.1} | {:.4} | {:.4} | {:.4} | {attribution_secs:.1} |",
            v.si.f1, v.tc.f1, t.si.f1, t.tc.f1, d.attribution.f1, d.content.f1, s.attribution.f1
        );
    }
}
