//! The HTML reader: main-content extraction, structure layers, links and
//! metadata, with an alignment back to the page source.
//!
//! # Why `scraper` / `html5ever`
//!
//! html5ever (Servo's parser, under `scraper`) implements the WHATWG parsing
//! algorithm, so it builds the same tree a browser would from broken real-world
//! markup (unclosed `<p>`, stray tags, `<table>` soup) and never fails on
//! input; it is maintained by the Servo project and is the parser used by
//! most of the Rust ecosystem. `scraper` adds a small, stable DOM (`ego-tree`)
//! over it. `encoding_rs` (Firefox's decoder) turns legacy charsets into
//! UTF-8 exactly as browsers do.
//!
//! # Pipeline
//!
//! 1. [`decode_html`]: byte-order mark, caller's charset hint, `<meta>`
//!    declaration, UTF-8 if valid, else windows-1252.
//! 2. Parse, then read metadata (JSON-LD, OpenGraph and `<meta>` first,
//!    markup and heuristics after).
//! 3. Walk `<body>` into text blocks, skipping boilerplate (scripts, `nav`,
//!    `aside`, `footer`, hidden elements, and class/id names such as
//!    `sidebar`, `comments`, `share`, `related`, `cookie`, `newsletter`),
//!    score the blocks readability-style, keep the best container and its
//!    good siblings (only the first of several stories in a row), and drop
//!    link lists and boilerplate lines. A long JSON-LD `articleBody`, or
//!    the article HTML a client-rendered page carries in a script when its
//!    body has almost no text, replaces a much shorter extraction.
//! 4. Write the text: the title first (when known) as its own paragraph,
//!    then the blocks; paragraphs, headings and block quotes are separated
//!    by a blank line, list items by a line break.
//!
//! # Layers
//!
//! [`layers::TITLE`], [`layers::PARAGRAPH`] (label `p`, or `pre`),
//! [`layers::HEADING`] (label `h1`…`h6`), [`layers::LIST_ITEM`] (label `li`),
//! [`layers::BLOCKQUOTE`] (label `blockquote`) and [`layers::LINK`] (label
//! `link`, attribute `href`, resolved against [`HtmlOptions::url`] when
//! given). Removed boilerplate is not in the text, so there is no
//! boilerplate layer.
//!
//! # Alignment: what the offsets mean
//!
//! html5ever does not report source positions, so [`Document::alignment`]
//! is rebuilt by searching: each word of the text is looked up in the
//! *decoded source* ([`DecodedHtml::text`]), forward from the end of the
//! previous match (a bounded window for words of the same block, a larger
//! one for a block's first word). Every piece is therefore **exact**: the
//! source bytes at `source_start..source_start + len` equal the text bytes
//! it maps. Words written with character references in the source
//! (`AT&amp;T`, `l&#8217;homme`) are not found verbatim and get no piece, so
//! they map to the end of the nearest piece before them (approximate), as
//! do the separators the reader inserts. A short word can in rare cases
//! match an earlier identical word (for example inside an attribute) — the
//! piece is still byte-exact, but may point to the wrong occurrence. For
//! pages that are valid UTF-8 without a byte-order mark, the decoded source
//! is the input itself, so offsets are input byte offsets; otherwise they are
//! offsets into the UTF-8 decoding.
//!
//! ```
//! use unspin_document::layers;
//! use unspin_readers::{decode_html, read_html, HtmlOptions};
//!
//! let page = b"<html><head><title>Rain in Spain</title></head><body>\
//!   <nav><a href='/'>Home</a></nav>\
//!   <article><h1>Rain in Spain</h1>\
//!   <p>The rain in Spain, as <a href='https://example.org'>the song</a> says, falls mainly on the plain.</p>\
//!   <blockquote><p>It does not, said a meteorologist, and never did.</p></blockquote></article>\
//!   <footer>Copyright</footer></body></html>";
//! let doc = read_html("spain", page, &HtmlOptions::default())?;
//! assert!(doc.text().starts_with("Rain in Spain\n\nThe rain in Spain"));
//! assert!(!doc.text().contains("Home") && !doc.text().contains("Copyright"));
//! let link = &doc.layer(layers::LINK)[0];
//! assert_eq!(doc.span_text(link), "the song");
//! assert_eq!(link.attrs["href"], "https://example.org");
//! assert_eq!(doc.layer(layers::BLOCKQUOTE).len(), 1);
//! // Slice the source at the aligned offset of a word.
//! let source = decode_html(page, None).text;
//! let at = doc.text().find("mainly").unwrap();
//! let src = doc.alignment.as_ref().unwrap().to_source(at).unwrap();
//! assert_eq!(&source[src..src + 6], "mainly");
//! # Ok::<(), unspin_readers::ReadError>(())
//! ```

