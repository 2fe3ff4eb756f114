//! What the claims analyser returns: [`Claim`], [`Quantity`], [`ClaimCertainty`].

use crate::ByteRange;
use serde::Serialize;

/// The score from which a sentence counts as a check-worthy claim (the
/// document crate's threshold, shared with summaries and reports).
pub use unspin_document::layers::CHECK_WORTHY;

/// What produced claim spans.
pub(crate) const CLAIM_PROVENANCE: &str = "claims-rules";
/// What produced hedge spans.
pub(crate) const MARKER_PROVENANCE: &str = "hedges-lexicon";

/// A number found in text, normalised.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Quantity {
    /// Where it is: from a qualifier ("over") or currency sign to the unit.
    pub range: ByteRange,
    /// The text at `range`, as written.
    pub text: String,
    /// The value, with multipliers applied (`7 million` → 7e6).
    pub value: f64,
    /// The unit: `%`, a currency code (`USD`, `EUR`, `GBP`), `km`, or the
    /// lower-case word after the number (`men`, `year`).
    pub unit: Option<String>,
}

/// How firmly a claim is asserted, from the markers inside it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
pub enum ClaimCertainty {
    /// It holds more hedges than boosters (a tie counts as hedged).
    Hedged,
    /// It holds more boosters than hedges.
    Boosted,
    /// It holds no marker.
    Plain,
}

impl ClaimCertainty {
    /// The name used in the `certainty` attr: `hedged`, `boosted`, `plain`.
    pub fn name(self) -> &'static str {
        match self {
            ClaimCertainty::Hedged => "hedged",
            ClaimCertainty::Boosted => "boosted",
            ClaimCertainty::Plain => "plain",
        }
    }
}

/// One sentence scored for check-worthiness.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Claim {
    /// The sentence (byte range into the document text).
    pub range: ByteRange,
    /// Check-worthiness in 0..1; see [`CHECK_WORTHY`] and the module doc.
    pub score: f32,
    /// Hedged, boosted or plain.
    pub certainty: ClaimCertainty,
    /// The quantities it states (ranges into the document text).
    pub quantities: Vec<Quantity>,
    /// The sentence lies inside an attribution's content, a `quote` span or a
    /// reader's `blockquote` span.
    pub quoted: bool,
    /// Indices into the `markers` slice of the markers inside the sentence.
    pub markers: Vec<usize>,
}

impl Claim {
    /// Whether the score reaches [`CHECK_WORTHY`].
    pub fn is_check_worthy(&self) -> bool {
        self.score >= CHECK_WORTHY
    }
}

// ---------------------------------------------------------------------------
// Quantities
// ---------------------------------------------------------------------------
