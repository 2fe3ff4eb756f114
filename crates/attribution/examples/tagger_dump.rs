//! Dumps everything the linear attribution tagger computes, to prove that a
//! speed change leaves every output bit alone, and times it.
//!
//! `cargo run --release -p unspin-attribution --example tagger_dump -- dump OUT [LIMIT]`
//! writes, for every article of `../shared/data/unlabeled-news` and of
//! PolNeAR dev (`../shared/data/quotes/polnear/data/dev/text`): digests of the
//! base and stacked feature ids, both taggers' tags and emissions (f32 bits)
//! and every attribution (ranges, kind, score bits).
//!
//! `... -- time [PASSES]` prints articles/s of `predict` over the news
//! folder, one line per pass (tokenising included, as the sourcing stage
//! does it once for all analysers: see `time-tokens`).
//! `... -- time-tokens [PASSES]` times `predict_tokens` on pre-tokenised text.
use std::fmt::Write as _;
use std::time::Instant;

use unspin_attribution::{article_features, features, AttributionModel};
use xxhash_rust::xxh3::xxh3_64;

fn texts(sub: &str, limit: usize) -> Vec<(String, String)> {
    let Some(dir) = unspin_testkit::shared_dir(sub) else {
        eprintln!("SKIP: no {sub}");
        return Vec::new();
    };
    let mut paths: Vec<_> = std::fs::read_dir(&dir)
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "txt"))
        .collect();
    paths.sort();
    paths.truncate(limit);
    paths
        .iter()
        .filter_map(|p| {
            let text = std::fs::read_to_string(p).ok()?;
            Some((p.file_name()?.to_string_lossy().into_owned(), text))
        })
        .collect()
}

fn ids_digest(f: &unspin_attribution::ArticleFeatures) -> u64 {
    let bytes: Vec<u8> = f
        .ids
        .iter()
        .chain(&f.offsets)
        .flat_map(|v| v.to_le_bytes())
        .collect();
    xxh3_64(&bytes)
}

fn dump(model: &AttributionModel, name: &str, text: &str, out: &mut String) {
    let tokens = unspin_segment::tokenize(text);
    let sentences = unspin_segment::sentences(text);
    let _ = writeln!(out, "# {name} tokens {}", tokens.len());
    let feats = article_features(text, &tokens, &sentences, model.bits());
    let _ = writeln!(out, "base-ids {:016x}", ids_digest(&feats));
    if tokens.is_empty() {
        return;
    }
    let t = model.tag_tokens(text, &tokens, &sentences);
    let stacked = features::stacked_features(&feats, &t.sentence_of, &t.first_tags, model.bits());
    let _ = writeln!(out, "stacked-ids {:016x}", ids_digest(&stacked));
    for (i, tok) in tokens.iter().enumerate() {
        let _ = write!(
            out,
            "{} {} {:?} {:?}",
            tok.start, t.sentence_of[i], t.first_tags[i], t.tags[i]
        );
        for k in 0..7 {
            let _ = write!(out, " {:08x}", t.first_emissions[i * 7 + k].to_bits());
        }
        out.push_str(" |");
        for k in 0..7 {
            let _ = write!(out, " {:08x}", t.emissions[i * 7 + k].to_bits());
        }
        out.push('\n');
    }
    for a in model.predict(text) {
        let _ = writeln!(out, "attr {:08x} {a:?}", a.score.to_bits());
    }
}

fn time(model: &AttributionModel, passes: usize, pre_tokenised: bool) {
    let docs = texts("data/unlabeled-news", usize::MAX);
    let bytes: usize = docs.iter().map(|d| d.1.len()).sum();
    let prepared: Vec<_> = docs
        .iter()
        .map(|(_, t)| (unspin_segment::tokenize(t), unspin_segment::sentences(t)))
        .collect();
    let mut check = 0usize;
    for pass in 0..passes {
        let start = Instant::now();
        for (k, (_, text)) in docs.iter().enumerate() {
            let found = if pre_tokenised {
                model.predict_tokens(text, &prepared[k].0, &prepared[k].1)
            } else {
                model.predict(text)
            };
            check += found.len();
        }
        let secs = start.elapsed().as_secs_f64();
        println!(
            "pass {pass}: {:.0} articles/s, {:.2} MB/s",
            docs.len() as f64 / secs,
            bytes as f64 / 1e6 / secs
        );
    }
    println!("({} articles, {check} attributions in all)", docs.len());
}

/// Seconds spent in each step of `tag_tokens`, over the news folder.
fn time_parts(model: &AttributionModel, passes: usize) {
    let docs = texts("data/unlabeled-news", usize::MAX);
    for _ in 0..passes {
        let (mut tok, mut base, mut tag, mut stack) = (0.0, 0.0, 0.0, 0.0);
        for (_, text) in &docs {
            let t0 = Instant::now();
            let tokens = unspin_segment::tokenize(text);
            let sentences = unspin_segment::sentences(text);
            let t1 = Instant::now();
            let feats = article_features(text, &tokens, &sentences, model.bits());
            let t2 = Instant::now();
            let t = model.tag_tokens(text, &tokens, &sentences);
            let t3 = Instant::now();
            let s = features::stacked_features(&feats, &t.sentence_of, &t.first_tags, model.bits());
            let t4 = Instant::now();
            std::hint::black_box(s);
            tok += (t1 - t0).as_secs_f64();
            base += (t2 - t1).as_secs_f64();
            tag += (t3 - t2).as_secs_f64();
            stack += (t4 - t3).as_secs_f64();
        }
        println!(
            "tokenise+sentences {tok:.3}s, base features {base:.3}s, tag_tokens {tag:.3}s (of which stacked features {stack:.3}s)"
        );
    }
}

/// Trains with the default configuration on PolNeAR train (as the shipped
/// model is trained) and writes the model's bytes to `out`.
fn train_to(out: &str) {
    let Some(base) = unspin_testkit::shared_dir("data/quotes/polnear/data/train") else {
        eprintln!("SKIP: no PolNeAR");
        return;
    };
    let articles: Vec<unspin_attribution::TrainingArticle> =
        unspin_attribution::read_training_articles(&base).expect("reads PolNeAR train");
    let (model, _) = unspin_attribution::train(&articles, &Default::default());
    std::fs::write(out, model.to_bytes()).expect("writes the model");
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let model = AttributionModel::shipped();
    match args.get(1).map(String::as_str) {
        Some("dump") => {
            let path = args.get(2).expect("an output path");
            let limit = args
                .get(3)
                .map_or(usize::MAX, |l| l.parse().expect("a number"));
            let mut out = String::new();
            for sub in ["data/unlabeled-news", "data/quotes/polnear/data/dev/text"] {
                for (name, text) in texts(sub, limit) {
                    dump(model, &name, &text, &mut out);
                }
            }
            std::fs::write(path, out).expect("writes the dump");
        }
        Some(mode @ ("time" | "time-tokens")) => {
            let passes = args.get(2).map_or(5, |p| p.parse().expect("a number"));
            time(model, passes, mode == "time-tokens");
        }
        Some("train") => train_to(args.get(2).expect("an output path")),
        Some("time-parts") => {
            let passes = args.get(2).map_or(3, |p| p.parse().expect("a number"));
            time_parts(model, passes);
        }
        _ => {
            eprintln!("usage: tagger_dump dump OUT [LIMIT] | time [PASSES] | time-tokens [PASSES] | time-parts [PASSES]")
        }
    }
}
