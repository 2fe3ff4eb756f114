//! Check-worthy claims and the quantities they state.
//!
//! # Quantities
//!
//! [`quantities`] finds numbers and normalises them: `62` → 62,
//! `3,000 men` → 3000 (unit `men`), `12 km.` → 12 (`km`), `over 7 million`
//! → 7 000 000 (the qualifier stays in the text), `1.5 billion`, `$2.3bn` →
//! 2.3e9 (`USD`), `50%` / `50 percent` → 50 (`%`), `five year-long war` → 5
//! (`year`), `two dozen` → 24, `two-thirds` → 0.667. Number words are
//! two ... twenty, the tens, and `hundred`, `thousand`, `million`, `billion`,
//! `trillion`, `dozen` as multipliers (`a hundred`, `one million`); a bare
//! `one` and `a` are not quantities ("for one thing"), nor are `hundreds of`,
//! `several hundred` (no definite value) or ordinals (`5th`). The unit is the
//! lower-case word right after the number (or after a hyphen: `12-km`),
//! unless it is a function word; a capitalised word is not a unit
//! (`62 Syrian regulars` has no unit).
//!
//! **Dates are not quantities.** A four-digit number from 1800 to 2099
//! written without separators is a year when it follows a date preposition or
//! a month (`in 2016`, `September 2016`) or is followed by a capitalised word,
//! punctuation, the end or a function word (`the 2012 Defense ... report`,
//! `2016.`); otherwise (`2000 troops`) it is a quantity. A day number next to
//! a month name (`September 17`, `27 September`) is a date. Numbers that are
//! part of a name or a ratio (`R+6`, `F-16`, `9/11`, `3:30`) are skipped.
//! Dates found this way count towards a claim's check-worthiness.
//!
//! # Check-worthiness
//!
//! No public check-worthiness data set (CLEF CheckThat!, ClaimBuster) is
//! available offline here, so the score is a transparent rule-based sum in
//! the spirit of ClaimBuster's features (numbers, named actors, verbs of
//! reporting raise it; opinion, questions and short sentences lower it),
//! clamped to 0..1. For each sentence:
//!
//! | feature                                                     | weight |
//! |-------------------------------------------------------------|--------|
//! | base                                                        | +0.25  |
//! | states a quantity (+0.05 for each further one, up to +0.35) | +0.25  |
//! | names a date (`September 17`, `2016`, `last week`, a month) | +0.15  |
//! | a named actor followed by an action verb (`the Pentagon launched`, an `-ed` form or a listed verb) within 4 words | +0.25 |
//! | ... or only by a copula or auxiliary (`the US has`, `Aleppo will`) | +0.15 |
//! | reports an attribution (a cue in the sentence, `said`, `according to`) | +0.10 |
//! | question (ends with `?`)                                    | −0.35  |
//! | exclamation                                                 | −0.15  |
//! | first-person opinion marker (`IMO`, `I think`)              | −0.25  |
//! | other first-person pronoun (`we`, `my`, `us`)               | −0.10  |
//! | evaluative / loaded words (`excellent`, `callous`), each    | −0.10 (at most −0.25) |
//! | imperative (starts with `Let`, `Consider`, `Split`, ...)    | −0.20  |
//! | prediction or prescription (`will`, `would`, `should`, `must`) | −0.10 |
//! | fewer than 4 words / fewer than 6 words                     | −0.30 / −0.10 |
//!
//! A sentence scoring at least [`CHECK_WORTHY`] is check-worthy: it needs
//! evidence of a fact (a number, or an actor doing something) beyond the base
//! and no strong opinion signal. Named actors come from the `entities`
//! argument; when it is empty, capitalised words not at the start of the
//! sentence (or sentence-initial ones whose lower-case form never occurs in
//! the document) stand in. Hedges and boosters do not change the score; they
//! set the claim's [`ClaimCertainty`]. Sentences inside quotes are scored
//! like any other (fact-checkers check quoted claims too) and marked
//! [`Claim::quoted`].

mod find;
mod lexicon;
mod quantities;
mod score;
#[cfg(test)]
mod tests;
mod types;

pub use find::{claim_spans, find_claims, find_claims_in, marker_spans};
pub use quantities::quantities;
pub use types::{Claim, ClaimCertainty, Quantity, CHECK_WORTHY};
