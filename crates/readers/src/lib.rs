//! Readers that turn files into unspin
//! [`Document`](unspin_document::Document)s: plain text, and the Propaganda
//! Techniques Corpus (PTC, SemEval-2020 Task 11) articles with their gold
//! technique labels.
//!
//! # How it fits
//!
//! A reader only *builds* a document: it sets the text, the id and what it
//! knows of the [`Metadata`](unspin_document::Metadata), and may add the
//! [`title`](unspin_document::layers::TITLE) span and gold
//! [`technique`](unspin_document::layers::TECHNIQUE) spans. Analysers
//! (pipeline stages) then add their own layers.
//!
//! - Loading: [`read_text_file`] / [`read_text_file_with`] read a file as
//!   UTF-8 text with one distinct [`ReadError`] per failure (missing, a
//!   directory, empty, binary, UTF-16, invalid UTF-8 with its byte offset,
//!   over the [`ReadOptions::max_bytes`] limit); [`decode_text`] does the same
//!   for bytes from elsewhere (stdin).
//! - Plain text: [`read_text`] and [`read_text_path`] keep the text whole and
//!   unchanged (CRLF line endings are **not** normalised, so offsets are
//!   offsets into the input; only a leading byte-order mark is removed by
//!   default) and take a title-like first line as the title.
//! - PTC: [`read_ptc_article`] keeps the file content exactly (byte-order
//!   mark included); [`parse_ptc_labels`] / [`read_ptc_labels`] read `.labels`
//!   files; [`attach_gold`] converts their code point offsets to bytes;
//!   [`read_ptc_dir`] loads a whole corpus folder.
//! - HTML: [`read_html`] keeps a page's main article (boilerplate removed),
//!   with paragraph, heading, list item, block quote and link layers, the
//!   metadata (JSON-LD, OpenGraph, `<meta>` first) and an alignment to the
//!   decoded source; [`decode_html`] sniffs the charset.
//! - Inputs: [`find_articles`] and [`collect_inputs`] list files;
//!   [`split_ids`] makes the project's deterministic validation split.
//!
//! # Offsets
//!
//! Spans in a [`Document`](unspin_document::Document) are UTF-8 byte offsets into its text. PTC labels
//! count Unicode code points; [`attach_gold`] converts them through
//! [`CharIndex`](unspin_document::CharIndex), so a gold span's text is exactly
//! Python's `text[start:end]`:
//!
//! ```
//! use unspin_document::layers;
//! use unspin_readers::{attach_gold, parse_ptc_labels, read_text};
//!
//! let mut doc = read_text("7", "A headline\n\nThey are \u{201c}traitors\u{201d}.\n");
//! assert_eq!(doc.metadata.title.as_deref(), Some("A headline"));
//! let labels = parse_ptc_labels("7\tName_Calling,Labeling\t21\t31\n")?;
//! attach_gold(&mut doc, &labels)?;
//! let span = &doc.layer(layers::TECHNIQUE)[0];
//! assert_eq!(doc.span_text(span), "\u{201c}traitors\u{201d}");
//! assert_eq!(span.provenance.as_deref(), Some("gold"));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
#![deny(missing_docs)]

mod brat;
mod corpus;
mod detect;
mod error;
mod html;
mod input;
mod jsonl;
mod markdown;
mod ptc;
mod split;
mod text;
mod warc;

#[cfg(test)]
mod proptests;

pub use brat::{
    parse_brat_attributions, read_attribution_corpus, read_brat_attributions, AttributionArticle,
    BratAttribution, RolePieces,
};
pub use corpus::{collect_inputs, find_articles, read_ptc_dir, INPUT_EXTENSIONS, LABEL_SUFFIXES};
pub use detect::{
    detect_format, open_path, open_reader, read_any, Documents, IngestOptions, InputFormat,
    UnknownFormat, SNIFF_BYTES,
};
pub use error::{BinaryEvidence, LabelError, LabelErrorKind, ReadError};
pub use html::{decode_html, depth as html_depth, read_html, DecodedHtml, HtmlOptions};
pub use input::{
    decode_text, read_text_file, read_text_file_with, ReadOptions, BINARY_SNIFF_BYTES,
    DEFAULT_MAX_BYTES,
};
pub use jsonl::{JsonlDocuments, JsonlError, JsonlErrorKind};
pub use markdown::{read_markdown, read_markdown_bytes, read_markdown_path};
pub use ptc::{
    attach_gold, parse_ptc_labels, ptc_article_id, read_ptc_article, read_ptc_labels, PtcLabel,
    PtcLabels, GOLD_PROVENANCE, SPAN_ONLY_LABEL,
};
pub use split::{split_ids, VALIDATION_FRACTION, VALIDATION_SEED};
pub use text::{read_text, read_text_path, MAX_TITLE_CHARS};
pub use warc::{
    Resumed, SkipCounts, Skipped, WarcDocuments, WarcError, WarcErrorKind, MAX_HEADER_BYTES,
    MAX_SCAN_BYTES,
};
