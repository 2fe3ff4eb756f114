//! The pipeline stage that adds technique spans.

use unspin_document::{layers, Document};
use unspin_pipeline::{Stage, StageError};

use crate::FastModel;

/// Adds the `technique` layer using a [`FastModel`].
pub struct TechniqueStage {
    model: FastModel,
}

impl TechniqueStage {
    /// A stage running `model`.
    pub fn new(model: FastModel) -> TechniqueStage {
        TechniqueStage { model }
    }

    /// The model this stage runs.
    pub fn model(&self) -> &FastModel {
        &self.model
    }
}

impl Stage for TechniqueStage {
    fn name(&self) -> &str {
        "techniques-fast"
    }
    fn assigns(&self) -> &[&str] {
        &[layers::TECHNIQUE]
    }
    fn process(&self, doc: &mut Document) -> Result<(), StageError> {
        let spans = self.model.analyze(doc);
        doc.set_layer(layers::TECHNIQUE, spans)?;
        Ok(())
    }
}
