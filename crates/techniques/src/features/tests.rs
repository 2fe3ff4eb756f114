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
fn tc_features_say_whether_the_words_were_seen_earlier() {
    let text = "The corrupt elite won. Voters hate the corrupt elite and the Corrupt elite knows.";
    let ctx = TcContext::new(text);
    let spans: Vec<usize> = text
        .match_indices("orrupt elite")
        .map(|(i, _)| i - 1)
        .collect();
    let names = |start: usize| {
        let mut sink = NameSink { names: vec![] };
        tc_features(&ctx, start, start + "corrupt elite".len(), &mut sink);
        sink.names
    };
    let has = |names: &[(String, String)], k: &str, v: &str| {
        names.contains(&(k.to_string(), v.to_string()))
    };
    let first = names(spans[0]);
    assert!(has(&first, "seen", "0") && has(&first, "seen1", "0"));
    assert!(!first.iter().any(|(k, _)| k == "seen_all"));
    let second = names(spans[1]);
    assert!(has(&second, "seen", "1") && has(&second, "seen_all", ""));
    let third = names(spans[2]);
    assert!(
        has(&third, "seen", "2") && has(&third, "seen1", "2"),
        "case folded"
    );
    assert!(has(&third, "rep_seen", "3/2"));
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
