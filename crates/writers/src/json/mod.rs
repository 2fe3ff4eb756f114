//! The JSON wire format: its own versioned types, separate from the domain
//! types, with offsets in Unicode code points. Described in
//! `docs/json-format.md`.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use unspin_document::{
    attrs, CharIndex, Document, DocumentError, Metadata, Span, SpanError, Warning,
};

use crate::sourcing::{self, JsonSourcing};
use crate::summary::{summarize, Summary};

mod view;
pub use view::{write_json, write_standoff_json};

/// The version written to `schema_version`. Readers accept any `1.x`.
///
/// 1.1 added the optional top-level `sourcing` object; 1.2 the top-level
/// `warnings` array.
pub const SCHEMA_VERSION: &str = "1.2";

/// The attribute that is written as a span's own `explanation` field.
const EXPLANATION: &str = attrs::EXPLANATION.name();

/// One document in the wire format (the top-level JSON object).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct JsonDocument {
    /// Version of this format, `"1.2"`.
    pub schema_version: String,
    /// The document identifier.
    pub id: String,
    /// The article text; every offset in `layers` indexes it in code points.
    pub text: String,
    /// What is known about the article.
    #[serde(default)]
    pub metadata: JsonMetadata,
    /// What a reader must know before trusting the analysis (since 1.2;
    /// always written, `[]` when none): the text is in another language,
    /// too short, or garbled. A warning's `skipped_layers` were not
    /// analysed and are absent from `layers`. The shape is
    /// [`Warning`]'s: `code`, `message`, `skipped_layers`, `language`.
    #[serde(default)]
    pub warnings: Vec<Warning>,
    /// Span layers by name (`technique`, `sentence`, …). A layer that was
    /// assigned but found nothing is present with `[]`.
    #[serde(default)]
    pub layers: BTreeMap<String, Vec<JsonSpan>>,
    /// Counts derived from `text` and the `technique` layer. Written for
    /// convenience; ignored (recomputed) when read.
    #[serde(default)]
    pub summary: Summary,
    /// The evidence trail (since 1.1): sourcing summary, cited sources,
    /// quotes and check-worthy claims, derived from the sourcing layers.
    /// Absent when the document has none of them; ignored (recomputed) when
    /// read.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "lenient_sourcing"
    )]
    pub sourcing: Option<JsonSourcing>,
}

/// Reads `sourcing` when it has the documented shape and skips it (`None`)
/// otherwise: it is derived data, and a malformed copy must not make the
/// document unreadable.
fn lenient_sourcing<'de, D: serde::Deserializer<'de>>(
    d: D,
) -> Result<Option<JsonSourcing>, D::Error> {
    let value = serde_json::Value::deserialize(d)?;
    Ok(serde_json::from_value(value).ok())
}

/// Article metadata in the wire format. Every field is always written;
/// unknown values are `null` (or `[]` for `authors`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct JsonMetadata {
    /// Headline.
    pub title: Option<String>,
    /// Authors as written in the byline, in order.
    pub authors: Vec<String>,
    /// Publication date or date-time, ISO 8601.
    pub published: Option<String>,
    /// The outlet that published the page.
    pub site_name: Option<String>,
    /// The outlet a cross-posted article names as its original source.
    pub original_source: Option<String>,
    /// Where the article was read from (URL or path).
    pub url: Option<String>,
    /// The canonical URL the page declares, when it differs from `url`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub canonical_url: Option<String>,
    /// BCP 47 language tag.
    pub language: Option<String>,
}

/// One span in the wire format.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct JsonSpan {
    /// Start offset in Unicode code points into the document text (inclusive).
    pub start: usize,
    /// End offset in Unicode code points (exclusive).
    pub end: usize,
    /// The span's label; a PTC technique label in the `technique` layer.
    pub label: String,
    /// Confidence in `[0, 1]` (a non-finite score is written as 0).
    #[serde(default = "one")]
    pub score: f32,
    /// The model or rule that produced the span, when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub provenance: Option<String>,
    /// The text the span covers, repeated so that a reader can check the
    /// offsets: it must equal the code points `start..end` of the document text.
    pub text: String,
    /// Why the span was flagged (the `explanation` attribute, when it is a string).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub explanation: Option<String>,
    /// Any other attributes.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub attrs: BTreeMap<String, serde_json::Value>,
}

