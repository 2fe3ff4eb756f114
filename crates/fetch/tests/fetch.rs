//! The fetcher against a local server on loopback: redirects, errors,
//! retries, timeouts, charsets, the size limit and robots.txt.

mod support;

use std::time::Duration;

use support::server::{Reply, Server};
use unspin_fetch::{FetchError, FetchOptions, Fetcher, DEFAULT_USER_AGENT};
use unspin_readers::{IngestOptions, InputFormat};

const ARTICLE: &str = "<!doctype html><html><head><title>Rain in Spain</title></head><body>\
    <nav><a href='/'>Home</a></nav><article><h1>Rain in Spain</h1>\
    <p>The rain in Spain, as <a href='/songs/1'>the song</a> says, falls mainly on the plain, \
    and the meteorologists of the country have long disagreed about it.</p></article></body></html>";

/// Options for tests: no waiting between requests, short timeouts, fast
/// back-off.
fn quick() -> FetchOptions {
    let mut o = FetchOptions::default();
    o.per_host_interval = Duration::ZERO;
    o.timeout = Duration::from_secs(5);
    o.connect_timeout = Duration::from_secs(2);
    o.backoff_base = Duration::from_millis(10);
    o.max_retry_wait = Duration::from_secs(2);
    o
}

fn fetcher(options: FetchOptions) -> Fetcher {
    Fetcher::new(options).expect("client")
}

fn not_found() -> Reply {
    Reply::new(404).body("not here")
}

#[test]
fn fetcher_is_shared_between_threads() {
    fn send_sync<T: Send + Sync>() {}
    send_sync::<Fetcher>();
}

#[test]
fn redirect_chain_is_recorded_and_final_url_kept() {
    let server = Server::start(|path, _| match path {
        "/a" => Reply::redirect(301, "/b"),
        "/b" => Reply::redirect(302, "c.html"),
        "/c.html" => Reply::html(ARTICLE),
        _ => not_found(),
    });
    let f = fetcher(quick());
    let page = f.fetch(&server.url("/a")).unwrap();
    assert_eq!(page.requested_url, server.url("/a"));
    assert_eq!(page.final_url, server.url("/c.html"));
    assert_eq!(page.redirects, vec![server.url("/a"), server.url("/b")]);
    assert_eq!(page.status, 200);
    assert!(page.body.contains("Rain in Spain"));
    let doc = page
        .into_document(InputFormat::Auto, &IngestOptions::default())
        .unwrap();
    assert_eq!(doc.id, "c");
    assert_eq!(doc.metadata.url.as_deref(), Some(page.final_url.as_str()));
    assert_eq!(doc.metadata.title.as_deref(), Some("Rain in Spain"));
    assert!(doc.text().contains("falls mainly on the plain"));
    // Relative links resolve against the final URL.
    let link = &doc.layer(unspin_document::layers::LINK)[0];
    assert_eq!(link.attrs["href"], server.url("/songs/1"));
    // Every request said who we are.
    let seen = server.seen();
    assert!(seen.iter().any(|s| s.path == "/robots.txt"));
    assert!(seen
        .iter()
        .all(|s| s.user_agent.as_deref() == Some(DEFAULT_USER_AGENT)));
}

#[test]
fn too_many_redirects() {
    let server = Server::start(|path, n| match path {
        "/loop" => Reply::redirect(302, &format!("/loop?{n}")),
        p if p.starts_with("/loop?") => Reply::redirect(302, "/loop"),
        _ => not_found(),
    });
    let mut o = quick();
    o.max_redirects = 3;
    let err = fetcher(o).fetch(&server.url("/loop")).unwrap_err();
    assert!(
        matches!(err, FetchError::TooManyRedirects { limit: 3, .. }),
        "{err}"
    );
    assert!(err.to_string().contains("too many redirects"), "{err}");
}

#[test]
fn not_found_is_an_error_and_the_next_url_still_works() {
    let server = Server::start(|path, _| match path {
        "/ok.html" => Reply::html(ARTICLE),
        _ => not_found(),
    });
    let f = fetcher(quick());
    let err = f.fetch(&server.url("/missing.html")).unwrap_err();
    assert!(
        matches!(err, FetchError::Status { status: 404, .. }),
        "{err:?}"
    );
    let message = err.to_string();
    assert!(message.contains("HTTP 404 Not Found"), "{message}");
    assert!(
        message.starts_with(&format!("\"{}\"", server.url("/missing.html"))),
        "{message}"
    );
    // A 404 is not retried.
    assert_eq!(server.count("/missing.html"), 1);
    assert!(f.fetch(&server.url("/ok.html")).is_ok());
}

