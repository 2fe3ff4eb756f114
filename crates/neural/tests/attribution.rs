//! The shipped neural attribution tagger: it loads with the neural tier's
//! word embeddings, finds attributions, keeps the sample article's block-quote
//! speakers inside the sourcing stage, scores PolNeAR dev as recorded, and
//! survives odd inputs.

use unspin_attribution::{evaluate_with, AttributionTagger, TrainingArticle, NEURAL_PROVENANCE};
use unspin_document::layers as doc_layers;
use unspin_neural::attribution::NeuralAttribution;
use unspin_neural::encoder::Precision;
use unspin_neural::NeuralError;
use unspin_pipeline::Stage;
use unspin_readers::{read_markdown_path, ReadOptions};
use unspin_segment::SentenceStage;
use unspin_sourcing::SourcingStage;
use unspin_testkit::{shared_dir, workspace_root};

fn tagger() -> &'static NeuralAttribution {
    NeuralAttribution::shipped(Precision::F32).expect("the binary carries the attribution weights")
}

#[test]
fn the_shipped_tagger_finds_speaker_cue_and_content() {
    let text = "Rain is expected. The senator said the plan would fail before the election.";
    let found = tagger().attributions(text);
    let a = found
        .iter()
        .find(|a| text[a.content.clone()].contains("the plan would fail"))
        .unwrap_or_else(|| panic!("no attribution of the plan: {found:?}"));
    assert_eq!(a.cue.clone().map(|r| &text[r]), Some("said"));
    assert_eq!(a.source.clone().map(|r| &text[r]), Some("The senator"));
    assert_eq!(a.provenance, NEURAL_PROVENANCE);
    assert!(a.score > 0.0 && a.score <= 1.0);
    assert!(tagger()
        .describe()
        .starts_with("unspin-attribution-minilm@"));
}

#[test]
fn the_loader_gives_the_tagger_or_says_why_not() {
    let tagger =
        NeuralAttribution::embedded(Precision::F32).expect("the binary carries the weights");
    assert_eq!(tagger.digest(), self::tagger().digest());
    match NeuralAttribution::embedded(Precision::Int8) {
        Ok(_) => assert!(unspin_neural::int8::available()),
        Err(e) => {
            assert!(!unspin_neural::int8::available());
            assert!(matches!(e, NeuralError::PrecisionUnavailable { .. }), "{e}");
            assert!(e.to_string().contains("Int8"), "{e}");
        }
    }
}

#[test]
fn the_file_without_borrowed_embeddings_is_an_error_not_a_panic() {
    let weights =
        std::fs::read(workspace_root().join("models/attribution-neural/attribution.safetensors"))
            .unwrap();
    let tok = std::fs::read(workspace_root().join("models/neural/tokenizer.json")).unwrap();
    // No neural tier file to borrow the word embeddings from.
    assert!(NeuralAttribution::from_bytes(&weights, b"", &tok).is_err());
    assert!(NeuralAttribution::from_bytes(b"garbage", b"", &tok).is_err());
    let neural = std::fs::read(workspace_root().join("models/neural/neural.safetensors")).unwrap();
    // The neural tier's own file is not an attribution file.
    assert!(NeuralAttribution::from_bytes(&neural, &neural, &tok).is_err());
    assert!(NeuralAttribution::from_bytes(&weights, &neural, &tok).is_ok());
}

#[test]
fn sample_block_quotes_keep_their_speakers_with_the_neural_tagger() {
    let path = workspace_root().join("examples/syria-ceasefire-opinion.md");
    let mut doc = read_markdown_path(&path, &ReadOptions::default()).expect("the sample reads");
    SentenceStage.process(&mut doc).expect("sentences");
    SourcingStage::new(std::sync::Arc::new(tagger()))
        .process(&mut doc)
        .expect("the sourcing stage runs");
    let speakers = [
        "Vietnam Vet",
        "Colonel W. Patrick Lang",
        "President Bashar al Assad",
        "NYT",
        "The Vineyard of the Saker",
        "Christina Lin",
        "John Bolton",
        "Michael O\u{2019} Hanlon",
    ];
    let quotes = doc.layer(doc_layers::QUOTE);
    let blocks = doc.layer(doc_layers::BLOCKQUOTE);
    assert_eq!(blocks.len(), speakers.len());
    for (block, speaker) in blocks.iter().zip(speakers) {
        let q = quotes
            .iter()
            .find(|q| q.label == "block" && q.start() >= block.start() && q.end() <= block.end())
            .unwrap_or_else(|| panic!("no quote in block {:?}", doc.span_text(block)));
        assert_eq!(
            q.attrs.get("speaker").and_then(|v| v.as_str()),
            Some(speaker),
            "{q:?}"
        );
    }
    // Quotes outside block quotes come from the neural tagger.
    assert!(quotes.iter().any(|q| q
        .provenance
        .as_deref()
        .is_some_and(|p| p.starts_with("attribution-neural"))));
}

#[test]
fn polnear_dev_scores_are_the_recorded_ones() {
    if !unspin_testkit::slow_test("polnear_dev_scores_are_the_recorded_ones") {
        return;
    }
    let Some(dir) = shared_dir("data/quotes/polnear/data/dev") else {
        return;
    };
    let metrics: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(
            workspace_root().join("models/attribution-neural/attribution.metrics.json"),
        )
        .unwrap(),
    )
    .unwrap();
    let dev: Vec<TrainingArticle> = unspin_attribution::read_training_articles(dir).unwrap();
    let score = evaluate_with(&dev, |a| tagger().attributions(&a.text));
    let recorded = metrics["dev_tagger"]["attribution"]["f1"].as_f64().unwrap();
    assert!(
        (score.attribution.f1 - recorded).abs() < 0.002,
        "attribution F1 {} vs recorded {recorded}",
        score.attribution.f1
    );
}

#[test]
fn odd_inputs_work() {
    let long: String = (0..2_500)
        .map(|i| {
            if i % 9 == 8 {
                "\"We will win,\" he said.\n\n"
            } else {
                "officials say the talks "
            }
        })
        .collect();
    for text in [
        String::new(),
        "   \n\n ".to_string(),
        "One line only, she said".to_string(),
        "„Wir schaffen das“, sagte die Kanzlerin.".to_string(),
        "腐败的精英在撒谎。这是国家的耻辱！".to_string(),
        "النخبة الفاسدة تكذب علينا".to_string(),
        "\u{0}\u{feff}🙂🙂🙂 \u{202e}mixed \"unbalanced".to_string(),
        long,
    ] {
        let found = tagger().attributions(&text);
        for a in &found {
            for r in [Some(a.content.clone()), a.cue.clone(), a.source.clone()]
                .into_iter()
                .flatten()
            {
                assert!(r.start < r.end && r.end <= text.len());
                assert!(text.is_char_boundary(r.start) && text.is_char_boundary(r.end));
            }
        }
    }
}
