//! Serialising a document in the wire format straight from the document,
//! without building a [`JsonDocument`] copy: the JSON output and the
//! standoff form a store keeps.

use std::collections::BTreeMap;

use serde::Serialize;
use unspin_document::{CharIndex, Document, Metadata, Span};

#[cfg(doc)]
use super::{to_wire, JsonDocument, JsonMetadata, JsonSpan};
use super::{JsonError, EXPLANATION, SCHEMA_VERSION};
use crate::sourcing::{self, JsonSourcing};
use crate::summary::{summarize, Summary};

/// Writes the document's JSON to `out`, pretty-printed or on one line
/// (without a final line break), straight from the document: spans are
/// serialised from borrowed text, with no [`JsonDocument`] copy in between,
/// so the memory a document costs to write is that of its derived
/// `summary` and `sourcing` objects, not of its output. Byte for byte what
/// serialising [`to_wire`]'s value gives (a test checks it).
///
/// # Errors
/// [`JsonError::Write`] when `out` fails.
pub fn write_json(doc: &Document, out: impl std::io::Write, pretty: bool) -> Result<(), JsonError> {
    let index = doc.char_index();
    let view = WireView {
        doc,
        index: &index,
        texts: true,
        summary: summarize(doc),
        sourcing: sourcing::build(doc, &index),
    };
    let written = if pretty {
        serde_json::to_writer_pretty(out, &view)
    } else {
        serde_json::to_writer(out, &view)
    };
    written.map_err(write_error)
}

/// Writes the document's standoff form to `out`: the wire format on one
/// line with every text left out — the document's `text` and each span's
/// `text` are written empty, `summary` is all zeros and there is no
/// `sourcing` (both derive from the layers). For a store that keeps the text
/// apart and restores the span texts from it when it reads the document back
/// (`unspin corpus`). Byte for byte what serialising [`to_wire`]'s value
/// with those fields emptied gives (a test checks it), at a fraction of the
/// cost: nothing is copied and the sourcing objects are not built.
///
/// # Errors
/// [`JsonError::Write`] when `out` fails.
pub fn write_standoff_json(doc: &Document, out: impl std::io::Write) -> Result<(), JsonError> {
    let index = doc.char_index();
    let view = WireView {
        doc,
        index: &index,
        texts: false,
        summary: Summary::default(),
        sourcing: None,
    };
    serde_json::to_writer(out, &view).map_err(write_error)
}

fn write_error(e: serde_json::Error) -> JsonError {
    if e.is_io() {
        JsonError::Write(e.into())
    } else {
        JsonError::Syntax(e)
    }
}

/// A document seen as [`JsonDocument`], serialised without copying it.
struct WireView<'a> {
    doc: &'a Document,
    index: &'a CharIndex,
    /// Whether the text and the span texts are written (else empty strings).
    texts: bool,
    summary: Summary,
    sourcing: Option<JsonSourcing>,
}

impl Serialize for WireView<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let doc = self.doc;
        let m = &doc.metadata;
        let mut st = serializer.serialize_struct("JsonDocument", 8)?;
        st.serialize_field("schema_version", SCHEMA_VERSION)?;
        st.serialize_field("id", &doc.id)?;
        st.serialize_field("text", if self.texts { doc.text() } else { "" })?;
        st.serialize_field("metadata", &MetadataView { m })?;
        st.serialize_field("warnings", &doc.warnings)?;
        st.serialize_field(
            "layers",
            &LayersView {
                doc,
                index: self.index,
                texts: self.texts,
            },
        )?;
        st.serialize_field("summary", &self.summary)?;
        if let Some(sourcing) = &self.sourcing {
            st.serialize_field("sourcing", sourcing)?;
        } else {
            st.skip_field("sourcing")?;
        }
        st.end()
    }
}

/// [`JsonMetadata`]'s shape over borrowed metadata.
struct MetadataView<'a> {
    m: &'a Metadata,
}

impl Serialize for MetadataView<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let m = self.m;
        let mut st = serializer.serialize_struct("JsonMetadata", 8)?;
        st.serialize_field("title", &m.title)?;
        st.serialize_field("authors", &m.authors)?;
        st.serialize_field("published", &m.published)?;
        st.serialize_field("site_name", &m.site_name)?;
        st.serialize_field("original_source", &m.original_source)?;
        st.serialize_field("url", &m.url)?;
        if m.canonical_url.is_some() {
            st.serialize_field("canonical_url", &m.canonical_url)?;
        } else {
            st.skip_field("canonical_url")?;
        }
        st.serialize_field("language", &m.language)?;
        st.end()
    }
}

/// The `layers` object: layer name → spans, serialised span by span.
struct LayersView<'a> {
    doc: &'a Document,
    index: &'a CharIndex,
    texts: bool,
}

impl Serialize for LayersView<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let layers = self.doc.layers();
        let mut map = serializer.serialize_map(Some(layers.len()))?;
        for (name, spans) in layers {
            map.serialize_entry(
                name,
                &SpansView {
                    doc: self.doc,
                    index: self.index,
                    texts: self.texts,
                    spans,
                },
            )?;
        }
        map.end()
    }
}

struct SpansView<'a> {
    doc: &'a Document,
    index: &'a CharIndex,
    texts: bool,
    spans: &'a [Span],
}

impl Serialize for SpansView<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.spans.iter().map(|span| SpanView {
            doc: self.doc,
            index: self.index,
            texts: self.texts,
            span,
        }))
    }
}

/// [`JsonSpan`]'s shape over a borrowed span (see [`wire_span`]).
struct SpanView<'a> {
    doc: &'a Document,
    index: &'a CharIndex,
    texts: bool,
    span: &'a Span,
}

impl Serialize for SpanView<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let span = self.span;
        let explanation = match span.attrs.get(EXPLANATION) {
            Some(serde_json::Value::String(s)) => Some(s.as_str()),
            _ => None,
        };
        let mut st = serializer.serialize_struct("JsonSpan", 8)?;
        st.serialize_field("start", &self.index.to_char(span.start()))?;
        st.serialize_field("end", &self.index.to_char(span.end()))?;
        st.serialize_field("label", &span.label)?;
        let score = if span.score.is_finite() {
            span.score
        } else {
            0.0
        };
        st.serialize_field("score", &score)?;
        match &span.provenance {
            Some(p) => st.serialize_field("provenance", p)?,
            None => st.skip_field("provenance")?,
        }
        let text = if self.texts {
            self.doc.span_text(span)
        } else {
            ""
        };
        st.serialize_field("text", text)?;
        match explanation {
            Some(e) => st.serialize_field("explanation", e)?,
            None => st.skip_field("explanation")?,
        }
        let others = span.attrs.len() - usize::from(explanation.is_some());
        if others > 0 {
            st.serialize_field(
                "attrs",
                &AttrsView {
                    attrs: &span.attrs,
                    skip_explanation: explanation.is_some(),
                    len: others,
                },
            )?;
        } else {
            st.skip_field("attrs")?;
        }
        st.end()
    }
}

/// A span's attributes less the string `explanation` (written as a field).
struct AttrsView<'a> {
    attrs: &'a BTreeMap<String, serde_json::Value>,
    skip_explanation: bool,
    len: usize,
}

impl Serialize for AttrsView<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut map = serializer.serialize_map(Some(self.len))?;
        for (k, v) in self.attrs {
            if self.skip_explanation && k == EXPLANATION {
                continue;
            }
            map.serialize_entry(k, v)?;
        }
        map.end()
    }
}
