//! `unspin corpus stats`: technique rates, quotation and sourcing per
//! outlet, author, month or technique, each with a 95 % confidence interval
//! so that a small group's rate is not read as a finding.
//!
//! [`Corpus::stats`] answers a [`StatsQuery`] with a [`StatsReport`]: one
//! [`GroupStats`] per group, sorted by article count (descending). Articles
//! without an outlet, a date or an author are grouped as [`UNKNOWN`], never
//! dropped (except by `since`/`until`, which only dated articles can meet;
//! the report counts those left out). A reader that answers many queries
//! (the server) takes a [`StatsSnapshot`] ([`Corpus::stats_snapshot`]) once
//! and answers from memory with the same numbers.
//!
//! Articles whose techniques were not analysed (`articles.not_analysed`: a
//! warning set them aside, e.g. another language) are not articles without
//! techniques: every number leaves them out and each group counts them
//! apart ([`GroupStats::not_analysed`]).
//!
//! # Intervals
//! The unit of sampling is the article: spans within an article are not
//! independent (a loaded outlet repeats itself), so every interval treats
//! articles as clusters.
//! - **Share of articles** with a technique: the Wilson score interval.
//! - **Ratios of sums** (spans per 1,000 words, the word-weighted quotation
//!   share, named / all cited sources, hedged / check-worthy claims): for
//!   groups of up to [`BOOTSTRAP_MAX_ARTICLES`] articles, a percentile
//!   bootstrap over articles ([`RESAMPLES`] resamples, seeded by the group's
//!   name, so the same corpus gives the same numbers); for larger groups the
//!   linearised (delta-method) variance of the ratio estimator with
//!   articles as clusters, where the normal approximation holds. To bound
//!   the time, the bootstrap goes to the smallest groups first and stops
//!   once [`BOOTSTRAP_BUDGET_ARTICLES`] articles in all have been
//!   resampled; the other groups get the delta method (each group says
//!   which in [`GroupStats::ci_method`]).
//! - Each is then widened to at least what the counts alone would give if
//!   they were independent (the exact Poisson interval for a span count,
//!   Wilson for a proportion of sources or claims, a Bernoulli bound for the
//!   quotation share): three articles without a single span get
//!   `[0, 3.69 / words]`, not `[0, 0]`.
//!
//! ```
//! use std::time::Duration;
//! use unspin_corpus::{ArticleRecord, Corpus, GroupBy, Mode, Provenance, StatsQuery};
//! use unspin_document::{layers, Document, Span};
//!
//! let dir = tempfile::tempdir().unwrap();
//! let mut corpus = Corpus::open(&dir.path().join("c.db"), Mode::Create, Duration::from_secs(5))?;
//! let mut doc = Document::new("a", "These corrupt traitors lie to you.");
//! doc.metadata.site_name = Some("The Daily".into());
//! doc.add_span(layers::TECHNIQUE, Span::new(6, 22, "Name_Calling,Labeling").unwrap()).unwrap();
//! corpus.insert(&[ArticleRecord::new(&doc, Provenance::default()).unwrap()])?;
//!
//! let query = StatsQuery::new(GroupBy::Outlet).technique("Name_Calling,Labeling").unwrap();
//! let report = corpus.stats(&query)?;
//! let daily = &report.groups[0];
//! assert_eq!((daily.group.as_str(), daily.articles, daily.words), ("The Daily", 1, 6));
//! let rate = daily.techniques[0].spans_per_1k_words.unwrap();
//! assert!((rate.value - 1000.0 / 6.0).abs() < 1e-9 && rate.low < rate.value);
//! # Ok::<(), unspin_corpus::CorpusError>(())
//! ```

mod ci;
mod compute;
mod copies;
pub mod external;
mod load;

use std::time::Instant;

use rayon::prelude::*;
use serde::Serialize;
use unspin_taxonomy::TECHNIQUES;

use crate::copies::clusters::CopyCluster;
use crate::error::CorpusError;
use crate::store::Corpus;

/// The group of articles without an outlet, a date or an author.
pub const UNKNOWN: &str = "(unknown)";

