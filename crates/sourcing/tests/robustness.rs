//! The sourcing stage on awkward input: very long and very short articles,
//! non-English text, unbalanced quotation marks, arbitrary strings. It must
//! never panic, never fail, and every span must lie on character boundaries.

use proptest::prelude::*;
use unspin_document::layers;
use unspin_document::Document;
use unspin_pipeline::Stage;
use unspin_segment::SentenceStage;
use unspin_sourcing::SourcingStage;

fn run(text: &str) -> Document {
    let mut doc = Document::new("t", text);
    SentenceStage.process(&mut doc).expect("sentences");
    SourcingStage::shipped()
        .process(&mut doc)
        .expect("the sourcing stage never fails");
    for (name, spans) in doc.layers() {
        for s in spans {
            assert!(s.end() <= text.len(), "{name}: {s:?}");
            assert!(text.is_char_boundary(s.start()) && text.is_char_boundary(s.end()));
        }
    }
    doc
}

#[test]
fn a_ten_thousand_word_article() {
    let paragraph = "\u{201c}We will not back down,\u{201d} Senator Jane Miller said on Tuesday, \
        according to The Washington Post. Officials reportedly counted 3,000 protesters in \
        the square, and she added that the vote \"was rigged\". ";
    let text = paragraph.repeat(10_000 / paragraph.split_whitespace().count() + 1);
    assert!(text.split_whitespace().count() >= 10_000);
    let doc = run(&text);
    assert!(doc.layer(layers::QUOTE).len() >= 200);
    assert!(doc.layer(layers::CLAIM).len() >= 200);
}

#[test]
fn one_line_and_empty_articles() {
    for text in [
        "",
        " ",
        "\n\n",
        "Hello.",
        "\u{201c}",
        "\"",
        "He said",
        "said \u{201c}",
    ] {
        run(text);
    }
    let doc = run("\u{201c}Taxes are too high,\u{201d} Mr. Brown said.");
    assert_eq!(doc.layer(layers::QUOTE).len(), 1);
}

#[test]
fn non_english_text() {
    for text in [
        "\u{201e}Wir schaffen das\u{201c}, sagte Angela Merkel am Montag in Berlin.",
        "\u{ab}Nous ne c\u{e9}derons pas\u{bb}, a d\u{e9}clar\u{e9} le pr\u{e9}sident \u{e0} Paris.",
        "\u{41f}\u{443}\u{442}\u{438}\u{43d} \u{437}\u{430}\u{44f}\u{432}\u{438}\u{43b}: \u{ab}\u{41c}\u{44b} \u{43d}\u{435} \u{43e}\u{442}\u{441}\u{442}\u{443}\u{43f}\u{438}\u{43c}\u{bb}.",
        "\u{4e60}\u{8fd1}\u{5e73}\u{8bf4}\u{ff1a}\u{201c}\u{6211}\u{4eec}\u{8981}\u{5408}\u{4f5c}\u{3002}\u{201d}",
        "\u{642}\u{627}\u{644} \u{627}\u{644}\u{631}\u{626}\u{64a}\u{633} \u{625}\u{646} \u{627}\u{644}\u{62d}\u{631}\u{628} \u{627}\u{646}\u{62a}\u{647}\u{62a}.",
    ] {
        run(text);
    }
}

#[test]
fn unbalanced_quotes_do_not_swallow_the_article() {
    let text = "\u{201c}This quote never closes, he said.\n\n\
                The next paragraph is plain.\n\n\
                \u{201c}This one closes,\u{201d} Maria Lopez said.";
    let doc = run(text);
    let quotes = doc.layer(layers::QUOTE);
    let later = text.find("This one").unwrap();
    assert!(
        quotes.iter().any(|q| q.start() >= later - 3),
        "the later quote is still found: {quotes:?}"
    );
    assert!(
        !quotes.iter().any(|q| q.start() < 5 && q.end() > later),
        "no quote runs from the unclosed mark over the rest: {quotes:?}"
    );
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]
    #[test]
    fn arbitrary_text_never_panics(
        text in "([A-Za-z]{1,8}|[ ,.:;!?\n\"'\u{201c}\u{201d}\u{2018}\u{2019}()\u{2014}]|said|according to|Mr\\. Smith|3,000|\u{e9}|\u{4e2d}){0,80}"
    ) {
        run(&text);
    }
}
