//! Full-text search over a corpus (`unspin corpus search`): articles,
//! technique spans and quotes, through the FTS5 indexes `articles_fts`,
//! `spans_fts` and `quotes_fts`.
//!
//! Every search runs in two steps. The first finds the hits: the FTS5 index
//! is read first (joined by rowid to the rows it indexes, `CROSS JOIN` so
//! that SQLite keeps that order), filters (technique, outlet, dates,
//! speaker) are applied to the joined rows, and the hits are ordered by
//! `bm25` rank with the limit applied in SQL. The second step reads the
//! article, span or quote of each hit and its snippet, so that snippets are
//! made only for the hits returned.

mod fts;

use std::time::Instant;

use rusqlite::types::Value;
use rusqlite::{params_from_iter, OptionalExtension};

use crate::error::CorpusError;
use crate::record::iso_date;
use crate::store::Corpus;

pub use fts::{Snippet, FTS5_SYNTAX};

/// What a search looks in, and what kind of thing a hit is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum HitKind {
    /// Whole articles (title and text).
    Article,
    /// Technique spans (their text).
    Span,
    /// Quotes (their text and resolved speaker).
    Quote,
}

impl HitKind {
    /// `article`, `span` or `quote`.
    pub fn as_str(self) -> &'static str {
        match self {
            HitKind::Article => "article",
            HitKind::Span => "span",
            HitKind::Quote => "quote",
        }
    }
}

/// The default number of hits a search returns.
pub const DEFAULT_LIMIT: usize = 20;

/// A search: an FTS5 query, filters, and how many hits to return.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SearchQuery {
    /// The FTS5 query (`None` or blank: list what the filters keep, in the
    /// order the articles were added). A word with a hyphen, apostrophe or
    /// dot outside double quotes (`cease-fire`) is searched as a phrase.
    pub text: Option<String>,
    /// What to search in; `None`: spans when `techniques` is set, quotes
    /// when `speaker` is, else articles (see [`SearchQuery::target`]).
    pub kind: Option<HitKind>,
    /// Keep only these techniques (PTC labels, matched exactly): spans with
    /// one of them, or articles with at least one such span.
    pub techniques: Vec<String>,
    /// Keep only articles of these outlets (ignoring case).
    pub outlets: Vec<String>,
    /// Keep only quotes whose resolved speaker contains every word of this
    /// (whole words, ignoring case and accents; `word*` for a prefix), or
    /// articles with such a quote.
    pub speaker: Option<String>,
    /// Keep only articles published on or after this day (`YYYY-MM-DD`).
    pub since: Option<String>,
    /// Keep only articles published on or before this day (`YYYY-MM-DD`).
    pub until: Option<String>,
    /// The most hits to return; 0: all.
    pub limit: usize,
}

impl Default for SearchQuery {
    fn default() -> SearchQuery {
        SearchQuery {
            text: None,
            kind: None,
            techniques: Vec::new(),
            outlets: Vec::new(),
            speaker: None,
            since: None,
            until: None,
            limit: DEFAULT_LIMIT,
        }
    }
}

impl SearchQuery {
    /// What the search looks in: [`SearchQuery::kind`] when given, else
    /// quotes when a speaker is given, spans when techniques are, else
    /// articles.
    ///
    /// # Errors
    /// [`CorpusError::Query`] when the filters do not fit the target (a
    /// speaker with spans, techniques with quotes, both a speaker and
    /// techniques without a target).
    pub fn target(&self) -> Result<HitKind, CorpusError> {
        let speaker = self.speaker.is_some();
        let techniques = !self.techniques.is_empty();
        let kind = match self.kind {
            Some(k) => k,
            None if speaker && techniques => {
                return Err(CorpusError::Query(
                    "a speaker filter searches quotes and a technique filter spans: \
                     to find articles with both, search articles"
                        .into(),
                ))
            }
            None if speaker => HitKind::Quote,
            None if techniques => HitKind::Span,
            None => HitKind::Article,
        };
        if kind == HitKind::Span && speaker {
            return Err(CorpusError::Query(
                "a speaker filter applies to quotes and articles, not to technique spans".into(),
            ));
        }
        if kind == HitKind::Quote && techniques {
            return Err(CorpusError::Query(
                "a technique filter applies to spans and articles, not to quotes".into(),
            ));
        }
        Ok(kind)
    }