/// Groups of at most this many articles get bootstrap intervals; larger
/// ones analytical (delta-method) intervals.
pub const BOOTSTRAP_MAX_ARTICLES: usize = 500;

/// Bootstrap resamples per group.
pub const RESAMPLES: usize = 1000;

/// At most this many articles in all (summed over groups, smallest groups
/// first) are bootstrapped in one report: `RESAMPLES` times as many draws,
/// a fraction of a second.
pub const BOOTSTRAP_BUDGET_ARTICLES: usize = 20_000;

/// Why an article's techniques were not analysed, as the stats tables hold
/// it (one byte per article).
pub(crate) struct Skipped;

impl Skipped {
    /// The techniques were analysed.
    pub(crate) const ANALYSED: u8 = 0;
    /// Another language (warning `language`).
    pub(crate) const LANGUAGE: u8 = 1;
    /// Not prose (warning `garbled`).
    pub(crate) const GARBLED: u8 = 2;
    /// Another warning that set the techniques aside.
    pub(crate) const OTHER: u8 = 3;

    /// The code of a `not_analysed` value (`None`: analysed).
    pub(crate) fn code(reason: Option<&str>) -> u8 {
        match reason.map(str::trim) {
            None | Some("") => Skipped::ANALYSED,
            Some("language") => Skipped::LANGUAGE,
            Some("garbled") => Skipped::GARBLED,
            Some(_) => Skipped::OTHER,
        }
    }
}

/// Articles set apart because their techniques were not analysed, by
/// reason.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct SetApart {
    /// All articles set apart.
    pub all: u64,
    /// Of those, in another language.
    pub language: u64,
    /// Of those, not prose.
    pub garbled: u64,
}

impl SetApart {
    /// Counts an article with [`Skipped`] code `code` (analysed ones are
    /// not counted).
    pub(crate) fn add(&mut self, code: u8) {
        if code == Skipped::ANALYSED {
            return;
        }
        self.all += 1;
        match code {
            Skipped::LANGUAGE => self.language += 1,
            Skipped::GARBLED => self.garbled += 1,
            _ => {}
        }
    }
}

/// What the groups are.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum GroupBy {
    /// The outlet (site name).
    Outlet,
    /// Each author of the byline (an article with two authors is in both
    /// groups).
    Author,
    /// The month of publication (`YYYY-MM`).
    Month,
    /// One row per technique over all selected articles.
    Technique,
}

impl GroupBy {
    /// The name used on the command line and in the JSON output.
    pub fn as_str(self) -> &'static str {
        match self {
            GroupBy::Outlet => "outlet",
            GroupBy::Author => "author",
            GroupBy::Month => "month",
            GroupBy::Technique => "technique",
        }
    }
}

/// An argument of a stats query that is not valid.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum StatsError {
    /// A technique name that is not a PTC label.
    #[error(
        "unknown technique \"{given}\"; valid names (exact PTC labels, one per flag): {}",
        valid_techniques()
    )]
    UnknownTechnique {
        /// The name given.
        given: String,
    },
    /// A date bound that is not `YYYY-MM-DD` or `YYYY-MM`, or not a real day.
    #[error("invalid date \"{given}\": {reason} (expected YYYY-MM-DD or YYYY-MM, e.g. 2016-02-24 or 2016-02)")]
    BadDate {
        /// The text given.
        given: String,
        /// What is wrong with it.
        reason: String,
    },
    /// The start of the date range is after its end.
    #[error("the date range is empty: since {since} is after until {until}")]
    EmptyRange {
        /// The first day.
        since: String,
        /// The last day.
        until: String,
    },
}

fn valid_techniques() -> String {
    TECHNIQUES
        .iter()
        .map(|t| t.label)
        .collect::<Vec<_>>()
        .join("  ")
}

/// A stats query: how to group, which techniques to report, which
/// articles to count.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatsQuery {
    by: GroupBy,
    techniques: Vec<&'static str>,
    outlets: Vec<String>,
    since: Option<String>,
    until: Option<String>,
    /// `since` and `until` as given, for messages.
    given: (String, String),
    min_articles: u64,
}

