//! End-to-end tests of the HTML reader on small hand-written pages.

use proptest::prelude::*;
use unspin_document::{layers, Document};

use super::*;

type TestResult = Result<(), Box<dyn std::error::Error>>;

const PARA1: &str = "The council voted on Tuesday to close the old bridge, citing a report that found corrosion in every one of its steel supports.";
const PARA2: &str = "Residents, many of whom cross it twice a day, said they had not been consulted, and some plan to challenge the decision in court.";
const PARA3: &str = "Engineers estimate that a replacement, if approved, would take three years to build and cost about twelve million dollars.";

fn page(article: &str) -> String {
    format!(
        r#"<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Bridge to close | Town Post</title>
        <meta property="og:site_name" content="Town Post"></head><body>
        <header><nav><ul><li><a href="/">Home</a></li><li><a href="/news">News</a></li><li><a href="/sport">Sport</a></li></ul></nav></header>
        <div class="cookie-banner">We use cookies to improve your experience. Accept all cookies?</div>
        <main><article>{article}</article></main>
        <aside class="sidebar"><h3>Most read</h3><ul><li><a href="/a">Another story about something</a></li><li><a href="/b">A second story</a></li></ul></aside>
        <div id="comments"><h3>Comments</h3><p>I think this is a terrible decision, and the council should resign immediately.</p></div>
        <footer><p>Copyright 2024 Town Post. All rights reserved.</p></footer>
        </body></html>"#
    )
}

fn read(html: &str) -> Result<Document, ReadError> {
    read_html("t", html.as_bytes(), &HtmlOptions::default())
}

/// Every alignment piece maps text bytes to identical source bytes.
fn assert_alignment_exact(doc: &Document, source: &str) {
    let Some(align) = &doc.alignment else {
        panic!("no alignment")
    };
    for p in align.pieces() {
        assert_eq!(
            &doc.text()[p.text_start..p.text_start + p.len],
            &source[p.source_start..p.source_start + p.len]
        );
    }
}

#[test]
fn boilerplate_is_removed_and_paragraphs_kept() -> TestResult {
    let html = page(&format!("<h1>Bridge to close</h1><p>{PARA1}</p><div class=\"share-buttons\"><a href=\"#\">Share on Facebook</a></div><p>{PARA2}</p><p>{PARA3}</p>"));
    let doc = read(&html)?;
    assert_eq!(
        doc.text(),
        format!("Bridge to close\n\n{PARA1}\n\n{PARA2}\n\n{PARA3}")
    );
    for junk in [
        "Home",
        "cookies",
        "Most read",
        "terrible decision",
        "Copyright",
        "Share on",
    ] {
        assert!(!doc.text().contains(junk), "{junk} in {:?}", doc.text());
    }
    assert_eq!(doc.metadata.title.as_deref(), Some("Bridge to close"));
    assert_eq!(doc.metadata.site_name.as_deref(), Some("Town Post"));
    assert_eq!(doc.metadata.language.as_deref(), Some("en"));
    let title = &doc.layer(layers::TITLE)[0];
    assert_eq!(doc.span_text(title), "Bridge to close");
    let paras: Vec<&str> = doc
        .layer(layers::PARAGRAPH)
        .iter()
        .map(|s| doc.span_text(s))
        .collect();
    assert_eq!(paras, [PARA1, PARA2, PARA3]);
    assert_alignment_exact(&doc, &html);
    // Each paragraph maps to where it stands in the source.
    let align = doc.alignment.as_ref().ok_or("alignment")?;
    for p in [PARA1, PARA2, PARA3] {
        let at = doc.text().find(p).ok_or("para")?;
        let src = align.to_source(at).ok_or("unmapped")?;
        assert_eq!(&html[src..src + p.len()], p);
    }
    Ok(())
}