fn one() -> f32 {
    1.0
}

/// Why a document could not be written to or read from JSON.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum JsonError {
    /// Not valid JSON, or not the shape of a [`JsonDocument`].
    #[error("invalid unspin JSON: {0}")]
    Syntax(#[from] serde_json::Error),
    /// Writing the JSON failed (a closed pipe, a full disk).
    #[error("cannot write the JSON: {0}")]
    Write(#[source] std::io::Error),
    /// A `schema_version` this reader does not understand.
    #[error("unsupported schema_version {found:?}: this reader reads 1.x")]
    SchemaVersion {
        /// The version found in the input.
        found: String,
    },
    /// A span whose offsets are reversed or lie past the end of the text.
    #[error("layer {layer:?}, span {index}: offsets {start}..{end} do not fit a text of {len} code points")]
    Offsets {
        /// The layer name.
        layer: String,
        /// Position of the span in its layer (0-based).
        index: usize,
        /// Start offset (code points).
        start: usize,
        /// End offset (code points).
        end: usize,
        /// Length of the text in code points.
        len: usize,
    },
    /// A span whose `text` differs from the document text at its offsets
    /// (typically offsets counted in bytes or UTF-16 units instead of code points).
    #[error("layer {layer:?}, span {index} ({start}..{end}): its text {expected:?} differs from the document text there, {found:?}")]
    TextMismatch {
        /// The layer name.
        layer: String,
        /// Position of the span in its layer (0-based).
        index: usize,
        /// Start offset (code points).
        start: usize,
        /// End offset (code points).
        end: usize,
        /// The span's `text` field.
        expected: String,
        /// The document text at `start..end`.
        found: String,
    },
    /// The document rejected a span (should not happen after the checks above).
    #[error(transparent)]
    Document(#[from] DocumentError),
}

/// Converts a document to its wire form, with offsets in code points.
///
/// A string `explanation` attribute becomes the span's `explanation` field;
/// other attributes stay under `attrs`.
pub fn to_wire(doc: &Document) -> JsonDocument {
    let index = doc.char_index();
    let layers = doc
        .layers()
        .iter()
        .map(|(name, spans)| {
            (
                name.clone(),
                spans.iter().map(|s| wire_span(doc, &index, s)).collect(),
            )
        })
        .collect();
    let m = &doc.metadata;
    JsonDocument {
        schema_version: SCHEMA_VERSION.to_string(),
        id: doc.id.clone(),
        text: doc.text().to_string(),
        metadata: JsonMetadata {
            title: m.title.clone(),
            authors: m.authors.clone(),
            published: m.published.clone(),
            site_name: m.site_name.clone(),
            original_source: m.original_source.clone(),
            url: m.url.clone(),
            canonical_url: m.canonical_url.clone(),
            language: m.language.clone(),
        },
        warnings: doc.warnings.clone(),
        layers,
        summary: summarize(doc),
        sourcing: sourcing::build(doc, &index),
    }
}

/// One layer's spans in the wire form (empty when the document has no such
/// layer): what [`to_wire`] gives for that layer, without converting the rest.
pub fn wire_layer(doc: &Document, layer: &str) -> Vec<JsonSpan> {
    let spans = doc.layer(layer);
    if spans.is_empty() {
        return Vec::new();
    }
    let index = doc.char_index();
    spans.iter().map(|s| wire_span(doc, &index, s)).collect()
}

fn wire_span(doc: &Document, index: &CharIndex, span: &Span) -> JsonSpan {
    let mut attrs = span.attrs.clone();
    let explanation = match attrs.remove(EXPLANATION) {
        Some(serde_json::Value::String(s)) => Some(s),
        Some(other) => {
            attrs.insert(EXPLANATION.to_string(), other);
            None
        }
        None => None,
    };
    JsonSpan {
        start: index.to_char(span.start()),
        end: index.to_char(span.end()),
        label: span.label.clone(),
        score: if span.score.is_finite() {
            span.score
        } else {
            0.0
        },
        provenance: span.provenance.clone(),
        text: doc.span_text(span).to_string(),
        explanation,
        attrs,
    }
}

/// The document as pretty-printed JSON (one object over several lines).
///
/// Written straight from the document (see [`write_json`]): the same bytes
/// as serialising [`to_wire`]'s value, without building that copy.
///
/// # Errors
/// Only if serialisation fails, which the wire types do not allow in practice.
pub fn to_json(doc: &Document) -> Result<String, JsonError> {
    json_string(doc, true)
}

/// The document as compact JSON on one line, for JSON Lines output.
///
/// # Errors
/// Only if serialisation fails, which the wire types do not allow in practice.
pub fn to_json_line(doc: &Document) -> Result<String, JsonError> {
    json_string(doc, false)
}

/// [`write_json`] into a string.
fn json_string(doc: &Document, pretty: bool) -> Result<String, JsonError> {
    let mut out = Vec::with_capacity(doc.text().len() * 2);
    write_json(doc, &mut out, pretty)?;
    // serde_json writes UTF-8; a failure here would be its bug, reported
    // as an error rather than a panic.
    String::from_utf8(out)
        .map_err(|e| JsonError::Write(std::io::Error::new(std::io::ErrorKind::InvalidData, e)))
}

/// Reads a document from the wire format (pretty or one-line).
///
/// Offsets are converted back from code points to bytes, and each span's
/// `text` is checked against the document text. `summary` and `sourcing`
/// are ignored (they derive from the layers).
///
/// # Errors
/// Invalid JSON, an unsupported `schema_version`, offsets that do not fit
/// the text, or a span `text` that does not match its offsets.
///
/// ```
/// use unspin_document::{layers, Document, Span};
///
/// let mut doc = Document::new("a1", "\u{201c}Traitors\u{201d}, he said.");
/// doc.add_span(layers::TECHNIQUE, Span::new(3, 11, "Name_Calling,Labeling").unwrap()).unwrap();
/// let json = unspin_writers::to_json(&doc).unwrap();
/// assert!(json.contains("\"start\": 1")); // code points: the opening quote is one
/// assert_eq!(unspin_writers::from_json(&json).unwrap(), doc);
/// ```
pub fn from_json(input: &str) -> Result<Document, JsonError> {
    serde_json::from_str::<JsonDocument>(input)?.into_document()
}

impl JsonDocument {
    /// Converts the wire form back to a [`Document`] (see [`from_json`]).
    ///
    /// # Errors
    /// As [`from_json`], except for JSON syntax errors.
    pub fn into_document(self) -> Result<Document, JsonError> {
        let major = self.schema_version.split('.').next().unwrap_or_default();
        if major != "1" {
            return Err(JsonError::SchemaVersion {
                found: self.schema_version,
            });
        }
        let mut doc = Document::new(self.id, self.text);
        let m = self.metadata;
        doc.metadata = Metadata {
            title: m.title,
            authors: m.authors,
            published: m.published,
            site_name: m.site_name,
            original_source: m.original_source,
            url: m.url,
            canonical_url: m.canonical_url,
            language: m.language,
        };
        doc.warnings = self.warnings;
        let index = doc.char_index();
        for (layer, spans) in self.layers {
            // Registers the layer even when empty; spans are then added one by
            // one because `set_layer` would re-sort them.
            doc.set_layer(&layer, Vec::new())?;
            for (i, s) in spans.into_iter().enumerate() {
                let span = domain_span(&doc, &index, &layer, i, s)?;
                doc.add_span(&layer, span)?;
            }
        }
        Ok(doc)
    }
}

fn domain_span(
    doc: &Document,
    index: &CharIndex,
    layer: &str,
    i: usize,
    s: JsonSpan,
) -> Result<Span, JsonError> {
    let (cp_start, cp_end) = (s.start, s.end);
    let offsets_error = || JsonError::Offsets {
        layer: layer.to_string(),
        index: i,
        start: cp_start,
        end: cp_end,
        len: index.len_chars(),
    };
    let (Some(start), Some(end)) = (index.to_byte(cp_start), index.to_byte(cp_end)) else {
        return Err(offsets_error());
    };
    let mut span = match Span::new(start, end, s.label) {
        Ok(span) => span,
        Err(SpanError::Reversed { .. }) => return Err(offsets_error()),
        Err(e) => return Err(DocumentError::from(e).into()),
    };
    let found = doc.text().get(start..end).unwrap_or_default();
    if found != s.text {
        return Err(JsonError::TextMismatch {
            layer: layer.to_string(),
            index: i,
            start: cp_start,
            end: cp_end,
            expected: s.text,
            found: found.to_string(),
        });
    }
    span.score = s.score;
    span.provenance = s.provenance;
    span.attrs = s.attrs;
    if let Some(explanation) = s.explanation {
        span.attrs
            .insert(EXPLANATION.to_string(), explanation.into());
    }
    Ok(span)
}

#[cfg(test)]
mod tests {
    use unspin_document::layers;

    use super::*;

    /// Curly quotes, em dashes, accented names and a character outside the BMP.
    const TEXT: &str = "\u{201c}Fran\u{e7}ois Hollande is a traitor,\u{201d} the editorial said \u{2014} \
        a \u{201c}betrayal\u{201d} of the na\u{ef}ve voters of S\u{e3}o Paulo \u{1f1eb}\u{1f1f7}.\n\n\
        Everyone knows it. Everyone.";

    #[test]
    fn writing_from_the_document_equals_serialising_the_wire_copy() {
        let mut doc = sample();
        doc.metadata.canonical_url = Some("https://example.org/a".into());
        // A non-string explanation stays under attrs; a span without attrs.
        doc.add_span(
            "note",
            byte_span(TEXT, "Everyone", "x").with_attr(EXPLANATION, 3),
        )
        .unwrap();
        doc.add_span("empty", byte_span(TEXT, "it", "y").with_score(f32::NAN))
            .unwrap();
        doc.set_layer("nothing", Vec::new()).unwrap();
        let wire = to_wire(&doc);
        assert_eq!(
            to_json(&doc).unwrap(),
            serde_json::to_string_pretty(&wire).unwrap()
        );
        assert_eq!(
            to_json_line(&doc).unwrap(),
            serde_json::to_string(&wire).unwrap()
        );
        let bare = Document::new("b", "x");
        assert_eq!(
            to_json_line(&bare).unwrap(),
            serde_json::to_string(&to_wire(&bare)).unwrap()
        );
        // The standoff form: the wire copy with its texts, summary and
        // sourcing emptied; one layer alone as to_wire converts it.
        let mut standoff = wire.clone();
        standoff.text.clear();
        standoff.summary = Summary::default();
        standoff.sourcing = None;
        for span in standoff.layers.values_mut().flatten() {
            span.text.clear();
        }
        let mut out = Vec::new();
        write_standoff_json(&doc, &mut out).unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            serde_json::to_string(&standoff).unwrap()
        );
        assert_eq!(wire_layer(&doc, "note"), wire.layers["note"]);
        assert!(wire_layer(&doc, "absent").is_empty());
    }

    #[test]
    fn warnings_are_written_always_and_read_back() {
        use unspin_document::{Warning, WarningCode};
        let mut doc = Document::new("w", "Die Regierung hat beschlossen.");
        let json = to_json_line(&doc).unwrap();
        assert!(json.contains("\"warnings\":[]"), "{json}");
        doc.warnings.push(Warning {
            code: WarningCode::Language,
            message: "German".into(),
            skipped_layers: vec!["technique".into()],
            language: Some("deu".into()),
        });
        let json = to_json_line(&doc).unwrap();
        assert!(
            json.contains(
                "\"warnings\":[{\"code\":\"language\",\"message\":\"German\",\
                 \"skipped_layers\":[\"technique\"],\"language\":\"deu\"}]"
            ),
            "{json}"
        );
        assert_eq!(from_json(&json).unwrap(), doc);
        // A 1.1 document (no `warnings`) still reads.
        let old = json.replace("\"schema_version\":\"1.2\"", "\"schema_version\":\"1.1\"");
        let old = old.replace(
            &json[json.find(",\"warnings\"").unwrap()..json.find(",\"layers\"").unwrap()],
            "",
        );
        assert!(from_json(&old).unwrap().warnings.is_empty());
    }

    fn byte_span(text: &str, needle: &str, label: &str) -> Span {
        let start = text.find(needle).unwrap();
        Span::new(start, start + needle.len(), label).unwrap()
    }

    fn sample() -> Document {
        let mut doc = Document::new("article42", TEXT);
        doc.metadata.title = Some("Caf\u{e9} <politics>".into());
        doc.metadata.authors = vec!["Ana Mar\u{ed}a L\u{f3}pez".into(), "J. Doe".into()];
        doc.metadata.published = Some("2016-09-28".into());
        doc.metadata.language = Some("en".into());
        let t = layers::TECHNIQUE;
        doc.add_span(
            t,
            byte_span(TEXT, "traitor", "Name_Calling,Labeling")
                .with_score(0.91)
                .with_provenance("fast-linear@1")
                .with(
                    attrs::EXPLANATION,
                    "labels a person as a \u{201c}traitor\u{201d}".into(),
                ),
        )
        .unwrap();
        doc.add_span(
            t,
            byte_span(
                TEXT,
                "Fran\u{e7}ois Hollande is a traitor",
                "Loaded_Language",
            )
            .with_score(0.5),
        )
        .unwrap();
        doc.add_span(
            t,
            byte_span(TEXT, "\u{201c}betrayal\u{201d}", "Loaded_Language")
                .with(attrs::CUE, "betrayal".into())
                .with_attr("weight", 2),
        )
        .unwrap();
        doc.add_span(
            t,
            byte_span(TEXT, "S\u{e3}o Paulo \u{1f1eb}\u{1f1f7}", "Flag-Waving"),
        )
        .unwrap();
        doc.add_span(
            t,
            byte_span(TEXT, "Everyone knows it.", "Bandwagon,Reductio_ad_hitlerum"),
        )
        .unwrap();
        let end = TEXT.len();
        doc.add_span(t, Span::new(end, end, "Repetition").unwrap())
            .unwrap();
        doc.set_layer(
            layers::SENTENCE,
            vec![byte_span(TEXT, "Everyone.", "sentence")],
        )
        .unwrap();
        doc.set_layer(layers::BOILERPLATE, Vec::new()).unwrap();
        doc
    }

    #[test]
    fn every_reported_offset_slices_the_text_to_the_span_text() {
        let doc = sample();
        let wire: serde_json::Value = serde_json::from_str(&to_json(&doc).unwrap()).unwrap();
        let text: Vec<char> = wire["text"].as_str().unwrap().chars().collect();
        let mut checked = 0;
        for (name, spans) in wire["layers"].as_object().unwrap() {
            for span in spans.as_array().unwrap() {
                let (s, e) = (
                    span["start"].as_u64().unwrap() as usize,
                    span["end"].as_u64().unwrap() as usize,
                );
                let slice: String = text[s..e].iter().collect();
                assert_eq!(
                    slice,
                    span["text"].as_str().unwrap(),
                    "layer {name}, {s}..{e}"
                );
                checked += 1;
            }
        }
        assert_eq!(checked, 7);
        // Spot-check one offset by hand: “ is one code point, so “François starts at 1.
        let first = &wire["layers"]["technique"][1];
        assert_eq!(
            (first["start"].as_u64(), first["text"].as_str()),
            (Some(1), Some("Fran\u{e7}ois Hollande is a traitor"))
        );
    }

    #[test]
    fn wire_shape() {
        let v: serde_json::Value = serde_json::from_str(&to_json(&sample()).unwrap()).unwrap();
        assert_eq!(v["schema_version"], "1.2");
        assert_eq!(v["id"], "article42");
        assert!(
            v.get("sourcing").is_none(),
            "no sourcing layers, no sourcing object"
        );
        assert_eq!(v["metadata"]["authors"][0], "Ana Mar\u{ed}a L\u{f3}pez");
        assert!(
            v["metadata"]["site_name"].is_null(),
            "unknown metadata is written as null"
        );
        let span = &v["layers"]["technique"][0];
        assert_eq!(span["label"], "Name_Calling,Labeling");
        assert_eq!(
            span["explanation"],
            "labels a person as a \u{201c}traitor\u{201d}"
        );
        assert_eq!(span["provenance"], "fast-linear@1");
        assert!(
            span.get("attrs").is_none(),
            "the explanation is not repeated under attrs"
        );
        let other = &v["layers"]["technique"][2];
        assert!(other.get("explanation").is_none() && other.get("provenance").is_none());
        assert_eq!(other["attrs"]["cue"], "betrayal");
        assert_eq!(v["layers"]["boilerplate"], serde_json::json!([]));
        assert_eq!(v["summary"]["technique_spans"], 6);
        assert_eq!(v["summary"]["techniques"]["Loaded_Language"], 2);
        assert_eq!(
            v["summary"]["words"], 21,
            "the em dash and the flag are not words"
        );
    }

    #[test]
    fn round_trips_pretty_and_line() {
        let doc = sample();
        assert_eq!(from_json(&to_json(&doc).unwrap()).unwrap(), doc);
        let line = to_json_line(&doc).unwrap();
        assert!(!line.contains('\n'));
        assert_eq!(from_json(&line).unwrap(), doc);
        let empty = Document::new("e", "");
        assert_eq!(from_json(&to_json(&empty).unwrap()).unwrap(), empty);
    }

    #[test]
    fn non_string_explanation_stays_in_attrs() {
        let mut doc = Document::new("d", "abc");
        doc.add_span(
            "x",
            Span::new(0, 1, "a")
                .unwrap()
                .with_attr(attrs::EXPLANATION.name(), serde_json::json!({"rule": 3})),
        )
        .unwrap();
        let wire = to_wire(&doc);
        assert_eq!(wire.layers["x"][0].explanation, None);
        assert_eq!(wire.layers["x"][0].attrs["explanation"]["rule"], 3);
        assert_eq!(from_json(&to_json(&doc).unwrap()).unwrap(), doc);
    }

    #[test]
    fn rejects_bad_versions_offsets_and_text() {
        let good = to_wire(&sample());

        let mut v = good.clone();
        v.schema_version = "2.0".into();
        assert!(
            matches!(v.into_document(), Err(JsonError::SchemaVersion { found }) if found == "2.0")
        );
        let mut v = good.clone();
        v.schema_version = "1.3".into();
        assert!(v.into_document().is_ok(), "minor versions are readable");

        let mut v = good.clone();
        let len = TEXT.chars().count();
        v.layers.get_mut("technique").unwrap()[0].end = len + 1;
        let err = v.into_document().unwrap_err();
        assert!(matches!(err, JsonError::Offsets { index: 0, .. }), "{err}");
        assert!(
            err.to_string().contains("layer \"technique\", span 0"),
            "{err}"
        );

        let mut v = good.clone();
        let span = &mut v.layers.get_mut("technique").unwrap()[1];
        (span.start, span.end) = (span.end, span.start);
        assert!(matches!(
            v.into_document(),
            Err(JsonError::Offsets { index: 1, .. })
        ));

        // Byte offsets where code points are expected: the text check catches it.
        let mut v = good.clone();
        let span = &mut v.layers.get_mut("technique").unwrap()[1];
        let b = TEXT.find("Fran").unwrap();
        (span.start, span.end) = (b, b + span.text.chars().count());
        let err = v.into_document().unwrap_err();
        assert!(
            matches!(err, JsonError::TextMismatch { index: 1, .. }),
            "{err}"
        );

        assert!(matches!(
            from_json("{\"id\": 1}"),
            Err(JsonError::Syntax(_))
        ));
        assert!(matches!(from_json("not json"), Err(JsonError::Syntax(_))));
    }

    #[test]
    fn reader_fills_defaults() {
        let doc = from_json(r#"{"schema_version": "1.0", "id": "x", "text": "Caf\u00e9 ol\u00e9",
            "layers": {"technique": [{"start": 5, "end": 8, "label": "Slogans", "text": "ol\u00e9"}]}}"#)
        .unwrap();
        let span = &doc.layer(layers::TECHNIQUE)[0];
        assert_eq!((doc.span_text(span), span.score), ("ol\u{e9}", 1.0));
        assert_eq!(doc.metadata, Metadata::default());
    }

    #[test]
    fn documented_example_is_what_the_writer_writes() {
        let doc_md = include_str!("../../../../docs/json-format.md");
        let example = doc_md
            .split("```json\n")
            .nth(1)
            .and_then(|rest| rest.split("\n```").next())
            .expect("docs/json-format.md has a ```json example");
        let doc = from_json(example).unwrap();
        assert_eq!(
            to_json(&doc).unwrap(),
            example,
            "docs/json-format.md is out of date"
        );
        let span = &doc.layer(layers::TECHNIQUE)[0];
        assert_eq!(
            (span.start(), span.end()),
            (93, 137),
            "code points 89..133 are bytes 93..137"
        );
    }

    #[test]
    fn non_finite_scores_are_written_as_zero() {
        let mut doc = Document::new("d", "abc");
        doc.add_span("x", Span::new(0, 1, "a").unwrap().with_score(f32::NAN))
            .unwrap();
        let back = from_json(&to_json(&doc).unwrap()).unwrap();
        assert_eq!(back.layer("x")[0].score, 0.0);
    }

    #[test]
    fn sourcing_object_is_written_from_the_layers() {
        use crate::sourcing::fixture;
        let doc = fixture::document();
        let json = to_json(&doc).unwrap();
        let v: serde_json::Value = serde_json::from_str(&json).unwrap();
        assert_eq!(v["schema_version"], "1.2");
        let s = &v["sourcing"];
        let summary = &s["summary"];
        assert_eq!(summary["quotes"], 2);
        assert_eq!(summary["quotes_by_kind"]["direct"], 1);
        assert_eq!(
            (
                summary["named_sources"].as_u64(),
                summary["anonymous_sources"].as_u64()
            ),
            (Some(2), Some(1))
        );
        assert_eq!(summary["sources_by_kind"]["news_outlet"], 1);
        let share = summary["quotation_share"].as_f64().unwrap();
        assert!(share > 0.0 && share < 1.0, "{share}");
        assert_eq!(
            (
                summary["claims"].as_u64(),
                summary["check_worthy_claims"].as_u64()
            ),
            (Some(2), Some(1))
        );
        assert_eq!(
            (
                summary["hedged_claims"].as_u64(),
                summary["boosted_claims"].as_u64(),
                summary["unhedged_claims"].as_u64()
            ),
            (Some(1), Some(0), Some(0))
        );

        assert_eq!(
            s["sources"],
            serde_json::json!([
                {"name": "Colonel W. Patrick Lang", "kind": "person", "mentions": 1,
                 "roles": ["quoted"], "urls": []},
                {"name": "New York Times", "kind": "news_outlet", "mentions": 2,
                 "roles": ["cited", "linked"],
                 "urls": ["https://www.nytimes.com/2016/09/27/syria.html"]},
                {"name": "a senior official", "kind": "anonymous", "mentions": 1,
                 "roles": ["quoted"], "urls": []},
            ])
        );

        // Quotes: attributes resolved, offsets in code points.
        let chars: Vec<char> = fixture::TEXT.chars().collect();
        let slice = |o: &serde_json::Value| -> String {
            let (a, b) = (o["start"].as_u64().unwrap(), o["end"].as_u64().unwrap());
            chars[a as usize..b as usize].iter().collect()
        };
        let q = &s["quotes"][0];
        assert_eq!(q["id"], "q1");
        assert_eq!(q["kind"], "direct");
        assert_eq!(q["speaker"], "Colonel W. Patrick Lang");
        assert_eq!(q["speaker_kind"], "person");
        assert_eq!(q["cue"], "said");
        assert_eq!(q["medium"], "New York Times");
        assert_eq!(q["text"], "The ceasefire is dead,");
        assert_eq!(
            q["start"], 13,
            "\u{e9} and \u{201c} are one code point each"
        );
        assert_eq!(slice(q), "The ceasefire is dead,");
        assert!(s["quotes"][1]["medium"].is_null(), "unknown is null");
        assert_eq!(s["quotes"][1]["speaker_kind"], "anonymous");

        // Only the check-worthy claim, with its hedge.
        let claims = s["claims"].as_array().unwrap();
        assert_eq!(claims.len(), 1);
        let c = &claims[0];
        assert_eq!(
            (
                c["id"].as_str(),
                c["certainty"].as_str(),
                c["quoted"].as_bool()
            ),
            (Some("c2"), Some("hedged"), Some(false))
        );
        assert_eq!(c["score"].as_f64(), Some(0.85));
        assert_eq!(c["quantities"][0]["text"], "62 soldiers");
        assert_eq!(slice(c), c["text"].as_str().unwrap());
        let m = &c["markers"][0];
        assert_eq!(
            (m["kind"].as_str(), m["marker"].as_str(), m["text"].as_str()),
            (Some("hedge"), Some("reportedly"), Some("Reportedly"))
        );
        assert_eq!(slice(m), "Reportedly");

        // It reads back, and the copy writes the same object.
        let back = from_json(&json).unwrap();
        assert_eq!(back, doc);
        assert_eq!(to_json(&back).unwrap(), json);
        assert_eq!(
            serde_json::from_str::<JsonDocument>(&json)
                .unwrap()
                .sourcing,
            crate::sourcing_of(&doc)
        );
    }

    #[test]
    fn sourcing_is_written_when_any_sourcing_layer_is_there() {
        let mut doc = Document::new("d", "No quotes here.");
        assert!(to_wire(&doc).sourcing.is_none());
        doc.set_layer(layers::QUOTE, Vec::new()).unwrap();
        let s = to_wire(&doc).sourcing.expect("an empty quote layer counts");
        assert_eq!(s.summary.quotes, 0);
        assert!(s.sources.is_empty() && s.quotes.is_empty() && s.claims.is_empty());
        let v: serde_json::Value = serde_json::from_str(&to_json(&doc).unwrap()).unwrap();
        assert_eq!(v["sourcing"]["sources"], serde_json::json!([]));
        assert_eq!(v["sourcing"]["summary"]["quotation_share"], 0.0);
    }

    #[test]
    fn reader_ignores_the_sourcing_object() {
        let doc = crate::sourcing::fixture::document();
        let mut v: serde_json::Value = serde_json::from_str(&to_json(&doc).unwrap()).unwrap();
        // Unknown fields, missing fields, stale values: all ignored.
        v["sourcing"] = serde_json::json!({
            "summary": {"quotes": 99, "not_yet_invented": true},
            "quotes": [{"id": "q9", "text": "nowhere in the text"}],
            "future": [1, 2, 3]
        });
        assert_eq!(from_json(&v.to_string()).unwrap(), doc);
        let wire: JsonDocument = serde_json::from_value(v.clone()).unwrap();
        assert_eq!(wire.sourcing.unwrap().summary.quotes, 99);
        // A malformed one too.
        v["sourcing"] = serde_json::json!("not an object");
        assert_eq!(from_json(&v.to_string()).unwrap(), doc);
        v["sourcing"] = serde_json::Value::Null;
        assert_eq!(from_json(&v.to_string()).unwrap(), doc);
        // A 1.0 document (no sourcing object) still reads.
        v.as_object_mut().unwrap().remove("sourcing");
        v["schema_version"] = "1.0".into();
        assert_eq!(from_json(&v.to_string()).unwrap(), doc);
    }

    #[test]
    fn documented_sourcing_example_is_what_the_writer_writes() {
        let written = serde_json::to_string_pretty(&crate::sourcing_of(
            &crate::sourcing::fixture::document(),
        ))
        .unwrap();
        if std::env::var_os("UNSPIN_PRINT_DOC_EXAMPLE").is_some() {
            println!("{written}");
        }
        let doc_md = include_str!("../../../../docs/json-format.md");
        let example = doc_md
            .split("```json\n")
            .nth(2)
            .and_then(|rest| rest.split("\n```").next())
            .expect("docs/json-format.md has a second ```json example, the sourcing object");
        assert_eq!(written, example, "docs/json-format.md is out of date");
    }
}
