//! The trained attribution tagger: finds Source (speaker), Cue and Content
//! spans the way PolNeAR annotates them, in any running text.
//!
//! A first-order linear-chain model over seven BIO tags (`O`, and begin/inside
//! for source, cue and content), trained as an averaged structured
//! perceptron ([`train`]) on PolNeAR's training articles, with hashed
//! features ([`features`]) and Viterbi decoding under BIO constraints. Role
//! segments are then grouped around their nearest cue ([`decode`]). The
//! weights ship as int8 (`models/attribution/`), embedded in the binary.
//!
//! Why this and not a transformer: it trains in seconds on two cores from
//! 22,000 PolNeAR attributions, runs at corpus speed, and reproduces bit for
//! bit; the features that make attribution tractable (quotation state,
//! distance to a reporting verb, sentence position) are cheap and explicit.

mod decode;
pub mod features;
mod model;
mod train;

pub use features::{article_features, ArticleFeatures, FEATURE_VERSION};
pub use model::{AttributionModel, LinearTagger, ModelError, Tag, Weights, TAGS};
pub use train::{
    evaluate, evaluate_with, gold_tags, learned_cue_words, train, GoldAttribution, TrainConfig,
    TrainReport, TrainingArticle,
};

use unspin_segment::{sentences, tokenize, Token};

use crate::Attribution;

/// The provenance of the tagger's attributions.
pub const PROVENANCE: &str = "attribution-tagger";

impl AttributionModel {
    /// The attributions in `text` (byte ranges), sorted by content start.
    pub fn predict(&self, text: &str) -> Vec<Attribution> {
        let tokens = tokenize(text);
        let sentences = sentences(text);
        self.predict_tokens(text, &tokens, &sentences)
    }

    /// As [`predict`](Self::predict), with the text's tokens and sentences
    /// already computed.
    pub fn predict_tokens(
        &self,
        text: &str,
        tokens: &[Token],
        sentences: &[std::ops::Range<usize>],
    ) -> Vec<Attribution> {
        if tokens.is_empty() {
            return Vec::new();
        }
        let feats = article_features(text, tokens, sentences, self.bits());
        let first = self.first();
        let emissions = first.emissions(&feats);
        let tags = model::viterbi(&emissions, first.transition());
        let Some(second) = self.second() else {
            return decode::attributions(tokens, &tags, &emissions);
        };
        let sentence_of = features::sentence_of_tokens(tokens, sentences);
        let stacked = features::stacked_features(&feats, &sentence_of, &tags, self.bits());
        let emissions = second.emissions(&stacked);
        let tags = model::viterbi(&emissions, second.transition());
        decode::attributions(tokens, &tags, &emissions)
    }
}

/// Groups a tag sequence over `text`'s tokens into attributions, as the
/// tagger does after decoding (used to measure the grouping step alone: gold
/// tags in, attributions out).
pub fn attributions_from_tags(text: &str, tags: &[Tag]) -> Vec<Attribution> {
    let tokens = tokenize(text);
    let emissions = vec![0.0f32; tokens.len() * TAGS];
    decode::attributions(&tokens, tags, &emissions)
}
