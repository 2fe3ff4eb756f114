//! Known hosts (news sites, blogs, agencies) and what a link's host says
//! about its source.

use crate::text::lexicon::word_list;
use crate::SourceKind;
use std::sync::LazyLock;

/// Known hosts (news sites, blogs, agencies, think tanks, governments) with
/// the name and kind of source they stand for, from `data/sources/known_hosts.tsv`.
pub(super) static KNOWN_HOSTS: LazyLock<Vec<(&'static str, &'static str, SourceKind)>> =
    LazyLock::new(|| {
        crate::text::lexicon::entries(include_str!(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/data/sources/known_hosts.tsv"
        )))
        .into_iter()
        .filter_map(|line| {
            let mut fields = line.split('\t');
            let (host, name, kind) = (fields.next()?, fields.next()?, fields.next()?);
            let kind = match kind {
                "news_outlet" => SourceKind::NewsOutlet,
                "blog" => SourceKind::Blog,
                "think_tank" => SourceKind::ThinkTank,
                "government" => SourceKind::Government,
                "organisation" => SourceKind::Organisation,
                _ => return None,
            };
            Some((host, name, kind))
        })
        .collect()
    });

pub(super) static BLOG_PLATFORMS: LazyLock<Vec<&'static str>> =
    word_list!("sources/blog_platforms.txt");

/// The host of an absolute URL, without "www.".
pub(super) fn url_host(url: &str) -> Option<String> {
    // Scheme-relative links ("//host/x") are read as https.
    let absolute;
    let url = match url.strip_prefix("//") {
        Some(rest) => {
            absolute = format!("https://{rest}");
            absolute.as_str()
        }
        None => url,
    };
    let parsed = url::Url::parse(url).ok()?;
    if !matches!(parsed.scheme(), "http" | "https") {
        return None;
    }
    let host = parsed.host_str()?;
    let host = host.strip_prefix("www.").unwrap_or(host);
    (!host.is_empty() && host.contains('.')).then(|| host.to_string())
}

/// A name and kind for a link's host.
pub(super) fn host_source(host: &str) -> Option<(String, SourceKind)> {
    let suffix_of = |h: &str, d: &str| h == d || h.ends_with(&format!(".{d}"));
    for (d, name, kind) in KNOWN_HOSTS.iter() {
        if suffix_of(host, d) {
            return Some((name.to_string(), *kind));
        }
    }
    if BLOG_PLATFORMS.iter().any(|d| suffix_of(host, d)) {
        return Some((host.to_string(), SourceKind::Blog));
    }
    if host.ends_with(".gov") || host.ends_with(".mil") || host.contains(".gov.") {
        return Some((host.to_string(), SourceKind::Government));
    }
    if host.ends_with(".edu") || host.contains(".ac.") {
        return Some((host.to_string(), SourceKind::Organisation));
    }
    None
}
