//! Acceptance checks of the Markdown reader on the sample article
//! (`examples/syria-ceasefire-opinion.md`) and on a hand-written page in
//! another layout. Every check slices `doc.text()` at the reported spans, and
//! the source through the alignment.

use unspin_document::{layers, Document, Span};
use unspin_readers::{read_markdown, read_markdown_path, ReadOptions};
use unspin_testkit::{sample_path, TestResult};

fn sample() -> Result<(Document, String), Box<dyn std::error::Error>> {
    let path = sample_path();
    let doc = read_markdown_path(&path, &ReadOptions::default())?;
    Ok((doc, std::fs::read_to_string(&path)?))
}

/// The source bytes that `span`'s first `len` text bytes map to.
fn source_at<'a>(doc: &Document, source: &'a str, span: &Span, len: usize) -> &'a str {
    let alignment = doc
        .alignment
        .as_ref()
        .expect("the Markdown reader keeps an alignment");
    let at = alignment.to_source(span.start()).expect("mapped");
    &source[at..at + len]
}

#[test]
fn sample_metadata() -> TestResult {
    let (doc, _) = sample()?;
    let m = &doc.metadata;
    assert_eq!(
        m.title.as_deref(),
        Some("Putin Ups the Ante: Syria Ceasefire Sabotage Triggers Major Offensive in Aleppo")
    );
    assert_eq!(m.authors, ["Mike Whitney"]);
    assert_eq!(m.published.as_deref(), Some("2016-09-28"));
    assert_eq!(m.site_name.as_deref(), Some("Global Research"));
    assert_eq!(m.original_source.as_deref(), Some("CounterPunch"));
    assert_eq!(doc.id, "syria-ceasefire-opinion");
    let title = &doc.layer(layers::TITLE)[0];
    assert_eq!(Some(doc.span_text(title)), m.title.as_deref());
    Ok(())
}

#[test]
fn sample_header_lines_are_labelled_boilerplate() -> TestResult {
    let (doc, _) = sample()?;
    let header: Vec<(&str, &str)> = doc
        .layer(layers::BOILERPLATE)
        .iter()
        .filter(|s| s.label != "footer")
        .map(|s| (s.label.as_str(), doc.span_text(s)))
        .collect();
    assert_eq!(
        header,
        [
            ("byline", "By Mike Whitney"),
            ("dateline", "Global Research, September 28, 2016"),
            ("dateline", "CounterPunch 27 September 2016"),
            ("tags", "Region: Middle East & North Africa"),
            ("tags", "Theme: US NATO War Agenda"),
            ("tags", "In-depth Report: SYRIA"),
        ]
    );
    let region = &doc.layer(layers::BOILERPLATE)[3];
    assert_eq!(region.attrs["field"], "Region");
    assert_eq!(
        region.attrs["values"],
        serde_json::json!(["Middle East & North Africa"])
    );
    Ok(())
}

#[test]
fn sample_footer_is_boilerplate_to_the_end() -> TestResult {
    let (doc, _) = sample()?;
    let footers: Vec<&Span> = doc
        .layer(layers::BOILERPLATE)
        .iter()
        .filter(|s| s.label == "footer")
        .collect();
    assert_eq!(footers.len(), 1);
    let footer = footers[0];
    let text = doc.span_text(footer);
    assert!(text.starts_with("The original source of this article is CounterPunch\nCopyright \u{a9} Mike Whitney, CounterPunch, 2016"), "{text}");
    assert!(
        text.ends_with("For media inquiries: publications@globalresearch.ca"),
        "{text}"
    );
    assert_eq!(footer.end(), doc.text().len());
    for line in [
        "Comment on Global Research Articles on our Facebook page",
        "Become a Member of Global Research",
        "Articles by: Mike Whitney",
        "Disclaimer: The contents of this article are of sole responsibility of the author(s).",
        "www.globalresearch.ca contains copyrighted material",
        // A paragraph the scraper broke in two is joined again.
        "in an effort to advance a better understanding of political, economic and social issues.",
    ] {
        assert!(text.contains(line), "footer lacks {line:?}");
    }
    // The author's note before it is article text.
    let before = &doc.text()[..footer.start()];
    assert!(
        before
            .trim_end()
            .ends_with("He can be reached at fergiewhitney@msn.com."),
        "{before}"
    );
    Ok(())
}

