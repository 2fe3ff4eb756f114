//! Throughput of copy detection (`cargo bench -p unspin-copies --bench copies`).
//!
//! (a) Signatures (`Body::new` + `Body::signature`) over the 400 unlabelled
//!     news articles of `../shared`, repeated, on one thread and on all cores.
//! (b) Clustering 100,000 generated articles (sentences drawn from the pool of
//!     all unlabelled-news sentences, 10 % of them planted copies of earlier
//!     articles with edits): signatures, LSH build, candidate query, alignment,
//!     clusters; the process's peak memory (VmHWM) and the LSH index's bytes
//!     per article; the planted copies' pairwise recall and precision.
//!
//! Texts of (b) are generated from the article number, in chunks, and
//! generated again when a candidate pair is aligned — as a corpus reads
//! them back from its store — so the peak memory is that of the detector
//! (signatures, index, candidate lists), not of 100,000 texts held at once.
//!
//! Environment: `COPIES_BENCH_ARTICLES` (default 100000), `COPIES_BENCH_REPEAT`
//! (default 25 repetitions of the 400 articles for (a)).

use std::collections::HashMap;
use std::time::{Duration, Instant};

use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rayon::prelude::*;
use unspin_copies::{align, clusters, lsh, Body, Link, LshIndex, Relation, Signature};

fn main() {
    let Some(dir) = unspin_testkit::shared_dir("data/unlabeled-news") else {
        return;
    };
    let mut paths: Vec<_> = std::fs::read_dir(&dir)
        .map(|d| d.filter_map(|e| e.ok()).map(|e| e.path()).collect())
        .unwrap_or_default();
    paths.retain(|p| p.extension().is_some_and(|x| x == "txt"));
    paths.sort();
    let texts: Vec<String> = paths
        .iter()
        .filter_map(|p| std::fs::read_to_string(p).ok())
        .collect();
    if texts.is_empty() {
        eprintln!("SKIP: no articles in {}", dir.display());
        return;
    }
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    println!("# unspin-copies benchmark ({cores} cores)\n");
    signatures(&texts, cores);
    clustering(&texts);
}

