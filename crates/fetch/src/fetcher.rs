//! [`Fetcher`]: one HTTP client, the per-host rate limit and robots.txt
//! cache, retries and redirects.

use std::fmt;
use std::io::Read;
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

use reqwest::blocking::{Client, Response};
use reqwest::header::{HeaderMap, CONTENT_TYPE, LOCATION, RETRY_AFTER};
use url::Url;

use crate::hosts::{Host, Hosts};
use crate::page::{charset_of, is_text_type, FetchedPage};
use crate::robots::{Robots, MAX_ROBOTS_BYTES};
use crate::{FetchError, FetchOptions};

/// Statuses worth retrying: the server is busy or a gateway failed.
const RETRY_STATUSES: [u16; 4] = [429, 502, 503, 504];

/// Most redirects followed for a robots.txt (RFC 9309 asks for at least 5).
const ROBOTS_REDIRECTS: usize = 5;

/// Fetches pages politely: a clear User-Agent, robots.txt, a per-host rate
/// limit, timeouts, retries with back-off, a size limit, redirects recorded.
///
/// A `Fetcher` is `Send + Sync`: share one (by reference or in an `Arc`)
/// between threads, so that they share its connection pool, its rate limit
/// and its robots.txt cache.
///
/// ```no_run
/// use unspin_fetch::{Fetcher, FetchOptions};
///
/// let fetcher = Fetcher::new(FetchOptions::default())?;
/// let page = fetcher.fetch("https://example.org/news/article.html")?;
/// println!("{} (after {} redirects)", page.final_url, page.redirects.len());
/// # Ok::<(), unspin_fetch::FetchError>(())
/// ```
pub struct Fetcher {
    client: Client,
    options: FetchOptions,
    hosts: Hosts,
}

impl fmt::Debug for Fetcher {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Fetcher")
            .field("options", &self.options)
            .finish_non_exhaustive()
    }
}

/// An answer and how many retries it took.
struct Answer {
    response: Response,
    retries: u32,
}

impl Fetcher {
    /// A fetcher with these options. Nothing is sent until
    /// [`Fetcher::fetch`] is called.
    ///
    /// # Errors
    /// [`FetchError::Client`] when the HTTP client cannot be built (an
    /// invalid User-Agent, a TLS backend failure).
    pub fn new(options: FetchOptions) -> Result<Fetcher, FetchError> {
        let client = Client::builder()
            .user_agent(options.user_agent.as_str())
            .timeout(options.timeout)
            .connect_timeout(options.connect_timeout)
            .redirect(reqwest::redirect::Policy::none())
            .gzip(true)
            .build()
            .map_err(|e| FetchError::Client { reason: chain(&e) })?;
        Ok(Fetcher {
            client,
            options,
            hosts: Hosts::default(),
        })
    }

    /// The options this fetcher was built with.
    pub fn options(&self) -> &FetchOptions {
        &self.options
    }

    /// Fetches `url`, following redirects (each hop checked against its
    /// host's robots.txt and rate limit), and decodes the body to UTF-8.
    ///
    /// # Errors
    /// Every [`FetchError`] but [`FetchError::Client`]: an invalid URL or
    /// scheme, a connection failure or timeout (after the retries), an
    /// error status, a body over [`FetchOptions::max_bytes`], too many or
    /// broken redirects, a URL robots.txt disallows, a content type that
    /// is not HTML or text.
    pub fn fetch(&self, url: &str) -> Result<FetchedPage, FetchError> {
        let requested = parse_url(url)?;
        let mut current = requested.clone();
        current.set_fragment(None);
        let mut redirects = Vec::new();
        loop {
            if self.options.respect_robots {
                self.check_robots(&current)?;
            }
            let Answer { response, retries } = self.send(&current)?;
            let status = response.status();
            if status.is_redirection() && status.as_u16() != 304 {
                let next = redirect_target(&current, status.as_u16(), response.headers())?;
                redirects.push(current.to_string());
                if redirects.len() > self.options.max_redirects {
                    return Err(FetchError::TooManyRedirects {
                        url: url.to_string(),
                        limit: self.options.max_redirects,
                        last: next.to_string(),
                    });
                }
                current = next;
                continue;
            }
            if !status.is_success() {
                return Err(status_error(&current, &response, retries));
            }
            let content_type = response
                .headers()
                .get(CONTENT_TYPE)
                .and_then(|v| v.to_str().ok())
                .map(str::to_string);
            if let Some(ct) = content_type.as_deref().filter(|ct| !is_text_type(ct)) {
                return Err(FetchError::NotText {
                    url: current.to_string(),
                    content_type: ct.to_string(),
                });
            }
            let bytes = self.read_body(&current, response, self.options.max_bytes, true)?;
            let charset = content_type.as_deref().and_then(charset_of);
            let decoded = unspin_readers::decode_html(&bytes, charset);
            return Ok(FetchedPage {
                requested_url: url.to_string(),
                final_url: current.to_string(),
                redirects,
                status: status.as_u16(),
                content_type,
                encoding: decoded.encoding,
                body: decoded.text,
                fetched_at: SystemTime::now(),
            });
        }
    }

