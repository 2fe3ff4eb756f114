//! Copies and syndication: which articles are the same story re-published,
//! which one came first, and what each copy changed.
//!
//! The pipeline, each step its own module:
//!
//! ```text
//! text ─► text::paragraphs ─► signature::Body (5-word shingles of body paragraphs)
//!      ─► Signature (MinHash, 126 values) ─► lsh::LshIndex (63 bands × 2 rows): candidate pairs
//!      ─► align::align: copy | partial | unrelated ─► cluster::clusters (copy links)
//!      ─► origin::choose_origin (original_source, date, containment)
//!      ─► diff::changes (headline, paragraphs, boilerplate, technique spans)
//! ```
//!
//! Nothing here reads or writes files: the corpus store keeps signatures and
//! links (`unspin-corpus`), and `unspin compare` diffs two inputs directly.
//!
//! ```
//! use unspin_copies::{align, Body, Relation};
//!
//! let story = "Officials said on Monday that the ceasefire had collapsed after strikes.\n\
//!              Aid groups warned that thousands of people could not be reached in time.\n";
//! let copy = format!("A New Headline\n\n{story}This article was originally published by Example.\n");
//! let al = align(&Body::new(story, None), &Body::new(&copy, Some("A New Headline")));
//! assert_eq!(al.relation, Relation::Copy);
//! ```
#![deny(missing_docs)]

pub mod align;
pub mod cluster;
pub mod diff;
pub mod lsh;
pub mod origin;
pub mod signature;
pub mod text;

pub use align::{align, Alignment, Relation};
pub use cluster::{clusters, Link};
pub use diff::{align_paragraphs, changes, Changes, ParagraphAlignment, Row, RowStatus};
pub use lsh::LshIndex;
pub use origin::{choose_origin, Basis, Member};
pub use signature::{Body, Signature};
pub use text::{paragraphs, Paragraph, ParagraphKind};