impl StatsQuery {
    /// Every article, every technique, grouped `by`; groups of any size.
    pub fn new(by: GroupBy) -> StatsQuery {
        StatsQuery {
            by,
            techniques: Vec::new(),
            outlets: Vec::new(),
            since: None,
            until: None,
            given: Default::default(),
            min_articles: 1,
        }
    }

    /// Reports technique `label` (an exact PTC label such as
    /// `Name_Calling,Labeling`); called once per technique. Without any,
    /// all 14 are reported.
    ///
    /// # Errors
    /// [`StatsError::UnknownTechnique`], listing the valid labels.
    pub fn technique(mut self, label: &str) -> Result<StatsQuery, StatsError> {
        let t = unspin_taxonomy::by_label(label.trim()).ok_or_else(|| {
            StatsError::UnknownTechnique {
                given: label.to_string(),
            }
        })?;
        if !self.techniques.contains(&t.label) {
            self.techniques.push(t.label);
        }
        Ok(self)
    }

    /// Counts only articles of outlet `name` (the whole name, ignoring the
    /// case of ASCII letters, as `corpus search --outlet` does; [`UNKNOWN`]
    /// selects articles without an outlet); called once per outlet.
    pub fn outlet(mut self, name: &str) -> StatsQuery {
        if !self.outlets.iter().any(|o| o == name) {
            self.outlets.push(name.to_string());
        }
        self
    }

    /// Counts only articles published on or after `day` (`YYYY-MM-DD`, or
    /// `YYYY-MM` for the first of the month).
    ///
    /// # Errors
    /// [`StatsError::BadDate`] or [`StatsError::EmptyRange`].
    pub fn since(mut self, day: &str) -> Result<StatsQuery, StatsError> {
        self.since = Some(parse_day(day, false)?);
        self.given.0 = day.trim().to_string();
        self.check_range()?;
        Ok(self)
    }

    /// Counts only articles published on or before `day` (`YYYY-MM-DD`, or
    /// `YYYY-MM` for the whole month).
    ///
    /// # Errors
    /// [`StatsError::BadDate`] or [`StatsError::EmptyRange`].
    pub fn until(mut self, day: &str) -> Result<StatsQuery, StatsError> {
        self.until = Some(parse_day(day, true)?);
        self.given.1 = day.trim().to_string();
        self.check_range()?;
        Ok(self)
    }

    /// Leaves out groups of fewer than `n` articles (counted in
    /// [`StatsReport::hidden_groups`]). `--by technique`: techniques found
    /// in fewer than `n` articles.
    pub fn min_articles(mut self, n: u64) -> StatsQuery {
        self.min_articles = n;
        self
    }

    /// How the groups are formed.
    pub fn by(&self) -> GroupBy {
        self.by
    }

    fn check_range(&self) -> Result<(), StatsError> {
        match (&self.since, &self.until) {
            (Some(s), Some(u)) if s > u => Err(StatsError::EmptyRange {
                since: self.given.0.clone(),
                until: self.given.1.clone(),
            }),
            _ => Ok(()),
        }
    }

    /// The technique columns: those asked for, or all, in taxonomy order
    /// when none was asked for.
    fn columns(&self) -> Vec<&'static str> {
        if self.techniques.is_empty() {
            TECHNIQUES.iter().map(|t| t.label).collect()
        } else {
            self.techniques.clone()
        }
    }
}

