//! The statistics of `corpus stats` for articles that are not in a corpus
//! file: per-article summaries given from outside (a Spark job's rows, a
//! data frame), computed by the same code as [`Corpus::stats`](crate::Corpus::stats).
//!
//! A front end groups the articles itself, asks [`bootstrapped`] which
//! groups get the bootstrap (it depends on every group's size), and calls
//! [`group_stats`] per group (or [`technique_rows`] for `--by technique`).
//! The bootstrap draws articles by position: give each group's articles in
//! the order a corpus would hold them (the order they were added) to get
//! the corpus's intervals. Copies are not computed here (`copies` is 0,
//! `copy_share` `None`, `copied_from` empty).
//!
//! ```
//! use unspin_corpus::external::{group_stats, ExternalArticle};
//! use unspin_corpus::GroupBy;
//!
//! let a = ExternalArticle {
//!     words: 6,
//!     techniques: vec![("Name_Calling,Labeling".into(), 1)],
//!     technique_spans: 1,
//!     ..Default::default()
//! };
//! let g = group_stats(GroupBy::Outlet, "The Daily", &[a], &["Name_Calling,Labeling"], true)?;
//! assert_eq!((g.articles, g.words, g.spans), (1, 6, 1));
//! assert!((g.spans_per_1k_words.unwrap().value - 1000.0 / 6.0).abs() < 1e-9);
//! # Ok::<(), unspin_corpus::StatsError>(())
//! ```

use super::compute::{self, Spec};
use super::load::Articles;
use super::{GroupBy, GroupStats, StatsError, BOOTSTRAP_MAX_ARTICLES};

/// One article's numbers, as the corpus stores them (`articles` row and its
/// `article_techniques`).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ExternalArticle {
    /// Words.
    pub words: u64,
    /// Technique spans of every technique.
    pub technique_spans: u64,
    /// Whether the sourcing layers were computed (the sourcing numbers
    /// below count only then).
    pub sourcing: bool,
    /// Quotes.
    pub quotes: u64,
    /// Share of the text inside quotes (clamped to `[0, 1]`; not finite: 0).
    pub quotation_share: f64,
    /// Named cited sources.
    pub named_sources: u64,
    /// Anonymous cited sources.
    pub anonymous_sources: u64,
    /// Check-worthy claims.
    pub check_worthy_claims: u64,
    /// Hedged check-worthy claims.
    pub hedged_claims: u64,
    /// `None` when the techniques were analysed; else why not, the
    /// `not_analysed` column of the corpus (`language`, `garbled`, …):
    /// such an article is counted apart (`GroupStats::not_analysed`) and
    /// its numbers are not used.
    pub not_analysed: Option<String>,
    /// Spans per technique (PTC label); labels not reported are ignored,
    /// a label given twice counts its spans together.
    pub techniques: Vec<(String, u64)>,
}

/// The technique columns: `techniques` (exact PTC labels, duplicates
/// dropped) or, when empty, all 14 in taxonomy order.
fn columns(techniques: &[&str]) -> Result<Vec<&'static str>, StatsError> {
    let mut query = super::StatsQuery::new(GroupBy::Outlet);
    for t in techniques {
        query = query.technique(t)?;
    }
    Ok(query.columns())
}

/// The article table of `articles` over the technique columns `labels`.
fn table(articles: &[ExternalArticle], labels: &[&str]) -> Articles {
    let mut a = Articles::default();
    a.tech_start.push(0);
    for (i, x) in articles.iter().enumerate() {
        a.ids.push(i as i64);
        a.words.push(x.words as f64);
        a.spans.push(x.technique_spans as f64);
        a.sourcing.push(x.sourcing);
        a.quotes.push(x.quotes as f64);
        let share = x.quotation_share;
        a.quotation_share.push(if share.is_finite() {
            share.clamp(0.0, 1.0)
        } else {
            0.0
        });
        a.named.push(x.named_sources as f64);
        a.anonymous.push(x.anonymous_sources as f64);
        a.check_worthy.push(x.check_worthy_claims as f64);
        a.hedged.push(x.hedged_claims as f64);
        a.skipped
            .push(super::Skipped::code(x.not_analysed.as_deref()));
        let start = a.tech.len();
        for (label, spans) in &x.techniques {
            let Some(col) = labels.iter().position(|l| l == label) else {
                continue;
            };
            match a.tech[start..].iter_mut().find(|(c, _)| *c as usize == col) {
                Some(entry) => entry.1 += *spans as f64,
                None => a.tech.push((col as u16, *spans as f64)),
            }
        }
        a.tech_start.push(a.tech.len() as u32);
    }
    a
}

/// The bootstrap seed of group `name` in a report grouped `by` (what
/// [`Corpus::stats`](crate::Corpus::stats) uses).
pub fn seed(by: GroupBy, name: &str) -> u64 {
    xxhash_rust::xxh3::xxh3_64(format!("{}\0{name}", by.as_str()).as_bytes())
}

