//! Per-outlet questions the statistics do not answer: who an outlet quotes
//! most and which sources it cites most (for the dashboard's outlet page).

use std::collections::HashMap;
use std::time::Instant;

use rusqlite::params;
use serde::Serialize;

use crate::error::CorpusError;
use crate::stats::UNKNOWN;
use crate::store::Corpus;

/// A name and how often it occurs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NameCount {
    /// The speaker's or source's name.
    pub name: String,
    /// Quotes by the speaker, or articles citing the source.
    pub count: u64,
    /// Articles in which the name occurs.
    pub articles: u64,
}

/// The SQL condition selecting an outlet's articles (`a` is `articles`):
/// the whole name, ASCII case ignored; [`UNKNOWN`] selects articles without
/// an outlet.
fn outlet_condition(outlet: &str) -> (&'static str, Option<String>) {
    if outlet == UNKNOWN {
        ("a.outlet IS NULL", None)
    } else {
        ("a.outlet = ?1 COLLATE NOCASE", Some(outlet.to_string()))
    }
}

impl Corpus {
    /// How many articles `outlet` has (ASCII case ignored; [`UNKNOWN`]:
    /// those without an outlet).
    ///
    /// # Errors
    /// An SQLite error.
    pub fn outlet_articles(&self, outlet: &str) -> Result<u64, CorpusError> {
        let (cond, arg) = outlet_condition(outlet);
        let sql = format!("SELECT count(*) FROM articles AS a WHERE {cond}");
        self.count_with(&sql, arg)
    }

    /// The `limit` speakers most often quoted by `outlet`'s articles (resolved
    /// speakers only), most quotes first, ties by name.
    ///
    /// # Errors
    /// An SQLite error.
    pub fn outlet_speakers(
        &self,
        outlet: &str,
        limit: usize,
    ) -> Result<Vec<NameCount>, CorpusError> {
        let (cond, _) = outlet_condition(outlet);
        let sql = format!(
            "SELECT q.speaker, count(*), count(DISTINCT q.article_id)
             FROM quotes AS q JOIN articles AS a ON a.id = q.article_id
             WHERE {cond} AND q.speaker IS NOT NULL AND q.speaker <> ''
             GROUP BY q.speaker ORDER BY 2 DESC, 1 LIMIT {}",
            limit.min(10_000)
        );
        self.names_with(&sql, outlet)
    }

    /// The `limit` sources most often cited by `outlet`'s articles (by the
    /// number of articles citing them; anonymous sources included under
    /// their wording), most first, ties by name.
    ///
    /// # Errors
    /// An SQLite error.
    pub fn outlet_sources(
        &self,
        outlet: &str,
        limit: usize,
    ) -> Result<Vec<NameCount>, CorpusError> {
        let (cond, _) = outlet_condition(outlet);
        let sql = format!(
            "SELECT s.name, count(DISTINCT s.article_id), count(DISTINCT s.article_id)
             FROM sources AS s JOIN articles AS a ON a.id = s.article_id
             WHERE {cond} AND s.name <> ''
             GROUP BY s.name ORDER BY 2 DESC, 1 LIMIT {}",
            limit.min(10_000)
        );
        self.names_with(&sql, outlet)
    }

    fn count_with(&self, sql: &str, arg: Option<String>) -> Result<u64, CorpusError> {
        let started = Instant::now();
        let conn = self.connection();
        let n: i64 = match arg {
            Some(a) => conn.query_row(sql, params![a], |r| r.get(0)),
            None => conn.query_row(sql, [], |r| r.get(0)),
        }
        .map_err(|e| self.err(e, started))?;
        Ok(n.max(0) as u64)
    }

    fn names_with(&self, sql: &str, outlet: &str) -> Result<Vec<NameCount>, CorpusError> {
        let started = Instant::now();
        let run = || -> rusqlite::Result<Vec<NameCount>> {
            let mut stmt = self.connection().prepare(sql)?;
            let map = |r: &rusqlite::Row<'_>| {
                Ok(NameCount {
                    name: r.get(0)?,
                    count: r.get::<_, i64>(1)?.max(0) as u64,
                    articles: r.get::<_, i64>(2)?.max(0) as u64,
                })
            };
            let rows = if outlet == UNKNOWN {
                stmt.query_map([], map)?.collect()
            } else {
                stmt.query_map(params![outlet], map)?.collect()
            };
            rows
        };
        run().map_err(|e| self.err(e, started))
    }
}

/// Every outlet's speakers and sources, counted in one pass over the quotes
/// and sources of the corpus ([`Corpus::outlet_names`]), for a reader that
/// shows many outlet pages (the server): [`OutletNames::speakers`] and
/// [`OutletNames::sources`] give what [`Corpus::outlet_speakers`] and
/// [`Corpus::outlet_sources`] give on the same data.
#[derive(Debug, Default)]
pub struct OutletNames {
    /// Stored outlet (`None`: NULL) → name → (count, articles), for
    /// speakers and for sources.
    speakers: HashMap<Option<String>, HashMap<String, (u64, u64)>>,
    sources: HashMap<Option<String>, HashMap<String, (u64, u64)>>,
}

