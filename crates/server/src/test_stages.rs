//! Pipeline stages for the server's tests.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use unspin_document::{layers, Document};
use unspin_pipeline::{cancel, Stage, StageError};

/// Spins (checking the current token every millisecond) on the text "spin"
/// until cancelled or 60 s pass; any other text is done at once. Counts
/// the spins started and those that ended cancelled.
pub struct Spin {
    /// Spins started.
    pub started: Arc<AtomicUsize>,
    /// Spins that ended cancelled.
    pub cancelled: Arc<AtomicUsize>,
}

impl Stage for Spin {
    fn name(&self) -> &str {
        "spin"
    }
    fn assigns(&self) -> &[&str] {
        &[layers::TECHNIQUE]
    }
    fn process(&self, doc: &mut Document) -> Result<(), StageError> {
        if doc.text().trim() == "spin" {
            self.started.fetch_add(1, Ordering::SeqCst);
            let until = Instant::now() + Duration::from_secs(60);
            while Instant::now() < until {
                if let Err(e) = cancel::check() {
                    self.cancelled.fetch_add(1, Ordering::SeqCst);
                    return Err(e.into());
                }
                std::thread::sleep(Duration::from_millis(1));
            }
        }
        doc.set_layer(layers::TECHNIQUE, Vec::new())?;
        Ok(())
    }
}