#[test]
fn headings_lists_and_block_quotes_are_layers() -> TestResult {
    let html = page(&format!(
        "<p>{PARA1}</p><h2>What happens next</h2><p>{PARA2}</p><ul><li>First, a public hearing in May.</li><li>Then a <b>final</b> vote.</li></ul>\
         <blockquote><p>We were never asked, not once, by anyone at the council.</p><p>It is our bridge.</p></blockquote><p>{PARA3}</p>"
    ));
    let doc = read(&html)?;
    let t = doc.text();
    assert!(t.contains("\n\nWhat happens next\n\n"), "{t:?}");
    assert!(
        t.contains("First, a public hearing in May.\nThen a final vote."),
        "{t:?}"
    );
    let heading = &doc.layer(layers::HEADING)[0];
    assert_eq!(
        (doc.span_text(heading), heading.label.as_str()),
        ("What happens next", "h2")
    );
    let items: Vec<&str> = doc
        .layer(layers::LIST_ITEM)
        .iter()
        .map(|s| doc.span_text(s))
        .collect();
    assert_eq!(
        items,
        ["First, a public hearing in May.", "Then a final vote."]
    );
    let quotes = doc.layer(layers::BLOCKQUOTE);
    assert_eq!(quotes.len(), 1);
    assert_eq!(
        doc.span_text(&quotes[0]),
        "We were never asked, not once, by anyone at the council.\n\nIt is our bridge."
    );
    assert_alignment_exact(&doc, &html);
    Ok(())
}

#[test]
fn links_layer_has_anchor_text_and_resolved_href() -> TestResult {
    let html = page(&format!("<p>{PARA1} Read <a href=\"/reports/bridge.pdf\">the engineers' report</a> online.</p><p>{PARA2}</p><p>{PARA3}</p>"));
    let doc = read_html(
        "t",
        html.as_bytes(),
        &HtmlOptions::default().with_url("https://town.example/news/bridge"),
    )?;
    let links = doc.layer(layers::LINK);
    assert_eq!(links.len(), 1);
    assert_eq!(doc.span_text(&links[0]), "the engineers' report");
    assert_eq!(links[0].label, "link");
    assert_eq!(
        links[0].attrs["href"],
        "https://town.example/reports/bridge.pdf"
    );
    assert_eq!(
        doc.metadata.url.as_deref(),
        Some("https://town.example/news/bridge")
    );
    Ok(())
}

#[test]
fn entities_are_decoded_and_alignment_stays_exact() -> TestResult {
    let html = page(&format!("<p>AT&amp;T and the caf&eacute; &ldquo;owners&rdquo; &#8212; {PARA1}</p><p>{PARA2}</p><p>{PARA3}</p>"));
    let doc = read(&html)?;
    assert!(
        doc.text()
            .contains("AT&T and the caf\u{e9} \u{201c}owners\u{201d} \u{2014} The council"),
        "{:?}",
        doc.text()
    );
    assert_alignment_exact(&doc, &html);
    // A decoded word has no piece of its own and maps near its place.
    let at = doc.text().find("AT&T").ok_or("AT&T")?;
    let src = doc
        .alignment
        .as_ref()
        .and_then(|a| a.to_source(at + 5))
        .ok_or("unmapped")?;
    assert!(html[..src].contains("AT&amp;T"));
    Ok(())
}

#[test]
fn hostile_attributes_and_markup_do_not_leak() -> TestResult {
    let html = page(&format!(
        "<p onclick=\"alert(1)\" style=\"x\">{PARA1}</p><script>var secret = 'do not show';</script>\
         <p hidden>hidden text here</p><p style=\"display: none\">invisible text</p><p aria-hidden=\"true\">aria hidden</p>\
         <p>{PARA2}<style>.x{{color:red}}</style></p><p title=\"&quot;><script>\">{PARA3}</p><a href=\"javascript:alert(1)\">click</a>"
    ));
    let doc = read(&html)?;
    for junk in [
        "secret",
        "hidden text",
        "invisible",
        "aria hidden",
        "color:red",
        "alert",
        "<script>",
    ] {
        assert!(!doc.text().contains(junk), "{junk}");
    }
    assert!(doc
        .layer(layers::LINK)
        .iter()
        .all(|l| l.attrs["href"] != "javascript:alert(1)"));
    Ok(())
}