impl OutletNames {
    /// The `limit` speakers most often quoted by `outlet`'s articles, as
    /// [`Corpus::outlet_speakers`].
    pub fn speakers(&self, outlet: &str, limit: usize) -> Vec<NameCount> {
        top(&self.speakers, outlet, limit)
    }

    /// The `limit` sources most often cited by `outlet`'s articles, as
    /// [`Corpus::outlet_sources`].
    pub fn sources(&self, outlet: &str, limit: usize) -> Vec<NameCount> {
        top(&self.sources, outlet, limit)
    }
}

/// The names of the stored outlets `outlet` selects (ASCII case ignored;
/// [`UNKNOWN`]: NULL), summed, most first, ties by name, at most `limit`.
fn top(
    by_outlet: &HashMap<Option<String>, HashMap<String, (u64, u64)>>,
    outlet: &str,
    limit: usize,
) -> Vec<NameCount> {
    let mut sum: HashMap<&str, (u64, u64)> = HashMap::new();
    for (stored, names) in by_outlet {
        let selected = match stored {
            None => outlet == UNKNOWN,
            Some(s) => outlet != UNKNOWN && s.eq_ignore_ascii_case(outlet),
        };
        if !selected {
            continue;
        }
        for (name, (count, articles)) in names {
            let e = sum.entry(name.as_str()).or_default();
            e.0 += count;
            e.1 += articles;
        }
    }
    let mut out: Vec<NameCount> = sum
        .into_iter()
        .map(|(name, (count, articles))| NameCount {
            name: name.to_string(),
            count,
            articles,
        })
        .collect();
    out.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.name.cmp(&b.name)));
    out.truncate(limit.min(10_000));
    out
}

impl Corpus {
    /// Counts every outlet's speakers and sources at once (see
    /// [`OutletNames`]), in one read transaction.
    ///
    /// # Errors
    /// An SQLite error.
    pub fn outlet_names(&self) -> Result<OutletNames, CorpusError> {
        let started = Instant::now();
        let conn = self.connection();
        let run = || -> rusqlite::Result<OutletNames> {
            let snapshot = conn.unchecked_transaction()?;
            // Article id → outlet number (into `outlets`).
            let mut outlets: Vec<Option<String>> = Vec::new();
            let mut outlet_no: HashMap<Option<String>, u32> = HashMap::new();
            let mut outlet_of: HashMap<i64, u32> = HashMap::new();
            let mut stmt = conn.prepare("SELECT id, outlet FROM articles")?;
            let mut rows = stmt.query([])?;
            while let Some(r) = rows.next()? {
                let outlet: Option<String> = r.get(1)?;
                let next = outlets.len() as u32;
                let k = *outlet_no.entry(outlet.clone()).or_insert_with(|| {
                    outlets.push(outlet);
                    next
                });
                outlet_of.insert(r.get(0)?, k);
            }
            let mut names = OutletNames::default();
            // Rows of one article are counted together (ordered by article),
            // so that distinct articles are counted without a set.
            for (sql, out, per_row) in [
                (
                    "SELECT article_id, speaker FROM quotes
                     WHERE speaker IS NOT NULL AND speaker <> '' ORDER BY article_id",
                    &mut names.speakers,
                    true,
                ),
                (
                    "SELECT article_id, name FROM sources WHERE name <> '' ORDER BY article_id",
                    &mut names.sources,
                    false,
                ),
            ] {
                // Names are numbered as they come: (outlet, name number) →
                // (count, articles).
                let mut name_no: HashMap<String, u32> = HashMap::new();
                let mut counts: HashMap<(u32, u32), (u64, u64)> = HashMap::new();
                let mut stmt = conn.prepare(sql)?;
                let mut rows = stmt.query([])?;
                let mut current: Option<i64> = None;
                let mut seen: Vec<u32> = Vec::new();
                while let Some(r) = rows.next()? {
                    let article: i64 = r.get(0)?;
                    if current != Some(article) {
                        current = Some(article);
                        seen.clear();
                    }
                    let Some(&outlet) = outlet_of.get(&article) else {
                        continue;
                    };
                    let name = match r.get_ref(1)? {
                        rusqlite::types::ValueRef::Text(t) => String::from_utf8_lossy(t),
                        _ => continue,
                    };
                    let n = match name_no.get(name.as_ref()) {
                        Some(&n) => n,
                        None => {
                            let n = name_no.len() as u32;
                            name_no.insert(name.into_owned(), n);
                            n
                        }
                    };
                    let first = !seen.contains(&n);
                    if first {
                        seen.push(n);
                    }
                    let e = counts.entry((outlet, n)).or_default();
                    if per_row || first {
                        e.0 += 1;
                    }
                    if first {
                        e.1 += 1;
                    }
                }
                let mut by_no: Vec<Option<String>> = vec![None; name_no.len()];
                for (name, n) in name_no {
                    by_no[n as usize] = Some(name);
                }
                for ((outlet, n), counted) in counts {
                    if let Some(name) = by_no[n as usize].clone() {
                        out.entry(outlets[outlet as usize].clone())
                            .or_default()
                            .insert(name, counted);
                    }
                }
            }
            drop(snapshot);
            Ok(names)
        };
        run().map_err(|e| self.err(e, started))
    }
}
