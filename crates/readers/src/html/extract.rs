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

use std::collections::{HashMap, HashSet};

use ego_tree::{NodeId, NodeRef};
use scraper::node::Element;
use scraper::Node;

/// Deeper elements are ignored (hostile pages nest thousands deep; real
/// articles stay far below this).
const MAX_DEPTH: usize = 400;

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
    fn link_density(&self) -> f64 {
        ratio(self.link_bytes, self.text.len())
    }
}

fn ratio(a: usize, b: usize) -> f64 {
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
            | "math"
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

/// The parts of an element's class and id, lowercased and split on
/// non-alphanumerics (`article-share_bar` → `article`, `share`, `bar`).
struct Hints {
    joined: String,
}

impl Hints {
    fn of(el: &Element) -> Hints {
        let mut joined = String::new();
        for v in [el.attr("class"), el.attr("id")].into_iter().flatten() {
            joined.push(' ');
            joined.push_str(&v.to_ascii_lowercase());
        }
        Hints { joined }
    }

    fn is_empty(&self) -> bool {
        self.joined.trim().is_empty()
    }

    fn parts(&self) -> impl Iterator<Item = &str> {
        self.joined
            .split(|c: char| !c.is_alphanumeric())
            .filter(|p| !p.is_empty())
    }

    fn tokens(&self) -> impl Iterator<Item = &str> {
        self.joined.split_ascii_whitespace()
    }

    /// Comment sections and consent banners: removed whatever they hold.
    fn is_always_boilerplate(&self) -> bool {
        const ALWAYS: &[&str] = &[
            "comment",
            "comments",
            "disqus",
            "cookie",
            "cookies",
            "consent",
            "gdpr",
            "comentarios",
            "kommentare",
            "commentlist",
        ];
        self.parts().any(|p| ALWAYS.contains(&p))
    }

    /// Boilerplate by name: navigation, sidebars, comments, sharing, related
    /// links, cookie banners (strong), and ads, widgets, banners, promos
    /// (weak, unless the name also says article/content/body/text).
    fn boilerplate(&self) -> Option<Named> {
        const STRONG: &[&str] = &[
            "nav",
            "navbar",
            "navigation",
            "menu",
            "menus",
            "breadcrumb",
            "breadcrumbs",
            "sidebar",
            "aside",
            "footer",
            "comment",
            "comments",
            "share",
            "sharing",
            "shares",
            "social",
            "socials",
            "related",
            "recommended",
            "recommendations",
            "newsletter",
            "subscribe",
            "subscription",
            "signup",
            "cookie",
            "cookies",
            "consent",
            "gdpr",
            "disqus",
            "outbrain",
            "taboola",
            "recirc",
            "recirculation",
            "shariff",
            "addthis",
            "sharethis",
            "comentarios",
            "kommentare",
        ];
        const STRONG_SUBSTRINGS: &[&str] = &[
            "sidebar",
            "newsletter",
            "cookie",
            "breadcrumb",
            "disqus",
            "outbrain",
            "taboola",
            "sharing",
            "sharebar",
            "socialmedia",
            "recommend",
            "consent",
            "navbar",
            "footer",
            "commentlist",
            "relatedarticle",
            "relatedpost",
            "related-",
            "more-stories",
            "morestories",
            "most-read",
            "mostread",
            "sociallinks",
            "social-links",
            "share-",
            "-share",
        ];
        const WEAK: &[&str] = &[
            "banner",
            "ad",
            "ads",
            "advert",
            "advertisement",
            "adsense",
            "sponsor",
            "sponsored",
            "promo",
            "popup",
            "modal",
            "overlay",
            "widget",
            "widgets",
            "tags",
            "tag",
            "taglist",
            "keywords",
            "pagination",
            "pager",
            "toolbar",
            "skip",
            "rating",
            "login",
            "masthead",
            "trending",
            "popular",
            "survey",
            "follow",
            "bio",
            "teasers",
            "readmore",
            "newsticker",
            "ticker",
            "jobs",
            "gallery",
            "slideshow",
            "lightbox",
        ];
        const WEAK_SUBSTRINGS: &[&str] = &["advert", "sponsor", "subscri", "read-more", "readmore"];
        const CONTENT: &[&str] = &[
            "article",
            "content",
            "body",
            "text",
            "story",
            "entry",
            "post",
            "main",
            "articlebody",
            "prose",
            "blog",
        ];
        if self.parts().any(|p| STRONG.contains(&p))
            || STRONG_SUBSTRINGS.iter().any(|s| self.joined.contains(s))
        {
            return Some(Named::Strong);
        }
        let weak = self.parts().any(|p| WEAK.contains(&p))
            || WEAK_SUBSTRINGS.iter().any(|s| self.joined.contains(s));
        if weak && !self.parts().any(|p| CONTENT.contains(&p)) {
            // Dialogs and page controls are never article sections.
            const UI: &[&str] = &[
                "popup",
                "modal",
                "overlay",
                "login",
                "survey",
                "pagination",
                "pager",
                "toolbar",
            ];
            if self.parts().any(|p| UI.contains(&p)) {
                return Some(Named::Ui);
            }
            return Some(Named::Weak);
        }
        self.is_hidden_class().then_some(Named::Strong)
    }

    fn is_boilerplate(&self) -> bool {
        self.boilerplate().is_some()
    }

    /// Hidden by a utility class, unless a responsive variant shows it again
    /// (`hidden md:flex`, `d-none d-md-block`).
    fn is_hidden_class(&self) -> bool {
        const TOKENS: &[&str] = &[
            "hidden",
            "sr-only",
            "visually-hidden",
            "screen-reader-text",
            "visuallyhidden",
            "element-invisible",
            "d-none",
            "is-hidden",
            "u-hidden",
        ];
        if !self.tokens().any(|t| TOKENS.contains(&t)) {
            return false;
        }
        let shown_again = self.tokens().any(|t| {
            let display = [
                "block", "flex", "inline", "grid", "table", "visible", "contents",
            ];
            (t.contains(':') && display.iter().any(|d| t.ends_with(d)))
                || (t.starts_with("d-") && t != "d-none" && display.iter().any(|d| t.ends_with(d)))
        });
        !shown_again
    }

    /// Metadata rather than body: bylines, date lines, captions, credits.
    fn is_meta(&self) -> bool {
        const PARTS: &[&str] = &[
            "byline",
            "author",
            "authors",
            "dateline",
            "date",
            "timestamp",
            "time",
            "caption",
            "credit",
            "credits",
            "copyright",
            "meta",
            "kicker",
            "published",
            "updated",
            "author-info",
            "source",
            "photo",
        ];
        self.parts().any(|p| PARTS.contains(&p))
    }

    /// Readability's class weight: −25 for boilerplate-like names, +25 for
    /// content-like ones.
    fn weight(&self) -> f64 {
        const POS: &[&str] = &[
            "article",
            "body",
            "content",
            "entry",
            "hentry",
            "main",
            "page",
            "post",
            "text",
            "blog",
            "story",
            "articlebody",
            "prose",
            "paragraph",
            "copy",
        ];
        const NEG: &[&str] = &[
            "header", "masthead", "meta", "foot", "footnote", "media", "scroll", "shopping",
            "contact", "hid", "combx", "com", "teaser", "teasers", "list", "more", "links", "card",
            "cards", "tile", "tiles",
        ];
        let mut w = 0.0;
        if self.parts().any(|p| NEG.contains(&p)) || self.is_boilerplate() {
            w -= 25.0;
        }
        if self.parts().any(|p| POS.contains(&p))
            || self.joined.contains("articlebody")
            || self.joined.contains("article-body")
        {
            w += 25.0;
        }
        w
    }
}

/// How surely a class/id name says boilerplate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Named {
    /// Navigation, sharing, comments…: removed unless it holds most of the
    /// page or reads like a long article.
    Strong,
    /// Dialogs and page controls (`modal`, `popup`, `pagination`): removed
    /// unless they hold most of the page, however much prose they hold.
    Ui,
    /// Ads, widgets, promos, tags…: names that sites also put on article
    /// sections (`TestReport__Section--Ads`), so an element that reads like
    /// prose is kept.
    Weak,
}

