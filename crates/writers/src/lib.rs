//! unspin's output formats, at the edge of the system.
//!
//! Inside unspin, span offsets are UTF-8 byte offsets into
//! [`Document::text`](unspin_document::Document::text). Every format written
//! here shows **Unicode code point** offsets instead (the PTC / Python
//! convention); the conversion happens in this crate, through
//! [`CharIndex`](unspin_document::CharIndex), and nowhere else.
//!
//! * **JSON** ([`to_json`], [`to_json_line`], [`from_json`]): a versioned wire
//!   format with its own types ([`JsonDocument`], [`JsonSpan`], …), separate
//!   from the domain types so that either can change without breaking the
//!   other; described field by field in `docs/json-format.md`. Each span
//!   repeats the text it covers, and the reader checks it.
//!   Since schema 1.1 the output also carries the article's evidence trail
//!   (`sourcing`: [`JsonSourcing`], computed from the sourcing layers alone:
//!   [`summarize_sourcing`], [`cited_sources`]).
//! * **PTC / SemEval lines** ([`to_ptc_labels`], [`to_ptc_si`]): the
//!   `technique` layer as `.labels` (TC) or SI lines, for the official scorers
//!   and for `unspin_eval`.
//! * **HTML** ([`to_html`]): a standalone report page with the technique
//!   spans highlighted in their taxonomy colours and, when the document has
//!   the sourcing layers, an "Evidence trail" section (sources, quotes,
//!   check-worthy claims), rendered from a template with HTML auto-escaping.
//! * **Comparisons** ([`Comparison`], for `unspin compare`): how two articles
//!   relate and what the copy changed (from `unspin-copies`), as JSON or a
//!   side-by-side HTML page with word-level differences ([`word_diff`]).
//!
//! Writers read layers and span attributes only through the contract of
//! `unspin-document` ([`layers`](unspin_document::layers) names and typed
//! [`attrs`](unspin_document::attrs) keys), never from the analysers, and
//! this crate does not depend on them.
//!
//! Writers return strings; the caller decides where they go.
//!
//! ```
//! use unspin_document::{attrs, layers, Document, Span};
//!
//! let text = "Fran\u{e7}ois called it a \u{201c}disgrace\u{201d}.";
//! let mut doc = Document::new("111", text);
//! let start = text.find("disgrace").unwrap();
//! let span = Span::new(start, start + 8, "Loaded_Language")
//!     .unwrap()
//!     .with_score(0.87)
//!     .with(attrs::EXPLANATION, "strongly emotive word".to_string());
//! doc.add_span(layers::TECHNIQUE, span).unwrap();
//!
//! // PTC lines count code points: ç and “ are one each.
//! assert_eq!(unspin_writers::to_ptc_labels(&doc).unwrap(), "111\tLoaded_Language\t22\t30\n");
//!
//! let json = unspin_writers::to_json(&doc).unwrap();
//! assert!(json.contains("\"explanation\": \"strongly emotive word\""));
//! assert_eq!(unspin_writers::from_json(&json).unwrap(), doc);
//!
//! let html = unspin_writers::to_html(&doc).unwrap();
//! assert!(html.contains("title=\"Loaded language (0.87): strongly emotive word\">disgrace</mark>"));
//! ```
#![deny(missing_docs)]

mod compare;
mod copies;
mod html;
mod json;
mod ptc;
mod sourcing;
mod summary;

pub use compare::{word_diff, Comparison, WordDiff, WORD_DIFF_MAX_CELLS};
pub use copies::copies_html;
pub use html::{to_html, HtmlError};
pub use json::{
    from_json, to_json, to_json_line, to_wire, wire_layer, write_json, write_standoff_json,
    JsonDocument, JsonError, JsonMetadata, JsonSpan, SCHEMA_VERSION,
};
pub use ptc::{to_ptc_labels, to_ptc_si, PtcError};
pub use sourcing::{
    cited_sources, sourcing_of, summarize_sourcing, JsonClaim, JsonMarker, JsonQuote, JsonSource,
    JsonSourcing, JsonSourcingSummary,
};
pub use summary::{summarize, Summary};