    /// The query text when it is not blank.
    fn fts_text(&self) -> Option<&str> {
        self.text
            .as_deref()
            .map(str::trim)
            .filter(|t| !t.is_empty())
    }
}

/// One hit of a search.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct SearchHit {
    /// An article, a technique span or a quote.
    pub kind: HitKind,
    /// The article's id (`unspin corpus show DB ID`).
    pub article_id: i64,
    /// The article's title.
    pub title: Option<String>,
    /// The article's outlet.
    pub outlet: Option<String>,
    /// The article's publication day (`YYYY-MM-DD`).
    pub published: Option<String>,
    /// The article's URL.
    pub url: Option<String>,
    /// The input the article was read from.
    pub source: String,
    /// The span's technique (span hits).
    pub technique: Option<String>,
    /// The quote's resolved speaker (quote hits; `None` when unresolved).
    pub speaker: Option<String>,
    /// Where the span or quote starts in the article text (code points).
    pub start: Option<i64>,
    /// Where it ends (code points, exclusive).
    pub end: Option<i64>,
    /// The span's or quote's text (`None` for article hits).
    pub text: Option<String>,
    /// A short piece of the matching text with the query's words marked.
    pub snippet: Snippet,
    /// The FTS5 `bm25` rank (lower is better; `None` without a query).
    pub rank: Option<f64>,
}

/// The hits of [`Corpus::search`].
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SearchResults {
    /// The hits, best first (or in the order the articles were added
    /// when there was no query).
    pub hits: Vec<SearchHit>,
    /// Whether there are more hits than the limit let through.
    pub more: bool,
}

/// The SQL that finds a search's hits: `SELECT rowid, rank FROM … WHERE …`,
/// ordered, with its parameters.
struct Plan {
    kind: HitKind,
    /// The FTS5 expression matched against the target's index.
    fts: Option<String>,
    from_where: String,
    order: &'static str,
    params: Vec<Value>,
    select: &'static str,
}

impl Corpus {
    /// Searches the corpus (see [`SearchQuery`]).
    ///
    /// # Errors
    /// [`CorpusError::Query`] for a malformed FTS5 query (its message
    /// quotes SQLite's and ends with [`FTS5_SYNTAX`]), a bad date or a
    /// filter that does not fit the target; an SQLite error otherwise.
    pub fn search(&self, query: &SearchQuery) -> Result<SearchResults, CorpusError> {
        let started = Instant::now();
        let plan = plan(query)?;
        let limit = match query.limit {
            0 => -1,
            n => i64::try_from(n).unwrap_or(i64::MAX - 1) + 1,
        };
        let sql = format!(
            "SELECT {} {} ORDER BY {} LIMIT {limit}",
            plan.select, plan.from_where, plan.order
        );
        // One read transaction: both steps see the same snapshot, even
        // while `corpus add` or `reanalyze` writes (WAL).
        let snapshot = self
            .connection()
            .unchecked_transaction()
            .map_err(|e| self.err(e, started))?;
        let found = (|| -> rusqlite::Result<Vec<(i64, Option<f64>)>> {
            let mut stmt = self.connection().prepare(&sql)?;
            let rows = stmt.query_map(params_from_iter(plan.params.iter()), |r| {
                Ok((r.get(0)?, r.get(1)?))
            })?;
            rows.collect()
        })()
        .map_err(|e| self.query_error(e, &plan, started))?;
        let more = query.limit > 0 && found.len() > query.limit;
        let mut hits = Vec::with_capacity(found.len().min(query.limit.max(1)));
        for (id, rank) in found
            .into_iter()
            .take(if more { query.limit } else { usize::MAX })
        {
            let hit = self
                .hit(&plan, id, rank)
                .map_err(|e| self.query_error(e, &plan, started))?;
            hits.extend(hit);
        }
        drop(snapshot);
        Ok(SearchResults { hits, more })
    }

    /// The number of hits of `query`, without its limit.
    ///
    /// # Errors
    /// As [`Corpus::search`].
    pub fn search_count(&self, query: &SearchQuery) -> Result<u64, CorpusError> {
        let started = Instant::now();
        let plan = plan(query)?;
        let sql = format!("SELECT count(*) {}", plan.from_where);
        self.connection()
            .query_row(&sql, params_from_iter(plan.params.iter()), |r| {
                r.get::<_, i64>(0)
            })
            .map(|n| n.max(0) as u64)
            .map_err(|e| self.query_error(e, &plan, started))
    }

