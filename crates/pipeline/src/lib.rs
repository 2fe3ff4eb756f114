//! Pipeline stages: each analyser reads a [`Document`] and adds layers.
//!
//! A [`Stage`] declares the layers it `requires` and the ones it `assigns`;
//! [`Pipeline::new`] checks that every requirement is met by an earlier stage
//! (or listed as provided by the reader), spaCy-style, before anything runs.
//!
//! ```
//! use unspin_document::{Document, Span};
//! use unspin_pipeline::{Pipeline, Stage, StageError};
//!
//! struct Whole;
//! impl Stage for Whole {
//!     fn name(&self) -> &str { "whole" }
//!     fn assigns(&self) -> &[&str] { &["whole"] }
//!     fn process(&self, doc: &mut Document) -> Result<(), StageError> {
//!         let n = doc.text().len();
//!         doc.add_span("whole", Span::new(0, n, "all")?)?;
//!         Ok(())
//!     }
//! }
//! let pipe = Pipeline::new(vec![Box::new(Whole)], &[]).unwrap();
//! let mut doc = Document::new("d", "text");
//! pipe.run(&mut doc).unwrap();
//! assert_eq!(doc.layer("whole").len(), 1);
//! ```
#![deny(missing_docs)]

use unspin_document::{Document, DocumentError, SpanError};

/// An error raised by a stage while processing one document.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StageError {
    /// A span did not fit the document.
    #[error("stage produced an invalid span: {0}")]
    Document(#[from] DocumentError),
    /// A span could not be built.
    #[error("stage produced an invalid span: {0}")]
    Span(#[from] SpanError),
    /// Any other failure, described.
    #[error("{0}")]
    Other(String),
}

/// One analyser in a pipeline.
pub trait Stage: Send + Sync {
    /// A short stable name (e.g. `sentences`, `techniques-fast`).
    fn name(&self) -> &str;
    /// Layers that must exist before this stage runs.
    fn requires(&self) -> &[&str] {
        &[]
    }
    /// Layers this stage adds.
    fn assigns(&self) -> &[&str];
    /// Adds this stage's layers to `doc`.
    ///
    /// # Errors
    /// When the document cannot be processed; the caller reports it and goes on.
    fn process(&self, doc: &mut Document) -> Result<(), StageError>;
}

/// A requirement that no earlier stage meets.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("stage '{stage}' requires layer '{layer}', which no earlier stage assigns (available: {available})")]
pub struct MissingLayer {
    /// The stage with the unmet requirement.
    pub stage: String,
    /// The missing layer.
    pub layer: String,
    /// The layers available at that point, comma-separated.
    pub available: String,
}

/// An ordered, checked list of stages.
pub struct Pipeline {
    stages: Vec<Box<dyn Stage>>,
}

impl Pipeline {
    /// Builds a pipeline; `provided` lists layers the reader supplies.
    ///
    /// # Errors
    /// [`MissingLayer`] when a stage requires a layer nothing before it assigns.
    pub fn new(stages: Vec<Box<dyn Stage>>, provided: &[&str]) -> Result<Pipeline, MissingLayer> {
        let mut have: Vec<String> = provided.iter().map(|s| s.to_string()).collect();
        for stage in &stages {
            for req in stage.requires() {
                if !have.iter().any(|h| h == req) {
                    return Err(MissingLayer {
                        stage: stage.name().to_string(),
                        layer: req.to_string(),
                        available: have.join(", "),
                    });
                }
            }
            have.extend(stage.assigns().iter().map(|s| s.to_string()));
        }
        Ok(Pipeline { stages })
    }

    /// Names of the stages, in order.
    pub fn names(&self) -> Vec<&str> {
        self.stages.iter().map(|s| s.name()).collect()
    }

    /// Runs every stage on `doc`, stopping at the first error.
    ///
    /// # Errors
    /// The failing stage's error, prefixed with its name.
    pub fn run(&self, doc: &mut Document) -> Result<(), StageError> {
        for stage in &self.stages {
            stage
                .process(doc)
                .map_err(|e| StageError::Other(format!("stage '{}': {e}", stage.name())))?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Needs;
    impl Stage for Needs {
        fn name(&self) -> &str {
            "needs"
        }
        fn requires(&self) -> &[&str] {
            &["sentence"]
        }
        fn assigns(&self) -> &[&str] {
            &["x"]
        }
        fn process(&self, _doc: &mut Document) -> Result<(), StageError> {
            Ok(())
        }
    }

    #[test]
    fn unmet_requirement_names_stage_and_layer() {
        let err = Pipeline::new(vec![Box::new(Needs)], &["title"])
            .err()
            .unwrap();
        assert_eq!(err.stage, "needs");
        assert_eq!(err.layer, "sentence");
        assert!(err.to_string().contains("available: title"));
        assert!(Pipeline::new(vec![Box::new(Needs)], &["sentence"]).is_ok());
    }
}
