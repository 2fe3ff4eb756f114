//! Throughput of the fast tier on `../shared/data/unlabeled-news`.
//!
//! `cargo bench --bench throughput` prints articles/s and MB/s for the whole
//! fast tier (span identification + technique classification +
//! explanations) and for span identification alone, on one core and on all
//! cores, each next to a peer measured in the same run: bare tokenisation
//! and sentence splitting of the same text (`DocTokens`), the floor any
//! token-level analyser pays. The sourcing layer (entities, the attribution
//! tagger, quotation rules, sources, hedges, check-worthy claims) is measured
//! in the same run, alone and as part of the whole `unspin analyze` pipeline.
//! The neural tier (f32 and int8) runs on the first 50 articles beside the
//! fast tier on the same articles. Not a test: nothing here asserts a time.

use std::time::Instant;

use rayon::prelude::*;
use unspin_document::Document;
use unspin_techniques::{DocTokens, FastModel};

fn measure(
    label: &str,
    docs: &[Document],
    bytes: usize,
    reps: usize,
    f: &(dyn Fn(&Document) -> usize + Sync),
    parallel: bool,
) -> f64 {
    let start = Instant::now();
    let mut check = 0usize;
    for _ in 0..reps {
        check += if parallel {
            docs.par_iter().map(f).sum::<usize>()
        } else {
            docs.iter().map(f).sum::<usize>()
        };
    }
    let secs = start.elapsed().as_secs_f64() / reps as f64;
    let mbs = bytes as f64 / 1e6 / secs;
    println!(
        "  {label:<38} {:>9.0} articles/s {:>8.2} MB/s   (items {})",
        docs.len() as f64 / secs,
        mbs,
        check / reps
    );
    mbs
}

fn main() {
    let Some(dir) = unspin_testkit::shared_dir("data/unlabeled-news") else {
        return;
    };
    let model = match std::env::var("UNSPIN_MODEL") {
        Ok(p) => FastModel::load(std::path::Path::new(&p)),
        Err(_) => FastModel::embedded(),
    };
    let model = match model {
        Ok(m) => m,
        Err(e) => {
            eprintln!("SKIP: no fast model: {e}");
            return;
        }
    };
    let mut paths: Vec<_> = std::fs::read_dir(&dir)
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| e.path())
        .collect();
    paths.sort();
    let docs: Vec<Document> = paths
        .iter()
        .filter(|p| p.extension().is_some_and(|e| e == "txt"))
        .filter_map(|p| unspin_readers::read_text_path(p, &Default::default()).ok())
        .collect();
    let bytes: usize = docs.iter().map(|d| d.text().len()).sum();
    let threads = rayon::current_num_threads();
    println!(
        "fast tier throughput: {} articles, {:.2} MB, model {}",
        docs.len(),
        bytes as f64 / 1e6,
        model.provenance()
    );
    let reps = 3;
    let tokens = |d: &Document| DocTokens::new(d.text()).len();
    let detect = |d: &Document| model.detect(d).len();
    let analyze = |d: &Document| model.analyze(d).len();
    // Sourcing needs the sentence layer: give it a copy with sentences, as
    // the pipeline would.
    let with_sentences: Vec<Document> = docs
        .iter()
        .map(|d| {
            let mut d = d.clone();
            unspin_pipeline::Stage::process(&unspin_segment::SentenceStage, &mut d)
                .expect("sentences");
            d
        })
        .collect();
    let stage = unspin_sourcing::SourcingStage::shipped();
    let sourcing = |d: &Document| {
        let mut d = d.clone();
        unspin_pipeline::Stage::process(&stage, &mut d).expect("sourcing");
        d.layer(unspin_document::layers::QUOTE).len()
    };
    let tagger = |d: &Document| stage.tagger().attributions(d.text()).len();
    let pipeline = unspin_analysis::Analyzer::new(&unspin_analysis::AnalysisOptions {
        tier: Some(unspin_analysis::Tier::Fast),
        model: std::env::var_os("UNSPIN_MODEL").map(Into::into),
        ..Default::default()
    })
    .expect("the fast tier loads");
    let everything = |d: &Document| {
        let mut d = d.clone();
        pipeline.analyze(&mut d).expect("pipeline");
        d.layers().values().map(Vec::len).sum::<usize>()
    };
    for (name, parallel) in [("1 core", false), ("all cores", true)] {
        println!(
            "{name} ({} thread{}):",
            if parallel { threads } else { 1 },
            if parallel && threads > 1 { "s" } else { "" }
        );
        let peer = measure(
            "peer: tokenise + split sentences",
            &docs,
            bytes,
            reps,
            &tokens,
            parallel,
        );
        let si = measure(
            "span identification (detect)",
            &docs,
            bytes,
            reps,
            &detect,
            parallel,
        );
        let full = measure(
            "full fast tier (analyze)",
            &docs,
            bytes,
            reps,
            &analyze,
            parallel,
        );
        let tag = measure(
            "attribution tagger alone",
            &docs,
            bytes,
            reps,
            &tagger,
            parallel,
        );
        let src = measure(
            "sourcing layer (SourcingStage)",
            &with_sentences,
            bytes,
            reps,
            &sourcing,
            parallel,
        );
        let all = measure(
            "unspin analyze pipeline (all stages)",
            &docs,
            bytes,
            reps,
            &everything,
            parallel,
        );
        println!(
            "  ratio to peer: detect {:.2}x, analyze {:.2}x, attribution tagger {:.2}x, \
             sourcing {:.2}x, whole pipeline {:.2}x of tokenisation speed",
            si / peer,
            full / peer,
            tag / peer,
            src / peer,
            all / peer
        );
        if parallel {
            println!(
                "  per core: analyze {:.2} MB/s, sourcing {:.2} MB/s, whole pipeline {:.2} MB/s",
                full / threads as f64,
                src / threads as f64,
                all / threads as f64
            );
        }
    }
    neural_tier(&docs, &analyze);
}

