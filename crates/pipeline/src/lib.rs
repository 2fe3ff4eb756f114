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
//!
//! Work can be cancelled cooperatively: [`Pipeline::run_with`] runs under a
//! [`Cancel`] token and stops between stages (and inside stages that check,
//! see [`cancel`]) with [`StageError::Cancelled`] once the token is cancelled.
#![deny(missing_docs)]

pub mod cancel;
pub mod timing;

use std::error::Error;

pub use cancel::{Cancel, Cancelled};

use unspin_document::{Document, DocumentError, SpanError};

/// Any error a stage's own machinery can raise (a model, a tokenizer), boxed.
pub type BoxError = Box<dyn Error + Send + Sync + 'static>;

/// An error raised by a stage while processing one document.
///
/// The underlying error is kept as the [`source`](Error::source), not
/// flattened into a string, so a caller can inspect or downcast it:
///
/// ```
/// use std::error::Error;
/// use unspin_pipeline::StageError;
///
/// let io = std::io::Error::new(std::io::ErrorKind::Other, "weights missing");
/// let err = StageError::new("techniques-neural", io);
/// assert_eq!(err.to_string(), "stage 'techniques-neural': weights missing");
/// assert_eq!(err.stage(), Some("techniques-neural"));
/// assert!(err.source().unwrap().downcast_ref::<std::io::Error>().is_some());
/// ```
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StageError {
    /// A span did not fit the document.
    #[error("stage produced an invalid span: {0}")]
    Document(#[from] DocumentError),
    /// A span could not be built.
    #[error("stage produced an invalid span: {0}")]
    Span(#[from] SpanError),
    /// The stage named `stage` failed; `source` says why.
    #[error("stage '{stage}': {source}")]
    Failed {
        /// The stage's [`name`](Stage::name).
        stage: String,
        /// The underlying error.
        #[source]
        source: BoxError,
    },
    /// Any other failure, described (prefer [`StageError::new`], which keeps
    /// the underlying error).
    #[error("{0}")]
    Other(String),
    /// The run's [`Cancel`] token was cancelled; the document is partly
    /// analysed and should be thrown away.
    #[error("the analysis was cancelled")]
    Cancelled,
}

impl From<Cancelled> for StageError {
    fn from(_: Cancelled) -> StageError {
        StageError::Cancelled
    }
}

impl StageError {
    /// The stage named `stage` failed because of `source` (any error, or a
    /// message: a `String` or `&str` also converts).
    pub fn new(stage: impl Into<String>, source: impl Into<BoxError>) -> StageError {
        StageError::Failed {
            stage: stage.into(),
            source: source.into(),
        }
    }

    /// The name of the stage that failed, when known (always, for errors
    /// returned by [`Pipeline::run`]).
    pub fn stage(&self) -> Option<&str> {
        match self {
            StageError::Failed { stage, .. } => Some(stage),
            _ => None,
        }
    }

    /// Whether this is [`StageError::Cancelled`] (the run was cancelled, nothing failed).
    pub fn is_cancelled(&self) -> bool {
        matches!(self, StageError::Cancelled)
    }

    /// This error, attributed to the stage named `stage` unless it already
    /// names one (a cancellation stays a cancellation).
    fn in_stage(self, stage: &str) -> StageError {
        match self {
            StageError::Failed { .. } | StageError::Cancelled => self,
            other => StageError::new(stage, other),
        }
    }
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
#[non_exhaustive]
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
    /// Inside a [`cancel::scope`] (see [`run_with`](Pipeline::run_with)) the
    /// current token is checked before each stage and after the last.
    ///
    /// # Errors
    /// The failing stage's error as [`StageError::Failed`], naming the stage
    /// (its message is prefixed with the name) and keeping the stage's own
    /// error as its source; [`StageError::Cancelled`] when the current
    /// token was cancelled.
    pub fn run(&self, doc: &mut Document) -> Result<(), StageError> {
        for stage in &self.stages {
            cancel::check()?;
            timing::time(stage.name(), || stage.process(doc))
                .map_err(|e| e.in_stage(stage.name()))?;
        }
        cancel::check()?;
        Ok(())
    }

    /// [`run`](Pipeline::run) with `token` as the current token
    /// ([`cancel::scope`]): stages that check it stop early, and the run
    /// returns [`StageError::Cancelled`] once it is cancelled.
    ///
    /// # Errors
    /// As [`run`](Pipeline::run).
    pub fn run_with(&self, doc: &mut Document, token: &Cancel) -> Result<(), StageError> {
        cancel::scope(token, || self.run(doc))
    }
}

#[cfg(test)]
mod tests {
    use unspin_document::Span;

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

    #[derive(Debug, thiserror::Error)]
    #[error("model file is damaged")]
    struct Damaged;

    /// Fails with its own error, or with a span error.
    struct Fails(bool);
    impl Stage for Fails {
        fn name(&self) -> &str {
            "fails"
        }
        fn assigns(&self) -> &[&str] {
            &["y"]
        }
        fn process(&self, _doc: &mut Document) -> Result<(), StageError> {
            if self.0 {
                return Err(StageError::new(self.name(), Damaged));
            }
            Span::new(2, 1, "reversed")?;
            Ok(())
        }
    }

    #[test]
    fn run_keeps_the_source_and_names_the_stage() {
        let mut doc = Document::new("d", "text");
        let pipe = Pipeline::new(vec![Box::new(Fails(true))], &[]).unwrap();
        let err = pipe.run(&mut doc).unwrap_err();
        assert_eq!(err.to_string(), "stage 'fails': model file is damaged");
        assert_eq!(err.stage(), Some("fails"));
        assert!(err.source().unwrap().downcast_ref::<Damaged>().is_some());

        // An error without a stage name gets the stage's, and stays the source.
        let pipe = Pipeline::new(vec![Box::new(Fails(false))], &[]).unwrap();
        let err = pipe.run(&mut doc).unwrap_err();
        assert_eq!(
            err.to_string(),
            "stage 'fails': stage produced an invalid span: span start 2 is after its end 1"
        );
        assert_eq!(err.stage(), Some("fails"));
        let inner = err.source().unwrap().downcast_ref::<StageError>().unwrap();
        assert!(matches!(inner, StageError::Span(_)));
        assert!(inner
            .source()
            .unwrap()
            .downcast_ref::<SpanError>()
            .is_some());
    }

    #[test]
    fn messages_convert_too() {
        let err = StageError::new("s", "no weights");
        assert_eq!(err.to_string(), "stage 's': no weights");
        assert_eq!(StageError::Other("x".into()).stage(), None);
    }

    /// Counts its runs and cancels `token` on the first.
    struct CancelsOnRun(Cancel, std::sync::atomic::AtomicUsize);
    impl Stage for CancelsOnRun {
        fn name(&self) -> &str {
            "cancels"
        }
        fn assigns(&self) -> &[&str] {
            &[]
        }
        fn process(&self, _doc: &mut Document) -> Result<(), StageError> {
            self.1.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            self.0.cancel();
            Ok(())
        }
    }

    #[test]
    fn a_cancelled_run_stops_between_stages() {
        use std::sync::atomic::{AtomicUsize, Ordering};
        use std::sync::Arc;
        let token = Cancel::new();
        // Two stages sharing one counter through an Arc'd stage would need
        // more plumbing: one stage cancelling, then a second that must not run.
        let first = Arc::new(CancelsOnRun(token.clone(), AtomicUsize::new(0)));
        struct Shared(Arc<CancelsOnRun>);
        impl Stage for Shared {
            fn name(&self) -> &str {
                "shared"
            }
            fn assigns(&self) -> &[&str] {
                &[]
            }
            fn process(&self, doc: &mut Document) -> Result<(), StageError> {
                self.0.process(doc)
            }
        }
        let pipe = Pipeline::new(
            vec![
                Box::new(Shared(first.clone())),
                Box::new(Shared(first.clone())),
            ],
            &[],
        )
        .unwrap();
        let mut doc = Document::new("d", "text");
        let err = pipe.run_with(&mut doc, &token).unwrap_err();
        assert!(err.is_cancelled());
        assert_eq!(err.to_string(), "the analysis was cancelled");
        assert_eq!(first.1.load(Ordering::Relaxed), 1, "the second stage ran");
        // Already cancelled: nothing runs; without a token, everything does.
        assert!(pipe.run_with(&mut doc, &token).unwrap_err().is_cancelled());
        assert_eq!(first.1.load(Ordering::Relaxed), 1);
        assert!(pipe.run(&mut doc).is_ok());
        assert_eq!(first.1.load(Ordering::Relaxed), 3);
        // A stage returning `Cancelled` itself is not wrapped as a failure.
        assert!(StageError::from(Cancelled).in_stage("x").is_cancelled());
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
