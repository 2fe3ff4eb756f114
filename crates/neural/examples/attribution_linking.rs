//! Speaker-linking diagnostics on a held-out slice of PolNeAR *train*
//! (every 10th article in name order, the slice `train_attribution.py
//! --holdout-every 10` leaves out): what goes wrong between a content match and
//! its speaker. Never reads dev.
//!
//! `cargo run --release -p unspin-neural --example attribution_linking -- gold`
//!     gold tags through the grouping step (the grouping's own errors);
//! `cargo run --release -p unspin-neural --example attribution_linking -- training/out-attr-ho`
//!     a tagger trained without the slice (`attribution-f32.safetensors`).
//!
//! With that tagger, `MIN_SCORE=0.75,0.8,…` sweeps the score threshold and
//! `CALIBRATE=1` fits the score calibration (`SCORE_CALIBRATION`) on the
//! slice, with its expected calibration error in and out of sample (fitted
//! on one half of the slice's articles, measured on the other).
use std::ops::Range;

use std::collections::HashMap;
use unspin_neural::attribution::AttributionInfo;
use unspin_neural::weights::TensorMap;
use unspin_neural::NeuralAttribution;

use rayon::prelude::*;
use unspin_attribution::{
    attributions_from_tags, evaluate_outcomes, evaluate_with, gold_tags, Attribution,
    AttributionTagger, GoldAttribution, TrainingArticle,
};
use unspin_eval::{ece, Logistic};
use unspin_pipeline::Stage;
use unspin_segment::SentenceStage;
use unspin_sourcing::SourcingStage;

fn load(dir: &std::path::Path) -> Vec<TrainingArticle> {
    unspin_attribution::read_training_articles(dir).expect("reads")
}

fn overlap(a: &Range<usize>, b: &Range<usize>) -> usize {
    a.end.min(b.end).saturating_sub(a.start.max(b.start))
}

/// Prints a gold content and the predictions that overlap it (with their cues).
fn show_overlapping(kind: &str, a: &TrainingArticle, g: &GoldAttribution, pred: &[Attribution]) {
    let clip = |r: &Range<usize>, n: usize| a.text[r.clone()].chars().take(n).collect::<String>();
    let preds: Vec<_> = pred
        .iter()
        .filter(|p| g.content.iter().any(|r| overlap(r, &p.content) > 0))
        .map(|p| (p.cue.as_ref().map(|c| clip(c, 60)), clip(&p.content, 200)))
        .collect();
    println!(
        "{kind} gold {:?}\n   preds {preds:?}",
        clip(&g.content[0], 200)
    );
}

