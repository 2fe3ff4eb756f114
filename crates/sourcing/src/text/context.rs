//! The per-document context every analyser reads: the text's tokens, their
//! lower-cased forms, its sentences, quotation-mark pairs and the reader's
//! structure layers, computed once per document by the stage instead of in
//! every analyser.

use unspin_document::{layers, Document};
use unspin_segment::{sentences, tokenize, Token};

use super::lower::Lowered;
use super::marks::{quotation_spans, QuotePair};
use crate::ByteRange;

/// What the analysers need of one document, computed once.
pub struct SourcingContext<'a> {
    /// The document.
    pub doc: &'a Document,
    /// Its text.
    pub text: &'a str,
    /// The text's tokens (`unspin_segment::tokenize`).
    pub tokens: Vec<Token>,
    /// Each token lower-cased (`str::to_lowercase`), apostrophes as written.
    pub lower: Lowered,
    /// Each token lower-cased with curly apostrophes read as straight ones.
    pub norm: Lowered,
    /// The `sentence` layer, or the segmenter's sentences when it is absent.
    pub sentences: Vec<ByteRange>,
    /// The reader's `blockquote` layer.
    pub blockquotes: Vec<ByteRange>,
    /// The reader's `boilerplate` layer.
    pub boilerplate: Vec<ByteRange>,
    /// The text's quotation-mark pairs.
    pub pairs: Vec<QuotePair>,
}

/// The ranges of a layer's spans.
fn ranges(doc: &Document, layer: &str) -> Vec<ByteRange> {
    doc.layer(layer)
        .iter()
        .map(|s| s.start()..s.end())
        .collect()
}

impl<'a> SourcingContext<'a> {
    /// Tokenises `doc` and reads its layers.
    pub fn new(doc: &'a Document) -> SourcingContext<'a> {
        let text = doc.text();
        let tokens = tokenize(text);
        let lower = Lowered::plain(text, &tokens);
        let norm = Lowered::new(text, &tokens);
        // The sentence layer, when there is one, is `sentences(text)`.
        let sentences = if doc.has_layer(layers::SENTENCE) {
            ranges(doc, layers::SENTENCE)
        } else {
            sentences(text)
        };
        SourcingContext {
            doc,
            text,
            lower,
            norm,
            sentences,
            blockquotes: ranges(doc, layers::BLOCKQUOTE),
            boilerplate: ranges(doc, layers::BOILERPLATE),
            pairs: quotation_spans(text),
            tokens,
        }
    }

    /// Whether `r` lies inside the boilerplate.
    pub fn in_boilerplate(&self, r: &ByteRange) -> bool {
        self.boilerplate
            .iter()
            .any(|b| b.start <= r.start && r.end <= b.end)
    }
}