#[test]
fn sample_every_block_quote_is_a_span() -> TestResult {
    let (doc, source) = sample()?;
    let quotes = doc.layer(layers::BLOCKQUOTE);
    let got: Vec<(&str, String, String, Option<&str>)> = quotes
        .iter()
        .map(|s| {
            let t = doc.span_text(s);
            let head: String = t.chars().take(40).collect();
            let tail: String = t
                .chars()
                .rev()
                .take(30)
                .collect::<Vec<_>>()
                .into_iter()
                .rev()
                .collect();
            (
                s.label.as_str(),
                head,
                tail,
                s.attrs.get("citation").and_then(|c| c.as_str()),
            )
        })
        .collect();
    let expected: Vec<(&str, &str, &str, Option<&str>)> = vec![
        ("epigraph", "Syria is the summation of all the errors", "escalating into a nuclear holocaust.", None),
        (
            "blockquote",
            "As of today, forces have been massed at A",
            "monstration that this is not true.",
            Some("\"Flash! Washpost discovers that Syria War may be \"winnable.\", Sic Semper Tyrannis"),
        ),
        ("blockquote", "...the United States doesn't have the wil", "in fighting terrorists in Syria.", None),
        ("blockquote", "Chief among Pentagon concerns is whether ", "in the air around the Baltics and Europe.", Some("NYT")),
        (
            "blockquote",
            "Washington has previously made it clear t",
            "backed proxies to attack and annex.",
            Some("\"The Ceasefire Failed; What happens now?\", The Vineyard of the Saker"),
        ),
        (
            "blockquote",
            "Writing in Armed Forces Journal\u{2074}, Major Rob",
            "to put pressure on his regime.",
            Some("\"Chinese stratagems and Syrian buffer zone for Turkey-Qatar pipeline\", Christina Lin, Times of Israel"),
        ),
        (
            "blockquote",
            "Today's reality is that Iraq and Syria as",
            "Assad and Iran-allied Baghdad.",
            Some("\u{201c}To Defeat ISIS, Create a Sunni State\u{201d}, New York Times"),
        ),
        (
            "blockquote",
            "...the only realistic path forward may be",
            "by either Assad or ISIL....",
            Some("\u{201c}Deconstructing Syria: A new strategy for America\u{2019}s most hopeless war\u{201d}, Michael E. O\u{2019}Hanlon, Brookings Institute"),
        ),
    ];
    let got_cmp: Vec<(&str, &str, &str, Option<&str>)> = got
        .iter()
        .map(|(l, h, t, c)| (*l, h.as_str(), t.as_str(), *c))
        .collect();
    // Heads are 40 characters, tails 30: compare prefixes/suffixes.
    assert_eq!(got_cmp.len(), expected.len(), "{got_cmp:#?}");
    for (g, e) in got_cmp.iter().zip(&expected) {
        assert_eq!(g.0, e.0);
        assert!(
            e.1.starts_with(g.1) || g.1.starts_with(e.1),
            "head {:?} vs {:?}",
            g.1,
            e.1
        );
        assert!(
            e.2.ends_with(g.2) || g.2.ends_with(e.2),
            "tail {:?} vs {:?}",
            g.2,
            e.2
        );
        assert_eq!(g.3, e.3);
    }
    assert_eq!(
        quotes[0].attrs["attribution"],
        "Vietnam Vet, comments-line, Sic Semper Tyrannis"
    );
    // A quotation of several paragraphs is one span; the scraper's broken line is joined.
    let lang = doc.span_text(&quotes[1]);
    assert!(
        lang.contains("for the purpose of eliminating the East Aleppo rebel pocket."),
        "{lang}"
    );
    assert_eq!(lang.matches("\n\n").count(), 5);
    // Spans map back to the same words in the source.
    for q in quotes {
        let t = doc.span_text(q);
        let n = t.char_indices().nth(20).map_or(t.len(), |(i, _)| i);
        assert_eq!(source_at(&doc, &source, q, n), &t[..n]);
    }
    // The inline quotation closed by a citation is not a block quote.
    assert!(!quotes
        .iter()
        .any(|q| doc.span_text(q).contains("an extraordinary collaboration")));
    Ok(())
}

#[test]
fn sample_links_leave_the_text_and_keep_their_href() -> TestResult {
    let (doc, source) = sample()?;
    assert!(
        !doc.text().contains("](") && !doc.text().contains('['),
        "link syntax left in the text"
    );
    let links = doc.layer(layers::LINK);
    assert_eq!(links.len(), 20);
    let anchors: Vec<&str> = links.iter().take(4).map(|l| doc.span_text(l)).collect();
    assert_eq!(
        anchors,
        [
            "Mike Whitney",
            "CounterPunch",
            "Middle East & North Africa",
            "US NATO War Agenda"
        ]
    );
    for link in links {
        assert_eq!(link.attrs["href"], "#");
        let anchor = doc.span_text(link);
        // In the source, the anchor sits right after a `[`.
        let alignment = doc.alignment.as_ref().ok_or("no alignment")?;
        let at = alignment.to_source(link.start()).ok_or("unmapped")?;
        assert_eq!(&source[at..at + anchor.len()], anchor);
        assert_eq!(&source[at - 1..at], "[");
    }
    Ok(())
}

