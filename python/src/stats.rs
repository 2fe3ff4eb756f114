//! The corpus statistics of `unspin corpus stats` for per-article rows held
//! in Python (`unspin_corpus::external`): what `unspin.spark.stats`
//! computes for each group, by the same Rust code as the command.
//!
//! A row is the tuple `(words, technique_spans, sourcing, quotes,
//! quotation_share, named_sources, anonymous_sources, check_worthy_claims,
//! hedged_claims, [(technique, spans), ...], not_analysed)`, where
//! `not_analysed` is `None` for an article whose techniques were analysed
//! and else why not (`"language"`, `"garbled"`: the corpus column of that
//! name; such an article is counted apart); results are the JSON of the
//! command's `GroupStats` objects.

use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use unspin_corpus::external::{self, ExternalArticle};
use unspin_corpus::GroupBy;

/// One article as Python passes it.
type Row = (
    u64,
    u64,
    bool,
    u64,
    f64,
    u64,
    u64,
    u64,
    u64,
    Vec<(String, u64)>,
    Option<String>,
);

fn article(row: Row) -> ExternalArticle {
    let (
        words,
        technique_spans,
        sourcing,
        quotes,
        quotation_share,
        named_sources,
        anonymous_sources,
        check_worthy_claims,
        hedged_claims,
        techniques,
        not_analysed,
    ) = row;
    ExternalArticle {
        words,
        technique_spans,
        sourcing,
        quotes,
        quotation_share,
        named_sources,
        anonymous_sources,
        check_worthy_claims,
        hedged_claims,
        not_analysed,
        techniques,
    }
}

fn group_by(by: &str) -> PyResult<GroupBy> {
    match by {
        "outlet" => Ok(GroupBy::Outlet),
        "author" => Ok(GroupBy::Author),
        "month" => Ok(GroupBy::Month),
        "technique" => Ok(GroupBy::Technique),
        other => Err(PyValueError::new_err(format!(
            "unknown grouping {other:?}; available: outlet, author, month, technique"
        ))),
    }
}

/// The statistics of group `name` (of a report grouped `by`) of `rows`, in
/// corpus order, reporting `techniques` (all 14 when empty), with bootstrap
/// intervals when `bootstrap`: the JSON of one `GroupStats`.
#[pyfunction]
#[pyo3(signature = (by, name, rows, techniques, bootstrap))]
pub fn corpus_group_stats(
    py: Python<'_>,
    by: &str,
    name: &str,
    rows: Vec<Row>,
    techniques: Vec<String>,
    bootstrap: bool,
) -> PyResult<String> {
    let by = group_by(by)?;
    let articles: Vec<ExternalArticle> = rows.into_iter().map(article).collect();
    py.detach(|| {
        let labels: Vec<&str> = techniques.iter().map(String::as_str).collect();
        let stats = external::group_stats(by, name, &articles, &labels, bootstrap)
            .map_err(|e| e.to_string())?;
        serde_json::to_string(&stats).map_err(|e| e.to_string())
    })
    .map_err(PyValueError::new_err)
}

/// The rows of a report by technique over `rows` (corpus order): the JSON
/// of a list of `[articles with the technique, GroupStats]`.
#[pyfunction]
#[pyo3(signature = (rows, techniques))]
pub fn corpus_technique_rows(
    py: Python<'_>,
    rows: Vec<Row>,
    techniques: Vec<String>,
) -> PyResult<String> {
    let articles: Vec<ExternalArticle> = rows.into_iter().map(article).collect();
    py.detach(|| {
        let labels: Vec<&str> = techniques.iter().map(String::as_str).collect();
        let rows = external::technique_rows(&articles, &labels).map_err(|e| e.to_string())?;
        serde_json::to_string(&rows).map_err(|e| e.to_string())
    })
    .map_err(PyValueError::new_err)
}

/// Which of the groups `(name, analysed articles)` get bootstrap intervals.
#[pyfunction]
pub fn corpus_bootstrapped(sizes: Vec<(String, usize)>) -> Vec<bool> {
    external::bootstrapped(&sizes)
}

/// The bootstrap seed of group `name` in a report grouped `by`.
#[pyfunction]
pub fn corpus_stats_seed(by: &str, name: &str) -> PyResult<u64> {
    Ok(external::seed(group_by(by)?, name))
}

/// Registers this module's functions in `m`.
pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(corpus_group_stats, m)?)?;
    m.add_function(wrap_pyfunction!(corpus_technique_rows, m)?)?;
    m.add_function(wrap_pyfunction!(corpus_bootstrapped, m)?)?;
    m.add_function(wrap_pyfunction!(corpus_stats_seed, m)?)?;
    Ok(())
}
