//! Token features of the attribution tagger.
//!
//! Every feature is a string hashed (xxh3, a template-specific seed) into one
//! of `2^bits` buckets. Templates: the word and its neighbours (±3), word
//! bigrams, prefix, suffix and shape, a lexicon of reporting and cognition
//! words ("cue words": hand-written stems plus words that PolNeAR's training
//! articles mostly annotate as cues), the signed distance to the nearest cue
//! word in the sentence and the cue word itself with the words around it and
//! the punctuation between, "according to", titles, the nearest punctuation
//! marks either side, quotation-mark state (inside a quote, opening/closing
//! mark), sentence and paragraph position, and combinations of these. They are
//! computed once per article.
//!
//! For speed, without changing a bucket: templates over small fixed sets of
//! values (shapes, distance buckets, marks, tags) read their hashes from
//! tables built once per process (`tables`), and the hashes that start with
//! a word are computed once per distinct word (`words`, with a per-thread
//! cache across articles); a chain of strings is hashed step by step either
//! way, so every bucket is the one the plain string hashing gives.

mod base;
mod hashing;
mod lexicon;
mod stacked;
mod tables;
mod words;

pub use base::{article_features, sentence_of_tokens};
pub use hashing::ArticleFeatures;
pub use lexicon::{is_cue_word, LEARNED_CUES};
pub(crate) use stacked::stacked_extra;
pub use stacked::stacked_features;

/// Bumped whenever a template changes, so old weights are refused.
pub const FEATURE_VERSION: u32 = 1;