    /// Sends one GET after waiting for the host's turn, retrying transient
    /// failures with back-off (or the server's `Retry-After`).
    fn send(&self, url: &Url) -> Result<Answer, FetchError> {
        let host = self.hosts.get(url);
        let mut retries = 0;
        loop {
            host.wait_turn(self.options.per_host_interval);
            let wait = match self.client.get(url.as_str()).send() {
                Ok(response) => {
                    let status = response.status().as_u16();
                    if !RETRY_STATUSES.contains(&status) || retries >= self.options.retries {
                        return Ok(Answer { response, retries });
                    }
                    match retry_after(response.headers()) {
                        // The server asks for more patience than we have.
                        Some(d) if d > self.options.max_retry_wait => {
                            return Ok(Answer { response, retries })
                        }
                        Some(d) => d,
                        None => self.backoff(retries),
                    }
                }
                Err(e) => {
                    let err = self.request_error(url, &e);
                    if !err.is_transient() || retries >= self.options.retries {
                        return Err(err);
                    }
                    self.backoff(retries)
                }
            };
            retries += 1;
            std::thread::sleep(wait);
        }
    }

    /// The wait before retry number `retries + 1`: the base, doubled per
    /// retry, capped.
    fn backoff(&self, retries: u32) -> Duration {
        let factor = 1u32.checked_shl(retries.min(16)).unwrap_or(u32::MAX);
        self.options
            .backoff_base
            .saturating_mul(factor)
            .min(self.options.max_retry_wait)
    }

    /// Reads a body up to `limit` bytes: past it, an error (`strict`) or
    /// the first `limit` bytes.
    fn read_body(
        &self,
        url: &Url,
        mut response: Response,
        limit: u64,
        strict: bool,
    ) -> Result<Vec<u8>, FetchError> {
        let too_large = |declared| FetchError::TooLarge {
            url: url.to_string(),
            limit,
            declared,
        };
        let declared = response.content_length();
        if strict {
            if let Some(size) = declared.filter(|&s| s > limit) {
                return Err(too_large(Some(size)));
            }
        }
        let started = Instant::now();
        let mut bytes = Vec::new();
        let mut chunk = vec![0u8; 64 * 1024];
        loop {
            let n = match response.read(&mut chunk) {
                Ok(0) => break,
                Ok(n) => n,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(self.body_error(url, &e)),
            };
            let room =
                usize::try_from(limit.saturating_sub(bytes.len() as u64)).unwrap_or(usize::MAX);
            if n > room {
                if strict {
                    return Err(too_large(declared));
                }
                bytes.extend_from_slice(chunk.get(..room).unwrap_or_default());
                break;
            }
            bytes.extend_from_slice(chunk.get(..n).unwrap_or_default());
            if started.elapsed() > self.options.timeout {
                return Err(FetchError::Timeout {
                    url: url.to_string(),
                    after: self.options.timeout,
                });
            }
        }
        Ok(bytes)
    }

    /// Refuses `url` when its host's robots.txt disallows it (reading the
    /// robots.txt first, once per host).
    fn check_robots(&self, url: &Url) -> Result<(), FetchError> {
        let host = self.hosts.get(url);
        // A host that cannot be reached for its robots.txt cannot be reached
        // for the page either: say so about the page.
        let robots = self.robots(url, &host).map_err(|e| match e {
            FetchError::Connect { reason, .. } => FetchError::Connect {
                url: url.to_string(),
                reason,
            },
            FetchError::Timeout { after, .. } => FetchError::Timeout {
                url: url.to_string(),
                after,
            },
            other => other,
        })?;
        robots
            .check(url.as_str())
            .map_err(|reason| FetchError::Disallowed {
                url: url.to_string(),
                robots_url: robots_url(url).to_string(),
                agent: self.options.robots_agent().to_string(),
                reason,
            })
    }

