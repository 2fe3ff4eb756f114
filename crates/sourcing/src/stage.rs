//! The pipeline stage that adds the sourcing layers.

use std::sync::Arc;

use unspin_document::{layers, Document};
use unspin_pipeline::{timing, Stage, StageError};

use crate::attribution::{AttributionModel, AttributionTagger};
use crate::text::context::SourcingContext;
use crate::{claims, entities, hedges, quotes, sources, Attribution, Entity};

/// Adds the entity, quote, speaker, cue, source, hedge and claim layers.
///
/// Needs the `sentence` layer; uses the reader's `blockquote`, `link` and
/// `boilerplate` layers when present (Markdown and HTML input).
#[derive(Clone)]
pub struct SourcingStage {
    tagger: Arc<dyn AttributionTagger>,
}

impl Default for SourcingStage {
    fn default() -> SourcingStage {
        SourcingStage::shipped()
    }
}

impl SourcingStage {
    /// A stage with the linear attribution tagger shipped in the binary.
    pub fn shipped() -> SourcingStage {
        SourcingStage::new(Arc::new(AttributionModel::shipped()))
    }

    /// A stage with any attribution tagger (a loaded linear model, or the
    /// neural one of `unspin-neural`).
    pub fn new(tagger: Arc<dyn AttributionTagger>) -> SourcingStage {
        SourcingStage { tagger }
    }

    /// The attribution tagger in use.
    pub fn tagger(&self) -> &dyn AttributionTagger {
        &*self.tagger
    }

    /// The document's attributions: the tagger's and the quotation rules',
    /// reconciled, with speakers resolved. Tagged attributions inside the
    /// `boilerplate` layer are dropped.
    pub fn attributions(&self, doc: &Document, found: &[Entity]) -> Vec<Attribution> {
        self.attributions_in(&SourcingContext::new(doc), found)
    }

    /// As [`attributions`](Self::attributions), over a document's
    /// [`SourcingContext`].
    pub fn attributions_in(&self, cx: &SourcingContext, found: &[Entity]) -> Vec<Attribution> {
        let tagged: Vec<Attribution> = timing::time("attribution tagger", || {
            self.tagger
                .attributions_tokens(cx.text, &cx.tokens, &cx.sentences)
        })
        .into_iter()
        .filter(|a| !cx.in_boilerplate(&a.content))
        .collect();
        let rules = quotes::rule_attributions_in(cx, found);
        quotes::reconcile_in(cx, tagged, rules, found)
    }
}

impl Stage for SourcingStage {
    fn name(&self) -> &str {
        "sourcing"
    }

    fn requires(&self) -> &[&str] {
        &[layers::SENTENCE]
    }

    fn assigns(&self) -> &[&str] {
        &layers::SOURCING
    }

    fn process(&self, doc: &mut Document) -> Result<(), StageError> {
        // Tokens, sentences and structure layers, read once for every analyser.
        let cx = SourcingContext::new(doc);
        let found = entities::find_entities_in(&cx);
        let attributions = self.attributions_in(&cx, &found);
        let mentions = sources::find_sources_in(&cx, &attributions, &found);
        let markers = hedges::find_markers_in(&cx);
        let claims = claims::find_claims_in(&cx, &markers, &attributions, &found);
        let (quote_spans, speaker_spans, cue_spans) = quotes::attribution_spans(doc, &attributions);
        drop(cx);
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