fn diagnose(articles: &[TrainingArticle], predict: &dyn Fn(&TrainingArticle) -> Vec<Attribution>) {
    let (mut ok, mut none_pred, mut none_gold, mut wrong) = (0, 0, 0, 0);
    let mut shown = 0;
    for a in articles {
        let pred = predict(a);
        for g in &a.gold {
            let glen: usize = g.content.iter().map(|r| r.len()).sum();
            let Some(p) = pred.iter().find(|p| {
                let ov: usize = g.content.iter().map(|r| overlap(r, &p.content)).sum();
                ov > 0 && ov * 2 >= glen && ov * 2 >= p.content.len()
            }) else {
                continue;
            };
            let hit = p
                .source
                .as_ref()
                .is_some_and(|s| g.source.iter().any(|r| overlap(r, s) > 0));
            let kind = match (&p.source, g.source.is_empty(), hit) {
                (None, true, _) | (Some(_), false, true) => {
                    ok += 1;
                    continue;
                }
                (None, false, _) => {
                    none_pred += 1;
                    "NONE"
                }
                (Some(_), true, _) => {
                    none_gold += 1;
                    "GOLD-NONE"
                }
                _ => {
                    wrong += 1;
                    "WRONG"
                }
            };
            if shown < 60 {
                shown += 1;
                let t = |r: &Range<usize>| a.text[r.clone()].replace('\n', " ");
                let ctx_from = [
                    g.content[0].start,
                    g.source.first().map_or(usize::MAX, |r| r.start),
                    p.content.start,
                ]
                .into_iter()
                .min()
                .unwrap_or(0);
                let ctx_from = a.text.floor_char_boundary(ctx_from.saturating_sub(40));
                let ctx_to = a
                    .text
                    .ceil_char_boundary((g.content[0].start + 60).min(a.text.len()));
                println!(
                    "{kind} pred src {:?} cue {:?} | gold src {:?} cue {:?}\n    …{}…",
                    p.source.as_ref().map(t),
                    p.cue.as_ref().map(t),
                    g.source.iter().map(t).collect::<Vec<_>>(),
                    g.cue.iter().map(t).collect::<Vec<_>>(),
                    &a.text[ctx_from..ctx_to].replace('\n', " ")
                );
            }
        }
    }
    println!("speaker ok {ok}, predicted none {none_pred}, gold none {none_gold}, wrong {wrong}");
    // Short contents: how often a one- or two-word content matches a gold one.
    let mut short: std::collections::BTreeMap<String, (usize, usize)> = Default::default();
    for a in articles {
        for p in predict(a) {
            let words = a.text[p.content.clone()].split_whitespace().count();
            if words > 2 {
                continue;
            }
            let hit = a.gold.iter().any(|g| {
                let glen: usize = g.content.iter().map(|r| r.len()).sum();
                let ov: usize = g.content.iter().map(|r| overlap(r, &p.content)).sum();
                ov > 0 && ov * 2 >= glen && ov * 2 >= p.content.len()
            });
            let key = if words == 1 {
                a.text[p.content.clone()].to_lowercase()
            } else {
                "(two words)".into()
            };
            let e = short.entry(key).or_default();
            e.0 += 1;
            e.1 += usize::from(hit);
        }
    }
    let mut v: Vec<_> = short.into_iter().collect();
    v.sort_by_key(|(_, (n, _))| std::cmp::Reverse(*n));
    println!(
        "short contents (predicted, matched): {:?}",
        &v[..v.len().min(40)]
    );
    // Content errors: unmatched gold and unmatched predictions, by kind.
    let (mut g_none, mut g_short, mut g_long, mut p_none, mut p_partial) = (0, 0, 0, 0, 0);
    let mut shown = 0;
    for a in articles {
        let pred = predict(a);
        let matches = |g: &GoldAttribution, p: &Attribution| {
            let glen: usize = g.content.iter().map(|r| r.len()).sum();
            let ov: usize = g.content.iter().map(|r| overlap(r, &p.content)).sum();
            (ov, glen)
        };
        for g in &a.gold {
            let best = pred
                .iter()
                .map(|p| (matches(g, p), p.content.len()))
                .filter(|((ov, _), _)| *ov > 0);
            let v: Vec<_> = best.collect();
            if v.iter()
                .any(|((ov, glen), pl)| ov * 2 >= *glen && ov * 2 >= *pl)
            {
                continue;
            }
            match v.iter().max_by_key(|((ov, _), _)| *ov) {
                None => g_none += 1,
                Some(((ov, glen), _)) => {
                    let kind = if ov * 2 < *glen { "SHORT" } else { "LONG" };
                    if kind == "SHORT" {
                        g_short += 1
                    } else {
                        g_long += 1
                    }
                    if shown < 25 && std::env::var(format!("SHOW_{kind}")).is_ok() {
                        shown += 1;
                        show_overlapping(kind, a, g, &pred);
                    }
                }
            }
        }
        for p in &pred {
            let any = a
                .gold
                .iter()
                .any(|g| g.content.iter().any(|r| overlap(r, &p.content) > 0));
            let ok = a.gold.iter().any(|g| {
                let (ov, glen) = matches(g, p);
                ov > 0 && ov * 2 >= glen && ov * 2 >= p.content.len()
            });
            if !any {
                p_none += 1
            } else if !ok {
                p_partial += 1
            }
        }
    }
    println!("unmatched gold: no overlap {g_none}, predictions cover < half {g_short}, predictions too long {g_long}; unmatched predictions: no overlap {p_none}, partial {p_partial}");
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let Some(base) = unspin_testkit::shared_dir("data/quotes/polnear/data") else {
        return;
    };
    let train = load(&base.join("train"));
    if args.get(1).map(String::as_str) == Some("stats") {
        stats(&train);
        return;
    }
    let slice: Vec<TrainingArticle> = train
        .into_iter()
        .enumerate()
        .filter(|(i, _)| i % 10 == 0)
        .map(|(_, a)| a)
        .collect();
    println!("{} held-out training articles", slice.len());
    let mode = args.get(1).map(String::as_str).unwrap_or("gold");
    if mode == "gold" {
        println!("gold tags through the grouping step:");
        let predict = |a: &TrainingArticle| {
            let tags = gold_tags(&unspin_segment::tokenize(&a.text), &a.gold);
            attributions_from_tags(&a.text, &tags)
        };
        println!("{}", evaluate_with(&slice, predict));
        diagnose(&slice, &predict);
        return;
    }
    let dir = std::path::Path::new(mode);
    let weights = std::fs::read(dir.join("attribution-f32.safetensors")).expect("weights");
    let tokenizer = std::fs::read(dir.join("tokenizer.json")).expect("tokenizer");
    let map = TensorMap::from_bytes(&weights).expect("safetensors");
    let info = AttributionInfo {
        name: "held-out".into(),
        window: 256,
        stride: 128,
        training: serde_json::Value::Null,
        // A checkpoint holds every layer, shared ones included.
        shared_layers: 0,
        trunk: None,
    };
    let model =
        NeuralAttribution::from_tensors(&map, &tokenizer, info, "ho".into()).expect("model");
    let started = std::time::Instant::now();
    let cached: HashMap<String, (Vec<unspin_segment::Token>, Vec<f32>)> = slice
        .par_iter()
        .map(|a| {
            let tokens = unspin_segment::tokenize(&a.text);
            let e = model.emissions(&a.text, &tokens).expect("emissions");
            (a.text.clone(), (tokens, e))
        })
        .collect();
    println!("emissions in {:.0} s", started.elapsed().as_secs_f64());
    if let Ok(ws) = std::env::var("MIX_LINEAR") {
        mix_linear(&train_without_slice(&base), &slice, &cached, &ws);
        return;
    }
    let tagger = std::sync::Arc::new(Cached(cached));
    let stage = SourcingStage::new(tagger.clone());
    println!(
        "tagger alone:\n{}",
        evaluate_with(&slice, |a| tagger.attributions(&a.text))
    );
    let full = |a: &TrainingArticle| {
        let mut doc = unspin_readers::read_text(a.id.clone(), a.text.clone());
        SentenceStage.process(&mut doc).expect("sentences");
        let found = unspin_sourcing::entities::find_entities(&doc);
        stage.attributions(&doc, &found)
    };
    let decoded = |a: &TrainingArticle, t: f32, scale: Logistic| match tagger.0.get(&a.text) {
        Some((tokens, e)) => {
            unspin_neural::attribution::decode_with(&a.text, tokens, e.clone(), t, scale)
        }
        None => Vec::new(),
    };
    if let Ok(ts) = std::env::var("MIN_SCORE") {
        for t in ts.split(',').filter_map(|t| t.trim().parse::<f32>().ok()) {
            let score = evaluate_with(&slice, |a| decoded(a, t, Logistic::IDENTITY));
            println!("score >= {t}:\n{score}");
        }
        return;
    }
    if std::env::var("CALIBRATE").is_ok() {
        calibrate(&slice, &|a| {
            decoded(a, unspin_neural::attribution::MIN_SCORE, Logistic::IDENTITY)
        });
        return;
    }
    println!("full sourcing analysis:\n{}", evaluate_with(&slice, full));
    diagnose(&slice, &full);
}

