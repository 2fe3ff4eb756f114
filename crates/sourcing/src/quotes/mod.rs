//! Quotation marks, block quotes and their speakers.
//!
//! * [`quotation_spans`] pairs quotation marks: curly “ ” and straight `"`
//!   (classified as opening or closing by the characters around them), ‘ ’
//!   and `'` as inner quotes (a ’ between letters, or after a letter with no
//!   single quote open, is an apostrophe: "it’s", "Obama’s", "Kurds’"),
//!   nesting, quotations of several paragraphs (English convention: a
//!   paragraph inside the quotation opens again and the previous one does
//!   not close) and unbalanced marks (an unclosed quotation ends with its
//!   paragraph, `close = None`, so it never swallows the rest of the text).
//!   Short quoted terms that are not speech (the “moderate” rebels) are
//!   flagged `scare`.
//! * [`rule_attributions`] attributes block quotes (speaker from the lead-in
//!   sentence before the block — "Here's more from X", "X wrote:",
//!   "according to X:", "an article by X" — or from the citation line after
//!   it, `("Title", Author, Outlet)`, or an epigraph's "— Name, Outlet"
//!   line), direct quotes in running text (“…,” X said / X said, “…” /
//!   “…,” said X / “A,” he said, “B”) and indirect speech ("according to X,
//!   …", "X said that …").
//! * [`reconcile`] merges those rule attributions with the trained tagger's,
//!   sets every attribution's kind and resolves speakers (pronouns to the
//!   last named person, "it" / "the newspaper" to the last organisation,
//!   "a senior official" / "sources" as anonymous).
//! * [`attribution_spans`] builds the `quote`, `speaker` and `cue` layers.
//!
//! Direct quotes inside block quotes are left to the block quote's own
//! attribution. Quotes with no speech cue near them (titles, unattributed
//! phrases) are not attributions.

mod block;
mod context;
mod lookup;
mod reconcile;
mod resolve;
mod speech;
#[cfg(test)]
mod tests;
mod words;

pub use crate::text::marks::{quotation_spans, QuotePair};
pub use context::{MERGED_NEURAL_PROVENANCE, MERGED_PROVENANCE, PROVENANCE};
pub use reconcile::{
    attribution_spans, reconcile, reconcile_in, rule_attributions, rule_attributions_in,
};
