//! Reading what a stats query selects into columns: one entry per article
//! (counts from `articles`), the technique counts of `article_techniques`
//! as a compressed sparse row table, and the groups' members.

use std::collections::HashMap;

use rusqlite::types::ValueRef;
use rusqlite::{params_from_iter, Connection};

use super::{GroupBy, StatsQuery, UNKNOWN};

/// The selected articles, one entry per article, in id order.
#[derive(Debug, Default)]
pub(crate) struct Articles {
    /// Article ids (ascending).
    pub ids: Vec<i64>,
    /// Words.
    pub words: Vec<f64>,
    /// Technique spans of every technique.
    pub spans: Vec<f64>,
    /// Whether the sourcing layers were computed.
    pub sourcing: Vec<bool>,
    /// Quotes.
    pub quotes: Vec<f64>,
    /// Share of the article's characters inside quotes.
    pub quotation_share: Vec<f64>,
    /// Named sources.
    pub named: Vec<f64>,
    /// Anonymous sources.
    pub anonymous: Vec<f64>,
    /// Check-worthy claims.
    pub check_worthy: Vec<f64>,
    /// Hedged check-worthy claims.
    pub hedged: Vec<f64>,
    /// Whether (and why not) the techniques were analysed: a
    /// [`super::Skipped`] code.
    pub skipped: Vec<u8>,
    /// `tech[tech_start[i]..tech_start[i + 1]]`: article `i`'s spans per
    /// technique column (only the report's columns, each at most once).
    pub tech_start: Vec<u32>,
    /// (column, spans) pairs.
    pub tech: Vec<(u16, f64)>,
}

impl Articles {
    /// Number of articles.
    pub(crate) fn len(&self) -> usize {
        self.ids.len()
    }

    /// Article `i`'s (column, spans) pairs.
    pub(crate) fn techniques(&self, i: usize) -> &[(u16, f64)] {
        &self.tech[self.tech_start[i] as usize..self.tech_start[i + 1] as usize]
    }

    /// Whether article `i`'s techniques were analysed.
    pub(crate) fn analysed(&self, i: usize) -> bool {
        self.skipped[i] == super::Skipped::ANALYSED
    }

    fn index_of(&self, id: i64) -> Option<usize> {
        self.ids.binary_search(&id).ok()
    }
}

/// Groups by key, in first-seen order; members are article indices.
pub(crate) type Groups = Vec<(String, Vec<u32>)>;

/// The `WHERE` clause (without the keyword; `1` when there is no filter)
/// and its parameters for the article filters of `q`. With `dated`
/// false the date bounds are left out.
pub(crate) fn article_filter(q: &StatsQuery, dated: bool) -> (String, Vec<String>) {
    let mut clauses = Vec::new();
    let mut params = Vec::new();
    if !q.outlets.is_empty() {
        let unknown = |o: &String| o.eq_ignore_ascii_case(UNKNOWN);
        let named: Vec<&String> = q.outlets.iter().filter(|o| !unknown(o)).collect();
        let mut alternatives = Vec::new();
        if !named.is_empty() {
            alternatives.push(format!(
                "outlet COLLATE NOCASE IN ({})",
                placeholders(named.len())
            ));
            params.extend(named.into_iter().cloned());
        }
        if q.outlets.iter().any(unknown) {
            alternatives.push("outlet IS NULL".to_string());
        }
        clauses.push(format!("({})", alternatives.join(" OR ")));
    }
    if dated {
        if let Some(since) = &q.since {
            clauses.push("published_date >= ?".into());
            params.push(since.clone());
        }
        if let Some(until) = &q.until {
            clauses.push("published_date <= ?".into());
            params.push(until.clone());
        }
    }
    if clauses.is_empty() {
        ("1".into(), params)
    } else {
        (clauses.join(" AND "), params)
    }
}

fn placeholders(n: usize) -> String {
    vec!["?"; n].join(", ")
}

