//! Tests of the comparison's summary, JSON and page.

use super::*;
use unspin_document::Span;

const ORIGIN: &str = "Ceasefire <Collapses>\n\nBy Jane Doe\n\n\
    The ceasefire agreed last week collapsed on Monday after new strikes hit the city.\n\n\
    Officials on both sides blamed each other for the violence in a series of statements.\n\n\
    Aid agencies said they could not reach the people who needed help most.\n";
const COPY: &str = "Ceasefire Sabotage Triggers Offensive\n\nBy Jane Doe\n\n\
    The ceasefire agreed last week collapsed on Monday after new US strikes hit the city.\n\n\
    Officials on both sides blamed each other for the violence in a series of statements.\n\n\
    Aid agencies said they could not reach the people who needed help most.\n\n\
    This article was originally published on Example News.\n";

fn docs() -> (Document, Document) {
    let mut origin = Document::new("o", ORIGIN);
    origin.metadata.title = Some("Ceasefire <Collapses>".into());
    origin.metadata.site_name = Some("Example News".into());
    let mut copy = Document::new("c", COPY);
    copy.metadata.title = Some("Ceasefire Sabotage Triggers Offensive".into());
    copy.metadata.original_source = Some("Example News".into());
    let at = COPY.find("Sabotage").unwrap();
    copy.add_span(
        layers::TECHNIQUE,
        Span::new(at, at + 8, "Loaded_Language").unwrap(),
    )
    .unwrap();
    (origin, copy)
}

#[test]
fn a_copy_reads_as_one_summary_line_and_json_rows_with_texts() {
    let (origin, copy) = docs();
    let cmp = Comparison::new(&origin, "o.md", &copy, "c.md");
    assert_eq!(cmp.relation(), Relation::Copy);
    assert_eq!(
        cmp.summary(),
        "copy: headline changed, 1 paragraph edited, footer added; \
         techniques added: Loaded_Language 'Sabotage'"
    );
    let json: serde_json::Value = serde_json::from_str(&cmp.to_json().unwrap()).unwrap();
    assert_eq!(json["relation"], "copy");
    assert_eq!(json["origin"]["path"], "o.md");
    assert_eq!(json["origin"]["outlet"], "Example News");
    assert_eq!(json["copy"]["original_source"], "Example News");
    assert_eq!(
        json["changes"]["headline"]["origin"],
        "Ceasefire <Collapses>"
    );
    let rows = json["rows"].as_array().unwrap();
    assert_eq!(rows[0]["status"], "headline");
    assert_eq!(rows[0]["copy"], "Ceasefire Sabotage Triggers Offensive");
    let edited = rows.iter().find(|r| r["status"] == "edited").unwrap();
    assert!(edited["copy"].as_str().unwrap().contains("new US strikes"));
    let footer = rows.last().unwrap();
    assert_eq!(
        (footer["status"].as_str(), footer["kind"].as_str()),
        (Some("added"), Some("boilerplate"))
    );
    assert!(footer["origin"].is_null());
}

#[test]
fn the_page_escapes_marks_differences_and_highlights_both_sides() {
    let (origin, copy) = docs();
    let html = Comparison::new(&origin, "o<1>.md", &copy, "c.md")
        .to_html()
        .unwrap();
    assert!(html.contains("Ceasefire &lt;Collapses&gt;"), "{html}");
    assert!(!html.contains("<Collapses>") && !html.contains("o<1>"));
    assert!(html.contains("after new <ins>US</ins> strikes"), "{html}");
    assert!(
        html.contains("Ceasefire <del>&lt;Collapses&gt;</del>"),
        "{html}"
    );
    assert!(
        html.contains("title=\"Loaded language (1.00)\">Sabotage</mark>"),
        "{html}"
    );
    assert!(html.contains("class=\"empty\""));
    assert!(
        html.contains("techniques added: Loaded_Language &#x27;Sabotage&#x27;"),
        "{html}"
    );
}

#[test]
fn unrelated_articles_say_so() {
    let a = Document::new(
        "a",
        "One story about the harvest in the valley, told at length by farmers who worked there.\n",
    );
    let b = Document::new(
        "b",
        "Another report on a football match that ended in a draw after extra time was played.\n",
    );
    let cmp = Comparison::new(&a, "a", &b, "b");
    assert_eq!(cmp.relation(), Relation::Unrelated);
    assert!(
        cmp.summary().starts_with("unrelated: 0% of the original"),
        "{}",
        cmp.summary()
    );
    assert!(cmp.to_html().unwrap().contains("unrelated"));
}
