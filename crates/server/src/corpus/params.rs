//! Query-string parameters of the corpus API: parsed by hand (parameters
//! such as `technique` repeat), each problem a `400` naming the parameter.

use unspin_corpus::{GroupBy, StatsQuery};

use crate::error::ApiError;

/// Default of `per_page`.
pub const DEFAULT_PER_PAGE: usize = 50;
/// Largest `per_page`.
pub const MAX_PER_PAGE: usize = 500;
/// Deepest row a paginated search may reach (`page × per_page`): a search
/// makes a snippet for every hit before the page it returns.
pub const MAX_SEARCH_DEPTH: usize = 10_000;

/// The parameters of one request, in order, percent-decoded.
#[derive(Debug, Default)]
pub(crate) struct Params {
    pairs: Vec<(String, String)>,
}

/// A `400 invalid_request` naming `name`.
pub(crate) fn bad(name: &str, why: impl std::fmt::Display) -> ApiError {
    ApiError::InvalidRequest(format!("parameter \"{name}\": {why}"))
}

/// A client value quoted in a message: at most 100 characters.
fn quote(s: &str) -> String {
    let mut out: String = s.chars().take(100).collect();
    if out.len() < s.len() {
        out.push('…');
    }
    format!("{out:?}")
}

impl Params {
    /// Parses a raw query string, refusing names not in `known`.
    pub(crate) fn parse(raw: Option<&str>, known: &[&str]) -> Result<Params, ApiError> {
        let mut pairs = Vec::new();
        for part in raw.unwrap_or_default().split('&').filter(|p| !p.is_empty()) {
            let (k, v) = part.split_once('=').unwrap_or((part, ""));
            let k = decode(k).ok_or_else(|| bad(k, "is not valid percent-encoded UTF-8"))?;
            let v = decode(v).ok_or_else(|| bad(&k, "is not valid percent-encoded UTF-8"))?;
            if !known.contains(&k.as_str()) {
                return Err(bad(
                    &k.chars().take(100).collect::<String>(),
                    format!(
                        "unknown parameter; this endpoint takes: {}",
                        known.join(", ")
                    ),
                ));
            }
            pairs.push((k, v));
        }
        Ok(Params { pairs })
    }

    /// Every value of `name` (empty values dropped).
    pub(crate) fn all(&self, name: &str) -> Vec<String> {
        self.pairs
            .iter()
            .filter(|(k, v)| k == name && !v.trim().is_empty())
            .map(|(_, v)| v.trim().to_string())
            .collect()
    }

    /// The one value of `name`; given twice is an error.
    pub(crate) fn one(&self, name: &str) -> Result<Option<String>, ApiError> {
        let mut values = self.all(name);
        match values.len() {
            0 => Ok(None),
            1 => Ok(values.pop()),
            _ => Err(bad(name, "given more than once")),
        }
    }

    /// An integer in `min..=max`, or `default`.
    pub(crate) fn int(
        &self,
        name: &str,
        default: u64,
        min: u64,
        max: u64,
    ) -> Result<u64, ApiError> {
        match self.one(name)? {
            None => Ok(default),
            Some(v) => match v.parse::<u64>() {
                Ok(n) if (min..=max).contains(&n) => Ok(n),
                _ => Err(bad(
                    name,
                    format!(
                        "expected a whole number from {min} to {max}, got {}",
                        quote(&v)
                    ),
                )),
            },
        }
    }

    /// A number in `[0, 1]`, or `default`.
    pub(crate) fn fraction(&self, name: &str, default: f64) -> Result<f64, ApiError> {
        match self.one(name)? {
            None => Ok(default),
            Some(v) => match v.parse::<f64>() {
                Ok(x) if (0.0..=1.0).contains(&x) => Ok(x),
                _ => Err(bad(
                    name,
                    format!("expected a number from 0 to 1, got {}", quote(&v)),
                )),
            },
        }
    }

    /// `true`/`false` (also `1`/`0`), or `default`.
    pub(crate) fn flag(&self, name: &str, default: bool) -> Result<bool, ApiError> {
        match self.one(name)?.as_deref() {
            None => Ok(default),
            Some("true" | "1") => Ok(true),
            Some("false" | "0") => Ok(false),
            Some(v) => Err(bad(
                name,
                format!("expected true or false, got {}", quote(v)),
            )),
        }
    }

    /// One of `choices`, or `default`.
    pub(crate) fn choice(
        &self,
        name: &str,
        choices: &[&'static str],
        default: &'static str,
    ) -> Result<&'static str, ApiError> {
        match self.one(name)? {
            None => Ok(default),
            Some(v) => choices.iter().copied().find(|c| *c == v).ok_or_else(|| {
                bad(
                    name,
                    format!("expected one of {}, got {}", choices.join(", "), quote(&v)),
                )
            }),
        }
    }