#[test]
fn too_many_requests_with_retry_after_is_retried() {
    let server = Server::start(|path, n| match (path, n) {
        ("/busy", 0) => Reply::new(429).header("Retry-After", "1"),
        ("/busy", _) => Reply::html(ARTICLE),
        ("/unavailable", 0 | 1) => Reply::new(503),
        ("/unavailable", _) => Reply::html(ARTICLE),
        ("/later", _) => Reply::new(429).header("Retry-After", "3600"),
        _ => not_found(),
    });
    let f = fetcher(quick());
    let page = f.fetch(&server.url("/busy")).unwrap();
    assert!(page.body.contains("Rain in Spain"));
    assert_eq!(server.count("/busy"), 2);
    // No Retry-After: exponential back-off, twice.
    assert!(f.fetch(&server.url("/unavailable")).is_ok());
    assert_eq!(server.count("/unavailable"), 3);
    // A server that asks for an hour is not waited for.
    let err = f.fetch(&server.url("/later")).unwrap_err();
    assert!(
        matches!(err, FetchError::Status { status: 429, .. }),
        "{err:?}"
    );
    assert!(err.to_string().contains("retry after 3600 s"), "{err}");
    assert_eq!(server.count("/later"), 1);
}

#[test]
fn retries_run_out() {
    let server = Server::start(|path, _| match path {
        "/down" => Reply::new(503),
        _ => not_found(),
    });
    let mut o = quick();
    o.retries = 2;
    let err = fetcher(o).fetch(&server.url("/down")).unwrap_err();
    assert!(
        matches!(err, FetchError::Status { status: 503, .. }),
        "{err:?}"
    );
    assert!(err.to_string().contains("gave up after 2 retries"), "{err}");
    assert_eq!(server.count("/down"), 3);
}

#[test]
fn a_slow_answer_times_out() {
    let server = Server::start(|path, _| match path {
        "/slow" => {
            let mut r = Reply::html(ARTICLE);
            r.delay = Duration::from_secs(3);
            r
        }
        _ => not_found(),
    });
    let mut o = quick();
    o.timeout = Duration::from_millis(300);
    o.retries = 0;
    let err = fetcher(o).fetch(&server.url("/slow")).unwrap_err();
    assert!(matches!(err, FetchError::Timeout { .. }), "{err:?}");
    assert!(err.to_string().contains("timed out"), "{err}");
}

#[test]
fn a_refused_connection_is_reported() {
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let mut o = quick();
    o.retries = 0;
    let err = fetcher(o)
        .fetch(&format!("http://127.0.0.1:{port}/x"))
        .unwrap_err();
    assert!(matches!(err, FetchError::Connect { .. }), "{err:?}");
    // About the page, though it was its robots.txt that could not be read.
    let message = err.to_string();
    assert!(
        message.starts_with(&format!("\"http://127.0.0.1:{port}/x\": cannot connect")),
        "{message}"
    );
    assert!(!message.contains("client error"), "{message}");
}

#[test]
fn bad_urls_are_refused_before_any_request() {
    let f = fetcher(quick());
    assert!(matches!(
        f.fetch("ftp://127.0.0.1/x"),
        Err(FetchError::UnsupportedScheme { .. })
    ));
    assert!(matches!(
        f.fetch("http://"),
        Err(FetchError::InvalidUrl { .. })
    ));
}

#[test]
fn charsets_are_decoded() {
    // "Café crème à la française" in windows-1252 / ISO-8859-1 bytes.
    let latin1: &[u8] = b"Caf\xe9 cr\xe8me \xe0 la fran\xe7aise";
    let page_with = |head: &str, text: &[u8]| {
        let mut b =
            format!("<html><head>{head}<title>T</title></head><body><article><p>").into_bytes();
        b.extend_from_slice(text);
        b.extend_from_slice(b" is what the kitchen served on the morning of the long strike, said the cook.</p></article></body></html>");
        b
    };
    let http_latin1 = page_with("", latin1);
    let meta_latin1 = page_with("<meta charset=\"windows-1252\">", latin1);
    let stale_meta = page_with(
        "<meta http-equiv=\"Content-Type\" content=\"text/html; charset=iso-8859-1\">",
        "Café crème à la française".as_bytes(),
    );
    let server = Server::start(move |path, _| match path {
        "/http" => Reply::new(200)
            .header("Content-Type", "text/html; charset=ISO-8859-1")
            .body(http_latin1.clone()),
        "/meta" => Reply::new(200)
            .header("Content-Type", "text/html")
            .body(meta_latin1.clone()),
        "/stale" => Reply::new(200)
            .header("Content-Type", "text/html")
            .body(stale_meta.clone()),
        _ => not_found(),
    });
    let f = fetcher(quick());
    for path in ["/http", "/meta", "/stale"] {
        let page = f.fetch(&server.url(path)).unwrap();
        assert!(
            page.body.contains("Café crème à la française"),
            "{path}: {} {:?}",
            page.encoding,
            page.body
        );
        let doc = page
            .into_document(InputFormat::Auto, &IngestOptions::default())
            .unwrap();
        assert!(doc.text().contains("Café crème à la française"), "{path}");
    }
    assert_eq!(
        f.fetch(&server.url("/http")).unwrap().encoding,
        "windows-1252"
    );
    assert_eq!(f.fetch(&server.url("/stale")).unwrap().encoding, "UTF-8");
}

