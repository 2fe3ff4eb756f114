//! Linking copies: each article not yet compared with the corpus is looked
//! up in an LSH index of every stored signature, and its candidates are
//! aligned; confirmed copy and partial links are stored.
//!
//! Only new articles are compared (each pair once), so adding articles to a
//! large corpus costs in proportion to what is added. The LSH index itself
//! is rebuilt in memory from the stored signatures at each run:
//! [`unspin_copies::lsh::BYTES_PER_ARTICLE`] bytes an article plus the
//! signatures (504 bytes and a hash-map entry an article), about 160 MB
//! for 100,000 articles.

use std::collections::{HashMap, HashSet};
use std::time::Instant;

use rayon::prelude::*;
use rusqlite::{params, TransactionBehavior};
use unspin_copies::signature::SIGNATURE_VERSION;
use unspin_copies::{align, Body, LshIndex, Relation, Signature};

use crate::error::CorpusError;
use crate::store::Corpus;

/// Articles compared per transaction.
const CHUNK: usize = 4096;

/// What one linking run did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct LinkReport {
    /// Articles whose signature was computed now (stored before version 2).
    pub signed: usize,
    /// Articles compared with the corpus in this run.
    pub compared: usize,
    /// Candidate pairs aligned.
    pub candidate_pairs: usize,
    /// Copy links found.
    pub copies: usize,
    /// Partial re-use links found.
    pub partials: usize,
}

impl Corpus {
    /// Articles not yet compared with the rest of the corpus (or without a
    /// signature at all).
    ///
    /// # Errors
    /// An SQLite error.
    pub fn unlinked_articles(&self) -> Result<usize, CorpusError> {
        let started = Instant::now();
        self.connection()
            .query_row(
                "SELECT (SELECT count(*) FROM copy_signatures WHERE linked = 0)
                      + (SELECT count(*) FROM articles a WHERE NOT EXISTS
                            (SELECT 1 FROM copy_signatures s WHERE s.article_id = a.id))
                      + (SELECT count(*) FROM copy_signatures WHERE version != ?1)",
                [SIGNATURE_VERSION],
                |r| r.get::<_, i64>(0),
            )
            .map(|n| n as usize)
            .map_err(|e| self.err(e, started))
    }

