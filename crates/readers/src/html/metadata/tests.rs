//! Tests of the metadata extraction (`super`).

use super::*;

fn found(page: &str) -> Found {
    extract(&Html::parse_document(page), None)
}

#[test]
fn json_ld_graph_beats_meta_and_sidebar_bylines() {
    let page = r#"<html lang="en-GB"><head>
        <script type="application/ld+json">{"@context":"https://schema.org","@graph":[
          {"@type":"WebSite","name":"The Site"},
          {"@type":["NewsArticle"],"headline":"Real &amp; headline","datePublished":"2021-03-04T05:06:07+0100",
           "author":[{"@type":"Person","name":"Jane Doe"},{"@type":"Organization","name":"The Site"}],
           "publisher":{"@type":"Organization","name":"The Site"}}]}</script>
        <meta name="author" content="Staff"><meta property="og:title" content="OG title | The Site">
        </head><body><aside><span class="byline">By Sidebar Person</span></aside></body></html>"#;
    let f = found(page);
    assert_eq!(f.title.as_deref(), Some("Real & headline"));
    assert_eq!(f.authors, ["Jane Doe"]);
    assert_eq!(f.published.as_deref(), Some("2021-03-04T05:06:07+01:00"));
    assert_eq!(f.site_name.as_deref(), Some("The Site"));
    assert_eq!(f.language.as_deref(), Some("en-GB"));
}

#[test]
fn meta_tags_and_refused_authors() {
    let f = found(
        r#"<html><head><title>A story - Example News</title><meta property="og:site_name" content="Example News">
        <meta name="author" content="Watermark Feed"><meta property="article:published_time" content="2019-12-01">
        <link rel="canonical" href="https://other.example/story"></head><body></body></html>"#,
    );
    assert_eq!(f.title.as_deref(), Some("A story"));
    assert!(f.authors.is_empty());
    assert_eq!(f.published.as_deref(), Some("2019-12-01"));
    assert_eq!(f.canonical.as_deref(), Some("https://other.example/story"));
}

#[test]
fn bylines_count_only_inside_the_article() {
    let f = found(
        r#"<body><div class="sidebar"><a rel="author" href="/x">Wrong Person</a></div>
        <article><a rel="author" href="/y">By Right Person and Other Person</a></article></body>"#,
    );
    assert_eq!(f.authors, ["Right Person", "Other Person"]);
}

#[test]
fn more_date_sources() {
    // JSON-LD followed by stray text still parses.
    let f = found(
        r#"<script type="application/ld+json">{"@type":"NewsArticle","datePublished":"2020-10-26T18:10:00+01:00"} }</script>"#,
    );
    assert_eq!(f.published.as_deref(), Some("2020-10-26T18:10:00+01:00"));
    // Broken JSON: the date is still read.
    let f = found(
        r#"<script type="application/ld+json">{"@type":"NewsArticle", "datePublished": "2020-10-26", "x": [}</script>"#,
    );
    assert_eq!(f.published.as_deref(), Some("2020-10-26"));
    // Objects that are neither articles nor pages (a Question) give a date.
    let f = found(
        r#"<script type="application/ld+json">{"@type":"Question","datePublished":"2020-07-13T01:10:40+09:00"}</script>"#,
    );
    assert_eq!(f.published.as_deref(), Some("2020-07-13T01:10:40+09:00"));
    // hAtom `<abbr class="published">`, day first with dashes.
    let f = found(
        r#"<div><abbr class="published" title="06-08-2009T14:12:32+0200">6. August 2009</abbr></div>"#,
    );
    assert_eq!(f.published.as_deref(), Some("2009-08-06"));
    // itemprop=datePublished with the date only in the element's text.
    let f = found(r#"<li itemprop="datePublished"><span>19. Oktober 2019</span></li>"#);
    assert_eq!(f.published.as_deref(), Some("2019-10-19"));
    // The page URL comes first; a Question's date comes after <time>.
    let html = Html::parse_document(r#"<article><time datetime="2020-02-18">x</time></article>"#);
    let f = extract(&html, Some("https://x.com/2020/02/17/story/"));
    assert_eq!(f.published.as_deref(), Some("2020-02-17"));
}

#[test]
fn article_body_is_kept_as_paragraphs() {
    let f = found(
        r#"<script type="application/ld+json">{"@type":"NewsArticle","articleBody":"<p>First &amp; one.</p><p>Second  one.</p>\n\nThird."}</script>"#,
    );
    assert_eq!(
        f.ld_body.as_deref(),
        Some("First & one.\nSecond one.\nThird.")
    );
    // Only articles give a body.
    let f = found(
        r#"<script type="application/ld+json">{"@type":"Organization","articleBody":"Not an article."}</script>"#,
    );
    assert_eq!(f.ld_body, None);
}
