//! Tests of the HTML report.

use unspin_document::Metadata;

use super::*;

fn span(text: &str, needle: &str, label: &str) -> Span {
    let start = text.find(needle).unwrap();
    Span::new(start, start + needle.len(), label).unwrap()
}

/// The body of the `<main>` element.
fn article(html: &str) -> &str {
    let start = html.find("<main class=\"article\">").unwrap();
    let end = html.find("</main>").unwrap();
    &html[start..end]
}

#[test]
fn template_never_disables_escaping() {
    let squeezed: String = TEMPLATE.split_whitespace().collect();
    assert!(
        !squeezed.contains("|safe"),
        "the `safe` filter would bypass escaping"
    );
    assert!(!TEMPLATE.contains("autoescape"));
    assert!(!TEMPLATE.contains("<script"));
}

#[test]
fn hostile_text_and_metadata_render_as_text() {
    let text =
        "Breaking: <script>alert(1)</script> and <img src=x \"onerror=alert(2)\"> & more.\n\n\
        Second 'paragraph' </p></main>.";
    let mut doc = Document::new("<id>", text);
    doc.metadata = Metadata {
        title: Some("<script>alert('title')</script>".into()),
        authors: vec!["\"onerror=alert(3)".into(), "<b>Bold</b>".into()],
        published: Some("<i>2016</i>".into()),
        site_name: Some("Site \" onmouseover=\"alert(4)".into()),
        original_source: Some("</title><script>x</script>".into()),
        url: Some("javascript:alert(5)".into()),
        canonical_url: None,
        language: Some("en\"><script>alert(6)</script>".into()),
    };
    doc.add_span(
        layers::TECHNIQUE,
        span(text, "<script>alert(1)</script>", "Loaded_Language")
            .with(attrs::EXPLANATION, "\"><script>alert(7)</script>".into()),
    )
    .unwrap();
    doc.add_span(layers::TECHNIQUE, span(text, "& more", "<b>Unknown</b>"))
        .unwrap();
    let html = to_html(&doc).unwrap();

    assert!(!html.contains("<script"), "{html}");
    assert!(!html.contains("<img"), "{html}");
    assert!(!html.contains("<b>"), "{html}");
    assert!(!html.contains("<i>"), "{html}");
    assert!(!html.contains("\"onerror="), "{html}");
    assert!(!html.contains("\" onmouseover"), "{html}");
    assert!(!html.contains("href=\"javascript"), "{html}");
    assert!(
        html.contains("&lt;script&gt;alert(1)&lt;&#x2f;script&gt;"),
        "{html}"
    );
    assert!(html.contains("&quot;onerror=alert(2)&quot;"), "{html}");
    assert!(
        html.contains("javascript:alert(5)"),
        "the URL is still shown as text"
    );
    assert_eq!(html.matches("</main>").count(), 1);
    assert_eq!(html.matches("</title>").count(), 1);
}

#[test]
fn web_urls_become_links() {
    let mut doc = Document::new("d", "Text.");
    doc.metadata.url = Some("https://example.org/a?b=1&c=2".into());
    let html = to_html(&doc).unwrap();
    assert!(
        html.contains("<a href=\"https:&#x2f;&#x2f;example.org&#x2f;a?b=1&amp;c=2\""),
        "{html}"
    );
    assert!(is_web_url("HTTP://x") && !is_web_url("javascript:x") && !is_web_url("/tmp/a.html"));
}