#[test]
fn windows_1252_page_is_decoded() -> TestResult {
    let mut bytes = b"<html><head><meta http-equiv=\"Content-Type\" content=\"text/html; charset=windows-1252\"><title>Caf\xe9s close</title></head><body><article><p>".to_vec();
    bytes.extend_from_slice(b"The caf\xe9 owners said \x93enough is enough\x94 \x96 and closed their doors on Monday, blaming rent rises, staff shortages and the long roadworks outside.</p></article></body></html>");
    let doc = read_html("w", &bytes, &HtmlOptions::default())?;
    assert_eq!(doc.metadata.title.as_deref(), Some("Caf\u{e9}s close"));
    assert!(
        doc.text().contains(
            "The caf\u{e9} owners said \u{201c}enough is enough\u{201d} \u{2013} and closed"
        ),
        "{:?}",
        doc.text()
    );
    assert_alignment_exact(&doc, &decode_html(&bytes, None).text);
    Ok(())
}

#[test]
fn no_body_is_a_clear_error() {
    for page in [
        "",
        "   ",
        "<html><head><title>Only a title</title></head></html>",
        "<html><body>  <script>x()</script> </body></html>",
    ] {
        match read(page) {
            Err(ReadError::NoArticleText { id, reason }) => {
                assert_eq!(id, "t");
                assert!(!reason.is_empty());
            }
            other => panic!("{page:?}: {other:?}"),
        }
    }
    let msg = read("")
        .map(|_| ())
        .err()
        .map(|e| e.to_string())
        .unwrap_or_default();
    assert!(
        msg.contains("\"t\"") && msg.contains("no article text"),
        "{msg}"
    );
}

#[test]
fn json_ld_author_wins_over_sidebar_byline() -> TestResult {
    let html = format!(
        r#"<html><head><script type="application/ld+json">[{{"@type":"NewsArticle","headline":"Bridge to close","author":{{"@type":"Person","name":"Maria Lopez"}},"datePublished":"2024-02-01T09:30:00Z"}}]</script></head>
        <body><div class="sidebar"><span class="byline">By Sidebar Columnist</span></div><article><p>{PARA1}</p><p>{PARA2}</p></article></body></html>"#
    );
    let doc = read(&html)?;
    assert_eq!(doc.metadata.authors, ["Maria Lopez"]);
    assert_eq!(
        doc.metadata.published.as_deref(),
        Some("2024-02-01T09:30:00Z")
    );
    // Without JSON-LD, a sidebar byline is not taken, and "Staff" is refused.
    let html = format!(
        r#"<html><head><meta name="author" content="Staff"></head><body><div class="sidebar"><a rel="author" href="/c">Sidebar Columnist</a></div><article><p>{PARA1}</p><p>{PARA2}</p></article></body></html>"#
    );
    assert!(read(&html)?.metadata.authors.is_empty());
    Ok(())
}

#[test]
fn originally_appeared_on_sets_original_source() -> TestResult {
    let html = page(&format!("<p>{PARA1}</p><p>{PARA2}</p><p><em>This article originally appeared on <a href=\"https://tomdispatch.com\">TomDispatch</a>.</em></p>"));
    assert_eq!(
        read(&html)?.metadata.original_source.as_deref(),
        Some("TomDispatch")
    );
    // Also when the note sits in a footer that is not part of the text.
    let html = format!("<html><body><article><p>{PARA1}</p><p>{PARA2}</p></article><footer><p>The original source of this article is Global Research</p></footer></body></html>");
    let doc = read(&html)?;
    assert_eq!(
        doc.metadata.original_source.as_deref(),
        Some("Global Research")
    );
    assert!(!doc.text().contains("original source"));
    Ok(())
}

#[test]
fn canonical_to_another_site_names_the_original() -> TestResult {
    let html = format!(
        r#"<html><head><link rel="canonical" href="https://www.original.example/2024/01/02/story"></head><body><article><p>{PARA1}</p><p>{PARA2}</p></article></body></html>"#
    );
    let doc = read_html(
        "c",
        html.as_bytes(),
        &HtmlOptions::default().with_url("https://aggregator.example/p/123"),
    )?;
    assert_eq!(
        doc.metadata.canonical_url.as_deref(),
        Some("https://www.original.example/2024/01/02/story")
    );
    assert_eq!(
        doc.metadata.original_source.as_deref(),
        Some("original.example")
    );
    assert_eq!(doc.metadata.published.as_deref(), Some("2024-01-02"));
    // The same site: canonical kept, no original source.
    let doc = read_html(
        "c",
        html.as_bytes(),
        &HtmlOptions::default().with_url("https://original.example/x"),
    )?;
    assert_eq!(doc.metadata.original_source, None);
    Ok(())
}