#[test]
fn pages_over_the_size_limit_are_refused() {
    let big = format!("<html><body><p>{}</p></body></html>", "word ".repeat(1000));
    let server = Server::start(move |path, _| match path {
        "/declared" => Reply::html(big.clone()),
        "/streamed" => {
            let mut r = Reply::html(big.clone());
            r.no_length = true;
            r
        }
        "/small" => Reply::html(ARTICLE),
        _ => not_found(),
    });
    let mut o = quick();
    o.max_bytes = 1000;
    let f = fetcher(o);
    let err = f.fetch(&server.url("/declared")).unwrap_err();
    assert!(
        matches!(err, FetchError::TooLarge { limit: 1000, declared: Some(n), .. } if n > 1000),
        "{err:?}"
    );
    assert!(
        err.to_string()
            .contains("over the size limit of 1000 bytes"),
        "{err}"
    );
    let err = f.fetch(&server.url("/streamed")).unwrap_err();
    assert!(
        matches!(
            err,
            FetchError::TooLarge {
                limit: 1000,
                declared: None,
                ..
            }
        ),
        "{err:?}"
    );
    assert!(f.fetch(&server.url("/small")).is_ok());
}

#[test]
fn other_content_types_are_refused() {
    let server = Server::start(|path, _| match path {
        "/logo.png" => Reply::new(200)
            .header("Content-Type", "image/png")
            .body(&b"\x89PNG\r\n\x1a\n"[..]),
        _ => not_found(),
    });
    let err = fetcher(quick())
        .fetch(&server.url("/logo.png"))
        .unwrap_err();
    assert!(matches!(err, FetchError::NotText { .. }), "{err:?}");
    assert!(err.to_string().contains("image/png"), "{err}");
}

#[test]
fn robots_txt_is_honoured_and_read_once() {
    let server = Server::start(|path, _| match path {
        "/robots.txt" => Reply::new(200).header("Content-Type", "text/plain").body(
            "User-agent: *\nDisallow: /\n\nUser-agent: unspin\nDisallow: /private/\nAllow: /\n",
        ),
        "/private/a.html" | "/public/a.html" | "/public/b.html" => Reply::html(ARTICLE),
        "/to-private" => Reply::redirect(302, "/private/a.html"),
        _ => not_found(),
    });
    let f = fetcher(quick());
    assert!(f.fetch(&server.url("/public/a.html")).is_ok());
    assert!(f.fetch(&server.url("/public/b.html")).is_ok());
    let err = f.fetch(&server.url("/private/a.html")).unwrap_err();
    assert!(matches!(err, FetchError::Disallowed { .. }), "{err:?}");
    let message = err.to_string();
    assert!(message.contains("disallowed by"), "{message}");
    assert!(message.contains(&server.url("/robots.txt")), "{message}");
    // A redirect into a disallowed path is refused too.
    assert!(matches!(
        f.fetch(&server.url("/to-private")),
        Err(FetchError::Disallowed { .. })
    ));
    assert_eq!(server.count("/private/a.html"), 0);
    assert_eq!(server.count("/robots.txt"), 1);

    // Another agent name falls under `*`: everything disallowed.
    let mut o = quick();
    o.user_agent = "OtherBot/1.0".into();
    assert!(matches!(
        fetcher(o).fetch(&server.url("/public/a.html")),
        Err(FetchError::Disallowed { .. })
    ));
    // Unless asked to ignore robots.txt.
    let mut o = quick();
    o.respect_robots = false;
    let before = server.count("/robots.txt");
    assert!(fetcher(o).fetch(&server.url("/private/a.html")).is_ok());
    assert_eq!(server.count("/robots.txt"), before);
}

#[test]
fn robots_txt_server_error_disallows_and_missing_allows() {
    let down = Server::start(|path, _| match path {
        "/robots.txt" => Reply::new(500),
        _ => Reply::html(ARTICLE),
    });
    let mut o = quick();
    o.retries = 0;
    let err = fetcher(o).fetch(&down.url("/a.html")).unwrap_err();
    assert!(matches!(err, FetchError::Disallowed { .. }), "{err:?}");
    assert!(err.to_string().contains("HTTP 500"), "{err}");
    assert_eq!(down.count("/a.html"), 0);

    let missing = Server::start(|path, _| match path {
        "/a.html" => Reply::html(ARTICLE),
        _ => not_found(),
    });
    assert!(fetcher(quick()).fetch(&missing.url("/a.html")).is_ok());
}