#[test]
fn overlapping_spans_are_split_into_segments() {
    // Loaded_Language covers "shameful, disgraceful" (21 bytes), Name_Calling
    // "disgraceful plan" (16 bytes). Pieces: "It is a " | "shameful, " (L) |
    // "disgraceful" (both; N is innermost) | " plan" (N) | "."
    let text = "It is a shameful, disgraceful plan.";
    let mut doc = Document::new("d", text);
    doc.add_span(
        layers::TECHNIQUE,
        span(text, "shameful, disgraceful", "Loaded_Language")
            .with_score(0.8)
            .with(attrs::EXPLANATION, "emotive adjectives".into()),
    )
    .unwrap();
    doc.add_span(
        layers::TECHNIQUE,
        span(text, "disgraceful plan", "Name_Calling,Labeling").with_score(0.6),
    )
    .unwrap();
    let html = to_html(&doc).unwrap();
    let body = article(&html);
    let expected = "<p>It is a \
        <mark class=\"t8\" title=\"Loaded language (0.80): emotive adjectives\">shameful, </mark>\
        <mark class=\"t9 multi\" title=\"Name calling &#x2f; Labelling (0.60)\nLoaded language (0.80): emotive adjectives\">disgraceful</mark>\
        <mark class=\"t9\" title=\"Name calling &#x2f; Labelling (0.60)\"> plan</mark>.</p>";
    assert!(body.contains(expected), "{body}");
}

#[test]
fn equal_spans_prefer_the_higher_score() {
    let text = "Total disaster.";
    let mut doc = Document::new("d", text);
    doc.add_span(
        layers::TECHNIQUE,
        span(text, "Total disaster", "Loaded_Language").with_score(0.4),
    )
    .unwrap();
    doc.add_span(
        layers::TECHNIQUE,
        span(text, "Total disaster", "Exaggeration,Minimisation").with_score(0.9),
    )
    .unwrap();
    let html = to_html(&doc).unwrap();
    assert!(article(&html).contains("<mark class=\"t6 multi\" title=\"Exaggeration &#x2f; Minimisation (0.90)\nLoaded language (0.40)\">Total disaster</mark>"), "{html}");
}

#[test]
fn paragraphs_are_preserved_and_text_is_complete() {
    let text = "Title line\n\nFirst \u{201c}para\u{201d}\nstill first \u{2014} Fran\u{e7}ois.\r\n\r\n  \n\nSecond para.\n";
    assert_eq!(
        paragraphs(text)
            .iter()
            .map(|&(a, b)| &text[a..b])
            .collect::<Vec<_>>(),
        [
            "Title line",
            "First \u{201c}para\u{201d}\nstill first \u{2014} Fran\u{e7}ois.",
            "Second para."
        ]
    );
    let mut doc = Document::new("d", text);
    // A span across a paragraph break is highlighted in both paragraphs.
    doc.add_span(
        layers::TECHNIQUE,
        span(text, "Fran\u{e7}ois.\r\n\r\n  \n\nSecond", "Doubt"),
    )
    .unwrap();
    let html = to_html(&doc).unwrap();
    let body = article(&html);
    assert_eq!(body.matches("<p>").count(), 3);
    assert!(body.contains("<p>First \u{201c}para\u{201d}\nstill first \u{2014} <mark class=\"t5\" title=\"Doubt (1.00)\">Fran\u{e7}ois.</mark></p>"), "{body}");
    assert!(
        body.contains("<p><mark class=\"t5\" title=\"Doubt (1.00)\">Second</mark> para.</p>"),
        "{body}"
    );
    assert!(paragraphs("").is_empty() && paragraphs("\n \n").is_empty());
}

