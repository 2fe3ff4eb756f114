//! Training the attribution tagger: an averaged structured perceptron.
//!
//! Epoch selection uses a held-out slice of the *training* articles (every
//! `holdout_every`-th article); the model is then retrained on all of them
//! for the chosen number of epochs. Each paragraph of an article is decoded
//! and updated on its own. Article order is shuffled each epoch with a fixed
//! seed, so a run is reproducible bit for bit.

use std::ops::Range;
use std::time::Instant;

use rand::seq::SliceRandom;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use rayon::prelude::*;
use unspin_document::CharIndex;
use unspin_eval::{
    ece, matched_predictions, score_attributions, AttributionScore, AttributionSpans, Logistic,
};
use unspin_segment::{sentences, tokenize, Token};

use crate::decode;
use crate::features::{article_features, sentence_of_tokens, stacked_features, ArticleFeatures};
use crate::model::{AttributionModel, LinearTagger, Weights};
use crate::tags::{viterbi, Tag, TAGS};
use crate::types::{Attribution, ByteRange, PROVENANCE};

/// A gold attribution in byte ranges.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct GoldAttribution {
    /// Speaker pieces.
    pub source: Vec<ByteRange>,
    /// Cue pieces.
    pub cue: Vec<ByteRange>,
    /// Content pieces.
    pub content: Vec<ByteRange>,
}

impl GoldAttribution {
    /// Converts code-point ranges (as annotation files give them) to byte
    /// ranges; `None` when an offset lies beyond the text.
    pub fn from_char_ranges(
        idx: &CharIndex,
        source: &[Range<usize>],
        cue: &[Range<usize>],
        content: &[Range<usize>],
    ) -> Option<GoldAttribution> {
        let conv = |rs: &[Range<usize>]| -> Option<Vec<ByteRange>> {
            rs.iter()
                .map(|r| Some(idx.to_byte(r.start)?..idx.to_byte(r.end)?))
                .collect()
        };
        Some(GoldAttribution {
            source: conv(source)?,
            cue: conv(cue)?,
            content: conv(content)?,
        })
    }
}

/// An article with its gold attributions.
#[derive(Clone, Debug)]
pub struct TrainingArticle {
    /// The article id.
    pub id: String,
    /// The text.
    pub text: String,
    /// Gold attributions (byte ranges into `text`).
    pub gold: Vec<GoldAttribution>,
}

impl TrainingArticle {
    /// An article with gold attributions given in code points, as
    /// annotation files give them: `(source, cue, content)` pieces each.
    /// Attributions with an offset beyond the text are skipped.
    pub fn from_char_ranges<'a>(
        id: impl Into<String>,
        text: impl Into<String>,
        gold: impl IntoIterator<Item = (&'a [Range<usize>], &'a [Range<usize>], &'a [Range<usize>])>,
    ) -> TrainingArticle {
        let text = text.into();
        let idx = CharIndex::new(&text);
        let gold = gold
            .into_iter()
            .filter_map(|(s, c, t)| GoldAttribution::from_char_ranges(&idx, s, c, t))
            .collect();
        TrainingArticle {
            id: id.into(),
            text,
            gold,
        }
    }
}

/// The words that are part of a cue in at least `min_share` of their
/// occurrences and at least `min_cue` times in `articles`, lower-cased and
/// sorted: how the feature lexicon `LEARNED_CUES` was derived from PolNeAR's
/// training articles (every 10th, the epoch-selection slice, left out),
/// with `min_cue` 8 and `min_share` 0.3. A test checks the two agree.
pub fn learned_cue_words(
    articles: &[TrainingArticle],
    min_cue: usize,
    min_share: f64,
) -> Vec<String> {
    let mut counts: std::collections::BTreeMap<String, (usize, usize)> = Default::default();
    for a in articles {
        let tokens = tokenize(&a.text);
        let tags = gold_tags(&tokens, &a.gold);
        for (t, tag) in tokens.iter().zip(tags) {
            if t.kind != unspin_segment::TokenKind::Word {
                continue;
            }
            let e = counts.entry(a.text[t.range()].to_lowercase()).or_default();
            e.0 += 1;
            if tag.role() == 2 {
                e.1 += 1;
            }
        }
    }
    counts
        .into_iter()
        .filter(|(_, (all, cue))| *cue >= min_cue && *cue as f64 >= min_share * *all as f64)
        .map(|(w, _)| w)
        .collect()
}

