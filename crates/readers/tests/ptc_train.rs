//! Loads the 315 PTC training articles from `../shared/data/ptc/train` and
//! checks every gold span against the code point slice Python would take.
//!
//! Skipped (with a `SKIP:` line on stderr) when the shared folder is absent,
//! unless `UNSPIN_REQUIRE_SHARED=1`.

use std::path::Path;

use unspin_document::{layers, Document};
use unspin_readers::{
    read_ptc_dir, read_ptc_labels, split_ids, VALIDATION_FRACTION, VALIDATION_SEED,
};
use unspin_testkit::shared_dir;

/// Python's `text[start:end]` on code points.
fn python_slice(text: &str, start: usize, end: usize) -> String {
    text.chars().skip(start).take(end - start).collect()
}

fn train() -> Option<(std::path::PathBuf, Vec<Document>)> {
    let dir = shared_dir("data/ptc/train")?;
    let docs = read_ptc_dir(&dir).expect("the PTC training folder loads");
    Some((dir, docs))
}

#[test]
fn all_training_articles_load_with_their_gold_spans() {
    let Some((dir, docs)) = train() else { return };
    assert_eq!(docs.len(), 315);
    let ids: Vec<&str> = docs.iter().map(|d| d.id.as_str()).collect();
    assert!(ids
        .windows(2)
        .all(|w| w[0].parse::<u64>().unwrap() < w[1].parse::<u64>().unwrap()));
    assert!(
        docs.iter().all(|d| d.has_layer(layers::TECHNIQUE)),
        "every article has a labels file"
    );
    assert!(docs
        .iter()
        .all(|d| d.metadata.title.as_deref().is_some_and(|t| !t.is_empty())));

    let (mut total, mut clean, mut labels_seen) = (0usize, 0usize, 0usize);
    for doc in &docs {
        for span in doc.layer(layers::TECHNIQUE) {
            let text = doc.span_text(span);
            assert!(!text.is_empty(), "empty gold span in article {}", doc.id);
            total += 1;
            if text.trim() == text {
                clean += 1;
            }
        }
        // Every span's text is Python's code point slice of the file.
        let labels = read_ptc_labels(dir.join(format!("labels/article{}.labels", doc.id))).unwrap();
        let spans = doc.layer(layers::TECHNIQUE);
        for label in &labels.labels {
            labels_seen += 1;
            let expected = python_slice(doc.text(), label.start_char, label.end_char);
            let technique = label.technique.as_deref().unwrap();
            assert!(
                spans
                    .iter()
                    .any(|s| s.label == technique && doc.span_text(s) == expected),
                "article {} line {}: no {technique} span with text {expected:?}",
                doc.id,
                label.line
            );
        }
    }
    eprintln!(
        "PTC train: {} articles, {total} gold spans, {clean} without edge whitespace",
        docs.len()
    );
    assert_eq!(total, labels_seen);
    assert!(total > 5000, "{total} gold spans");
    assert!(
        clean * 100 >= total * 95,
        "only {clean} of {total} spans are free of edge whitespace"
    );
}

#[test]
fn curly_quotes_and_byte_order_marks_convert_correctly() {
    let Some((dir, docs)) = train() else { return };
    let doc = |id: &str| docs.iter().find(|d| d.id == id).unwrap();

    // Curly quotes and apostrophes before and inside the span.
    let d = doc("111111132");
    let raw = std::fs::read_to_string(dir.join("articles/article111111132.txt")).unwrap();
    assert_eq!(d.text(), raw);
    let expected = "\u{201c}You don\u{2019}t need to be reading this.\nYou need to be reading the Bible.\u{201d}";
    assert_eq!(python_slice(&raw, 4427, 4497), expected);
    let span = d
        .layer(layers::TECHNIQUE)
        .iter()
        .find(|s| s.label == "Black-and-White_Fallacy" && d.span_text(s) == expected)
        .expect("the span over the curly-quoted sentence");
    assert_eq!(d.char_index().to_char(span.start()), 4427);
    assert!(
        span.start() > 4427,
        "non-ASCII text before the span makes bytes exceed code points"
    );

    // A byte-order mark is kept: PTC offsets count it as one code point.
    let d = doc("705409419");
    assert!(d.text().starts_with('\u{feff}'));
    assert!(!d.metadata.title.as_deref().unwrap().starts_with('\u{feff}'));
    let labels = read_ptc_labels(dir.join("labels/article705409419.labels")).unwrap();
    let first = &labels.labels[0];
    let expected = python_slice(d.text(), first.start_char, first.end_char);
    assert_eq!(expected, "a devastating letter");
    assert!(d
        .layer(layers::TECHNIQUE)
        .iter()
        .any(|s| d.span_text(s) == expected));
}

#[test]
fn flat_articles_folder_loads_without_labels() {
    let Some(dir) = shared_dir("data/ptc/train/articles") else {
        return;
    };
    let docs = read_ptc_dir(Path::new(&dir)).unwrap();
    assert_eq!(docs.len(), 315);
    assert!(docs.iter().all(|d| !d.has_layer(layers::TECHNIQUE)));
}

#[test]
fn the_project_validation_split() {
    let Some((_, docs)) = train() else { return };
    let ids: Vec<String> = docs.iter().map(|d| d.id.clone()).collect();
    let (train, valid) = split_ids(&ids, VALIDATION_FRACTION, VALIDATION_SEED);
    assert_eq!((train.len(), valid.len()), (268, 47));
    assert_eq!(
        split_ids(&ids, VALIDATION_FRACTION, VALIDATION_SEED),
        (train, valid.clone())
    );
    // Pinned: models are tuned against this split; a change must be deliberate.
    assert_eq!(valid[..3], ["111111113", "111111114", "111111123"]);
    assert_eq!(valid[46], "999001296");
}