#[test]
fn header_and_legend() {
    let text = "They lied. They lied again. Shameful.";
    let mut doc = Document::new("d", text);
    doc.metadata.title = Some("Caf\u{e9} politics".into());
    doc.metadata.authors = vec!["Fran\u{e7}ois Martin".into(), "Jo Lee".into()];
    doc.metadata.published = Some("2016-09-28".into());
    doc.metadata.site_name = Some("Global Research".into());
    doc.metadata.original_source = Some("CounterPunch".into());
    doc.metadata.language = Some("en".into());
    doc.add_span(layers::TECHNIQUE, span(text, "They lied.", "Repetition"))
        .unwrap();
    doc.add_span(
        layers::TECHNIQUE,
        span(text, "They lied again.", "Repetition"),
    )
    .unwrap();
    doc.add_span(layers::TECHNIQUE, span(text, "Shameful", "Loaded_Language"))
        .unwrap();
    doc.add_span(layers::TECHNIQUE, span(text, "again", "Made_Up"))
        .unwrap();
    let html = to_html(&doc).unwrap();
    assert!(
        html.starts_with("<!DOCTYPE html>\n<html lang=\"en\">"),
        "{html}"
    );
    assert!(html.contains("<h1>Caf\u{e9} politics</h1>"));
    assert!(html.contains("<p class=\"byline\">By Fran\u{e7}ois Martin, Jo Lee</p>"));
    assert!(html.contains("<span>2016-09-28</span><span>Global Research</span><span>Originally published by CounterPunch</span>"));
    assert!(
        html.contains("4 technique spans in 6 words (666.7 per 1,000 words)."),
        "{html}"
    );
    // Legend: most frequent first, unknown labels with the fallback class.
    let rep = html
        .find("<strong>Repetition</strong> <span class=\"count\">× 2</span>")
        .unwrap();
    let loaded = html
        .find("<strong>Loaded language</strong> <span class=\"count\">× 1</span>")
        .unwrap();
    let made_up = html
        .find("<span class=\"swatch tx\"></span><strong>Made_Up</strong>")
        .unwrap();
    assert!(rep < loaded && loaded < made_up);
    assert!(html.contains(unspin_taxonomy::by_label("Repetition").unwrap().definition));
    assert!(html.contains("Not found in this text (12)"));
    assert!(html.contains(".t10 { background-color: #d9f2b3; }"));
}

#[test]
fn empty_document_renders() {
    let html = to_html(&Document::new("empty-doc", "")).unwrap();
    assert!(html.contains("<h1>empty-doc</h1>"));
    assert!(html.contains("No persuasion techniques were flagged"));
    assert!(html.contains("No technique spans in 0 words."));
    assert!(html.trim_end().ends_with("</html>"));
}

/// The evidence trail section.
fn evidence_section(html: &str) -> &str {
    let start = html
        .find("<section class=\"evidence\">")
        .expect("an evidence section");
    let end = start + html[start..].find("</section>").unwrap();
    &html[start..end]
}

#[test]
fn evidence_trail_lists_sources_quotes_and_claims() {
    let doc = crate::sourcing::fixture::document();
    let html = to_html(&doc).unwrap();
    let legend = html.find("<section class=\"legend\">").unwrap();
    let trail = html.find("<h2>Evidence trail</h2>").unwrap();
    assert!(legend < trail, "after the technique summary");
    let ev = evidence_section(&html);
    assert!(
        ev.contains("<dt>Sources</dt><dd>2 named, 1 anonymous</dd>"),
        "{ev}"
    );
    assert!(
        ev.contains(
            "<dt>Quotation</dt><dd>29.1% of the text, in 2 quotes (1 direct, 1 indirect)</dd>"
        ),
        "{ev}"
    );
    assert!(
        ev.contains("<dd>1 anonymous, 1 news outlet, 1 person</dd>"),
        "{ev}"
    );
    assert!(
        ev.contains("<dd>1 of 2 sentences scored: 1 hedged, 0 boosted, 0 unhedged</dd>"),
        "{ev}"
    );
    assert!(ev.contains("<h3>Sources cited (3)</h3>"), "{ev}");
    assert!(ev.contains("<tr><td>New York Times</td><td>news outlet</td><td>cited, linked</td><td class=\"num\">2</td><td class=\"links\"><a href=\"https:&#x2f;&#x2f;www.nytimes.com&#x2f;2016&#x2f;09&#x2f;27&#x2f;syria.html\""), "{ev}");
    assert!(ev.contains("<li><strong class=\"speaker\">Colonel W. Patrick Lang</strong> <span class=\"cue\">— said —</span> <q>The ceasefire is dead,</q> <span class=\"tag\">direct · in New York Times</span></li>"), "{ev}");
    assert!(ev.contains("<h3>Most check-worthy claims</h3>"), "{ev}");
    assert!(ev.contains("<li><p><span class=\"hedge\" title=\"hedge\">Reportedly</span> 62 soldiers were killed, a senior official said.</p><p class=\"tag\">check-worthiness 0.85 · hedged · numbers: 62 soldiers</p></li>"), "{ev}");
    assert!(
        !ev.contains("The ceasefire is dead,\u{201d} Colonel"),
        "the claim scored 0.4 is not check-worthy"
    );
    // Quotes are underlined in the article, the speaker in the tooltip.
    assert!(article(&html).contains("<span class=\"qt\" title=\"Quote (direct): Colonel W. Patrick Lang — said (in New York Times)\">The ceasefire is dead,</span>"), "{html}");
}