/// Training settings.
#[derive(Clone, Debug)]
pub struct TrainConfig {
    /// Hash bits of the feature space.
    pub bits: u32,
    /// The most epochs tried.
    pub max_epochs: usize,
    /// Every n-th training article is held out to choose the epoch count.
    pub holdout_every: usize,
    /// Shuffling seed.
    pub seed: u64,
    /// Train a second, stacked tagger on the first one's tags (produced for
    /// the training articles by `folds`-fold cross-validation, so that it
    /// learns from tags as imperfect as at inference).
    pub stacked: bool,
    /// Cross-validation folds for the stacked tagger's input tags.
    pub folds: usize,
    /// Feature buckets whose int8 weights all lie within `±prune` are
    /// dropped from the model.
    pub prune: u8,
}

impl Default for TrainConfig {
    fn default() -> TrainConfig {
        TrainConfig {
            bits: 22,
            max_epochs: 8,
            holdout_every: 10,
            seed: 7,
            stacked: true,
            folds: 5,
            prune: 2,
        }
    }
}

/// What training did.
#[derive(Clone, Debug, serde::Serialize)]
pub struct TrainReport {
    /// Attribution F1 on the held-out training slice after each epoch.
    pub holdout_f1: Vec<f64>,
    /// The epoch count chosen (best held-out attribution F1).
    pub epochs: usize,
    /// The stacked tagger's attribution F1 on the held-out slice after each
    /// epoch (empty without stacking).
    pub stacked_holdout_f1: Vec<f64>,
    /// The stacked tagger's epoch count (0 without stacking).
    pub stacked_epochs: usize,
    /// The map from an attribution's mean tag margin to its score, fitted on
    /// the held-out slice's attributions (with a cue) of the chosen epoch to
    /// whether each was right (content and speaker matched).
    pub score_calibration: Logistic,
    /// Expected calibration error of those attributions' scores on the
    /// held-out slice: squashed margins as before (`[0]`), then with the
    /// fitted map (`[1]`, measured on the articles it was fitted on).
    pub holdout_score_ece: [f64; 2],
    /// Wall-clock seconds.
    pub seconds: f64,
}

/// The gold tag of every token.
pub fn gold_tags(tokens: &[Token], gold: &[GoldAttribution]) -> Vec<Tag> {
    let mut owner: Vec<Option<(u8, usize)>> = vec![None; tokens.len()];
    for (a, g) in gold.iter().enumerate() {
        for (role, pieces) in [(1u8, &g.source), (2, &g.cue), (3, &g.content)] {
            for p in pieces {
                let from = tokens.partition_point(|t| t.start < p.start);
                for (i, t) in tokens.iter().enumerate().skip(from) {
                    if t.start >= p.end {
                        break;
                    }
                    owner[i].get_or_insert((role, a));
                }
            }
        }
    }
    (0..tokens.len())
        .map(|i| match owner[i] {
            None => Tag::O,
            Some((role, _)) => {
                let begin = i == 0 || owner[i - 1] != owner[i];
                Tag::from_index(role as usize * 2 - usize::from(begin))
            }
        })
        .collect()
}

struct Prepared {
    feats: ArticleFeatures,
    gold: Vec<Tag>,
    /// Token ranges of the paragraphs: the units of a perceptron update.
    chunks: Vec<Range<usize>>,
    /// The sentence of each token.
    sentence_of: Vec<u32>,
}

