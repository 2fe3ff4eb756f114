//! The trained attribution tagger: finds Source (speaker), Cue and Content
//! spans the way PolNeAR annotates them, in any running text.
//!
//! A first-order linear-chain model over seven BIO tags ([`Tag`]: `O`, and
//! begin/inside for source, cue and content), trained as an averaged
//! structured perceptron ([`train()`]) on PolNeAR's training articles, with
//! hashed token features ([`features`]) and Viterbi decoding under BIO
//! constraints; a second, stacked tagger sees the first one's tags. Role
//! segments are then grouped around their nearest cue into [`Attribution`]s
//! (a speaker from the cue's own sentence, a content to a cue in a sentence
//! it touches). The weights ship as int8 (`models/attribution/`, quantised by
//! `unspin-quantize`), embedded in the binary: [`AttributionModel::shipped`].
//!
//! Why this and not a transformer: it trains in seconds on two cores from
//! 22,000 PolNeAR attributions, runs at corpus speed, and reproduces bit for
//! bit; the features that make attribution tractable (quotation state,
//! distance to a reporting verb, sentence position) are cheap and explicit.
//!
//! [`AttributionTagger`] is what the sourcing stage (`unspin-sourcing`) calls;
//! the neural tagger of `unspin-neural` implements it too and decodes its
//! per-token scores with [`attributions_from_emissions`], the same Viterbi
//! and grouping step. This crate knows nothing of documents or layers: the
//! sourcing stage turns attributions into spans and completes them with
//! quotation rules, speaker resolution and source kinds.
//!
//! All ranges are **byte** ranges into the text, as everywhere in unspin.
//!
//! ```
//! use unspin_attribution::{AttributionModel, AttributionTagger};
//!
//! let model = AttributionModel::shipped();
//! let text = "\u{201c}We expect more jobs,\u{201d} Treasury Secretary Ann Lee said.";
//! for a in model.attributions(text) {
//!     println!("{:?} says {:?}", a.source.map(|r| &text[r]), &text[a.content]);
//! }
//! ```
#![deny(missing_docs)]

mod corpus;
mod decode;
pub mod features;
mod model;
mod table;
mod tagger;
mod tags;
mod train;
mod types;

pub use corpus::read_training_articles;
pub use features::{article_features, ArticleFeatures, FEATURE_VERSION};
pub use model::{AttributionModel, LinearTagger, ModelError, Tagging, Weights};
pub use tagger::{attributions_from_emissions, attributions_from_tags, AttributionTagger};
pub use tags::{Tag, TAGS};
pub use train::{
    evaluate, evaluate_outcomes, evaluate_with, gold_tags, learned_cue_words, train,
    GoldAttribution, TrainConfig, TrainReport, TrainingArticle,
};
pub use types::{Attribution, ByteRange, QuoteKind, SourceKind, NEURAL_PROVENANCE, PROVENANCE};
