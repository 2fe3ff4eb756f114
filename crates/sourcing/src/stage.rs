//! The pipeline stage that adds the sourcing layers.

use unspin_document::{layers as doc_layers, Document};
use unspin_pipeline::{Stage, StageError};

use crate::attribution::{AttributionModel, AttributionTagger};
use crate::{claims, entities, hedges, layers, quotes, sources, Attribution, ByteRange};

/// Adds the entity, quote, speaker, cue, source, hedge and claim layers.
///
/// Needs the `sentence` layer; uses the reader's `blockquote`, `link` and
/// `boilerplate` layers when present (Markdown and HTML input).
#[derive(Clone, Copy)]
pub struct SourcingStage {
    tagger: &'static dyn AttributionTagger,
}

impl Default for SourcingStage {
    fn default() -> SourcingStage {
        SourcingStage::shipped()
    }
}

impl SourcingStage {
    /// A stage with the attribution tagger shipped in the binary.
    pub fn shipped() -> SourcingStage {
        SourcingStage {
            tagger: AttributionModel::shipped(),
        }
    }

    /// A stage with another attribution tagger (it must live as long as the
    /// program: leak a loaded model with `Box::leak`).
    pub fn with_model(model: &'static AttributionModel) -> SourcingStage {
        SourcingStage { tagger: model }
    }

    /// A stage with any attribution tagger (e.g. the neural one of
    /// `unspin-neural`), which must live as long as the program.
    pub fn with_tagger(tagger: &'static dyn AttributionTagger) -> SourcingStage {
        SourcingStage { tagger }
    }

    /// The attribution tagger in use.
    pub fn tagger(&self) -> &dyn AttributionTagger {
        self.tagger
    }

    /// The document's attributions: the tagger's and the quotation rules',
    /// reconciled, with speakers resolved. Tagged attributions inside the
    /// `boilerplate` layer are dropped.
    pub fn attributions(&self, doc: &Document, found: &[crate::Entity]) -> Vec<Attribution> {
        let boilerplate: Vec<ByteRange> = doc
            .layer(doc_layers::BOILERPLATE)
            .iter()
            .map(|s| s.start()..s.end())
            .collect();
        let in_boilerplate = |r: &ByteRange| {
            boilerplate
                .iter()
                .any(|b| b.start <= r.start && r.end <= b.end)
        };
        let tagged: Vec<Attribution> = self
            .tagger
            .attributions(doc.text())
            .into_iter()
            .filter(|a| !in_boilerplate(&a.content))
            .collect();
        let rules = quotes::rule_attributions(doc, found);
        quotes::reconcile(doc, tagged, rules, found)
    }
}

impl Stage for SourcingStage {
    fn name(&self) -> &str {
        "sourcing"
    }
    fn requires(&self) -> &[&str] {
        &[doc_layers::SENTENCE]
    }
    fn assigns(&self) -> &[&str] {
        &layers::ALL
    }
    fn process(&self, doc: &mut Document) -> Result<(), StageError> {
        let found = entities::find_entities(doc);
        let attributions = self.attributions(doc, &found);
        let mentions = sources::find_sources(doc, &attributions, &found);
        let markers = hedges::find_markers(doc);
        let claims = claims::find_claims(doc, &markers, &attributions, &found);
        let (quote_spans, speaker_spans, cue_spans) = quotes::attribution_spans(doc, &attributions);
        doc.set_layer(layers::ENTITY, entities::entity_spans(&found))?;
        doc.set_layer(layers::QUOTE, quote_spans)?;
        doc.set_layer(layers::SPEAKER, speaker_spans)?;
        doc.set_layer(layers::CUE, cue_spans)?;
        doc.set_layer(layers::SOURCE, sources::source_spans(&mentions))?;
        doc.set_layer(layers::HEDGE, claims::marker_spans(&markers, &claims))?;
        doc.set_layer(layers::CLAIM, claims::claim_spans(&claims))?;
        Ok(())
    }
}
