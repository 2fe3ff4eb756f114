//! Polite HTTP(S) fetching of article pages for unspin.
//!
//! [`Fetcher::fetch`] gets one page and returns a [`FetchedPage`]: the
//! body decoded to UTF-8, the final URL after redirects and the redirect
//! chain. [`FetchedPage::into_document`] reads it with `unspin-readers`
//! into a [`Document`](unspin_document::Document) whose `metadata.url` is
//! the final URL, exactly as a saved copy of the page would be read.
//!
//! # Manners
//!
//! - A clear `User-Agent` ([`DEFAULT_USER_AGENT`]); its product token
//!   (`unspin`) is the name looked up in robots.txt.
//! - robots.txt (RFC 9309) is read once per host (scheme, host and port)
//!   and honoured, unless [`FetchOptions::respect_robots`] is off: a
//!   disallowed URL is a [`FetchError::Disallowed`]; no robots.txt (4xx)
//!   allows everything; a robots.txt answering 5xx disallows everything;
//!   a `Crawl-delay` slows that host down.
//! - A per-host rate limit ([`FetchOptions::per_host_interval`], one
//!   request a second by default) shared by every thread using one
//!   fetcher; each redirect hop is a request to its own host.
//! - Timeouts, retries with exponential back-off on 429, 502, 503, 504,
//!   timeouts and failed connections (a `Retry-After` is obeyed, up to
//!   [`FetchOptions::max_retry_wait`]), a size limit at which reading stops.
//! - Only HTML and text are read ([`FetchError::NotText`] otherwise).
//! - Nothing is fetched but the URLs a caller passes (and their hosts'
//!   robots.txt).
//!
//! # Why reqwest
//!
//! `reqwest`'s blocking client (rustls with the webpki roots, gzip) runs on
//! hyper and tokio, which unspin already builds for its server, so it adds
//! little; it is the most used and best maintained Rust HTTP client.
//! Redirects are followed here, not by reqwest, so that every hop is
//! recorded, rate-limited and checked against its own host's robots.txt.
//! robots.txt is parsed and matched by `texting_robots` (Common Crawl's
//! parser, tested against Google's robots.txt test suite).
//!
//! ```no_run
//! use unspin_fetch::{FetchOptions, Fetcher};
//! use unspin_readers::{IngestOptions, InputFormat};
//!
//! let fetcher = Fetcher::new(FetchOptions::default())?;
//! let page = fetcher.fetch("https://example.org/2024/05/story.html")?;
//! let doc = page.into_document(InputFormat::Auto, &IngestOptions::default())?;
//! assert_eq!(doc.metadata.url.as_deref(), Some(page.final_url.as_str()));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
#![deny(missing_docs)]

mod error;
mod fetcher;
mod hosts;
mod options;
mod page;
mod robots;

pub use error::FetchError;
pub use fetcher::Fetcher;
pub use options::{FetchOptions, DEFAULT_USER_AGENT};
pub use page::FetchedPage;
