//! Article metadata from the page's markup, most reliable source first:
//! JSON-LD (`@graph` and arrays included), then OpenGraph and other `<meta>`
//! tags, then markup (`<time datetime>`, `<html lang>`, `<h1>`, `<title>`,
//! `rel=canonical`), and only then heuristics over the text (bylines inside
//! the article, "originally appeared on …"). Authors are validated: no
//! author is better than a wrong one, so role words ("Staff", "Redaktion"),
//! feeds, e-mail addresses, URLs and the site's own name are refused.

use ego_tree::NodeRef;
use scraper::node::Element;
use scraper::{Html, Node};
use serde_json::Value;

/// What the markup says about the article.
#[derive(Debug, Default, Clone, PartialEq)]
pub(crate) struct Found {
    pub title: Option<String>,
    pub h1: Option<String>,
    pub authors: Vec<String>,
    pub published: Option<String>,
    pub site_name: Option<String>,
    pub canonical: Option<String>,
    pub og_url: Option<String>,
    pub language: Option<String>,
    /// The JSON-LD `articleBody` of the article, paragraphs one per line.
    pub ld_body: Option<String>,
}

#[derive(Default)]
struct Raw {
    ld_title: Option<String>,
    ld_authors: Vec<String>,
    ld_date: Option<String>,
    /// `datePublished` of a JSON-LD object that is neither an article nor
    /// a page (a `Question`, a `Recipe`), or found in JSON that does not parse.
    ld_other_date: Option<String>,
    ld_body: Option<String>,
    ld_site: Option<String>,
    ld_lang: Option<String>,
    og_title: Option<String>,
    tw_title: Option<String>,
    meta_title: Option<String>,
    title_tag: Option<String>,
    h1: Vec<String>,
    og_site: Option<String>,
    app_name: Option<String>,
    meta_authors: Vec<String>,
    article_author: Vec<String>,
    meta_dates: Vec<(u8, String)>,
    time_dates: Vec<String>,
    /// The date in the page's own URL (given by the caller).
    url_date: Option<String>,
    html_lang: Option<String>,
    http_lang: Option<String>,
    og_locale: Option<String>,
    canonical: Option<String>,
    og_url: Option<String>,
    bylines: Vec<String>,
}

fn text_of(node: NodeRef<'_, Node>) -> String {
    let mut s = String::new();
    let mut stack = vec![node];
    let mut budget = 10_000usize;
    while let Some(cur) = stack.pop() {
        budget = budget.saturating_sub(1);
        if budget == 0 {
            break;
        }
        match cur.value() {
            Node::Text(t) => {
                s.push_str(t);
            }
            Node::Element(e)
                if matches!(e.name(), "script" | "style" | "noscript" | "template") => {}
            _ => {
                let kids: Vec<_> = cur.children().collect();
                stack.extend(kids.into_iter().rev());
            }
        }
    }
    collapse(&s)
}

