//! The pipeline stage that adds technique spans with the neural tier.

use unspin_document::{layers, Document};
use unspin_pipeline::{Stage, StageError};

use crate::NeuralTier;

/// Adds the `technique` layer using a [`NeuralTier`].
#[derive(Debug)]
pub struct NeuralStage {
    tier: NeuralTier,
}

impl NeuralStage {
    /// A stage running `tier`.
    pub fn new(tier: NeuralTier) -> NeuralStage {
        NeuralStage { tier }
    }

    /// The tier this stage runs.
    pub fn tier(&self) -> &NeuralTier {
        &self.tier
    }
}

impl Stage for NeuralStage {
    fn name(&self) -> &str {
        "techniques-neural"
    }
    fn assigns(&self) -> &[&str] {
        &[layers::TECHNIQUE]
    }
    fn process(&self, doc: &mut Document) -> Result<(), StageError> {
        let spans = self
            .tier
            .analyze(doc)
            .map_err(|e| StageError::new(self.name(), e))?;
        doc.set_layer(layers::TECHNIQUE, spans)?;
        Ok(())
    }
}
