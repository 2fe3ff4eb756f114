//! The Markdown reader, for articles saved as Markdown or scraped into
//! Markdown-like text (as `examples/syria-ceasefire-opinion.md`).
//!
//! # What it does
//!
//! The source is parsed as CommonMark by `pulldown-cmark` (the parser behind
//! rustdoc and mdBook: well kept, fast, and it reports the source range of
//! every event, which is what keeps the mapping back to the input). The text
//! handed to analysers is the readable article:
//!
//! - link syntax `[anchor](url)` becomes `anchor`, with a
//!   [`layers::LINK`] span carrying an `href` attribute; images are dropped;
//!   emphasis, heading and block-quote markers, list bullets and inline HTML
//!   are removed;
//! - each block (paragraph, heading, list item, code block) is separated from
//!   the next by a blank line; a paragraph broken in two by a scraper (the
//!   first part ends without punctuation, the second starts in lower case) is
//!   joined again with one space;
//! - [`Document::alignment`] maps every copied text byte back to the source
//!   byte it came from; inserted separators map to the source byte before.
//!
//! # Page structure, from general rules
//!
//! On top of the Markdown structure ([`layers::PARAGRAPH`],
//! [`layers::HEADING`] labelled `h1`…`h6`, [`layers::LIST_ITEM`],
//! [`layers::BLOCKQUOTE`] for `>` quotes) the reader recognises how news pages
//! are laid out. No outlet or value is hard-coded; the rules are:
//!
//! - **Title**: a heading among the first blocks, else a first block of one
//!   title-like line (no final `.`, `,`, `;` or `:`; at most
//!   [`MAX_TITLE_CHARS`](crate::MAX_TITLE_CHARS) characters).
//! - **Header lines** right after the title, each of them marked
//!   [`layers::BOILERPLATE`] with a label saying what it is:
//!   - `byline`: `By NAME`, `Written by`, `Author:`…, names split on `,`,
//!     `and`, `&`; each name must look like one (capitalised words).
//!   - `dateline`: a line holding a date (`September 28, 2016`,
//!     `28 September 2016`, `Sept. 28, 2016`, `2016-09-28`) and at most a
//!     short outlet name and labels such as `Published:`. The first dateline
//!     gives `published` and `site_name`; a later one naming another outlet
//!     (a cross-post's source line) gives `original_source`.
//!   - `tags`: `Label: value, value` lines whose values are all links, or whose
//!     label is a usual tag label (Region, Theme, Topics, Tags, Categories,
//!     Section, Filed under, Keywords, …), kept as `field`/`values`
//!     attributes.
//! - **Epigraph**: a first body paragraph that ends in an attribution after a
//!   dash (`… — Name, Source`): a [`layers::BLOCKQUOTE`] span labelled
//!   `epigraph` over the quotation, with an `attribution` attribute.
//! - **Block quotes without `>`**: a paragraph whose text ends with `:`
//!   (the lead-in) introduces a quotation running to the paragraph closed by a
//!   citation — a parenthesis at the end of a paragraph, or a paragraph of its
//!   own, that holds a quoted title, a link, or a short source name after a
//!   full stop (`("Title", Outlet)`, `(NYT)`). A citation that directly
//!   follows a closing quotation mark belongs to an inline quotation and ends
//!   the search, as do another lead-in, a heading or a list. With no citation,
//!   only the next paragraph is a quotation, and only when the lead-in names
//!   speech (`said`, `wrote`, `according to`, `here's`, …) or the paragraph
//!   starts with an ellipsis or a quotation mark. The span (label
//!   `blockquote`) covers the quoted paragraphs without the citation, which
//!   is kept in a `citation` attribute.
//! - **Footer**: from the first block in the second half of the page that has
//!   a footer line (copyright, `All rights reserved`, a disclaimer, the
//!   original-source and article-URL lines, membership, newsletter,
//!   "comment on our Facebook page", "Articles by:", fair-use notices, media
//!   inquiries) to the end: one [`layers::BOILERPLATE`] span labelled
//!   `footer`, which analysers skip. `The original source of this article is
//!   X` gives `original_source`, `Url of this article: U` the
//!   `canonical_url`, and `Articles by: NAME` the authors when no byline gave
//!   them.
//!
//! ```
//! use unspin_document::layers;
//! use unspin_readers::read_markdown;
//!
//! let md = "# Big *news*\n\nBy [Jane Roe](https://x.example/jr)\n\nIt [happened](https://x.example).\n";
//! let doc = read_markdown("a", md);
//! assert_eq!(doc.text(), "Big news\n\nBy Jane Roe\n\nIt happened.");
//! assert_eq!(doc.metadata.title.as_deref(), Some("Big news"));
//! assert_eq!(doc.metadata.authors, ["Jane Roe"]);
//! let link = &doc.layer(layers::LINK)[1];
//! assert_eq!(doc.span_text(link), "happened");
//! assert_eq!(link.attrs["href"], "https://x.example");
//! // "happened" maps back to its place in the Markdown source.
//! let alignment = doc.alignment.as_ref().unwrap();
//! let src = alignment.to_source(link.start()).unwrap();
//! assert_eq!(&md[src..src + 8], "happened");
//! ```