/// Reads the articles `q` selects, with their technique counts for
/// `columns` (PTC labels), and their groups for `--by outlet`, `month`
/// or `author` (empty for `technique`).
pub(crate) fn load(
    conn: &Connection,
    q: &StatsQuery,
    columns: &[&str],
) -> rusqlite::Result<(Articles, Groups)> {
    let (filter, params) = article_filter(q, true);
    let sql = format!(
        "SELECT id, outlet, published_date, words, technique_spans, sourcing, quotes,
            quotation_share, named_sources, anonymous_sources, check_worthy_claims, hedged_claims,
            not_analysed
         FROM articles WHERE {filter} ORDER BY id"
    );
    let mut a = Articles::default();
    let mut groups = GroupIndex::default();
    let mut stmt = conn.prepare(&sql)?;
    let mut rows = stmt.query(params_from_iter(params.iter()))?;
    while let Some(r) = rows.next()? {
        let i = a.ids.len() as u32;
        push_counts(&mut a, r)?;
        match q.by {
            GroupBy::Outlet => groups.add(text(r.get_ref(1)?), i),
            GroupBy::Month => groups.add(text(r.get_ref(2)?).and_then(|d| d.get(..7)), i),
            GroupBy::Author | GroupBy::Technique => {}
        }
    }
    drop(rows);
    load_techniques(conn, &mut a, columns)?;
    if q.by == GroupBy::Author {
        load_authors(conn, &a, &mut groups)?;
    }
    Ok((a, groups.groups))
}

/// Appends the counts of row `r` (the columns `id, outlet, published_date,
/// words, …, hedged_claims, not_analysed` of `articles`, in that order) to `a`.
fn push_counts(a: &mut Articles, r: &rusqlite::Row<'_>) -> rusqlite::Result<()> {
    a.ids.push(r.get(0)?);
    a.words.push(r.get::<_, i64>(3)?.max(0) as f64);
    a.spans.push(r.get::<_, i64>(4)?.max(0) as f64);
    a.sourcing.push(r.get::<_, i64>(5)? != 0);
    a.quotes.push(r.get::<_, i64>(6)?.max(0) as f64);
    let share: f64 = r.get(7)?;
    a.quotation_share.push(if share.is_finite() {
        share.clamp(0.0, 1.0)
    } else {
        0.0
    });
    a.named.push(r.get::<_, i64>(8)?.max(0) as f64);
    a.anonymous.push(r.get::<_, i64>(9)?.max(0) as f64);
    a.check_worthy.push(r.get::<_, i64>(10)?.max(0) as f64);
    a.hedged.push(r.get::<_, i64>(11)?.max(0) as f64);
    a.skipped.push(super::Skipped::code(text(r.get_ref(12)?)));
    Ok(())
}

fn text(v: ValueRef<'_>) -> Option<&str> {
    match v {
        ValueRef::Text(t) => std::str::from_utf8(t).ok().filter(|s| !s.trim().is_empty()),
        _ => None,
    }
}

/// Group keys to member lists, in first-seen order.
#[derive(Default)]
struct GroupIndex {
    index: HashMap<String, usize>,
    groups: Groups,
}

impl GroupIndex {
    fn add(&mut self, key: Option<&str>, member: u32) {
        let key = key.unwrap_or(UNKNOWN);
        match self.index.get(key) {
            Some(&g) => {
                let members = &mut self.groups[g].1;
                // An author listed twice on one article counts once.
                if members.last() != Some(&member) {
                    members.push(member);
                }
            }
            None => {
                self.index.insert(key.to_string(), self.groups.len());
                self.groups.push((key.to_string(), vec![member]));
            }
        }
    }
}