/// Fits the map from raw scores to the share of right attributions on the
/// slice (`predict` gives raw scores) and prints it with the expected
/// calibration error: raw, in sample, and fitted on one half of the
/// articles and measured on the other.
fn calibrate(
    slice: &[TrainingArticle],
    predict: &(dyn Fn(&TrainingArticle) -> Vec<Attribution> + Sync),
) {
    let logit = |p: f32| {
        let p = p.clamp(1e-6, 1.0 - 1e-6);
        f64::from((p / (1.0 - p)).ln())
    };
    let fit = |pairs: &[(f32, bool)]| {
        Logistic::fit(
            &pairs
                .iter()
                .map(|&(p, ok)| (logit(p), ok))
                .collect::<Vec<_>>(),
        )
    };
    let apply = |scale: Logistic, pairs: &[(f32, bool)]| -> Vec<(f32, bool)> {
        pairs
            .iter()
            .map(|&(p, ok)| (scale.apply(logit(p) as f32), ok))
            .collect()
    };
    let (_, all) = evaluate_outcomes(slice, predict);
    let whole = fit(&all);
    let right = all.iter().filter(|p| p.1).count();
    println!(
        "{} attributions, {right} right ({:.3}), mean raw score {:.3}",
        all.len(),
        right as f64 / all.len().max(1) as f64,
        all.iter().map(|p| f64::from(p.0)).sum::<f64>() / all.len().max(1) as f64
    );
    println!(
        "fit on the whole slice: a = {:.4}, b = {:.4}; ECE raw {:.3}, in sample {:.3}",
        whole.a,
        whole.b,
        ece(&all),
        ece(&apply(whole, &all))
    );
    let half = |k: usize| -> Vec<TrainingArticle> {
        slice
            .iter()
            .enumerate()
            .filter(|(i, _)| i % 2 == k)
            .map(|(_, a)| a.clone())
            .collect()
    };
    for k in 0..2 {
        let (_, fit_on) = evaluate_outcomes(&half(k), predict);
        let (_, held) = evaluate_outcomes(&half(1 - k), predict);
        let f = fit(&fit_on);
        println!(
            "fitted on half {k} (a = {:.4}, b = {:.4}), other half: ECE raw {:.3}, calibrated {:.3}",
            f.a,
            f.b,
            ece(&held),
            ece(&apply(f, &held))
        );
    }
}

