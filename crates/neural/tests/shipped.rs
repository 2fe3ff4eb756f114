//! The shipped neural tier (`models/neural/`): weights, tokenizer and code
//! agree on a fixed input; its validation scores are the recorded ones; odd
//! inputs (very long, one line, empty, not English) work.

use std::path::PathBuf;

use unspin_document::{layers, Document};
use unspin_neural::tune::score_docs;
use unspin_neural::{NeuralModel, NeuralTier};
use unspin_testkit::{shared_dir, workspace_root};

fn tier() -> NeuralTier {
    NeuralTier::embedded().expect("the neural model ships in the binary")
}

fn golden_path() -> PathBuf {
    workspace_root().join("crates/neural/tests/golden/sample.json")
}

fn sample() -> Document {
    let text =
        std::fs::read_to_string(workspace_root().join("examples/syria-ceasefire-opinion.md"))
            .expect("the sample article is in the repository");
    unspin_readers::read_markdown("sample", &text)
}

/// What the model says about the sample article, in a form that can be recorded.
fn observe(t: &NeuralTier, doc: &Document) -> serde_json::Value {
    let enc = t.neural.encode(doc.text()).expect("encodes");
    let probs: Vec<f64> = enc
        .piece_probs
        .iter()
        .take(200)
        .map(|p| (f64::from(*p) * 1000.0).round() / 1000.0)
        .collect();
    let spans: Vec<serde_json::Value> = t
        .analyze(doc)
        .expect("analyses")
        .iter()
        .map(|s| serde_json::json!([s.start(), s.end(), s.label]))
        .collect();
    serde_json::json!({
        "model": t.provenance(),
        "pieces": enc.offsets.len(),
        "windows": enc.windows,
        "first_piece_probs": probs,
        "spans": spans,
    })
}

#[test]
fn weights_tokenizer_and_code_agree_on_the_sample() {
    let t = tier();
    let got = observe(&t, &sample());
    let path = golden_path();
    if std::env::var_os("UNSPIN_UPDATE_GOLDEN").is_some() {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, serde_json::to_string_pretty(&got).unwrap() + "\n").unwrap();
        return;
    }
    let text = std::fs::read_to_string(&path)
        .expect("golden file (write it with UNSPIN_UPDATE_GOLDEN=1 cargo test -p unspin-neural --test shipped)");
    let want: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(
        got["model"], want["model"],
        "the shipped weights changed: update the golden file"
    );
    assert_eq!(got["pieces"], want["pieces"], "the tokenizer changed");
    assert_eq!(got["windows"], want["windows"]);
    let (g, w) = (
        got["first_piece_probs"].as_array().unwrap(),
        want["first_piece_probs"].as_array().unwrap(),
    );
    assert_eq!(g.len(), w.len());
    for (i, (a, b)) in g.iter().zip(w).enumerate() {
        let (a, b) = (a.as_f64().unwrap(), b.as_f64().unwrap());
        // Different CPUs sum in different orders; 2e-3 covers rounding, not a bug.
        assert!((a - b).abs() <= 2e-3, "piece {i}: {a} vs recorded {b}");
    }
    assert_eq!(
        got["spans"], want["spans"],
        "spans differ from the recorded ones"
    );
    assert!(
        !want["spans"].as_array().unwrap().is_empty(),
        "the sample article has technique spans"
    );
}

#[test]
fn spans_carry_provenance_scores_and_explanations() {
    let t = tier();
    let doc = sample();
    let spans = t.analyze(&doc).unwrap();
    assert!(spans.len() > 5);
    let boiler = doc.layer(layers::BOILERPLATE);
    for s in &spans {
        assert!(s
            .provenance
            .as_deref()
            .unwrap_or("")
            .starts_with("neural-minilm@"));
        assert!(s.score > 0.0 && s.score <= 1.0);
        assert!(s
            .attrs
            .get("explanation")
            .and_then(|v| v.as_str())
            .is_some_and(|e| e.len() > 20));
        assert!(
            !boiler
                .iter()
                .any(|b| b.start() <= s.start() && s.end() <= b.end()),
            "span in boilerplate"
        );
        let text = doc.span_text(s);
        assert_eq!(text.trim(), text, "spans are trimmed");
    }
}