    /// The host's robots.txt rules, fetched on first use. A connection
    /// failure is returned (and not cached, so a later URL tries again).
    fn robots(&self, url: &Url, host: &Host) -> Result<Arc<Robots>, FetchError> {
        let mut slot = host
            .robots
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if let Some(robots) = slot.as_ref() {
            return Ok(Arc::clone(robots));
        }
        let robots = Arc::new(self.read_robots(url)?);
        if let Some(secs) = robots.crawl_delay().filter(|s| s.is_finite() && *s > 0.0) {
            let delay = Duration::from_secs_f32(secs.min(3600.0)).min(self.options.max_retry_wait);
            host.set_crawl_delay(delay);
        }
        *slot = Some(Arc::clone(&robots));
        Ok(robots)
    }

    fn read_robots(&self, url: &Url) -> Result<Robots, FetchError> {
        let mut current = robots_url(url);
        for _ in 0..=ROBOTS_REDIRECTS {
            let Answer { response, .. } = self.send(&current)?;
            let status = response.status().as_u16();
            match status {
                200..=299 => {
                    let body = self.read_body(&current, response, MAX_ROBOTS_BYTES, false)?;
                    return Ok(Robots::parse(self.options.robots_agent(), &body));
                }
                300..=399 if status != 304 => {
                    match redirect_target(&current, status, response.headers()) {
                        Ok(next) => current = next,
                        Err(_) => return Ok(Robots::AllowAll),
                    }
                }
                500..=599 => {
                    return Ok(Robots::DisallowAll {
                        reason: format!(
                            "robots.txt answered HTTP {status}; RFC 9309 reads a server error as \
                             \"everything disallowed\""
                        ),
                    })
                }
                // 4xx: no robots.txt, everything allowed.
                _ => return Ok(Robots::AllowAll),
            }
        }
        // Too many redirects: treated as unavailable (RFC 9309).
        Ok(Robots::AllowAll)
    }

    fn request_error(&self, url: &Url, e: &reqwest::Error) -> FetchError {
        if e.is_timeout() {
            FetchError::Timeout {
                url: url.to_string(),
                after: self.options.timeout,
            }
        } else if e.is_connect() {
            FetchError::Connect {
                url: url.to_string(),
                reason: chain(e),
            }
        } else {
            FetchError::Http {
                url: url.to_string(),
                reason: chain(e),
            }
        }
    }

    fn body_error(&self, url: &Url, e: &std::io::Error) -> FetchError {
        let timed_out = e.kind() == std::io::ErrorKind::TimedOut
            || e.get_ref()
                .and_then(|inner| inner.downcast_ref::<reqwest::Error>())
                .is_some_and(reqwest::Error::is_timeout);
        if timed_out {
            FetchError::Timeout {
                url: url.to_string(),
                after: self.options.timeout,
            }
        } else {
            FetchError::Http {
                url: url.to_string(),
                reason: format!("reading the answer failed ({})", chain(e)),
            }
        }
    }
}

/// Parses a URL given by the user: http or https, with a host.
fn parse_url(url: &str) -> Result<Url, FetchError> {
    let parsed = Url::parse(url.trim()).map_err(|e| FetchError::InvalidUrl {
        url: url.to_string(),
        reason: e.to_string(),
    })?;
    if !matches!(parsed.scheme(), "http" | "https") {
        return Err(FetchError::UnsupportedScheme {
            url: url.to_string(),
            scheme: parsed.scheme().to_string(),
        });
    }
    if parsed.host_str().is_none_or(str::is_empty) {
        return Err(FetchError::InvalidUrl {
            url: url.to_string(),
            reason: "no host".to_string(),
        });
    }
    Ok(parsed)
}

/// `scheme://host:port/robots.txt` for `url`.
fn robots_url(url: &Url) -> Url {
    let mut robots = url.clone();
    robots.set_path("/robots.txt");
    robots.set_query(None);
    robots.set_fragment(None);
    let _ = robots.set_username("");
    let _ = robots.set_password(None);
    robots
}

