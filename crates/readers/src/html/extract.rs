//! Main-content extraction: the DOM is walked once into text *blocks*
//! (maximal runs of inline content inside one block-level element), with
//! hard boilerplate (scripts, navigation, sidebars, comments, share bars,
//! cookie banners, hidden elements…) skipped on the way; the blocks are then
//! scored readability-style (commas and length of each paragraph credited to
//! its ancestors, weighted by tag and class/id hints, discounted by link
//! density), the best container and its good siblings are chosen (climbing
//! to where most of the page's prose is, and adding the lead paragraph that
//! stands just before it), and the blocks inside them are filtered once more
//! (link-heavy lines, share and "read more" lines, trailing headings).
//!
//! This file walks the DOM into blocks; `hints.rs` reads class and id names;
//! `select.rs` scores the blocks and chooses the article's.

use std::collections::HashMap;

use ego_tree::{NodeId, NodeRef};
use scraper::node::Element;
use scraper::Node;

use super::hints::{Hints, Named};

/// Deeper elements are ignored (hostile pages nest thousands deep; real
/// articles stay far below this).
pub(crate) const MAX_DEPTH: usize = 400;

/// What kind of structure a block is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    /// A paragraph, or loose text in a container.
    Para,
    /// A heading of level 1 to 6.
    Heading(u8),
    /// Text directly inside a list item.
    Item,
    /// Preformatted text.
    Pre,
}

/// A link inside a block's text, as byte offsets into that text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct LinkRun {
    pub start: usize,
    pub end: usize,
    pub href: String,
}

/// One block of text with its structural context.
#[derive(Debug, Clone)]
pub(crate) struct Block {
    /// Whitespace-collapsed text (line breaks from `<br>` kept as `\n`).
    pub text: String,
    pub kind: Kind,
    /// The block-level element holding the text.
    pub owner: NodeId,
    /// The nearest enclosing `<li>`.
    pub item: Option<NodeId>,
    /// The nearest enclosing `<blockquote>`.
    pub quote: Option<NodeId>,
    pub links: Vec<LinkRun>,
    /// Bytes of text inside links.
    pub link_bytes: usize,
    /// Inside an element whose class/id suggests metadata rather than body
    /// (byline, date line, caption): kept out of the text.
    pub soft: bool,
}

impl Block {
    pub(crate) fn link_density(&self) -> f64 {
        ratio(self.link_bytes, self.text.len())
    }
}

pub(crate) fn ratio(a: usize, b: usize) -> f64 {
    if b == 0 {
        0.0
    } else {
        a as f64 / b as f64
    }
}

/// Tags whose whole subtree is never article text.
fn is_removed_tag(tag: &str) -> bool {
    matches!(
        tag,
        "script"
            | "style"
            | "noscript"
            | "template"
            | "svg"
            | "annotation"
            | "annotation-xml"
            | "rt"
            | "rp"
            | "iframe"
            | "object"
            | "embed"
            | "canvas"
            | "video"
            | "audio"
            | "button"
            | "select"
            | "option"
            | "input"
            | "textarea"
            | "nav"
            | "aside"
            | "footer"
            | "figcaption"
            | "dialog"
            | "menu"
            | "head"
            | "title"
            | "meta"
            | "link"
            | "img"
            | "picture"
            | "source"
            | "map"
    )
}

/// A word without its soft hyphens (U+00AD, `&shy;`): hyphenation hints
/// that are invisible on the page but split the word for search and
/// tokenisers (`Wäh\u{ad}rend` → `Während`).
fn without_soft_hyphens(word: &str) -> std::borrow::Cow<'_, str> {
    if word.contains('\u{ad}') {
        std::borrow::Cow::Owned(word.replace('\u{ad}', ""))
    } else {
        std::borrow::Cow::Borrowed(word)
    }
}

/// MathML token elements: identifiers, numbers, operators, text.
fn is_math_token(tag: &str) -> bool {
    matches!(tag, "mi" | "mn" | "mo" | "mtext" | "ms")
}