/// Collapses whitespace runs to one space and trims.
pub(crate) fn collapse(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn non_empty(s: Option<&str>) -> Option<String> {
    let c = collapse(s?);
    (!c.is_empty()).then_some(c)
}

/// Reads the page's metadata; `page_url` is where the page was fetched from.
pub(crate) fn extract(html: &Html, page_url: Option<&str>) -> Found {
    let mut raw = Raw {
        url_date: page_url.and_then(date_in_url),
        ..Raw::default()
    };
    for node in html.tree.root().descendants() {
        let Node::Element(el) = node.value() else {
            continue;
        };
        match el.name() {
            "html" if raw.html_lang.is_none() => {
                raw.html_lang = non_empty(el.attr("lang").or(el.attr("xml:lang")))
            }
            "title" if raw.title_tag.is_none() => raw.title_tag = non_empty(Some(&text_of(node))),
            "h1" if raw.h1.len() < 5 => {
                if let Some(t) = non_empty(Some(&text_of(node))) {
                    raw.h1.push(t);
                }
            }
            "meta" => meta(el, &mut raw),
            "link" => {
                let rel = el.attr("rel").unwrap_or("").to_ascii_lowercase();
                if rel.split_whitespace().any(|r| r == "canonical") && raw.canonical.is_none() {
                    raw.canonical = non_empty(el.attr("href"));
                }
            }
            "script"
                if el
                    .attr("type")
                    .is_some_and(|t| t.trim().eq_ignore_ascii_case("application/ld+json")) =>
            {
                json_ld(&text_raw(node), &mut raw);
            }
            "time" if raw.time_dates.len() < 3 && in_article(node) => {
                if let Some(d) = el.attr("datetime").and_then(normalize_date) {
                    raw.time_dates.push(d);
                }
            }
            // Microformats: `<abbr class="published" title="2020-05-12T10:00">`.
            "abbr" if raw.time_dates.len() < 3 && is_published_class(el) => {
                if let Some(d) = el.attr("title").and_then(normalize_date) {
                    raw.time_dates.push(d);
                }
            }
            _ => {}
        }
        if let Some(prop) = el.attr("itemprop") {
            itemprop(node, el, prop, &mut raw);
        }
        if el.attr("rel").is_some_and(|r| {
            r.split_whitespace()
                .any(|r| r.eq_ignore_ascii_case("author"))
        }) && el.name() == "a"
            && in_article(node)
        {
            raw.bylines.push(text_of(node));
        }
    }
    resolve(raw)
}

/// `class="published"` (hAtom) or `dtstart`/`dt-published` (h-entry).
fn is_published_class(el: &Element) -> bool {
    el.attr("class").is_some_and(|c| {
        c.split_whitespace().any(|c| {
            matches!(
                c,
                "published" | "dt-published" | "dtstart" | "date-published"
            )
        })
    })
}

fn text_raw(node: NodeRef<'_, Node>) -> String {
    node.children()
        .filter_map(|c| c.value().as_text().map(|t| t.to_string()))
        .collect()
}

/// True when an element stands inside the article (an `<article>`, `<main>`
/// or an element whose class names it the article/post/entry), not in a
/// sidebar or a teaser list.
fn in_article(node: NodeRef<'_, Node>) -> bool {
    for a in node.ancestors().take(40) {
        let Node::Element(e) = a.value() else {
            continue;
        };
        if matches!(e.name(), "aside" | "nav" | "footer") {
            return false;
        }
        let hints = format!(
            "{} {}",
            e.attr("class").unwrap_or(""),
            e.attr("id").unwrap_or("")
        )
        .to_ascii_lowercase();
        if [
            "sidebar",
            "related",
            "teaser",
            "widget",
            "comment",
            "recommend",
            "more-",
        ]
        .iter()
        .any(|h| hints.contains(h))
        {
            return false;
        }
        if matches!(e.name(), "article" | "main" | "header")
            || ["article", "post", "entry", "story", "content"]
                .iter()
                .any(|h| hints.contains(h))
        {
            return true;
        }
    }
    false
}

fn meta(el: &Element, raw: &mut Raw) {
    let key = el
        .attr("property")
        .or(el.attr("name"))
        .or(el.attr("itemprop"))
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    let content = el.attr("content");
    if let Some(he) = el.attr("http-equiv") {
        if he.eq_ignore_ascii_case("content-language") && raw.http_lang.is_none() {
            raw.http_lang =
                non_empty(content).and_then(|c| c.split(',').next().map(|s| s.trim().to_string()));
        }
    }
    let Some(value) = non_empty(content) else {
        return;
    };
    let slot = match key.as_str() {
        "og:title" => &mut raw.og_title,
        "twitter:title" => &mut raw.tw_title,
        "title" | "dc.title" | "headline" => &mut raw.meta_title,
        "og:site_name" => &mut raw.og_site,
        "application-name" => &mut raw.app_name,
        "og:locale" => &mut raw.og_locale,
        "og:url" => &mut raw.og_url,
        "author" | "dc.creator" | "dcterms.creator" | "sailthru.author" | "parsely-author"
        | "byl" | "article.author" | "cxenseparse:author" | "citation_author" => {
            raw.meta_authors.push(value);
            return;
        }
        "article:author" | "og:article:author" => {
            raw.article_author.push(value);
            return;
        }
        other => {
            if let Some(rank) = date_rank(other) {
                if let Some(d) = normalize_date(&value) {
                    raw.meta_dates.push((rank, d));
                }
            }
            return;
        }
    };
    slot.get_or_insert(value);
}

/// How much a `<meta>` date key is trusted (1 best); modification dates last.
fn date_rank(key: &str) -> Option<u8> {
    Some(match key {
        "article:published_time" | "og:article:published_time" | "datepublished" => 1,
        "pubdate"
        | "publishdate"
        | "publish-date"
        | "publish_date"
        | "date"
        | "dc.date"
        | "dc.date.issued"
        | "dcterms.date"
        | "dcterms.created"
        | "dc.date.created"
        | "article.published"
        | "sailthru.date"
        | "parsely-pub-date"
        | "og:pubdate"
        | "citation_publication_date"
        | "citation_date"
        | "originalpublicationdate"
        | "date.created"
        | "published_time"
        | "published-date"
        | "release_date"
        | "cxenseparse:recs:publishtime" => 2,
        "article:modified_time"
        | "og:updated_time"
        | "last-modified"
        | "dcterms.modified"
        | "datemodified" => 4,
        _ => return None,
    })
}

fn itemprop(node: NodeRef<'_, Node>, el: &Element, prop: &str, raw: &mut Raw) {
    if el.name() == "meta" {
        return;
    }
    for p in prop.split_whitespace() {
        match p {
            "datePublished" => {
                let d = match el.attr("datetime").or(el.attr("content")) {
                    Some(v) => normalize_date(v),
                    // `<span itemprop="datePublished">12. Mai 2020</span>`
                    None => date_in_text(&text_of(node)),
                };
                if let Some(d) = d {
                    raw.meta_dates.push((1, d));
                }
            }
            "author" | "creator" if in_article(node) => {
                // itemprop=author may wrap a Person with itemprop=name inside.
                let name = node
                    .descendants()
                    .take(50)
                    .find_map(|d| match d.value() {
                        Node::Element(e)
                            if e.attr("itemprop")
                                .is_some_and(|v| v.split_whitespace().any(|v| v == "name")) =>
                        {
                            Some(
                                e.attr("content")
                                    .map(collapse)
                                    .unwrap_or_else(|| text_of(d)),
                            )
                        }
                        _ => None,
                    })
                    .or_else(|| el.attr("content").map(collapse))
                    .unwrap_or_else(|| text_of(node));
                raw.bylines.push(name);
            }
            _ => {}
        }
    }
}

fn json_ld(src: &str, raw: &mut Raw) {
    let mut s = src.trim();
    for prefix in ["<!--", "//<![CDATA[", "<![CDATA["] {
        s = s.strip_prefix(prefix).unwrap_or(s).trim();
    }
    for suffix in ["-->", "//]]>", "]]>", ";"] {
        s = s.strip_suffix(suffix).unwrap_or(s).trim();
    }
    let value = match parse_lenient(s) {
        Some(v) => v,
        None => {
            let cleaned: String = s
                .chars()
                .map(|c| if c.is_control() { ' ' } else { c })
                .collect();
            match parse_lenient(&cleaned) {
                Some(v) => v,
                None => {
                    // Broken JSON: still read the publication date.
                    if raw.ld_other_date.is_none() {
                        raw.ld_other_date = date_after_key(s, "\"datePublished\"");
                    }
                    return;
                }
            }
        }
    };
    let mut objects = Vec::new();
    collect_objects(&value, &mut objects, 0);
    // Articles first, then web pages.
    let rank = |o: &serde_json::Map<String, Value>| {
        let types = types_of(o);
        if types.iter().any(|t| {
            t.ends_with("Article") || t.ends_with("Posting") || t == "Report" || t == "Review"
        }) {
            0
        } else if types.iter().any(|t| t.ends_with("Page")) {
            1
        } else {
            2
        }
    };
    let mut ranked: Vec<_> = objects.into_iter().map(|o| (rank(o), o)).collect();
    ranked.sort_by_key(|(r, _)| *r);
    for (r, o) in ranked {
        if r >= 2 {
            if raw.ld_other_date.is_none() {
                raw.ld_other_date = str_field(o, "datePublished").and_then(|d| normalize_date(&d));
            }
            continue;
        }
        if raw.ld_body.is_none() && r == 0 {
            if let Some(Value::String(b)) = o.get("articleBody") {
                raw.ld_body = clean_body(b);
            }
        }
        if raw.ld_title.is_none() && r == 0 {
            raw.ld_title = str_field(o, "headline").or_else(|| str_field(o, "name"));
        }
        if raw.ld_authors.is_empty() && r == 0 {
            if let Some(a) = o.get("author").or(o.get("creator")) {
                people(a, &mut raw.ld_authors, 0);
            }
        }
        if raw.ld_date.is_none() {
            raw.ld_date = str_field(o, "datePublished")
                .or_else(|| str_field(o, "dateCreated"))
                .and_then(|d| normalize_date(&d));
        }
        if raw.ld_site.is_none() {
            if let Some(Value::Object(p)) = o.get("publisher") {
                raw.ld_site = str_field(p, "name");
            }
        }
        if raw.ld_lang.is_none() {
            raw.ld_lang = str_field(o, "inLanguage");
        }
    }
}

/// The first JSON value of `s`, ignoring whatever follows it (pages that
/// put two objects, or a stray brace, in one script).
fn parse_lenient(s: &str) -> Option<Value> {
    serde_json::Deserializer::from_str(s)
        .into_iter::<Value>()
        .next()?
        .ok()
}

/// The date in the string value after `key` in raw (unparsable) JSON.
fn date_after_key(s: &str, key: &str) -> Option<String> {
    let rest = s.get(s.find(key)? + key.len()..)?;
    let rest = rest.trim_start().strip_prefix(':')?.trim_start();
    let rest = rest.strip_prefix('"')?;
    normalize_date(rest.get(..rest.find('"')?)?)
}

/// An `articleBody` as text: tags stripped (some sites put HTML there),
/// entities decoded, one paragraph per line, blank lines dropped.
fn clean_body(b: &str) -> Option<String> {
    let mut plain = String::with_capacity(b.len());
    let mut in_tag = false;
    for c in b.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => {
                in_tag = false;
                plain.push('\n');
            }
            _ if !in_tag => plain.push(c),
            _ => {}
        }
    }
    let text = html_unescape(&plain)
        .lines()
        .map(collapse)
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join("\n");
    (!text.is_empty()).then_some(text)
}

