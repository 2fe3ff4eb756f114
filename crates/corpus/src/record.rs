//! One analysed article as the rows it becomes in the store, built from the
//! same wire types the JSON output uses (offsets in code points).

use unspin_document::{layers, Document, Warning};
use unspin_writers::{
    sourcing_of, summarize, wire_layer, write_standoff_json, JsonClaim, JsonDocument, JsonQuote,
    JsonSource, JsonSpan,
};

/// The identity of an article in a corpus: a 128-bit hash (32 hex digits)
/// of its text and, when it has one, its web (`http`, `https`) URL. The same
/// page read twice, or the same file read from two paths, has the same hash
/// and is stored once; the same text at two web addresses (a re-publication)
/// is stored twice, so that copies can be found.
pub fn content_hash(doc: &Document) -> String {
    let mut h = xxhash_rust::xxh3::Xxh3::new();
    h.update(doc.text().as_bytes());
    h.update(&[0]);
    if let Some(url) = doc.metadata.url.as_deref().filter(|u| is_web_url(u)) {
        h.update(url.as_bytes());
    }
    format!("{:032x}", h.digest128())
}

/// Where an article came from and what analysed it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Provenance {
    /// The input it was read from: a path, `<stdin>`, or a URL; for inputs
    /// that hold several documents, the path and the record (`crawl.warc.gz#<urn:uuid:…>`).
    pub source: String,
    /// The tier that analysed it (`fast` or `neural`).
    pub tier: String,
    /// The models that analysed it (the analyser's provenance string).
    pub model: String,
    /// Whether the sourcing layers were computed.
    pub sourcing: bool,
}

/// An analysed article, ready to store.
#[derive(Debug, Clone)]
pub struct ArticleRecord {
    /// See [`content_hash`].
    pub content_hash: String,
    /// The reader's document id.
    pub doc_id: String,
    /// Where it came from and what analysed it.
    pub provenance: Provenance,
    /// Metadata, text and the derived counts.
    pub fields: ArticleFields,
    /// The analysed document as compact unspin JSON without its text and
    /// the spans' repeated text (both come back from the `text` column),
    /// Snappy-compressed: see [`decode_document`].
    pub document: Vec<u8>,
    /// The `technique` layer.
    pub spans: Vec<JsonSpan>,
    /// The quotes with their speakers.
    pub quotes: Vec<JsonQuote>,
    /// The cited sources.
    pub sources: Vec<JsonSource>,
    /// The check-worthy claims.
    pub claims: Vec<JsonClaim>,
    /// The body's MinHash signature for copy detection (`None`: no body
    /// text to compare) and the body's word count.
    pub copy_signature: (Option<Vec<u8>>, i64),
}

/// The scalar columns of an `articles` row (see `docs/corpus.md`).
#[derive(Debug, Clone, Default, PartialEq)]
#[allow(missing_docs)] // each field is the column of the same name
pub struct ArticleFields {
    pub url: Option<String>,
    pub canonical_url: Option<String>,
    pub title: Option<String>,
    pub authors: Vec<String>,
    pub outlet: Option<String>,
    pub published: Option<String>,
    pub published_date: Option<String>,
    pub original_source: Option<String>,
    pub language: Option<String>,
    pub words: i64,
    pub technique_spans: i64,
    pub quotes: i64,
    pub quotation_share: f64,
    pub named_sources: i64,
    pub anonymous_sources: i64,
    pub claims: i64,
    pub check_worthy_claims: i64,
    pub hedged_claims: i64,
    /// The document's warnings as the JSON array of the wire format (`[]`
    /// when none).
    pub warnings: String,
    /// See [`not_analysed`]: `None` when the techniques were analysed.
    pub not_analysed: Option<String>,
    pub text: String,
}

/// Why an article's techniques were not analysed: the code of the first
/// warning that skipped the `technique` layer (`language`, `garbled`), or
/// `None` when they were analysed. Such an article must not count as one
/// without techniques.
pub fn not_analysed(warnings: &[Warning]) -> Option<String> {
    warnings
        .iter()
        .find(|w| w.skipped_layers.iter().any(|l| l == layers::TECHNIQUE))
        .map(|w| w.code.name().to_string())
}