/// `YYYY-MM-DD` (checked to be a real day), or `YYYY-MM` as the first
/// (`end` false) or last (`end` true) day of that month, as `YYYY-MM-DD`.
fn parse_day(text: &str, end: bool) -> Result<String, StatsError> {
    let bad = |reason: &str| StatsError::BadDate {
        given: text.to_string(),
        reason: reason.to_string(),
    };
    let t = text.trim();
    let parts: Vec<&str> = t.split('-').collect();
    let digits = |s: &str, n: usize| s.len() == n && s.bytes().all(|b| b.is_ascii_digit());
    let ok = match parts.as_slice() {
        [y, m] => digits(y, 4) && digits(m, 2),
        [y, m, d] => digits(y, 4) && digits(m, 2) && digits(d, 2),
        _ => false,
    };
    if !ok {
        return Err(bad("not a date"));
    }
    let year: u32 = parts[0].parse().map_err(|_| bad("not a year"))?;
    let month: u32 = parts[1].parse().map_err(|_| bad("not a month"))?;
    if !(1..=12).contains(&month) {
        return Err(bad("the month must be 01 to 12"));
    }
    // `is_multiple_of` is newer than the workspace's rust-version (1.80).
    #[allow(clippy::manual_is_multiple_of)]
    let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
    let last = match month {
        2 if leap => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    };
    let day = match parts.get(2) {
        Some(d) => {
            let day: u32 = d.parse().map_err(|_| bad("not a day"))?;
            if !(1..=last).contains(&day) {
                return Err(bad(&format!("{year:04}-{month:02} has days 01 to {last}")));
            }
            day
        }
        // Stored dates are only checked to be 01..31, so the end of a month
        // is its 31st in string order.
        None if end => 31,
        None => 1,
    };
    Ok(format!("{year:04}-{month:02}-{day:02}"))
}

/// A point estimate with its 95 % confidence interval (`low <= value <=
/// high`).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Estimate {
    /// The estimate.
    pub value: f64,
    /// Lower bound.
    pub low: f64,
    /// Upper bound.
    pub high: f64,
}

impl Estimate {
    /// `high - low`.
    pub fn width(&self) -> f64 {
        self.high - self.low
    }
}

/// How a group's ratio intervals were computed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum CiMethod {
    /// Percentile bootstrap over articles (groups of up to
    /// [`BOOTSTRAP_MAX_ARTICLES`], within [`BOOTSTRAP_BUDGET_ARTICLES`]).
    Bootstrap,
    /// Delta method with articles as clusters (larger groups).
    Analytical,
}

/// One technique in one group.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TechniqueStats {
    /// The PTC label.
    pub technique: String,
    /// Its spans in the group.
    pub spans: u64,
    /// Articles of the group with at least one.
    pub articles: u64,
    /// Spans per 1,000 words (`None` when the group has no words).
    pub spans_per_1k_words: Option<Estimate>,
    /// Share of the group's articles with at least one (`None` for an empty group).
    pub article_share: Option<Estimate>,
}

/// The statistics of one group. With `--by technique`, `articles`,
/// `words`, `spans` and the rates are over all selected articles (`spans`:
/// that technique's), and the sourcing fields (from `sourcing_articles` on)
/// describe the articles in which the technique occurs.
///
/// Articles whose techniques were not analysed (a warning set them aside:
/// another language, garbled text) are not "articles without techniques":
/// they are left out of every number and interval and counted apart in
/// `not_analysed` (by reason in `other_language` and `garbled`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GroupStats {
    /// The outlet, author, month (`YYYY-MM`) or technique; [`UNKNOWN`] for
    /// articles without one.
    pub group: String,
    /// Articles whose techniques were analysed (what every number below
    /// counts).
    pub articles: u64,
    /// Articles of the group set apart because their techniques were not
    /// analysed (not in `articles`).
    pub not_analysed: u64,
    /// Of those, articles in another language (warning `language`).
    pub other_language: u64,
    /// Of those, articles that are not prose (warning `garbled`).
    pub garbled: u64,
    /// Words in them.
    pub words: u64,
    /// Technique spans (all techniques, also those not reported).
    pub spans: u64,
    /// Spans per 1,000 words.
    pub spans_per_1k_words: Option<Estimate>,
    /// The reported techniques, in the report's column order.
    pub techniques: Vec<TechniqueStats>,
    /// Articles analysed with the sourcing layers; the sourcing fields
    /// below count only these.
    pub sourcing_articles: u64,
    /// Quotes.
    pub quotes: u64,
    /// Word-weighted mean share of the text inside quotes.
    pub quotation_share: Option<Estimate>,
    /// Named cited sources.
    pub named_sources: u64,
    /// Anonymous cited sources.
    pub anonymous_sources: u64,
    /// Named / (named + anonymous) sources.
    pub named_source_share: Option<Estimate>,
    /// Check-worthy claims.
    pub check_worthy_claims: u64,
    /// Hedged check-worthy claims.
    pub hedged_claims: u64,
    /// Hedged / check-worthy claims.
    pub hedged_claim_share: Option<Estimate>,
    /// Articles that re-publish another article of the corpus (role `copy`
    /// in `corpus copies`); 0 when grouping by technique.
    pub copies: u64,
    /// Copies / articles, with its Wilson interval.
    pub copy_share: Option<Estimate>,
    /// The outlets whose articles this group's copies re-publish, most
    /// copied first (at most [`COPIED_FROM_SHOWN`]).
    pub copied_from: Vec<CopiedFrom>,
    /// How the ratio intervals were computed.
    pub ci_method: CiMethod,
}