/// Token ranges of the paragraphs of `text` (a line break starts one).
fn paragraphs(text: &str, tokens: &[Token]) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let mut start = 0;
    for i in 1..tokens.len() {
        if text[tokens[i - 1].end..tokens[i].start].contains('\n') {
            out.push(start..i);
            start = i;
        }
    }
    if start < tokens.len() {
        out.push(start..tokens.len());
    }
    out
}

fn prepare(articles: &[TrainingArticle], bits: u32) -> Vec<Prepared> {
    articles
        .par_iter()
        .map(|a| {
            let tokens = tokenize(&a.text);
            let feats = article_features(&a.text, &tokens, &sentences(&a.text), bits);
            Prepared {
                gold: gold_tags(&tokens, &a.gold),
                chunks: paragraphs(&a.text, &tokens),
                sentence_of: sentence_of_tokens(&tokens, &sentences(&a.text)),
                feats,
            }
        })
        .collect()
}

/// Averaged perceptron state: weights and the timestamp-weighted sums.
struct Perceptron {
    w: Weights,
    acc: Weights,
    step: f32,
}

impl Perceptron {
    fn new(bits: u32) -> Perceptron {
        Perceptron {
            w: Weights::zeros(bits),
            acc: Weights::zeros(bits),
            step: 1.0,
        }
    }

    fn bump_emission(&mut self, f: u32, tag: usize, delta: f32) {
        let k = f as usize * TAGS + tag;
        self.w.emission[k] += delta;
        self.acc.emission[k] += self.step * delta;
    }

    fn bump_transition(&mut self, prev: usize, tag: usize, delta: f32) {
        let k = prev * TAGS + tag;
        self.w.transition[k] += delta;
        self.acc.transition[k] += self.step * delta;
    }

    /// One pass over an article: a perceptron update per paragraph (many
    /// small updates converge in far fewer epochs than one per article).
    fn learn(&mut self, p: &Prepared) {
        for c in &p.chunks {
            self.learn_range(p, c.clone());
        }
    }

    fn learn_range(&mut self, p: &Prepared, range: Range<usize>) {
        let off = range.start;
        let e = self.w.emissions(&p.feats, range.clone());
        let gold = &p.gold[range];
        let pred = viterbi(&e, &self.w.transition);
        if pred != gold {
            for i in 0..pred.len() {
                let (g, q) = (gold[i] as usize, pred[i] as usize);
                if g != q {
                    for &f in p.feats.token(i + off) {
                        self.bump_emission(f, g, 1.0);
                        self.bump_emission(f, q, -1.0);
                    }
                }
                let (gp, qp) = if i == 0 {
                    (TAGS, TAGS)
                } else {
                    (gold[i - 1] as usize, pred[i - 1] as usize)
                };
                if (gp, g) != (qp, q) {
                    self.bump_transition(gp, g, 1.0);
                    self.bump_transition(qp, q, -1.0);
                }
            }
        }
        self.step += 1.0;
    }

    fn averaged(&self) -> Weights {
        let avg = |w: &[f32], a: &[f32]| -> Vec<f32> {
            w.iter().zip(a).map(|(w, a)| w - a / self.step).collect()
        };
        Weights {
            bits: self.w.bits,
            emission: avg(&self.w.emission, &self.acc.emission),
            transition: avg(&self.w.transition, &self.acc.transition),
        }
    }
}

fn run_epochs(
    prepared: &[&Prepared],
    config: &TrainConfig,
    epochs: usize,
    mut after_epoch: impl FnMut(usize, &Perceptron),
) -> Perceptron {
    let mut rng = ChaCha8Rng::seed_from_u64(config.seed);
    let mut order: Vec<usize> = (0..prepared.len()).collect();
    let mut p = Perceptron::new(config.bits);
    for epoch in 1..=epochs {
        order.shuffle(&mut rng);
        for &k in &order {
            p.learn(prepared[k]);
        }
        tracing::info!(epoch, "attribution tagger epoch done");
        after_epoch(epoch, &p);
    }
    p
}

