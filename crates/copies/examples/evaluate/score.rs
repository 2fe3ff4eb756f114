//! Runs the copy pipeline over a labelled set and scores it.
//!
//! Shared by `examples/evaluate.rs` and `tests/evaluation.rs` (included with
//! `#[path]`, next to `set.rs`, which it uses as `super::set`).

#![allow(dead_code)]

use std::collections::{HashMap, HashSet};
use std::path::Path;

use rayon::prelude::*;
use serde::Serialize;
use unspin_copies::{
    align, choose_origin, clusters, Basis, Body, Link, LshIndex, Member, Relation,
};

use super::set::{Edit, LabelledSet, StoryKind};

/// One judged pair of `evaluation/ptc-near-duplicates.tsv`.
#[derive(Debug, Clone)]
pub struct Judged {
    /// First article's source key (`ptc:article…`, `news:article…`).
    pub a: String,
    /// Second article id.
    pub b: String,
    /// `copy`, `partial`, `same_event` or `unrelated`.
    pub judgement: String,
    /// What the pipeline predicted when the file was written.
    pub predicted: String,
}

/// Reads a judgement file (header line first, tab-separated); `prefix`
/// (`ptc` or `news`) is put before the ids to make source keys.
pub fn read_judgements(path: &Path, prefix: &str) -> std::io::Result<Vec<Judged>> {
    let text = std::fs::read_to_string(path)?;
    Ok(text
        .lines()
        .skip(1)
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .filter_map(|l| {
            let f: Vec<&str> = l.split('\t').collect();
            (f.len() >= 7).then(|| Judged {
                a: format!("{prefix}:{}", f[0]),
                b: format!("{prefix}:{}", f[1]),
                predicted: f[5].to_string(),
                judgement: f[6].to_string(),
            })
        })
        .collect())
}

/// What the pipeline found.
#[derive(Debug, Clone, Default)]
pub struct Detection {
    /// Each article's body.
    pub bodies: Vec<Body>,
    /// Confirmed links (copy and partial), ids = indices.
    pub links: Vec<Link>,
    /// Clusters of copies.
    pub clusters: Vec<Vec<i64>>,
    /// Each cluster's origin and the basis.
    pub origins: Vec<(i64, Basis)>,
    /// Candidate pairs LSH proposed (each pair once).
    pub candidate_pairs: usize,
}

/// Body → signature → LSH candidates → alignment → clusters → origin.
pub fn detect(texts: &[(&str, Option<&str>)], members: &[Member]) -> Detection {
    let bodies: Vec<Body> = texts
        .par_iter()
        .map(|(text, title)| Body::new(text, *title))
        .collect();
    let sigs: Vec<_> = bodies.par_iter().map(Body::signature).collect();
    let mut index = LshIndex::with_capacity(bodies.len());
    for (i, s) in sigs.iter().enumerate() {
        if let Some(s) = s {
            index.insert(i as i64, s);
        }
    }
    index.prepare();
    let found: Vec<(usize, Vec<Link>)> = sigs
        .par_iter()
        .enumerate()
        .map(|(i, s)| {
            let Some(s) = s else {
                return (0, Vec::new());
            };
            let cands: Vec<i64> = index.near(s, |c| c > i as i64, |c| sigs[c as usize].as_ref());
            let links = cands
                .iter()
                .filter_map(|&c| {
                    let al = align(&bodies[i], &bodies[c as usize]);
                    (al.relation != Relation::Unrelated).then_some(Link {
                        a: i as i64,
                        b: c,
                        relation: al.relation,
                        similarity: al.similarity,
                        a_in_b: al.a_in_b,
                        b_in_a: al.b_in_a,
                    })
                })
                .collect();
            (cands.len(), links)
        })
        .collect();
    let candidate_pairs = found.iter().map(|(n, _)| n).sum();
    let links: Vec<Link> = found.into_iter().flat_map(|(_, l)| l).collect();
    let clusters = clusters(&links);
    let origins = clusters
        .iter()
        .map(|c| {
            let ms: Vec<Member> = c.iter().map(|&id| members[id as usize].clone()).collect();
            let contains =
                |x: usize, y: usize| align(&bodies[c[x] as usize], &bodies[c[y] as usize]).a_in_b;
            let (i, basis) = choose_origin(&ms, &contains);
            (c[i], basis)
        })
        .collect();
    Detection {
        bodies,
        links,
        clusters,
        origins,
        candidate_pairs,
    }
}