/// A tagger that replays cached emissions (decoding variants are cheap to compare).
struct Cached(HashMap<String, (Vec<unspin_segment::Token>, Vec<f32>)>);

impl AttributionTagger for Cached {
    fn attributions(&self, text: &str) -> Vec<Attribution> {
        match self.0.get(text) {
            Some((tokens, e)) => unspin_neural::attribution::decode(text, tokens, e.clone()),
            None => Vec::new(),
        }
    }
    fn describe(&self) -> String {
        "cached".into()
    }
}

/// Gold statistics over all training articles: where a speaker sits relative to its cue.
fn stats(articles: &[TrainingArticle]) {
    use std::collections::HashMap;
    let mut c: HashMap<&'static str, usize> = HashMap::new();
    for a in articles {
        let sents = unspin_segment::sentences(&a.text);
        let sent_of = |b: usize| sents.partition_point(|s| s.end <= b);
        for (i, g) in a.gold.iter().enumerate() {
            if g.cue.is_empty() {
                *c.entry("no cue").or_default() += 1;
                continue;
            }
            let cue = g.cue[0].clone();
            if g.source.is_empty() {
                *c.entry("no source").or_default() += 1;
                // Another attribution's source in the same sentence?
                let near = a.gold.iter().enumerate().any(|(j, h)| {
                    j != i
                        && h.source
                            .iter()
                            .any(|s| sent_of(s.start) == sent_of(cue.start))
                });
                if near {
                    *c.entry("no source, other source in sentence").or_default() += 1;
                }
                continue;
            }
            {
                let first = g.content.first().map_or(0, |r| r.start);
                let last = g.content.last().map_or(0, |r| r.end.saturating_sub(1));
                *c.entry("content").or_default() += 1;
                if sent_of(first) == sent_of(cue.start) || sent_of(last) == sent_of(cue.start) {
                    *c.entry("content ends in cue sentence").or_default() += 1;
                } else if sent_of(last) + 1 == sent_of(cue.start) {
                    *c.entry("content ends in sentence before cue").or_default() += 1;
                } else if sent_of(first) == sent_of(cue.start) + 1 {
                    *c.entry("content starts in sentence after cue").or_default() += 1;
                }
            }
            let s = g.source[0].clone();
            *c.entry("source").or_default() += 1;
            if sent_of(s.start) == sent_of(cue.start) {
                *c.entry("source same sentence").or_default() += 1;
            } else if sent_of(s.start) + 1 == sent_of(cue.start)
                || sent_of(s.start) == sent_of(cue.start) + 1
            {
                *c.entry("source adjacent sentence").or_default() += 1;
            }
            if s.end <= cue.start {
                *c.entry("source before cue").or_default() += 1;
            }
            let shared = a
                .gold
                .iter()
                .enumerate()
                .any(|(j, h)| j != i && h.source.iter().any(|r| overlap(r, &s) > 0));
            if shared {
                *c.entry("source shared with another attribution")
                    .or_default() += 1;
            }
            let (lo, hi) = if s.end <= cue.start {
                (s.end, cue.start)
            } else {
                (cue.end, s.start)
            };
            let between = a
                .gold
                .iter()
                .enumerate()
                .any(|(j, h)| j != i && h.cue.iter().any(|r| r.start >= lo && r.end <= hi));
            if between {
                *c.entry("another cue between source and cue").or_default() += 1;
            }
        }
    }
    let mut v: Vec<_> = c.into_iter().collect();
    v.sort();
    for (k, n) in v {
        println!("{n:6}  {k}");
    }
}