#[test]
fn br_lines_and_deep_nesting() -> TestResult {
    let html = format!("<html><body><div class=\"entry-content\">{PARA1}<br>Second line of it.<br><br>{PARA2}</div></body></html>");
    let doc = read(&html)?;
    assert_eq!(
        doc.text(),
        format!("{PARA1}\nSecond line of it.\n\n{PARA2}")
    );
    let deep = format!(
        "<html><body>{}<p>{PARA1}</p>{}</body></html>",
        "<div>".repeat(5000),
        "</div>".repeat(5000)
    );
    // Text nested past the depth limit is dropped, not a crash.
    let _ = read(&deep);
    Ok(())
}

/// A long paragraph of prose (no commas, so it does not win on commas alone).
fn prose(n: usize) -> String {
    format!("Paragraph {n} of the report tells what the inspectors found on the bridge and what the town will do about it next year.")
}

#[test]
fn lead_paragraph_before_the_body_is_kept() -> TestResult {
    let lead = "The town will close its oldest bridge next month after inspectors found corrosion in every steel support.";
    let html = format!(
        r#"<html><head><title>Bridge to close</title></head><body><nav><a href="/">Home</a></nav>
        <article><header><h1>Bridge to close</h1><p class="subtitle">{lead}</p>
        <p class="byline">By Anna Muster</p><div>Photo: Town archive</div></header>
        <div class="article-body"><p>{PARA1}</p><p>{PARA2}</p><p>{PARA3}</p></div></article>
        <div class="teasers"><p><a href="/x">A teaser for another story that should stay out of the text.</a></p></div></body></html>"#
    );
    let doc = read(&html)?;
    assert!(
        doc.text().contains(&format!("{lead}\n\n{PARA1}")),
        "{:?}",
        doc.text()
    );
    assert!(!doc.text().contains("Anna Muster") && !doc.text().contains("teaser"));
    // A standfirst set as a heading counts too; a link-heavy line does not.
    let html = html
        .replace("<p class=\"subtitle\">", "<h2 class=\"lead\">")
        .replace(&format!("{lead}</p>"), &format!("{lead}</h2>"));
    assert!(read(&html)?.text().contains(lead));
    let linked = format!(
        r#"<html><body><article><header><h1>Bridge to close</h1><p><a href="/a">{lead}</a></p></header>
        <div class="article-body"><p>{PARA1}</p><p>{PARA2}</p></div></article></body></html>"#
    );
    assert!(!read(&linked)?.text().contains(lead));
    Ok(())
}

#[test]
fn prose_elsewhere_beats_a_comma_heavy_winner() -> TestResult {
    // A list of signatories wins on commas; the letter itself is spread
    // over many small containers and holds most of the page's prose.
    let names = "Ann Lee, Yale University, Bob Roe, Bard College, Cy Day, MIT, Di Fox, writer, Ed Poe, poet, Flo Ray, historian, Gus Kim, columnist";
    let letter: String = (0..8)
        .map(|i| format!("<div class=\"x{i}\"><div><p>{}</p></div></div>", prose(i)))
        .collect();
    let html = format!(
        r#"<html><body><div id="letter">{letter}</div><div id="names"><p>{names}</p><p>{names}</p></div></body></html>"#
    );
    let doc = read(&html)?;
    for i in 0..8 {
        assert!(doc.text().contains(&prose(i)), "{i}: {:?}", doc.text());
    }
    Ok(())
}

#[test]
fn article_sections_split_by_wrappers_are_joined() -> TestResult {
    // Each section sits in its own wrapper; the first wrapper adds no text,
    // so the climb looks through it to the element holding all sections.
    let section = |a: usize, b: usize| {
        format!(
            "<section class=\"article-section\"><p>{}</p><p>{}</p></section>",
            prose(a),
            prose(b)
        )
    };
    let html = format!(
        r#"<html><body><main><div class="story"><div class="wrap"><div class="inner">{}</div></div>
        <div class="wrap2">{}</div><div class="wrap3">{}</div></div></main></body></html>"#,
        section(0, 1),
        section(2, 3),
        section(4, 5)
    );
    let doc = read(&html)?;
    for i in 0..6 {
        assert!(doc.text().contains(&prose(i)), "{i}: {:?}", doc.text());
    }
    Ok(())
}