mod charset;
mod dates;
pub mod depth;
mod extract;
mod hints;
mod links;
mod metadata;
mod names;
mod scripted;
mod select;

#[cfg(test)]
mod tests;

use scraper::{Html, Node};
use unspin_document::{attrs, layers, Alignment, Document, Span};

use crate::ReadError;
pub use charset::{decode_html, DecodedHtml};
use extract::Kind;

/// Options for [`read_html`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct HtmlOptions {
    /// Where the page was fetched from. Becomes `metadata.url`, is the base
    /// for relative links, and tells whether `rel=canonical` points to
    /// another site.
    pub url: Option<String>,
    /// A charset label from outside the page (an HTTP `Content-Type`
    /// header); it overrides the page's own `<meta charset>`.
    pub charset: Option<String>,
}

impl HtmlOptions {
    /// Sets [`HtmlOptions::url`] (builder style).
    pub fn with_url(mut self, url: impl Into<String>) -> HtmlOptions {
        self.url = Some(url.into());
        self
    }

    /// Sets [`HtmlOptions::charset`] (builder style).
    pub fn with_charset(mut self, charset: impl Into<String>) -> HtmlOptions {
        self.charset = Some(charset.into());
        self
    }
}

/// Extractions shorter than this (bytes) are retried without the class/id
/// rules.
const RETRY_BELOW: usize = 500;

/// Searches for words of one block at most this far past the previous word.
const WORD_WINDOW: usize = 4 * 1024;
/// Searches for the first word of a block at most this far past the
/// previous block (removed sidebars and inline scripts can be long).
const BLOCK_WINDOW: usize = 512 * 1024;

