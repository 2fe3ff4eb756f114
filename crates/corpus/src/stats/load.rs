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
            quotation_share, named_sources, anonymous_sources, check_worthy_claims, hedged_claims
         FROM articles WHERE {filter} ORDER BY id"
    );
    let mut a = Articles::default();
    let mut groups = GroupIndex::default();
    let mut stmt = conn.prepare(&sql)?;
    let mut rows = stmt.query(params_from_iter(params.iter()))?;
    while let Some(r) = rows.next()? {
        let i = a.ids.len() as u32;
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