fn collect_objects<'a>(
    v: &'a Value,
    out: &mut Vec<&'a serde_json::Map<String, Value>>,
    depth: usize,
) {
    if depth > 8 || out.len() > 200 {
        return;
    }
    match v {
        Value::Array(a) => a.iter().for_each(|x| collect_objects(x, out, depth + 1)),
        Value::Object(o) => {
            out.push(o);
            if let Some(g) = o.get("@graph") {
                collect_objects(g, out, depth + 1);
            }
            if let Some(m) = o.get("mainEntity") {
                collect_objects(m, out, depth + 1);
            }
        }
        _ => {}
    }
}

fn types_of(o: &serde_json::Map<String, Value>) -> Vec<String> {
    match o.get("@type") {
        Some(Value::String(s)) => vec![s.clone()],
        Some(Value::Array(a)) => a
            .iter()
            .filter_map(|x| x.as_str().map(str::to_string))
            .collect(),
        _ => Vec::new(),
    }
}

fn str_field(o: &serde_json::Map<String, Value>, key: &str) -> Option<String> {
    match o.get(key)? {
        Value::String(s) => non_empty(Some(&html_unescape(s))),
        Value::Array(a) => a
            .first()
            .and_then(|x| x.as_str())
            .and_then(|s| non_empty(Some(s))),
        Value::Object(inner) => str_field(inner, "name").or_else(|| str_field(inner, "@value")),
        _ => None,
    }
}

/// Person names from a JSON-LD `author` value; organisations are skipped.
fn people(v: &Value, out: &mut Vec<String>, depth: usize) {
    if depth > 4 {
        return;
    }
    match v {
        Value::String(s) => out.push(html_unescape(s)),
        Value::Array(a) => a.iter().take(20).for_each(|x| people(x, out, depth + 1)),
        Value::Object(o) => {
            if types_of(o)
                .iter()
                .any(|t| t == "Organization" || t == "NewsMediaOrganization" || t == "Corporation")
            {
                return;
            }
            if let Some(n) = str_field(o, "name") {
                out.push(n);
            }
        }
        _ => {}
    }
}

