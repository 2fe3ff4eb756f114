//! Text helpers every analyser shares: word lists loaded from data files,
//! the one speech-cue lexicon, quotation-mark pairing, lowercasing, fast
//! hash maps, byte-range helpers, and the per-document [`SourcingContext`]
//! (tokens, sentences, structure layers and lowercased words, computed once).
//!
//! Nothing here depends on an analyser: `text` is the bottom of the crate's
//! dependency order (text → entities → quotes → sources → hedges → claims →
//! stage).

pub mod context;
pub mod cues;
pub mod hash;
pub mod lexicon;
pub mod lower;
pub mod marks;
pub mod ranges;
pub mod sweep;