/// A weakly named element with at least this much text (bytes), a fifth
/// or less of it in links, is kept.
const WEAK_PROSE_MIN: usize = 500;

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
            self.text.push_str(word);
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
    weights: HashMap<NodeId, f64>,
    /// Total text bytes in the body (before removal), for the protection rule.
    body_text: usize,
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

fn is_root_tag(tag: &str) -> bool {
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
    /// prose of [`WEAK_PROSE_MIN`] bytes with few links.
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
        let (text, links) = match self.protect_memo.get(&node.id()) {
            Some(&m) => m,
            None => {
                let m = text_and_links(node);
                self.protect_memo.insert(node.id(), m);
                m
            }
        };
        // Holds most of the page, or reads like article text (long, few
        // links): `<div id="sharing-with-a-single-developer">` in docs.
        (text * 2 > self.body_text && self.body_text > 0)
            || (named != Named::Ui && text >= 1500 && links * 4 < text)
            || (named == Named::Weak && text >= WEAK_PROSE_MIN && links * 5 < text)
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

/// Per-element totals and readability score.
#[derive(Debug, Default, Clone, Copy)]
struct Cand {
    text: usize,
    links: usize,
    /// Bytes of prose: paragraphs of 40+ bytes with few links.
    good: usize,
    score: f64,
    scored: bool,
}

fn tag_of(node: NodeRef<'_, Node>) -> &str {
    match node.value() {
        Node::Element(e) => e.name(),
        _ => "",
    }
}

fn base_score(tag: &str) -> f64 {
    match tag {
        "div" | "article" | "section" | "main" => 5.0,
        "pre" | "td" | "blockquote" => 3.0,
        "address" | "ol" | "ul" | "dl" | "dd" | "dt" | "li" | "form" => -3.0,
        "h1" | "h2" | "h3" | "h4" | "h5" | "h6" | "th" => -5.0,
        _ => 0.0,
    }
}

/// Commas in several scripts (Latin, CJK, Arabic).
fn commas(s: &str) -> usize {
    s.chars()
        .filter(|c| matches!(c, ',' | '\u{ff0c}' | '\u{3001}' | '\u{060c}'))
        .count()
}

/// Plain text (one paragraph per line) as paragraph blocks owned by
/// `owner`, for text that does not come from the DOM (JSON-LD).
pub(crate) fn text_blocks(text: &str, owner: NodeId) -> Vec<Block> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(|l| Block {
            text: l.to_string(),
            kind: Kind::Para,
            owner,
            item: None,
            quote: None,
            links: Vec::new(),
            link_bytes: 0,
            soft: false,
        })
        .collect()
}