/// Which groups (name, number of articles whose techniques were analysed:
/// those without `not_analysed`) get bootstrap intervals: those of up to
/// [`BOOTSTRAP_MAX_ARTICLES`], smallest first, within
/// [`BOOTSTRAP_BUDGET_ARTICLES`](super::BOOTSTRAP_BUDGET_ARTICLES) in all.
pub fn bootstrapped(sizes: &[(String, usize)]) -> Vec<bool> {
    let groups: Vec<(&str, usize)> = sizes.iter().map(|(n, k)| (n.as_str(), *k)).collect();
    super::bootstrapped(&groups)
}

/// Whether a group is shown at `min_articles` in a report grouped `by`,
/// given its sort key (analysed articles; `--by technique`: the key
/// [`technique_rows`] gives) and its row: at the default of 1, groups
/// whose articles were all set apart (`not_analysed`) are shown too.
pub fn shown(by: GroupBy, key: u64, row: &GroupStats, min_articles: u64) -> bool {
    super::shown(by, key, row, min_articles)
}

/// The statistics of one group `name` (of a report grouped `by`, which
/// seeds the bootstrap) of `articles`, in corpus order, reporting
/// `techniques` (all 14 when empty); `bootstrap` as [`bootstrapped`] says.
///
/// # Errors
/// [`StatsError::UnknownTechnique`].
pub fn group_stats(
    by: GroupBy,
    name: &str,
    articles: &[ExternalArticle],
    techniques: &[&str],
    bootstrap: bool,
) -> Result<GroupStats, StatsError> {
    let labels = columns(techniques)?;
    let a = table(articles, &labels);
    let all: Vec<usize> = (0..labels.len()).collect();
    let members: Vec<u32> = (0..articles.len() as u32).collect();
    let spec = Spec {
        name,
        labels: &labels,
        columns: &all,
        seed: seed(by, name),
        bootstrap,
    };
    Ok(compute::group(&a, &members, &spec))
}

