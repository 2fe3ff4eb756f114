//! Feature extraction for the fast tier.
//!
//! Span identification (SI) scores every token from hashed features of the
//! token, its neighbours, its sentence (shared by all the sentence's tokens)
//! and the document (how often the word and its bigrams recur). Technique
//! classification (TC) describes a candidate span by its words, character
//! n-grams, context, length, how often it recurs in the article and its
//! punctuation; TC features are named strings so that the model can explain
//! which ones drove a decision.

mod lexicons;
mod si;
mod tc;
mod tokens;

#[cfg(test)]
pub(crate) use lexicons::LEXICONS;
pub(crate) use si::{si_sentence_features, si_token_features};
#[cfg(test)]
pub(crate) use tc::NameSink;
pub use tc::TcContext;
pub(crate) use tc::{named_bucket, tc_features, HashSink, Sink};
#[cfg(test)]
pub(crate) use tokens::hash_lower;
pub(crate) use tokens::is_stopword;
pub use tokens::DocTokens;

#[cfg(test)]
mod tests;
