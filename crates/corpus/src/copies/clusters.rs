//! Clusters of copies read back from the stored links: members, roles, the
//! origin and why, and what each copy changed.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::time::Instant;

use serde::Serialize;
use unspin_copies::{changes, choose_origin, clusters, Basis, Changes, Link, Member, Relation};

use crate::error::CorpusError;
use crate::store::Corpus;

/// What an article is in its cluster.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Where the story was first published (as far as the corpus shows).
    Origin,
    /// A re-publication of the origin.
    Copy,
    /// An article that re-uses a substantial part of a member.
    Partial,
}

/// One member of a cluster.
#[derive(Debug, Clone, Serialize)]
pub struct ClusterMember {
    /// Article id.
    pub id: i64,
    /// The input it was read from (path, URL or WARC record).
    pub path: String,
    /// Its web URL, when known.
    pub url: Option<String>,
    /// Its outlet.
    pub outlet: Option<String>,
    /// Its publication date.
    pub published: Option<String>,
    /// Its headline.
    pub title: Option<String>,
    /// Origin, copy or partial re-use.
    pub role: Role,
    /// Jaccard similarity of its body with the origin's (1 for the origin;
    /// for a member linked to the origin only through other copies, its
    /// highest similarity with any member).
    pub similarity: f64,
    /// What the origin decision rests on.
    pub basis: Basis,
    /// What a copy changed against the origin (copies only, when asked for).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub changes: Option<Changes>,
}

/// A cluster: one story and its re-publications.
#[derive(Debug, Clone, Serialize)]
pub struct CopyCluster {
    /// Cluster number (1-based, ordered by the lowest member id).
    pub cluster: usize,
    /// The origin's article id.
    pub origin: i64,
    /// Origin first, then copies, then partial re-uses, each by id.
    pub members: Vec<ClusterMember>,
}

/// Every article's place in a cluster, for statistics.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CopyRole {
    /// Its role.
    pub role: Role,
    /// The origin of its cluster.
    pub origin: i64,
}

impl Corpus {
    /// All stored links (copies and partial re-uses).
    ///
    /// # Errors
    /// An SQLite error.
    pub fn copy_links(&self) -> Result<Vec<Link>, CorpusError> {
        let started = Instant::now();
        let run = || -> rusqlite::Result<Vec<Link>> {
            let mut stmt = self.connection().prepare(
                "SELECT a, b, relation, similarity, a_in_b, b_in_a FROM copy_links ORDER BY a, b",
            )?;
            let rows = stmt.query_map([], |r| {
                let relation: String = r.get(2)?;
                Ok(Link {
                    a: r.get(0)?,
                    b: r.get(1)?,
                    relation: if relation == "copy" {
                        Relation::Copy
                    } else {
                        Relation::Partial
                    },
                    similarity: r.get(3)?,
                    a_in_b: r.get(4)?,
                    b_in_a: r.get(5)?,
                })
            })?;
            rows.collect()
        };
        run().map_err(|e| self.err(e, started))
    }