/// Bytes of text in the chosen blocks.
pub(crate) fn kept_len(walk: &Walk, keep: &[usize]) -> usize {
    keep.iter()
        .filter_map(|&i| walk.blocks.get(i))
        .map(|b| b.text.len())
        .sum()
}

/// Chooses the article's blocks; returns their indices in document order.
pub(crate) fn select(body: NodeRef<'_, Node>, walk: &Walk) -> Vec<usize> {
    let blocks = &walk.blocks;
    if blocks.is_empty() {
        return Vec::new();
    }
    let tree = body.tree();
    let mut cands: HashMap<NodeId, Cand> = HashMap::new();
    let mut per_owner: HashMap<NodeId, usize> = HashMap::new();
    for b in blocks {
        *per_owner.entry(b.owner).or_default() += 1;
    }
    // Totals per ancestor.
    for b in blocks.iter().filter(|b| !b.soft) {
        let mut cur = tree.get(b.owner);
        let mut hops = 0;
        while let Some(n) = cur {
            let c = cands.entry(n.id()).or_default();
            c.text += b.text.len();
            c.links += b.link_bytes;
            if matches!(b.kind, Kind::Para | Kind::Pre)
                && b.text.len() >= 40
                && b.link_density() < 0.25
            {
                c.good += b.text.len();
            }
            if n.id() == body.id() || hops > MAX_DEPTH {
                break;
            }
            hops += 1;
            cur = n.parent();
        }
    }
    // Readability scores.
    for b in blocks
        .iter()
        .filter(|b| !b.soft && matches!(b.kind, Kind::Para | Kind::Pre))
    {
        let chars = b.text.chars().count();
        if chars < 25 {
            continue;
        }
        let score = 1.0 + commas(&b.text) as f64 + (chars / 100).min(3) as f64;
        let Some(owner) = tree.get(b.owner) else {
            continue;
        };
        let owner_tag = tag_of(owner);
        let paragraph_like = matches!(owner_tag, "p" | "pre" | "td" | "dd" | "blockquote")
            || (per_owner.get(&b.owner).copied().unwrap_or(0) == 1 && owner.id() != body.id());
        let start = if paragraph_like {
            owner.parent()
        } else {
            Some(owner)
        };
        let mut cur = start;
        let mut level = 0usize;
        while let Some(n) = cur {
            if level >= 5 || !n.value().is_element() {
                break;
            }
            let weight = walk.weights.get(&n.id()).copied().unwrap_or(0.0);
            let c = cands.entry(n.id()).or_default();
            if !c.scored {
                c.scored = true;
                c.score = base_score(tag_of(n)) + weight;
            }
            let divider = match level {
                0 => 1.0,
                1 => 2.0,
                l => l as f64 * 3.0,
            };
            c.score += score / divider;
            if n.id() == body.id() {
                break;
            }
            level += 1;
            cur = n.parent();
        }
    }
    let final_score = |c: &Cand| c.score * (1.0 - ratio(c.links, c.text));
    let mut ranked: Vec<(NodeId, f64)> = cands
        .iter()
        .filter(|(_, c)| c.scored)
        .map(|(id, c)| (*id, final_score(c)))
        .collect();
    // Ties go to the earlier element (node ids follow parse order), so the
    // result does not depend on the hash map's iteration order.
    ranked.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
    let Some(&(mut top, mut top_score)) = ranked.first() else {
        return fallback(walk);
    };
    let score_of = |id: NodeId| cands.get(&id).filter(|c| c.scored).map(final_score);

    // Several near-equal candidates under one ancestor: take the ancestor.
    let alternatives: Vec<NodeId> = ranked
        .iter()
        .skip(1)
        .take(4)
        .filter(|(_, s)| *s / top_score >= 0.75)
        .map(|(id, _)| *id)
        .collect();
    if alternatives.len() >= 3 {
        let mut anc = tree.get(top).and_then(|n| n.parent());
        while let Some(a) = anc {
            if a.id() == body.id() {
                break;
            }
            let containing = alternatives
                .iter()
                .filter(|alt| {
                    tree.get(**alt)
                        .is_some_and(|n| n.ancestors().any(|x| x.id() == a.id()))
                })
                .count();
            if containing >= 3 {
                top = a.id();
                top_score = score_of(top).unwrap_or(top_score);
                break;
            }
            anc = a.parent();
        }
    }
    // Climb while the parent scores better.
    {
        let threshold = top_score / 3.0;
        let mut last = top_score;
        let mut parent = tree.get(top).and_then(|n| n.parent());
        while let Some(p) = parent {
            if p.id() == body.id() || !p.value().is_element() {
                break;
            }
            let Some(ps) = score_of(p.id()) else {
                parent = p.parent();
                continue;
            };
            if ps < threshold {
                break;
            }
            if ps > last {
                top = p.id();
                top_score = ps;
                break;
            }
            last = ps;
            parent = p.parent();
        }
    }
    // Prose spread over several containers: climb while an ancestor holds
    // much more prose and is not a link farm. Wrappers that add little
    // prose (under 10 %, up to PROSE_CLIMB levels) are looked through.
    'climb: while let Some(cur) = cands.get(&top) {
        let mut anc = tree.get(top).and_then(|n| n.parent());
        for _ in 0..PROSE_CLIMB {
            let Some(p) = anc else { break 'climb };
            if p.id() == body.id() || !p.value().is_element() {
                break 'climb;
            }
            let Some(par) = cands.get(&p.id()) else {
                break 'climb;
            };
            if ratio(par.links, par.text) > 0.35 {
                break 'climb;
            }
            if par.good * 10 >= cur.good * 13 {
                top = p.id();
                top_score = score_of(top).unwrap_or(top_score);
                continue 'climb;
            }
            if par.good * 10 > cur.good * 11 {
                // Some more prose, but not much more: the article ends here.
                break 'climb;
            }
            anc = p.parent();
        }
        break;
    }
    // A lone child stands for its parent.
    while let Some(p) = tree.get(top).and_then(|n| n.parent()) {
        if p.id() == body.id() || !p.value().is_element() {
            break;
        }
        if p.children().filter(|c| c.value().is_element()).count() != 1 {
            break;
        }
        top = p.id();
        top_score = score_of(top).unwrap_or(top_score);
    }

    // Most of the page's prose lies outside the winner (it won on commas in
    // a list of names, or is an author box or a form): take the smallest
    // element holding most of the prose instead.
    if let Some(better) = prose_container(tree, body.id(), top, &cands) {
        top = better;
        top_score = score_of(top).unwrap_or(top_score);
    }

    // The chosen container and its good siblings.
    let mut chosen: HashSet<NodeId> = HashSet::new();
    chosen.insert(top);
    if let Some(top_node) = tree.get(top) {
        if let Some(parent) = top_node.parent() {
            let threshold = (top_score * 0.2).max(10.0);
            let top_class = match top_node.value() {
                Node::Element(e) => e.attr("class").unwrap_or(""),
                _ => "",
            };
            for sib in parent
                .children()
                .filter(|c| c.id() != top && c.value().is_element())
            {
                let Node::Element(se) = sib.value() else {
                    continue;
                };
                let bonus = if !top_class.is_empty() && se.attr("class") == Some(top_class) {
                    top_score * 0.2
                } else {
                    0.0
                };
                let s = score_of(sib.id()).unwrap_or(0.0);
                if s + bonus >= threshold {
                    chosen.insert(sib.id());
                    continue;
                }
                if se.name() == "p" || matches!(se.name(), "h1" | "h2" | "h3") {
                    let Some(c) = cands.get(&sib.id()) else {
                        continue;
                    };
                    let ld = ratio(c.links, c.text);
                    if se.name() == "p"
                        && ((c.text > 80 && ld < 0.25)
                            || (c.text > 0
                                && ld == 0.0
                                && c.text <= 80
                                && ends_sentence(blocks, sib.id())))
                    {
                        chosen.insert(sib.id());
                    }
                }
            }
        }
    }

    let mut keep = Vec::new();
    let mut inside: HashMap<NodeId, bool> = HashMap::new();
    for (i, b) in blocks.iter().enumerate() {
        if b.soft {
            continue;
        }
        let is_in = *inside.entry(b.owner).or_insert_with(|| {
            tree.get(b.owner).is_some_and(|n| {
                n.ancestors()
                    .chain(std::iter::once(n))
                    .take(MAX_DEPTH + 2)
                    .any(|a| chosen.contains(&a.id()))
            })
        });
        if is_in {
            keep.push(i);
        }
    }
    let kept_len: usize = keep
        .iter()
        .filter_map(|&i| blocks.get(i))
        .map(|b| b.text.len())
        .sum();
    // Too little found: the page may not be an article; take the body.
    if kept_len < 200 && walk.body_text > 1000 {
        let all = fallback(walk);
        let all_len: usize = all
            .iter()
            .filter_map(|&i| blocks.get(i))
            .map(|b| b.text.len())
            .sum();
        if all_len > kept_len * 3 {
            return filter(blocks, all);
        }
    }
    filter(blocks, with_lead(blocks, keep))
}