    /// An error of a search's SQL: SQLite's generic error while an FTS5
    /// expression is matched is the expression's fault.
    fn query_error(&self, e: rusqlite::Error, plan: &Plan, started: Instant) -> CorpusError {
        let generic = matches!(e.sqlite_error_code(), Some(rusqlite::ErrorCode::Unknown));
        if plan.fts.is_some() && generic {
            let message = match &e {
                rusqlite::Error::SqliteFailure(_, Some(m)) => m.clone(),
                other => other.to_string(),
            };
            return CorpusError::Query(format!("{message} ({FTS5_SYNTAX})"));
        }
        self.err(e, started)
    }

    /// Reads hit `id` (an article, span or quote id) and its snippet.
    fn hit(&self, plan: &Plan, id: i64, rank: Option<f64>) -> rusqlite::Result<Option<SearchHit>> {
        let conn = self.connection();
        let (detail, snippet_sql, tokens, column) = match plan.kind {
            HitKind::Article => (
                "SELECT a.id, NULL, NULL, NULL, NULL, NULL",
                "articles_fts",
                24,
                -1,
            ),
            HitKind::Span => (
                "SELECT s.article_id, s.technique, NULL, s.start, s.end, s.text",
                "spans_fts",
                48,
                0,
            ),
            HitKind::Quote => (
                "SELECT q.article_id, NULL, q.speaker, q.start, q.end, q.text",
                "quotes_fts",
                40,
                0,
            ),
        };
        let from = match plan.kind {
            HitKind::Article => "FROM articles a WHERE a.id = ?1",
            HitKind::Span => "FROM spans s JOIN articles a ON a.id = s.article_id WHERE s.id = ?1",
            HitKind::Quote => {
                "FROM quotes q JOIN articles a ON a.id = q.article_id WHERE q.id = ?1"
            }
        };
        let sql = format!("{detail}, a.title, a.outlet, a.published_date, a.url, a.source {from}");
        let row = conn
            .prepare_cached(&sql)?
            .query_row([id], |r| {
                Ok(SearchHit {
                    kind: plan.kind,
                    article_id: r.get(0)?,
                    technique: r.get(1)?,
                    speaker: r.get(2)?,
                    start: r.get(3)?,
                    end: r.get(4)?,
                    text: r.get(5)?,
                    title: r.get(6)?,
                    outlet: r.get(7)?,
                    published: r.get(8)?,
                    url: r.get(9)?,
                    source: r.get(10)?,
                    snippet: Snippet::default(),
                    rank,
                })
            })
            .optional()?;
        let Some(mut hit) = row else {
            return Ok(None);
        };
        let marked = match &plan.fts {
            Some(expr) => conn
                .prepare_cached(&format!(
                    "SELECT snippet({snippet_sql}, {column}, char(2), char(3), '…', {tokens})
                     FROM {snippet_sql} WHERE {snippet_sql} MATCH ?1 AND rowid = ?2"
                ))?
                .query_row(rusqlite::params![expr, id], |r| {
                    r.get::<_, Option<String>>(0)
                })
                .optional()?
                .flatten(),
            None => None,
        };
        let text = hit.text.take().unwrap_or_default();
        hit.snippet = match marked {
            Some(m) if !m.trim().is_empty() => Snippet::from_marked(&m),
            // An article's text is read only when there is no snippet to show
            // (it is long, and the snippet has read it already).
            _ if plan.kind == HitKind::Article => {
                let start: String = conn
                    .prepare_cached("SELECT substr(text, 1, 400) FROM articles WHERE id = ?1")?
                    .query_row([id], |r| r.get(0))?;
                Snippet::plain(&start, 200)
            }
            _ => Snippet::plain(&text, 200),
        };
        if plan.kind != HitKind::Article {
            hit.text = Some(text);
        }
        Ok(Some(hit))
    }
}