#[test]
fn quotes_in_the_article_keep_technique_highlights() {
    let text = "He said \u{201c}a shameful plan\u{201d} today.";
    let mut doc = Document::new("d", text);
    doc.add_span(
        layers::TECHNIQUE,
        span(text, "shameful plan\u{201d} today", "Loaded_Language"),
    )
    .unwrap();
    doc.add_span(
        layers::QUOTE,
        span(text, "a shameful plan", "direct").with(attrs::SPEAKER, "He".into()),
    )
    .unwrap();
    let html = to_html(&doc).unwrap();
    let body = article(&html);
    let expected = "<p>He said \u{201c}\
        <span class=\"qt\" title=\"Quote (direct): He\">a </span>\
        <span class=\"qt\" title=\"Quote (direct): He\"><mark class=\"t8\" title=\"Loaded language (1.00)\">shameful plan</mark></span>\
        <mark class=\"t8\" title=\"Loaded language (1.00)\">\u{201d} today</mark>.</p>";
    assert!(body.contains(expected), "{body}");
}

#[test]
fn hostile_speakers_sources_and_claims_render_as_text() {
    let text = "<script>alert(1)</script> said <b>it</b>. Reportedly <img src=x onerror=alert(2)> won 3 seats.";
    let mut doc = Document::new("d", text);
    doc.add_span(
        layers::QUOTE,
        span(text, "<b>it</b>", "indirect")
            .with(attrs::ID, "q1".into())
            .with(attrs::SPEAKER, "<script>alert(1)</script>".into())
            .with(attrs::CUE, "said\"><script>alert(3)</script>".into())
            .with(attrs::MEDIUM, "<iframe src=x>".into()),
    )
    .unwrap();
    doc.add_span(
        layers::SOURCE,
        span(text, "<script>alert(1)</script>", "person")
            .with(attrs::NAME, "<script>alert(1)</script>".into())
            .with(attrs::ROLE, "quoted".into())
            .with(attrs::URL, "javascript:alert(4)".into()),
    )
    .unwrap();
    doc.add_span(
        layers::SOURCE,
        span(text, "<img src=x onerror=alert(2)>", "<b>kind</b>")
            .with(attrs::NAME, "\" onmouseover=\"alert(5)".into())
            .with(attrs::ROLE, "linked".into())
            .with(
                attrs::URL,
                "https://example.org/\"><script>alert(6)</script>".into(),
            ),
    )
    .unwrap();
    doc.add_span(
        layers::HEDGE,
        span(text, "Reportedly", "hedge\"><script>").with(attrs::MARKER, "reportedly".into()),
    )
    .unwrap();
    doc.add_span(
        layers::CLAIM,
        span(
            text,
            "Reportedly <img src=x onerror=alert(2)> won 3 seats.",
            "claim",
        )
        .with_score(0.9)
        .with(attrs::ID, "c1".into())
        .with(attrs::CERTAINTY, "<script>x</script>".into())
        .with(
            attrs::QUANTITIES,
            serde_json::json!([{"text": "<i>3</i>", "value": 3.0, "unit": null}]),
        ),
    )
    .unwrap();
    let html = to_html(&doc).unwrap();
    for bad in [
        "<script",
        "<img",
        "<b>",
        "<i>",
        "<iframe",
        "\" onmouseover",
        "href=\"javascript",
    ] {
        assert!(!html.contains(bad), "{bad} in {html}");
    }
    let ev = evidence_section(&html);
    assert!(
        ev.contains(
            "<strong class=\"speaker\">&lt;script&gt;alert(1)&lt;&#x2f;script&gt;</strong>"
        ),
        "{ev}"
    );
    assert!(
        ev.contains("<td>&lt;script&gt;alert(1)&lt;&#x2f;script&gt;</td>"),
        "{ev}"
    );
    assert!(
        ev.contains("javascript:alert(4)</td>"),
        "a non-web URL is shown as text: {ev}"
    );
    assert!(
        ev.contains("<td>&quot; onmouseover=&quot;alert(5)</td>"),
        "{ev}"
    );
    assert!(
        ev.contains("&lt;img src=x onerror=alert(2)&gt; won 3 seats."),
        "{ev}"
    );
    assert_eq!(html.matches("</main>").count(), 1);
}

