//! Per-outlet questions the statistics do not answer: who an outlet quotes
//! most and which sources it cites most (for the dashboard's outlet page).

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
