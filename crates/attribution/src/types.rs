//! The values the tagger produces: attributions over byte ranges, and the
//! kinds of quote and source that the sourcing stage fills in.

use std::ops::Range;

/// A byte range into a document's text.
pub type ByteRange = Range<usize>;

/// The provenance of the linear tagger's attributions.
pub const PROVENANCE: &str = "attribution-tagger";

/// The provenance of the neural tagger's attributions (`unspin-neural`).
pub const NEURAL_PROVENANCE: &str = "attribution-neural";

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
