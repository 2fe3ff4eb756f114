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
//!    (layer `source`), de-duplicated per article with counts and roles.
//! 5. [`hedges`]: hedges ("reportedly") and boosters ("of course") (layer `hedge`).
//! 6. [`claims`]: check-worthy factual sentences with normalised numbers
//!    (layer `claim`).
//! 7. [`summary`]: the article's sourcing summary, computed from the layers.
//!
//! All ranges in this crate are **byte** ranges into [`Document::text`], like
//! every other unspin layer; writers convert them to code points.
#![deny(missing_docs)]

pub mod attribution;
pub mod claims;
pub mod entities;
pub mod hedges;
pub mod quotes;
pub mod sources;
mod stage;
pub mod summary;

pub use stage::SourcingStage;

use std::ops::Range;

pub use unspin_document::Document;

/// A byte range into a document's text.
pub type ByteRange = Range<usize>;

/// Layer names this crate writes, and the conventions of their spans.
pub mod layers {
    /// Named entities. Label: an [`EntityKind`](crate::EntityKind) name
    /// (`person`, `organisation`, `news_outlet`, `place`, ...).
    pub const ENTITY: &str = "entity";
    /// The content of an attribution (what is quoted or reported). Label: a
    /// [`QuoteKind`](crate::QuoteKind) name (`direct`, `indirect`, `mixed`,
    /// `block`). Attrs: `id` ("q1", ...), optional `speaker` (resolved name),
    /// `speaker_kind`, `cue` (cue text), `medium` (where it appeared).
    pub const QUOTE: &str = "quote";
    /// The speaker (Source) of an attribution, as written. Label: a
    /// [`SourceKind`](crate::SourceKind) name. Attrs: `quote` (the quote id),
    /// `name` (resolved name, e.g. the person a pronoun refers to).
    pub const SPEAKER: &str = "speaker";
    /// The cue of an attribution ("said", "according to"). Label `cue`.
    /// Attrs: `quote` (the quote id).
    pub const CUE: &str = "cue";
    /// A mention of a cited source. Label: a [`SourceKind`](crate::SourceKind)
    /// name. Attrs: `name` (canonical name), `role` (`quoted`, `cited` or
    /// `linked`), optional `url`.
    pub const SOURCE: &str = "source";
    /// A certainty marker. Label `hedge` or `booster`. Attrs: `marker` (the
    /// normalised marker), optional `claim` (the id of the claim it qualifies).
    pub const HEDGE: &str = "hedge";
    /// A sentence scored for check-worthiness (score = check-worthiness in
    /// 0..1). Label `claim`. Attrs: `id` ("c1", ...), `certainty` (`hedged`,
    /// `boosted` or `plain`), `quantities` (array of `{text, value, unit}`),
    /// `quoted` (bool: the sentence is inside a quote).
    pub const CLAIM: &str = "claim";
    /// Every layer the sourcing stage writes.
    pub const ALL: [&str; 7] = [ENTITY, QUOTE, SPEAKER, CUE, SOURCE, HEDGE, CLAIM];
}

/// What kind of thing an entity is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum EntityKind {
    /// A person ("Bashar al Assad", "Colonel W. Patrick Lang").
    Person,
    /// A news outlet ("The New York Times", "CounterPunch").
    NewsOutlet,
    /// A government body ("the Pentagon", "State Department").
    Government,
    /// A think tank or research institute.
    ThinkTank,
    /// Any other organisation.
    Organisation,
    /// A place ("Syria", "Aleppo").
    Place,
}

impl EntityKind {
    /// The snake_case name used as a span label.
    pub fn name(self) -> &'static str {
        match self {
            EntityKind::Person => "person",
            EntityKind::NewsOutlet => "news_outlet",
            EntityKind::Government => "government",
            EntityKind::ThinkTank => "think_tank",
            EntityKind::Organisation => "organisation",
            EntityKind::Place => "place",
        }
    }
}

/// A named entity found in the text.
#[derive(Clone, Debug, PartialEq)]
pub struct Entity {
    /// Where it is.
    pub range: ByteRange,
    /// What it is.
    pub kind: EntityKind,
    /// Confidence in 0..1.
    pub score: f32,
}