/// Fills the technique table of `a` from `article_techniques`.
fn load_techniques(conn: &Connection, a: &mut Articles, columns: &[&str]) -> rusqlite::Result<()> {
    let column_of: HashMap<&str, u16> = columns
        .iter()
        .enumerate()
        .map(|(c, l)| (*l, c as u16))
        .collect();
    let all = columns.len() >= unspin_taxonomy::TECHNIQUES.len();
    let sql = if all {
        "SELECT article_id, technique, spans FROM article_techniques".to_string()
    } else {
        format!(
            "SELECT article_id, technique, spans FROM article_techniques WHERE technique IN ({})",
            placeholders(columns.len())
        )
    };
    let mut stmt = conn.prepare(&sql)?;
    let params: Vec<&str> = if all { Vec::new() } else { columns.to_vec() };
    let mut rows = stmt.query(params_from_iter(params.iter()))?;
    let mut found: Vec<(u32, u16, f64)> = Vec::new();
    while let Some(r) = rows.next()? {
        let Some(&col) = text(r.get_ref(1)?).and_then(|t| column_of.get(t)) else {
            continue;
        };
        let Some(i) = a.index_of(r.get(0)?) else {
            continue;
        };
        let spans = r.get::<_, i64>(2)?.max(0) as f64;
        found.push((i as u32, col, spans));
    }
    // Counting sort by article.
    let mut start = vec![0u32; a.len() + 1];
    for &(i, _, _) in &found {
        start[i as usize + 1] += 1;
    }
    for i in 0..a.len() {
        start[i + 1] += start[i];
    }
    let mut next = start.clone();
    let mut tech = vec![(0u16, 0.0); found.len()];
    for (i, col, spans) in found {
        let slot = &mut next[i as usize];
        tech[*slot as usize] = (col, spans);
        *slot += 1;
    }
    a.tech_start = start;
    a.tech = tech;
    Ok(())
}

/// Groups the articles of `a` by author; articles without one go to
/// [`UNKNOWN`].
fn load_authors(conn: &Connection, a: &Articles, groups: &mut GroupIndex) -> rusqlite::Result<()> {
    let mut stmt = conn
        .prepare("SELECT article_id, author FROM article_authors ORDER BY article_id, position")?;
    let mut rows = stmt.query([])?;
    let mut has_author = vec![false; a.len()];
    while let Some(r) = rows.next()? {
        let Some(i) = a.index_of(r.get(0)?) else {
            continue;
        };
        let Some(author) = text(r.get_ref(1)?) else {
            continue;
        };
        has_author[i] = true;
        groups.add(Some(author), i as u32);
    }
    for (i, has) in has_author.iter().enumerate() {
        if !has {
            groups.add(None, i as u32);
        }
    }
    Ok(())
}

/// Every article of a corpus with what any stats query reads of it (all
/// technique columns, outlet, date, authors), to answer many queries from
/// memory ([`super::StatsSnapshot`]).
#[derive(Debug, Default)]
pub(crate) struct Table {
    /// Every article, in id order; technique columns in taxonomy order.
    articles: Articles,
    /// Each article's stored outlet (`None`: NULL), an index into `outlets`.
    outlet: Vec<Option<u32>>,
    /// The distinct stored outlets, and whether each is a group name (text
    /// that is not blank) or counts as [`UNKNOWN`].
    outlets: Vec<(String, bool)>,
    /// Each article's stored `published_date` (`None`: NULL).
    date: Vec<Option<Box<str>>>,
    /// (article index, author) in article and byline order.
    authors: Vec<(u32, Box<str>)>,
}

/// The technique labels of the taxonomy, in order: a [`Table`]'s columns.
fn all_labels() -> Vec<&'static str> {
    unspin_taxonomy::TECHNIQUES
        .iter()
        .map(|t| t.label)
        .collect()
}