#[test]
fn no_evidence_trail_without_sourcing_layers() {
    let html = to_html(&Document::new("d", "Plain text.")).unwrap();
    assert!(!html.contains("Evidence trail"));
    assert!(!html.contains("class=\"qt\""));
    let mut doc = Document::new("d", "Plain text.");
    doc.set_layer(layers::CLAIM, Vec::new()).unwrap();
    let ev = to_html(&doc).unwrap();
    let ev = evidence_section(&ev).to_string();
    assert!(ev.contains("No source is named or linked."), "{ev}");
    assert!(ev.contains("No quotes or reported speech found."), "{ev}");
    assert!(
        ev.contains("No sentence makes a check-worthy factual claim."),
        "{ev}"
    );
}

#[test]
fn shorten_cuts_at_characters() {
    assert_eq!(shorten("  caf\u{e9} ol\u{e9} ", 4), "caf\u{e9}…");
    assert_eq!(shorten("abc", 3), "abc");
    assert_eq!(sources_of_kind("person", 3), "3 people");
    assert_eq!(sources_of_kind("news_outlet", 2), "2 news outlets");
    assert_eq!(sources_of_kind("anonymous", 2), "2 anonymous");
    assert_eq!(shown_cue(Some(" \u{2014} ")), None);
    assert_eq!(shown_cue(Some(" said ")), Some("said"));
}

#[test]
fn warnings_show_as_a_banner_and_skipped_techniques_are_not_called_clean() {
    use unspin_document::{Warning, WarningCode};
    let mut doc = Document::new("de", "Die Regierung hat <b>beschlossen</b>.");
    doc.warnings.push(Warning {
        code: WarningCode::Language,
        message: "This text is in German, not <English>.".into(),
        skipped_layers: vec![layers::TECHNIQUE.into()],
        language: Some("deu".into()),
    });
    let html = to_html(&doc).unwrap();
    let banner = &html[html.find("<div class=\"warning\"").unwrap()..];
    let banner = &banner[..banner.find("</div>").unwrap()];
    assert!(banner.contains("Not analysed"), "{banner}");
    assert!(banner.contains("German, not &lt;English&gt;."), "{banner}");
    assert!(html.contains("not analysed for techniques"));
    assert!(html.contains("Techniques were not looked for"));
    assert!(!html.contains("No persuasion techniques were flagged"));
    assert!(!html.contains("Not found in this text"));

    // A warning that skipped nothing is a caution, and the legend stays.
    doc.warnings[0].skipped_layers.clear();
    doc.warnings[0].code = WarningCode::TooShort;
    let html = to_html(&doc).unwrap();
    assert!(html.contains("Read with care"));
    assert!(html.contains("No persuasion techniques were flagged"));

    doc.warnings.clear();
    assert!(!to_html(&doc).unwrap().contains("class=\"warning\""));
}