/// Tags that start a new block. Unknown custom elements (with a `-`) count as
/// blocks too, which only ever adds a break.
fn is_block_tag(tag: &str) -> bool {
    matches!(
        tag,
        "address"
            | "article"
            | "blockquote"
            | "body"
            | "center"
            | "dd"
            | "details"
            | "div"
            | "dl"
            | "dt"
            | "fieldset"
            | "figure"
            | "form"
            | "h1"
            | "h2"
            | "h3"
            | "h4"
            | "h5"
            | "h6"
            | "header"
            | "hgroup"
            | "hr"
            | "html"
            | "li"
            | "main"
            | "ol"
            | "p"
            | "pre"
            | "section"
            | "summary"
            | "table"
            | "tbody"
            | "thead"
            | "tfoot"
            | "tr"
            | "td"
            | "th"
            | "ul"
            | "caption"
            | "legend"
    ) || tag.contains('-')
}

/// A weakly named element with at least this much text (bytes), a fifth
/// or less of it in links, is kept.
const WEAK_PROSE_MIN: usize = 500;

/// A gallery is removed whatever it holds when the article around it has at
/// least this much text (bytes) besides: the article does not live in it.
const GALLERY_BESIDES_MIN: usize = 2000;

/// Builds one block's text from inline content.
struct Builder {
    text: String,
    space: bool,
    newline: bool,
    brs: usize,
    /// Open links: href and where their text starts (once a word arrived).
    open: Vec<(String, Option<usize>)>,
    links: Vec<LinkRun>,
    link_bytes: usize,
    ctx: Option<Ctx>,
}

impl Builder {
    fn new() -> Builder {
        Builder {
            text: String::new(),
            space: false,
            newline: false,
            brs: 0,
            open: Vec::new(),
            links: Vec::new(),
            link_bytes: 0,
            ctx: None,
        }
    }

    fn push_text(&mut self, s: &str, ctx: Ctx) {
        if self.ctx.is_none() {
            self.ctx = Some(ctx);
        }
        if s.starts_with(char::is_whitespace) {
            self.space = true;
        }
        for (i, word) in s
            .split(char::is_whitespace)
            .map(without_soft_hyphens)
            .filter(|w| !w.is_empty())
            .enumerate()
        {
            if i > 0 {
                self.space = true;
            }
            self.brs = 0;
            if !self.text.is_empty() {
                if self.newline {
                    self.text.push('\n');
                } else if self.space {
                    self.text.push(' ');
                }
            }
            self.space = false;
            self.newline = false;
            let at = self.text.len();
            for link in self.open.iter_mut() {
                if link.1.is_none() {
                    link.1 = Some(at);
                }
            }
            self.text.push_str(&word);
            if !self.open.is_empty() {
                self.link_bytes += word.len();
            }
        }
        if s.ends_with(char::is_whitespace) {
            self.space = true;
        }
    }

    /// Preformatted text: kept as is, only surrounding blank lines trimmed
    /// when the block is finished.
    fn push_pre(&mut self, s: &str, ctx: Ctx) {
        if self.ctx.is_none() {
            self.ctx = Some(ctx);
        }
        let at = self.text.len();
        for link in self.open.iter_mut() {
            if link.1.is_none() && !s.trim().is_empty() {
                link.1 = Some(at);
            }
        }
        self.text.push_str(s);
        if !self.open.is_empty() {
            self.link_bytes += s.trim().len();
        }
    }

    fn br(&mut self) {
        if !self.text.is_empty() {
            self.newline = true;
        }
        self.brs += 1;
    }

    fn open_link(&mut self, href: &str) {
        self.open.push((href.to_string(), None));
    }

    fn close_link(&mut self) {
        if let Some((href, Some(start))) = self.open.pop() {
            let end = self.text.len();
            if end > start {
                self.links.push(LinkRun { start, end, href });
            }
        }
    }

