//! The lines around the article: the title, header lines after it (byline,
//! dateline and outlet, tag lines) with the dates they carry, and the footer
//! (where it starts, and the metadata it states).

use std::ops::Range;

use unspin_document::{attrs, Metadata};

use crate::MAX_TITLE_CHARS;

use super::blocks::{Block, Kind};

/// The longest line taken for a byline, dateline or tag line, in bytes.
const MAX_META_LINE: usize = 200;

pub(super) fn find_title(blocks: &[Block]) -> Option<usize> {
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
pub(super) enum HeaderMeta {
    Authors(Vec<String>),
    Date(String, Option<String>),
    Tags,
}

pub(super) struct HeaderLine {
    pub(super) range: Range<usize>,
    pub(super) label: &'static str,
    pub(super) attrs: Vec<(&'static str, serde_json::Value)>,
    pub(super) found: Vec<HeaderMeta>,
}

/// A header line: a byline, a dateline or a tag line, whole or as
/// `|`-separated segments.
pub(super) fn classify_header_line(
    block: &Block,
    range: Range<usize>,
    line: &str,
) -> Option<HeaderLine> {
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
            attrs.push((attrs::TAG_FIELD.name(), serde_json::Value::from(field)));
            attrs.push((attrs::TAG_VALUES.name(), serde_json::Value::from(values)));
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
pub(super) fn byline(line: &str) -> Option<Vec<String>> {
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
pub(super) fn dateline(line: &str) -> Option<(String, Option<String>)> {
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

pub(super) fn find_footer(blocks: &[Block], body_start: usize) -> Option<usize> {
    let from = (blocks.len() / 2).max(body_start + 1);
    (from..blocks.len()).find(|&i| blocks[i].lines().any(|(_, l)| is_footer_line(l)))
}

pub(super) fn footer_metadata(blocks: &[Block], meta: &mut Metadata) {
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
}
