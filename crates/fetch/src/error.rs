//! [`FetchError`]: why a URL could not be fetched.

use std::time::Duration;

/// Why a URL could not be fetched. Every message starts with the URL it is
/// about, quoted (for a redirect, the URL of the hop that failed).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum FetchError {
    /// Not a URL at all.
    #[error("\"{url}\": not a valid URL ({reason})")]
    InvalidUrl {
        /// The text given.
        url: String,
        /// What is wrong with it.
        reason: String,
    },
    /// A URL whose scheme is not `http` or `https` (e.g. `ftp:`, `file:`).
    #[error("\"{url}\": unsupported scheme \"{scheme}\" (only http and https URLs are fetched)")]
    UnsupportedScheme {
        /// The URL.
        url: String,
        /// Its scheme.
        scheme: String,
    },
    /// The host could not be reached: DNS failure, connection refused or
    /// reset, TLS failure.
    #[error("\"{url}\": cannot connect ({reason})")]
    Connect {
        /// The URL.
        url: String,
        /// The underlying error.
        reason: String,
    },
    /// No complete answer within [`FetchOptions::timeout`](crate::FetchOptions::timeout).
    #[error("\"{url}\": timed out (no complete answer within {:.1} s)", .after.as_secs_f64())]
    Timeout {
        /// The URL.
        url: String,
        /// The timeout that ran out.
        after: Duration,
    },
    /// The server answered with an error status (after any retries).
    #[error("\"{url}\": HTTP {status}{}{}", if .reason.is_empty() { "" } else { " " }, .reason)]
    Status {
        /// The URL.
        url: String,
        /// The status code, e.g. 404.
        status: u16,
        /// The status's reason phrase, and what was tried (e.g. `Not Found`,
        /// `Too Many Requests (gave up after 3 retries)`).
        reason: String,
    },
    /// The body is larger than [`FetchOptions::max_bytes`](crate::FetchOptions::max_bytes);
    /// reading stopped at the limit.
    #[error("\"{url}\": the page is over the size limit of {limit} bytes{}", .declared.map(|d| format!(" (Content-Length: {d})")).unwrap_or_default())]
    TooLarge {
        /// The URL.
        url: String,
        /// The limit in bytes.
        limit: u64,
        /// The size the server declared, when it did.
        declared: Option<u64>,
    },
    /// More redirects than [`FetchOptions::max_redirects`](crate::FetchOptions::max_redirects).
    #[error("\"{url}\": too many redirects (more than {limit}; last to \"{last}\")")]
    TooManyRedirects {
        /// The URL first asked for.
        url: String,
        /// The limit.
        limit: usize,
        /// Where the last redirect pointed.
        last: String,
    },
    /// A redirect without a usable `Location`.
    #[error("\"{url}\": HTTP {status} redirect {reason}")]
    BadRedirect {
        /// The URL that answered with the redirect.
        url: String,
        /// The redirect status.
        status: u16,
        /// What is wrong (no Location, an invalid one, an unsupported scheme).
        reason: String,
    },
    /// The host's robots.txt does not allow this client to fetch the URL.
    #[error("\"{url}\": disallowed by {robots_url} for user agent \"{agent}\"{}", if .reason.is_empty() { String::new() } else { format!(" ({})", .reason) })]
    Disallowed {
        /// The URL.
        url: String,
        /// The robots.txt that was read.
        robots_url: String,
        /// The name matched against its `User-agent` lines.
        agent: String,
        /// Why, when it was not a `Disallow` rule (e.g. robots.txt answered
        /// with a server error, which RFC 9309 reads as "disallow all").
        reason: String,
    },
    /// The answer is not HTML or text (an image, a PDF, …).
    #[error("\"{url}\": content type \"{content_type}\" is not HTML or text")]
    NotText {
        /// The URL.
        url: String,
        /// The `Content-Type` the server sent.
        content_type: String,
    },
    /// Any other failure while sending the request or reading the answer.
    #[error("\"{url}\": {reason}")]
    Http {
        /// The URL.
        url: String,
        /// What went wrong.
        reason: String,
    },
    /// The HTTP client could not be set up (e.g. the TLS backend).
    #[error("cannot set up the HTTP client: {reason}")]
    Client {
        /// What went wrong.
        reason: String,
    },
}

impl FetchError {
    /// The URL the error is about (`None` for [`FetchError::Client`]).
    pub fn url(&self) -> Option<&str> {
        match self {
            FetchError::InvalidUrl { url, .. }
            | FetchError::UnsupportedScheme { url, .. }
            | FetchError::Connect { url, .. }
            | FetchError::Timeout { url, .. }
            | FetchError::Status { url, .. }
            | FetchError::TooLarge { url, .. }
            | FetchError::TooManyRedirects { url, .. }
            | FetchError::BadRedirect { url, .. }
            | FetchError::Disallowed { url, .. }
            | FetchError::NotText { url, .. }
            | FetchError::Http { url, .. } => Some(url),
            FetchError::Client { .. } => None,
        }
    }

    /// True for failures that may go away when tried again later
    /// (timeouts, connection failures, 429 and 5xx statuses).
    pub fn is_transient(&self) -> bool {
        match self {
            FetchError::Timeout { .. } | FetchError::Connect { .. } => true,
            FetchError::Status { status, .. } => *status == 429 || *status >= 500,
            _ => false,
        }
    }
}