impl ArticleRecord {
    /// Builds the record of an analysed document.
    ///
    /// # Errors
    /// When the document cannot be written as JSON (a non-finite number in an
    /// attribute).
    pub fn new(doc: &Document, provenance: Provenance) -> Result<ArticleRecord, String> {
        // Only what the rows need is converted to the wire types; the stored
        // document is serialised straight from the document.
        let summary = summarize(doc);
        let (quotes, claims, sources, s) = match sourcing_of(doc) {
            Some(s) => (s.quotes, s.claims, s.sources, s.summary),
            None => Default::default(),
        };
        let spans = wire_layer(doc, layers::TECHNIQUE);
        let document = encode_document(doc)?;
        let m = &doc.metadata;
        let fields = ArticleFields {
            url: m.url.clone(),
            canonical_url: m.canonical_url.clone(),
            title: m.title.clone(),
            authors: m.authors.clone(),
            outlet: m.site_name.clone(),
            published: m.published.clone(),
            published_date: m.published.as_deref().and_then(iso_date),
            original_source: m.original_source.clone(),
            language: m.language.clone(),
            words: summary.words as i64,
            technique_spans: summary.technique_spans as i64,
            quotes: s.quotes as i64,
            quotation_share: s.quotation_share,
            named_sources: s.named_sources as i64,
            anonymous_sources: s.anonymous_sources as i64,
            claims: s.claims as i64,
            check_worthy_claims: s.check_worthy_claims as i64,
            hedged_claims: s.hedged_claims as i64,
            warnings: serde_json::to_string(&doc.warnings).map_err(|e| e.to_string())?,
            not_analysed: not_analysed(&doc.warnings),
            text: doc.text().to_string(),
        };
        let body = unspin_copies::Body::new(doc.text(), m.title.as_deref());
        let copy_signature = (body.signature().map(|s| s.to_bytes()), body.words as i64);
        Ok(ArticleRecord {
            copy_signature,
            content_hash: content_hash(doc),
            doc_id: doc.id.clone(),
            provenance,
            fields,
            document,
            spans,
            quotes,
            sources,
            claims,
        })
    }
}

fn is_web_url(url: &str) -> bool {
    let lower = url.get(..8).unwrap_or(url).to_ascii_lowercase();
    lower.starts_with("http://") || lower.starts_with("https://")
}

/// The `YYYY-MM-DD` day of an ISO 8601 date or date-time, when it has one.
pub fn iso_date(published: &str) -> Option<String> {
    let day = published.trim().get(..10)?;
    let b = day.as_bytes();
    let digits = |r: std::ops::Range<usize>| b[r].iter().all(u8::is_ascii_digit);
    let ok = digits(0..4) && b[4] == b'-' && digits(5..7) && b[7] == b'-' && digits(8..10);
    let month = day[5..7].parse::<u8>().ok()?;
    let dom = day[8..10].parse::<u8>().ok()?;
    (ok && (1..=12).contains(&month) && (1..=31).contains(&dom)).then(|| day.to_string())
}

/// The stored form of a document: its wire form without the text, the
/// spans' copies of it and the derived summaries (the standoff JSON of
/// [`write_standoff_json`]), compressed.
fn encode_document(doc: &Document) -> Result<Vec<u8>, String> {
    let mut json = Vec::with_capacity(doc.text().len() * 4);
    write_standoff_json(doc, &mut json).map_err(|e| e.to_string())?;
    Ok(compress(&json))
}

/// Snappy (raw format): about ten times faster than deflate on this JSON,
/// which matters because compression runs for every article added, at a
/// cost of about a third more bytes.
fn compress(bytes: &[u8]) -> Vec<u8> {
    snap::raw::Encoder::new()
        .compress_vec(bytes)
        .unwrap_or_default()
}

