//! A reduced run of the labelled copy evaluation (`examples/evaluate.rs`):
//! copies made from real articles in `../shared` with the edits
//! re-publishers make, partial re-uses and same-event articles sharing a
//! long quote, through the whole pipeline (body, signature, LSH, alignment,
//! clusters, origin).

#[path = "../examples/evaluate/score.rs"]
mod score;
#[path = "../examples/evaluate/set.rs"]
mod set;

use std::path::Path;

#[test]
fn copies_are_clustered_and_same_event_articles_are_not() {
    let (Some(news), Some(ptc)) = (
        unspin_testkit::shared_dir("data/unlabeled-news"),
        unspin_testkit::shared_dir("data/ptc/train/articles"),
    ) else {
        return;
    };
    let evaluation = Path::new(env!("CARGO_MANIFEST_DIR")).join("evaluation");
    let mut judged = score::read_judgements(&evaluation.join("ptc-near-duplicates.tsv"), "ptc")
        .expect("the PTC judgement file reads");
    judged.extend(
        score::read_judgements(&evaluation.join("news-near-duplicates.tsv"), "news")
            .expect("the news judgement file reads"),
    );
    assert!(judged.len() > 100, "{} judged pairs", judged.len());
    let keep_apart: Vec<String> = judged
        .iter()
        .filter(|j| j.judgement == "copy" || j.judgement == "partial")
        .flat_map(|j| [j.a.clone(), j.b.clone()])
        .collect();
    let mut sources = set::load_sources(&news, false, 150).expect("news articles read");
    sources.extend(set::load_sources(&ptc, true, 120).expect("PTC articles read"));
    let sources = set::usable(sources);
    let labelled = set::build(&sources, set::Config::default(), &keep_apart);
    let texts: Vec<(&str, Option<&str>)> = labelled
        .articles
        .iter()
        .map(|a| (a.text.as_str(), a.title.as_deref()))
        .collect();
    let members: Vec<_> = labelled.articles.iter().map(|a| a.member.clone()).collect();
    let det = score::detect(&texts, &members);
    let report = score::score(&labelled, &det, &judged);
    let table = score::markdown(&report);
    eprintln!("{table}");
    assert!(report.copies > 200 && report.quoting_stories > 5, "{table}");
    assert!(
        report.precision >= 0.95,
        "pairwise precision below 0.95\n{table}"
    );
    assert!(report.f1 >= 0.9, "pairwise F1 below 0.9\n{table}");
    assert_eq!(
        report.hard_negative_pairs_clustered, 0,
        "same-event articles sharing a quote were clustered\n{table}"
    );
    // Explicit pointers and dates decide the origin almost always (the text
    // alone often cannot, and the storing order is shuffled here).
    for row in report
        .origin
        .iter()
        .filter(|r| r.basis == "original_source" || r.basis == "date")
    {
        assert!(
            row.correct as f64 >= 0.9 * row.clusters as f64,
            "origin by {}: {}/{}\n{table}",
            row.basis,
            row.correct,
            row.clusters
        );
    }
}

#[test]
fn footers_seen_in_the_evaluation_are_boilerplate() {
    use unspin_copies::text::is_boilerplate;
    // Cross-posting footers and site chrome shared by unrelated PTC articles
    // and by re-publishers' copies (see evaluation/README.md).
    for line in [
        "The original source of this article is CounterPunch",
        "Article posted with permission from Robert Spencer",
        "take our poll - story continues below",
        "You also agree to this site's Privacy Policy and Terms of Use.",
        "Posted on September 28, 2016 by Jane Doe in World News, Politics, Opinion",
        "Articles by: Mike Whitney",
        "A protester holds a sign outside the embassy on Tuesday. (Photo: AP)",
    ] {
        assert!(is_boilerplate(line), "{line}");
    }
    for line in [
        "The minister said on Tuesday that the plan would go ahead despite the protests.",
        "Officials posted guards at every entrance of the ministry after the attack.",
    ] {
        assert!(!is_boilerplate(line), "{line}");
    }
}