/// Reads an HTML page into a [`Document`] holding its main article text.
///
/// See the [module documentation](self) for what is kept, the layers and
/// what the alignment maps to. Never panics, whatever the bytes.
///
/// # Errors
/// [`ReadError::NoArticleText`] when the page has no text in its body (or
/// no body), or when nothing but boilerplate is left.
pub fn read_html(id: &str, bytes: &[u8], options: &HtmlOptions) -> Result<Document, ReadError> {
    let decoded = decode_html(bytes, options.charset.as_deref());
    let source = decoded.text.as_str();
    let no_text = |reason: &'static str| ReadError::NoArticleText {
        id: id.to_string(),
        reason,
    };
    if source.trim().is_empty() {
        return Err(no_text("the input is empty"));
    }
    // Bounded nesting keeps parsing linear (see `depth`); offsets are kept.
    let capped = depth::cap_depth(source, depth::MAX_DEPTH);
    let html = Html::parse_document(&capped);
    let body = html
        .tree
        .root()
        .descendants()
        .find(|n| matches!(n.value(), Node::Element(e) if e.name() == "body"));
    let Some(body) = body else {
        return Err(no_text("the page has no <body>"));
    };
    let mut walk = extract::walk(body, true);
    let mut keep = select::select(body, &walk);
    let found_len = select::kept_len(&walk, &keep);
    if found_len < RETRY_BELOW {
        // Little text: perhaps the article's container has a boilerplate-like
        // name (`article-widget`, `advertorial`). Retry without name rules.
        let lenient = extract::walk(body, false);
        let lenient_keep = select::select(body, &lenient);
        if select::kept_len(&lenient, &lenient_keep) > found_len.saturating_mul(2) {
            walk = lenient;
            keep = lenient_keep;
        }
    }
    // A client-rendered page may carry its article as HTML in a script.
    let script_body = (select::kept_prose(&walk, &keep) < RETRY_BELOW)
        .then(|| scripted::script_body(&html))
        .flatten();
    if script_body.is_none() {
        if walk.blocks.is_empty() {
            return Err(no_text("the page's <body> has no text"));
        }
        if keep.is_empty() {
            return Err(no_text("only boilerplate was found"));
        }
    }
    let mut found = metadata::extract(&html, options.url.as_deref());
    if let Some(b) = script_body {
        if found.ld_body.as_ref().is_none_or(|ld| ld.len() < b.len()) {
            found.ld_body = Some(b);
        }
    }
    if found.published.is_none() {
        found.published = date_near_article(&walk, &keep).or(found.image_date.take());
    }
    let base = options
        .url
        .as_deref()
        .or(found.canonical.as_deref())
        .or(found.og_url.as_deref());

    let mut w = Writer::new(source);
    let ld_blocks = found
        .ld_body
        .as_deref()
        .filter(|b| use_ld_body(b, select::kept_len(&walk, &keep)))
        .map(|b| select::text_blocks(b, body.id()));
    let blocks: Vec<&extract::Block> = match &ld_blocks {
        Some(ld) => ld.iter().collect(),
        None => keep.iter().filter_map(|&i| walk.blocks.get(i)).collect(),
    };
    // The title: the first heading that matches it, or a line of its own.
    let title = found.title.clone().or(found.h1.clone());
    let mut skip_until = 0;
    let mut title_block = None;
    if let Some(t) = &title {
        let norm_t = norm(t);
        for (i, b) in blocks.iter().enumerate().take(8) {
            if matches!(b.kind, Kind::Heading(_))
                && (norm(&b.text) == norm_t
                    || (b.kind == Kind::Heading(1)
                        && found
                            .h1
                            .as_deref()
                            .is_some_and(|h| norm(h) == norm(&b.text))))
            {
                // Blocks before the headline are kickers, dates, breadcrumbs.
                if blocks.iter().take(i).all(|x| x.text.chars().count() < 100) {
                    skip_until = i;
                }
                title_block = Some(i);
                break;
            }
        }
    }
    if title_block.is_some_and(|i| i != skip_until) {
        // Long text before the headline: keep it in place, title on top.
        title_block = None;
    }
    let mut title_range = None;
    match (title_block, &title) {
        (Some(i), _) => {
            if let Some(b) = blocks.get(i) {
                title_range = Some(w.block(b, None));
            }
        }
        (_, Some(t)) => {
            let start = w.text.len();
            w.words(t);
            title_range = Some((start, w.text.len()));
            w.cursor = 0;
        }
        _ => {}
    }
    let mut prev: Option<&extract::Block> = None;
    for (i, b) in blocks.iter().enumerate() {
        if i < skip_until || Some(i) == title_block {
            continue;
        }
        w.block(b, prev);
        prev = Some(b);
    }
    w.close_item();
    w.close_quote();
    let Writer {
        text, align, spans, ..
    } = w;
    if text.trim().is_empty() {
        return Err(no_text("only boilerplate was found"));
    }

    let mut doc = Document::new(id, text);
    let mut meta = unspin_document::Metadata {
        title: title.map(|t| names::collapse(&t)),
        authors: found.authors,
        published: found.published,
        site_name: found.site_name,
        original_source: None,
        url: options.url.clone(),
        canonical_url: None,
        language: found.language,
    };
    let canonical = found
        .canonical
        .as_deref()
        .map(|c| links::resolve_url(options.url.as_deref(), c));
    if let Some(c) = &canonical {
        if options.url.as_deref() != Some(c.as_str()) {
            meta.canonical_url = Some(c.clone());
        }
    }
    meta.original_source = names::original_source(&visible_text(body)).or_else(|| {
        let (page, canon) = (
            options.url.as_deref().and_then(links::host)?,
            canonical.as_deref().and_then(links::host)?,
        );
        (page != canon).then_some(canon)
    });
    doc.metadata = meta;
    if let Some((s, e)) = title_range {
        if let Ok(span) = Span::new(s, e, layers::TITLE) {
            let _ = doc.add_span(layers::TITLE, span);
        }
    }
    let mut by_layer: std::collections::BTreeMap<&'static str, Vec<Span>> =
        std::collections::BTreeMap::new();
    for (layer, s, e, label, href) in spans {
        let Ok(mut span) = Span::new(s, e, label) else {
            continue;
        };
        if let Some(h) = href {
            span = span.with(attrs::HREF, links::resolve_url(base, &h));
        }
        by_layer.entry(layer).or_default().push(span);
    }
    for (layer, spans) in by_layer {
        // Offsets come from the text itself; a refusal would only drop a layer.
        let _ = doc.set_layer(layer, spans);
    }
    doc.alignment = Some(align);
    Ok(doc)
}

