//! The loop `analyze` and `corpus add` share: read every input in order,
//! process the documents on all cores, and hand the results back in input
//! order on the calling thread, never reading more than a window ahead.

use std::collections::BTreeMap;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;
use std::time::Duration;

use anyhow::anyhow;
use rayon::prelude::*;
use unspin_document::Document;
use unspin_readers::InputFormat;

use super::ingest::{self, InputError, Item, Opened, Source, SourceOptions, Window};

/// What to read.
pub struct Inputs<'a> {
    /// The sources, in order.
    pub sources: &'a [Source],
    /// The first source, when the caller opened it already.
    pub first: Option<Result<Opened, InputError>>,
    /// `--input`.
    pub format: InputFormat,
    /// How to read (and fetch).
    pub options: &'a SourceOptions,
}

/// A document read from an input, as a worker gets it.
pub struct Read {
    /// The input it came from (path, URL or `<stdin>`).
    pub origin: String,
    /// A unique base name for an output file.
    pub out_stem: String,
    /// The format the input was read as.
    pub format: Option<InputFormat>,
    /// The document.
    pub doc: Document,
}

impl Read {
    /// Where the document came from, precisely: the input, and for inputs
    /// that hold several documents (WARC, JSON Lines) `#` and its id.
    pub fn source(&self) -> String {
        match self.format {
            Some(f) if f.is_multi() => format!("{}#{}", self.origin, self.doc.id),
            _ => self.origin.clone(),
        }
    }
}

/// Reads `inputs`, runs `work` on each document on all cores (a panic in
/// `work` becomes an error for that document), and calls `consume` with
/// each input's origin and result in input order. `consume` is also called
/// with `None` at least every 250 ms (for time-based work such as commits).
/// An error from `consume` stops everything and is returned. Returns the
/// number of results consumed.
pub fn run_in_order<R: Send>(
    inputs: Inputs<'_>,
    work: impl Fn(Read) -> anyhow::Result<R> + Sync,
    mut consume: impl FnMut(Option<(String, anyhow::Result<R>)>) -> anyhow::Result<()>,
) -> anyhow::Result<usize> {
    let threads = rayon::current_num_threads().max(1);
    let stop = AtomicBool::new(false);
    let window = Window::new(64 * threads);
    let (item_tx, item_rx) = mpsc::sync_channel::<Item>(4 * threads);
    let (tx, rx) = mpsc::channel::<(usize, String, anyhow::Result<R>)>();
    std::thread::scope(|scope| {
        let (stop, window, work) = (&stop, &window, &work);
        let Inputs {
            sources,
            first,
            format,
            options,
        } = inputs;
        scope.spawn(move || {
            ingest::produce(sources, first, format, options, window, stop, |item| {
                item_tx.send(item).is_ok()
            });
        });
        scope.spawn(move || {
            item_rx.into_iter().par_bridge().for_each_with(tx, |tx, item| {
                if stop.load(Ordering::Relaxed) {
                    return;
                }
                let Item {
                    seq,
                    origin,
                    out_stem,
                    format,
                    doc,
                } = item;
                let result = match doc {
                    Err(e) => Err(anyhow::Error::new(e)),
                    Ok(doc) => {
                        let read = Read {
                            origin: origin.clone(),
                            out_stem,
                            format,
                            doc,
                        };
                        catch_unwind(AssertUnwindSafe(|| work(read))).unwrap_or_else(|_| {
                            Err(anyhow!(
                                "internal error while analysing this document (a bug: please report it)"
                            ))
                        })
                    }
                };
                let _ = tx.send((seq, origin, result));
            });
        });
        // Results arrive in any order; hand them on in input order.
        let mut pending = BTreeMap::new();
        let mut next = 0;
        let fail = |e| {
            stop.store(true, Ordering::Relaxed);
            Err(e)
        };
        loop {
            let received = rx.recv_timeout(Duration::from_millis(250));
            let disconnected = matches!(received, Err(mpsc::RecvTimeoutError::Disconnected));
            if let Ok((i, origin, result)) = received {
                pending.insert(i, (origin, result));
            }
            while let Some(done) = pending.remove(&next) {
                next += 1;
                window.advance(next);
                if let Err(e) = consume(Some(done)) {
                    return fail(e);
                }
            }
            if let Err(e) = consume(None) {
                return fail(e);
            }
            if disconnected {
                return Ok(next);
            }
        }
    })
}