/// Text that ends like a sentence (a caption or credit usually does not).
fn ends_sentence_text(t: &str) -> bool {
    t.trim_end().ends_with([
        '.', '!', '?', '"', '\u{201c}', '\u{201d}', '\u{bb}', '\u{2026}',
    ])
}

/// Whether the text holds a clock time (`08:01`), as a dateline does.
fn has_clock_time(t: &str) -> bool {
    let b = t.as_bytes();
    b.windows(3)
        .any(|w| w[0].is_ascii_digit() && w[1] == b':' && w[2].is_ascii_digit())
}

/// A lead paragraph has at least this many bytes.
const LEAD_MIN: usize = 60;

/// How many blocks before the article are looked at for its lead.
const LEAD_LOOKBACK: usize = 8;

/// Adds the lead (standfirst) paragraphs that stand just before the chosen
/// blocks, in the article's header next to the headline, byline and date:
/// prose (80+ bytes, no links, ending a sentence) reached from the first
/// kept block over only headings, metadata and short lines. The paragraph
/// nearest the body may also be a subtitle that ends no sentence (8+ words,
/// no links, no clock time as in a dateline).
fn with_lead(blocks: &[Block], mut keep: Vec<usize>) -> Vec<usize> {
    let Some(&first) = keep.first() else {
        return keep;
    };
    let mut leads = Vec::new();
    for i in (first.saturating_sub(LEAD_LOOKBACK)..first).rev() {
        let Some(b) = blocks.get(i) else { break };
        let len = b.text.len();
        // A standfirst may be set as a heading (`<h2 class="lead">`).
        if matches!(b.kind, Kind::Para | Kind::Heading(2..)) && !b.soft && len >= LEAD_MIN {
            let t = b.text.trim_end();
            if b.link_density() > 0.1 || is_boilerplate_line(t) {
                break;
            }
            if !ends_sentence_text(t) {
                // A subtitle under the headline need not end a sentence;
                // it is taken only as the lead nearest the body, with no
                // links at all, and ends the search.
                if leads.is_empty()
                    && b.link_bytes == 0
                    && matches!(b.kind, Kind::Para)
                    && t.split_whitespace().count() >= 8
                    && !has_clock_time(t)
                {
                    leads.push(i);
                }
                break;
            }
            leads.push(i);
            if leads.len() == 2 {
                break;
            }
        } else if !(b.soft
            || matches!(b.kind, Kind::Heading(_))
            || len < 60
            || (len < 250 && b.link_bytes == 0 && !ends_sentence_text(&b.text)))
        {
            // Headings, bylines, dates, captions and credits may stand
            // between the lead and the body; anything else ends the search.
            break;
        }
    }
    if !leads.is_empty() {
        leads.reverse();
        leads.append(&mut keep);
        keep = leads;
    }
    keep
}