/// An outlet a group copies from, and how many of the group's copies
/// re-publish it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CopiedFrom {
    /// The origin's outlet ([`UNKNOWN`] when it has none).
    pub outlet: String,
    /// Copies of its articles in the group.
    pub copies: u64,
}

/// Outlets listed in [`GroupStats::copied_from`].
pub const COPIED_FROM_SHOWN: usize = 3;

/// The filters a report was made with.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StatsFilters {
    /// Outlets (empty: all).
    pub outlets: Vec<String>,
    /// First day, inclusive.
    pub since: Option<String>,
    /// Last day, inclusive.
    pub until: Option<String>,
    /// Smallest group shown.
    pub min_articles: u64,
}

/// The answer to a [`StatsQuery`].
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StatsReport {
    /// How the groups were formed.
    pub by: GroupBy,
    /// The filters.
    pub filters: StatsFilters,
    /// The technique columns (PTC labels).
    pub techniques: Vec<String>,
    /// Selected articles whose techniques were analysed.
    pub articles: u64,
    /// Words in them.
    pub words: u64,
    /// Selected articles set apart because their techniques were not
    /// analysed (not in `articles`; see [`GroupStats::not_analysed`]).
    pub not_analysed: u64,
    /// Of those, articles in another language.
    pub other_language: u64,
    /// Of those, articles that are not prose.
    pub garbled: u64,
    /// Articles left out by `since`/`until` because they have no date.
    pub undated_excluded: u64,
    /// The confidence level of every interval (0.95).
    pub confidence: f64,
    /// Groups of up to this many articles have bootstrap intervals…
    pub bootstrap_max_articles: usize,
    /// …until this many articles in all, smallest groups first.
    pub bootstrap_budget_articles: usize,
    /// Bootstrap resamples.
    pub resamples: usize,
    /// The groups shown, most articles first.
    pub groups: Vec<GroupStats>,
    /// Groups hidden by `min_articles`.
    pub hidden_groups: u64,
}

impl Corpus {
    /// Answers a stats query.
    ///
    /// # Errors
    /// An SQLite error.
    pub fn stats(&self, query: &StatsQuery) -> Result<StatsReport, CorpusError> {
        let started = Instant::now();
        let conn = self.connection();
        let labels = query.columns();
        let (articles, groups) =
            load::load(conn, query, &labels).map_err(|e| self.err(e, started))?;
        let undated_excluded = if query.since.is_some() || query.until.is_some() {
            let (filter, params) = load::article_filter(query, false);
            conn.query_row(
                &format!("SELECT count(*) FROM articles WHERE published_date IS NULL AND {filter}"),
                rusqlite::params_from_iter(params.iter()),
                |r| r.get::<_, i64>(0),
            )
            .map_err(|e| self.err(e, started))? as u64
        } else {
            0
        };
        let copies = if query.by == GroupBy::Technique {
            copies::CopyIndex::default()
        } else {
            copies::CopyIndex::load(self)?
        };
        Ok(report(
            query,
            &labels,
            &articles,
            &groups,
            undated_excluded,
            &copies,
        ))
    }

