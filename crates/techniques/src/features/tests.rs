//! Tests of the feature extraction.
use super::*;
use crate::linear::mix;

#[test]
fn doc_tokens_count_words_and_quotes() {
    let d = DocTokens::new("Title here\n\nWe will win. We will win \u{201c}again\u{201d} today.");
    assert_eq!(d.sentence_tokens.len(), 3);
    let we = hash_lower("we");
    assert_eq!(d.word_count[&we], 2);
    let again = (0..d.len()).find(|&i| d.token_text(i) == "again").unwrap();
    assert!(d.in_quotes[again]);
    assert!(!d.in_quotes[again + 2]);
    assert_eq!(
        d.bigram_count[&mix(hash_lower("will"), hash_lower("win"))],
        2
    );
}

#[test]
fn tc_features_name_repetition_and_length() {
    let text = "Make America great. They said make America great again.";
    let ctx = TcContext::new(text);
    let mut sink = NameSink { names: vec![] };
    tc_features(&ctx, 0, 18, &mut sink);
    assert!(sink.names.contains(&("rep".into(), "2".into())));
    assert!(sink.names.contains(&("len".into(), "3".into())));
    assert!(sink.names.contains(&("first".into(), "make".into())));
}

#[test]
fn empty_and_odd_spans_do_not_panic() {
    let ctx = TcContext::new("");
    let mut sink = NameSink { names: vec![] };
    tc_features(&ctx, 0, 0, &mut sink);
    let ctx = TcContext::new("\u{201c}x\u{201d}");
    tc_features(&ctx, 3, 4, &mut sink);
    tc_features(&ctx, 0, 7, &mut sink);
    let d = DocTokens::new("a");
    let mut out = vec![];
    si_token_features(&d, 0, 10, &mut out);
    si_sentence_features(&d, 0, 10, &mut out);
}