/// How many levels above the chosen container the prose climb looks for
/// an ancestor holding much more prose.
const PROSE_CLIMB: usize = 3;

/// Pages with at least this much prose (bytes in paragraphs of 40+ bytes
/// with few links) are checked by [`prose_container`].
const PROSE_MIN: usize = 800;

/// When the readability winner `top` holds less than a third of the page's
/// prose, the deepest element holding at least 60 % of it (and not a link
/// farm); `None` when the winner is fine or no such element exists.
fn prose_container(
    tree: &ego_tree::Tree<Node>,
    body: NodeId,
    top: NodeId,
    cands: &HashMap<NodeId, Cand>,
) -> Option<NodeId> {
    let total = cands.get(&body)?.good;
    let here = cands.get(&top).map_or(0, |c| c.good);
    if total < PROSE_MIN || here * 3 >= total {
        return None;
    }
    // Start from the element with the most prose among those holding 60 %,
    // preferring the deepest (the smallest such container).
    let mut best: Option<(NodeId, usize)> = None;
    for (&id, c) in cands {
        if id == body || c.good * 10 < total * 6 || ratio(c.links, c.text) > 0.35 {
            continue;
        }
        let Some(node) = tree.get(id) else { continue };
        if !node.value().is_element() || is_root_tag(tag_of(node)) {
            continue;
        }
        let depth = node.ancestors().take(MAX_DEPTH + 2).count();
        if best.is_none_or(|(_, d)| depth > d) {
            best = Some((id, depth));
        }
    }
    best.map(|(id, _)| id)
}

