//! What an entity is ([`Entity`], [`EntityKind`]) and which kind of source
//! it makes when it is cited.

use super::gazetteer::is_known_blog;
use crate::{ByteRange, SourceKind};

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

/// The source kind of an entity named `name`: outlets on the known blog
/// hosts and platforms are blogs; places stand for their governments
/// ("Moscow said").
pub fn source_kind_of_entity(kind: EntityKind, name: &str) -> SourceKind {
    match kind {
        EntityKind::Person => SourceKind::Person,
        EntityKind::NewsOutlet if is_known_blog(name) => SourceKind::Blog,
        EntityKind::NewsOutlet => SourceKind::NewsOutlet,
        EntityKind::Government | EntityKind::Place => SourceKind::Government,
        EntityKind::ThinkTank => SourceKind::ThinkTank,
        EntityKind::Organisation => SourceKind::Organisation,
    }
}