/// Where a redirect points, resolved against the URL that answered.
fn redirect_target(current: &Url, status: u16, headers: &HeaderMap) -> Result<Url, FetchError> {
    let bad = |reason: String| FetchError::BadRedirect {
        url: current.to_string(),
        status,
        reason,
    };
    let location = headers
        .get(LOCATION)
        .ok_or_else(|| bad("has no Location header".to_string()))?;
    let location = location
        .to_str()
        .map_err(|_| bad("has a Location that is not ASCII".to_string()))?;
    let mut next = current
        .join(location)
        .map_err(|e| bad(format!("to an invalid URL \"{location}\" ({e})")))?;
    if !matches!(next.scheme(), "http" | "https") {
        return Err(bad(format!("to an unsupported scheme \"{location}\"")));
    }
    next.set_fragment(None);
    Ok(next)
}

/// The error for a final non-2xx answer.
fn status_error(url: &Url, response: &Response, retries: u32) -> FetchError {
    let status = response.status();
    let mut reason = status.canonical_reason().unwrap_or_default().to_string();
    if retries > 0 {
        reason.push_str(&format!(
            " (gave up after {retries} {})",
            if retries == 1 { "retry" } else { "retries" }
        ));
    } else if let Some(wait) = retry_after(response.headers()) {
        if RETRY_STATUSES.contains(&status.as_u16()) {
            reason.push_str(&format!(
                " (the server asks to retry after {} s, longer than we wait)",
                wait.as_secs()
            ));
        }
    }
    FetchError::Status {
        url: url.to_string(),
        status: status.as_u16(),
        reason: reason.trim().to_string(),
    }
}

/// `Retry-After` as a wait: seconds, or an HTTP date.
fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    let value = headers.get(RETRY_AFTER)?.to_str().ok()?.trim();
    if let Ok(secs) = value.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    let when = httpdate::parse_http_date(value).ok()?;
    Some(
        when.duration_since(SystemTime::now())
            .unwrap_or(Duration::ZERO),
    )
}

/// An error and its sources, `a: b: c`, without repeats.
fn chain(e: &(dyn std::error::Error + 'static)) -> String {
    let mut parts: Vec<String> = Vec::new();
    let mut cur: Option<&(dyn std::error::Error + 'static)> = Some(e);
    while let Some(err) = cur {
        let text = err.to_string();
        if !parts.iter().any(|p| p.contains(&text)) {
            parts.push(text);
        }
        cur = err.source();
    }
    // reqwest's own top line ("error sending request for url (…)") says
    // little once the cause is known.
    if parts.len() > 1 && parts[0].starts_with("error sending request") {
        parts.remove(0);
    }
    // hyper-util's "client error (Connect)" only repeats the kind.
    if parts.len() > 1 {
        parts.retain(|p| !p.starts_with("client error ("));
    }
    parts.join(": ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_are_checked() {
        assert!(matches!(
            parse_url("ftp://a.org/x"),
            Err(FetchError::UnsupportedScheme { .. })
        ));
        assert!(matches!(
            parse_url("http//a.org"),
            Err(FetchError::InvalidUrl { .. })
        ));
        assert!(parse_url("https://a.org/x#y").is_ok());
        let r = robots_url(&Url::parse("https://u:p@a.org:8443/x/y?q=1#f").unwrap());
        assert_eq!(r.as_str(), "https://a.org:8443/robots.txt");
    }

    #[test]
    fn retry_after_seconds_and_dates() {
        let mut h = HeaderMap::new();
        h.insert(RETRY_AFTER, "7".parse().unwrap());
        assert_eq!(retry_after(&h), Some(Duration::from_secs(7)));
        h.insert(
            RETRY_AFTER,
            "Wed, 21 Oct 2015 07:28:00 GMT".parse().unwrap(),
        );
        assert_eq!(retry_after(&h), Some(Duration::ZERO));
        h.insert(RETRY_AFTER, "soon".parse().unwrap());
        assert_eq!(retry_after(&h), None);
    }

    #[test]
    fn relative_redirects_resolve() {
        let cur = Url::parse("http://a.org/x/y").unwrap();
        let mut h = HeaderMap::new();
        h.insert(LOCATION, "../z#frag".parse().unwrap());
        assert_eq!(
            redirect_target(&cur, 301, &h).unwrap().as_str(),
            "http://a.org/z"
        );
        h.insert(LOCATION, "mailto:x@y".parse().unwrap());
        assert!(redirect_target(&cur, 302, &h).is_err());
        assert!(redirect_target(&cur, 302, &HeaderMap::new()).is_err());
    }
}