    /// Reads everything [`Corpus::stats`] reads (every article's counts,
    /// outlet, date and authors, and the copy clusters) in one read
    /// transaction, to answer many stats queries from memory: some 25 MB
    /// and a second for 100,000 articles. See [`StatsSnapshot`].
    ///
    /// # Errors
    /// An SQLite error, or a stored document that cannot be decoded.
    pub fn stats_snapshot(&self) -> Result<StatsSnapshot, CorpusError> {
        let started = Instant::now();
        let snapshot = self
            .connection()
            .unchecked_transaction()
            .map_err(|e| self.err(e, started))?;
        let table = load::Table::load(self.connection()).map_err(|e| self.err(e, started))?;
        let clusters = self.copy_clusters(0.0, false)?;
        let copies = copies::CopyIndex::new(self, &clusters)?;
        drop(snapshot);
        Ok(StatsSnapshot {
            table,
            copies,
            clusters,
        })
    }
}

/// A corpus's statistics inputs held in memory ([`Corpus::stats_snapshot`]):
/// [`StatsSnapshot::stats`] answers a [`StatsQuery`] with the very report
/// [`Corpus::stats`] gives on the same data (same articles, same order, same
/// seeds), without reading the file, so a long-running reader (the server)
/// pays the reading once per version of the file. It does not see later
/// writes: take a new snapshot when the file changes.
///
/// ```
/// use std::time::Duration;
/// use unspin_corpus::{ArticleRecord, Corpus, GroupBy, Mode, Provenance, StatsQuery};
/// use unspin_document::Document;
///
/// let dir = tempfile::tempdir().unwrap();
/// let mut corpus = Corpus::open(&dir.path().join("c.db"), Mode::Create, Duration::from_secs(5))?;
/// let doc = Document::new("a", "The minister said the plan was a disaster.");
/// corpus.insert(&[ArticleRecord::new(&doc, Provenance::default()).unwrap()])?;
/// let snapshot = corpus.stats_snapshot()?;
/// let query = StatsQuery::new(GroupBy::Month);
/// assert_eq!(snapshot.stats(&query), corpus.stats(&query)?);
/// assert_eq!(snapshot.articles(), 1);
/// # Ok::<(), unspin_corpus::CorpusError>(())
/// ```
#[derive(Debug)]
pub struct StatsSnapshot {
    table: load::Table,
    copies: copies::CopyIndex,
    clusters: Vec<CopyCluster>,
}

impl StatsSnapshot {
    /// Answers a stats query from memory (see [`Corpus::stats`]).
    pub fn stats(&self, query: &StatsQuery) -> StatsReport {
        let labels = query.columns();
        let (articles, groups, undated_excluded) = self.table.select(query, &labels);
        let none = copies::CopyIndex::default();
        let copies = if query.by == GroupBy::Technique {
            &none
        } else {
            &self.copies
        };
        report(query, &labels, &articles, &groups, undated_excluded, copies)
    }

    /// The number of articles of the corpus.
    pub fn articles(&self) -> usize {
        self.table.len()
    }

    /// The copy clusters, as [`Corpus::copy_clusters`] gives them at
    /// similarity 0 without changes.
    pub fn clusters(&self) -> &[CopyCluster] {
        &self.clusters
    }
}

