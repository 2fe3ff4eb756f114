//! Which member of a cluster of copies is the origin, and why.
//!
//! In order: an explicit pointer ("originally published at X", a `Source:`
//! line or a canonical link) from one member to another; then the earliest
//! publication date; then the member whose text contains the others'
//! (when one clearly does); else the article stored first.

use serde::Serialize;

/// What the origin decision rests on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Basis {
    /// Another member names it as the original source, or links to it as canonical.
    OriginalSource,
    /// It was published first.
    Date,
    /// Its text contains the others' clearly more than any other member's
    /// does (by [`CONTAINMENT_MARGIN`]).
    Containment,
    /// Nothing above decided (identical or equally edited texts, no dates):
    /// the article stored first in the corpus (or given first).
    FirstStored,
}

/// How much more (as a mean share of the other members' bodies) the origin
/// chosen by containment must contain than the runner-up.
pub const CONTAINMENT_MARGIN: f64 = 0.1;

impl Basis {
    /// The name used in output (`original_source`, `date`, `containment`).
    pub fn as_str(self) -> &'static str {
        match self {
            Basis::OriginalSource => "original_source",
            Basis::Date => "date",
            Basis::Containment => "containment",
            Basis::FirstStored => "first_stored",
        }
    }
}

/// What the origin decision reads of one member.
#[derive(Debug, Clone, Default)]
pub struct Member {
    /// The article's id.
    pub id: i64,
    /// Where it was read from (web URL, when there is one).
    pub url: Option<String>,
    /// The canonical URL it declares.
    pub canonical_url: Option<String>,
    /// The outlet that published it.
    pub outlet: Option<String>,
    /// The outlet or URL it names as its original source.
    pub original_source: Option<String>,
    /// Publication date, ISO 8601 (only the date part is compared).
    pub published: Option<String>,
}

/// Picks the origin among `members` (at least one); `contains(x, y)` is the
/// share of member `x`'s body found in member `y`'s. Returns the origin's
/// index and the basis of the decision.
pub fn choose_origin(members: &[Member], contains: &dyn Fn(usize, usize) -> f64) -> (usize, Basis) {
    if members.len() < 2 {
        return (0, Basis::Containment);
    }
    // 1. Pointers from one member to another.
    let mut votes = vec![0usize; members.len()];
    for (x, m) in members.iter().enumerate() {
        for (y, target) in members.iter().enumerate() {
            if x != y && points_to(m, target) {
                votes[y] += 1;
            }
        }
    }
    if let Some(best) = votes.iter().copied().max().filter(|&v| v > 0) {
        let pick = (0..members.len())
            .filter(|&i| votes[i] == best)
            .min_by(|&a, &b| {
                date_key(&members[a])
                    .cmp(&date_key(&members[b]))
                    .then(members[a].id.cmp(&members[b].id))
            });
        if let Some(i) = pick {
            return (i, Basis::OriginalSource);
        }
    }
    // 2. The earliest date, when at least two members are dated and one is first.
    let dated: Vec<(usize, &str)> = members
        .iter()
        .enumerate()
        .filter_map(|(i, m)| m.published.as_deref().map(|d| (i, day(d))))
        .filter(|(_, d)| !d.is_empty())
        .collect();
    if dated.len() >= 2 {
        let first = dated.iter().map(|(_, d)| *d).min().unwrap_or_default();
        let firsts: Vec<usize> = dated
            .iter()
            .filter(|(_, d)| *d == first)
            .map(|(i, _)| *i)
            .collect();
        if firsts.len() == 1 {
            return (firsts[0], Basis::Date);
        }
    }
    // 3. The member that clearly contains the others; 4. the first stored.
    let n = members.len();
    let score = |y: usize| -> f64 {
        (0..n)
            .filter(|&x| x != y)
            .map(|x| contains(x, y))
            .sum::<f64>()
            / (n - 1) as f64
    };
    let scores: Vec<f64> = (0..n).map(score).collect();
    let best = scores.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let leaders: Vec<usize> = (0..n)
        .filter(|&y| scores[y] > best - CONTAINMENT_MARGIN)
        .collect();
    let first = |among: &[usize]| {
        among
            .iter()
            .copied()
            .min_by_key(|&i| members[i].id)
            .unwrap_or(0)
    };
    if leaders.len() == 1 {
        (leaders[0], Basis::Containment)
    } else {
        let all: Vec<usize> = (0..n).collect();
        (first(&all), Basis::FirstStored)
    }
}

/// Undated members sort last.
fn date_key(m: &Member) -> (bool, String) {
    match m.published.as_deref().map(day) {
        Some(d) if !d.is_empty() => (false, d.to_string()),
        _ => (true, String::new()),
    }
}