#[test]
fn weakly_named_sections_with_prose_are_kept_dialogs_are_not() -> TestResult {
    let paras = |r: std::ops::Range<usize>| {
        r.map(|i| format!("<p>{}</p>", prose(i)))
            .collect::<String>()
    };
    let html = format!(
        r#"<html><body><main><h1>Beef Maker im Test</h1>
        <section class="TestReport__Section TestReport__Section--Ads">{}</section>
        <section class="TestReport__Section TestReport__Section--Ads">{}</section>
        <div class="ads">Advertisement for a grill, buy now, limited offer</div>
        <div class="modal">{}</div>
        </main></body></html>"#,
        paras(0..5),
        paras(5..10),
        paras(10..15)
    );
    let doc = read(&html)?;
    for i in 0..10 {
        assert!(doc.text().contains(&prose(i)), "{i}: {:?}", doc.text());
    }
    assert!(!doc.text().contains("limited offer"));
    assert!(!doc.text().contains(&prose(10)), "{:?}", doc.text());
    Ok(())
}

#[test]
fn closing_heading_that_ends_a_sentence_is_kept() -> TestResult {
    let closing = "He made up the witness, and the profile backs his version.";
    let html = page(&format!(
        "<p>{PARA1}</p><p>{PARA2}</p><p>{PARA3}</p><h4>{closing}</h4><h3>More from the Town Post</h3>"
    ));
    let doc = read(&html)?;
    assert!(doc.text().ends_with(closing), "{:?}", doc.text());
    Ok(())
}

#[test]
fn json_ld_article_body_replaces_a_much_shorter_extraction() -> TestResult {
    let body: Vec<String> = (0..12).map(prose).collect();
    let html = format!(
        r#"<html><head><script type="application/ld+json">{{"@type":"NewsArticle","headline":"Bridge to close","articleBody":"{}"}}</script></head>
        <body><div id="app"><h1>Bridge to close</h1><p>{}</p></div></body></html>"#,
        body.join("\\n"),
        prose(0)
    );
    let doc = read(&html)?;
    for (i, p) in body.iter().enumerate() {
        assert!(doc.text().contains(p.as_str()), "{i}: {:?}", doc.text());
    }
    assert_alignment_exact(&doc, &html);
    // When the page shows the article, the DOM text is kept.
    let html = format!(
        r#"<html><head><script type="application/ld+json">{{"@type":"NewsArticle","articleBody":"{}"}}</script></head>
        <body><article><p>{PARA1}</p><p>{PARA2}</p><p>{PARA3}</p></article></body></html>"#,
        body.iter().take(3).cloned().collect::<Vec<_>>().join(" ")
    );
    assert_eq!(
        read(&html)?.text(),
        format!("{PARA1}\n\n{PARA2}\n\n{PARA3}")
    );
    Ok(())
}

#[test]
fn dates_from_the_page_url_and_lines_near_the_article() -> TestResult {
    // The page's own URL wins over a timestamp shifted to another zone.
    let html = format!(
        r#"<html><head><meta property="article:published_time" content="2020-04-14T01:00:00Z"></head>
        <body><article><p>{PARA1}</p><p>{PARA2}</p></article></body></html>"#
    );
    let options =
        HtmlOptions::default().with_url("https://example.org/news/20200413/bridge-to-close");
    let doc = read_html("t", html.as_bytes(), &options)?;
    assert_eq!(doc.metadata.published.as_deref(), Some("2020-04-13"));
    // A date line without a telling class, just before the article.
    let html = format!(
        r#"<html><body><div class="release"><span>dpa</span><span> am 25.01.2022</span></div>
        <div class="text"><p>{PARA1}</p><p>{PARA2}</p><p>{PARA3}</p></div></body></html>"#
    );
    assert_eq!(
        read(&html)?.metadata.published.as_deref(),
        Some("2022-01-25")
    );
    Ok(())
}

