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

use super::dates::{date_in_text, date_in_url, normalize_date};
use super::names::{clean_author, collapse, split_authors, strip_site};

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
    /// The JSON-LD `articleBody` of the article, paragraphs one per line (or,
    /// set by the reader, the article HTML a client-rendered page keeps in a
    /// script, as text).
    pub ld_body: Option<String>,
    /// A date in the path of the page's lead image (`og:image`,
    /// `/uploads/2020/10/13/…`): the upload day, a last resort for
    /// [`Found::published`] after the dates written near the article.
    pub image_date: Option<String>,
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
    /// `dc:date` of a trackback RDF block in a comment (old blog engines
    /// describe the post there: `<!-- <rdf:RDF …> dc:date="…" -->`).
    rdf_date: Option<String>,
    image_date: Option<String>,
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
        let el = match node.value() {
            Node::Element(el) => el,
            Node::Comment(c) => {
                if raw.rdf_date.is_none() {
                    raw.rdf_date = rdf_date(c);
                }
                continue;
            }
            _ => continue,
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
        "og:image" | "twitter:image" | "twitter:image:src" => {
            if raw.image_date.is_none() {
                raw.image_date = date_in_url(&value);
            }
            return;
        }
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
        .or_else(|| raw.rdf_date.clone())
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
        image_date: raw.image_date,
    }
}

/// The `dc:date` of an RDF description in an HTML comment.
fn rdf_date(comment: &str) -> Option<String> {
    if !comment.contains("rdf:RDF") {
        return None;
    }
    let at = comment.find("dc:date=")? + "dc:date=".len();
    let rest = comment.get(at..)?;
    let quote = rest.chars().next().filter(|c| matches!(c, '"' | '\''))?;
    let value = rest.get(1..)?.split(quote).next()?;
    normalize_date(value)
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

#[cfg(test)]
mod tests;