/// The rows of a report `--by technique` over `articles` (corpus order):
/// one per reported technique, with the number of articles that have it
/// (what `min_articles` and the sort use).
///
/// # Errors
/// [`StatsError::UnknownTechnique`].
pub fn technique_rows(
    articles: &[ExternalArticle],
    techniques: &[&str],
) -> Result<Vec<(u64, GroupStats)>, StatsError> {
    let labels = columns(techniques)?;
    let a = table(articles, &labels);
    let everyone: Vec<u32> = (0..articles.len() as u32).collect();
    Ok(labels
        .iter()
        .enumerate()
        .map(|(c, label)| {
            let columns = [c];
            let spec = Spec {
                name: label,
                labels: &labels,
                columns: &columns,
                seed: seed(GroupBy::Technique, label),
                bootstrap: (0..a.len()).filter(|&i| a.analysed(i)).count()
                    <= BOOTSTRAP_MAX_ARTICLES,
            };
            super::technique_row(&a, &everyone, c, &spec)
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use unspin_document::{layers, Document, Span};

    use super::*;
    use crate::{ArticleRecord, Corpus, Mode, Provenance, StatsQuery};

    /// A corpus of `n` articles over three outlets, and the same articles
    /// as external rows (in insertion order).
    fn fixture(
        n: usize,
    ) -> (
        tempfile::TempDir,
        Corpus,
        Vec<(Option<String>, ExternalArticle)>,
    ) {
        let dir = tempfile::tempdir().unwrap();
        let mut corpus = Corpus::open(
            &dir.path().join("c.db"),
            Mode::Create,
            Duration::from_secs(5),
        )
        .unwrap();
        let labels = ["Loaded_Language", "Doubt", "Name_Calling,Labeling"];
        let mut rows = Vec::new();
        let mut records = Vec::new();
        for i in 0..n {
            let words = 5 + i % 17;
            let text: Vec<String> = (0..words).map(|w| format!("w{i}x{w}")).collect();
            let text = text.join(" ");
            let mut doc = Document::new(format!("d{i}"), text.as_str());
            let outlet = (i % 4 != 0).then(|| format!("Outlet {}", i % 3));
            doc.metadata.site_name = outlet.clone();
            let mut techniques: Vec<(String, u64)> = Vec::new();
            let mut spans = 0;
            for (k, label) in labels.iter().enumerate() {
                let count = (i * (k + 3)) % 5 % 3;
                for s in 0..count {
                    let start = text.match_indices(' ').nth(s).map_or(0, |(b, _)| b + 1);
                    let end = start + text[start..].find(' ').unwrap_or(text.len() - start);
                    doc.add_span(layers::TECHNIQUE, Span::new(start, end, *label).unwrap())
                        .unwrap();
                }
                if count > 0 {
                    techniques.push((label.to_string(), count as u64));
                    spans += count as u64;
                }
            }
            let words = unspin_writers::to_wire(&doc).summary.words as u64;
            records.push(ArticleRecord::new(&doc, Provenance::default()).unwrap());
            rows.push((
                outlet,
                ExternalArticle {
                    words,
                    technique_spans: spans,
                    techniques,
                    ..Default::default()
                },
            ));
        }
        corpus.insert(&records).unwrap();
        (dir, corpus, rows)
    }

    #[test]
    fn groups_equal_the_corpus_report() {
        let (_dir, corpus, rows) = fixture(60);
        let report = corpus.stats(&StatsQuery::new(GroupBy::Outlet)).unwrap();
        let mut names: Vec<String> = Vec::new();
        for (o, _) in &rows {
            let name = o
                .clone()
                .unwrap_or_else(|| super::super::UNKNOWN.to_string());
            if !names.contains(&name) {
                names.push(name);
            }
        }
        let sizes: Vec<(String, usize)> = names
            .iter()
            .map(|g| {
                let n = rows
                    .iter()
                    .filter(|(o, _)| o.as_deref().unwrap_or(super::super::UNKNOWN) == g)
                    .count();
                (g.clone(), n)
            })
            .collect();
        let boot = bootstrapped(&sizes);
        for ((name, _), boot) in sizes.iter().zip(boot) {
            let members: Vec<ExternalArticle> = rows
                .iter()
                .filter(|(o, _)| o.as_deref().unwrap_or(super::super::UNKNOWN) == name)
                .map(|(_, a)| a.clone())
                .collect();
            let mut ours = group_stats(GroupBy::Outlet, name, &members, &[], boot).unwrap();
            let theirs = report.groups.iter().find(|g| &g.group == name).unwrap();
            ours.copies = theirs.copies;
            ours.copy_share = theirs.copy_share;
            ours.copied_from = theirs.copied_from.clone();
            assert_eq!(&ours, theirs, "{name}");
        }
    }

    #[test]
    fn technique_rows_equal_the_corpus_report() {
        let (_dir, corpus, rows) = fixture(40);
        let q = StatsQuery::new(GroupBy::Technique)
            .technique("Doubt")
            .unwrap()
            .technique("Loaded_Language")
            .unwrap();
        let report = corpus.stats(&q).unwrap();
        let articles: Vec<ExternalArticle> = rows.into_iter().map(|(_, a)| a).collect();
        let ours = technique_rows(&articles, &["Doubt", "Loaded_Language"]).unwrap();
        for (_, row) in &ours {
            let theirs = report.groups.iter().find(|g| g.group == row.group).unwrap();
            assert_eq!(row, theirs);
        }
        assert!(matches!(
            technique_rows(&articles, &["Doubts"]),
            Err(StatsError::UnknownTechnique { .. })
        ));
    }

    #[test]
    fn articles_not_analysed_are_set_apart_as_in_the_corpus() {
        let (_dir, mut corpus, mut rows) = fixture(30);
        let mut doc = Document::new("de", "Die Regierung hat heute den Plan vorgestellt.");
        doc.metadata.site_name = Some("Outlet 1".into());
        doc.warnings.push(unspin_document::Warning {
            code: unspin_document::WarningCode::Language,
            message: "German".into(),
            skipped_layers: vec![layers::TECHNIQUE.into()],
            language: Some("deu".into()),
        });
        corpus
            .insert(&[ArticleRecord::new(&doc, Provenance::default()).unwrap()])
            .unwrap();
        rows.push((
            Some("Outlet 1".into()),
            ExternalArticle {
                words: 7,
                not_analysed: Some("language".into()),
                ..Default::default()
            },
        ));
        let report = corpus.stats(&StatsQuery::new(GroupBy::Outlet)).unwrap();
        let theirs = report
            .groups
            .iter()
            .find(|g| g.group == "Outlet 1")
            .unwrap();
        let members: Vec<ExternalArticle> = rows
            .iter()
            .filter(|(o, _)| o.as_deref() == Some("Outlet 1"))
            .map(|(_, a)| a.clone())
            .collect();
        let analysed = members.iter().filter(|a| a.not_analysed.is_none()).count();
        let sizes: Vec<(String, usize)> = report
            .groups
            .iter()
            .map(|g| (g.group.clone(), g.articles as usize))
            .collect();
        let boot = bootstrapped(&sizes)[sizes.iter().position(|s| s.0 == "Outlet 1").unwrap()];
        let mut ours = group_stats(GroupBy::Outlet, "Outlet 1", &members, &[], boot).unwrap();
        ours.copies = theirs.copies;
        ours.copy_share = theirs.copy_share;
        ours.copied_from = theirs.copied_from.clone();
        assert_eq!(&ours, theirs);
        assert_eq!(
            (
                ours.articles as usize,
                ours.not_analysed,
                ours.other_language
            ),
            (analysed, 1, 1)
        );
        assert!(shown(GroupBy::Outlet, ours.articles, &ours, 1));
        let all: Vec<ExternalArticle> = rows.into_iter().map(|(_, a)| a).collect();
        let t = technique_rows(&all, &["Doubt"]).unwrap();
        assert_eq!(t[0].1.not_analysed, 1);
    }
}
