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

use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};
use unspin_document::{layers, Alignment, Document, Metadata, Span};

use crate::input::read_bytes;
use crate::{decode_text, ReadError, ReadOptions, MAX_TITLE_CHARS};

/// How far after a lead-in (in paragraphs) a closing citation is looked for.
const MAX_QUOTE_PARAGRAPHS: usize = 10;
/// How many blocks after the title may be header lines.
const MAX_HEADER_BLOCKS: usize = 12;
/// The longest line taken for a byline, dateline or tag line, in bytes.
const MAX_META_LINE: usize = 200;
/// The longest citation, in bytes.
const MAX_CITATION: usize = 400;

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

// ---------------------------------------------------------------------------
// Parsing into blocks

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Para,
    Heading(u8),
    Code,
}

/// One leaf block: its text with the source mapping and links, relative to
/// the block.
#[derive(Debug, Clone)]
struct Block {
    kind: Kind,
    /// Id of the outermost `>` quote the block is in.
    quote: Option<u32>,
    /// Id of the innermost list item the block is in.
    item: Option<u32>,
    text: String,
    /// (text start, source start, len), text offsets relative to the block.
    pieces: Vec<(usize, usize, usize)>,
    links: Vec<(Range<usize>, String)>,
}

impl Block {
    fn new(kind: Kind, quote: Option<u32>, item: Option<u32>) -> Block {
        Block {
            kind,
            quote,
            item,
            text: String::new(),
            pieces: Vec::new(),
            links: Vec::new(),
        }
    }

    /// Appends `s`, copied from source byte `src` when known.
    fn push(&mut self, s: &str, src: Option<usize>) {
        if let Some(src) = src {
            self.pieces.push((self.text.len(), src, s.len()));
        }
        self.text.push_str(s);
    }

    /// Drops trailing whitespace (pieces and links are clipped).
    fn trim_end(&mut self) {
        let len = self.text.trim_end().len();
        self.text.truncate(len);
        self.pieces.retain(|p| p.0 < len);
        for p in &mut self.pieces {
            p.2 = p.2.min(len - p.0);
        }
        for (r, _) in &mut self.links {
            r.end = r.end.min(len);
            r.start = r.start.min(r.end);
        }
        self.links.retain(|(r, _)| !r.is_empty());
    }

    /// Appends `other` after `sep` (an inserted separator).
    fn append(&mut self, sep: &str, other: Block) {
        self.text.push_str(sep);
        let at = self.text.len();
        self.text.push_str(&other.text);
        self.pieces
            .extend(other.pieces.into_iter().map(|(t, s, l)| (t + at, s, l)));
        self.links.extend(
            other
                .links
                .into_iter()
                .map(|(r, h)| (r.start + at..r.end + at, h)),
        );
    }

    /// The block's lines with their offsets, trimmed, skipping empty ones.
    fn lines(&self) -> impl Iterator<Item = (Range<usize>, &str)> {
        let mut at = 0;
        self.text.split('\n').filter_map(move |line| {
            let start = at;
            at += line.len() + 1;
            let lead = line.len() - line.trim_start().len();
            let t = line.trim();
            (!t.is_empty()).then(|| (start + lead..start + lead + t.len(), t))
        })
    }

    /// True when the links cover every alphanumeric character of `range`.
    fn linked(&self, range: Range<usize>) -> bool {
        let mut any = false;
        for (i, c) in self.text[range.clone()].char_indices() {
            if c.is_alphanumeric() {
                any = true;
                let at = range.start + i;
                if !self.links.iter().any(|(r, _)| r.contains(&at)) {
                    return false;
                }
            }
        }
        any
    }

    fn has_link_in(&self, range: &Range<usize>) -> bool {
        self.links
            .iter()
            .any(|(r, _)| r.start >= range.start && r.end <= range.end)
    }
}

/// Where text from an event came from: the event's range when it holds the
/// text verbatim, else the text's place inside the range, else unknown.
fn locate(source: &str, range: &Range<usize>, text: &str) -> Option<usize> {
    let slice = source.get(range.clone())?;
    if slice == text {
        return Some(range.start);
    }
    slice.find(text).map(|i| range.start + i)
}