/// The JSON-LD `articleBody` replaces the extracted text when it is long
/// and the page shows much less of it (rendered by script, cut by a
/// paywall, or the extractor chose the wrong container).
fn use_ld_body(ld_body: &str, kept: usize) -> bool {
    ld_body.len() >= LD_BODY_MIN && kept.saturating_mul(2) < ld_body.len()
}

/// A JSON-LD `articleBody` shorter than this (bytes) is never used as the
/// text (many sites put only a teaser there).
const LD_BODY_MIN: usize = 1000;

/// A date written in the date line or byline around the article (soft
/// blocks near the kept ones), else in its first blocks, else in a short
/// line just before or after it.
fn date_near_article(walk: &extract::Walk, keep: &[usize]) -> Option<String> {
    let (&first, &last) = (keep.first()?, keep.last()?);
    let soft = (first.saturating_sub(15)..=last)
        .filter_map(|i| walk.blocks.get(i))
        .filter(|b| b.soft);
    let head = keep.iter().take(3).filter_map(|&i| walk.blocks.get(i));
    soft.chain(head)
        .filter(|b| b.text.len() < 300)
        .find_map(|b| dates::date_in_text(&b.text))
        .or_else(|| {
            // Short lines just around the article: "Datum: 03.11.2021",
            // "dpa am 25.01.2022" in elements without a telling class.
            (first.saturating_sub(10)..=last.saturating_add(5))
                .filter_map(|i| walk.blocks.get(i))
                .filter(|b| b.text.len() < 100)
                .find_map(|b| dates::date_in_text(&b.text))
        })
}