#[test]
fn sample_alignment_pieces_are_exact() -> TestResult {
    let (doc, source) = sample()?;
    let alignment = doc.alignment.as_ref().ok_or("no alignment")?;
    let mut copied = 0;
    for p in alignment.pieces() {
        assert_eq!(
            &doc.text()[p.text_start..p.text_start + p.len],
            &source[p.source_start..p.source_start + p.len]
        );
        copied += p.len;
    }
    // Nearly all of the text is copied from the source (separators are not).
    assert!(
        copied * 100 / doc.text().len() >= 97,
        "{copied} of {}",
        doc.text().len()
    );
    let paragraphs = doc.layer(layers::PARAGRAPH);
    assert_eq!(
        doc.span_text(&paragraphs[0]),
        doc.metadata.title.as_deref().unwrap_or("")
    );
    Ok(())
}

const OTHER_LAYOUT: &str = "\
# Council Votes to Close the Old Bridge

*By Ana Mar\u{ed}a L\u{f3}pez and Tom O'Neill*

Published: 3 March 2021 | The Harbour Times

Topics: Transport, Local politics

The council voted on Tuesday to close the **Old Bridge** to cars, after an \
[engineering report](https://harbour.example/report.pdf) found cracks in two piers.

The mayor defended the decision in a statement:

\"Nobody wants this, but the report leaves us no choice. Safety comes first.\"

Critics were not convinced. One shop owner told us:

...it will kill the high street, and everyone at the council knows it.

Residents can send their views until April 1.

> The bridge has served the town for 140 years.
> It can serve it for 140 more.

Copyright \u{a9} 2021 The Harbour Times. All rights reserved.
Url of this article: https://harbour.example/news/old-bridge

Share this article
";

#[test]
fn another_layout() -> TestResult {
    let doc = read_markdown("bridge", OTHER_LAYOUT);
    let m = &doc.metadata;
    assert_eq!(
        m.title.as_deref(),
        Some("Council Votes to Close the Old Bridge")
    );
    assert_eq!(m.authors, ["Ana Mar\u{ed}a L\u{f3}pez", "Tom O'Neill"]);
    assert_eq!(m.published.as_deref(), Some("2021-03-03"));
    assert_eq!(m.site_name.as_deref(), Some("The Harbour Times"));
    assert_eq!(m.original_source, None);
    assert_eq!(
        m.canonical_url.as_deref(),
        Some("https://harbour.example/news/old-bridge")
    );
    assert_eq!(
        doc.span_text(&doc.layer(layers::HEADING)[0]),
        "Council Votes to Close the Old Bridge"
    );
    assert_eq!(doc.layer(layers::HEADING)[0].label, "h1");

    let boiler: Vec<(&str, &str)> = doc
        .layer(layers::BOILERPLATE)
        .iter()
        .map(|s| (s.label.as_str(), doc.span_text(s)))
        .collect();
    assert_eq!(
        boiler,
        [
            ("byline", "By Ana Mar\u{ed}a L\u{f3}pez and Tom O'Neill"),
            ("dateline", "Published: 3 March 2021 | The Harbour Times"),
            ("tags", "Topics: Transport, Local politics"),
            (
                "footer",
                "Copyright \u{a9} 2021 The Harbour Times. All rights reserved.\n\
                 Url of this article: https://harbour.example/news/old-bridge\n\nShare this article"
            ),
        ]
    );
    let quotes: Vec<(&str, &str)> = doc
        .layer(layers::BLOCKQUOTE)
        .iter()
        .map(|s| (s.label.as_str(), doc.span_text(s)))
        .collect();
    assert_eq!(
        quotes,
        [
            (
                "blockquote",
                "\"Nobody wants this, but the report leaves us no choice. Safety comes first.\""
            ),
            (
                "blockquote",
                "...it will kill the high street, and everyone at the council knows it."
            ),
            (
                "blockquote",
                "The bridge has served the town for 140 years.\nIt can serve it for 140 more."
            ),
        ]
    );
    let link = &doc.layer(layers::LINK)[0];
    assert_eq!(doc.span_text(link), "engineering report");
    assert_eq!(link.attrs["href"], "https://harbour.example/report.pdf");
    assert!(doc.text().contains("close the Old Bridge to cars"));
    let at = doc
        .alignment
        .as_ref()
        .and_then(|a| a.to_source(link.start()))
        .ok_or("unmapped")?;
    assert_eq!(&OTHER_LAYOUT[at..at + 18], "engineering report");
    Ok(())
}

#[test]
fn a_colon_alone_does_not_make_a_quotation() {
    let doc = read_markdown(
        "x",
        "Plain Title\n\nThere are three reasons for this:\n\nThe first is cost. The second is time.\n\nMore text here.\n",
    );
    assert!(doc.layer(layers::BLOCKQUOTE).is_empty());
    assert!(doc.layer(layers::BOILERPLATE).is_empty());
}
