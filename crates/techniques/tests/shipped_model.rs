//! The shipped fast model (`models/fast/fast.safetensors`, embedded in the
//! binary): its validation scores on the held-out PTC articles, and that
//! training reproduces it (a slow test: see `unspin_testkit::slow_test`).

use unspin_document::{layers, Document};
use unspin_eval::{score_si, score_tc, LabeledSpan};
use unspin_readers::{read_ptc_dir, split_ids, VALIDATION_FRACTION, VALIDATION_SEED};
use unspin_techniques::train::{train, TrainConfig};
use unspin_techniques::FastModel;
use unspin_testkit::shared_dir;

fn split() -> Option<(Vec<Document>, Vec<Document>)> {
    let dir = shared_dir("data/ptc/train")?;
    let docs = read_ptc_dir(&dir).expect("PTC training data reads");
    let ids: Vec<&str> = docs.iter().map(|d| d.id.as_str()).collect();
    let (_, valid) = split_ids(&ids, VALIDATION_FRACTION, VALIDATION_SEED);
    Some(docs.into_iter().partition(|d| !valid.contains(&d.id)))
}

fn gold_spans(docs: &[Document], with_technique: bool) -> Vec<LabeledSpan> {
    let mut out = Vec::new();
    for d in docs {
        let idx = d.char_index();
        for g in d.layer(layers::TECHNIQUE) {
            let (s, e) = (idx.to_char(g.start()), idx.to_char(g.end()));
            out.push(if with_technique {
                LabeledSpan::tc(&d.id, &g.label, s, e)
            } else {
                LabeledSpan::si(&d.id, s, e)
            });
        }
    }
    out
}

#[test]
fn shipped_model_meets_the_validation_targets() {
    let Some((_, valid)) = split() else { return };
    let model = FastModel::embedded().expect("a trained model is embedded");
    let mut pred_si = Vec::new();
    let mut pred_tc = Vec::new();
    for d in &valid {
        let idx = d.char_index();
        for s in model.detect(d) {
            pred_si.push(LabeledSpan::si(
                &d.id,
                idx.to_char(s.start()),
                idx.to_char(s.end()),
            ));
        }
        let ranges: Vec<(usize, usize)> = d
            .layer(layers::TECHNIQUE)
            .iter()
            .map(|g| (g.start(), g.end()))
            .collect();
        for ((s, e), c) in ranges.iter().zip(model.classify(d.text(), &ranges)) {
            pred_tc.push(LabeledSpan::tc(
                &d.id,
                &c.label,
                idx.to_char(*s),
                idx.to_char(*e),
            ));
        }
    }
    let si = score_si(&gold_spans(&valid, false), &pred_si);
    let tc = score_tc(&gold_spans(&valid, true), &pred_tc);
    eprintln!(
        "validation ({} articles): SI P {:.4} R {:.4} F1 {:.4}; TC micro-F1 {:.4}",
        valid.len(),
        si.precision,
        si.recall,
        si.f1,
        tc.f1
    );
    assert!(si.f1 >= 0.34, "SI F1 {:.4} below the 0.34 target", si.f1);
    assert!(
        tc.f1 >= 0.56,
        "TC micro-F1 {:.4} below the 0.56 target",
        tc.f1
    );
}

#[test]
fn training_reproduces_the_shipped_weights() {
    if !unspin_testkit::slow_test("training_reproduces_the_shipped_weights") {
        return;
    }
    let Some((train_docs, _)) = split() else {
        return;
    };
    let shipped = FastModel::embedded().expect("a trained model is embedded");
    let (model, report) = train(&train_docs, &TrainConfig::default()).expect("training runs");
    assert_eq!(report.documents, 268);
    assert_eq!(
        model.weights_digest(),
        shipped.weights_digest(),
        "retraining with the default config does not give the shipped weights: run `unspin train --data ../shared/data/ptc/train` and commit the model"
    );
}

#[test]
fn shipped_model_round_trips_through_bytes() {
    let model = FastModel::embedded().expect("a trained model is embedded");
    let again = FastModel::from_bytes(&model.to_bytes().expect("serialises")).expect("parses");
    assert_eq!(model.weights_digest(), again.weights_digest());
    let doc = Document::new(
        "t",
        "Title\n\nThese corrupt traitors will destroy our great nation! Make America great again.",
    );
    let a: Vec<_> = model
        .analyze(&doc)
        .into_iter()
        .map(|s| (s.start(), s.end(), s.label))
        .collect();
    let b: Vec<_> = again
        .analyze(&doc)
        .into_iter()
        .map(|s| (s.start(), s.end(), s.label))
        .collect();
    assert_eq!(a, b);
}