/// Origin accuracy for one basis.
#[derive(Debug, Clone, Serialize)]
pub struct OriginRow {
    /// `original_source`, `date` or `containment`.
    pub basis: &'static str,
    /// Predicted clusters decided on this basis (with a known true origin).
    pub clusters: usize,
    /// Of them, those whose origin is the true one.
    pub correct: usize,
}

/// Recall of copies made with one edit.
#[derive(Debug, Clone, Serialize)]
pub struct EditRow {
    /// The edit (or `chained` for copies of copies).
    pub edit: &'static str,
    /// Copies made with it.
    pub copies: usize,
    /// Of them, those in the same predicted cluster as their story's original.
    pub found: usize,
}

/// The scores.
#[derive(Debug, Clone, Serialize, Default)]
pub struct Report {
    /// Articles in the set.
    pub articles: usize,
    /// Stories (true clusters before real near-duplicates are merged).
    pub stories: usize,
    /// Copies generated.
    pub copies: usize,
    /// Partial re-use stories.
    pub partial_stories: usize,
    /// Stories quoting another at length (synthetic hard negatives).
    pub quoting_stories: usize,
    /// Judged real PTC pairs with both articles in the set, by judgement.
    pub real_pairs: Vec<(String, usize)>,
    /// LSH candidate pairs.
    pub candidate_pairs: usize,
    /// Copy links confirmed by alignment.
    pub copy_links: usize,
    /// Partial links.
    pub partial_links: usize,
    /// Article pairs in one true cluster.
    pub true_pairs: usize,
    /// Article pairs in one predicted cluster.
    pub predicted_pairs: usize,
    /// Pairs in both.
    pub correct_pairs: usize,
    /// Pairwise precision.
    pub precision: f64,
    /// Pairwise recall.
    pub recall: f64,
    /// Pairwise F1.
    pub f1: f64,
    /// Origin accuracy per basis.
    pub origin: Vec<OriginRow>,
    /// Containment-decided clusters whose wrong origin ties with the true one
    /// (identical bodies: the text cannot tell).
    pub containment_ties: usize,
    /// Partial stories whose base and the re-used original were an LSH candidate pair.
    pub partial_candidates: usize,
    /// Partial stories whose base has a partial link to the re-used original.
    pub partial_found: usize,
    /// Partial links between articles of stories in a partial relation.
    pub partial_links_correct: usize,
    /// Partial-reuse recall.
    pub partial_recall: f64,
    /// Partial-reuse precision (over partial links).
    pub partial_precision: f64,
    /// Partial stories wrongly clustered with the story they re-use (article pairs).
    pub partial_pairs_clustered: usize,
    /// Synthetic hard-negative story pairs.
    pub hard_negatives_synthetic: usize,
    /// Real same-event pairs (judged) with both articles in the set.
    pub hard_negatives_real: usize,
    /// Article pairs across a hard-negative story pair that were clustered.
    pub hard_negative_pairs_clustered: usize,
    /// Recall by edit.
    pub by_edit: Vec<EditRow>,
}

fn pairs(n: usize) -> usize {
    n * n.saturating_sub(1) / 2
}

