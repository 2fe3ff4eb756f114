//! The unspin document model: one [`Document`] (text + [`Metadata`]) and named,
//! possibly overlapping layers of standoff [`Span`]s.
//!
//! # Coordinate systems
//!
//! Inside unspin every offset is a **UTF-8 byte offset** into [`Document::text`]
//! (Rust strings slice by bytes, so this is the cheap, native unit). Users and
//! files (PTC labels, the JSON wire format, the HTML report) see **Unicode code
//! point** offsets, the PTC / Python convention. Conversion happens only at the
//! edges, through [`CharIndex`].
//!
//! Analysers (pipeline stages) never rewrite the text: they only add layers.
//!
//! ```
//! use unspin_document::{Document, Span, layers};
//!
//! let mut doc = Document::new("a1", "Caf\u{e9} \u{201c}great\u{201d} news");
//! let start = doc.text().find("great").unwrap();
//! let span = Span::new(start, start + 5, "Loaded_Language").unwrap().with_score(0.9);
//! doc.add_span(layers::TECHNIQUE, span).unwrap();
//! let idx = doc.char_index();
//! assert_eq!(idx.to_char(start), 6); // é and “ are one code point each
//! assert_eq!(doc.span_text(&doc.layer(layers::TECHNIQUE)[0]), "great");
//! ```
#![deny(missing_docs)]

mod alignment;
pub mod attrs;
mod document;
pub mod layers;
mod offsets;
mod span;
pub mod warnings;

pub use alignment::{Alignment, Piece};
pub use attrs::{AttrKey, AttrValue};
pub use document::{Document, DocumentError, Metadata};
pub use offsets::CharIndex;
pub use span::{Span, SpanError};
pub use warnings::{Warning, WarningCode};
