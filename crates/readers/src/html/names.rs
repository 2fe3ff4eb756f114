//! Names in page metadata: people (bylines, validated so that no author is
//! better than a wrong one), the site's name around a title, and the outlet
//! a text says the article first appeared in.

use super::dates::MONTHS;

/// Collapses whitespace runs to one space and trims.
pub(crate) fn collapse(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Removes a trailing or leading " | Site" from a title.
pub(crate) fn strip_site(title: &str, site: Option<&str>) -> String {
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
pub(crate) fn split_authors(s: &str) -> Vec<String> {
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
        // memchr's SIMD search: the same first match as `str::find`, and
        // this runs 26 times over a page's text.
        while let Some(pos) = lower
            .get(from..)
            .and_then(|l| memchr::memmem::find(l.as_bytes(), phrase.as_bytes()))
        {
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

#[cfg(test)]
mod tests {
    use super::*;

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
}
