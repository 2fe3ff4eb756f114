//! Labelled evaluation of copy detection, built at run time from the
//! articles in `../shared` (see `crates/copies/evaluation/README.md`).
//!
//! ```text
//! cargo run --release -p unspin-copies --example evaluate            # Markdown tables
//! cargo run --release -p unspin-copies --example evaluate -- --json  # one JSON object
//! cargo run --release -p unspin-copies --example evaluate -- --candidates  # PTC pairs to judge
//! ```
//!
//! Options: `--seed N` (default 14), `--news N` and `--ptc N` (how many of
//! each folder's articles, default all), `--shared DIR` (default `../shared`
//! of the workspace).

#[path = "evaluate/score.rs"]
mod score;
#[path = "evaluate/set.rs"]
mod set;

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use unspin_copies::{align, Body, LshIndex, Relation};

struct Args {
    json: bool,
    candidates: bool,
    seed: u64,
    news: usize,
    ptc: usize,
    shared: PathBuf,
}

fn parse() -> Result<Args, String> {
    let mut a = Args {
        json: false,
        candidates: false,
        seed: 14,
        news: usize::MAX,
        ptc: usize::MAX,
        shared: Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared"),
    };
    let mut it = std::env::args().skip(1);
    while let Some(arg) = it.next() {
        let mut value = |name: &str| it.next().ok_or(format!("{name} needs a value"));
        match arg.as_str() {
            "--json" => a.json = true,
            "--candidates" => a.candidates = true,
            "--seed" => {
                a.seed = value("--seed")?
                    .parse()
                    .map_err(|e| format!("--seed: {e}"))?
            }
            "--news" => {
                a.news = value("--news")?
                    .parse()
                    .map_err(|e| format!("--news: {e}"))?
            }
            "--ptc" => a.ptc = value("--ptc")?.parse().map_err(|e| format!("--ptc: {e}"))?,
            "--shared" => a.shared = PathBuf::from(value("--shared")?),
            "-h" | "--help" => {
                return Err(
                    "usage: evaluate [--json] [--candidates] [--seed N] [--news N] \
                            [--ptc N] [--shared DIR]"
                        .into(),
                )
            }
            other => return Err(format!("unknown argument {other}")),
        }
    }
    Ok(a)
}

fn judgement_file(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("evaluation")
        .join(name)
}

fn main() -> ExitCode {
    let args = match parse() {
        Ok(a) => a,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::FAILURE;
        }
    };
    match run(&args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

fn run(args: &Args) -> Result<(), String> {
    let news_dir = args.shared.join("data/unlabeled-news");
    let ptc_dir = args.shared.join("data/ptc/train/articles");
    let read = |dir: &Path, ptc: bool, limit: usize| {
        set::load_sources(dir, ptc, limit).map_err(|e| format!("{}: {e}", dir.display()))
    };
    let ptc = read(&ptc_dir, true, args.ptc)?;
    let news = read(&news_dir, false, args.news)?;
    if args.candidates {
        candidates(&ptc);
        candidates(&news);
        return Ok(());
    }
    let mut judged = Vec::new();
    let mut ptc_judged = Vec::new();
    for (name, prefix) in [
        ("ptc-near-duplicates.tsv", "ptc"),
        ("news-near-duplicates.tsv", "news"),
    ] {
        match score::read_judgements(&judgement_file(name), prefix) {
            Ok(j) if prefix == "ptc" => {
                ptc_judged = j.clone();
                judged.extend(j)
            }
            Ok(j) => judged.extend(j),
            Err(e) => eprintln!("warning: {name}: {e}; its pairs are not used"),
        }
    }
    let keep_apart: Vec<String> = judged
        .iter()
        .filter(|j| j.judgement == "copy" || j.judgement == "partial")
        .flat_map(|j| [j.a.clone(), j.b.clone()])
        .collect();
    let all: Vec<set::Source> = news.into_iter().chain(ptc.iter().cloned()).collect();
    let sources = set::usable(all);
    let t = Instant::now();
    let labelled = set::build(
        &sources,
        set::Config {
            seed: args.seed,
            ..set::Config::default()
        },
        &keep_apart,
    );
    let built = t.elapsed();
    let t = Instant::now();
    let texts: Vec<(&str, Option<&str>)> = labelled
        .articles
        .iter()
        .map(|a| (a.text.as_str(), a.title.as_deref()))
        .collect();
    let members: Vec<_> = labelled.articles.iter().map(|a| a.member.clone()).collect();
    let det = score::detect(&texts, &members);
    let detected = t.elapsed();
    let report = score::score(&labelled, &det, &judged);
    let agreement = agreement(&ptc, &ptc_judged);
    if std::env::var("EVAL_SWEEP").is_ok() {
        sweep(&labelled, &det, &judged);
    }
    if std::env::var("EVAL_EXPLAIN").is_ok() {
        explain(&labelled, &det);
    }
    if args.json {
        let v = serde_json::json!({
            "seed": args.seed,
            "evaluation": report,
            "ptc_judgements": agreement.iter().map(|(j, p, n)| serde_json::json!({
                "judgement": j, "predicted": p, "pairs": n})).collect::<Vec<_>>(),
        });
        println!("{v}");
    } else {
        println!(
            "## Copy detection: labelled evaluation (seed {})\n",
            args.seed
        );
        print!("{}", score::markdown(&report));
        println!(
            "\n(set built in {:.2} s; pipeline over {} articles in {:.2} s)\n",
            built.as_secs_f64(),
            report.articles,
            detected.as_secs_f64()
        );
        println!(
            "## Real PTC pairs: pipeline vs judgement ({})\n",
            ptc_judged.len()
        );
        println!("| judgement | predicted | pairs |\n|---|---|---|");
        for (j, p, n) in &agreement {
            println!("| {j} | {p} | {n} |");
        }
        let total: usize = agreement.iter().map(|r| r.2).sum();
        let agree: usize = agreement
            .iter()
            .filter(|(j, p, _)| expected(j) == p.as_str())
            .map(|r| r.2)
            .sum();
        println!("\nagreement: {agree}/{total}");
    }
    Ok(())
}

/// The relation a judgement expects.
fn expected(judgement: &str) -> &'static str {
    match judgement {
        "copy" => "copy",
        "partial" => "partial",
        _ => "unrelated",
    }
}