fn ends_sentence(blocks: &[Block], owner: NodeId) -> bool {
    blocks.iter().filter(|b| b.owner == owner).any(|b| {
        let t = b.text.trim_end();
        t.ends_with('.') || t.contains(". ")
    })
}

/// All non-soft blocks, filtered.
fn fallback(walk: &Walk) -> Vec<usize> {
    (0..walk.blocks.len())
        .filter(|&i| walk.blocks.get(i).is_some_and(|b| !b.soft))
        .collect()
}

/// Lines that are boilerplate wherever they stand.
fn is_boilerplate_line(text: &str) -> bool {
    let t = text.trim();
    if t.chars().count() > 120 {
        return false;
    }
    let l = t.to_lowercase();
    const STARTS: &[&str] = &[
        "share this",
        "share on",
        "share:",
        "follow us",
        "sign up",
        "subscribe",
        "read more",
        "read also",
        "related:",
        "related articles",
        "related stories",
        "advertisement",
        "click here",
        "all rights reserved",
        "copyright ©",
        "©",
        "(c) copyright",
        "please enable javascript",
        "you may also like",
        "recommended for you",
        "more from",
        "lesen sie auch",
        "mehr zum thema",
        "auch interessant",
        "anzeige",
        "werbung",
        "teilen",
        "leia também",
        "lee también",
        "lire aussi",
        "à lire aussi",
        "image:",
        "photo:",
        "foto:",
        "bild:",
        "getty images",
        "credit:",
        "abbildung:",
        "abb.:",
        "grafik:",
        "war der artikel",
        "war dieser artikel",
        "hat ihnen der artikel",
        "möchten sie den artikel",
        "artikel teilen",
        "was this article helpful",
        "was this helpful",
        "did you find this article",
        "jetzt kostenlos anmelden",
        "hier kostenlos anmelden",
        "jetzt abonnieren",
        "listen to this article",
        "loading",
        "skip to",
    ];
    STARTS.iter().any(|s| l.starts_with(s))
        || l == "share"
        || l == "tweet"
        || l == "email"
        || l == "print"
}