impl Table {
    /// Reads every article (call inside one read transaction).
    pub(crate) fn load(conn: &Connection) -> rusqlite::Result<Table> {
        let mut t = Table::default();
        let mut outlet_index: HashMap<String, u32> = HashMap::new();
        let mut stmt = conn.prepare(
            "SELECT id, outlet, published_date, words, technique_spans, sourcing, quotes,
                quotation_share, named_sources, anonymous_sources, check_worthy_claims,
                hedged_claims, not_analysed
             FROM articles ORDER BY id",
        )?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            push_counts(&mut t.articles, r)?;
            let outlet = match r.get_ref(1)? {
                ValueRef::Null => None,
                v => {
                    let name = match v {
                        ValueRef::Text(b) => String::from_utf8_lossy(b).into_owned(),
                        other => format!("{other:?}"),
                    };
                    let grouped = text(v).is_some();
                    let next = t.outlets.len() as u32;
                    let k = *outlet_index.entry(name.clone()).or_insert_with(|| {
                        t.outlets.push((name, grouped));
                        next
                    });
                    Some(k)
                }
            };
            t.outlet.push(outlet);
            t.date.push(match r.get_ref(2)? {
                ValueRef::Null => None,
                ValueRef::Text(b) => Some(String::from_utf8_lossy(b).into()),
                other => Some(format!("{other:?}").into()),
            });
        }
        drop(rows);
        let labels = all_labels();
        load_techniques(conn, &mut t.articles, &labels)?;
        let mut stmt = conn.prepare(
            "SELECT article_id, author FROM article_authors ORDER BY article_id, position",
        )?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            let Some(i) = t.articles.index_of(r.get(0)?) else {
                continue;
            };
            if let Some(author) = text(r.get_ref(1)?) {
                t.authors.push((i as u32, author.into()));
            }
        }
        Ok(t)
    }

    /// Number of articles.
    pub(crate) fn len(&self) -> usize {
        self.articles.len()
    }

    /// What [`load`] reads for `q` and `columns`, and the number of articles
    /// `q`'s outlets select that have no date (what `since`/`until` leave
    /// out).
    pub(crate) fn select(&self, q: &StatsQuery, columns: &[&str]) -> (Articles, Groups, u64) {
        // Which stored outlets `q` selects (ASCII case ignored, as NOCASE).
        let unknown = |o: &String| o.eq_ignore_ascii_case(UNKNOWN);
        let named: Vec<&String> = q.outlets.iter().filter(|o| !unknown(o)).collect();
        let null_ok = q.outlets.iter().any(unknown);
        let outlet_ok: Vec<bool> = self
            .outlets
            .iter()
            .map(|(name, _)| named.iter().any(|n| n.eq_ignore_ascii_case(name)))
            .collect();
        let by_outlet = !q.outlets.is_empty();
        let labels = all_labels();
        let slot: Vec<Option<u16>> = labels
            .iter()
            .map(|l| columns.iter().position(|c| c == l).map(|c| c as u16))
            .collect();
        let mut a = Articles::default();
        let mut groups = GroupIndex::default();
        let mut undated = 0u64;
        let mut picked: Vec<u32> = Vec::new();
        let src = &self.articles;
        a.tech_start.push(0);
        for i in 0..self.len() {
            if by_outlet {
                let ok = match self.outlet[i] {
                    None => null_ok,
                    Some(k) => outlet_ok[k as usize],
                };
                if !ok {
                    continue;
                }
            }
            let date = self.date[i].as_deref();
            if q.since.is_some() || q.until.is_some() {
                let Some(d) = date else {
                    undated += 1;
                    continue;
                };
                if q.since.as_deref().is_some_and(|s| d < s)
                    || q.until.as_deref().is_some_and(|u| d > u)
                {
                    continue;
                }
            }
            let at = a.ids.len() as u32;
            picked.push(i as u32);
            a.ids.push(src.ids[i]);
            a.words.push(src.words[i]);
            a.spans.push(src.spans[i]);
            a.sourcing.push(src.sourcing[i]);
            a.quotes.push(src.quotes[i]);
            a.quotation_share.push(src.quotation_share[i]);
            a.named.push(src.named[i]);
            a.anonymous.push(src.anonymous[i]);
            a.check_worthy.push(src.check_worthy[i]);
            a.hedged.push(src.hedged[i]);
            a.skipped.push(src.skipped[i]);
            for &(c, spans) in src.techniques(i) {
                if let Some(col) = slot[c as usize] {
                    a.tech.push((col, spans));
                }
            }
            a.tech_start.push(a.tech.len() as u32);
            match q.by {
                GroupBy::Outlet => groups.add(
                    self.outlet[i]
                        .map(|k| &self.outlets[k as usize])
                        .filter(|(_, grouped)| *grouped)
                        .map(|(name, _)| name.as_str()),
                    at,
                ),
                GroupBy::Month => groups.add(
                    date.filter(|d| !d.trim().is_empty())
                        .and_then(|d| d.get(..7)),
                    at,
                ),
                GroupBy::Author | GroupBy::Technique => {}
            }
        }
        if q.by == GroupBy::Author {
            let mut has_author = vec![false; a.len()];
            for (i, author) in &self.authors {
                let Ok(at) = picked.binary_search(i) else {
                    continue;
                };
                has_author[at] = true;
                groups.add(Some(author), at as u32);
            }
            for (at, has) in has_author.iter().enumerate() {
                if !has {
                    groups.add(None, at as u32);
                }
            }
        }
        (a, groups.groups, undated)
    }
}