fn parse_blocks(source: &str) -> Vec<Block> {
    let mut blocks = Vec::new();
    let mut current: Option<Block> = None;
    let mut quote_depth = 0u32;
    let mut quote_id: Option<u32> = None;
    let mut next_quote = 0u32;
    let mut items: Vec<u32> = Vec::new();
    let mut next_item = 0u32;
    let mut link: Option<(usize, String)> = None;
    let mut image_depth = 0u32;

    fn close(current: &mut Option<Block>, blocks: &mut Vec<Block>) {
        if let Some(mut b) = current.take() {
            b.trim_end();
            if b.text.chars().any(|c| !c.is_whitespace()) {
                blocks.push(b);
            }
        }
    }

    let options = Options::ENABLE_STRIKETHROUGH;
    for (event, range) in Parser::new_ext(source, options).into_offset_iter() {
        let quote = quote_id.filter(|_| quote_depth > 0);
        let item = items.last().copied();
        macro_rules! open {
            () => {
                current.get_or_insert_with(|| Block::new(Kind::Para, quote, item))
            };
        }
        match event {
            Event::Start(tag) => match tag {
                Tag::Paragraph => {
                    close(&mut current, &mut blocks);
                    current = Some(Block::new(Kind::Para, quote, item));
                }
                Tag::Heading { level, .. } => {
                    close(&mut current, &mut blocks);
                    current = Some(Block::new(Kind::Heading(level as u8), quote, item));
                }
                Tag::CodeBlock(_) => {
                    close(&mut current, &mut blocks);
                    current = Some(Block::new(Kind::Code, quote, item));
                }
                Tag::BlockQuote(_) => {
                    close(&mut current, &mut blocks);
                    if quote_depth == 0 {
                        quote_id = Some(next_quote);
                        next_quote += 1;
                    }
                    quote_depth += 1;
                }
                Tag::Item => {
                    close(&mut current, &mut blocks);
                    items.push(next_item);
                    next_item += 1;
                }
                Tag::Link { dest_url, .. } => {
                    let b = open!();
                    link = Some((b.text.len(), dest_url.to_string()));
                }
                Tag::Image { .. } => image_depth += 1,
                Tag::Emphasis
                | Tag::Strong
                | Tag::Strikethrough
                | Tag::Superscript
                | Tag::Subscript => {}
                _ => close(&mut current, &mut blocks),
            },
            Event::End(tag) => match tag {
                TagEnd::Paragraph | TagEnd::Heading(_) | TagEnd::CodeBlock | TagEnd::HtmlBlock => {
                    close(&mut current, &mut blocks)
                }
                TagEnd::BlockQuote(_) => {
                    close(&mut current, &mut blocks);
                    quote_depth = quote_depth.saturating_sub(1);
                }
                TagEnd::Item => {
                    close(&mut current, &mut blocks);
                    items.pop();
                }
                TagEnd::Link => {
                    if let (Some((start, href)), Some(b)) = (link.take(), current.as_mut()) {
                        if b.text.len() > start {
                            b.links.push((start..b.text.len(), href));
                        }
                    }
                }
                TagEnd::Image => image_depth = image_depth.saturating_sub(1),
                TagEnd::Emphasis
                | TagEnd::Strong
                | TagEnd::Strikethrough
                | TagEnd::Superscript
                | TagEnd::Subscript => {}
                _ => close(&mut current, &mut blocks),
            },
            Event::Text(t) | Event::Code(t) if image_depth == 0 => {
                let src = locate(source, &range, &t);
                open!().push(&t, src);
            }
            Event::SoftBreak | Event::HardBreak if image_depth == 0 => {
                let src = source
                    .get(range.clone())
                    .and_then(|s| s.find('\n'))
                    .map(|i| range.start + i);
                if let Some(b) = current.as_mut() {
                    b.push("\n", src);
                }
            }
            Event::Rule => close(&mut current, &mut blocks),
            _ => {}
        }
    }
    close(&mut current, &mut blocks);
    blocks
}