    /// Compares every article not yet compared with the corpus, storing
    /// copy and partial links, in transactions of a few thousand articles
    /// (an interrupted run keeps what it committed and the next continues).
    /// `progress(done, total)` is called after each transaction.
    ///
    /// # Errors
    /// An SQLite error; links committed before it are kept.
    pub fn link_copies(
        &mut self,
        progress: &mut dyn FnMut(usize, usize),
    ) -> Result<LinkReport, CorpusError> {
        let mut report = LinkReport {
            signed: self.sign_missing()?,
            ..LinkReport::default()
        };
        if self.unlinked_articles()? == 0 {
            return Ok(report);
        }
        let started = Instant::now();
        let (index, all, unlinked) = self.load_index().map_err(|e| self.err(e, started))?;
        let signatures = &all;
        let total = unlinked.len();
        let pending: HashSet<i64> = unlinked.iter().copied().collect();
        progress(0, total);
        for chunk in unlinked.chunks(CHUNK) {
            let mut pairs = Vec::new();
            for &x in chunk {
                let Some(sig) = signatures.get(&x) else {
                    continue;
                };
                let near = index.near(
                    sig,
                    |c| c != x && (c < x || !pending.contains(&c)),
                    |c| all.get(&c),
                );
                pairs.extend(near.into_iter().map(|c| (c.min(x), c.max(x))));
            }
            pairs.sort_unstable();
            pairs.dedup();
            let bodies = self.bodies(&pairs).map_err(|e| self.err(e, started))?;
            let links: Vec<_> = pairs
                .par_iter()
                .filter_map(|&(a, b)| {
                    let al = align(bodies.get(&a)?, bodies.get(&b)?);
                    (al.relation != Relation::Unrelated).then_some((a, b, al))
                })
                .collect();
            report.candidate_pairs += pairs.len();
            report.compared += chunk.len();
            let tx = self
                .conn_mut()
                .transaction_with_behavior(TransactionBehavior::Immediate);
            let write = |tx: rusqlite::Transaction<'_>| -> rusqlite::Result<()> {
                {
                    let mut insert = tx.prepare_cached(
                        "INSERT OR REPLACE INTO copy_links (a, b, relation, similarity, a_in_b, b_in_a)
                         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                    )?;
                    for (a, b, al) in &links {
                        insert.execute(params![
                            a,
                            b,
                            al.relation.as_str(),
                            al.similarity,
                            al.a_in_b,
                            al.b_in_a
                        ])?;
                    }
                    let mut mark = tx.prepare_cached(
                        "UPDATE copy_signatures SET linked = 1 WHERE article_id = ?1",
                    )?;
                    for id in chunk {
                        mark.execute([id])?;
                    }
                }
                tx.commit()
            };
            tx.and_then(write).map_err(|e| self.err(e, started))?;
            report.copies += links
                .iter()
                .filter(|l| l.2.relation == Relation::Copy)
                .count();
            report.partials += links
                .iter()
                .filter(|l| l.2.relation == Relation::Partial)
                .count();
            progress(report.compared, total);
        }
        Ok(report)
    }

    /// Computes and stores the signatures of articles that have none (or
    /// one of an older [`SIGNATURE_VERSION`]).
    fn sign_missing(&mut self) -> Result<usize, CorpusError> {
        let started = Instant::now();
        let ids: Vec<i64> = (|| -> rusqlite::Result<Vec<i64>> {
            let c = self.connection();
            c.execute(
                "DELETE FROM copy_signatures WHERE version != ?1",
                [SIGNATURE_VERSION],
            )?;
            let mut stmt = c.prepare(
                "SELECT id FROM articles a WHERE NOT EXISTS
                    (SELECT 1 FROM copy_signatures s WHERE s.article_id = a.id) ORDER BY id",
            )?;
            let rows = stmt.query_map([], |r| r.get(0))?;
            rows.collect()
        })()
        .map_err(|e| self.err(e, started))?;
        for chunk in ids.chunks(CHUNK) {
            let texts = self
                .texts(chunk.iter().copied())
                .map_err(|e| self.err(e, started))?;
            let signed: Vec<(i64, Option<Vec<u8>>, i64)> = texts
                .par_iter()
                .map(|(id, title, text)| {
                    let body = Body::new(text, title.as_deref());
                    (
                        *id,
                        body.signature().map(|s| s.to_bytes()),
                        body.words as i64,
                    )
                })
                .collect();
            let write = |conn: &mut rusqlite::Connection| -> rusqlite::Result<()> {
                let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
                {
                    let mut insert = tx.prepare_cached(
                        "INSERT OR REPLACE INTO copy_signatures (article_id, version, body_words, signature, linked)
                         VALUES (?1, ?2, ?3, ?4, 0)",
                    )?;
                    for (id, sig, words) in &signed {
                        insert.execute(params![id, SIGNATURE_VERSION, words, sig])?;
                    }
                }
                tx.commit()
            };
            write(self.conn_mut()).map_err(|e| self.err(e, started))?;
        }
        Ok(ids.len())
    }

    /// The LSH index of every stored signature, every signature, and the
    /// ids of the articles not yet linked (ascending; those without a
    /// signature included, to be marked linked).
    #[allow(clippy::type_complexity)]
    fn load_index(&self) -> rusqlite::Result<(LshIndex, HashMap<i64, Signature>, Vec<i64>)> {
        let c = self.connection();
        let n: i64 = c.query_row("SELECT count(*) FROM copy_signatures", [], |r| r.get(0))?;
        let mut index = LshIndex::with_capacity(n as usize);
        let mut all = HashMap::with_capacity(n as usize);
        let mut unlinked = Vec::new();
        let mut stmt = c.prepare(
            "SELECT article_id, signature, linked FROM copy_signatures ORDER BY article_id",
        )?;
        let mut rows = stmt.query([])?;
        while let Some(row) = rows.next()? {
            let id: i64 = row.get(0)?;
            let linked: i64 = row.get(2)?;
            let sig = row
                .get_ref(1)?
                .as_blob_or_null()?
                .and_then(Signature::from_bytes);
            if linked == 0 {
                unlinked.push(id);
            }
            if let Some(sig) = sig {
                index.insert(id, &sig);
                all.insert(id, sig);
            }
        }
        index.prepare();
        Ok((index, all, unlinked))
    }

    /// The bodies of the articles in `pairs`.
    fn bodies(&self, pairs: &[(i64, i64)]) -> rusqlite::Result<HashMap<i64, Body>> {
        let mut ids: Vec<i64> = pairs.iter().flat_map(|&(a, b)| [a, b]).collect();
        ids.sort_unstable();
        ids.dedup();
        let texts = self.texts(ids.into_iter())?;
        Ok(texts
            .into_par_iter()
            .map(|(id, title, text)| (id, Body::new(&text, title.as_deref())))
            .collect())
    }

    /// Title and text of each article in `ids`.
    pub(crate) fn texts(
        &self,
        ids: impl Iterator<Item = i64>,
    ) -> rusqlite::Result<Vec<(i64, Option<String>, String)>> {
        let mut stmt = self
            .connection()
            .prepare_cached("SELECT title, text FROM articles WHERE id = ?1")?;
        let mut out = Vec::new();
        for id in ids {
            let row = stmt.query_row([id], |r| Ok((r.get(0)?, r.get(1)?)));
            match row {
                Ok((title, text)) => out.push((id, title, text)),
                Err(rusqlite::Error::QueryReturnedNoRows) => {}
                Err(e) => return Err(e),
            }
        }
        Ok(out)
    }
}