/// Trains on `articles`: chooses the epoch count on a held-out slice, then
/// retrains on all articles, and quantises. When the slice is empty (fewer
/// articles than `holdout_every`), it trains `max_epochs` epochs directly.
pub fn train(
    articles: &[TrainingArticle],
    config: &TrainConfig,
) -> (AttributionModel, TrainReport) {
    let started = Instant::now();
    let every = config.holdout_every.max(2);
    let is_held = |i: usize| i % every == every - 1;
    let held: Vec<TrainingArticle> = articles
        .iter()
        .enumerate()
        .filter(|(i, _)| is_held(*i))
        .map(|(_, a)| a.clone())
        .collect();
    let all = prepare(articles, config.bits);
    let mut holdout_f1 = Vec::new();
    let mut holdout_pairs = Vec::new();
    let epochs = if held.is_empty() {
        config.max_epochs.max(1)
    } else {
        let fit: Vec<&Prepared> = all
            .iter()
            .enumerate()
            .filter(|(i, _)| !is_held(*i))
            .map(|(_, p)| p)
            .collect();
        run_epochs(&fit, config, config.max_epochs, |_, p| {
            let model = AttributionModel::quantize(&p.averaged(), config.prune);
            let (score, pairs) = holdout_outcomes(&held, |a| model.grouped(&a.text));
            holdout_f1.push(score.attribution.f1);
            holdout_pairs.push(pairs);
        });
        best_epoch(&holdout_f1)
    };
    let every_item: Vec<&Prepared> = all.iter().collect();
    let first = LinearTagger::quantize(
        &run_epochs(&every_item, config, epochs, |_, _| {}).averaged(),
        config.prune,
    );
    let mut report = TrainReport {
        holdout_f1,
        epochs,
        stacked_holdout_f1: Vec::new(),
        stacked_epochs: 0,
        score_calibration: Logistic::IDENTITY,
        holdout_score_ece: [0.0; 2],
        seconds: 0.0,
    };
    let mut chosen_pairs = holdout_pairs.get(epochs - 1).cloned().unwrap_or_default();
    let second = config.stacked.then(|| {
        let (tagger, pairs) = train_stacked(articles, &all, config, epochs, &mut report);
        chosen_pairs = pairs;
        tagger
    });
    calibrate(&chosen_pairs, &mut report);
    report.seconds = started.elapsed().as_secs_f64();
    let model = AttributionModel::new(first, second).with_calibration(report.score_calibration);
    (model, report)
}

/// Fits the score calibration to the held-out (margin, right) pairs and
/// records it with its effect on the slice.
fn calibrate(pairs: &[(f64, bool)], report: &mut TrainReport) {
    let fit = Logistic::fit(pairs);
    let scored = |scale: Logistic| -> Vec<(f32, bool)> {
        pairs
            .iter()
            .map(|&(m, ok)| (scale.apply(m as f32), ok))
            .collect()
    };
    report.score_calibration = fit;
    report.holdout_score_ece = [ece(&scored(Logistic::IDENTITY)), ece(&scored(fit))];
}

/// Scores grouped predictions against the gold attributions of `held`, and
/// pairs each prediction with a cue's raw margin with whether it was right
/// (content and speaker matched): what the score calibration is fitted to.
fn holdout_outcomes(
    held: &[TrainingArticle],
    grouped: impl Fn(&TrainingArticle) -> Vec<decode::Grouped> + Sync,
) -> (AttributionScore, Vec<(f64, bool)>) {
    let (gold, pred, pairs) = outcomes_of(held, |a| {
        grouped(a)
            .into_iter()
            .map(|g| {
                let margin = g.has_cue.then_some(f64::from(g.margin));
                (g.attribution, margin)
            })
            .collect()
    });
    let pairs = pairs
        .into_iter()
        .filter_map(|(m, ok)| m.map(|m| (m, ok)))
        .collect();
    (score_attributions(&gold, &pred), pairs)
}