#[test]
fn validation_scores_are_the_recorded_ones() {
    if !unspin_testkit::slow_test("validation_scores_are_the_recorded_ones") {
        return;
    }
    let Some(dir) = shared_dir("data/ptc/train") else {
        return;
    };
    let metrics: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(workspace_root().join("models/neural/neural.metrics.json"))
            .unwrap(),
    )
    .unwrap();
    let valid: Vec<&str> = metrics["split"]["valid"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    let docs: Vec<Document> = unspin_readers::read_ptc_dir(dir)
        .unwrap()
        .into_iter()
        .filter(|d| valid.contains(&d.id.as_str()))
        .collect();
    assert_eq!(docs.len(), valid.len());
    let scores = score_docs(&tier(), &docs).unwrap();
    let recorded = &metrics["report"]["validation"];
    let si = recorded["si"]["f1"].as_f64().unwrap();
    let tc = recorded["tc"]["f1"].as_f64().unwrap();
    assert!(
        (scores.si.f1 - si).abs() < 0.005,
        "SI F1 {} vs recorded {si}",
        scores.si.f1
    );
    assert!(
        (scores.tc.f1 - tc).abs() < 0.005,
        "TC F1 {} vs recorded {tc}",
        scores.tc.f1
    );
}

#[test]
fn odd_inputs_work() {
    let t = tier();
    let long: String = (0..10_500)
        .map(|i| {
            if i % 17 == 16 {
                "disgraceful.\n\n"
            } else {
                "the corrupt elite lies "
            }
        })
        .collect();
    for text in [
        String::new(),
        "   \n\n ".to_string(),
        "One line only, shameful and outrageous".to_string(),
        "Die korrupte Elite lügt uns alle an! Eine Schande für unser großartiges Land.".to_string(),
        "Коррумпированная элита лжёт нам. Позор!".to_string(),
        "腐败的精英在撒谎。这是国家的耻辱！".to_string(),
        "النخبة الفاسدة تكذب علينا".to_string(),
        "\u{0}\u{feff}🙂🙂🙂 \u{202e}mixed".to_string(),
        // The 10,500-word text takes about a minute at test opt-level: a slow test.
        if unspin_testkit::slow_test("odd_inputs_work: 10,500 words") {
            long
        } else {
            String::new()
        },
    ] {
        let doc = Document::new("x", text.clone());
        let spans = t.analyze(&doc).unwrap();
        for s in &spans {
            assert!(s.start() < s.end() && s.end() <= text.len());
            assert!(text.is_char_boundary(s.start()) && text.is_char_boundary(s.end()));
        }
    }
}

#[test]
fn a_bad_model_file_is_an_error_not_a_panic() {
    let tok = std::fs::read(workspace_root().join("models/neural/tokenizer.json")).unwrap();
    assert!(NeuralModel::from_bytes(b"garbage", &tok).is_err());
    assert!(NeuralModel::from_bytes(&[], &tok).is_err());
    let weights = std::fs::read(workspace_root().join("models/neural/neural.safetensors")).unwrap();
    assert!(NeuralModel::from_bytes(&weights, b"{not a tokenizer").is_err());
    assert!(NeuralModel::load(std::path::Path::new("/nonexistent/neural.safetensors")).is_err());
}

/// The shipped file read as it is stored (layers and word embeddings kept
/// int8, f32 built only when asked for) gives the probabilities of the same
/// file dequantised on load, bit for bit, in f32 and in int8.
#[test]
fn reading_the_int8_file_as_stored_changes_no_bit() {
    use unspin_neural::encoder::Precision;
    use unspin_neural::weights::{file_digest, TensorMap};
    let root = workspace_root().join("models/neural");
    let bytes = std::fs::read(root.join("neural.safetensors")).expect("shipped weights");
    let tok = std::fs::read(root.join("tokenizer.json")).expect("shipped tokenizer");
    let mut packed = NeuralModel::from_bytes(&bytes, &tok).expect("loads");
    let map = TensorMap::from_bytes(&bytes).expect("parses");
    assert!(map.int8.is_empty(), "from_bytes dequantises everything");
    let mut plain = NeuralModel::from_tensors(&map, &tok, packed.info.clone(), file_digest(&bytes))
        .expect("builds");
    let text: String = sample().text().chars().take(4000).collect();
    let bits = |m: &NeuralModel| -> Vec<u32> {
        let enc = m.encode(&text).expect("encodes");
        enc.piece_probs.iter().map(|p| p.to_bits()).collect()
    };
    assert_eq!(bits(&packed), bits(&plain), "f32");
    if packed.set_precision(Precision::Int8) {
        assert!(plain.set_precision(Precision::Int8));
        assert_eq!(bits(&packed), bits(&plain), "int8");
    }
}