/// Scores `det` against the truth of `set`, with the judged real pairs
/// (ids are PTC file stems) merged into the truth.
pub fn score(set: &LabelledSet, det: &Detection, judged: &[Judged]) -> Report {
    let n = set.articles.len();
    // True clusters: stories, merged where a judged real pair says "copy".
    let mut parent: Vec<usize> = (0..set.stories.len()).collect();
    fn root(p: &mut [usize], mut x: usize) -> usize {
        while p[x] != x {
            p[x] = p[p[x]];
            x = p[x];
        }
        x
    }
    let story_of_key: HashMap<&str, usize> = set
        .stories
        .iter()
        .enumerate()
        .filter(|(_, s)| s.kind == StoryKind::Original)
        .map(|(i, s)| (s.source.as_str(), i))
        .collect();
    let mut partial_rel: HashSet<(usize, usize)> = HashSet::new();
    let mut negative_rel: Vec<(usize, usize, bool)> = Vec::new();
    let mut real_counts: HashMap<String, usize> = HashMap::new();
    let mut merged_unknown_origin: HashSet<usize> = HashSet::new();
    for j in judged {
        let (Some(&sa), Some(&sb)) = (
            story_of_key.get(j.a.as_str()),
            story_of_key.get(j.b.as_str()),
        ) else {
            continue;
        };
        *real_counts.entry(j.judgement.clone()).or_default() += 1;
        match j.judgement.as_str() {
            "copy" => {
                let (ra, rb) = (root(&mut parent, sa), root(&mut parent, sb));
                parent[ra.max(rb)] = ra.min(rb);
                merged_unknown_origin.insert(sa);
                merged_unknown_origin.insert(sb);
            }
            "partial" => {
                partial_rel.insert((sa, sb));
                partial_rel.insert((sb, sa));
            }
            _ => negative_rel.push((sa, sb, true)),
        }
    }
    for (i, s) in set.stories.iter().enumerate() {
        match s.kind {
            StoryKind::Partial { of } => {
                partial_rel.insert((i, of));
                partial_rel.insert((of, i));
            }
            StoryKind::Quoting { from } => negative_rel.push((i, from, false)),
            StoryKind::Original => {}
        }
    }
    let truth: Vec<usize> = (0..n)
        .map(|a| root(&mut parent, set.articles[a].story))
        .collect();
    let mut true_sizes: HashMap<usize, usize> = HashMap::new();
    for &t in &truth {
        *true_sizes.entry(t).or_default() += 1;
    }
    let true_pairs: usize = true_sizes.values().map(|&s| pairs(s)).sum();
    let mut predicted = vec![usize::MAX; n];
    for (c, members) in det.clusters.iter().enumerate() {
        for &m in members {
            predicted[m as usize] = c;
        }
    }
    let predicted_pairs: usize = det.clusters.iter().map(|c| pairs(c.len())).sum();
    let mut correct_pairs = 0;
    for c in &det.clusters {
        let mut by_truth: HashMap<usize, usize> = HashMap::new();
        for &m in c {
            *by_truth.entry(truth[m as usize]).or_default() += 1;
        }
        correct_pairs += by_truth.values().map(|&s| pairs(s)).sum::<usize>();
    }
    let precision = ratio(correct_pairs, predicted_pairs);
    let recall = ratio(correct_pairs, true_pairs);
    let f1 = if precision + recall > 0.0 {
        2.0 * precision * recall / (precision + recall)
    } else {
        0.0
    };
    // Origins: per predicted cluster, the majority true cluster's origin.
    let mut origin_rows: Vec<OriginRow> =
        ["original_source", "date", "containment", "first_stored"]
            .iter()
            .map(|b| OriginRow {
                basis: b,
                clusters: 0,
                correct: 0,
            })
            .collect();
    let mut containment_ties = 0;
    for (c, &(origin, basis)) in det.clusters.iter().zip(&det.origins) {
        let mut by_truth: HashMap<usize, usize> = HashMap::new();
        for &m in c {
            *by_truth.entry(truth[m as usize]).or_default() += 1;
        }
        let Some((&t, _)) = by_truth.iter().max_by_key(|(t, k)| (**k, usize::MAX - **t)) else {
            continue;
        };
        if merged_unknown_origin.contains(&t) || set.stories.len() <= t {
            continue;
        }
        let row = &mut origin_rows[match basis {
            Basis::OriginalSource => 0,
            Basis::Date => 1,
            Basis::Containment => 2,
            Basis::FirstStored => 3,
        }];
        row.clusters += 1;
        let truth_origin = set.stories[t].origin as i64;
        if truth_origin == origin {
            row.correct += 1;
        } else if basis == Basis::Containment && c.contains(&truth_origin) {
            // Could the text have told? A tie means it could not.
            let score = |y: i64| -> f64 {
                c.iter()
                    .filter(|&&x| x != y)
                    .map(|&x| align(&det.bodies[x as usize], &det.bodies[y as usize]).a_in_b)
                    .sum()
            };
            if (score(origin) - score(truth_origin)).abs() <= 1e-9 {
                containment_ties += 1;
            }
        }
    }
    // Partial re-use.
    let partial_links: Vec<&Link> = det
        .links
        .iter()
        .filter(|l| l.relation == Relation::Partial)
        .collect();
    let partial_roots: HashSet<(usize, usize)> = partial_rel
        .iter()
        .map(|&(x, y)| (root(&mut parent, x), root(&mut parent, y)))
        .collect();
    let partial_links_correct = partial_links
        .iter()
        .filter(|l| partial_roots.contains(&(truth[l.a as usize], truth[l.b as usize])))
        .count();
    let linked: HashSet<(usize, usize)> = partial_links
        .iter()
        .map(|l| (l.a as usize, l.b as usize))
        .flat_map(|(a, b)| [(a, b), (b, a)])
        .collect();
    let sigs: Vec<_> = det.bodies.iter().map(Body::signature).collect();
    let same_band = |x: usize, y: usize| -> bool {
        match (&sigs[x], &sigs[y]) {
            (Some(a), Some(b)) => {
                a.0.chunks_exact(unspin_copies::lsh::ROWS)
                    .zip(b.0.chunks_exact(unspin_copies::lsh::ROWS))
                    .any(|(p, q)| p == q)
            }
            _ => false,
        }
    };
    let mut partial_candidates = 0;
    let mut partial_total = 0;
    let mut partial_found = 0;
    let mut partial_pairs_clustered = 0;
    for s in &set.stories {
        if let StoryKind::Partial { of } = s.kind {
            partial_total += 1;
            partial_candidates += same_band(s.origin, set.stories[of].origin) as usize;
            if linked.contains(&(s.origin, set.stories[of].origin)) {
                partial_found += 1;
            }
        }
    }
    // Hard negatives (and partial stories) wrongly clustered.
    let mut hard_negative_pairs_clustered = 0;
    let members_of = |st: usize| -> Vec<usize> { (0..n).filter(|&a| truth[a] == st).collect() };
    for &(x, y, _) in &negative_rel {
        let (tx, ty) = (root(&mut parent, x), root(&mut parent, y));
        for a in members_of(tx) {
            for b in members_of(ty) {
                if predicted[a] != usize::MAX && predicted[a] == predicted[b] {
                    hard_negative_pairs_clustered += 1;
                }
            }
        }
    }
    for (i, s) in set.stories.iter().enumerate() {
        if let StoryKind::Partial { of } = s.kind {
            let (ti, to) = (root(&mut parent, i), root(&mut parent, of));
            for a in members_of(ti) {
                for b in members_of(to) {
                    if predicted[a] != usize::MAX && predicted[a] == predicted[b] {
                        partial_pairs_clustered += 1;
                    }
                }
            }
        }
    }
    // Recall by edit.
    let mut by_edit: Vec<EditRow> = Edit::ALL
        .iter()
        .map(|e| EditRow {
            edit: e.name(),
            copies: 0,
            found: 0,
        })
        .chain(std::iter::once(EditRow {
            edit: "copy of a copy",
            copies: 0,
            found: 0,
        }))
        .collect();
    let mut copies = 0;
    for (a, art) in set.articles.iter().enumerate() {
        if art.edits.is_empty() {
            continue;
        }
        copies += 1;
        let o = set.stories[art.story].origin;
        let found = predicted[a] != usize::MAX && predicted[a] == predicted[o];
        for (k, e) in Edit::ALL.iter().enumerate() {
            if art.edits.contains(e) {
                by_edit[k].copies += 1;
                by_edit[k].found += found as usize;
            }
        }
        if art.chained {
            let last = by_edit.len() - 1;
            by_edit[last].copies += 1;
            by_edit[last].found += found as usize;
        }
    }
    let mut real_pairs: Vec<(String, usize)> = real_counts.into_iter().collect();
    real_pairs.sort();
    Report {
        articles: n,
        stories: set.stories.len(),
        copies,
        partial_stories: partial_total,
        quoting_stories: set
            .stories
            .iter()
            .filter(|s| matches!(s.kind, StoryKind::Quoting { .. }))
            .count(),
        real_pairs,
        candidate_pairs: det.candidate_pairs,
        copy_links: det
            .links
            .iter()
            .filter(|l| l.relation == Relation::Copy)
            .count(),
        partial_links: partial_links.len(),
        true_pairs,
        predicted_pairs,
        correct_pairs,
        precision,
        recall,
        f1,
        origin: origin_rows,
        containment_ties,
        partial_candidates,
        partial_found,
        partial_links_correct,
        partial_recall: ratio(partial_found, partial_total),
        partial_precision: ratio(partial_links_correct, partial_links.len()),
        partial_pairs_clustered,
        hard_negatives_synthetic: negative_rel.iter().filter(|r| !r.2).count(),
        hard_negatives_real: negative_rel.iter().filter(|r| r.2).count(),
        hard_negative_pairs_clustered,
        by_edit,
    }
}