/// Joins paragraphs that a scraper broke mid-sentence.
fn join_broken(blocks: Vec<Block>) -> Vec<Block> {
    let mut out: Vec<Block> = Vec::with_capacity(blocks.len());
    for b in blocks {
        if let Some(prev) = out.last_mut() {
            let continues = prev.kind == Kind::Para
                && b.kind == Kind::Para
                && prev.quote == b.quote
                && prev.item.is_none()
                && b.item.is_none()
                && prev
                    .text
                    .chars()
                    .last()
                    .is_some_and(|c| c.is_alphanumeric() || c == ',')
                && b.text.chars().next().is_some_and(char::is_lowercase);
            if continues {
                prev.append(" ", b);
                continue;
            }
        }
        out.push(b);
    }
    out
}

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

#[derive(Debug)]
struct Quote {
    first: usize,
    start: usize,
    last: usize,
    end: usize,
    label: &'static str,
    attrs: Vec<(&'static str, String)>,
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

fn find_title(blocks: &[Block]) -> Option<usize> {
    if let Some(i) = blocks
        .iter()
        .take(3)
        .position(|b| matches!(b.kind, Kind::Heading(_)))
    {
        return Some(i);
    }
    let first = blocks.first()?;
    blocks.get(1)?;
    let line = first.text.trim();
    let title_like = first.kind == Kind::Para
        && first.item.is_none()
        && first.quote.is_none()
        && !line.contains('\n')
        && line.chars().count() <= MAX_TITLE_CHARS
        && line.chars().any(char::is_alphanumeric)
        && !matches!(
            line.trim_end_matches(['"', '\'', '\u{201d}', '\u{2019}', ')', ']', '\u{bb}'])
                .chars()
                .last(),
            Some('.' | ',' | ';' | ':' | '\u{2026}')
        )
        && byline(line).is_none()
        && find_date(line).is_none();
    title_like.then_some(0)
}

#[derive(Debug)]
enum HeaderMeta {
    Authors(Vec<String>),
    Date(String, Option<String>),
    Tags,
}

struct HeaderLine {
    range: Range<usize>,
    label: &'static str,
    attrs: Vec<(&'static str, serde_json::Value)>,
    found: Vec<HeaderMeta>,
}

/// A header line: a byline, a dateline or a tag line, whole or as
/// `|`-separated segments.
fn classify_header_line(block: &Block, range: Range<usize>, line: &str) -> Option<HeaderLine> {
    if line.len() > MAX_META_LINE {
        return None;
    }
    let one = |seg: &str, seg_range: Range<usize>| -> Option<(HeaderMeta, &'static str)> {
        if let Some(names) = byline(seg) {
            return Some((HeaderMeta::Authors(names), "byline"));
        }
        if let Some((date, outlet)) = dateline(seg) {
            return Some((HeaderMeta::Date(date, outlet), "dateline"));
        }
        tag_line(block, seg_range, seg).map(|_| (HeaderMeta::Tags, "tags"))
    };
    let mut found = Vec::new();
    let mut label = "";
    if let Some((meta, l)) = one(line, range.clone()) {
        found.push(meta);
        label = l;
    } else {
        let mut at = range.start;
        for seg in line.split(['|', '\u{b7}']) {
            let seg_start = at + (seg.len() - seg.trim_start().len());
            at += seg.len() + seg_separator_len(&block.text, at + seg.len());
            let seg = seg.trim();
            if seg.is_empty() {
                continue;
            }
            let (meta, l) = one(seg, seg_start..seg_start + seg.len())?;
            if label.is_empty() {
                label = l;
            }
            found.push(meta);
        }
        if found.is_empty() {
            return None;
        }
    }
    let mut attrs = Vec::new();
    if label == "tags" {
        if let Some((field, values)) = tag_line(block, range.clone(), line) {
            attrs.push(("field", serde_json::Value::from(field)));
            attrs.push(("values", serde_json::Value::from(values)));
        }
    }
    Some(HeaderLine {
        range,
        label,
        attrs,
        found,
    })
}

fn seg_separator_len(text: &str, at: usize) -> usize {
    text.get(at..)
        .and_then(|s| s.chars().next())
        .map_or(0, char::len_utf8)
}

/// `By NAME[, NAME][ and NAME]` → the names.
fn byline(line: &str) -> Option<Vec<String>> {
    let line = line.trim_matches(|c: char| c == '*' || c == '_' || c.is_whitespace());
    let rest = [
        "by:",
        "by ",
        "written by ",
        "words by ",
        "author:",
        "authors:",
        "author ",
        "reporting by ",
    ]
    .iter()
    .find_map(|p| strip_ci(line, p))?;
    let rest = rest.trim_start_matches(':').trim();
    let mut names = Vec::new();
    for part in rest.split([',', ';', '&']).flat_map(|p| p.split(" and ")) {
        let name = part.trim().trim_end_matches('.');
        if name.is_empty() {
            continue;
        }
        if !looks_like_name(name) {
            return None;
        }
        names.push(name.to_string());
    }
    (!names.is_empty()).then_some(names)
}

fn looks_like_name(name: &str) -> bool {
    const PARTICLES: &[&str] = &[
        "de", "da", "van", "von", "der", "den", "al", "bin", "la", "le", "du", "del", "di", "y",
        "ibn",
    ];
    let words: Vec<&str> = name.split_whitespace().collect();
    (1..=6).contains(&words.len())
        && name.chars().count() <= 60
        && !name.chars().any(|c| c.is_ascii_digit())
        && words.iter().enumerate().all(|(i, w)| {
            let first = w.chars().next().unwrap_or(' ');
            first.is_uppercase()
                || (i > 0 && PARTICLES.contains(&w.to_lowercase().as_str()))
                || w.starts_with("al-")
        })
}

/// A line holding a date and at most an outlet name and labels:
/// `(ISO date, outlet)`.
fn dateline(line: &str) -> Option<(String, Option<String>)> {
    let (range, iso) = find_date(line)?;
    const LABELS: &[&str] = &[
        "first published",
        "last updated",
        "published",
        "updated",
        "posted",
        "dated",
        "date",
        "on",
    ];
    let is_sep = |c: char| {
        matches!(
            c,
            ',' | '|' | '-' | '\u{2013}' | '\u{2014}' | ':' | '\u{b7}' | '/'
        ) || c.is_whitespace()
    };
    let mut rest = Vec::new();
    for part in [&line[..range.start], &line[range.end..]] {
        let mut p = part.trim_matches(is_sep);
        while let Some(rest) = LABELS
            .iter()
            .filter_map(|l| strip_ci(p, l))
            .find(|rest| !rest.starts_with(char::is_alphanumeric))
        {
            p = rest.trim_matches(is_sep);
        }
        if let Some(rest) = LABELS
            .iter()
            .filter_map(|l| strip_suffix_ci(p, l))
            .find(|rest| !rest.is_empty() && !rest.ends_with(char::is_alphanumeric))
        {
            p = rest.trim_matches(is_sep);
        }
        if !p.is_empty() {
            rest.push(p);
        }
    }
    match rest.as_slice() {
        [] => Some((iso, None)),
        [outlet] if looks_like_outlet(outlet) => Some((iso, Some(outlet.to_string()))),
        _ => None,
    }
}

fn looks_like_outlet(s: &str) -> bool {
    let words = s.split_whitespace().count();
    (1..=6).contains(&words)
        && s.chars().count() <= 60
        && s.chars()
            .next()
            .is_some_and(|c| c.is_uppercase() || c.is_ascii_digit())
        && !s.ends_with('.')
        && s.chars().any(char::is_alphabetic)
        && !s
            .chars()
            .all(|c| c.is_ascii_digit() || !c.is_alphanumeric())
}

/// `Label: value, value` with linked values or a usual tag label:
/// `(label, values)`.
fn tag_line(block: &Block, range: Range<usize>, line: &str) -> Option<(String, Vec<String>)> {
    const LABELS: &[&str] = &[
        "region",
        "regions",
        "theme",
        "themes",
        "topic",
        "topics",
        "tag",
        "tags",
        "category",
        "categories",
        "section",
        "sections",
        "filed under",
        "keywords",
        "subjects",
        "subject",
        "in-depth report",
        "country",
        "countries",
    ];
    let colon = line.find(':')?;
    let label = line[..colon].trim();
    let values = line[colon + 1..].trim();
    let words = label.split_whitespace().count();
    if !(1..=3).contains(&words)
        || values.is_empty()
        || values.ends_with('.')
        || label.contains(['[', '('])
    {
        return None;
    }
    let value_start =
        range.start + colon + 1 + (line[colon + 1..].len() - line[colon + 1..].trim_start().len());
    let linked = block.linked(value_start..range.end);
    if !linked && !LABELS.contains(&label.to_lowercase().as_str()) {
        return None;
    }
    let values: Vec<String> = values
        .split([',', ';', '|'])
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .map(String::from)
        .collect();
    if values.iter().any(|v| v.split_whitespace().count() > 8) {
        return None;
    }
    Some((label.to_string(), values))
}

/// `s` without `prefix` (ASCII, compared case-insensitively).
fn strip_ci<'a>(s: &'a str, prefix: &str) -> Option<&'a str> {
    let head = s.get(..prefix.len())?;
    head.eq_ignore_ascii_case(prefix)
        .then(|| &s[prefix.len()..])
}

/// `s` without `suffix` (ASCII, compared case-insensitively).
fn strip_suffix_ci<'a>(s: &'a str, suffix: &str) -> Option<&'a str> {
    let cut = s.len().checked_sub(suffix.len())?;
    let tail = s.get(cut..)?;
    tail.eq_ignore_ascii_case(suffix).then(|| &s[..cut])
}