/// Decodes the few entities that leak into JSON-LD and meta values.
fn html_unescape(s: &str) -> String {
    if !s.contains('&') {
        return s.to_string();
    }
    s.replace("&amp;", "&")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&#039;", "'")
        .replace("&apos;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&nbsp;", " ")
}

fn resolve(raw: Raw) -> Found {
    let site_name = raw
        .og_site
        .clone()
        .or(raw.ld_site.clone())
        .or(raw.app_name.clone());
    let h1 = if raw.h1.len() == 1 {
        raw.h1.first().cloned()
    } else {
        None
    };
    let title = raw
        .ld_title
        .clone()
        .or(raw.og_title.clone())
        .or(raw.tw_title.clone())
        .or(raw.meta_title.clone())
        .or(h1.clone())
        .or(raw.h1.first().cloned())
        .or(raw.title_tag.clone())
        .map(|t| strip_site(&t, site_name.as_deref()));

    let mut authors = Vec::new();
    let sources: [&[String]; 4] = [
        &raw.ld_authors,
        &raw.meta_authors,
        &raw.article_author,
        &raw.bylines,
    ];
    for source in sources {
        for a in source {
            for name in split_authors(a) {
                if let Some(name) = clean_author(&name, site_name.as_deref()) {
                    if !authors
                        .iter()
                        .any(|x: &String| x.eq_ignore_ascii_case(&name))
                    {
                        authors.push(name);
                    }
                }
            }
        }
        if !authors.is_empty() {
            break;
        }
    }

    let mut meta_dates = raw.meta_dates.clone();
    meta_dates.sort_by_key(|(r, _)| *r);
    // The page's own URL first (as htmldate does): a date in the path is
    // the publication day, where timestamps may be converted to another
    // time zone.
    let published = raw
        .url_date
        .clone()
        .or_else(|| raw.ld_date.clone())
        .or_else(|| {
            meta_dates
                .iter()
                .find(|(r, _)| *r < 4)
                .map(|(_, d)| d.clone())
        })
        .or_else(|| raw.time_dates.first().cloned())
        .or_else(|| raw.ld_other_date.clone())
        .or_else(|| {
            raw.canonical
                .as_deref()
                .or(raw.og_url.as_deref())
                .and_then(date_in_url)
        })
        .or_else(|| meta_dates.first().map(|(_, d)| d.clone()));

    let language = raw
        .html_lang
        .clone()
        .or(raw.http_lang.clone())
        .or(raw.ld_lang.clone())
        .or(raw.og_locale.clone())
        .map(|l| l.replace('_', "-"))
        .filter(|l| is_language_tag(l));

    Found {
        title,
        h1,
        authors,
        published,
        site_name,
        canonical: raw.canonical,
        og_url: raw.og_url,
        language,
        ld_body: raw.ld_body,
    }
}

/// A plausible BCP 47 tag: a 2–3 letter language, then short subtags (not a
/// charset name such as `utf-8`, which some pages put there).
fn is_language_tag(l: &str) -> bool {
    let mut parts = l.split('-');
    let primary = parts.next().unwrap_or("");
    (2..=3).contains(&primary.len())
        && primary.chars().all(|c| c.is_ascii_alphabetic())
        && !matches!(primary.to_ascii_lowercase().as_str(), "utf" | "iso" | "win")
        && parts.all(|p| (1..=8).contains(&p.len()) && p.chars().all(|c| c.is_ascii_alphanumeric()))
}

/// Removes a trailing or leading " | Site" from a title.
fn strip_site(title: &str, site: Option<&str>) -> String {
    const SEPS: &[&str] = &[
        " | ",
        " - ",
        " \u{2013} ",
        " \u{2014} ",
        " \u{b7} ",
        " :: ",
        " \u{bb} ",
        " // ",
    ];
    let title = collapse(title);
    for sep in SEPS {
        if let Some(pos) = title.rfind(sep) {
            let (head, tail) = (&title[..pos], &title[pos + sep.len()..]);
            let tail_is_site = site.is_some_and(|s| same_name(tail, s))
                || (tail.split_whitespace().count() <= 3
                    && head.split_whitespace().count() >= 4
                    && *sep != " - ");
            if tail_is_site && !head.trim().is_empty() {
                return head.trim().to_string();
            }
        }
        if let Some(pos) = title.find(sep) {
            let (head, tail) = (&title[..pos], &title[pos + sep.len()..]);
            if site.is_some_and(|s| same_name(head, s)) && !tail.trim().is_empty() {
                return tail.trim().to_string();
            }
        }
    }
    title
}

fn same_name(a: &str, b: &str) -> bool {
    let norm = |s: &str| {
        s.chars()
            .filter(|c| c.is_alphanumeric())
            .flat_map(char::to_lowercase)
            .collect::<String>()
    };
    let (a, b) = (norm(a), norm(b));
    !a.is_empty() && (a == b || a.contains(&b) && b.len() >= 4 || b.contains(&a) && a.len() >= 4)
}

/// Splits "A, B and C" into names.
fn split_authors(s: &str) -> Vec<String> {
    let s = collapse(s);
    let mut parts = vec![s];
    for sep in [
        " and ", " und ", " & ", ", ", "; ", " y ", " et ", " e ", " i ", " og ", " en ", " | ",
        " / ",
    ] {
        parts = parts
            .iter()
            .flat_map(|p| p.split(sep).map(str::to_string).collect::<Vec<_>>())
            .collect();
    }
    parts
}