#[test]
fn dates_from_a_trackback_rdf_comment_and_the_lead_image() -> TestResult {
    // An old blog engine describes the post in RDF inside a comment.
    let html = format!(
        r#"<html><head><meta property="og:image" content="https://example.org/uploads/2019/01/02/logo.png"></head><body>
        <!-- <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:dc="http://purl.org/dc/elements/1.1/">
        <rdf:Description rdf:about="https://example.org/e/1" dc:title="Bridge" dc:date="2020-07-12T22:00:00+09:00" /></rdf:RDF> -->
        <article><p>{PARA1}</p><p>{PARA2}</p></article></body></html>"#
    );
    assert_eq!(
        read(&html)?.metadata.published.as_deref(),
        Some("2020-07-12T22:00:00+09:00")
    );
    // Nothing else: the lead image's upload day.
    let html = format!(
        r#"<html><head><meta property="og:image" content=" /uploads/2020/10/13/news/153257/medium/a.jpg"></head>
        <body><article><p>{PARA1}</p><p>{PARA2}</p></article></body></html>"#
    );
    assert_eq!(
        read(&html)?.metadata.published.as_deref(),
        Some("2020-10-13")
    );
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
        if let Ok(doc) = read_html("p", &bytes, &HtmlOptions::default()) {
            let source = decode_html(&bytes, None).text;
            assert_alignment_exact(&doc, &source);
        }
    }

    #[test]
    fn tag_soup_never_panics(parts in proptest::collection::vec(prop_oneof![
        Just("<p>".to_string()), Just("</p>".to_string()), Just("<div class=\"sidebar\">".to_string()), Just("</div>".to_string()),
        Just("<a href=\"/x\">".to_string()), Just("</a>".to_string()), Just("<br>".to_string()), Just("<li>".to_string()),
        Just("<blockquote>".to_string()), Just("<pre>".to_string()), Just("<h2>".to_string()), Just("&amp;".to_string()),
        Just("<script>".to_string()), Just("<meta charset=\"windows-1252\">".to_string()), "[a-z ,.]{0,30}", "\\PC{0,10}",
    ], 0..60)) {
        let html = parts.concat();
        if let Ok(doc) = read_html("p", html.as_bytes(), &HtmlOptions::default()) {
            let source = decode_html(html.as_bytes(), None).text;
            assert_alignment_exact(&doc, &source);
            for layer in doc.layers().values() {
                for s in layer {
                    prop_assert!(s.end() <= doc.text().len());
                }
            }
        }
    }
}

const NEXT1: &str = "In other news, the library will open on Sundays from March, after a donation from a local family paid for two more librarians.";
const NEXT2: &str = "The library's director said the new hours had been requested by students, who often have nowhere quiet to work at weekends.";
const NEXT3: &str = "A survey last year found that more than half of the town's residents had not visited the library since the pandemic began.";

#[test]
fn the_next_story_appended_below_the_article_is_left_out() -> TestResult {
    let story = |paras: [&str; 3]| {
        paras
            .iter()
            .map(|p| format!("<p>{p} {p}</p>"))
            .collect::<String>()
    };
    let html = format!(
        r#"<html><head><title>Bridge to close</title></head><body><main>
        <article id="main-story"><h1>Bridge to close</h1><div class="body">{}</div></article>
        <div class="under-article"><article id="second-article"><h2>Library opens on Sundays</h2><div class="body">{}</div></article></div>
        </main></body></html>"#,
        story([PARA1, PARA2, PARA3]),
        story([NEXT1, NEXT2, NEXT3])
    );
    let doc = read(&html)?;
    assert!(doc.text().contains(PARA3), "{}", doc.text());
    assert!(!doc.text().contains(NEXT1), "{}", doc.text());
    Ok(())
}

#[test]
fn prose_split_over_deeply_wrapped_modules_is_kept_whole() -> TestResult {
    // Each paragraph in its own module, five wrappers deep, as some
    // broadcasters' pages are built.
    let module = |p: &str| {
        format!(
            r#"<div class="modCon"><div class="mod"><div class="boxCon"><div class="box"><p>{p} {p}</p></div></div></div></div>"#
        )
    };
    let html = format!(
        r#"<html><head><title>Bridge to close</title></head><body><article><h1>Bridge to close</h1>
        <div class="con">{}</div><div class="con">{}</div><div class="con">{}{}</div></article>
        <div class="teasers"><p><a href="/x">Another story entirely, told in a teaser with a link</a></p></div></body></html>"#,
        module(PARA1),
        module(PARA2),
        module(PARA3),
        module(NEXT1)
    );
    let doc = read(&html)?;
    for p in [PARA1, PARA2, PARA3] {
        assert!(doc.text().contains(p), "{p}\n{}", doc.text());
    }
    Ok(())
}