/// The report of `query` over the selected `articles` and their `groups`.
/// Groups are computed in parallel; each group's numbers depend only on its
/// members and its seed.
fn report(
    query: &StatsQuery,
    labels: &[&'static str],
    articles: &load::Articles,
    groups: &load::Groups,
    undated_excluded: u64,
    copy_index: &copies::CopyIndex,
) -> StatsReport {
    let all_columns: Vec<usize> = (0..labels.len()).collect();
    let seed_of = |name: &str| {
        xxhash_rust::xxh3::xxh3_64(format!("{}\0{name}", query.by.as_str()).as_bytes())
    };
    let everyone: Vec<u32> = (0..articles.len() as u32).collect();
    let analysed = |members: &[u32]| {
        members
            .iter()
            .filter(|&&i| articles.analysed(i as usize))
            .count()
    };
    let analysed_all = analysed(&everyone);
    let mut rows: Vec<(u64, GroupStats)> = match query.by {
        GroupBy::Technique => labels
            .par_iter()
            .enumerate()
            .map(|(c, label)| {
                let columns = [c];
                let spec = compute::Spec {
                    name: label,
                    labels,
                    columns: &columns,
                    seed: seed_of(label),
                    bootstrap: analysed_all <= BOOTSTRAP_MAX_ARTICLES,
                };
                technique_row(articles, &everyone, c, &spec)
            })
            .collect(),
        _ => {
            let sizes: Vec<(&str, usize)> = groups
                .iter()
                .map(|(name, members)| (name.as_str(), analysed(members)))
                .collect();
            let bootstrapped = bootstrapped(&sizes);
            groups
                .par_iter()
                .zip(bootstrapped)
                .map(|((name, members), bootstrap)| {
                    let spec = compute::Spec {
                        name,
                        labels,
                        columns: &all_columns,
                        seed: seed_of(name),
                        bootstrap,
                    };
                    let row = compute::group(articles, members, &spec);
                    (row.articles, row)
                })
                .collect()
        }
    };
    if query.by != GroupBy::Technique {
        copies::add_copy_stats(copy_index, articles, groups, &mut rows);
    }
    let total = rows.len();
    rows.retain(|(key, row)| shown(query.by, *key, row, query.min_articles));
    let hidden_groups = (total - rows.len()) as u64;
    rows.sort_by(|(ka, a), (kb, b)| kb.cmp(ka).then_with(|| a.group.cmp(&b.group)));
    let mut apart = SetApart::default();
    for &code in &articles.skipped {
        apart.add(code);
    }
    StatsReport {
        by: query.by,
        filters: StatsFilters {
            outlets: query.outlets.clone(),
            since: query.since.clone(),
            until: query.until.clone(),
            min_articles: query.min_articles,
        },
        techniques: labels.iter().map(|l| l.to_string()).collect(),
        articles: (articles.len() as u64).saturating_sub(apart.all),
        words: (0..articles.len())
            .filter(|&i| articles.analysed(i))
            .map(|i| articles.words[i])
            .sum::<f64>() as u64,
        not_analysed: apart.all,
        other_language: apart.language,
        garbled: apart.garbled,
        undated_excluded,
        confidence: 0.95,
        bootstrap_max_articles: BOOTSTRAP_MAX_ARTICLES,
        bootstrap_budget_articles: BOOTSTRAP_BUDGET_ARTICLES,
        resamples: RESAMPLES,
        groups: rows.into_iter().map(|(_, g)| g).collect(),
        hidden_groups,
    }
}

/// Whether a group (row `row` with sort key `key`) is shown at
/// `min_articles`: its key (analysed articles; with `--by technique`,
/// articles with the technique) reaches it. At the default of 1, a group
/// whose articles were all set apart is shown too, so that they are seen.
pub(crate) fn shown(by: GroupBy, key: u64, row: &GroupStats, min_articles: u64) -> bool {
    key >= min_articles || (by != GroupBy::Technique && min_articles <= 1 && row.not_analysed > 0)
}

/// Which groups (name, analysed articles) get the bootstrap: those of up
/// to [`BOOTSTRAP_MAX_ARTICLES`], smallest first (ties by name), while the
/// articles bootstrapped stay within [`BOOTSTRAP_BUDGET_ARTICLES`].
fn bootstrapped(groups: &[(&str, usize)]) -> Vec<bool> {
    let mut order: Vec<usize> = (0..groups.len()).collect();
    order.sort_by(|&a, &b| {
        let (ga, gb) = (&groups[a], &groups[b]);
        ga.1.cmp(&gb.1).then_with(|| ga.0.cmp(gb.0))
    });
    let mut chosen = vec![false; groups.len()];
    let mut spent = 0;
    for g in order {
        let n = groups[g].1;
        if n > BOOTSTRAP_MAX_ARTICLES || spent + n > BOOTSTRAP_BUDGET_ARTICLES {
            break;
        }
        spent += n;
        chosen[g] = true;
    }
    chosen
}

/// The row of technique column `c` in a report by technique, with its
/// sort key: rates over `everyone`, sourcing numbers over the articles
/// that have the technique, and how many those are.
pub(crate) fn technique_row(
    articles: &load::Articles,
    everyone: &[u32],
    c: usize,
    spec: &compute::Spec<'_>,
) -> (u64, GroupStats) {
    let mut row = compute::group(articles, everyone, spec);
    let with: Vec<u32> = everyone
        .iter()
        .copied()
        .filter(|&i| {
            articles
                .techniques(i as usize)
                .iter()
                .any(|&(col, n)| col as usize == c && n > 0.0)
        })
        .collect();
    let within = compute::group(articles, &with, spec);
    let t = &row.techniques[0];
    row.spans = t.spans;
    row.spans_per_1k_words = t.spans_per_1k_words;
    let key = t.articles;
    row.sourcing_articles = within.sourcing_articles;
    row.quotes = within.quotes;
    row.quotation_share = within.quotation_share;
    row.named_sources = within.named_sources;
    row.anonymous_sources = within.anonymous_sources;
    row.named_source_share = within.named_source_share;
    row.check_worthy_claims = within.check_worthy_claims;
    row.hedged_claims = within.hedged_claims;
    row.hedged_claim_share = within.hedged_claim_share;
    (key, row)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days() {
        assert_eq!(parse_day("2016-02-24", false).unwrap(), "2016-02-24");
        assert_eq!(parse_day("2016-02", false).unwrap(), "2016-02-01");
        assert_eq!(parse_day("2016-02", true).unwrap(), "2016-02-31");
        assert_eq!(parse_day("2016-02-29", true).unwrap(), "2016-02-29");
        for bad in [
            "2015-02-29",
            "2016-13",
            "2016-00-10",
            "16-02-01",
            "2016/02/01",
            "",
            "2016",
        ] {
            assert!(
                matches!(parse_day(bad, false), Err(StatsError::BadDate { .. })),
                "{bad}"
            );
        }
        let e = StatsQuery::new(GroupBy::Month)
            .since("2016-03")
            .unwrap()
            .until("2016-02")
            .unwrap_err();
        assert!(matches!(e, StatsError::EmptyRange { .. }));
    }

    #[test]
    fn bootstrap_goes_to_the_smallest_groups_within_the_budget() {
        let names: Vec<String> = (0..100).map(|i| format!("g{i:03}")).collect();
        let groups = |sizes: &[usize]| -> Vec<(&str, usize)> {
            sizes
                .iter()
                .enumerate()
                .map(|(i, &n)| (names[i].as_str(), n))
                .collect()
        };
        assert_eq!(
            bootstrapped(&groups(&[10, 501, 30, 500])),
            [true, false, true, true]
        );
        let even = bootstrapped(&groups(&[300; 100]));
        let n = BOOTSTRAP_BUDGET_ARTICLES / 300;
        assert_eq!(even.iter().filter(|b| **b).count(), n);
        assert!(even[..n].iter().all(|b| *b), "ties go by name");
    }

    #[test]
    fn techniques_are_exact_labels() {
        let q = StatsQuery::new(GroupBy::Outlet)
            .technique("Name_Calling,Labeling")
            .unwrap()
            .technique("Name_Calling,Labeling")
            .unwrap();
        assert_eq!(q.columns(), ["Name_Calling,Labeling"]);
        let e = StatsQuery::new(GroupBy::Outlet)
            .technique("Name_Calling")
            .unwrap_err();
        let msg = e.to_string();
        assert!(
            msg.contains("\"Name_Calling\"") && msg.contains("Loaded_Language"),
            "{msg}"
        );
        assert_eq!(StatsQuery::new(GroupBy::Outlet).columns().len(), 14);
    }
}