/// Drops link lists, boilerplate lines and trailing headings.
fn filter(blocks: &[Block], keep: Vec<usize>) -> Vec<usize> {
    let mut out: Vec<usize> = Vec::with_capacity(keep.len());
    // Link density per list (ul/ol) and per block.
    let mut item_ld: HashMap<NodeId, (usize, usize)> = HashMap::new();
    for &i in &keep {
        if let Some(b) = blocks.get(i) {
            if let Some(item) = b.item {
                let e = item_ld.entry(item).or_default();
                e.0 += b.link_bytes;
                e.1 += b.text.len();
            }
        }
    }
    for &i in &keep {
        let Some(b) = blocks.get(i) else { continue };
        let ld = b.link_density();
        let item_dense = b
            .item
            .and_then(|it| item_ld.get(&it))
            .is_some_and(|(l, t)| ratio(*l, *t) > 0.6);
        if ld > 0.6 || item_dense || is_boilerplate_line(&b.text) {
            continue;
        }
        out.push(i);
    }
    // Trailing headings and short link-ish lines introduce what was removed.
    while let Some(&last) = out.last() {
        let Some(b) = blocks.get(last) else { break };
        let chars = b.text.chars().count();
        // A long heading that ends a sentence is the article's last word
        // (a closing thought set as `<h4>`), not a section title.
        let closing = chars >= 40 && ends_sentence_text(&b.text);
        if (matches!(b.kind, Kind::Heading(_)) && !closing)
            || (chars < 40 && !b.text.ends_with(['.', '!', '?', '"', '\u{201d}']))
        {
            out.pop();
        } else {
            break;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hints(class: &str) -> Hints {
        Hints {
            joined: format!(" {}", class.to_ascii_lowercase()),
        }
    }

    #[test]
    fn boilerplate_names_have_a_strength() {
        assert_eq!(hints("site-nav").boilerplate(), Some(Named::Strong));
        assert_eq!(
            hints("TestReport__Section--Ads").boilerplate(),
            Some(Named::Weak)
        );
        assert_eq!(
            hints("modal disclosures-modal").boilerplate(),
            Some(Named::Ui)
        );
        // A content word clears a weak name.
        assert_eq!(hints("ad-article-body").boilerplate(), None);
        assert_eq!(hints("modal__body").boilerplate(), None);
    }

    #[test]
    fn feedback_and_figure_lines_are_boilerplate() {
        for line in [
            "War der Artikel nützlich?",
            "Was this article helpful?",
            "Abbildung: Vergleich auf dem Gletscher",
            "Möchten Sie den Artikel teilen?",
        ] {
            assert!(is_boilerplate_line(line), "{line}");
        }
        assert!(!is_boilerplate_line(
            "War is the subject of this article, and of the next one too."
        ));
    }

    #[test]
    fn lead_is_found_over_bylines_and_captions_only() {
        let root = ego_tree::Tree::new(0u8).root().id();
        let para = |t: &str, soft: bool| Block {
            text: t.to_string(),
            kind: Kind::Para,
            owner: root,
            item: None,
            quote: None,
            links: Vec::new(),
            link_bytes: 0,
            soft,
        };
        let lead =
            "The town will close its oldest bridge next month after inspectors found corrosion.";
        let menu = "Home / News / Sport / Weather / Culture / Opinion / Video / Travel";
        let mut blocks = vec![
            para(
                "A long paragraph of another story that is not part of the article, ending here.",
                false,
            ),
            para(menu, false),
            para(lead, false),
            para("By Anna Muster", true),
            para("The old bridge seen from the river (photo: archive)", false),
            para("The body of the article.", false),
        ];
        blocks[1].link_bytes = menu.len();
        assert_eq!(with_lead(&blocks, vec![5]), vec![2, 5]);
        // A lead made of links is a teaser, not a lead.
        blocks[2].link_bytes = blocks[2].text.len();
        assert_eq!(with_lead(&blocks, vec![5]), vec![5]);
        // A row of links between the lead and the body stops the search.
        blocks[2].link_bytes = 0;
        blocks[3] = para(menu, false);
        blocks[3].link_bytes = menu.len();
        assert_eq!(with_lead(&blocks, vec![5]), vec![5]);
    }

    #[test]
    fn text_blocks_split_lines() {
        let root = ego_tree::Tree::new(0u8).root().id();
        let b = text_blocks("One.\n\n  Two. \n", root);
        let texts: Vec<&str> = b.iter().map(|b| b.text.as_str()).collect();
        assert_eq!(texts, ["One.", "Two."]);
        assert!(b.iter().all(|b| b.kind == Kind::Para && !b.soft));
    }
}
