//! [`FetchOptions`]: who we say we are, how long we wait, how much we read.

use std::time::Duration;

use unspin_readers::DEFAULT_MAX_BYTES;

/// The User-Agent sent with every request unless
/// [`FetchOptions::user_agent`] says otherwise.
pub const DEFAULT_USER_AGENT: &str = concat!(
    "unspin/",
    env!("CARGO_PKG_VERSION"),
    " (+https://github.com/unspin/unspin)"
);

/// How pages are fetched. Build one with [`FetchOptions::default`] and set
/// the fields you need:
///
/// ```
/// use std::time::Duration;
/// let mut options = unspin_fetch::FetchOptions::default();
/// options.per_host_interval = Duration::from_secs(2);
/// assert!(options.respect_robots);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct FetchOptions {
    /// The `User-Agent` header. Its product token (the part before the
    /// first `/`, here `unspin`) is the name matched against robots.txt
    /// `User-agent` lines.
    pub user_agent: String,
    /// Longest wait for one request: connecting, the answer and reading the
    /// whole body.
    pub timeout: Duration,
    /// Longest wait for the connection (DNS, TCP and TLS).
    pub connect_timeout: Duration,
    /// Largest body to read, in bytes (after decompression). Reading stops
    /// at the limit and the fetch fails with
    /// [`FetchError::TooLarge`](crate::FetchError::TooLarge).
    pub max_bytes: u64,
    /// Most redirects followed for one page.
    pub max_redirects: usize,
    /// Retries after a transient failure (429, 502, 503, 504, a timeout or a
    /// failed connection); 0 tries once.
    pub retries: u32,
    /// Wait before the first retry; doubled for each further one, unless
    /// the server says how long to wait (`Retry-After`).
    pub backoff_base: Duration,
    /// Longest wait before a retry. A `Retry-After` longer than this is not
    /// waited for: the fetch fails with the server's status.
    pub max_retry_wait: Duration,
    /// Least time between the starts of two requests to one host (shared
    /// by every thread using the [`Fetcher`](crate::Fetcher)). A longer
    /// robots.txt `Crawl-delay` (up to `max_retry_wait`) wins.
    pub per_host_interval: Duration,
    /// Read each host's robots.txt (once) and refuse the URLs it disallows.
    pub respect_robots: bool,
}

impl Default for FetchOptions {
    /// [`DEFAULT_USER_AGENT`], a 30 s timeout (10 s to connect), the
    /// readers' [`DEFAULT_MAX_BYTES`], 10 redirects, 3 retries from 1 s
    /// (waits capped at 60 s), one request a second per host, robots.txt
    /// honoured.
    fn default() -> FetchOptions {
        FetchOptions {
            user_agent: DEFAULT_USER_AGENT.to_string(),
            timeout: Duration::from_secs(30),
            connect_timeout: Duration::from_secs(10),
            max_bytes: DEFAULT_MAX_BYTES,
            max_redirects: 10,
            retries: 3,
            backoff_base: Duration::from_secs(1),
            max_retry_wait: Duration::from_secs(60),
            per_host_interval: Duration::from_secs(1),
            respect_robots: true,
        }
    }
}

impl FetchOptions {
    /// The robots.txt name of this client: the User-Agent's product token
    /// (`unspin` for `unspin/0.1 (+https://…)`).
    pub fn robots_agent(&self) -> &str {
        let token = self
            .user_agent
            .split(['/', ' '])
            .next()
            .unwrap_or_default()
            .trim();
        if token.is_empty() {
            "unspin"
        } else {
            token
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn robots_agent_is_the_product_token() {
        let mut o = FetchOptions::default();
        assert!(o.user_agent.starts_with("unspin/"));
        assert_eq!(o.robots_agent(), "unspin");
        o.user_agent = "MyLab-Bot/2.0 (mailto:x@y.org)".into();
        assert_eq!(o.robots_agent(), "MyLab-Bot");
        o.user_agent = "  ".into();
        assert_eq!(o.robots_agent(), "unspin");
    }
}