/// Lowercased alphanumerics, for comparing titles with headings.
fn norm(s: &str) -> String {
    s.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

/// All text of the body outside scripts and styles, one line per text node,
/// for the "originally appeared on" phrases (which often sit in footers the
/// extractor removes).
fn visible_text(body: ego_tree::NodeRef<'_, Node>) -> String {
    let mut s = String::new();
    let mut stack = vec![body];
    while let Some(cur) = stack.pop() {
        match cur.value() {
            Node::Text(t) => {
                s.push_str(t);
            }
            Node::Element(e)
                if matches!(
                    e.name(),
                    "script" | "style" | "noscript" | "template" | "svg"
                ) => {}
            Node::Element(e) => {
                if !matches!(
                    e.name(),
                    "a" | "span" | "em" | "strong" | "b" | "i" | "u" | "font"
                ) {
                    s.push('\n');
                }
                let kids: Vec<_> = cur.children().collect();
                stack.extend(kids.into_iter().rev());
            }
            _ => {}
        }
    }
    s
}

type PendingSpan = (&'static str, usize, usize, String, Option<String>);

/// Writes blocks into the text and aligns them to the source.
struct Writer<'s> {
    source: &'s str,
    text: String,
    align: Alignment,
    cursor: usize,
    /// Bytes of source the searches may still scan (bounds the work on
    /// hostile pages to a few passes over the source).
    budget: usize,
    spans: Vec<PendingSpan>,
    open_item: Option<(ego_tree::NodeId, usize)>,
    open_quote: Option<(ego_tree::NodeId, usize)>,
}

impl<'s> Writer<'s> {
    fn new(source: &'s str) -> Writer<'s> {
        Writer {
            source,
            text: String::new(),
            align: Alignment::new(),
            cursor: 0,
            budget: source.len().saturating_mul(4).max(1 << 20),
            spans: Vec::new(),
            open_item: None,
            open_quote: None,
        }
    }

    /// Appends `s` (already clean text), aligning each word.
    fn words(&mut self, s: &str) {
        let base = self.text.len();
        self.text.push_str(s);
        let mut first = true;
        for word in s.split(char::is_whitespace) {
            if word.is_empty() {
                continue;
            }
            // `word` is a subslice of `s`: its offset is the pointer distance.
            let off = word.as_ptr() as usize - s.as_ptr() as usize;
            let window = if first { BLOCK_WINDOW } else { WORD_WINDOW };
            first = false;
            if let Some(src) = self.find(word, window) {
                self.align.push(base + off, src, word.len());
                self.cursor = src + word.len();
            }
        }
    }

    fn find(&mut self, word: &str, window: usize) -> Option<usize> {
        if self.budget == 0 {
            return None;
        }
        let from = self.cursor.min(self.source.len());
        let mut to = from
            .saturating_add(window.min(self.budget))
            .min(self.source.len());
        while !self.source.is_char_boundary(to) {
            to -= 1;
        }
        let hay = self.source.get(from..to)?;
        // memchr's SIMD search: the same first match as `str::find`, several
        // times faster on the long windows of large pages.
        match memchr::memmem::find(hay.as_bytes(), word.as_bytes()) {
            Some(i) => {
                self.budget = self.budget.saturating_sub(i + word.len());
                Some(from + i)
            }
            None => {
                self.budget = self.budget.saturating_sub(hay.len());
                None
            }
        }
    }

    fn close_item(&mut self) {
        if let Some((_, s)) = self.open_item.take() {
            let e = self.text.len();
            self.spans
                .push((layers::LIST_ITEM, s, e, "li".into(), None));
        }
    }

    fn close_quote(&mut self) {
        if let Some((_, s)) = self.open_quote.take() {
            let e = self.text.len();
            self.spans
                .push((layers::BLOCKQUOTE, s, e, "blockquote".into(), None));
        }
    }

    /// Writes one block; returns its byte range in the text.
    fn block(&mut self, b: &extract::Block, prev: Option<&extract::Block>) -> (usize, usize) {
        if self.open_item.is_some_and(|(id, _)| Some(id) != b.item) {
            self.close_item();
        }
        if self.open_quote.is_some_and(|(id, _)| Some(id) != b.quote) {
            self.close_quote();
        }
        if !self.text.is_empty() {
            let same_list = prev.is_some_and(|p| p.item.is_some()) && b.item.is_some();
            self.text.push_str(if same_list { "\n" } else { "\n\n" });
        }
        let start = self.text.len();
        if let Some(item) = b.item {
            if self.open_item.is_none() {
                self.open_item = Some((item, start));
            }
        }
        if let Some(q) = b.quote {
            if self.open_quote.is_none() {
                self.open_quote = Some((q, start));
            }
        }
        self.words(&b.text);
        let end = self.text.len();
        match b.kind {
            Kind::Heading(n) => {
                self.spans
                    .push((layers::HEADING, start, end, format!("h{n}"), None))
            }
            Kind::Para => self
                .spans
                .push((layers::PARAGRAPH, start, end, "p".into(), None)),
            Kind::Pre => self
                .spans
                .push((layers::PARAGRAPH, start, end, "pre".into(), None)),
            Kind::Item => {}
        }
        for l in &b.links {
            if l.start < l.end && l.end <= b.text.len() {
                self.spans.push((
                    layers::LINK,
                    start + l.start,
                    start + l.end,
                    "link".into(),
                    Some(l.href.clone()),
                ));
            }
        }
        (start, end)
    }
}