use std::ops::Range;
use std::path::Path;

use unspin_document::{attrs, layers, Alignment, Document, Metadata, Span};

mod blocks;
mod header;
mod quotes;

use blocks::{join_broken, parse_blocks, Block, Kind};
use header::{classify_header_line, find_footer, find_title, footer_metadata, HeaderMeta};
use quotes::{epigraph, lead_in_quotes, markdown_quotes, Quote};

use crate::input::read_bytes;
use crate::{decode_text, ReadError, ReadOptions};

/// Reads a Markdown (or scraped Markdown-like) article; see the
/// [module documentation](self) for the rules. Offsets in the
/// [`Document::alignment`] are byte offsets into `source`.
pub fn read_markdown(id: impl Into<String>, source: &str) -> Document {
    read_markdown_at(id, source, 0)
}

/// Reads a Markdown file as [`read_markdown`] does: the id is the file stem,
/// `metadata.url` the path, and the alignment maps to the file's bytes (a
/// removed byte-order mark included).
///
/// # Errors
/// As [`read_text_file_with`](crate::read_text_file_with): missing, empty,
/// binary, invalid UTF-8, over [`ReadOptions::max_bytes`], …
pub fn read_markdown_path(
    path: impl AsRef<Path>,
    options: &ReadOptions,
) -> Result<Document, ReadError> {
    let path = path.as_ref();
    let bytes = read_bytes(path, options.max_bytes)?;
    let id = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let mut doc = read_markdown_bytes(id, path, &bytes, options)?;
    doc.metadata.url = Some(path.display().to_string());
    Ok(doc)
}

/// Decodes `bytes` (read from `origin`, named in errors) and reads them as
/// Markdown; the alignment maps to `bytes`.
///
/// # Errors
/// As [`decode_text`].
pub fn read_markdown_bytes(
    id: impl Into<String>,
    origin: impl AsRef<Path>,
    bytes: &[u8],
    options: &ReadOptions,
) -> Result<Document, ReadError> {
    let text = decode_text(origin, bytes, options)?;
    // decode_text removes a leading UTF-8 byte-order mark unless asked not to.
    let shift = if !options.keep_bom && bytes.starts_with(b"\xEF\xBB\xBF") {
        3
    } else {
        0
    };
    Ok(read_markdown_at(id, &text, shift))
}

fn read_markdown_at(id: impl Into<String>, source: &str, shift: usize) -> Document {
    let blocks = join_broken(parse_blocks(source));
    let plan = analyse(&blocks);
    assemble(id.into(), &blocks, &plan, shift)
}

/// How many blocks after the title may be header lines.
const MAX_HEADER_BLOCKS: usize = 12;

// ---------------------------------------------------------------------------
// Analysis: which block is what

