//! The sentence splitter on the cases news text throws at it: abbreviations,
//! initials, quotes, ellipses, numbers. Each case lists the sentences
//! expected, sliced from the input at the returned byte ranges.

use unspin_segment::sentences;

/// The input split at the ranges [`sentences`] returns.
fn split(text: &str) -> Vec<&str> {
    sentences(text).into_iter().map(|r| &text[r]).collect()
}

/// Asserts that each input splits into exactly the sentences given.
#[track_caller]
fn check(cases: &[(&str, &[&str])]) {
    for (text, expected) in cases {
        assert_eq!(split(text), *expected, "input: {text:?}");
    }
}

#[test]
fn titles_and_name_abbreviations_do_not_end_a_sentence() {
    check(&[
        (
            "Dr. Smith arrived. Mr. Jones left.",
            &["Dr. Smith arrived.", "Mr. Jones left."],
        ),
        (
            "Sen. Warren and Rep. Omar spoke. Gen. Mattis did not.",
            &["Sen. Warren and Rep. Omar spoke.", "Gen. Mattis did not."],
        ),
        (
            "He met Dr. No at 3 p.m. on Friday. Then left.",
            &["He met Dr. No at 3 p.m. on Friday.", "Then left."],
        ),
    ]);
}

#[test]
fn initials_do_not_end_a_sentence() {
    check(&[
        (
            "W. Patrick Lang wrote it. He was right.",
            &["W. Patrick Lang wrote it.", "He was right."],
        ),
        (
            "Judge David A. Faber ruled. The case ended.",
            &["Judge David A. Faber ruled.", "The case ended."],
        ),
        ("J. R. R. Tolkien wrote.", &["J. R. R. Tolkien wrote."]),
    ]);
}

#[test]
fn country_and_latin_abbreviations_do_not_end_a_sentence() {
    check(&[
        (
            "U.S. officials agreed. U.K. officials did not.",
            &["U.S. officials agreed.", "U.K. officials did not."],
        ),
        (
            "a former U.S. Marine. He said so.",
            &["a former U.S. Marine.", "He said so."],
        ),
        (
            "Some countries, e.g. France, agreed. Others, i.e. the rest, did not.",
            &[
                "Some countries, e.g. France, agreed.",
                "Others, i.e. the rest, did not.",
            ],
        ),
        (
            "(e.g. Syria) was named. It was.",
            &["(e.g. Syria) was named.", "It was."],
        ),
    ]);
}

#[test]
fn dates_do_not_end_a_sentence() {
    check(&[
        (
            "On Jan. 5 the talks began. They failed.",
            &["On Jan. 5 the talks began.", "They failed."],
        ),
        (
            "It was signed Sept. 12, 2016. Nobody kept it.",
            &["It was signed Sept. 12, 2016.", "Nobody kept it."],
        ),
    ]);
}

#[test]
fn no_is_an_abbreviation_only_before_a_number() {
    check(&[
        ("He said no. Then\u{2026}", &["He said no.", "Then\u{2026}"]),
        (
            "The answer was no. No one came.",
            &["The answer was no.", "No one came."],
        ),
        ("She said NO. He left.", &["She said NO.", "He left."]),
        (
            "Resolution No. 2254 passed. It was ignored.",
            &["Resolution No. 2254 passed.", "It was ignored."],
        ),
        ("Room no. 5 is empty.", &["Room no. 5 is empty."]),
    ]);
}

#[test]
fn a_sentence_ends_after_its_closing_quotes() {
    check(&[
        (
            "\u{201c}Stop.\u{201d} He left.",
            &["\u{201c}Stop.\u{201d}", "He left."],
        ),
        (
            "He said, \u{201c}Stop.\u{201d} Then he left.",
            &["He said, \u{201c}Stop.\u{201d}", "Then he left."],
        ),
        (
            "He said \"stop!\" She did not.",
            &["He said \"stop!\"", "She did not."],
        ),
        (
            "\u{201c}Is it over?\u{201d} she asked.",
            &["\u{201c}Is it over?\u{201d} she asked."],
        ),
        (
            "It ended. \u{201c}Good,\u{201d} he said.",
            &["It ended.", "\u{201c}Good,\u{201d} he said."],
        ),
        (
            "(It was late.) Then it rained.",
            &["(It was late.)", "Then it rained."],
        ),
    ]);
}

#[test]
fn ellipses_end_a_sentence_only_before_a_capital() {
    check(&[
        (
            "He paused... Then he left.",
            &["He paused...", "Then he left."],
        ),
        (
            "He paused\u{2026} Then he left.",
            &["He paused\u{2026}", "Then he left."],
        ),
        ("Wait\u{2026} what?", &["Wait\u{2026} what?"]),
        ("and so on... and on.", &["and so on... and on."]),
    ]);
}

#[test]
fn numbers_keep_their_points() {
    check(&[
        (
            "It cost $3.5 million. U.S. officials agreed.",
            &["It cost $3.5 million.", "U.S. officials agreed."],
        ),
        (
            "Growth was 2.5%. In 2017 it was 3.1%.",
            &["Growth was 2.5%.", "In 2017 it was 3.1%."],
        ),
        (
            "The vote was 12. 3 abstained.",
            &["The vote was 12.", "3 abstained."],
        ),
    ]);
}

#[test]
fn questions_exclamations_and_line_breaks_end_sentences() {
    check(&[
        ("Really?! Yes.", &["Really?!", "Yes."]),
        ("One. Two!\nThree", &["One.", "Two!", "Three"]),
        ("A headline\n\nThe body", &["A headline", "The body"]),
        ("no terminator at all", &["no terminator at all"]),
        ("  \n\n ", &[]),
    ]);
}
