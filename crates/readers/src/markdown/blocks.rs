//! Parsing Markdown into leaf blocks: each block's text, its mapping back
//! to the source bytes, its links, and the block quote and list item it is in.

use std::ops::Range;

use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Kind {
    Para,
    Heading(u8),
    Code,
}

/// One leaf block: its text with the source mapping and links, relative to
/// the block.
#[derive(Debug, Clone)]
pub(super) struct Block {
    pub(super) kind: Kind,
    /// Id of the outermost `>` quote the block is in.
    pub(super) quote: Option<u32>,
    /// Id of the innermost list item the block is in.
    pub(super) item: Option<u32>,
    pub(super) text: String,
    /// (text start, source start, len), text offsets relative to the block.
    pub(super) pieces: Vec<(usize, usize, usize)>,
    pub(super) links: Vec<(Range<usize>, String)>,
}

impl Block {
    pub(super) fn new(kind: Kind, quote: Option<u32>, item: Option<u32>) -> Block {
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
    pub(super) fn push(&mut self, s: &str, src: Option<usize>) {
        if let Some(src) = src {
            self.pieces.push((self.text.len(), src, s.len()));
        }
        self.text.push_str(s);
    }

    /// Drops trailing whitespace (pieces and links are clipped).
    pub(super) fn trim_end(&mut self) {
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
    pub(super) fn lines(&self) -> impl Iterator<Item = (Range<usize>, &str)> {
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
    pub(super) fn linked(&self, range: Range<usize>) -> bool {
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

    pub(super) fn has_link_in(&self, range: &Range<usize>) -> bool {
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

pub(super) fn parse_blocks(source: &str) -> Vec<Block> {
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
pub(super) fn join_broken(blocks: Vec<Block>) -> Vec<Block> {
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
