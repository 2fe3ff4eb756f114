//! The server's limits.

use std::time::Duration;

/// Default for [`Limits::max_body_bytes`]: 2 MiB, a few hundred pages of text.
pub const DEFAULT_MAX_BODY_BYTES: usize = 2 * 1024 * 1024;

/// Default for [`Limits::timeout`]: 30 seconds.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);

/// Default for [`Limits::max_concurrent`].
pub const DEFAULT_MAX_CONCURRENT: usize = 32;

/// What one server accepts and how much work it takes on at once.
///
/// Analysis is CPU-bound, so two numbers bound it: at most
/// [`workers`](Limits::workers) analyses *run* at once (one per core by
/// default), and at most [`max_concurrent`](Limits::max_concurrent) are
/// *admitted* (running, or waiting for a worker). A request beyond that gets
/// `503 overloaded` at once, so overload never turns into a growing queue or
/// into swapping.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Limits {
    /// Largest request body accepted, in bytes; a larger one gets `413`.
    pub max_body_bytes: usize,
    /// Longest a request to `POST /api/analyze` may take, from the start of
    /// reading its body to its response (waiting for a worker included);
    /// past it, `503 timeout`.
    pub timeout: Duration,
    /// Analyses admitted at once (running or waiting for a worker); at least 1.
    pub max_concurrent: usize,
    /// Analyses running at once, each on its own thread; at least 1.
    pub workers: usize,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            max_body_bytes: DEFAULT_MAX_BODY_BYTES,
            timeout: DEFAULT_TIMEOUT,
            max_concurrent: DEFAULT_MAX_CONCURRENT,
            workers: default_workers(),
        }
    }
}

/// The number of CPU cores this process may use (1 when unknown).
pub fn default_workers() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}