/// PolNeAR train without the held-out slice (what a tagger scored on it may see).
fn train_without_slice(base: &std::path::Path) -> Vec<TrainingArticle> {
    load(&base.join("train"))
        .into_iter()
        .enumerate()
        .filter(|(i, _)| i % 10 != 0)
        .map(|(_, a)| a)
        .collect()
}

/// `MIX_LINEAR=0,0.1,…`: the neural emissions plus `w ×` a linear tagger's
/// scores (the linear tagger trained here without the slice), decoded as
/// shipped, for each weight `w`.
fn mix_linear(
    fit: &[TrainingArticle],
    slice: &[TrainingArticle],
    cached: &HashMap<String, (Vec<unspin_segment::Token>, Vec<f32>)>,
    weights: &str,
) {
    let started = std::time::Instant::now();
    let (linear, report) =
        unspin_attribution::train(fit, &unspin_attribution::TrainConfig::default());
    println!(
        "linear tagger without the slice: {} + {} epochs, {:.0} s; alone:\n{}",
        report.epochs,
        report.stacked_epochs,
        started.elapsed().as_secs_f64(),
        unspin_attribution::evaluate(&linear, slice)
    );
    if let Ok(ts) = std::env::var("LINEAR_MIN_SCORE") {
        for t in ts.split(',').filter_map(|t| t.trim().parse::<f32>().ok()) {
            let score = evaluate_with(slice, |a| {
                let mut found = linear.predict(&a.text);
                found.retain(|p| p.score >= t);
                found
            });
            println!("linear, score >= {t}:\n{score}");
        }
    }
    let lin: HashMap<&str, Vec<f32>> = slice
        .par_iter()
        .map(|a| {
            let (tokens, _) = &cached[&a.text];
            let sents = unspin_segment::sentences(&a.text);
            (
                a.text.as_str(),
                linear.tag_tokens(&a.text, tokens, &sents).emissions,
            )
        })
        .collect();
    for w in weights
        .split(',')
        .filter_map(|w| w.trim().parse::<f32>().ok())
    {
        let score = evaluate_with(slice, |a| {
            let (tokens, e) = &cached[&a.text];
            let mixed: Vec<f32> = e
                .iter()
                .zip(&lin[a.text.as_str()])
                .map(|(n, l)| n + w * l)
                .collect();
            unspin_neural::attribution::decode(&a.text, tokens, mixed)
        });
        println!("w {w}:\n{score}");
    }
}