/// The epoch (1-based) with the best held-out score, the earliest on ties.
fn best_epoch(scores: &[f64]) -> usize {
    scores
        .iter()
        .enumerate()
        .max_by(|a, b| a.1.total_cmp(b.1).then(b.0.cmp(&a.0)))
        .map_or(1, |(i, _)| i + 1)
}

/// Trains the stacked tagger: the first tagger's tags for every training
/// article come from a model that did not see it (`folds`-fold
/// cross-validation); the epoch count is chosen on the same held-out slice.
/// Also gives the held-out (margin, right) pairs of the chosen epoch.
fn train_stacked(
    articles: &[TrainingArticle],
    all: &[Prepared],
    config: &TrainConfig,
    first_epochs: usize,
    report: &mut TrainReport,
) -> (LinearTagger, Vec<(f64, bool)>) {
    let k = config.folds.max(2);
    let mut cv_tags: Vec<Vec<Tag>> = vec![Vec::new(); all.len()];
    for fold in 0..k {
        let items: Vec<&Prepared> = all
            .iter()
            .enumerate()
            .filter(|(i, _)| i % k != fold)
            .map(|(_, p)| p)
            .collect();
        let tagger = LinearTagger::quantize(
            &run_epochs(&items, config, first_epochs, |_, _| {}).averaged(),
            config.prune,
        );
        let tagged: Vec<(usize, Vec<Tag>)> = all
            .par_iter()
            .enumerate()
            .filter(|(i, _)| i % k == fold)
            .map(|(i, p)| (i, viterbi(&tagger.emissions(&p.feats), tagger.transition())))
            .collect();
        for (i, tags) in tagged {
            cv_tags[i] = tags;
        }
        tracing::info!(fold, "cross-validated tags for the stacked tagger");
    }
    let stacked: Vec<Prepared> = all
        .par_iter()
        .zip(&cv_tags)
        .map(|(p, tags)| Prepared {
            feats: stacked_features(&p.feats, &p.sentence_of, tags, config.bits),
            gold: p.gold.clone(),
            chunks: p.chunks.clone(),
            sentence_of: p.sentence_of.clone(),
        })
        .collect();
    let every = config.holdout_every.max(2);
    let is_held = |i: usize| i % every == every - 1;
    let held: Vec<usize> = (0..articles.len()).filter(|&i| is_held(i)).collect();
    let mut held_pairs = Vec::new();
    let epochs = if held.is_empty() {
        config.max_epochs.max(1)
    } else {
        let fit: Vec<&Prepared> = stacked
            .iter()
            .enumerate()
            .filter(|(i, _)| !is_held(*i))
            .map(|(_, p)| p)
            .collect();
        let held_articles: Vec<TrainingArticle> =
            held.iter().map(|&i| articles[i].clone()).collect();
        let index: std::collections::HashMap<&str, usize> =
            held.iter().map(|&i| (articles[i].id.as_str(), i)).collect();
        let mut scores = Vec::new();
        run_epochs(&fit, config, config.max_epochs, |_, p| {
            let tagger = LinearTagger::quantize(&p.averaged(), config.prune);
            let (score, pairs) = holdout_outcomes(&held_articles, |a| {
                let Some(&i) = index.get(a.id.as_str()) else {
                    return Vec::new();
                };
                let e = tagger.emissions(&stacked[i].feats);
                let tags = viterbi(&e, tagger.transition());
                let tokens = tokenize(&a.text);
                decode::grouped(
                    &a.text,
                    &tokens,
                    &stacked[i].sentence_of,
                    &tags,
                    &e,
                    PROVENANCE,
                )
            });
            scores.push(score.attribution.f1);
            held_pairs.push(pairs);
        });
        let best = best_epoch(&scores);
        report.stacked_holdout_f1 = scores;
        best
    };
    report.stacked_epochs = epochs;
    let items: Vec<&Prepared> = stacked.iter().collect();
    let tagger = LinearTagger::quantize(
        &run_epochs(&items, config, epochs, |_, _| {}).averaged(),
        config.prune,
    );
    (
        tagger,
        held_pairs.get(epochs - 1).cloned().unwrap_or_default(),
    )
}