/// A cleaned person name, or `None` when the string is not one.
pub(crate) fn clean_author(s: &str, site: Option<&str>) -> Option<String> {
    let mut name = collapse(s);
    let lower = name.to_lowercase();
    for prefix in [
        "written by ",
        "by ",
        "von ",
        "par ",
        "por ",
        "di ",
        "door ",
        "av ",
        "af ",
        "de ",
        "autor: ",
        "author: ",
        "text: ",
        "von: ",
    ] {
        if lower.starts_with(prefix) {
            name = name.get(prefix.len()..).unwrap_or("").trim().to_string();
            break;
        }
    }
    let name = name
        .trim_matches(|c: char| {
            c.is_whitespace() || matches!(c, ',' | '|' | '-' | ':' | '.' | '\u{b7}')
        })
        .to_string();
    if name.is_empty()
        || name.chars().count() > 50
        || name.contains('@')
        || name.contains("http")
        || name.contains('/')
        || name.chars().any(|c| c.is_ascii_digit())
    {
        return None;
    }
    let words: Vec<&str> = name.split_whitespace().collect();
    if words.len() > 5 || !name.chars().next().is_some_and(char::is_alphabetic) {
        return None;
    }
    let lower = name.to_lowercase();
    const BAD: &[&str] = &[
        "staff",
        "admin",
        "administrator",
        "editor",
        "editors",
        "redaktion",
        "editorial",
        "newsroom",
        "feed",
        "guest",
        "unknown",
        "anonymous",
        "team",
        "desk",
        "correspondent",
        "reporter",
        "reporters",
        "agency",
        "agencies",
        "dpa",
        "afp",
        "reuters",
        "ap",
        "apa",
        "sda",
        "kna",
        "epd",
        "press",
        "presse",
        "news",
        "nachrichten",
        "online",
        "media",
        "webmaster",
        "contributor",
        "contributors",
        "wire",
        "wires",
        "service",
        "services",
        "redacción",
        "rédaction",
        "redazione",
        "bureau",
        "author",
        "autor",
        "none",
        "null",
        "undefined",
    ];
    if words.iter().any(|w| {
        BAD.contains(
            &w.to_lowercase()
                .trim_matches(|c: char| !c.is_alphanumeric()),
        )
    }) {
        return None;
    }
    if site.is_some_and(|s| same_name(&lower, s)) {
        return None;
    }
    Some(name)
}

const MONTHS: &[(&str, u32)] = &[
    ("january", 1),
    ("february", 2),
    ("march", 3),
    ("april", 4),
    ("may", 5),
    ("june", 6),
    ("july", 7),
    ("august", 8),
    ("september", 9),
    ("october", 10),
    ("november", 11),
    ("december", 12),
    ("jan", 1),
    ("feb", 2),
    ("mar", 3),
    ("apr", 4),
    ("jun", 6),
    ("jul", 7),
    ("aug", 8),
    ("sep", 9),
    ("sept", 9),
    ("oct", 10),
    ("nov", 11),
    ("dec", 12),
];

/// Month names in German, French and Spanish (English is in [`MONTHS`]).
const MONTHS_OTHER: &[(&str, u32)] = &[
    ("januar", 1),
    ("jänner", 1),
    ("februar", 2),
    ("märz", 3),
    ("mai", 5),
    ("juni", 6),
    ("juli", 7),
    ("oktober", 10),
    ("dezember", 12),
    ("janvier", 1),
    ("février", 2),
    ("mars", 3),
    ("avril", 4),
    ("juin", 6),
    ("juillet", 7),
    ("août", 8),
    ("septembre", 9),
    ("octobre", 10),
    ("novembre", 11),
    ("décembre", 12),
    ("enero", 1),
    ("febrero", 2),
    ("marzo", 3),
    ("abril", 4),
    ("mayo", 5),
    ("junio", 6),
    ("julio", 7),
    ("agosto", 8),
    ("septiembre", 9),
    ("setiembre", 9),
    ("octubre", 10),
    ("noviembre", 11),
    ("diciembre", 12),
];

fn month_number(word: &str) -> Option<u32> {
    let w = word.trim_end_matches('.').to_lowercase();
    MONTHS
        .iter()
        .chain(MONTHS_OTHER)
        .find(|(n, _)| *n == w)
        .map(|(_, m)| *m)
}

/// The first date written in running text: `2020-05-12`, `12.05.2020`,
/// `12. Mai 2020`, `May 12, 2020`, `12 de mayo de 2020`.
pub(crate) fn date_in_text(text: &str) -> Option<String> {
    let words: Vec<&str> = text
        .split(|c: char| c.is_whitespace() || c == ',' || c == '|' || c == '(' || c == ')')
        .filter(|w| !w.is_empty() && *w != "de" && *w != "del")
        .take(400)
        .collect();
    let day = |w: &str| {
        digits(
            w.trim_end_matches('.')
                .trim_end_matches(|c: char| c.is_alphabetic()),
        )
        .filter(|d| (1..=31).contains(d))
    };
    let year = |w: &str| {
        digits(w.trim_end_matches(|c: char| !c.is_ascii_digit()))
            .filter(|y| (1990..=2100).contains(y))
    };
    for (i, w) in words.iter().enumerate() {
        let b = w.as_bytes();
        if b.len() >= 10
            && b.first().is_some_and(u8::is_ascii_digit)
            && (b.get(4) == Some(&b'-')
                || b.get(4) == Some(&b'/')
                || b.get(2) == Some(&b'.')
                || b.get(1) == Some(&b'.'))
        {
            if let Some(d) = normalize_date(
                w.get(..10.min(w.len()))?
                    .trim_end_matches(|c: char| !c.is_ascii_digit()),
            ) {
                return Some(d);
            }
        }
        if let Some(d) = (b.len() >= 8)
            .then(|| dotted(w).or_else(|| slashed(w)))
            .flatten()
        {
            return Some(d);
        }
        let Some(m) = month_number(w) else { continue };
        let prev = i.checked_sub(1).and_then(|j| words.get(j)).copied();
        let (next, next2) = (words.get(i + 1).copied(), words.get(i + 2).copied());
        if let (Some(d), Some(y)) = (prev.and_then(day), next.and_then(year)) {
            return ymd(y, m, d);
        }
        if let (Some(d), Some(y)) = (next.and_then(day), next2.and_then(year)) {
            return ymd(y, m, d);
        }
    }
    None
}