/// Pipeline relation for each judged pair, counted by (judgement, predicted).
/// A pair LSH does not propose counts as `unrelated`.
fn agreement(ptc: &[set::Source], judged: &[score::Judged]) -> Vec<(String, String, usize)> {
    let bodies: Vec<Body> = ptc
        .iter()
        .map(|s| Body::new(&s.text, s.title.as_deref()))
        .collect();
    let mut index = LshIndex::with_capacity(bodies.len());
    for (i, b) in bodies.iter().enumerate() {
        if let Some(s) = b.signature() {
            index.insert(i as i64, &s);
        }
    }
    index.prepare();
    let pos = |key: &str| ptc.iter().position(|s| s.key == key);
    let mut counts: std::collections::BTreeMap<(String, String), usize> = Default::default();
    for j in judged {
        let (Some(a), Some(b)) = (pos(&j.a), pos(&j.b)) else {
            continue;
        };
        let candidate = bodies[a]
            .signature()
            .is_some_and(|s| index.candidates(&s).contains(&(b as i64)));
        let rel = if candidate {
            align(&bodies[a], &bodies[b]).relation
        } else {
            Relation::Unrelated
        };
        *counts
            .entry((j.judgement.clone(), rel.as_str().to_string()))
            .or_default() += 1;
    }
    counts.into_iter().map(|((j, p), n)| (j, p, n)).collect()
}

/// Prints every PTC pair worth judging: LSH candidates, plus (exhaustively)
/// pairs with shingle Jaccard ≥ 0.02, containment ≥ 0.05 either way or a
/// shared passage of ≥ 12 words.
fn candidates(ptc: &[set::Source]) {
    // (works on any sources: keys are printed with their prefix)
    let bodies: Vec<Body> = ptc
        .iter()
        .map(|s| Body::new(&s.text, s.title.as_deref()))
        .collect();
    let mut index = LshIndex::with_capacity(bodies.len());
    for (i, b) in bodies.iter().enumerate() {
        if let Some(s) = b.signature() {
            index.insert(i as i64, &s);
        }
    }
    index.prepare();
    // EVAL_ALL_PAIRS=1: every pair (to refresh the judged pairs' numbers).
    let all = std::env::var("EVAL_ALL_PAIRS").is_ok();
    println!("article_a\tarticle_b\tjaccard\ta_in_b\tb_in_a\tpredicted\tlsh\tpassage_words");
    for a in 0..bodies.len() {
        let cands = bodies[a]
            .signature()
            .map(|s| index.candidates(&s))
            .unwrap_or_default();
        for b in a + 1..bodies.len() {
            let al = align(&bodies[a], &bodies[b]);
            let lsh = cands.contains(&(b as i64));
            if all
                || lsh
                || al.similarity >= 0.02
                || al.a_in_b.max(al.b_in_a) >= 0.05
                || al.longest_passage_words >= 12
            {
                println!(
                    "{}\t{}\t{:.3}\t{:.3}\t{:.3}\t{}\t{}\t{}",
                    ptc[a].key,
                    ptc[b].key,
                    al.similarity,
                    al.a_in_b,
                    al.b_in_a,
                    al.relation.as_str(),
                    lsh,
                    al.longest_passage_words
                );
            }
        }
    }
}