/// How an attribution reports its content.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum QuoteKind {
    /// Verbatim, inside quotation marks.
    Direct,
    /// Reported speech or thought ("X said that ...", "according to X, ...").
    Indirect,
    /// Partly verbatim.
    Mixed,
    /// A block quote (Markdown `>` or HTML `<blockquote>`).
    Block,
}

impl QuoteKind {
    /// The snake_case name used as a span label.
    pub fn name(self) -> &'static str {
        match self {
            QuoteKind::Direct => "direct",
            QuoteKind::Indirect => "indirect",
            QuoteKind::Mixed => "mixed",
            QuoteKind::Block => "block",
        }
    }
}

/// What kind of source is cited.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum SourceKind {
    /// A named person.
    Person,
    /// A newspaper, broadcaster, agency or news site.
    NewsOutlet,
    /// A blog or personal site.
    Blog,
    /// A think tank or research institute.
    ThinkTank,
    /// A government body or official institution.
    Government,
    /// Any other organisation.
    Organisation,
    /// A document or report ("the UN report", a study).
    Document,
    /// An unnamed source ("a senior official", "sources say", a commenter).
    Anonymous,
    /// Not determined.
    Unknown,
}

impl SourceKind {
    /// The source kind of an entity named `name`: outlets on the known blog
    /// hosts and platforms are blogs; places stand for their governments
    /// ("Moscow said").
    pub fn of_entity(kind: EntityKind, name: &str) -> SourceKind {
        match kind {
            EntityKind::Person => SourceKind::Person,
            EntityKind::NewsOutlet if entities::is_known_blog(name) => SourceKind::Blog,
            EntityKind::NewsOutlet => SourceKind::NewsOutlet,
            EntityKind::Government | EntityKind::Place => SourceKind::Government,
            EntityKind::ThinkTank => SourceKind::ThinkTank,
            EntityKind::Organisation => SourceKind::Organisation,
        }
    }

    /// The snake_case name used as a span label.
    pub fn name(self) -> &'static str {
        match self {
            SourceKind::Person => "person",
            SourceKind::NewsOutlet => "news_outlet",
            SourceKind::Blog => "blog",
            SourceKind::ThinkTank => "think_tank",
            SourceKind::Government => "government",
            SourceKind::Organisation => "organisation",
            SourceKind::Document => "document",
            SourceKind::Anonymous => "anonymous",
            SourceKind::Unknown => "unknown",
        }
    }
}

/// One attribution: who (source) says (cue) what (content).
#[derive(Clone, Debug, PartialEq)]
pub struct Attribution {
    /// What is attributed. Covers the first to the last piece when the content
    /// is interrupted ("X," he said, "Y").
    pub content: ByteRange,
    /// The verb or phrase that attributes ("said", "according to").
    pub cue: Option<ByteRange>,
    /// The speaker as written ("he", "Colonel W. Patrick Lang").
    pub source: Option<ByteRange>,
    /// Direct, indirect, mixed or block.
    pub kind: QuoteKind,
    /// The resolved speaker name (a pronoun resolved to the last named
    /// person), when known.
    pub speaker: Option<String>,
    /// The kind of speaker, when known.
    pub speaker_kind: Option<SourceKind>,
    /// Where the quote appeared (a newspaper, blog), when given.
    pub medium: Option<String>,
    /// Confidence in 0..1.
    pub score: f32,
    /// What produced it (e.g. `attribution-tagger`, `blockquote-rule`).
    pub provenance: &'static str,
}

impl Attribution {
    /// An indirect attribution of `content` with no cue, source, speaker or
    /// medium yet (set the fields that are known).
    pub fn new(content: ByteRange, score: f32, provenance: &'static str) -> Attribution {
        Attribution {
            content,
            cue: None,
            source: None,
            kind: QuoteKind::Indirect,
            speaker: None,
            speaker_kind: None,
            medium: None,
            score,
            provenance,
        }
    }
}