fn env_usize(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// (a) signatures per second.
fn signatures(texts: &[String], cores: usize) {
    let repeat = env_usize("COPIES_BENCH_REPEAT", 25);
    let n = texts.len() * repeat;
    let bytes: usize = texts.iter().map(String::len).sum::<usize>() * repeat;
    let words: usize = texts
        .iter()
        .map(|t| Body::new(t, None).words)
        .sum::<usize>()
        * repeat;
    println!(
        "## (a) signatures: {} unlabelled news articles × {repeat} = {n} articles, {:.1} MB, {} body words/article\n",
        texts.len(),
        bytes as f64 / 1e6,
        words / n
    );
    println!(
        "| threads | seconds (best / median of 3) | articles/s (best / median) | MB/s (best / median) |\n|---|---|---|---|"
    );
    let mut runs = vec![1];
    if cores > 1 {
        runs.push(cores);
    }
    for threads in runs {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .expect("a thread pool");
        // Warm-up (page cache, hash family) then the timed run.
        let _ = pool.install(|| sign_all(&texts[..texts.len().min(50)], 1));
        // Three timed runs: the machine may be shared; best and median.
        let mut secs: Vec<f64> = (0..3)
            .map(|_| {
                let t = Instant::now();
                let k = pool.install(|| sign_all(texts, repeat));
                assert_eq!(k, n, "every article was signed");
                t.elapsed().as_secs_f64()
            })
            .collect();
        secs.sort_by(f64::total_cmp);
        let (best, median) = (secs[0], secs[1]);
        println!(
            "| {threads} | {best:.3} / {median:.3} | {:.0} / {:.0} | {:.1} / {:.1} |",
            n as f64 / best,
            n as f64 / median,
            bytes as f64 / 1e6 / best,
            bytes as f64 / 1e6 / median
        );
    }
    println!();
}

fn sign_all(texts: &[String], repeat: usize) -> usize {
    (0..texts.len() * repeat)
        .into_par_iter()
        .map(|i| {
            let body = Body::new(&texts[i % texts.len()], None);
            std::hint::black_box(body.signature());
            1
        })
        .sum()
}

/// The generator of (b): sentences of the unlabelled news, and which
/// articles are planted copies of which.
struct Corpus {
    sentences: Vec<String>,
    /// `parent[i]`: the article `i` copies, for planted copies.
    parent: Vec<Option<usize>>,
    seed: u64,
}

impl Corpus {
    fn new(texts: &[String], n: usize, seed: u64) -> Corpus {
        let mut sentences = Vec::new();
        for t in texts {
            for line in t.lines() {
                for s in line.split_inclusive(". ") {
                    let s = s.trim();
                    // Sentences of 4 to 60 words: longer "sentences" are
                    // lists and run-together paragraphs that would make
                    // every article drawing one a near-copy of the others.
                    if (4..=60).contains(&s.split_whitespace().count()) {
                        sentences.push(s.to_string());
                    }
                }
            }
        }
        sentences.sort();
        sentences.dedup();
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        // 10 % planted copies, each of an earlier article (a copy of a
        // copy now and then).
        let parent = (0..n)
            .map(|i| (i > 100 && rng.gen_bool(0.1)).then(|| rng.gen_range(0..i)))
            .collect();
        Corpus {
            sentences,

            parent,
            seed,
        }
    }

    /// The text of article `i`.
    fn text(&self, i: usize) -> String {
        let mut rng = ChaCha8Rng::seed_from_u64(self.seed ^ (i as u64).wrapping_mul(0x9e37_79b9));
        match self.parent[i] {
            None => {
                let mut out = format!("Headline of article {i}\n\n");
                for _ in 0..rng.gen_range(5..=9) {
                    let k = rng.gen_range(2..=5);
                    let para: Vec<&str> = (0..k)
                        .map(|_| self.sentences[rng.gen_range(0..self.sentences.len())].as_str())
                        .collect();
                    out.push_str(&para.join(" "));
                    out.push_str("\n\n");
                }
                out
            }
            Some(p) => {
                // A re-publication: new headline and byline, a trimmed
                // ending, a word edit, a footer.
                let original = self.text(p);
                let mut paras: Vec<String> = original
                    .split("\n\n")
                    .skip(1)
                    .filter(|s| !s.trim().is_empty())
                    .map(str::to_string)
                    .collect();
                let keep = paras.len() - (paras.len() as f64 * rng.gen_range(0.0..0.3)) as usize;
                paras.truncate(keep.max(1));
                let j = rng.gen_range(0..paras.len());
                let mut words: Vec<&str> = paras[j].split(' ').collect();
                if words.len() > 3 {
                    let w = rng.gen_range(0..words.len());
                    words.remove(w);
                }
                paras[j] = words.join(" ");
                if rng.gen_bool(0.3) {
                    paras.shuffle(&mut rng);
                }
                format!(
                    "A New Headline For {i}\n\nBy Staff Writer\n\n{}\n\nThis article was originally published by Outlet {p}.\n",
                    paras.join("\n\n")
                )
            }
        }
    }
}

fn vm(field: &str) -> String {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with(field))
                .map(|l| l[field.len()..].trim().to_string())
        })
        .unwrap_or_else(|| "n/a".into())
}