    /// The clusters of copies whose links have at least `min_similarity`,
    /// with partial re-users attached to the cluster they re-use; with
    /// `with_changes`, each copy's changes against the origin (reads and
    /// decodes both documents).
    ///
    /// # Errors
    /// An SQLite error, or a stored document that cannot be decoded.
    pub fn copy_clusters(
        &self,
        min_similarity: f64,
        with_changes: bool,
    ) -> Result<Vec<CopyCluster>, CorpusError> {
        let links: Vec<Link> = self
            .copy_links()?
            .into_iter()
            .filter(|l| l.similarity >= min_similarity)
            .collect();
        let by_pair: HashMap<(i64, i64), &Link> = links.iter().map(|l| ((l.a, l.b), l)).collect();
        let contains = |x: i64, y: i64| -> f64 {
            match by_pair.get(&(x.min(y), x.max(y))) {
                Some(l) if x < y => l.a_in_b,
                Some(l) => l.b_in_a,
                None => 0.0,
            }
        };
        let similarity = |x: i64, y: i64| by_pair.get(&(x.min(y), x.max(y))).map(|l| l.similarity);
        let mut groups = clusters(&links);
        let mut meta_cache: HashMap<i64, (Member, String, Option<String>)> = HashMap::new();
        // A partial re-use between articles in no cluster: the re-used
        // article (by pointer or date, else the one more of which is found
        // in the other) heads a cluster of its own.
        let clustered: HashSet<i64> = groups.iter().flatten().copied().collect();
        let mut solo: BTreeMap<i64, Basis> = BTreeMap::new();
        for l in links.iter().filter(|l| l.relation == Relation::Partial) {
            if clustered.contains(&l.a) || clustered.contains(&l.b) {
                continue;
            }
            self.load_member(l.a, &mut meta_cache)?;
            self.load_member(l.b, &mut meta_cache)?;
            let pair = [l.a, l.b];
            let members = [meta_cache[&l.a].0.clone(), meta_cache[&l.b].0.clone()];
            // `choose_origin` prefers the member that contains the other; the
            // source of a re-use is the one contained: swap the arguments.
            let (at, basis) = choose_origin(&members, &|x, y| contains(pair[y], pair[x]));
            solo.entry(pair[at]).or_insert(basis);
        }
        groups.extend(solo.keys().map(|&id| vec![id]));
        groups.sort_unstable_by_key(|g| g[0]);

        let mut out = Vec::with_capacity(groups.len());
        for (n, group) in groups.iter().enumerate() {
            for &id in group {
                self.load_member(id, &mut meta_cache)?;
            }
            let members: Vec<Member> = group.iter().map(|id| meta_cache[id].0.clone()).collect();
            let (origin_at, basis) = if group.len() == 1 {
                (
                    0,
                    solo.get(&group[0]).copied().unwrap_or(Basis::FirstStored),
                )
            } else {
                choose_origin(&members, &|x, y| contains(group[x], group[y]))
            };
            let origin = group[origin_at];
            let in_group: HashSet<i64> = group.iter().copied().collect();
            let mut partials: Vec<(i64, f64)> = links
                .iter()
                .filter(|l| l.relation == Relation::Partial)
                .filter_map(|l| {
                    if in_group.contains(&l.a) && !in_group.contains(&l.b) {
                        Some((l.b, l.similarity))
                    } else if in_group.contains(&l.b) && !in_group.contains(&l.a) {
                        Some((l.a, l.similarity))
                    } else {
                        None
                    }
                })
                .collect();
            partials.sort_by(|a, b| a.0.cmp(&b.0).then(b.1.total_cmp(&a.1)));
            partials.dedup_by_key(|p| p.0);
            let mut rows = Vec::with_capacity(group.len() + partials.len());
            let mut order: Vec<(i64, Role, f64)> = vec![(origin, Role::Origin, 1.0)];
            for &id in group.iter().filter(|&&id| id != origin) {
                let sim = similarity(origin, id).unwrap_or_else(|| {
                    group
                        .iter()
                        .filter_map(|&o| similarity(o, id))
                        .fold(0.0, f64::max)
                });
                order.push((id, Role::Copy, sim));
            }
            for (id, sim) in partials {
                self.load_member(id, &mut meta_cache)?;
                order.push((id, Role::Partial, sim));
            }
            let origin_doc = if with_changes && group.len() > 1 {
                self.article(origin)?.map(|a| a.document)
            } else {
                None
            };
            for (id, role, sim) in order {
                let (m, path, title) = &meta_cache[&id];
                let changes = match (&origin_doc, role) {
                    (Some(o), Role::Copy) => self.article(id)?.map(|a| changes(o, &a.document)),
                    _ => None,
                };
                rows.push(ClusterMember {
                    id,
                    path: path.clone(),
                    url: m.url.clone(),
                    outlet: m.outlet.clone(),
                    published: m.published.clone(),
                    title: title.clone(),
                    role,
                    similarity: sim,
                    basis,
                    changes,
                });
            }
            out.push(CopyCluster {
                cluster: n + 1,
                origin,
                members: rows,
            });
        }
        Ok(out)
    }

    /// Each clustered article's role and its cluster's origin.
    ///
    /// # Errors
    /// As [`Corpus::copy_clusters`].
    pub fn copy_roles(&self) -> Result<HashMap<i64, CopyRole>, CorpusError> {
        let mut out = HashMap::new();
        for c in self.copy_clusters(0.0, false)? {
            for m in c.members {
                // A partial re-user of several clusters keeps its first role;
                // an article is never both a copy and a partial re-user.
                out.entry(m.id).or_insert(CopyRole {
                    role: m.role,
                    origin: c.origin,
                });
            }
        }
        Ok(out)
    }

    fn load_member(
        &self,
        id: i64,
        cache: &mut HashMap<i64, (Member, String, Option<String>)>,
    ) -> Result<(), CorpusError> {
        if cache.contains_key(&id) {
            return Ok(());
        }
        let started = Instant::now();
        let row = self
            .connection()
            .prepare_cached(
                "SELECT source, url, canonical_url, outlet, original_source,
                        coalesce(published_date, published), title
                 FROM articles WHERE id = ?1",
            )
            .and_then(|mut s| {
                s.query_row([id], |r| {
                    Ok((
                        Member {
                            id,
                            url: r.get(1)?,
                            canonical_url: r.get(2)?,
                            outlet: r.get(3)?,
                            original_source: r.get(4)?,
                            published: r.get(5)?,
                        },
                        r.get::<_, String>(0)?,
                        r.get::<_, Option<String>>(6)?,
                    ))
                })
            })
            .map_err(|e| self.err(e, started))?;
        cache.insert(id, row);
        Ok(())
    }
}
