//! Sourcing and claims: an article's evidence trail.
//!
//! Each analyser here adds standoff layers to a [`Document`]; [`SourcingStage`]
//! runs them in order:
//!
//! 1. [`entities`]: people, organisations, outlets and places (a rule-based
//!    recogniser with gazetteers; layer [`layers::ENTITY`]).
//! 2. [`attribution`]: a trained tagger (averaged structured perceptron over
//!    BIO tags, trained on PolNeAR) finds Source / Cue / Content triples.
//! 3. [`quotes`]: quotation marks, block quotes with their lead-in speaker and
//!    citation line, speaker resolution (pronouns to the last named person);
//!    reconciles the rules with the tagger (layers `quote`, `speaker`, `cue`).
//! 4. [`sources`]: cited outlets, organisations, documents and people from
//!    attributions, links, parenthetical citations and "according to" phrases
//!    (layer `source`).
//! 5. [`hedges`]: hedges ("reportedly") and boosters ("of course") (layer `hedge`).
//! 6. [`claims`]: check-worthy factual sentences with normalised numbers
//!    (layer `claim`).
//!
//! The article's sourcing summary and its de-duplicated sources are computed
//! from these layers alone, by `unspin-writers` (`summarize_sourcing`,
//! `cited_sources`).
//!
//! Every analyser reads one [`SourcingContext`] (the document's tokens,
//! lower-cased words, sentences, quotation pairs and structure layers), built
//! once per document by the stage; the shared pieces (the one speech-cue
//! lexicon [`text::cues`], quotation-mark pairing, word-list loading) live in
//! [`text`]. Word lists are data files under `crates/sourcing/data/`. Files
//! depend downwards only: text → entities → quotes → sources → hedges →
//! claims → stage.
//!
//! All ranges in this crate are **byte** ranges into [`Document::text`], like
//! every other unspin layer; writers convert them to code points.
#![deny(missing_docs)]

pub use unspin_attribution as attribution;
pub mod claims;
pub mod entities;
pub mod hedges;
pub mod quotes;
pub mod sources;
mod stage;
pub mod text;

pub use entities::{source_kind_of_entity, Entity, EntityKind};
pub use stage::SourcingStage;
pub use text::context::SourcingContext;

pub use unspin_document::Document;

pub use unspin_attribution::{Attribution, ByteRange, QuoteKind, SourceKind};
