//! The copy columns of a stats report: how many of a group's articles are
//! copies of another article in the corpus, and whose.

use std::collections::HashMap;
use std::time::Instant;

use super::compute::share;
use super::load::{Articles, Groups};
use super::{CopiedFrom, GroupStats, COPIED_FROM_SHOWN, UNKNOWN};
use crate::copies::clusters::Role;
use crate::error::CorpusError;
use crate::store::Corpus;

/// Fills `copies`, `copy_share` and `copied_from` of `rows`, which are in
/// the order of `groups`. Articles not yet compared for copies count as
/// not copies.
pub(crate) fn add_copy_stats(
    corpus: &Corpus,
    articles: &Articles,
    groups: &Groups,
    rows: &mut [(u64, GroupStats)],
) -> Result<(), CorpusError> {
    let roles = corpus.copy_roles()?;
    if roles.is_empty() {
        for (_, row) in rows.iter_mut() {
            row.copy_share = share(0.0, row.articles as f64, None);
        }
        return Ok(());
    }
    let started = Instant::now();
    let mut outlet_of: HashMap<i64, String> = HashMap::new();
    {
        let mut stmt = corpus
            .connection()
            .prepare_cached("SELECT coalesce(outlet, ?2) FROM articles WHERE id = ?1")
            .map_err(|e| corpus.err(e, started))?;
        for r in roles.values().filter(|r| r.role == Role::Copy) {
            if let std::collections::hash_map::Entry::Vacant(slot) = outlet_of.entry(r.origin) {
                let outlet: String = stmt
                    .query_row(rusqlite::params![r.origin, UNKNOWN], |row| row.get(0))
                    .map_err(|e| corpus.err(e, started))?;
                slot.insert(outlet);
            }
        }
    }
    for ((_, members), (_, row)) in groups.iter().zip(rows.iter_mut()) {
        let mut from: HashMap<&str, u64> = HashMap::new();
        let mut copies = 0u64;
        for &i in members {
            let id = articles.ids[i as usize];
            if let Some(r) = roles.get(&id).filter(|r| r.role == Role::Copy) {
                copies += 1;
                if let Some(outlet) = outlet_of.get(&r.origin) {
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
        row.copy_share = share(copies as f64, members.len() as f64, None);
        row.copied_from = from;
    }
    Ok(())
}
