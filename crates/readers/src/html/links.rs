//! URLs found in a page: links resolved against the page's address and the
//! host a URL names, both with the [`url`] crate (the WHATWG URL standard,
//! as browsers do it) instead of string splitting.

use url::Url;

/// The host of an absolute or scheme-relative (`//host/x`) URL, lower-cased,
/// without a port, user information or a leading `www.`; `None` when `url`
/// does not parse or names no host. Internationalised names come back in
/// their ASCII (punycode) form.
pub(crate) fn host(url: &str) -> Option<String> {
    let url = url.trim();
    let parsed = match url.strip_prefix("//") {
        Some(rest) => Url::parse(&format!("https://{rest}")),
        None => Url::parse(url),
    }
    .ok()?;
    let host = parsed.host_str()?;
    let host = host.strip_prefix("www.").unwrap_or(host);
    (!host.is_empty()).then(|| host.to_string())
}

/// Resolves the link `href` against the page address `base`.
///
/// Relative forms (`z`, `../z`, `/z`, `//host/z`, `?q`) are resolved as a
/// browser would. Left as written (trimmed): absolute URLs (any scheme:
/// `https:`, `mailto:`, `tel:`, …), in-page anchors (`#frag`), empty links,
/// links that do not parse, and every link when `base` is absent or is not an
/// absolute URL that can serve as a base.
pub(crate) fn resolve_url(base: Option<&str>, href: &str) -> String {
    let href = href.trim();
    if href.is_empty() || href.starts_with('#') || Url::parse(href).is_ok() {
        return href.to_string();
    }
    let Some(base) = base
        .and_then(|b| Url::parse(b.trim()).ok())
        .filter(|b| !b.cannot_be_a_base())
    else {
        return href.to_string();
    };
    base.join(href)
        .map_or_else(|_| href.to_string(), String::from)
}

#[cfg(test)]
mod tests {
    use super::*;

    const PAGE: &str = "https://a.com/x/y.html?p=1#top";

    #[test]
    fn relative_links_resolve_against_the_page() {
        for (href, expected) in [
            ("/z", "https://a.com/z"),
            ("z", "https://a.com/x/z"),
            ("./z", "https://a.com/x/z"),
            ("../z", "https://a.com/z"),
            ("../../../z", "https://a.com/z"),
            ("//b.com/q", "https://b.com/q"),
            ("?q=2", "https://a.com/x/y.html?q=2"),
            ("z?q=a b", "https://a.com/x/z?q=a%20b"),
            ("  z  ", "https://a.com/x/z"),
        ] {
            assert_eq!(resolve_url(Some(PAGE), href), expected, "{href}");
        }
    }

    #[test]
    fn absolute_anchor_empty_and_unparsable_links_stay_as_written() {
        for href in [
            "https://c.com/Path?x#y",
            "HTTP://C.COM",
            "mailto:a@b.c",
            "tel:+123",
            "javascript:void(0)",
            "#frag",
            "",
            "http://[bad",
        ] {
            assert_eq!(resolve_url(Some(PAGE), href), href, "{href}");
        }
    }

    #[test]
    fn without_a_usable_base_links_stay_as_written() {
        for base in [
            None,
            Some("not a url"),
            Some("a.com/x/"),
            Some("mailto:a@b.c"),
            Some(""),
        ] {
            assert_eq!(resolve_url(base, "../z"), "../z", "{base:?}");
            assert_eq!(resolve_url(base, "/z"), "/z", "{base:?}");
        }
    }

    #[test]
    fn hosts_lose_www_port_and_user() {
        assert_eq!(host("https://www.a.com:80/x").as_deref(), Some("a.com"));
        assert_eq!(
            host("https://user:pw@News.Example.org/x?y").as_deref(),
            Some("news.example.org")
        );
        assert_eq!(host("//www.b.com/q").as_deref(), Some("b.com"));
        assert_eq!(host("http://[::1]:8080/").as_deref(), Some("[::1]"));
        assert_eq!(host("/relative/path"), None);
        assert_eq!(host("mailto:a@b.c"), None);
        assert_eq!(host("not a url"), None);
    }
}