/// Debugging aid (`EVAL_EXPLAIN=1`): missed copies, false links.
fn explain(set: &set::LabelledSet, det: &score::Detection) {
    let mut pred = vec![usize::MAX; set.articles.len()];
    for (c, m) in det.clusters.iter().enumerate() {
        for &i in m {
            pred[i as usize] = c;
        }
    }
    for (i, a) in set.articles.iter().enumerate() {
        let o = set.stories[a.story].origin;
        if i != o && (pred[i] == usize::MAX || pred[i] != pred[o]) {
            let al = align(&det.bodies[o], &det.bodies[i]);
            eprintln!(
                "MISS copy {i} of {o} edits {:?} chained {} origin_in_copy {:.3} copy_in_origin {:.3} words {} {}",
                a.edits, a.chained, al.a_in_b, al.b_in_a, det.bodies[o].words, det.bodies[i].words
            );
        }
    }
    for l in &det.links {
        let (sa, sb) = (
            set.articles[l.a as usize].story,
            set.articles[l.b as usize].story,
        );
        if sa != sb {
            eprintln!(
                "LINK {:?} {} ({:?} {} {:?}) - {} ({:?} {} {:?}) a_in_b {:.3} b_in_a {:.3} words {} {}",
                l.relation, l.a, set.stories[sa].kind, set.stories[sa].source, set.articles[l.a as usize].edits, l.b, set.stories[sb].kind, set.stories[sb].source, set.articles[l.b as usize].edits, l.a_in_b, l.b_in_a,
                det.bodies[l.a as usize].words, det.bodies[l.b as usize].words
            );
        }
    }
    for (c, &(o, basis)) in det.clusters.iter().zip(&det.origins) {
        let st = set.articles[c[0] as usize].story;
        let truth = set.stories[st].origin as i64;
        if o != truth && basis == unspin_copies::Basis::Containment && c.contains(&truth) {
            let score = |y: i64| -> f64 {
                c.iter()
                    .filter(|&&x| x != y)
                    .map(|&x| align(&det.bodies[x as usize], &det.bodies[y as usize]).a_in_b)
                    .sum()
            };
            let chosen = &set.articles[o as usize];
            let origin_text = unspin_copies::text::normalized(&set.articles[truth as usize].text);
            for para in unspin_copies::paragraphs(&chosen.text, chosen.title.as_deref()) {
                let t = &chosen.text[para.start..para.end];
                if para.kind == unspin_copies::ParagraphKind::Body
                    && !origin_text.contains(&unspin_copies::text::normalized(t))
                {
                    eprintln!("EXTRA {}", t.chars().take(100).collect::<String>());
                }
            }
            eprintln!(
                "ORIGIN chose {o} ({:.3}, edits {:?}) over {truth} ({:.3})",
                score(o),
                set.articles[o as usize].edits,
                score(truth)
            );
        }
    }
}

/// Tuning aid (`EVAL_SWEEP=1`): pairwise scores for other copy thresholds.
fn sweep(set: &set::LabelledSet, det: &score::Detection, judged: &[score::Judged]) {
    use unspin_copies::{clusters, Link};
    let sigs: Vec<_> = det.bodies.iter().map(Body::signature).collect();
    let mut index = LshIndex::with_capacity(sigs.len());
    for (i, s) in sigs.iter().enumerate() {
        if let Some(s) = s {
            index.insert(i as i64, s);
        }
    }
    index.prepare();
    let mut pairs = Vec::new();
    for (i, s) in sigs.iter().enumerate() {
        let Some(s) = s else { continue };
        for c in index.candidates(s) {
            if c > i as i64 {
                let (a, b) = (&det.bodies[i], &det.bodies[c as usize]);
                let al = align(a, b);
                let (sh, lo) = if a.set.len() <= b.set.len() {
                    (al.a_in_b, al.b_in_a)
                } else {
                    (al.b_in_a, al.a_in_b)
                };
                pairs.push((i as i64, c, sh, lo));
            }
        }
    }
    for cs in [0.7, 0.75, 0.8, 0.85] {
        for cl in [0.4, 0.5, 0.55, 0.6, 0.65] {
            let links: Vec<Link> = pairs
                .iter()
                .filter(|p| p.2 >= cs && p.3 >= cl)
                .map(|p| Link {
                    a: p.0,
                    b: p.1,
                    relation: Relation::Copy,
                    similarity: 0.0,
                    a_in_b: 0.0,
                    b_in_a: 0.0,
                })
                .collect();
            let mut d = det.clone();
            d.clusters = clusters(&links);
            d.origins = d
                .clusters
                .iter()
                .map(|c| (c[0], unspin_copies::Basis::Containment))
                .collect();
            let r = score::score(set, &d, judged);
            eprintln!(
                "SWEEP shorter {cs} longer {cl}: P {:.4} R {:.4} F1 {:.4} partial-clustered {} hardneg {}",
                r.precision, r.recall, r.f1, r.partial_pairs_clustered, r.hard_negative_pairs_clustered
            );
        }
    }
}