/// Reads back a stored `document` column, given the article's `text`
/// column.
///
/// # Errors
/// A message when the bytes are not a stored document or its offsets do not
/// fit `text`.
pub fn decode_document(bytes: &[u8], text: &str) -> Result<Document, String> {
    let json = snap::raw::Decoder::new()
        .decompress_vec(bytes)
        .map_err(|e| format!("not a compressed document: {e}"))?;
    let mut wire: JsonDocument = serde_json::from_slice(&json).map_err(|e| e.to_string())?;
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let byte = |c: usize| chars.get(c).map_or(text.len(), |&(b, _)| b);
    for (layer, spans) in &mut wire.layers {
        for span in spans {
            if span.start > span.end || span.end > chars.len() {
                return Err(format!(
                    "layer {layer:?}: offsets {}..{} do not fit a text of {} code points",
                    span.start,
                    span.end,
                    chars.len()
                ));
            }
            span.text = text[byte(span.start)..byte(span.end)].to_string();
        }
    }
    wire.text = text.to_string();
    wire.into_document().map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use unspin_document::Span;

    #[test]
    fn dates() {
        assert_eq!(
            iso_date("2016-02-24T10:00:00Z").as_deref(),
            Some("2016-02-24")
        );
        assert_eq!(iso_date("2016-02-24").as_deref(), Some("2016-02-24"));
        assert_eq!(iso_date("2016-13-24"), None);
        assert_eq!(iso_date("24 Feb 2016"), None);
        assert_eq!(iso_date("2016"), None);
    }

    #[test]
    fn hash_depends_on_text_and_url() {
        let a = Document::new("a", "Some text.");
        let mut b = Document::new("b", "Some text.");
        assert_eq!(content_hash(&a), content_hash(&b));
        b.metadata.url = Some("/home/me/articles/a.md".into());
        assert_eq!(
            content_hash(&a),
            content_hash(&b),
            "a path is not an identity"
        );
        b.metadata.url = Some("https://example.org/x".into());
        assert_ne!(content_hash(&a), content_hash(&b));
        assert_eq!(content_hash(&a).len(), 32);
    }

    #[test]
    fn record_round_trips_the_document() {
        let mut doc = Document::new("a", "\u{201c}These\u{201d} corrupt traitors lie.");
        doc.metadata.published = Some("2020-05-01".into());
        doc.add_span(
            layers::TECHNIQUE,
            Span::new(12, 28, "Name_Calling,Labeling").unwrap(),
        )
        .unwrap();
        let r = ArticleRecord::new(&doc, Provenance::default()).unwrap();
        assert_eq!(r.spans.len(), 1);
        assert_eq!(r.spans[0].text, "corrupt traitors");
        assert_eq!(r.fields.words, 4);
        assert_eq!(r.fields.published_date.as_deref(), Some("2020-05-01"));
        let back = decode_document(&r.document, doc.text()).unwrap();
        assert_eq!(back, doc);
        assert!(decode_document(b"junk", "x").is_err());
        assert_eq!(
            (r.fields.warnings.as_str(), r.fields.not_analysed),
            ("[]", None)
        );
        assert!(decode_document(&r.document, "short").is_err());
    }

    #[test]
    fn warnings_are_kept_and_a_skipped_technique_layer_is_not_analysed() {
        let mut doc = Document::new("de", "Die Regierung hat heute den Plan vorgestellt.");
        doc.warnings.push(Warning {
            code: unspin_document::WarningCode::Language,
            message: "German".into(),
            skipped_layers: vec![layers::TECHNIQUE.to_string()],
            language: Some("deu".into()),
        });
        let r = ArticleRecord::new(&doc, Provenance::default()).unwrap();
        assert_eq!(r.fields.not_analysed.as_deref(), Some("language"));
        assert!(r.fields.warnings.contains("\"code\":\"language\""));
        let back = decode_document(&r.document, doc.text()).unwrap();
        assert_eq!(back.warnings, doc.warnings);
        // A warning that skipped nothing leaves the article analysed.
        doc.warnings[0].code = unspin_document::WarningCode::TooShort;
        doc.warnings[0].skipped_layers.clear();
        let r = ArticleRecord::new(&doc, Provenance::default()).unwrap();
        assert_eq!(r.fields.not_analysed, None);
    }
}