    /// `page` (from 1) and `per_page` (1 to [`MAX_PER_PAGE`]).
    pub(crate) fn page(&self) -> Result<Page, ApiError> {
        let page = self.int("page", 1, 1, 1_000_000)? as usize;
        let per_page =
            self.int("per_page", DEFAULT_PER_PAGE as u64, 1, MAX_PER_PAGE as u64)? as usize;
        Ok(Page { page, per_page })
    }

    /// The `technique` values, each an exact PTC label.
    pub(crate) fn techniques(&self) -> Result<Vec<String>, ApiError> {
        let all = self.all("technique");
        for t in &all {
            if !unspin_taxonomy::TECHNIQUES
                .iter()
                .any(|x| x.label == t.as_str())
            {
                let labels: Vec<&str> = unspin_taxonomy::TECHNIQUES
                    .iter()
                    .map(|x| x.label)
                    .collect();
                return Err(bad(
                    "technique",
                    format!(
                        "unknown technique {}; the labels are: {}",
                        quote(t),
                        labels.join("; ")
                    ),
                ));
            }
        }
        Ok(all)
    }

    /// `since` and `until` as days (`YYYY-MM-DD`; a month `YYYY-MM` is its
    /// first / last day), checked as the statistics check them.
    pub(crate) fn dates(&self) -> Result<Dates, ApiError> {
        let since = self.one("since")?;
        let until = self.one("until")?;
        let mut q = StatsQuery::new(GroupBy::Month);
        if let Some(s) = &since {
            q = q.since(s).map_err(|e| bad("since", e))?;
        }
        if let Some(u) = &until {
            q.until(u).map_err(|e| bad("until", e))?;
        }
        let day = |d: &Option<String>, last: bool| {
            d.as_ref().map(|d| {
                if d.len() == 7 {
                    format!("{d}-{}", if last { "31" } else { "01" })
                } else {
                    d.clone()
                }
            })
        };
        Ok(Dates {
            since_day: day(&since, false),
            until_day: day(&until, true),
            since,
            until,
        })
    }
}

/// `since` / `until` as given and as days.
#[derive(Debug, Clone, Default)]
pub(crate) struct Dates {
    /// As given (for the statistics, which read months themselves).
    pub since: Option<String>,
    /// As given.
    pub until: Option<String>,
    /// The first day, `YYYY-MM-DD`.
    pub since_day: Option<String>,
    /// The last day, `YYYY-MM-DD` (a month's is `YYYY-MM-31`, which sorts
    /// after every real day of it).
    pub until_day: Option<String>,
}

impl Dates {
    /// Applies the dates to a statistics query.
    pub(crate) fn apply(&self, mut q: StatsQuery) -> Result<StatsQuery, ApiError> {
        if let Some(s) = &self.since {
            q = q.since(s).map_err(|e| bad("since", e))?;
        }
        if let Some(u) = &self.until {
            q = q.until(u).map_err(|e| bad("until", e))?;
        }
        Ok(q)
    }
}

/// A page of a list.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Page {
    /// From 1.
    pub page: usize,
    /// Items per page.
    pub per_page: usize,
}

impl Page {
    /// Index of the first item.
    pub(crate) fn offset(&self) -> usize {
        (self.page - 1).saturating_mul(self.per_page)
    }

    /// The items of this page.
    pub(crate) fn slice<T>(&self, items: Vec<T>) -> Vec<T> {
        items
            .into_iter()
            .skip(self.offset())
            .take(self.per_page)
            .collect()
    }

    /// For a search: the hits to ask for, at most [`MAX_SEARCH_DEPTH`].
    pub(crate) fn search_limit(&self) -> Result<usize, ApiError> {
        let end = self.offset().saturating_add(self.per_page);
        if end > MAX_SEARCH_DEPTH {
            return Err(bad(
                "page",
                format!(
                    "pages reach at most hit {MAX_SEARCH_DEPTH}; narrow the query or use \
                     /api/corpus/export"
                ),
            ));
        }
        Ok(end)
    }
}

/// Percent-decodes a query component (`+` is a space).
fn decode(s: &str) -> Option<String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' => {
                let hex = s.get(i + 1..i + 3)?;
                out.push(u8::from_str_radix(hex, 16).ok()?);
                i += 2;
            }
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8(out).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decoding() {
        assert_eq!(decode("a%20b+c").as_deref(), Some("a b c"));
        assert_eq!(
            decode("Name_Calling%2CLabeling").as_deref(),
            Some("Name_Calling,Labeling")
        );
        assert_eq!(decode("%zz"), None);
        assert_eq!(decode("%e9"), None);
    }

    #[test]
    fn repeated_and_unknown() {
        let p = Params::parse(
            Some("technique=Doubt&technique=Slogans&page=2"),
            &["technique", "page"],
        );
        let p = p.ok().unwrap_or_default();
        assert_eq!(p.all("technique").len(), 2);
        assert!(p.one("technique").is_err());
        assert!(Params::parse(Some("x=1"), &["page"]).is_err());
    }
}
