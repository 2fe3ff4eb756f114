//! The copy columns of a stats report: how many of a group's articles are
//! copies of another article in the corpus, and whose.

use std::collections::HashMap;
use std::time::Instant;

use super::compute::share;
use super::load::{Articles, Groups};
use super::{CopiedFrom, GroupStats, COPIED_FROM_SHOWN, UNKNOWN};
use crate::copies::clusters::{CopyCluster, Role};
use crate::error::CorpusError;
use crate::store::Corpus;

/// The copies of a corpus: each copy's article id and the outlet of the
/// origin it re-publishes ([`UNKNOWN`] when it has none).
#[derive(Debug, Clone, Default)]
pub(crate) struct CopyIndex {
    origin_outlet: HashMap<i64, String>,
}

impl CopyIndex {
    /// The copies of `clusters` (as [`Corpus::copy_clusters`] gives them at
    /// similarity 0), with their origins' outlets read from `corpus`.
    pub(crate) fn new(corpus: &Corpus, clusters: &[CopyCluster]) -> Result<CopyIndex, CorpusError> {
        // An article's role is its first one (as `Corpus::copy_roles`).
        let mut first: HashMap<i64, (Role, i64)> = HashMap::new();
        for c in clusters {
            for m in &c.members {
                first.entry(m.id).or_insert((m.role, c.origin));
            }
        }
        let started = Instant::now();
        let mut outlets: HashMap<i64, String> = HashMap::new();
        let mut origin_outlet = HashMap::new();
        let mut stmt = corpus
            .connection()
            .prepare_cached("SELECT coalesce(outlet, ?2) FROM articles WHERE id = ?1")
            .map_err(|e| corpus.err(e, started))?;
        for (&id, &(role, origin)) in &first {
            if role != Role::Copy {
                continue;
            }
            let outlet = match outlets.get(&origin) {
                Some(o) => o.clone(),
                None => {
                    let o: String = stmt
                        .query_row(rusqlite::params![origin, UNKNOWN], |row| row.get(0))
                        .map_err(|e| corpus.err(e, started))?;
                    outlets.insert(origin, o.clone());
                    o
                }
            };
            origin_outlet.insert(id, outlet);
        }
        Ok(CopyIndex { origin_outlet })
    }

    /// Reads the copies of `corpus`.
    pub(crate) fn load(corpus: &Corpus) -> Result<CopyIndex, CorpusError> {
        CopyIndex::new(corpus, &corpus.copy_clusters(0.0, false)?)
    }
}

/// Fills `copies`, `copy_share` and `copied_from` of `rows`, which are in
/// the order of `groups`. Articles not yet compared for copies count as
/// not copies.
pub(crate) fn add_copy_stats(
    index: &CopyIndex,
    articles: &Articles,
    groups: &Groups,
    rows: &mut [(u64, GroupStats)],
) {
    for ((_, members), (_, row)) in groups.iter().zip(rows.iter_mut()) {
        let mut from: HashMap<&str, u64> = HashMap::new();
        let mut copies = 0u64;
        // Articles set apart (techniques not analysed) are left out here too.
        let counted = members
            .iter()
            .filter(|&&i| articles.analysed(i as usize))
            .count();
        if !index.origin_outlet.is_empty() {
            for &i in members {
                if !articles.analysed(i as usize) {
                    continue;
                }
                let id = articles.ids[i as usize];
                if let Some(outlet) = index.origin_outlet.get(&id) {
                    copies += 1;
                    *from.entry(outlet.as_str()).or_default() += 1;
                }
            }
        }
        let mut from: Vec<CopiedFrom> = from
            .into_iter()
            .map(|(outlet, copies)| CopiedFrom {
                outlet: outlet.to_string(),
                copies,
            })
            .collect();
        from.sort_by(|a, b| {
            b.copies
                .cmp(&a.copies)
                .then_with(|| a.outlet.cmp(&b.outlet))
        });
        from.truncate(COPIED_FROM_SHOWN);
        row.copies = copies;
        row.copy_share = share(copies as f64, counted as f64, None);
        row.copied_from = from;
    }
}
