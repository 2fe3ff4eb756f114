//! Clusters of copies: connected components of the confirmed copy links.

use std::collections::HashMap;

use serde::Serialize;

use crate::align::Relation;

/// A confirmed relation between two articles (`a < b`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Link {
    /// The lower article id.
    pub a: i64,
    /// The higher article id.
    pub b: i64,
    /// Copy or partial re-use.
    pub relation: Relation,
    /// Jaccard similarity of the two bodies' shingles.
    pub similarity: f64,
    /// Share of `a`'s body found in `b`.
    pub a_in_b: f64,
    /// Share of `b`'s body found in `a`.
    pub b_in_a: f64,
}

/// The clusters formed by the [`Relation::Copy`] links: each a sorted list
/// of article ids with at least two members, clusters ordered by their
/// first id.
pub fn clusters(links: &[Link]) -> Vec<Vec<i64>> {
    let mut index: HashMap<i64, usize> = HashMap::new();
    let mut ids: Vec<i64> = Vec::new();
    let mut parent: Vec<usize> = Vec::new();
    let mut slot = |id: i64, ids: &mut Vec<i64>, parent: &mut Vec<usize>| -> usize {
        *index.entry(id).or_insert_with(|| {
            ids.push(id);
            parent.push(parent.len());
            parent.len() - 1
        })
    };
    fn root(parent: &mut [usize], mut x: usize) -> usize {
        while parent[x] != x {
            parent[x] = parent[parent[x]];
            x = parent[x];
        }
        x
    }
    for link in links.iter().filter(|l| l.relation == Relation::Copy) {
        let a = slot(link.a, &mut ids, &mut parent);
        let b = slot(link.b, &mut ids, &mut parent);
        let (ra, rb) = (root(&mut parent, a), root(&mut parent, b));
        if ra != rb {
            parent[ra.max(rb)] = ra.min(rb);
        }
    }
    let mut groups: HashMap<usize, Vec<i64>> = HashMap::new();
    for (i, &id) in ids.iter().enumerate() {
        let r = root(&mut parent, i);
        groups.entry(r).or_default().push(id);
    }
    let mut out: Vec<Vec<i64>> = groups
        .into_values()
        .filter(|g| g.len() > 1)
        .map(|mut g| {
            g.sort_unstable();
            g
        })
        .collect();
    out.sort_unstable_by_key(|g| g[0]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn link(a: i64, b: i64, relation: Relation) -> Link {
        Link {
            a,
            b,
            relation,
            similarity: 0.9,
            a_in_b: 0.9,
            b_in_a: 0.9,
        }
    }

    #[test]
    fn copy_links_chain_into_clusters_and_partials_do_not() {
        let links = [
            link(5, 9, Relation::Copy),
            link(1, 2, Relation::Copy),
            link(2, 7, Relation::Copy),
            link(3, 4, Relation::Partial),
        ];
        assert_eq!(clusters(&links), vec![vec![1, 2, 7], vec![5, 9]]);
    }
}