const MONTHS: [&str; 12] = [
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
];

fn month(word: &str) -> Option<u32> {
    let w = word.to_lowercase();
    if w.len() < 3 {
        return None;
    }
    let w = if w == "sept" { "sep".to_string() } else { w };
    MONTHS
        .iter()
        .position(|m| *m == w || (w.len() == 3 && m.starts_with(&w)))
        .map(|i| i as u32 + 1)
}

// `is_multiple_of` is newer than the workspace's rust-version (1.80).
#[allow(clippy::manual_is_multiple_of)]
fn days_in(month: u32, year: u32) -> u32 {
    match month {
        2 if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// The first date in `s`: its byte range and ISO form `YYYY-MM-DD`.
fn find_date(s: &str) -> Option<(Range<usize>, String)> {
    // Alphanumeric runs with their ranges.
    let mut toks: Vec<(Range<usize>, &str)> = Vec::new();
    let mut start = None;
    for (i, c) in s.char_indices().chain(std::iter::once((s.len(), ' '))) {
        match (c.is_alphanumeric(), start) {
            (true, None) => start = Some(i),
            (false, Some(st)) => {
                toks.push((st..i, &s[st..i]));
                start = None;
            }
            _ => {}
        }
    }
    let gap_ok = |a: &Range<usize>, b: &Range<usize>, seps: &str| {
        let gap = &s[a.end..b.start];
        gap.len() <= 3 && gap.chars().all(|c| seps.contains(c))
    };
    let day = |t: &str| -> Option<u32> {
        let t = t.trim_end_matches(|c: char| c.is_ascii_alphabetic());
        let suffix_ok = true;
        (suffix_ok && (1..=2).contains(&t.len()) && t.bytes().all(|b| b.is_ascii_digit()))
            .then(|| t.parse().ok())
            .flatten()
    };
    let year = |t: &str| -> Option<u32> {
        (t.len() == 4 && t.bytes().all(|b| b.is_ascii_digit()))
            .then(|| t.parse().ok())
            .flatten()
            .filter(|y| (1800..=2200).contains(y))
    };
    let valid = |y: u32, m: u32, d: u32| (1..=12).contains(&m) && d >= 1 && d <= days_in(m, y);
    for i in 0..toks.len() {
        let t = |k: usize| toks.get(i + k);
        // 2016-09-28
        if let (Some(a), Some(b), Some(c)) = (t(0), t(1), t(2)) {
            if let (Some(y), true, true) = (year(a.1), b.1.len() == 2, c.1.len() == 2) {
                if gap_ok(&a.0, &b.0, "-")
                    && gap_ok(&b.0, &c.0, "-")
                    && a.0.end + 1 == b.0.start
                    && b.0.end + 1 == c.0.start
                {
                    if let (Ok(m), Ok(d)) = (b.1.parse::<u32>(), c.1.parse::<u32>()) {
                        if valid(y, m, d) {
                            return Some((a.0.start..c.0.end, format!("{y:04}-{m:02}-{d:02}")));
                        }
                    }
                }
            }
            // September 28, 2016
            if let (Some(m), Some(d), Some(y)) = (month(a.1), day(b.1), year(c.1)) {
                if gap_ok(&a.0, &b.0, " .") && gap_ok(&b.0, &c.0, " ,") && valid(y, m, d) {
                    return Some((a.0.start..c.0.end, format!("{y:04}-{m:02}-{d:02}")));
                }
            }
            // 28 September 2016
            if let (Some(d), Some(m), Some(y)) = (day(a.1), month(b.1), year(c.1)) {
                if gap_ok(&a.0, &b.0, " ") && gap_ok(&b.0, &c.0, " .,") && valid(y, m, d) {
                    return Some((a.0.start..c.0.end, format!("{y:04}-{m:02}-{d:02}")));
                }
            }
        }
    }
    None
}

/// Footer lines: returns true for a line that belongs to a page footer.
fn is_footer_line(line: &str) -> bool {
    let l = line.to_lowercase();
    const STARTS: &[&str] = &[
        "copyright",
        "\u{a9}",
        "(c) ",
        "disclaimer",
        "the original source of this article is",
        "original source:",
        "url of this article",
        "articles by:",
        "become a member",
        "comment on ",
        "follow us on",
        "share this",
        "subscribe to",
        "sign up for",
        "support us",
        "donate to",
        "for media inquiries",
        "related articles",
        "this article was originally published",
        "this article originally appeared",
        "all rights reserved",
    ];
    const CONTAINS: &[&str] = &[
        "all rights reserved",
        "facebook page",
        "contains copyrighted material",
        "\"fair use\"",
        "\u{201c}fair use\u{201d}",
        "newsletter",
    ];
    STARTS.iter().any(|p| l.starts_with(p))
        || (l.len() < 300 && CONTAINS.iter().any(|p| l.contains(p)))
}

fn find_footer(blocks: &[Block], body_start: usize) -> Option<usize> {
    let from = (blocks.len() / 2).max(body_start + 1);
    (from..blocks.len()).find(|&i| blocks[i].lines().any(|(_, l)| is_footer_line(l)))
}

fn footer_metadata(blocks: &[Block], meta: &mut Metadata) {
    for b in blocks {
        for (range, line) in b.lines() {
            if let Some(rest) = strip_ci(line, "the original source of this article is") {
                let value = rest.trim().trim_end_matches('.').trim();
                if !value.is_empty() && value.len() <= 100 {
                    meta.original_source = Some(value.to_string());
                }
            } else if strip_ci(line, "url of this article").is_some() {
                let value = line.split_once(':').map(|(_, v)| v.trim()).unwrap_or("");
                let href = b
                    .links
                    .iter()
                    .find(|(r, h)| range.contains(&r.start) && h.starts_with("http"))
                    .map(|(_, h)| h.as_str());
                let url = if value.starts_with("http") {
                    Some(value)
                } else {
                    href
                };
                if let Some(url) = url {
                    meta.canonical_url =
                        Some(url.split_whitespace().next().unwrap_or(url).to_string());
                }
            } else if let Some(rest) = strip_ci(line, "articles by:") {
                if meta.authors.is_empty() {
                    let names: Vec<String> = rest
                        .split([',', ';'])
                        .map(str::trim)
                        .filter(|n| looks_like_name(n))
                        .map(String::from)
                        .collect();
                    meta.authors = names;
                }
            }
        }
    }
}

const DASHES: &[&str] = &[" \u{2014} ", "\u{2014} ", " \u{2014}", " \u{2013} ", " -- "];

fn epigraph(blocks: &[Block], body_start: usize, body_end: usize) -> Option<Quote> {
    if body_start + 1 >= body_end {
        return None;
    }
    let b = &blocks[body_start];
    if b.kind != Kind::Para || b.item.is_some() {
        return None;
    }
    let text = b.text.as_str();
    let (at, dash) = DASHES
        .iter()
        .filter_map(|d| text.rfind(d).map(|i| (i, *d)))
        .max_by_key(|(i, _)| *i)?;
    let tail = text[at + dash.len()..].trim();
    let head = text[..at].trim_end();
    let words = tail.split_whitespace().count();
    if tail.is_empty()
        || tail.len() > 120
        || words > 14
        || tail.ends_with(['.', ':'])
        || head.len() < 20
    {
        return None;
    }
    if !tail
        .chars()
        .next()
        .is_some_and(|c| c.is_uppercase() || !c.is_alphanumeric())
    {
        return None;
    }
    Some(Quote {
        first: body_start,
        start: 0,
        last: body_start,
        end: head.len(),
        label: "epigraph",
        attrs: vec![("attribution", tail.to_string())],
    })
}

/// `>` quotes: one span per outermost quote.
fn markdown_quotes(blocks: &[Block], body_end: usize) -> Vec<Quote> {
    let mut out: Vec<Quote> = Vec::new();
    for (i, b) in blocks.iter().enumerate().take(body_end) {
        let Some(id) = b.quote else { continue };
        match out.last_mut() {
            Some(q) if blocks[q.last].quote == Some(id) => {
                q.last = i;
                q.end = b.text.len();
            }
            _ => out.push(Quote {
                first: i,
                start: 0,
                last: i,
                end: b.text.len(),
                label: "blockquote",
                attrs: vec![("source", "markdown".to_string())],
            }),
        }
    }
    out
}

const OPENING_QUOTES: &[char] = &['"', '\u{201c}', '\u{2018}', '\'', '\u{ab}'];
const CLOSING_QUOTES: &[char] = &['"', '\u{201d}', '\u{2019}', '\'', '\u{bb}'];

/// The parenthesis closing `text`: (byte offset of its `(`, inner text).
fn final_parenthesis(text: &str) -> Option<(usize, &str)> {
    let t = text.trim_end();
    if !t.ends_with(')') {
        return None;
    }
    let mut depth = 0i32;
    for (i, c) in t.char_indices().rev() {
        match c {
            ')' => depth += 1,
            '(' => {
                depth -= 1;
                if depth == 0 {
                    return Some((i, &t[i + 1..t.len() - 1]));
                }
            }
            _ => {}
        }
    }
    None
}

/// A citation closing paragraph `b`: (where it starts, its text, whether it
/// follows an inline quotation).
fn closing_citation(b: &Block) -> Option<(usize, String, bool)> {
    let (open, inner) = final_parenthesis(&b.text)?;
    let inner_t = inner.trim();
    if inner_t.is_empty() || inner.len() > MAX_CITATION {
        return None;
    }
    let before = b.text[..open].trim_end();
    let end = b.text.trim_end().len();
    let has_link = b.has_link_in(&(open..end));
    let quoted_title = inner_t.starts_with(OPENING_QUOTES) && inner_t.contains(',');
    let short_source = inner_t.split_whitespace().count() <= 4
        && inner_t.chars().next().is_some_and(char::is_uppercase)
        && (before.is_empty() || before.ends_with(['.', '!', '?', '\u{2026}']));
    if !(has_link || quoted_title || short_source) {
        return None;
    }
    let inline = before.ends_with(CLOSING_QUOTES);
    Some((open, inner_t.to_string(), inline))
}

const SPEECH_CUES: &[&str] = &[
    "said",
    "says",
    "say",
    "wrote",
    "writes",
    "write",
    "stated",
    "states",
    "told",
    "tells",
    "according",
    "explained",
    "explains",
    "noted",
    "notes",
    "added",
    "declared",
    "argued",
    "argues",
    "quote",
    "quoted",
    "excerpt",
    "reads",
    "read",
    "following",
    "posted",
    "here's",
    "here\u{2019}s",
    "here is",
    "from the",
    "from an",
    "from a",
    "clip",
    "put it",
    "summary",
    "remarked",
    "insisted",
    "announced",
];

fn lead_in_quotes(blocks: &[Block], body_start: usize, body_end: usize) -> Vec<Quote> {
    let plain = |i: usize| {
        let b = &blocks[i];
        b.kind == Kind::Para && b.quote.is_none() && b.item.is_none()
    };
    let lead_in = |i: usize| plain(i) && blocks[i].text.trim_end().ends_with(':');
    let mut out = Vec::new();
    let mut i = body_start;
    while i + 1 < body_end {
        if !lead_in(i) || !plain(i + 1) || lead_in(i + 1) {
            i += 1;
            continue;
        }
        let mut found: Option<Quote> = None;
        for j in i + 1..body_end.min(i + 1 + MAX_QUOTE_PARAGRAPHS) {
            if !plain(j) || (j > i + 1 && lead_in(j)) {
                break;
            }
            let b = &blocks[j];
            if let Some((open, citation, inline)) = closing_citation(b) {
                if inline {
                    break;
                }
                let standalone = b.text[..open].trim().is_empty();
                if standalone && j == i + 1 {
                    break;
                }
                let (last, end) = if standalone {
                    (j - 1, blocks[j - 1].text.trim_end().len())
                } else {
                    (j, b.text[..open].trim_end().len())
                };
                found = Some(Quote {
                    first: i + 1,
                    start: 0,
                    last,
                    end,
                    label: "blockquote",
                    attrs: vec![("citation", citation), ("source", "lead-in".to_string())],
                });
                break;
            }
        }
        if found.is_none() {
            let q = &blocks[i + 1].text;
            let lead = blocks[i].text.to_lowercase();
            let last_sentence = lead
                .rsplit(['.', '!', '?'])
                .find(|s| !s.trim().is_empty())
                .unwrap_or(&lead);
            let cue = SPEECH_CUES.iter().any(|c| {
                last_sentence.match_indices(c).any(|(k, _)| {
                    let before_ok = !last_sentence[..k].ends_with(char::is_alphanumeric);
                    let after_ok = !last_sentence[k + c.len()..].starts_with(char::is_alphanumeric);
                    before_ok && after_ok
                })
            });
            let opens =
                q.starts_with("...") || q.starts_with('\u{2026}') || q.starts_with(OPENING_QUOTES);
            if cue || opens {
                found = Some(Quote {
                    first: i + 1,
                    start: 0,
                    last: i + 1,
                    end: q.trim_end().len(),
                    label: "blockquote",
                    attrs: vec![("source", "lead-in".to_string())],
                });
            }
        }
        match found {
            Some(q) => {
                i = q.last + 1;
                out.push(q);
            }
            None => i += 1,
        }
    }
    out
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
                link_spans.push(span.with_attr("href", href.clone()));
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
    fn dates() {
        let d = |s: &str| find_date(s).map(|(_, iso)| iso);
        assert_eq!(
            d("Global Research, September 28, 2016").as_deref(),
            Some("2016-09-28")
        );
        assert_eq!(d("27 September 2016").as_deref(), Some("2016-09-27"));
        assert_eq!(d("Sept. 3, 2021").as_deref(), Some("2021-09-03"));
        assert_eq!(d("on 2020-02-29 at noon").as_deref(), Some("2020-02-29"));
        assert_eq!(d("March 3rd, 2021").as_deref(), Some("2021-03-03"));
        assert_eq!(d("2021-02-29"), None);
        assert_eq!(d("May the force"), None);
        assert_eq!(d("in 2016 he said"), None);
    }

    #[test]
    fn bylines_and_datelines() {
        assert_eq!(
            byline("By Mike Whitney"),
            Some(vec!["Mike Whitney".to_string()])
        );
        assert_eq!(
            byline("*By Jane Doe, John van Smith and Ann Lee*"),
            Some(vec![
                "Jane Doe".into(),
                "John van Smith".into(),
                "Ann Lee".into()
            ])
        );
        assert_eq!(byline("By the way, this is text"), None);
        assert_eq!(
            dateline("Global Research, September 28, 2016"),
            Some(("2016-09-28".into(), Some("Global Research".into())))
        );
        assert_eq!(
            dateline("Published: 3 March 2021 | The Daily Planet"),
            Some(("2021-03-03".into(), Some("The Daily Planet".into())))
        );
        assert_eq!(
            dateline("Updated March 3, 2021"),
            Some(("2021-03-03".into(), None))
        );
        assert_eq!(
            dateline("On March 3, 2021 the army attacked the city."),
            None
        );
    }

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