/// A header line: (block, range in block, label, attributes).
type HeaderSpan = (
    usize,
    Range<usize>,
    &'static str,
    Vec<(&'static str, serde_json::Value)>,
);

#[derive(Debug, Default)]
struct Plan {
    title: Option<usize>,
    /// Header lines: (block, range in block, label, attributes).
    header: Vec<HeaderSpan>,
    /// Quotations: (first block, last block, end offset in the last block,
    /// label, attributes).
    quotes: Vec<Quote>,
    footer: Option<usize>,
    metadata: Metadata,
}

fn analyse(blocks: &[Block]) -> Plan {
    let mut plan = Plan::default();
    let title = find_title(blocks);
    plan.title = title;
    if let Some(t) = title {
        plan.metadata.title = Some(blocks[t].text.trim().to_string());
    }
    let mut body_start = title.map_or(0, |t| t + 1);
    let mut outlets: Vec<String> = Vec::new();
    // Header lines right after the title.
    while body_start < blocks.len() && body_start < title.map_or(0, |t| t + 1) + MAX_HEADER_BLOCKS {
        let b = &blocks[body_start];
        if b.kind != Kind::Para || b.item.is_some() || b.quote.is_some() {
            break;
        }
        let Some(lines) = b
            .lines()
            .map(|(r, l)| classify_header_line(b, r, l))
            .collect::<Option<Vec<_>>>()
        else {
            break;
        };
        for line in lines {
            for meta in &line.found {
                match meta {
                    HeaderMeta::Authors(names) if plan.metadata.authors.is_empty() => {
                        plan.metadata.authors = names.clone();
                    }
                    HeaderMeta::Date(date, outlet) => {
                        if plan.metadata.published.is_none() {
                            plan.metadata.published = Some(date.clone());
                        }
                        if let Some(o) = outlet {
                            outlets.push(o.clone());
                        }
                    }
                    _ => {}
                }
            }
            plan.header
                .push((body_start, line.range, line.label, line.attrs));
        }
        body_start += 1;
    }
    let mut outlets = outlets.into_iter();
    plan.metadata.site_name = outlets.next();
    let site = plan.metadata.site_name.clone();
    plan.metadata.original_source = outlets.find(|o| Some(o) != site.as_ref());

    plan.footer = find_footer(blocks, body_start);
    if let Some(f) = plan.footer {
        footer_metadata(&blocks[f..], &mut plan.metadata);
    }
    let body_end = plan.footer.unwrap_or(blocks.len());
    if let Some(q) = epigraph(blocks, body_start, body_end) {
        plan.quotes.push(q);
    }
    plan.quotes.extend(markdown_quotes(blocks, body_end));
    plan.quotes
        .extend(lead_in_quotes(blocks, body_start, body_end));
    plan
}

// ---------------------------------------------------------------------------
// Assembly

fn assemble(id: String, blocks: &[Block], plan: &Plan, shift: usize) -> Document {
    let mut text = String::new();
    let mut alignment = Alignment::new();
    let mut starts = Vec::with_capacity(blocks.len());
    for b in blocks {
        if !text.is_empty() {
            text.push_str("\n\n");
        }
        let at = text.len();
        starts.push(at);
        text.push_str(&b.text);
        for &(t, s, l) in &b.pieces {
            alignment.push(at + t, s + shift, l);
        }
    }
    let mut spans: Vec<(&'static str, Span)> = Vec::new();
    let mut add = |layer: &'static str, start: usize, end: usize, label: &str| -> Option<usize> {
        let span = Span::new(start, end, label).ok()?;
        spans.push((layer, span));
        Some(spans.len() - 1)
    };
    // Structure.
    let mut i = 0;
    while i < blocks.len() {
        let b = &blocks[i];
        let (s, e) = (starts[i], starts[i] + b.text.len());
        match b.kind {
            Kind::Para => add(layers::PARAGRAPH, s, e, "paragraph"),
            Kind::Code => add(layers::PARAGRAPH, s, e, "code"),
            Kind::Heading(n) => add(layers::HEADING, s, e, &format!("h{n}")),
        };
        if let Some(item) = b.item {
            let mut j = i;
            while j + 1 < blocks.len() && blocks[j + 1].item == Some(item) {
                j += 1;
            }
            add(
                layers::LIST_ITEM,
                s,
                starts[j] + blocks[j].text.len(),
                "list_item",
            );
        }
        i += 1;
    }
    let mut link_spans = Vec::new();
    for (i, b) in blocks.iter().enumerate() {
        for (r, href) in &b.links {
            if let Ok(span) = Span::new(starts[i] + r.start, starts[i] + r.end, "link") {
                link_spans.push(span.with(attrs::HREF, href.clone()));
            }
        }
    }
    let mut doc = Document::new(id, text);
    let mut by_layer: std::collections::BTreeMap<&str, Vec<Span>> =
        std::collections::BTreeMap::new();
    for (layer, span) in spans {
        by_layer.entry(layer).or_default().push(span);
    }
    by_layer.insert(layers::LINK, link_spans);
    if let Some(t) = plan.title {
        if let Ok(span) = Span::new(starts[t], starts[t] + blocks[t].text.len(), layers::TITLE) {
            by_layer.entry(layers::TITLE).or_default().push(span);
        }
    }
    let mut boiler = Vec::new();
    for (b, r, label, attrs) in &plan.header {
        if let Ok(mut span) = Span::new(starts[*b] + r.start, starts[*b] + r.end, *label) {
            for (k, v) in attrs {
                span = span.with_attr(*k, v.clone());
            }
            boiler.push(span);
        }
    }
    if let Some(f) = plan.footer {
        if let Ok(span) = Span::new(starts[f], doc.text().len(), "footer") {
            boiler.push(span);
        }
    }
    by_layer.insert(layers::BOILERPLATE, boiler);
    let mut quotes = Vec::new();
    for q in &plan.quotes {
        let (s, e) = (starts[q.first] + q.start, starts[q.last] + q.end);
        if let Ok(mut span) = Span::new(s, e, q.label) {
            for (k, v) in &q.attrs {
                span = span.with_attr(*k, v.clone());
            }
            quotes.push(span);
        }
    }
    by_layer.insert(layers::BLOCKQUOTE, quotes);
    for (layer, spans) in by_layer {
        // Spans are built from block boundaries, so they always fit; a span
        // that did not would only be left out.
        let _ = doc.set_layer(layer, spans);
    }
    doc.metadata = plan.metadata.clone();
    doc.alignment = Some(alignment);
    doc
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_and_emphasis_leave_the_text() {
        let md = "Title here\n\nSome **bold** and [a link](http://x.example \"t\") and ![img](i.png) end.\n";
        let doc = read_markdown("x", md);
        assert_eq!(doc.text(), "Title here\n\nSome bold and a link and  end.");
        let link = &doc.layer(layers::LINK)[0];
        assert_eq!(doc.span_text(link), "a link");
        assert_eq!(link.attrs["href"], "http://x.example");
        let a = doc.alignment.as_ref().unwrap();
        for p in a.pieces() {
            assert_eq!(
                &doc.text()[p.text_start..p.text_start + p.len],
                &md[p.source_start..p.source_start + p.len]
            );
        }
    }

    #[test]
    fn broken_paragraphs_are_joined() {
        let doc = read_markdown(
            "x",
            "Head\n\nThis was broken in\n\nthe middle.\n\nNext one.\n",
        );
        assert_eq!(
            doc.text(),
            "Head\n\nThis was broken in the middle.\n\nNext one."
        );
        assert_eq!(doc.layer(layers::PARAGRAPH).len(), 3);
    }

    #[test]
    fn odd_input_does_not_panic() {
        for s in [
            "",
            "\n\n",
            "(",
            ")",
            "a:\n\n(",
            ":\n\n()\n\n()",
            "# \n\n>",
            "[x](",
            "By \n\n",
            "\u{2014} \u{2014}",
        ] {
            let doc = read_markdown("x", s);
            for spans in doc.layers().values() {
                for sp in spans {
                    let _ = doc.span_text(sp);
                }
            }
        }
    }
}