fn to_chars(idx: &CharIndex, ranges: &[Range<usize>]) -> Vec<Range<usize>> {
    ranges
        .iter()
        .map(|r| idx.to_char(r.start)..idx.to_char(r.end))
        .collect()
}

/// An article's gold attributions and `found` ones as code-point spans.
fn spans<'a>(
    a: &TrainingArticle,
    found: impl Iterator<Item = &'a Attribution>,
) -> (Vec<AttributionSpans>, Vec<AttributionSpans>) {
    let idx = CharIndex::new(&a.text);
    let gold = a
        .gold
        .iter()
        .map(|g| AttributionSpans {
            article_id: a.id.clone(),
            source: to_chars(&idx, &g.source),
            cue: to_chars(&idx, &g.cue),
            content: to_chars(&idx, &g.content),
        })
        .collect();
    let pred = found
        .map(|p| AttributionSpans {
            article_id: a.id.clone(),
            source: to_chars(&idx, p.source.as_slice()),
            cue: to_chars(&idx, p.cue.as_slice()),
            content: to_chars(&idx, std::slice::from_ref(&p.content)),
        })
        .collect();
    (gold, pred)
}

/// Scores `predict` against the gold attributions of `articles`
/// (PolNeAR measures, see [`unspin_eval::score_attributions`]).
pub fn evaluate_with(
    articles: &[TrainingArticle],
    predict: impl Fn(&TrainingArticle) -> Vec<Attribution> + Sync,
) -> AttributionScore {
    let (gold, pred, _) = outcomes(articles, predict);
    score_attributions(&gold, &pred)
}

/// As [`evaluate_with`], with the (score, right) pair of every attribution
/// `predict` finds, right meaning its content and speaker matched a gold
/// attribution one to one: what the expected calibration error of the
/// scores is computed over ([`unspin_eval::ece`]).
pub fn evaluate_outcomes(
    articles: &[TrainingArticle],
    predict: impl Fn(&TrainingArticle) -> Vec<Attribution> + Sync,
) -> (AttributionScore, Vec<(f32, bool)>) {
    let (gold, pred, pairs) = outcomes(articles, predict);
    (score_attributions(&gold, &pred), pairs)
}

fn outcomes(
    articles: &[TrainingArticle],
    predict: impl Fn(&TrainingArticle) -> Vec<Attribution> + Sync,
) -> (
    Vec<AttributionSpans>,
    Vec<AttributionSpans>,
    Vec<(f32, bool)>,
) {
    outcomes_of(articles, |a| {
        predict(a)
            .into_iter()
            .map(|f| {
                let score = f.score;
                (f, score)
            })
            .collect()
    })
}

/// The gold and found attributions of `articles` as spans, and each found
/// one's tag (`found` gives it beside the attribution) with whether it
/// matched a gold attribution with its speaker.
#[allow(clippy::type_complexity)] // three parallel lists, named at the call sites
fn outcomes_of<T: Send>(
    articles: &[TrainingArticle],
    found: impl Fn(&TrainingArticle) -> Vec<(Attribution, T)> + Sync,
) -> (Vec<AttributionSpans>, Vec<AttributionSpans>, Vec<(T, bool)>) {
    let per_article: Vec<_> = articles
        .par_iter()
        .map(|a| {
            let (found, tags): (Vec<Attribution>, Vec<T>) = found(a).into_iter().unzip();
            let (gold, pred) = spans(a, found.iter());
            let right = matched_predictions(&gold, &pred, true);
            let pairs: Vec<(T, bool)> = tags.into_iter().zip(right).collect();
            (gold, pred, pairs)
        })
        .collect();
    let mut gold = Vec::new();
    let mut pred = Vec::new();
    let mut pairs = Vec::new();
    for (g, p, o) in per_article {
        gold.extend(g);
        pred.extend(p);
        pairs.extend(o);
    }
    (gold, pred, pairs)
}

