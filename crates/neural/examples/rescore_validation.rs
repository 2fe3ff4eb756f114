//! Re-scores the shipped neural tier on its validation articles with the
//! fast model it is blended with now, and (with `--write`) records the
//! result in `models/neural/neural.metrics.json`.
//!
//! The tier blends the fast tier's probabilities into its own, so a new fast
//! model changes its scores without any change to the encoder or to the
//! settings fitted on the tuning articles. This re-runs the validation part
//! of `unspin train --task neural` (f32 and, where the CPU has it, int8)
//! without the training checkpoint; the encoder alone is not affected.
//!
//! ```sh
//! cargo run --release -p unspin-neural --example rescore_validation -- ../shared/data/ptc/train --write
//! ```

use unspin_document::Document;
use unspin_neural::encoder::Precision;
use unspin_neural::tune::score_docs;
use unspin_neural::NeuralTier;
use unspin_testkit::workspace_root;

fn main() {
    let mut args = std::env::args().skip(1);
    let dir = args
        .next()
        .unwrap_or_else(|| "../shared/data/ptc/train".into());
    let write = args.any(|a| a == "--write");
    let path = workspace_root().join("models/neural/neural.metrics.json");
    let mut metrics: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&path).expect("metrics file"))
            .expect("metrics JSON");
    let valid: Vec<String> = metrics["split"]["valid"]
        .as_array()
        .expect("split.valid")
        .iter()
        .filter_map(|v| v.as_str().map(str::to_string))
        .collect();
    let docs: Vec<Document> = unspin_readers::read_ptc_dir(&dir)
        .unwrap_or_else(|e| panic!("{dir}: {e}"))
        .into_iter()
        .filter(|d| valid.contains(&d.id))
        .collect();
    assert_eq!(
        docs.len(),
        valid.len(),
        "every validation article is in {dir}"
    );
    let mut tier = NeuralTier::embedded().expect("the shipped neural tier");
    let f32_scores = score_docs(&tier, &docs).expect("scores");
    let int8_scores = tier
        .neural
        .set_precision(Precision::Int8)
        .then(|| score_docs(&tier, &docs).expect("scores"));
    let report = &mut metrics["report"];
    let show = |name: &str, before: &serde_json::Value, si: f64, tc: f64| {
        println!(
            "{name}: SI F1 {:.4} -> {si:.4}, TC micro-F1 {:.4} -> {tc:.4}",
            before["si"]["f1"].as_f64().unwrap_or(f64::NAN),
            before["tc"]["f1"].as_f64().unwrap_or(f64::NAN),
        );
    };
    show(
        "f32",
        &report["validation"],
        f32_scores.si.f1,
        f32_scores.tc.f1,
    );
    if let Some(s) = &int8_scores {
        show("int8", &report["validation_int8"], s.si.f1, s.tc.f1);
    }
    if write {
        report["validation"] = serde_json::to_value(&f32_scores).expect("scores");
        if let Some(s) = &int8_scores {
            report["validation_int8"] = serde_json::to_value(s).expect("scores");
        }
        report["validation_fast_model"] = serde_json::Value::String(tier.fast.provenance());
        std::fs::write(
            &path,
            serde_json::to_string_pretty(&metrics).expect("JSON") + "\n",
        )
        .expect("write the metrics file");
        println!("wrote {}", path.display());
    }
}