/// Turns a [`SearchQuery`] into the SQL that finds its hits.
fn plan(q: &SearchQuery) -> Result<Plan, CorpusError> {
    let kind = q.target()?;
    for (name, day) in [("since", &q.since), ("until", &q.until)] {
        if let Some(d) = day {
            if iso_date(d).as_deref() != Some(d.as_str()) {
                return Err(CorpusError::Query(format!(
                    "{name} date {d:?} is not a day written YYYY-MM-DD"
                )));
            }
        }
    }
    let speaker =
        match &q.speaker {
            Some(s) => Some(fts::speaker_filter(s).ok_or_else(|| {
                CorpusError::Query(format!("speaker {s:?} has no word to look for"))
            })?),
            None => None,
        };
    let text = q.fts_text().map(fts::prepare_query);
    let mut params: Vec<Value> = Vec::new();
    let mut wheres: Vec<String> = Vec::new();

    // The FTS5 expression matched against the target's own index.
    let fts = match (kind, &text, &speaker) {
        (HitKind::Quote, Some(t), Some(s)) => Some(format!("({t}) AND ({s})")),
        (HitKind::Quote, None, Some(s)) => Some(s.clone()),
        (_, Some(t), _) => Some(t.clone()),
        _ => None,
    };
    let (index, alias, table) = match kind {
        HitKind::Article => ("articles_fts", "a", "articles"),
        HitKind::Span => ("spans_fts", "s", "spans"),
        HitKind::Quote => ("quotes_fts", "q", "quotes"),
    };
    if let Some(expr) = &fts {
        wheres.push(format!("{index} MATCH ?"));
        params.push(Value::Text(expr.clone()));
    }

    // Filters on the target's rows.
    let list = |n: usize| vec!["?"; n].join(", ");
    match kind {
        HitKind::Span if !q.techniques.is_empty() => {
            // Listing by technique and outlet: start from the outlet's
            // articles (`+` keeps SQLite off the technique index), which
            // bounds the work by the outlet's size.
            let hint = if fts.is_none() && !q.outlets.is_empty() {
                "+"
            } else {
                ""
            };
            wheres.push(format!(
                "{hint}s.technique IN ({})",
                list(q.techniques.len())
            ));
            params.extend(q.techniques.iter().cloned().map(Value::Text));
        }
        HitKind::Article if !q.techniques.is_empty() => {
            wheres.push(format!(
                "a.id IN (SELECT article_id FROM article_techniques WHERE technique IN ({}))",
                list(q.techniques.len())
            ));
            params.extend(q.techniques.iter().cloned().map(Value::Text));
        }
        _ => {}
    }
    if let (HitKind::Article, Some(s)) = (kind, &speaker) {
        wheres.push(
            "a.id IN (SELECT qs.article_id FROM quotes_fts CROSS JOIN quotes qs \
             ON qs.id = quotes_fts.rowid WHERE quotes_fts MATCH ?)"
                .into(),
        );
        params.push(Value::Text(s.clone()));
    }

    // Filters on the article of each hit.
    let mut article_filter = false;
    if !q.outlets.is_empty() {
        let any = vec!["outlet = ? COLLATE NOCASE"; q.outlets.len()].join(" OR ");
        wheres.push(format!(
            "a.outlet IN (SELECT DISTINCT outlet FROM articles WHERE {any})"
        ));
        params.extend(q.outlets.iter().cloned().map(Value::Text));
        article_filter = true;
    }
    if let Some(d) = &q.since {
        wheres.push("a.published_date >= ?".into());
        params.push(Value::Text(d.clone()));
        article_filter = true;
    }
    if let Some(d) = &q.until {
        wheres.push("a.published_date <= ?".into());
        params.push(Value::Text(d.clone()));
        article_filter = true;
    }

    // FROM: the index first, then the rows it indexes, then their article.
    // Without a full-text query SQLite chooses the order (from the outlet
    // or date index when those filters are more selective).
    let join_article = kind != HitKind::Article && article_filter;
    let article_join = if join_article {
        let join = if fts.is_some() { "CROSS JOIN" } else { "JOIN" };
        format!(" {join} articles a ON a.id = {alias}.article_id")
    } else {
        String::new()
    };
    // Every filter but the MATCH reads the target's row (or its article).
    let needs_row = wheres.len() > usize::from(fts.is_some());
    let from = if fts.is_some() && !needs_row {
        format!("FROM {index}")
    } else if fts.is_some() {
        format!(
            "FROM {index} CROSS JOIN {table} {alias} ON {alias}.id = {index}.rowid{article_join}"
        )
    } else {
        format!("FROM {table} {alias}{article_join}")
    };
    let where_sql = if wheres.is_empty() {
        String::new()
    } else {
        format!(" WHERE {}", wheres.join(" AND "))
    };
    let (select, order) = match (kind, fts.is_some()) {
        (HitKind::Article, true) => (
            "articles_fts.rowid, articles_fts.rank",
            "articles_fts.rank, articles_fts.rowid",
        ),
        (HitKind::Span, true) => (
            "spans_fts.rowid, spans_fts.rank",
            "spans_fts.rank, spans_fts.rowid",
        ),
        (HitKind::Quote, true) => (
            "quotes_fts.rowid, quotes_fts.rank",
            "quotes_fts.rank, quotes_fts.rowid",
        ),
        (HitKind::Article, false) => ("a.id, NULL", "a.id"),
        (HitKind::Span, false) => ("s.id, NULL", "s.article_id, s.id"),
        (HitKind::Quote, false) => ("q.id, NULL", "q.article_id, q.id"),
    };
    Ok(Plan {
        kind,
        fts,
        from_where: format!("{from}{where_sql}"),
        order,
        params,
        select,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::Mode;
    use std::time::Duration;

    /// The query plan of a search: (parent, detail) rows.
    fn query_plan(q: &SearchQuery) -> Vec<(i64, String)> {
        let dir = tempfile::tempdir().unwrap();
        let c = Corpus::open(
            &dir.path().join("c.db"),
            Mode::Create,
            Duration::from_secs(5),
        )
        .unwrap();
        let p = plan(q).unwrap();
        let sql = format!(
            "EXPLAIN QUERY PLAN SELECT {} {} ORDER BY {} LIMIT 21",
            p.select, p.from_where, p.order
        );
        let mut stmt = c.connection().prepare(&sql).unwrap();
        let rows = stmt
            .query_map(params_from_iter(p.params.iter()), |r| {
                Ok((r.get(1)?, r.get(3)?))
            })
            .unwrap();
        rows.collect::<rusqlite::Result<_>>().unwrap()
    }

    /// The performance contract: a full-text search reads the FTS5 index
    /// first and reaches every other row by its rowid (filters on lists are
    /// subqueries run once), whatever the filters.
    #[test]
    fn full_text_searches_read_the_index_first_and_join_by_rowid() {
        let text = Some("assad".to_string());
        let queries = [
            SearchQuery {
                text: text.clone(),
                ..SearchQuery::default()
            },
            SearchQuery {
                text: text.clone(),
                kind: Some(HitKind::Article),
                outlets: vec!["x".into()],
                since: Some("2016-01-01".into()),
                until: Some("2017-01-01".into()),
                techniques: vec!["T".into()],
                ..SearchQuery::default()
            },
            SearchQuery {
                text: text.clone(),
                kind: Some(HitKind::Article),
                speaker: Some("bolton".into()),
                ..SearchQuery::default()
            },
            SearchQuery {
                text: text.clone(),
                outlets: vec!["x".into()],
                techniques: vec!["T".into(), "U".into()],
                ..SearchQuery::default()
            },
            SearchQuery {
                text: text.clone(),
                outlets: vec!["x".into()],
                speaker: Some("bolton".into()),
                ..SearchQuery::default()
            },
            SearchQuery {
                speaker: Some("bolton".into()),
                ..SearchQuery::default()
            },
        ];
        for q in queries {
            let kind = q.target().unwrap();
            let index = match kind {
                HitKind::Article => "articles_fts",
                HitKind::Span => "spans_fts",
                HitKind::Quote => "quotes_fts",
            };
            let steps: Vec<String> = query_plan(&q)
                .into_iter()
                .filter(|(parent, d)| {
                    *parent == 0 && (d.starts_with("SCAN") || d.starts_with("SEARCH"))
                })
                .map(|(_, d)| d)
                .collect();
            assert!(
                steps[0].starts_with(&format!("SCAN {index} VIRTUAL TABLE")),
                "{q:?}: {steps:?}"
            );
            assert!(
                steps[1..]
                    .iter()
                    .all(|d| d.ends_with("USING INTEGER PRIMARY KEY (rowid=?)")),
                "{q:?}: {steps:?}"
            );
        }
    }
}