/// The neural tier on the first 50 articles, beside the fast tier on the same ones.
fn neural_tier(docs: &[Document], fast: &(dyn Fn(&Document) -> usize + Sync)) {
    let mut tier = match unspin_neural::NeuralTier::embedded() {
        Ok(t) => t,
        Err(e) => {
            eprintln!("SKIP: no neural model: {e}");
            return;
        }
    };
    let subset = &docs[..docs.len().min(50)];
    let bytes: usize = subset.iter().map(|d| d.text().len()).sum();
    println!(
        "neural tier, first {} articles ({:.2} MB):",
        subset.len(),
        bytes as f64 / 1e6
    );
    let one = rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .build()
        .expect("a pool");
    let peer = measure(
        "peer: full fast tier (analyze)",
        subset,
        bytes,
        1,
        fast,
        true,
    );
    for precision in [
        unspin_neural::encoder::Precision::F32,
        unspin_neural::encoder::Precision::Int8,
    ] {
        if !tier.neural.set_precision(precision) {
            println!("  ({precision:?}: not available on this CPU)");
            continue;
        }
        let run = |d: &Document| tier.analyze(d).map_or(0, |v| v.len());
        let single = one.install(|| {
            measure(
                &format!("neural tier {precision:?}, 1 thread"),
                subset,
                bytes,
                1,
                &run,
                false,
            )
        });
        let all = measure(
            &format!("neural tier {precision:?}, all threads"),
            subset,
            bytes,
            1,
            &run,
            true,
        );
        println!(
            "  ratio to the fast tier: {:.4}x ({:.1}x slower); 1 thread {:.2} MB/s",
            all / peer,
            peer / all,
            single
        );
        match unspin_neural::NeuralAttribution::shipped(precision) {
            Some(tagger) => {
                use unspin_sourcing::attribution::AttributionTagger;
                let attributions = |d: &Document| tagger.attributions(d.text()).len();
                let all = measure(
                    &format!("neural attribution tagger {precision:?}, all threads"),
                    subset,
                    bytes,
                    1,
                    &attributions,
                    true,
                );
                println!(
                    "  ratio to the fast tier: {:.4}x ({:.1}x slower)",
                    all / peer,
                    peer / all
                );
            }
            None => println!("  (no neural attribution tagger in this build)"),
        }
    }
}
