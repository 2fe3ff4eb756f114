//! A rule-based named-entity recogniser: people, news outlets, government
//! bodies, think tanks, other organisations and places.
//!
//! # What was chosen, and why
//!
//! No NER model or annotated NER data is available offline (a CRF or
//! transformer tagger would need CoNLL-style training data that unspin does
//! not ship), so entities are found by rules over [`unspin_segment::tokenize`]
//! tokens, with small hand-written gazetteers:
//!
//! 1. **Gazetteers** (score 0.95): well-known news outlets and blogs,
//!    government bodies, think tanks, other organisations, well-known people
//!    and places (countries, capitals, major cities and regions). The longest
//!    entry wins; an entry such as "The Guardian" keeps its capitalised "The".
//! 2. **Titles** (0.9): a capitalised title or honorific ("Colonel", "Col.",
//!    "President", "Mr.", "Secretary of State") directly before a name makes
//!    the name a person, and the title is **included** in the span
//!    ("Colonel W. Patrick Lang", "Mr. Assad") because it is how the text
//!    names that person; a capitalised word before the title that is not
//!    part of the name ("Syrian" in "Syrian President ...") is left out.
//! 3. **Capitalised sequences** of tokens, with initials ("W."), name
//!    particles ("al", "bin", "de", "van"), Irish "O’" names, hyphenated
//!    names ("al-Nusra") and, inside organisation names, the connectors
//!    "of", "of the", "for", "on", "and" ("Centre for Research on
//!    Globalization", "Army of Conquest"). Their kind comes from an
//!    organisation suffix (0.8: "Institute" → think tank, "Times",
//!    "Journal" → outlet, "Ministry", "Agency" → government, "Party" →
//!    organisation), a first-name list (0.8), a person already named in the
//!    article whose last name this is (0.75), a lower-case descriptor before
//!    it ("neocon John Bolton", 0.7); otherwise a bare multi-word sequence is
//!    taken for a person (0.45), an unknown acronym or single word for an
//!    organisation (0.35 / 0.3).
//!
//! Sentence-initial function words and common words ("The", "However",
//! "This", "Bingo") never start an entity; a sentence-initial single word is
//! kept only with gazetteer, title or name evidence. Possessive "’s" and
//! footnote marks ("Journal⁴") are not part of the entity. Nationality words
//! ("Syrian", "Russians"), months and weekdays are not entities on their own.
//! Inside the title, headings and quoted title-case headlines only
//! gazetteer, title and suffix evidence counts.
//!
//! # Measurement
//!
//! There is no annotated NER set here; the unit test
//! `sample_article_key_entities` checks the sample article
//! (`examples/syria-ceasefire-opinion.md`): its key people (Mike Whitney,
//! Samantha Power, Colonel W. Patrick Lang, President Bashar al Assad,
//! John Bolton, Christina Lin, Michael O’ Hanlon), outlets (CounterPunch,
//! Global Research, the New York Times, Times of Israel) and bodies (the
//! Pentagon, the United Nations, the Brookings Institute) are found with the
//! right kind, and that no sentence-initial common word becomes an entity.

mod context;
mod find;
mod gazetteer;
mod kinds;
#[cfg(test)]
mod tests;

pub use find::{entity_spans, find_entities, find_entities_in, PROVENANCE};
pub(crate) use gazetteer::{is_person_descriptor, is_title_word};

pub use gazetteer::{gazetteer_kind, is_known_blog};
pub use kinds::{source_kind_of_entity, Entity, EntityKind};
