//! The shipped attribution tagger (`models/attribution/`): it loads, it agrees
//! with the code on a fixed input, `unspin train --task attribution` rebuilds
//! it bit for bit from PolNeAR, and its dev scores are the recorded ones.

use std::path::PathBuf;

use unspin_attribution::features::LEARNED_CUES;
use unspin_attribution::{
    evaluate, learned_cue_words, train, AttributionModel, TrainConfig, TrainingArticle,
};
use unspin_testkit::{shared_dir, workspace_root};

fn model_dir() -> PathBuf {
    workspace_root().join("models/attribution")
}

fn articles(split: &str) -> Option<Vec<TrainingArticle>> {
    let dir = shared_dir(format!("data/quotes/polnear/data/{split}"))?;
    Some(unspin_attribution::read_training_articles(dir).expect("PolNeAR reads"))
}

fn recorded() -> serde_json::Value {
    let text = std::fs::read_to_string(model_dir().join("attribution.metrics.json"))
        .expect("the metrics file is beside the model");
    serde_json::from_str(&text).expect("metrics JSON")
}

#[test]
fn the_shipped_model_finds_a_plain_attribution() {
    let model = AttributionModel::shipped();
    let text = "The economy grew last year. \u{201c}We expect more jobs,\u{201d} \
                Treasury Secretary Ann Lee said on Monday.";
    let found = model.predict(text);
    let a = found
        .iter()
        .find(|a| text[a.content.clone()].contains("We expect more jobs"))
        .unwrap_or_else(|| panic!("{found:?}"));
    assert_eq!(a.cue.clone().map(|c| &text[c]), Some("said"));
    assert!(
        a.source.clone().is_some_and(|s| text[s].contains("Lee")),
        "{a:?}"
    );
}

#[test]
fn retraining_reproduces_the_shipped_weights_and_scores() {
    if !unspin_testkit::slow_test("retraining_reproduces_the_shipped_weights_and_scores") {
        return;
    }
    let (Some(train_set), Some(dev)) = (articles("train"), articles("dev")) else {
        return;
    };
    let shipped = std::fs::read(model_dir().join("attribution.safetensors")).expect("model file");
    let (model, _) = train(&train_set, &TrainConfig::default());
    assert!(
        model.to_bytes() == shipped,
        "`unspin train --task attribution` no longer reproduces models/attribution/; \
         retrain and commit the model with its metrics"
    );
    let score = evaluate(&model, &dev);
    let want = recorded()["dev_tagger"]["attribution"]["f1"]
        .as_f64()
        .expect("recorded dev F1");
    assert!(
        (score.attribution.f1 - want).abs() < 1e-9,
        "{score} vs {want}"
    );
}

#[test]
fn the_learned_cue_lexicon_is_derived_from_the_training_split_only() {
    let Some(train_set) = articles("train") else {
        return;
    };
    // The epoch-selection slice (every 10th article) is left out, as in training.
    let fit: Vec<TrainingArticle> = train_set
        .into_iter()
        .enumerate()
        .filter(|(i, _)| i % 10 != 9)
        .map(|(_, a)| a)
        .collect();
    let derived = learned_cue_words(&fit, 8, 0.3);
    let shipped: Vec<String> = LEARNED_CUES.iter().map(|s| s.to_string()).collect();
    assert_eq!(derived, shipped);
}
