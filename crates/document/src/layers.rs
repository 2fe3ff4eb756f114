//! The layer contract: every layer name unspin's readers and stages assign,
//! in one place, with the attributes each layer's spans carry.
//!
//! Readers, stages, writers and the web page read layers by these names only;
//! the attribute keys are typed [`AttrKey`](crate::AttrKey)s in
//! [`attrs`](crate::attrs), read and written with [`Span::get`](crate::Span::get)
//! and [`Span::with`](crate::Span::with).

// --- Structure, from readers -------------------------------------------------

/// Sentences (label `sentence`), from the segmenter.
pub const SENTENCE: &str = "sentence";
/// Non-article text (footers, navigation, bylines) to be skipped by
/// analysers. Label: what it is (`byline`, `dateline`, `tags`, `footer`, ...).
/// Attrs (label `tags`): [`TAG_FIELD`](crate::attrs::TAG_FIELD),
/// [`TAG_VALUES`](crate::attrs::TAG_VALUES).
pub const BOILERPLATE: &str = "boilerplate";
/// The headline, when the reader knows where it is.
pub const TITLE: &str = "title";
/// Paragraphs (structure, from readers).
pub const PARAGRAPH: &str = "paragraph";
/// Headings (structure, from readers; label = level such as `h2`).
pub const HEADING: &str = "heading";
/// List items (structure, from readers).
pub const LIST_ITEM: &str = "list_item";
/// Block quotes (structure, from readers). Label `blockquote` or `epigraph`.
/// Attrs: optional [`CITATION`](crate::attrs::CITATION) (the citation line),
/// [`CITATION_FROM`](crate::attrs::CITATION_FROM) (how it was found, e.g.
/// `lead-in`) and, on epigraphs, [`ATTRIBUTION`](crate::attrs::ATTRIBUTION).
pub const BLOCKQUOTE: &str = "blockquote";
/// Links: anchor text spans with an [`HREF`](crate::attrs::HREF) attribute.
pub const LINK: &str = "link";

// --- Techniques --------------------------------------------------------------

/// Persuasion techniques; labels are PTC technique names. Attrs:
/// [`EXPLANATION`](crate::attrs::EXPLANATION), and from the neural tier
/// [`SPAN_SCORE`](crate::attrs::SPAN_SCORE) and
/// [`TECHNIQUE_SCORE`](crate::attrs::TECHNIQUE_SCORE).
pub const TECHNIQUE: &str = "technique";

// --- Sourcing and claims -----------------------------------------------------

/// Named entities. Label: an entity kind (`person`, `organisation`,
/// `news_outlet`, `government`, `think_tank`, `place`).
pub const ENTITY: &str = "entity";
/// The content of an attribution (what is quoted or reported). Label: a quote
/// kind (`direct`, `indirect`, `mixed`, `block`). Attrs:
/// [`ID`](crate::attrs::ID) ("q1", ...), optional
/// [`SPEAKER`](crate::attrs::SPEAKER) (resolved name),
/// [`SPEAKER_KIND`](crate::attrs::SPEAKER_KIND),
/// [`CUE`](crate::attrs::CUE) (cue text), [`MEDIUM`](crate::attrs::MEDIUM)
/// (where it appeared).
pub const QUOTE: &str = "quote";
/// The speaker (Source) of an attribution, as written. Label: a source kind.
/// Attrs: [`QUOTE_ID`](crate::attrs::QUOTE_ID) (the quote's id),
/// [`NAME`](crate::attrs::NAME) (resolved name, e.g. the person a pronoun
/// refers to).
pub const SPEAKER: &str = "speaker";
/// The cue of an attribution ("said", "according to"). Label `cue`. Attrs:
/// [`QUOTE_ID`](crate::attrs::QUOTE_ID).
pub const CUE: &str = "cue";
/// A mention of a cited source. Label: a source kind (`person`,
/// `news_outlet`, `blog`, `think_tank`, `government`, `organisation`,
/// `document`, `anonymous`, `unknown`). Attrs: [`NAME`](crate::attrs::NAME)
/// (canonical name), [`ROLE`](crate::attrs::ROLE) (`quoted`, `cited` or
/// `linked`), optional [`URL`](crate::attrs::URL).
pub const SOURCE: &str = "source";
/// A certainty marker. Label `hedge` or `booster`. Attrs:
/// [`MARKER`](crate::attrs::MARKER) (the normalised marker), optional
/// [`CLAIM_ID`](crate::attrs::CLAIM_ID) (the claim it qualifies).
pub const HEDGE: &str = "hedge";
/// A sentence scored for check-worthiness (score = check-worthiness in 0..1).
/// Label `claim`. Attrs: [`ID`](crate::attrs::ID) ("c1", ...),
/// [`CERTAINTY`](crate::attrs::CERTAINTY) (`hedged`, `boosted` or `plain`),
/// [`QUANTITIES`](crate::attrs::QUANTITIES) (array of `{text, value, unit}`),
/// [`QUOTED`](crate::attrs::QUOTED) (the sentence is inside a quote).
pub const CLAIM: &str = "claim";

/// Every layer the sourcing stage writes, in the order it writes them.
pub const SOURCING: [&str; 7] = [ENTITY, QUOTE, SPEAKER, CUE, SOURCE, HEDGE, CLAIM];

/// Every layer name above: the structure layers, `technique`, then
/// [`SOURCING`] (for documentation and wire-format checks).
pub const ALL: [&str; 16] = [
    SENTENCE,
    BOILERPLATE,
    TITLE,
    PARAGRAPH,
    HEADING,
    LIST_ITEM,
    BLOCKQUOTE,
    LINK,
    TECHNIQUE,
    ENTITY,
    QUOTE,
    SPEAKER,
    CUE,
    SOURCE,
    HEDGE,
    CLAIM,
];

/// Check-worthiness from which a `claim` span counts as check-worthy
/// (in summaries, reports and the web page).
pub const CHECK_WORTHY: f32 = 0.5;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_layer_is_listed_once_and_sourcing_last() {
        let mut all = ALL.to_vec();
        all.sort_unstable();
        all.dedup();
        assert_eq!(all.len(), ALL.len());
        assert_eq!(ALL[ALL.len() - SOURCING.len()..], SOURCING);
        assert!((0.0..=1.0).contains(&CHECK_WORTHY));
    }
}