/// Captions of an embedded photo gallery: more prose than the article.
fn gallery(class: &str) -> String {
    let slides: String = (1..=30)
        .map(|i| {
            format!(
                "<li><span>{i}/30</span><p>Slide {i}: the market rallied today as investors, traders and analysts weighed the latest figures on jobs, prices and growth.</p></li>"
            )
        })
        .collect();
    format!(
        r#"<div class="{class}"><h2>Business in pictures</h2><ul class="legends">{slides}</ul></div>"#
    )
}

#[test]
fn a_gallery_embedded_in_an_article_is_left_out() -> TestResult {
    let long = |p: &str| format!("<p>{p} {p} {p} {p}</p>");
    let html = format!(
        r#"<html><head><title>Bridge to close</title></head><body><article><h1>Bridge to close</h1>
        <div itemprop="articleBody">{}{}{}<div class="widget type-gallery">{}</div>{}{}</div></article></body></html>"#,
        long(PARA1),
        long(PARA2),
        long(PARA3),
        gallery("full-gallery"),
        long(NEXT1),
        long(NEXT2),
    );
    let doc = read(&html)?;
    for p in [PARA1, PARA2, PARA3, NEXT1, NEXT2] {
        assert!(doc.text().contains(p), "{p}\n{}", doc.text());
    }
    assert!(!doc.text().contains("Slide 3"), "{}", doc.text());
    Ok(())
}

#[test]
fn a_slideshow_story_keeps_its_slides() -> TestResult {
    // The article is the slideshow: a short intro and the captions.
    let html = format!(
        r#"<html><head><title>Business in pictures</title></head><body><article><h1>Business in pictures</h1>
        <p>{PARA1}</p>{}</article></body></html>"#,
        gallery("slideshow-container")
    );
    let doc = read(&html)?;
    assert!(doc.text().contains(PARA1), "{}", doc.text());
    assert!(doc.text().contains("Slide 3"), "{}", doc.text());
    assert!(doc.text().contains("Slide 30"), "{}", doc.text());
    Ok(())
}

#[test]
fn mathml_is_read_a_symbol_a_word() -> TestResult {
    let html = page(&format!(
        r#"<p>{PARA1}</p><p>The roots of <math><mi>a</mi><msup><mi>x</mi><mn>2</mn></msup><mo>+</mo><mi>c</mi><mo>=</mo><mn>0</mn><annotation encoding="application/x-tex">ax^2+c=0</annotation></math> are real when c is negative, the engineers noted.</p><p>{PARA2}</p>"#
    ));
    let doc = read(&html)?;
    assert!(
        doc.text()
            .contains("The roots of a x 2 + c = 0 are real when c is negative"),
        "{}",
        doc.text()
    );
    assert!(!doc.text().contains("x^2"), "{}", doc.text());
    Ok(())
}

#[test]
fn ruby_readings_and_soft_hyphens_are_not_text() -> TestResult {
    let html = page(&format!(
        "<p>{PARA1}</p><p><ruby>子<rp>(</rp><rt>こ</rt><rp>)</rp></ruby>どもを<ruby>守<rt>まも</rt></ruby>る法律が、きのう国会で成立しました。</p><p>Die Stadt will die Brü&shy;cke wäh\u{ad}rend des Win&shy;ters sanieren lassen, sagte der Bür&shy;ger&shy;meis&shy;ter.</p><p>{PARA2}</p>"
    ));
    let doc = read(&html)?;
    assert!(doc.text().contains("子どもを守る法律"), "{}", doc.text());
    assert!(
        doc.text()
            .contains("die Brücke während des Winters sanieren lassen, sagte der Bürgermeister."),
        "{}",
        doc.text()
    );
    assert!(!doc.text().contains('\u{ad}'), "{}", doc.text());
    Ok(())
}