fn day(date: &str) -> &str {
    date.get(..10).unwrap_or(date)
}

/// Whether `m` names `target` as its original (by outlet name, URL or
/// domain) or declares `target`'s URL canonical.
pub fn points_to(m: &Member, target: &Member) -> bool {
    if let (Some(canon), Some(url)) = (m.canonical_url.as_deref(), target.url.as_deref()) {
        if same_url(canon, url) && !m.url.as_deref().is_some_and(|u| same_url(u, url)) {
            return true;
        }
    }
    let Some(source) = m.original_source.as_deref() else {
        return false;
    };
    let source_name = name_key(source);
    if source_name.is_empty() {
        return false;
    }
    if let Some(outlet) = target.outlet.as_deref() {
        if name_key(outlet) == source_name {
            // The same outlet re-running its own piece is not a pointer.
            return m.outlet.as_deref().map(name_key) != Some(source_name);
        }
    }
    for url in [target.url.as_deref(), target.canonical_url.as_deref()]
        .into_iter()
        .flatten()
    {
        if same_url(source, url) {
            return true;
        }
        if let Some(host) = host(url) {
            let site = host.trim_start_matches("www.");
            let stem = site.split('.').next().unwrap_or(site);
            if name_key(site) == source_name || (stem.len() >= 4 && name_key(stem) == source_name) {
                return true;
            }
        }
    }
    false
}

/// Lower-case letters and digits only: "Counter Punch" = "counterpunch".
fn name_key(s: &str) -> String {
    s.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

fn host(url: &str) -> Option<&str> {
    let rest = url.split_once("://").map(|(_, r)| r)?;
    let host = rest.split(['/', '?', '#']).next()?;
    Some(
        host.rsplit('@')
            .next()
            .unwrap_or(host)
            .split(':')
            .next()
            .unwrap_or(host),
    )
}

/// URLs equal up to scheme, `www.`, trailing slash and fragment.
fn same_url(a: &str, b: &str) -> bool {
    fn key(u: &str) -> String {
        let u = u.split('#').next().unwrap_or(u);
        let u = u.split_once("://").map_or(u, |(_, r)| r);
        u.trim_start_matches("www.")
            .trim_end_matches('/')
            .to_lowercase()
    }
    let (ka, kb) = (key(a), key(b));
    !ka.is_empty() && ka.contains('/') == kb.contains('/') && ka == kb
}

#[cfg(test)]
mod tests {
    use super::*;

    fn member(id: i64, outlet: &str, source: Option<&str>, date: Option<&str>) -> Member {
        Member {
            id,
            outlet: Some(outlet.into()),
            original_source: source.map(Into::into),
            published: date.map(Into::into),
            ..Member::default()
        }
    }

    #[test]
    fn original_source_beats_dates() {
        let members = [
            member(
                1,
                "Global Research",
                Some("CounterPunch"),
                Some("2016-09-27"),
            ),
            member(2, "CounterPunch", None, Some("2016-09-28")),
        ];
        assert_eq!(
            choose_origin(&members, &|_, _| 0.5),
            (1, Basis::OriginalSource)
        );
    }

    #[test]
    fn dates_then_containment_decide() {
        let members = [
            member(1, "A", None, Some("2020-01-02")),
            member(2, "B", None, Some("2020-01-01T10:00:00Z")),
        ];
        assert_eq!(choose_origin(&members, &|_, _| 0.5), (1, Basis::Date));
        let undated = [member(1, "A", None, None), member(2, "B", None, None)];
        // Member 0's body is all in member 1's; member 1's is half in 0's.
        let contains = |x: usize, _y: usize| if x == 0 { 1.0 } else { 0.5 };
        assert_eq!(choose_origin(&undated, &contains), (1, Basis::Containment));
        // Identical bodies: the first stored.
        let undated = [member(7, "A", None, None), member(3, "B", None, None)];
        assert_eq!(
            choose_origin(&undated, &|_, _| 1.0),
            (1, Basis::FirstStored)
        );
    }

    #[test]
    fn canonical_links_and_domains_point() {
        let mut copy = member(1, "Mirror", None, None);
        copy.canonical_url = Some("https://www.example.org/story/1".into());
        copy.url = Some("https://mirror.net/a".into());
        let mut origin = member(2, "Example", None, None);
        origin.url = Some("http://example.org/story/1/".into());
        assert!(points_to(&copy, &origin));
        let by_domain = member(3, "Other", Some("example.org"), None);
        assert!(points_to(&by_domain, &origin));
        assert!(!points_to(&origin, &copy));
    }
}
