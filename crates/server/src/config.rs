//! The server's limits.

use std::time::Duration;

/// Default for [`Limits::max_body_bytes`]: 2 MiB, a few hundred pages of text.
pub const DEFAULT_MAX_BODY_BYTES: usize = 2 * 1024 * 1024;

/// Default for [`Limits::timeout`]: 30 seconds.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);

/// Default for [`Limits::max_concurrent`].
pub const DEFAULT_MAX_CONCURRENT: usize = 32;

/// Default for [`Limits::max_per_client`].
pub const DEFAULT_MAX_PER_CLIENT: usize = 8;

/// What one server accepts and how much work it takes on at once.
///
/// Analysis is CPU-bound, so two numbers bound it: at most
/// [`workers`](Limits::workers) analyses *run* at once (one per core by
/// default), and at most [`max_concurrent`](Limits::max_concurrent) are
/// *admitted* (reading its body, waiting for a worker, or running), at most
/// [`max_per_client`](Limits::max_per_client) of them from one client (one
/// IP address). A request beyond that gets `503 overloaded` (or `429
/// too_many_requests`) at once, with `Retry-After`, so overload never turns
/// into a growing queue or into swapping, and one client cannot take every
/// place. Each tier served has its own queue and its own `workers`; clients
/// take turns in each queue.
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
    /// Analyses admitted at once from one client (IP address); at least 1,
    /// at most `max_concurrent`.
    pub max_per_client: usize,
    /// Analyses of each tier running at once, each on its own thread; at least 1.
    pub workers: usize,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            max_body_bytes: DEFAULT_MAX_BODY_BYTES,
            timeout: DEFAULT_TIMEOUT,
            max_concurrent: DEFAULT_MAX_CONCURRENT,
            max_per_client: DEFAULT_MAX_PER_CLIENT,
            workers: default_workers(),
        }
    }
}

/// The number of CPU cores this process may use (1 when unknown).
pub fn default_workers() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}
