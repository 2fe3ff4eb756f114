//! What the fetcher keeps per host (scheme, host and port): when the next
//! request may start, and the host's robots.txt rules.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use url::Url;

use crate::robots::Robots;

/// Per-host state, shared by every thread using one fetcher.
#[derive(Debug, Default)]
pub(crate) struct Hosts {
    map: Mutex<HashMap<String, Arc<Host>>>,
}

impl Hosts {
    /// The state of `url`'s host, created on first use.
    pub(crate) fn get(&self, url: &Url) -> Arc<Host> {
        let key = host_key(url);
        let mut map = self.map.lock().unwrap_or_else(PoisonError::into_inner);
        Arc::clone(map.entry(key).or_default())
    }
}

/// `scheme://host:port`, the unit of rate limiting and of robots.txt.
pub(crate) fn host_key(url: &Url) -> String {
    format!(
        "{}://{}:{}",
        url.scheme(),
        url.host_str().unwrap_or_default(),
        url.port_or_known_default().unwrap_or_default()
    )
}

/// One host.
#[derive(Debug, Default)]
pub(crate) struct Host {
    /// When the next request may start (`None`: now).
    next: Mutex<Option<Instant>>,
    /// Its robots.txt, once read; the lock is held while it is fetched, so
    /// it is fetched once even when many threads ask at the same time.
    pub(crate) robots: Mutex<Option<Arc<Robots>>>,
    /// The robots.txt `Crawl-delay`, in milliseconds (0: none).
    crawl_delay_ms: std::sync::atomic::AtomicU64,
}

impl Host {
    /// Waits for this host's next free slot and takes it: requests to one
    /// host start at least `interval` (or the robots.txt crawl delay, when
    /// longer) apart, whichever thread sends them.
    pub(crate) fn wait_turn(&self, interval: Duration) {
        let delay = Duration::from_millis(
            self.crawl_delay_ms
                .load(std::sync::atomic::Ordering::Relaxed),
        );
        let interval = interval.max(delay);
        let start = self.reserve(Instant::now(), interval);
        let now = Instant::now();
        if start > now {
            std::thread::sleep(start - now);
        }
    }

    /// Takes the first slot at or after `now` and returns its start; the
    /// next slot starts `interval` later.
    fn reserve(&self, now: Instant, interval: Duration) -> Instant {
        let mut next = self.next.lock().unwrap_or_else(PoisonError::into_inner);
        let start = match *next {
            Some(t) if t > now => t,
            _ => now,
        };
        *next = Some(start + interval);
        start
    }

    /// Records the robots.txt crawl delay.
    pub(crate) fn set_crawl_delay(&self, delay: Duration) {
        let ms = u64::try_from(delay.as_millis()).unwrap_or(u64::MAX);
        self.crawl_delay_ms
            .store(ms, std::sync::atomic::Ordering::Relaxed);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_key_per_origin() {
        let k = |s: &str| host_key(&Url::parse(s).unwrap());
        assert_eq!(k("https://a.org/x"), k("https://a.org:443/y?z"));
        assert_ne!(k("http://a.org/"), k("https://a.org/"));
        assert_ne!(k("http://127.0.0.1:8080/"), k("http://127.0.0.1:8081/"));
    }

    #[test]
    fn slots_are_spaced() {
        let host = Host::default();
        let t0 = Instant::now();
        let gap = Duration::from_millis(500);
        assert_eq!(host.reserve(t0, gap), t0);
        assert_eq!(host.reserve(t0, gap), t0 + gap);
        assert_eq!(host.reserve(t0 + gap / 2, gap), t0 + gap * 2);
        // After a quiet spell, the next request starts at once.
        let later = t0 + gap * 10;
        assert_eq!(host.reserve(later, gap), later);
    }
}