/// Scores the tagger alone on `articles`.
pub fn evaluate(model: &AttributionModel, articles: &[TrainingArticle]) -> AttributionScore {
    evaluate_with(articles, |a| model.predict(&a.text))
}

#[cfg(test)]
#[allow(clippy::single_range_in_vec_init)] // one-piece spans read best as [a..b]
mod tests {
    use super::*;

    #[test]
    fn gold_tags_mark_roles_and_restart_at_each_piece() {
        let text = "\u{201c}We won,\u{201d} she said, \u{201c}again.\u{201d}";
        let tokens = tokenize(text);
        let find = |s: &str| {
            let b = text.find(s).unwrap();
            b..b + s.len()
        };
        let gold = vec![GoldAttribution {
            source: vec![find("she")],
            cue: vec![find("said")],
            content: vec![
                find("\u{201c}We won,\u{201d}"),
                find("\u{201c}again.\u{201d}"),
            ],
        }];
        let tags = gold_tags(&tokens, &gold);
        let words: Vec<&str> = tokens.iter().map(|t| &text[t.range()]).collect();
        let tag_of = |w: &str| tags[words.iter().position(|x| *x == w).unwrap()];
        assert_eq!(tags[0], Tag::BeginContent);
        assert_eq!(tag_of("won"), Tag::InContent);
        assert_eq!(tag_of("she"), Tag::BeginSource);
        assert_eq!(tag_of("said"), Tag::BeginCue);
        assert_eq!(tag_of("again"), Tag::InContent);
        // The second piece starts again with a begin tag (after the comma).
        let second = words.iter().rposition(|x| *x == "\u{201c}").unwrap();
        assert_eq!(tags[second], Tag::BeginContent);
    }

    #[test]
    fn learns_a_toy_pattern_reproducibly() {
        let mut articles = Vec::new();
        for (k, name) in ["Ann", "Bob", "Cyd", "Dee", "Eve", "Fay"]
            .iter()
            .enumerate()
        {
            let text = format!("{name} said that taxes rose {k} percent. The sky is blue.");
            let s = text.find(name).unwrap();
            let c = text.find("said").unwrap();
            let t = text.find("taxes").unwrap();
            let e = text.find('.').unwrap() + 1;
            articles.push(TrainingArticle {
                id: format!("a{k}"),
                gold: vec![GoldAttribution {
                    source: vec![s..s + name.len()],
                    cue: vec![c..c + 4],
                    content: vec![t..e],
                }],
                text,
            });
        }
        let config = TrainConfig {
            bits: 14,
            max_epochs: 4,
            holdout_every: 3,
            seed: 1,
            ..TrainConfig::default()
        };
        let (m1, report) = train(&articles, &config);
        let (m2, _) = train(&articles, &config);
        assert!(m1.to_bytes() == m2.to_bytes(), "training is reproducible");
        assert_eq!(report.holdout_f1.len(), 4);
        let got = m1.predict("Gil said that taxes rose 9 percent. The sky is blue.");
        assert_eq!(got.len(), 1, "{got:?}");
        assert!(evaluate(&m1, &articles).attribution.f1 > 0.9);
        // The calibration was fitted and is the model's.
        assert_eq!(m1.calibration(), report.score_calibration);
        assert!(report
            .holdout_score_ece
            .iter()
            .all(|e| (0.0..=1.0).contains(e)));
    }
}