    /// Finishes the current block, if it has text.
    fn flush(&mut self, blocks: &mut Vec<Block>) {
        // Links still open continue into the next block.
        let open: Vec<(String, Option<usize>)> =
            self.open.iter().map(|(h, _)| (h.clone(), None)).collect();
        for (href, start) in std::mem::take(&mut self.open) {
            if let Some(start) = start {
                let end = self.text.len();
                if end > start {
                    self.links.push(LinkRun { start, end, href });
                }
            }
        }
        let ctx = self.ctx.take();
        let mut text = std::mem::take(&mut self.text);
        let mut links = std::mem::take(&mut self.links);
        let link_bytes = std::mem::take(&mut self.link_bytes);
        self.space = false;
        self.newline = false;
        self.brs = 0;
        self.open = open;
        let Some(ctx) = ctx else { return };
        if ctx.kind == Kind::Pre {
            // Keep inner layout; drop blank lines around it.
            let lead = text.len() - text.trim_start().len();
            let lead = text[..lead].rfind('\n').map_or(0, |i| i + 1).min(lead);
            text.truncate(text.trim_end().len());
            // An all-blank block is empty now: nothing is left to drop.
            let lead = lead.min(text.len());
            if lead > 0 {
                text.drain(..lead);
                for l in links.iter_mut() {
                    l.start = l.start.saturating_sub(lead);
                    l.end = l.end.saturating_sub(lead);
                }
            }
            links.retain(|l| l.end <= text.len() && l.start < l.end);
        }
        if text.trim().is_empty() {
            return;
        }
        blocks.push(Block {
            text,
            kind: ctx.kind,
            owner: ctx.owner,
            item: ctx.item,
            quote: ctx.quote,
            links,
            link_bytes,
            soft: ctx.soft,
        });
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Ctx {
    owner: NodeId,
    kind: Kind,
    item: Option<NodeId>,
    quote: Option<NodeId>,
    soft: bool,
    pre: bool,
}

/// The blocks of a page and what the walk learned on the way.
pub(crate) struct Walk {
    pub blocks: Vec<Block>,
    /// Elements whose class/id or tag gave them a scoring weight.
    pub(crate) weights: HashMap<NodeId, f64>,
    /// Total text bytes in the body (before removal), for the protection rule.
    pub(crate) body_text: usize,
}

/// Bytes of text under `node` (iterative, skipping scripts and styles).
fn text_len(node: NodeRef<'_, Node>) -> usize {
    let mut n = 0;
    let mut stack = vec![node];
    while let Some(cur) = stack.pop() {
        match cur.value() {
            Node::Text(t) => n += t.trim().len(),
            Node::Element(e)
                if matches!(e.name(), "script" | "style" | "noscript" | "template") => {}
            _ => stack.extend(cur.children()),
        }
    }
    n
}

pub(crate) fn is_root_tag(tag: &str) -> bool {
    matches!(tag, "html" | "body" | "main")
}

/// Bytes of text under `node`, and how many of them are inside links.
fn text_and_links(node: NodeRef<'_, Node>) -> (usize, usize) {
    let (mut text, mut links) = (0, 0);
    let mut stack = vec![(node, false)];
    while let Some((cur, in_link)) = stack.pop() {
        match cur.value() {
            Node::Text(t) => {
                let n = t.trim().len();
                text += n;
                if in_link {
                    links += n;
                }
            }
            Node::Element(e)
                if matches!(e.name(), "script" | "style" | "noscript" | "template") => {}
            Node::Element(e) => {
                let l = in_link || e.name() == "a";
                stack.extend(cur.children().map(|c| (c, l)));
            }
            _ => stack.extend(cur.children().map(|c| (c, in_link))),
        }
    }
    (text, links)
}

fn is_hidden(el: &Element) -> bool {
    // React streams server-rendered parts in `<div hidden id="S:…">` and
    // moves them into place with script: they are shown.
    let streamed = el.attr("id").is_some_and(|id| id.starts_with("S:"));
    // Paywalled article text often sits in a `hidden` element; it is
    // still the article.
    let paywalled = || {
        let h = Hints::of(el);
        let found = h.parts().any(|p| {
            matches!(
                p,
                "paywall"
                    | "premium"
                    | "subscriber"
                    | "article"
                    | "content"
                    | "body"
                    | "text"
                    | "story"
            )
        });
        found
    };
    if (el.attr("hidden").is_some() && !streamed && !paywalled())
        || el
            .attr("aria-hidden")
            .is_some_and(|v| v.eq_ignore_ascii_case("true"))
    {
        return true;
    }
    if let Some(style) = el.attr("style") {
        let s: String = style
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect::<String>()
            .to_ascii_lowercase();
        if s.contains("display:none") || s.contains("visibility:hidden") {
            return true;
        }
    }
    false
}

/// ARIA roles of page furniture.
fn is_furniture_role(el: &Element) -> bool {
    el.attr("role").is_some_and(|role| {
        let role = role.trim().to_ascii_lowercase();
        matches!(
            role.as_str(),
            "navigation"
                | "complementary"
                | "contentinfo"
                | "dialog"
                | "alertdialog"
                | "menu"
                | "menubar"
                | "search"
                | "banner"
        )
    })
}

/// Walks the page from `<body>` into blocks.
///
/// `strict` removes elements whose class or id names boilerplate; without it
/// only tags, hidden elements and ARIA roles are removed (the retry for pages
/// whose article container has an unlucky name).
pub(crate) fn walk(body: NodeRef<'_, Node>, strict: bool) -> Walk {
    let mut w = Walker {
        blocks: Vec::new(),
        builder: Builder::new(),
        weights: HashMap::new(),
        body_text: text_len(body),
        protect_memo: HashMap::new(),
        strict,
    };
    let ctx = Ctx {
        owner: body.id(),
        kind: Kind::Para,
        item: None,
        quote: None,
        soft: false,
        pre: false,
    };
    w.children(body, ctx, 0);
    w.builder.flush(&mut w.blocks);
    Walk {
        blocks: w.blocks,
        weights: w.weights,
        body_text: w.body_text,
    }
}

struct Walker {
    blocks: Vec<Block>,
    builder: Builder,
    weights: HashMap<NodeId, f64>,
    body_text: usize,
    /// Text and link bytes under elements checked by `protected`.
    protect_memo: HashMap<NodeId, (usize, usize)>,
    strict: bool,
}

impl Walker {
    fn children(&mut self, node: NodeRef<'_, Node>, ctx: Ctx, depth: usize) {
        if depth > MAX_DEPTH {
            return;
        }
        for child in node.children() {
            match child.value() {
                Node::Text(t) => {
                    if ctx.pre {
                        self.builder.push_pre(t, ctx);
                    } else {
                        self.builder.push_text(t, ctx);
                    }
                }
                Node::Element(el) => self.element(child, el, ctx, depth),
                _ => {}
            }
        }
    }

    /// A boilerplate-looking element is kept when it holds most of the
    /// page's text (`<body class="has-sidebar">`, `<div id="page-with-comments">`).
    fn protected(&mut self, node: NodeRef<'_, Node>, tag: &str, el: &Element) -> bool {
        self.protected_as(node, tag, el, Named::Strong)
    }

    /// [`Walker::protected`], with a lower bar for weakly named elements:
    /// prose of [`WEAK_PROSE_MIN`] bytes with few links. A gallery inside an
    /// article with [`GALLERY_BESIDES_MIN`] bytes of text besides it is not
    /// protected by its prose.
    fn protected_as(
        &mut self,
        node: NodeRef<'_, Node>,
        tag: &str,
        el: &Element,
        named: Named,
    ) -> bool {
        if matches!(tag, "html" | "body" | "article" | "main")
            || el
                .attr("itemprop")
                .is_some_and(|v| v.contains("articleBody"))
        {
            return true;
        }
        let (text, links) = self.text_and_links(node);
        // Holds most of the page, or reads like article text (long, few
        // links): `<div id="sharing-with-a-single-developer">` in docs.
        if named == Named::Gallery && self.article_besides(node, text) >= GALLERY_BESIDES_MIN {
            return false;
        }
        (text * 2 > self.body_text && self.body_text > 0)
            || (named != Named::Ui && text >= 1500 && links * 4 < text)
            || (matches!(named, Named::Weak | Named::Gallery)
                && text >= WEAK_PROSE_MIN
                && links * 5 < text)
    }

    /// [`text_and_links`] of `node`, remembered.
    fn text_and_links(&mut self, node: NodeRef<'_, Node>) -> (usize, usize) {
        *self
            .protect_memo
            .entry(node.id())
            .or_insert_with(|| text_and_links(node))
    }

    /// Text bytes of the nearest enclosing article (`<article>` or
    /// `itemprop="articleBody"`) outside `node`, which holds `text` bytes;
    /// 0 outside any article.
    fn article_besides(&mut self, node: NodeRef<'_, Node>, text: usize) -> usize {
        let article = node.ancestors().find(|a| match a.value() {
            Node::Element(e) => {
                e.name() == "article"
                    || e.attr("itemprop")
                        .is_some_and(|v| v.contains("articleBody"))
            }
            _ => false,
        });
        let Some(article) = article else {
            return 0;
        };
        let (all, _) = self.text_and_links(article);
        all.saturating_sub(text)
    }

    fn element(&mut self, node: NodeRef<'_, Node>, el: &Element, ctx: Ctx, depth: usize) {
        let tag = el.name();
        match tag {
            "br" => {
                self.builder.br();
                if self.builder.brs >= 2 && !ctx.pre {
                    self.builder.flush(&mut self.blocks);
                }
                return;
            }
            "hr" => {
                self.builder.flush(&mut self.blocks);
                return;
            }
            _ => {}
        }
        if is_removed_tag(tag) || is_hidden(el) {
            return;
        }
        let hints = Hints::of(el);
        let strength = if hints.is_empty() {
            None
        } else {
            hints.boilerplate()
        };
        let named = strength.is_some();
        if self.strict
            && (named || is_furniture_role(el))
            && (named && hints.is_always_boilerplate() && !is_root_tag(tag)
                || !self.protected_as(node, tag, el, strength.unwrap_or(Named::Strong)))
        {
            return;
        }
        let soft = ctx.soft
            || (!hints.is_empty() && hints.is_meta() && !self.protected(node, tag, el))
            || matches!(tag, "address");
        let mut weight = if hints.is_empty() {
            0.0
        } else {
            hints.weight()
        };
        if el
            .attr("itemprop")
            .is_some_and(|v| v.contains("articleBody"))
        {
            weight += 25.0;
        }
        if weight != 0.0 {
            self.weights.insert(node.id(), weight);
        }
        if tag == "a" {
            let href = el
                .attr("href")
                .map(str::trim)
                .filter(|h| !h.is_empty() && !h.starts_with("javascript:"));
            match href {
                Some(h) => {
                    self.builder.open_link(h);
                    self.children(node, Ctx { soft, ..ctx }, depth + 1);
                    self.builder.close_link();
                }
                None => self.children(node, Ctx { soft, ..ctx }, depth + 1),
            }
            return;
        }
        if is_math_token(tag) {
            // MathML: each identifier, number and operator is a word of
            // its own (`a x 2 + b x`), not glued into one (`ax2+bx`).
            self.builder.space = true;
            self.children(node, Ctx { soft, ..ctx }, depth + 1);
            self.builder.space = true;
            return;
        }
        if !is_block_tag(tag) {
            if soft != ctx.soft {
                // A soft inline element (a byline <span>) is its own block.
                self.builder.flush(&mut self.blocks);
                self.children(node, Ctx { soft, ..ctx }, depth + 1);
                self.builder.flush(&mut self.blocks);
            } else {
                self.children(node, ctx, depth + 1);
            }
            return;
        }
        self.builder.flush(&mut self.blocks);
        let kind = match tag {
            "h1" => Kind::Heading(1),
            "h2" => Kind::Heading(2),
            "h3" => Kind::Heading(3),
            "h4" => Kind::Heading(4),
            "h5" => Kind::Heading(5),
            "h6" => Kind::Heading(6),
            "li" => Kind::Item,
            "pre" => Kind::Pre,
            _ if matches!(ctx.kind, Kind::Heading(_)) => ctx.kind,
            _ => Kind::Para,
        };
        let inner = Ctx {
            owner: node.id(),
            kind,
            item: if tag == "li" {
                Some(node.id())
            } else {
                ctx.item
            },
            quote: if tag == "blockquote" {
                Some(node.id())
            } else {
                ctx.quote
            },
            soft,
            pre: ctx.pre || tag == "pre",
        };
        self.children(node, inner, depth + 1);
        self.builder.flush(&mut self.blocks);
    }
}
