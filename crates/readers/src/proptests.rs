//! Arbitrary input never panics a loader or parser.

use std::io::Write;

use proptest::prelude::*;
use unspin_document::{layers, Document};

use crate::*;

fn bytes() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        proptest::collection::vec(any::<u8>(), 0..300),
        // Mostly text, with the odd control or invalid byte.
        proptest::collection::vec(
            prop_oneof![8 => 0x20u8..0x7f, 2 => Just(b'\n'), 1 => Just(b'\t'), 1 => any::<u8>()],
            0..300
        ),
        "\\PC{0,80}".prop_map(String::into_bytes),
    ]
}

/// Label-like text: numbers, tabs and newlines with noise.
fn label_text() -> impl Strategy<Value = String> {
    proptest::collection::vec(
        prop_oneof![
            4 => "[0-9]{1,4}",
            3 => Just("\t".to_string()),
            2 => Just("\n".to_string()),
            1 => "[A-Za-z_,-]{1,10}",
            1 => "\\PC{0,3}",
        ],
        0..40,
    )
    .prop_map(|parts| parts.concat())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn loaders_never_panic_on_any_bytes(data in bytes(), lossy in any::<bool>(), keep_bom in any::<bool>()) {
        let options = ReadOptions { lossy_utf8: lossy, keep_bom, ..ReadOptions::default() };
        let decoded = decode_text("<bytes>", &data, &options);
        if let Ok(text) = &decoded {
            let _ = read_text("x", text.clone());
        }
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("article1.txt");
        std::fs::File::create(&path).unwrap().write_all(&data).unwrap();
        let from_file = read_text_file_with(&path, &options);
        prop_assert_eq!(from_file.is_ok(), decoded.is_ok());
        if let Ok(doc) = read_ptc_article(&path) {
            prop_assert_eq!(doc.text().as_bytes(), &data[..]);
        }
        let labels_path = dir.path().join("article1.labels");
        std::fs::write(&labels_path, &data).unwrap();
        let _ = read_ptc_labels(&labels_path);
        let _ = read_ptc_dir(dir.path());
        let _ = parse_ptc_labels(&String::from_utf8_lossy(&data));
    }

    #[test]
    fn labels_parse_or_fail_cleanly_and_attach_within_the_text(text in "\\PC{0,60}", labels in label_text()) {
        let Ok(parsed) = parse_ptc_labels(&labels) else { return Ok(()) };
        let mut doc = Document::new("1", text.clone());
        match attach_gold(&mut doc, &parsed) {
            Ok(()) => {
                let ours: Vec<&PtcLabel> = parsed.labels.iter().collect();
                prop_assert_eq!(doc.layer(layers::TECHNIQUE).len(), ours.len());
                for label in ours {
                    let python: String = text.chars().skip(label.start_char).take(label.end_char - label.start_char).collect();
                    prop_assert!(doc.layer(layers::TECHNIQUE).iter().any(|s| doc.span_text(s) == python));
                }
            }
            Err(_) => prop_assert!(!doc.has_layer(layers::TECHNIQUE)),
        }
    }

    #[test]
    fn split_never_panics_and_partitions(n in 0usize..60, fraction in any::<f64>(), seed in any::<u64>()) {
        let ids: Vec<String> = (0..n).map(|i| i.to_string()).collect();
        let (train, valid) = split_ids(&ids, fraction, seed);
        prop_assert_eq!(train.len() + valid.len(), n);
    }
}