fn ratio(a: usize, b: usize) -> f64 {
    if b == 0 {
        1.0
    } else {
        a as f64 / b as f64
    }
}

/// The report as a Markdown table (and a few lines under it).
pub fn markdown(r: &Report) -> String {
    let mut s = String::new();
    s.push_str(&format!(
        "Labelled set: {} articles, {} stories, {} copies ({} copies of copies), {} partial re-uses, \
         {} articles quoting another at length; real judged pairs (PTC and news) in the set: {}.\n\n",
        r.articles,
        r.stories,
        r.copies,
        r.by_edit.last().map_or(0, |e| e.copies),
        r.partial_stories,
        r.quoting_stories,
        if r.real_pairs.is_empty() {
            "none".to_string()
        } else {
            r.real_pairs
                .iter()
                .map(|(j, k)| format!("{k} {j}"))
                .collect::<Vec<_>>()
                .join(", ")
        }
    ));
    s.push_str("| measure | value |\n|---|---|\n");
    s.push_str(&format!(
        "| pairwise precision | {:.4} ({}/{}) |\n",
        r.precision, r.correct_pairs, r.predicted_pairs
    ));
    s.push_str(&format!(
        "| pairwise recall | {:.4} ({}/{}) |\n",
        r.recall, r.correct_pairs, r.true_pairs
    ));
    s.push_str(&format!("| pairwise F1 | {:.4} |\n", r.f1));
    for o in &r.origin {
        s.push_str(&format!(
            "| origin accuracy, basis {} | {} ({}/{}) |\n",
            o.basis,
            if o.clusters == 0 {
                "–".to_string()
            } else {
                format!("{:.3}", o.correct as f64 / o.clusters as f64)
            },
            o.correct,
            o.clusters
        ));
    }
    let (oc, ot) = r
        .origin
        .iter()
        .fold((0, 0), |(c, t), o| (c + o.correct, t + o.clusters));
    s.push_str(&format!(
        "| origin accuracy, all | {:.3} ({oc}/{ot}) |\n",
        ratio(oc, ot)
    ));
    s.push_str(&format!(
        "| origin, containment: wrong picks tied with the true origin (identical bodies) | {} |\n",
        r.containment_ties
    ));
    s.push_str(&format!(
        "| partial re-use recall | {:.3} ({}/{}; {} were LSH candidates) |\n",
        r.partial_recall, r.partial_found, r.partial_stories, r.partial_candidates
    ));
    s.push_str(&format!(
        "| partial re-use precision (links) | {:.3} ({}/{}) |\n",
        r.partial_precision, r.partial_links_correct, r.partial_links
    ));
    s.push_str(&format!(
        "| partial re-uses clustered as copies (article pairs) | {} |\n",
        r.partial_pairs_clustered
    ));
    s.push_str(&format!(
        "| hard-negative article pairs clustered ({} synthetic + {} real judged different-story pairs) | {} |\n",
        r.hard_negatives_synthetic, r.hard_negatives_real, r.hard_negative_pairs_clustered
    ));
    s.push_str(&format!(
        "| LSH candidate pairs / copy links / partial links | {} / {} / {} |\n",
        r.candidate_pairs, r.copy_links, r.partial_links
    ));
    s.push_str("\n| copies made with | copies | found in the original's cluster | recall |\n|---|---|---|---|\n");
    for e in &r.by_edit {
        s.push_str(&format!(
            "| {} | {} | {} | {:.3} |\n",
            e.edit,
            e.copies,
            e.found,
            ratio(e.found, e.copies)
        ));
    }
    s
}
