//! The handlers of the corpus API.

use std::io::{Read as _, Seek as _};
use std::pin::Pin;
use std::task::{Context, Poll};

use axum::extract::{Path, RawQuery, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use serde_json::{json, Value};
use unspin_analysis::{render, OutputFormat};
use unspin_corpus::{
    CopyCluster, Corpus, ExportFormat, ExportOptions, GroupBy, GroupStats, HitKind, SearchQuery,
    StatsQuery, StatsReport, Table, UNKNOWN,
};
use unspin_writers::Comparison;

use super::params::{bad, Page, Params};
use super::{corpus_error, CorpusDb};
use crate::error::ApiError;

/// Most outlets one timeline request draws (one statistics run each).
const MAX_SERIES_OUTLETS: usize = 20;

/// Speakers and sources listed on an outlet's page.
const TOP_NAMES: usize = 20;

fn ok<T: Serialize>(body: &T) -> Response {
    match serde_json::to_vec(body) {
        Ok(bytes) => (
            StatusCode::OK,
            [
                (header::CONTENT_TYPE, "application/json"),
                (header::CACHE_CONTROL, "no-store"),
            ],
            bytes,
        )
            .into_response(),
        Err(e) => ApiError::Internal(format!("cannot serialise the response: {e}")).into_response(),
    }
}

fn answer(result: Result<Value, ApiError>) -> Response {
    match result {
        Ok(v) => ok(&v),
        Err(e) => e.into_response(),
    }
}

fn paged(page: Page, total: usize, items: Value) -> Value {
    json!({"total": total, "page": page.page, "per_page": page.per_page, "items": items})
}

fn to_value<T: Serialize>(x: &T) -> Result<Value, ApiError> {
    serde_json::to_value(x).map_err(|e| ApiError::Internal(e.to_string()))
}

/// The corpus-wide technique mix: spans, articles and rates per technique,
/// from the report by technique over every article.
fn technique_mix(report: &StatsReport) -> Vec<Value> {
    report
        .groups
        .iter()
        .filter_map(|g| g.techniques.first())
        .map(|t| {
            json!({"technique": t.technique, "spans": t.spans, "articles": t.articles,
                   "spans_per_1k_words": t.spans_per_1k_words, "article_share": t.article_share})
        })
        .collect()
}

/// `GET /api/corpus/overview`.
pub(crate) async fn overview(State(db): State<CorpusDb>, RawQuery(q): RawQuery) -> Response {
    answer(
        async {
            Params::parse(q.as_deref(), &[])?;
            db.run_cached(|corpus, cached| {
                // The same for every request while the file does not change.
                if let Some(v) = cached.overview.get() {
                    return Ok(v.clone());
                }
                let info = corpus.info().map_err(corpus_error)?;
                let all = cached.report(&StatsQuery::new(GroupBy::Outlet).min_articles(0));
                let mut v = to_value(&info)?;
                // The server's file path is not the client's business: its name.
                v["path"] = json!(corpus.path().file_name().map(|n| n.to_string_lossy()));
                let rate = all
                    .groups
                    .iter()
                    .fold((0u64, 0u64), |(s, w), g| (s + g.spans, w + g.words));
                v["spans_per_1k_words"] = json!(if rate.1 > 0 {
                    Some(rate.0 as f64 * 1000.0 / rate.1 as f64)
                } else {
                    None
                });
                v["techniques"] = json!(technique_mix(&cached.by_technique()));
                Ok(cached.overview.get_or_init(|| v).clone())
            })
            .await
        }
        .await,
    )
}

/// Columns `outlets` sorts by (besides a technique label: its rate).
const OUTLET_SORTS: &[&str] = &[
    "articles",
    "outlet",
    "words",
    "spans",
    "spans_per_1k_words",
    "quotes",
    "quotation_share",
    "named_sources",
    "anonymous_sources",
    "named_source_share",
    "hedged_claim_share",
    "copies",
    "copy_share",
];

fn sort_key(g: &GroupStats, sort: &str) -> Option<f64> {
    let est = |e: &Option<unspin_corpus::Estimate>| e.map(|e| e.value);
    match sort {
        "articles" => Some(g.articles as f64),
        "words" => Some(g.words as f64),
        "spans" => Some(g.spans as f64),
        "spans_per_1k_words" => est(&g.spans_per_1k_words),
        "quotes" => Some(g.quotes as f64),
        "quotation_share" => est(&g.quotation_share),
        "named_sources" => Some(g.named_sources as f64),
        "anonymous_sources" => Some(g.anonymous_sources as f64),
        "named_source_share" => est(&g.named_source_share),
        "hedged_claim_share" => est(&g.hedged_claim_share),
        "copies" => Some(g.copies as f64),
        "copy_share" => est(&g.copy_share),
        label => g
            .techniques
            .iter()
            .find(|t| t.technique == label)
            .and_then(|t| est(&t.spans_per_1k_words)),
    }
}

/// `GET /api/corpus/outlets`.
pub(crate) async fn outlets(State(db): State<CorpusDb>, RawQuery(q): RawQuery) -> Response {
    answer(
        async {
            let p = Params::parse(
                q.as_deref(),
                &[
                    "technique",
                    "since",
                    "until",
                    "min_articles",
                    "sort",
                    "order",
                    "page",
                    "per_page",
                ],
            )?;
            let techniques = p.techniques()?;
            let mut query = StatsQuery::new(GroupBy::Outlet).min_articles(p.int(
                "min_articles",
                1,
                0,
                u32::MAX as u64,
            )?);
            for t in &techniques {
                query = query.technique(t).map_err(|e| bad("technique", e))?;
            }
            query = p.dates()?.apply(query)?;
            let sort = p.one("sort")?.unwrap_or_else(|| "articles".into());
            let is_label = unspin_taxonomy::TECHNIQUES.iter().any(|t| t.label == sort);
            if !OUTLET_SORTS.contains(&sort.as_str()) && !is_label {
                return Err(bad(
                    "sort",
                    format!(
                        "expected one of {} or a technique label",
                        OUTLET_SORTS.join(", ")
                    ),
                ));
            }
            let default_order = if sort == "outlet" { "asc" } else { "desc" };
            let desc = p.choice("order", &["asc", "desc"], default_order)? == "desc";
            let page = p.page()?;
            db.run_cached(move |_, cached| {
                let report = cached.report(&query);
                let mut groups = report.groups.clone();
                if sort == "outlet" {
                    groups.sort_by_key(|g| g.group.to_lowercase());
                    if desc {
                        groups.reverse();
                    }
                } else {
                    // Undefined values last either way; ties by name.
                    groups.sort_by(|a, b| {
                        let (x, y) = (sort_key(a, &sort), sort_key(b, &sort));
                        let ord = match (x, y) {
                            (Some(x), Some(y)) if desc => y.total_cmp(&x),
                            (Some(x), Some(y)) => x.total_cmp(&y),
                            (Some(_), None) => std::cmp::Ordering::Less,
                            (None, Some(_)) => std::cmp::Ordering::Greater,
                            (None, None) => std::cmp::Ordering::Equal,
                        };
                        ord.then_with(|| a.group.cmp(&b.group))
                    });
                }
                let total = groups.len();
                let mut v = paged(page, total, to_value(&page.slice(groups))?);
                v["sort"] = json!(sort);
                v["order"] = json!(if desc { "desc" } else { "asc" });
                v["techniques"] = json!(report.techniques);
                v["articles"] = json!(report.articles);
                v["words"] = json!(report.words);
                v["undated_excluded"] = json!(report.undated_excluded);
                v["not_analysed"] = json!(report.not_analysed);
                v["other_language"] = json!(report.other_language);
                v["garbled"] = json!(report.garbled);
                v["hidden_groups"] = json!(report.hidden_groups);
                Ok(v)
            })
            .await
        }
        .await,
    )
}

/// `GET /api/corpus/outlets/{outlet}`.
pub(crate) async fn outlet(
    State(db): State<CorpusDb>,
    Path(name): Path<String>,
    RawQuery(q): RawQuery,
) -> Response {
    answer(
        async {
            Params::parse(q.as_deref(), &[])?;
            db.run_cached(move |corpus, cached| {
                if corpus.outlet_articles(&name).map_err(corpus_error)? == 0 {
                    return Err(ApiError::Missing(format!(
                        "no outlet {name:?} in this corpus"
                    )));
                }
                let report = cached.report(
                    &StatsQuery::new(GroupBy::Outlet)
                        .outlet(&name)
                        .min_articles(0),
                );
                let Some(group) = report.groups.first().cloned() else {
                    return Err(ApiError::Missing(format!(
                        "no outlet {name:?} in this corpus"
                    )));
                };
                let corpus_avg = cached.by_technique();
                let profile: Vec<Value> = group
                    .techniques
                    .iter()
                    .map(|t| {
                        let avg = corpus_avg
                            .groups
                            .iter()
                            .flat_map(|g| g.techniques.first())
                            .find(|c| c.technique == t.technique);
                        json!({"technique": t.technique,
                           "outlet": {"spans": t.spans, "articles": t.articles,
                                      "spans_per_1k_words": t.spans_per_1k_words,
                                      "article_share": t.article_share},
                           "corpus": avg.map(|c| json!({"spans": c.spans, "articles": c.articles,
                                      "spans_per_1k_words": c.spans_per_1k_words,
                                      "article_share": c.article_share}))})
                    })
                    .collect();
                let names = cached.names(corpus)?;
                let speakers = names.speakers(&name, TOP_NAMES);
                let sources = names.sources(&name, TOP_NAMES);
                let wanted = |o: &Option<String>| match o {
                    Some(o) => o.eq_ignore_ascii_case(&name),
                    None => name == UNKNOWN,
                };
                let clusters: Vec<Value> = cached
                    .stats
                    .clusters()
                    .iter()
                    .filter(|c| c.members.iter().any(|m| wanted(&m.outlet)))
                    .map(|c| {
                        json!({"cluster": c.cluster, "origin": c.origin,
                           "members": c.members.iter().map(|m| json!({
                               "id": m.id, "outlet": m.outlet, "role": m.role,
                               "similarity": m.similarity})).collect::<Vec<_>>()})
                    })
                    .collect();
                let mut summary = to_value(&group)?;
                if let Some(obj) = summary.as_object_mut() {
                    obj.remove("techniques");
                }
                Ok(
                    json!({"outlet": group.group, "stats": summary, "profile": profile,
                      "speakers": speakers, "sources": sources, "copies": clusters}),
                )
            })
            .await
        }
        .await,
    )
}

/// `GET /api/corpus/timeline`.
pub(crate) async fn timeline(State(db): State<CorpusDb>, RawQuery(q): RawQuery) -> Response {
    answer(
        async {
            let p = Params::parse(
                q.as_deref(),
                &["technique", "outlet", "since", "until", "normalise"],
            )?;
            let techniques = p.techniques()?;
            let outlets = p.all("outlet");
            if outlets.len() > MAX_SERIES_OUTLETS {
                return Err(bad(
                    "outlet",
                    format!("at most {MAX_SERIES_OUTLETS} outlets at once"),
                ));
            }
            if techniques.len() > unspin_taxonomy::TECHNIQUES.len() {
                return Err(bad("technique", "a technique is given more than once"));
            }
            let normalise = p.flag("normalise", true)?;
            let dates = p.dates()?;
            let mut base = StatsQuery::new(GroupBy::Month).min_articles(0);
            for t in &techniques {
                base = base.technique(t).map_err(|e| bad("technique", e))?;
            }
            base = dates.apply(base)?;
            db.run_cached(move |_, cached| {
                // One statistics run per outlet (or one over the whole corpus).
                let runs: Vec<(Option<String>, StatsQuery)> = if outlets.is_empty() {
                    vec![(None, base.clone())]
                } else {
                    outlets
                        .iter()
                        .map(|o| (Some(o.clone()), base.clone().outlet(o)))
                        .collect()
                };
                let mut series = Vec::new();
                for (outlet, query) in runs {
                    let report = cached.report(&query);
                    let mut months: Vec<&GroupStats> = report.groups.iter().collect();
                    months.sort_by(|a, b| a.group.cmp(&b.group));
                    let lines: Vec<Option<&str>> = if techniques.is_empty() {
                        vec![None]
                    } else {
                        techniques.iter().map(|t| Some(t.as_str())).collect()
                    };
                    for technique in lines {
                        let points: Vec<Value> = months
                            .iter()
                            .map(|g| {
                                let (spans, rate) = match technique {
                                    None => (g.spans, g.spans_per_1k_words),
                                    Some(t) => g
                                        .techniques
                                        .iter()
                                        .find(|x| x.technique == t)
                                        .map_or((0, None), |x| (x.spans, x.spans_per_1k_words)),
                                };
                                let (value, low, high) = if normalise {
                                    (
                                        rate.map(|r| r.value),
                                        rate.map(|r| r.low),
                                        rate.map(|r| r.high),
                                    )
                                } else {
                                    (Some(spans as f64), None, None)
                                };
                                json!({"month": g.group, "articles": g.articles, "words": g.words,
                                   "spans": spans, "value": value, "low": low, "high": high})
                            })
                            .collect();
                        series.push(
                            json!({"outlet": outlet, "technique": technique, "points": points}),
                        );
                    }
                }
                Ok(json!({"normalise": normalise,
                      "unit": if normalise { "spans per 1,000 words" } else { "spans" },
                      "series": series}))
            })
            .await
        }
        .await,
    )
}

/// A search over `kind` from the request's filters.
fn search_query(p: &Params, kind: Option<HitKind>) -> Result<SearchQuery, ApiError> {
    let dates = p.dates()?;
    Ok(SearchQuery {
        text: p.one("q")?,
        kind,
        techniques: p.techniques()?,
        outlets: p.all("outlet"),
        speaker: p.one("speaker")?,
        since: dates.since_day,
        until: dates.until_day,
        limit: 0,
    })
}

fn run_search(corpus: &Corpus, mut query: SearchQuery, page: Page) -> Result<Value, ApiError> {
    query.target().map_err(corpus_error)?;
    let total = corpus.search_count(&query).map_err(corpus_error)?;
    query.limit = page.search_limit()?;
    let hits = corpus.search(&query).map_err(corpus_error)?.hits;
    Ok(paged(page, total as usize, to_value(&page.slice(hits))?))
}

/// `GET /api/corpus/spans`.
pub(crate) async fn spans(State(db): State<CorpusDb>, RawQuery(q): RawQuery) -> Response {
    answer(
        async {
            let p = Params::parse(
                q.as_deref(),
                &[
                    "technique",
                    "outlet",
                    "since",
                    "until",
                    "q",
                    "page",
                    "per_page",
                ],
            )?;
            let query = search_query(&p, Some(HitKind::Span))?;
            let page = p.page()?;
            db.run(move |corpus| run_search(corpus, query, page)).await
        }
        .await,
    )
}

/// `GET /api/corpus/search`.
pub(crate) async fn search(State(db): State<CorpusDb>, RawQuery(q): RawQuery) -> Response {
    answer(
        async {
            let p = Params::parse(
                q.as_deref(),
                &[
                    "q",
                    "in",
                    "technique",
                    "outlet",
                    "speaker",
                    "since",
                    "until",
                    "page",
                    "per_page",
                ],
            )?;
            let kind = match p.one("in")?.as_deref() {
                None => None,
                Some("articles") => Some(HitKind::Article),
                Some("spans") => Some(HitKind::Span),
                Some("quotes") => Some(HitKind::Quote),
                Some(_) => return Err(bad("in", "expected articles, spans or quotes")),
            };
            let query = search_query(&p, kind)?;
            let page = p.page()?;
            db.run(move |corpus| run_search(corpus, query, page)).await
        }
        .await,
    )
}

fn parse_id(name: &str, s: &str) -> Result<i64, ApiError> {
    s.parse::<i64>()
        .ok()
        .filter(|n| *n >= 1)
        .ok_or_else(|| bad(name, "expected an article id (a whole number from 1)"))
}

fn stored(corpus: &Corpus, id: i64) -> Result<unspin_corpus::StoredArticle, ApiError> {
    corpus
        .article(id)
        .map_err(corpus_error)?
        .ok_or_else(|| ApiError::Missing(format!("no article {id} in this corpus")))
}

/// `GET /api/corpus/articles/{id}`: what `corpus show` prints.
pub(crate) async fn article(
    State(db): State<CorpusDb>,
    Path(id): Path<String>,
    RawQuery(q): RawQuery,
) -> Response {
    answer(
        async {
            Params::parse(q.as_deref(), &[])?;
            let id = parse_id("id", &id)?;
            db.run(move |corpus| {
                let a = stored(corpus, id)?;
                let json = render(&a.document, OutputFormat::Json)
                    .map_err(|e| ApiError::Internal(e.to_string()))?;
                let mut v: Value =
                    serde_json::from_str(&json).map_err(|e| ApiError::Internal(e.to_string()))?;
                if let Some(obj) = v.as_object_mut() {
                    obj.insert("corpus_id".into(), a.id.into());
                    obj.insert("source".into(), a.source.into());
                    obj.insert("content_hash".into(), a.content_hash.into());
                    obj.insert("tier".into(), a.tier.into());
                    obj.insert("model".into(), a.model.into());
                    obj.insert("added_at".into(), a.added_at.into());
                    obj.insert("analysed_at".into(), a.analysed_at.into());
                }
                Ok(v)
            })
            .await
        }
        .await,
    )
}

/// `GET /api/corpus/copies`.
pub(crate) async fn copies(State(db): State<CorpusDb>, RawQuery(q): RawQuery) -> Response {
    answer(
        async {
            let p = Params::parse(q.as_deref(), &["min_similarity", "page", "per_page"])?;
            let min = p.fraction("min_similarity", 0.0)?;
            let page = p.page()?;
            db.run_cached(move |corpus, cached| {
                // Every link counts at 0: the cached clusters.
                if min <= 0.0 {
                    let clusters = cached.stats.clusters();
                    let items: Vec<&CopyCluster> = clusters
                        .iter()
                        .skip(page.offset())
                        .take(page.per_page)
                        .collect();
                    return Ok(paged(page, clusters.len(), to_value(&items)?));
                }
                let clusters = corpus.copy_clusters(min, false).map_err(corpus_error)?;
                Ok(paged(
                    page,
                    clusters.len(),
                    to_value(&page.slice(clusters))?,
                ))
            })
            .await
        }
        .await,
    )
}

/// `GET /api/corpus/compare?origin=ID&copy=ID`.
pub(crate) async fn compare(State(db): State<CorpusDb>, RawQuery(q): RawQuery) -> Response {
    answer(
        async {
            let p = Params::parse(q.as_deref(), &["origin", "copy"])?;
            let origin = parse_id(
                "origin",
                &p.one("origin")?.ok_or_else(|| bad("origin", "missing"))?,
            )?;
            let copy = parse_id(
                "copy",
                &p.one("copy")?.ok_or_else(|| bad("copy", "missing"))?,
            )?;
            db.run(move |corpus| {
                let a = stored(corpus, origin)?;
                let b = stored(corpus, copy)?;
                let cmp = Comparison::new(&a.document, &a.source, &b.document, &b.source);
                let json = cmp
                    .to_json()
                    .map_err(|e| ApiError::Internal(e.to_string()))?;
                let mut v: Value =
                    serde_json::from_str(&json).map_err(|e| ApiError::Internal(e.to_string()))?;
                v["origin"]["id"] = json!(origin);
                v["copy"]["id"] = json!(copy);
                Ok(v)
            })
            .await
        }
        .await,
    )
}

/// An SQL string literal.
fn sql_text(s: &str) -> String {
    format!("'{}'", s.replace('\'', "''"))
}

/// `GET /api/corpus/export`: a download made by the CLI's export code.
pub(crate) async fn export(State(db): State<CorpusDb>, RawQuery(q): RawQuery) -> Response {
    let result = async {
        let p = Params::parse(
            q.as_deref(),
            &["table", "format", "outlet", "since", "until", "technique"],
        )?;
        let table_name = p.choice(
            "table",
            &["articles", "spans", "quotes", "sources", "claims"],
            "articles",
        )?;
        let table = Table::ALL
            .into_iter()
            .find(|t| t.name() == table_name)
            .ok_or_else(|| bad("table", "unknown table"))?;
        let (format, media, ext) = match p.choice("format", &["csv", "jsonl", "parquet"], "csv")? {
            "jsonl" => (ExportFormat::Jsonl, "application/x-ndjson", "jsonl"),
            "parquet" => (
                ExportFormat::Parquet,
                "application/vnd.apache.parquet",
                "parquet",
            ),
            _ => (ExportFormat::Csv, "text/csv; charset=utf-8", "csv"),
        };
        let dates = p.dates()?;
        let mut conditions = Vec::new();
        let outlets = p.all("outlet");
        if !outlets.is_empty() {
            let list: Vec<String> = outlets.iter().map(|o| sql_text(o)).collect();
            conditions.push(format!("outlet COLLATE NOCASE IN ({})", list.join(", ")));
        }
        // Dates were checked to be digits and dashes.
        if let Some(s) = &dates.since_day {
            conditions.push(format!("published_date >= {}", sql_text(s)));
        }
        if let Some(u) = &dates.until_day {
            conditions.push(format!("published_date <= {}", sql_text(u)));
        }
        // `technique` (exact labels, checked): the spans table keeps the
        // spans of those techniques; the other tables the rows of articles
        // with at least one such span. The export evaluates the filter in a
        // subquery over `articles` for each row `t` of the table, so the
        // spans' own technique is read through `t` (a rowid lookup per row).
        let techniques = p.techniques()?;
        if !techniques.is_empty() {
            let list: Vec<String> = techniques.iter().map(|t| sql_text(t)).collect();
            let list = list.join(", ");
            conditions.push(if table_name == "spans" {
                format!("id = t.article_id AND t.technique IN ({list})")
            } else {
                format!("id IN (SELECT article_id FROM spans WHERE technique IN ({list}))")
            });
        }
        let mut options = ExportOptions::new(table, format);
        options.filter = (!conditions.is_empty()).then(|| conditions.join(" AND "));
        let body = db
            .run(move |corpus| {
                let io = |e: std::io::Error| ApiError::Internal(e.to_string());
                // Unlinked at once: nothing is left behind, whatever happens.
                let mut file = tempfile::tempfile().map_err(io)?;
                corpus
                    .export_to(&options, &mut file, &mut |_| {})
                    .map_err(corpus_error)?;
                let len = file.stream_position().map_err(io)?;
                file.rewind().map_err(io)?;
                Ok(FileBody {
                    file,
                    remaining: len,
                })
            })
            .await?;
        let disposition = format!("attachment; filename=\"{table_name}.{ext}\"");
        let mut response = (StatusCode::OK, axum::body::Body::new(body)).into_response();
        let headers = response.headers_mut();
        headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(media));
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
        if let Ok(v) = HeaderValue::from_str(&disposition) {
            headers.insert(header::CONTENT_DISPOSITION, v);
        }
        Ok::<Response, ApiError>(response)
    }
    .await;
    result.unwrap_or_else(IntoResponse::into_response)
}