/// (b) clustering 100,000 generated articles.
fn clustering(texts: &[String]) {
    let n = env_usize("COPIES_BENCH_ARTICLES", 100_000);
    let corpus = Corpus::new(texts, n, 2016);
    let planted = corpus.parent.iter().filter(|p| p.is_some()).count();
    println!(
        "## (b) clustering {n} generated articles ({} sentences in the pool, {planted} planted copies)\n",
        corpus.sentences.len()
    );
    let mut gen_time = Duration::ZERO;
    let mut sig_time = Duration::ZERO;
    let mut sigs: Vec<Option<Signature>> = Vec::with_capacity(n);
    let mut words = 0usize;
    const CHUNK: usize = 10_000;
    for start in (0..n).step_by(CHUNK) {
        let t = Instant::now();
        let chunk: Vec<String> = (start..(start + CHUNK).min(n))
            .into_par_iter()
            .map(|i| corpus.text(i))
            .collect();
        gen_time += t.elapsed();
        let t = Instant::now();
        let part: Vec<(Option<Signature>, usize)> = chunk
            .par_iter()
            .map(|text| {
                let body = Body::new(text, None);
                (body.signature(), body.words)
            })
            .collect();
        sig_time += t.elapsed();
        words += part.iter().map(|p| p.1).sum::<usize>();
        sigs.extend(part.into_iter().map(|p| p.0));
    }
    let rss_before_index = vm("VmRSS:");
    let t = Instant::now();
    let mut index = LshIndex::with_capacity(n);
    for (i, s) in sigs.iter().enumerate() {
        if let Some(s) = s {
            index.insert(i as i64, s);
        }
    }
    index.prepare();
    let index_time = t.elapsed();
    let rss_after_index = vm("VmRSS:");
    let t = Instant::now();
    let candidates: Vec<(usize, Vec<i64>)> = sigs
        .par_iter()
        .enumerate()
        .filter_map(|(i, s)| {
            let s = s.as_ref()?;
            let c: Vec<i64> = index.near(s, |c| c > i as i64, |c| sigs[c as usize].as_ref());
            (!c.is_empty()).then_some((i, c))
        })
        .collect();
    let query_time = t.elapsed();
    let pairs: usize = candidates.iter().map(|c| c.1.len()).sum();
    let t = Instant::now();
    let links: Vec<Link> = candidates
        .par_iter()
        .flat_map_iter(|(i, cs)| {
            let a = Body::new(&corpus.text(*i), None);
            cs.iter()
                .filter_map(|&c| {
                    let b = Body::new(&corpus.text(c as usize), None);
                    let al = align(&a, &b);
                    (al.relation != Relation::Unrelated).then_some(Link {
                        a: *i as i64,
                        b: c,
                        relation: al.relation,
                        similarity: al.similarity,
                        a_in_b: al.a_in_b,
                        b_in_a: al.b_in_a,
                    })
                })
                .collect::<Vec<_>>()
        })
        .collect();
    let align_time = t.elapsed();
    let t = Instant::now();
    let found = clusters(&links);
    let cluster_time = t.elapsed();
    let total = sig_time + index_time + query_time + align_time + cluster_time;

    // Planted copies: true clusters are the copy chains.
    let mut root: Vec<usize> = (0..n).collect();
    for i in 0..n {
        if let Some(p) = corpus.parent[i] {
            root[i] = root[p];
        }
    }
    let mut sizes: HashMap<usize, usize> = HashMap::new();
    for &r in &root {
        *sizes.entry(r).or_default() += 1;
    }
    let pairs_of = |k: usize| k * k.saturating_sub(1) / 2;
    let true_pairs: usize = sizes.values().map(|&k| pairs_of(k)).sum();
    let predicted_pairs: usize = found.iter().map(|c| pairs_of(c.len())).sum();
    let correct: usize = found
        .iter()
        .map(|c| {
            let mut by: HashMap<usize, usize> = HashMap::new();
            for &m in c {
                *by.entry(root[m as usize]).or_default() += 1;
            }
            by.values().map(|&k| pairs_of(k)).sum::<usize>()
        })
        .sum();

    println!("| step | seconds |\n|---|---|");
    println!(
        "| (generating the texts, not counted) | {:.2} |",
        gen_time.as_secs_f64()
    );
    println!(
        "| signatures ({:.0} articles/s, {} body words/article) | {:.2} |",
        n as f64 / sig_time.as_secs_f64(),
        words / n.max(1),
        sig_time.as_secs_f64()
    );
    println!(
        "| LSH build (insert + sort) | {:.2} |",
        index_time.as_secs_f64()
    );
    println!(
        "| candidate query ({pairs} candidate pairs) | {:.2} |",
        query_time.as_secs_f64()
    );
    println!(
        "| alignment of the candidates (texts read back, {} copy + {} partial links) | {:.2} |",
        links
            .iter()
            .filter(|l| l.relation == Relation::Copy)
            .count(),
        links
            .iter()
            .filter(|l| l.relation == Relation::Partial)
            .count(),
        align_time.as_secs_f64()
    );
    println!(
        "| clusters ({} clusters) | {:.3} |",
        found.len(),
        cluster_time.as_secs_f64()
    );
    println!("| **total** | **{:.2}** |\n", total.as_secs_f64());
    println!(
        "planted copies: pairwise recall {:.4} ({correct}/{true_pairs}), precision {:.4} ({correct}/{predicted_pairs})",
        correct as f64 / true_pairs.max(1) as f64,
        correct as f64 / predicted_pairs.max(1) as f64
    );
    println!(
        "memory: peak (VmHWM) {}; RSS before the index {rss_before_index}, after {rss_after_index}; \
         LSH index {} bytes/article ({} bands × 16 B), {:.1} MB for {n}; signatures {} bytes/article",
        vm("VmHWM:"),
        lsh::BYTES_PER_ARTICLE,
        lsh::BANDS,
        (lsh::BYTES_PER_ARTICLE * n) as f64 / 1e6,
        unspin_copies::signature::HASHES * 4
    );
}
