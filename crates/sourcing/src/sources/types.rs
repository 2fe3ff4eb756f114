//! What the sources analyser returns: [`SourceMention`]s and their
//! [`SourceRole`].

use crate::{ByteRange, SourceKind};
use serde::Serialize;

/// Provenance of source spans.
pub const PROVENANCE: &str = "source-rules";

/// How a source figures in an article.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SourceRole {
    /// It is quoted or its words are reported.
    Quoted,
    /// It is named as the origin of information (a medium, a report).
    Cited,
    /// It is linked to.
    Linked,
}

impl SourceRole {
    /// The snake_case name used in span attributes.
    pub fn name(self) -> &'static str {
        match self {
            SourceRole::Quoted => "quoted",
            SourceRole::Cited => "cited",
            SourceRole::Linked => "linked",
        }
    }
}

/// One mention of a source in the text.
#[derive(Clone, Debug, PartialEq)]
pub struct SourceMention {
    /// Where it is mentioned (the speaker as written, the outlet's name, the
    /// link's anchor).
    pub range: ByteRange,
    /// Its canonical name (a pronoun's resolved name, the outlet a link
    /// points to).
    pub name: String,
    /// What kind of source it is.
    pub kind: SourceKind,
    /// How it figures here.
    pub role: SourceRole,
    /// The link's URL, for linked mentions with a real URL.
    pub url: Option<String>,
}