/// Bytes sent per frame of an export download.
const CHUNK: usize = 64 * 1024;

/// An export's temporary file, sent in chunks of [`CHUNK`] bytes so that a
/// large export is never held in memory. (Reading a local temporary file
/// that was just written is served from the page cache.)
struct FileBody {
    file: std::fs::File,
    remaining: u64,
}

impl http_body::Body for FileBody {
    type Data = axum::body::Bytes;
    type Error = std::io::Error;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        _cx: &mut Context<'_>,
    ) -> Poll<Option<Result<http_body::Frame<Self::Data>, Self::Error>>> {
        if self.remaining == 0 {
            return Poll::Ready(None);
        }
        let mut buf = vec![0u8; CHUNK.min(self.remaining as usize)];
        match self.file.read(&mut buf) {
            Ok(0) => {
                self.remaining = 0;
                Poll::Ready(None)
            }
            Ok(n) => {
                buf.truncate(n);
                self.remaining = self.remaining.saturating_sub(n as u64);
                Poll::Ready(Some(Ok(http_body::Frame::data(buf.into()))))
            }
            Err(e) => {
                self.remaining = 0;
                Poll::Ready(Some(Err(e)))
            }
        }
    }

    fn is_end_stream(&self) -> bool {
        self.remaining == 0
    }

    fn size_hint(&self) -> http_body::SizeHint {
        http_body::SizeHint::with_exact(self.remaining)
    }
}