/// `DD.MM.YYYY` (or `D.M.YYYY`) at the start of a word.
fn dotted(w: &str) -> Option<String> {
    let mut parts = w.split('.');
    let (d, m, y) = (parts.next()?, parts.next()?, parts.next()?);
    let y = y.get(..4)?;
    if d.len() > 2 || m.len() > 2 {
        return None;
    }
    ymd(digits(y)?, digits(m)?, digits(d)?)
}

/// `DD/MM/YYYY` at the start of a word; `MM/DD/YYYY` only when the day
/// cannot be first (`05/28/2020`): day first is the reading of most of the
/// world, and of the pages this reader sees most.
fn slashed(w: &str) -> Option<String> {
    let mut parts = w.split('/');
    let (a, b, y) = (parts.next()?, parts.next()?, parts.next()?);
    let y = y.get(..4)?;
    if a.is_empty() || b.is_empty() || a.len() > 2 || b.len() > 2 {
        return None;
    }
    let (a, b, y) = (digits(a)?, digits(b)?, digits(y)?);
    if b > 12 {
        ymd(y, a, b)
    } else {
        ymd(y, b, a)
    }
}

fn digits(s: &str) -> Option<u32> {
    if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

fn ymd(y: u32, m: u32, d: u32) -> Option<String> {
    ((1990..=2100).contains(&y) && (1..=12).contains(&m) && (1..=31).contains(&d))
        .then(|| format!("{y:04}-{m:02}-{d:02}"))
}

/// Normalises a date string to ISO 8601 (`YYYY-MM-DD`, with the time and
/// offset when the input has them).
pub(crate) fn normalize_date(s: &str) -> Option<String> {
    let s = s.trim();
    let b = s.as_bytes();
    // YYYY-MM-DD or YYYY/MM/DD, optionally followed by a time.
    if b.len() >= 10 && b.get(4).is_some_and(|c| *c == b'-' || *c == b'/') && b.get(7) == b.get(4) {
        let date = ymd(
            digits(s.get(0..4)?)?,
            digits(s.get(5..7)?)?,
            digits(s.get(8..10)?)?,
        )?;
        let rest = s.get(10..).unwrap_or("");
        if let Some(t) = rest.strip_prefix('T').or_else(|| rest.strip_prefix(' ')) {
            if let Some(time) = iso_time(t) {
                return Some(format!("{date}T{time}"));
            }
        }
        return Some(date);
    }
    // YYYYMMDD
    if b.len() >= 8
        && s.get(0..8)
            .is_some_and(|x| x.bytes().all(|c| c.is_ascii_digit()))
        && !b.get(8).is_some_and(u8::is_ascii_digit)
    {
        return ymd(
            digits(s.get(0..4)?)?,
            digits(s.get(4..6)?)?,
            digits(s.get(6..8)?)?,
        );
    }
    // DD.MM.YYYY, or DD-MM-YYYY (`06-08-2009T14:12:32+0200`)
    let first = s.split_whitespace().next().unwrap_or("");
    let sep = if first.get(2..3) == Some("-") || first.get(1..2) == Some("-") {
        '-'
    } else {
        '.'
    };
    let dotted: Vec<&str> = first.split(sep).collect();
    if let [d, m, y, ..] = dotted.as_slice() {
        if let (Some(d), Some(m), Some(y)) =
            (digits(d), digits(m), digits(y.get(0..4).unwrap_or("")))
        {
            return ymd(y, m, d);
        }
    }
    // "Tue, 12 May 2020 10:00:00 GMT", "May 12, 2020", "12 May 2020".
    let words: Vec<String> = s
        .split(|c: char| c.is_whitespace() || c == ',')
        .filter(|w| !w.is_empty())
        .map(|w| w.trim_end_matches('.').to_lowercase())
        .collect();
    let month_at = words
        .iter()
        .position(|w| MONTHS.iter().any(|(n, _)| n == w))?;
    let month = MONTHS
        .iter()
        .find(|(n, _)| words.get(month_at).is_some_and(|w| w == n))?
        .1;
    let year = words
        .iter()
        .find_map(|w| digits(w).filter(|y| (1990..=2100).contains(y)))?;
    let day = words
        .get(month_at + 1)
        .and_then(|w| digits(w.trim_end_matches(|c: char| c.is_alphabetic())))
        .filter(|d| (1..=31).contains(d))
        .or_else(|| {
            month_at
                .checked_sub(1)
                .and_then(|i| words.get(i))
                .and_then(|w| digits(w.trim_end_matches(|c: char| c.is_alphabetic())))
                .filter(|d| (1..=31).contains(d))
        })?;
    ymd(year, month, day)
}

/// `HH:MM[:SS[.frac]][Z|±HH[:]MM]` → ISO form, or `None`.
fn iso_time(t: &str) -> Option<String> {
    let hh = digits(t.get(0..2)?)?;
    if t.get(2..3)? != ":" {
        return None;
    }
    let mm = digits(t.get(3..5)?)?;
    if hh > 23 || mm > 59 {
        return None;
    }
    let mut out = format!("{hh:02}:{mm:02}");
    let mut rest = t.get(5..).unwrap_or("");
    if let Some(r) = rest.strip_prefix(':') {
        let ss = digits(r.get(0..2)?)?;
        out.push_str(&format!(":{ss:02}"));
        rest = r.get(2..).unwrap_or("");
        if let Some(frac) = rest.strip_prefix('.') {
            let n = frac.bytes().take_while(u8::is_ascii_digit).count();
            rest = frac.get(n..).unwrap_or("");
        }
    }
    let rest = rest.trim();
    if rest == "Z" || rest.eq_ignore_ascii_case("utc") || rest.eq_ignore_ascii_case("gmt") {
        out.push('Z');
    } else if let Some(sign) = rest.chars().next().filter(|c| *c == '+' || *c == '-') {
        let off: String = rest
            .get(1..)?
            .chars()
            .filter(char::is_ascii_digit)
            .collect();
        if off.len() == 4 {
            out.push_str(&format!("{sign}{}:{}", off.get(0..2)?, off.get(2..4)?));
        } else if off.len() == 2 {
            out.push_str(&format!("{sign}{off}:00"));
        }
    }
    Some(out)
}

/// A date written in a URL path: `/2020/05/12/`, `/2020-05-12` or
/// `/20200512`.
fn date_in_url(url: &str) -> Option<String> {
    let parts: Vec<&str> = url.split(['/', '?', '#']).collect();
    for w in parts.windows(3) {
        if let [y, m, d] = w {
            if y.len() == 4 && m.len() <= 2 && (1..=2).contains(&d.len()) {
                if let (Some(y), Some(m), Some(d)) = (digits(y), digits(m), digits(d)) {
                    if let Some(date) = ymd(y, m, d) {
                        return Some(date);
                    }
                }
            }
        }
    }
    parts
        .iter()
        .find_map(|p| {
            let p = p.get(0..10)?;
            (p.as_bytes().get(4) == Some(&b'-') && p.as_bytes().get(7) == Some(&b'-'))
                .then(|| normalize_date(p))
                .flatten()
        })
        .or_else(|| {
            // `/news/20200413/story`, `/20030331_Rede2.html`
            parts.iter().find_map(|p| {
                let b = p.as_bytes();
                (b.len() >= 8
                    && b.iter().take(8).all(u8::is_ascii_digit)
                    && !b.get(8).is_some_and(u8::is_ascii_digit))
                .then(|| normalize_date(p))
                .flatten()
            })
        })
}

/// Where the text says the article first appeared.
pub(crate) fn original_source(text: &str) -> Option<String> {
    const PHRASES: &[&str] = &[
        "the original source of this article is ",
        "this article originally appeared on ",
        "this article originally appeared in ",
        "this article originally appeared at ",
        "this article was originally published on ",
        "this article was originally published in ",
        "this article was originally published by ",
        "this article was originally published at ",
        "originally appeared on ",
        "originally appeared in ",
        "originally appeared at ",
        "originally published on ",
        "originally published in ",
        "originally published at ",
        "originally published by ",
        "first appeared on ",
        "first appeared in ",
        "first published on ",
        "first published in ",
        "first published by ",
        "republished with permission from ",
        "reprinted with permission from ",
        "republished from ",
        "reprinted from ",
        "cross-posted from ",
        "crossposted from ",
    ];
    let lower = text.to_ascii_lowercase();
    for phrase in PHRASES {
        let mut from = 0;
        while let Some(pos) = lower.get(from..).and_then(|l| l.find(phrase)) {
            let start = from + pos + phrase.len();
            from = start;
            let Some(rest) = text.get(start..) else { break };
            if let Some(name) = outlet_name(rest) {
                return Some(name);
            }
        }
    }
    None
}

fn outlet_name(rest: &str) -> Option<String> {
    let mut end = rest.len();
    for (i, c) in rest.char_indices() {
        let next = rest.get(i + c.len_utf8()..).and_then(|r| r.chars().next());
        if matches!(c, '\n' | '|' | '(' | ';' | '[' | '<' | '\u{a9}')
            || ((c == '.' || c == ',' || c == ':') && next.is_none_or(char::is_whitespace))
        {
            end = i;
            break;
        }
    }
    let name = collapse(rest.get(..end)?);
    let name = name
        .trim_matches(|c: char| matches!(c, '"' | '\'' | '\u{201c}' | '\u{201d}' | '*' | ' '))
        .to_string();
    let first = name.split_whitespace().next()?.to_lowercase();
    if name.is_empty()
        || name.split_whitespace().count() > 8
        || first.chars().next().is_some_and(|c| c.is_ascii_digit())
        || MONTHS.iter().any(|(m, _)| *m == first)
        || matches!(first.as_str(), "this" | "our" | "the" if name.split_whitespace().count() == 1)
    {
        return None;
    }
    Some(name)
}

/// The host of a URL, without `www.`.
pub(crate) fn host(url: &str) -> Option<&str> {
    let rest = url
        .split_once("://")
        .map(|(_, r)| r)
        .or_else(|| url.strip_prefix("//"))?;
    let host = rest.split(['/', '?', '#']).next()?;
    let host = host.rsplit('@').next()?.split(':').next()?;
    let host = host.strip_prefix("www.").unwrap_or(host);
    (!host.is_empty()).then_some(host)
}

/// Resolves `href` against `base` (scheme-relative, root-relative and
/// path-relative forms); absolute URLs and unresolvable ones are returned as is.
pub(crate) fn resolve_url(base: Option<&str>, href: &str) -> String {
    let href = href.trim();
    let Some(base) = base.filter(|b| b.contains("://")) else {
        return href.to_string();
    };
    if href.contains("://")
        || href.starts_with("mailto:")
        || href.starts_with("tel:")
        || href.starts_with('#')
        || href.is_empty()
    {
        return href.to_string();
    }
    let Some((scheme, rest)) = base.split_once("://") else {
        return href.to_string();
    };
    if let Some(r) = href.strip_prefix("//") {
        return format!("{scheme}://{r}");
    }
    let authority = rest.split(['/', '?', '#']).next().unwrap_or(rest);
    if href.starts_with('/') {
        return format!("{scheme}://{authority}{href}");
    }
    let path = rest
        .get(authority.len()..)
        .unwrap_or("")
        .split(['?', '#'])
        .next()
        .unwrap_or("");
    let dir = path.rfind('/').map_or("/", |i| &path[..=i]);
    format!("{scheme}://{authority}{dir}{href}")
}

#[cfg(test)]
mod tests {
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
    fn authors_are_validated() {
        for bad in [
            "Staff",
            "admin",
            "Watermark Feed",
            "news@example.com",
            "https://x.y/z",
            "AP",
            "Redaktion",
            "12 Jan 2020",
        ] {
            assert_eq!(clean_author(bad, None), None, "{bad}");
        }
        assert_eq!(
            clean_author("By Jane Doe", None).as_deref(),
            Some("Jane Doe")
        );
        assert_eq!(clean_author("Example News", Some("Example News")), None);
    }

    #[test]
    fn dates_normalise() {
        assert_eq!(
            normalize_date("2020-05-12T10:00:00.000Z").as_deref(),
            Some("2020-05-12T10:00:00Z")
        );
        assert_eq!(
            normalize_date("2020-05-12 10:00").as_deref(),
            Some("2020-05-12T10:00")
        );
        assert_eq!(normalize_date("2020/05/12").as_deref(), Some("2020-05-12"));
        assert_eq!(normalize_date("20200512").as_deref(), Some("2020-05-12"));
        assert_eq!(normalize_date("12.05.2020").as_deref(), Some("2020-05-12"));
        assert_eq!(
            normalize_date("Tue, 12 May 2020 10:00:00 GMT").as_deref(),
            Some("2020-05-12")
        );
        assert_eq!(
            normalize_date("May 12th, 2020").as_deref(),
            Some("2020-05-12")
        );
        assert_eq!(normalize_date("2020-13-40"), None);
        assert_eq!(normalize_date("soon"), None);
        assert_eq!(
            date_in_url("https://x.com/2019/02/03/story").as_deref(),
            Some("2019-02-03")
        );
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
        let html =
            Html::parse_document(r#"<article><time datetime="2020-02-18">x</time></article>"#);
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

    #[test]
    fn slashed_dates_read_day_first_unless_impossible() {
        assert_eq!(
            date_in_text("17/03/2020 - 04:30 - Fonte: Agência Brasil").as_deref(),
            Some("2020-03-17")
        );
        assert_eq!(
            date_in_text("Posted 05/28/2020").as_deref(),
            Some("2020-05-28")
        );
        assert_eq!(date_in_text("03/04/2020").as_deref(), Some("2020-04-03"));
        assert_eq!(
            date_in_text("Datum: 2020/03/04 16:52").as_deref(),
            Some("2020-03-04")
        );
        assert_eq!(date_in_text("1/2 cup of sugar"), None);
    }

    #[test]
    fn dates_in_running_text() {
        assert_eq!(
            date_in_text("Von Anna Muster | 12. Mai 2020, 10:14 Uhr").as_deref(),
            Some("2020-05-12")
        );
        assert_eq!(
            date_in_text("Posted on March 3, 2019 by admin").as_deref(),
            Some("2019-03-03")
        );
        assert_eq!(
            date_in_text("Publié le 7 juillet 2021").as_deref(),
            Some("2021-07-07")
        );
        assert_eq!(
            date_in_text("12 de mayo de 2020").as_deref(),
            Some("2020-05-12")
        );
        assert_eq!(
            date_in_text("Stand: 03.11.2022 17:00").as_deref(),
            Some("2022-11-03")
        );
        assert_eq!(
            date_in_text("2021-04-05T10:00").as_deref(),
            Some("2021-04-05")
        );
        assert_eq!(date_in_text("May the force be with you, 42 times"), None);
    }

    #[test]
    fn original_source_phrases() {
        assert_eq!(
            original_source(
                "Text.\nThe original source of this article is Global Research\nCopyright"
            )
            .as_deref(),
            Some("Global Research")
        );
        assert_eq!(
            original_source("This article originally appeared on Antiwar.com. Read more.")
                .as_deref(),
            Some("Antiwar.com")
        );
        assert_eq!(
            original_source("It was originally published on May 3, 2020.").as_deref(),
            None
        );
        assert_eq!(original_source("Nothing here").as_deref(), None);
    }

    #[test]
    fn urls_resolve() {
        assert_eq!(
            resolve_url(Some("https://a.com/x/y.html"), "/z"),
            "https://a.com/z"
        );
        assert_eq!(
            resolve_url(Some("https://a.com/x/y.html"), "z"),
            "https://a.com/x/z"
        );
        assert_eq!(
            resolve_url(Some("https://a.com/x/y.html"), "//b.com/q"),
            "https://b.com/q"
        );
        assert_eq!(resolve_url(None, "/z"), "/z");
        assert_eq!(host("https://www.a.com:80/x"), Some("a.com"));
    }
}
