//! The `http` target: one request to the router of `unspin serve`, sent
//! in-process, and the checks on its response (the `http` feature).

use std::sync::OnceLock;

/// The server the `http` target sends its requests to, built once: the fast
/// tier with small limits, and the current-thread runtime that drives it.
struct Server {
    runtime: tokio::runtime::Runtime,
    router: axum::Router,
    max_body_bytes: usize,
}

/// The body limit of the `http` target's server (small, so that `413` runs).
const HTTP_MAX_BODY: usize = 16 * 1024;

fn server() -> &'static Server {
    static SERVER: OnceLock<Server> = OnceLock::new();
    SERVER.get_or_init(|| {
        let limits = unspin_server::Limits {
            max_body_bytes: HTTP_MAX_BODY,
            // 16 KiB take well under a second: only a pathologically slow
            // analysis answers `503 timeout` (libFuzzer's stats give the
            // slowest input's time).
            timeout: std::time::Duration::from_secs(30),
            // Requests come one at a time: `503 overloaded` only follows a
            // timed-out analysis that still holds its permit.
            max_concurrent: 2,
            workers: 1,
        };
        let app = unspin_server::App::fast(limits).expect("the embedded fast tier loads");
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("a tokio runtime");
        Server {
            router: app.router(),
            max_body_bytes: app.limits().max_body_bytes,
            runtime,
        }
    })
}

/// A request taken from the fuzzer's bytes: method, target (path and
/// query), headers and body, not yet checked by `http`.
struct RawRequest<'a> {
    method: &'a [u8],
    target: &'a [u8],
    headers: Vec<(&'a [u8], &'a [u8])>,
    body: &'a [u8],
}

/// The `http` target's framing: bytes that parse as an HTTP/1.1 request head
/// (`httparse`) are that request, its body the bytes after the head (cut at
/// `Content-Length` when it says less); any other bytes are the JSON body of
/// `POST /api/analyze` with `Content-Type: application/json`.
fn frame(data: &[u8]) -> RawRequest<'_> {
    let mut headers = [httparse::EMPTY_HEADER; 32];
    let mut request = httparse::Request::new(&mut headers);
    if let Ok(httparse::Status::Complete(head)) = request.parse(data) {
        if let (Some(method), Some(target)) = (request.method, request.path) {
            let headers: Vec<(&[u8], &[u8])> = request
                .headers
                .iter()
                .map(|h| (h.name.as_bytes(), h.value))
                .collect();
            let mut body = &data[head..];
            let declared = headers
                .iter()
                .find(|(name, _)| name.eq_ignore_ascii_case(b"content-length"))
                .and_then(|(_, v)| std::str::from_utf8(v).ok())
                .and_then(|v| v.trim().parse::<usize>().ok());
            if let Some(n) = declared {
                body = &body[..n.min(body.len())];
            }
            return RawRequest {
                method: method.as_bytes(),
                target: target.as_bytes(),
                headers,
                body,
            };
        }
    }
    RawRequest {
        method: b"POST",
        target: b"/api/analyze",
        headers: vec![(b"content-type", b"application/json")],
        body: data,
    }
}

/// The error codes of `docs/server.md` (*Errors*) with their statuses.
const ERROR_CODES: &[(&str, u16)] = &[
    ("invalid_json", 400),
    ("invalid_request", 400),
    ("unknown_tier", 400),
    ("unknown_format", 400),
    ("not_found", 404),
    ("method_not_allowed", 405),
    ("payload_too_large", 413),
    ("unsupported_media_type", 415),
    ("overloaded", 503),
    ("timeout", 503),
    // Only while the server drains at shutdown, which the target never asks.
    ("shutting_down", 503),
];

/// The HTTP API target: the bytes become one request (see `frame`) to the
/// router of `unspin serve` (`App::fast` with a 16 KiB body limit), sent
/// in-process with `tower::ServiceExt::oneshot`. Requests the HTTP layer would
/// refuse before routing (a bad method, target or header) are dropped, or the
/// header is left out. The router must not panic; every status must be below
/// 500, or 503 (overloaded, timeout); every response carries the security
/// headers; a JSON response must parse; an error must be the documented
/// `{"error": CODE, "message": MESSAGE}` with the status of its code,
/// `Cache-Control: no-store`, and for `413` the limit in the message and
/// `Connection: close`.
pub fn http(data: &[u8]) {
    http_status(data);
}

/// The `http` target's body, returning the response's status (`None` when
/// the request was dropped before routing).
///
/// # Panics
/// When an invariant of [`http`] does not hold.
pub fn http_status(data: &[u8]) -> Option<u16> {
    use axum::body::Body;
    use axum::http::{header, HeaderName, HeaderValue, Method, Request, StatusCode};
    use http_body_util::BodyExt;
    use tower::ServiceExt;

    let raw = frame(data);
    let Ok(method) = Method::from_bytes(raw.method) else {
        return None;
    };
    let Ok(uri) = axum::http::Uri::try_from(raw.target) else {
        return None;
    };
    let mut request = Request::new(Body::from(raw.body.to_vec()));
    *request.method_mut() = method.clone();
    *request.uri_mut() = uri;
    for (name, value) in raw.headers {
        if let (Ok(name), Ok(value)) =
            (HeaderName::from_bytes(name), HeaderValue::from_bytes(value))
        {
            request.headers_mut().append(name, value);
        }
    }
    let server = server();
    let (parts, body) = server.runtime.block_on(async {
        let response = match server.router.clone().oneshot(request).await {
            Ok(response) => response,
            Err(never) => match never {},
        };
        let (parts, body) = response.into_parts();
        let body = body
            .collect()
            .await
            .expect("a response body reads to its end")
            .to_bytes();
        (parts, body)
    });
    let status = parts.status;
    assert!(
        status.as_u16() < 500 || status == StatusCode::SERVICE_UNAVAILABLE,
        "status {status} for {method} {}: {}",
        String::from_utf8_lossy(raw.target),
        String::from_utf8_lossy(&body)
    );
    assert_eq!(
        parts.headers.get(header::X_CONTENT_TYPE_OPTIONS),
        Some(&HeaderValue::from_static("nosniff")),
        "no security headers on a {status} response"
    );
    if method == Method::HEAD {
        return Some(status.as_u16());
    }
    let json = parts
        .headers
        .get(header::CONTENT_TYPE)
        .is_some_and(|v| v.as_bytes().starts_with(b"application/json"));
    if status.is_success() {
        if json {
            if let Err(e) = serde_json::from_slice::<serde_json::Value>(&body) {
                panic!("a {status} JSON response does not parse: {e}");
            }
        }
        return Some(status.as_u16());
    }
    assert!(json, "a {status} error is not JSON");
    assert_eq!(
        parts.headers.get(header::CACHE_CONTROL),
        Some(&HeaderValue::from_static("no-store")),
        "a {status} error may be cached"
    );
    let value: serde_json::Value = match serde_json::from_slice(&body) {
        Ok(value) => value,
        Err(e) => panic!("a {status} error body does not parse: {e}"),
    };
    let object = value.as_object().expect("an error body is a JSON object");
    assert_eq!(object.len(), 2, "an error body has two fields: {value}");
    let code = object.get("error").and_then(|v| v.as_str());
    let message = object.get("message").and_then(|v| v.as_str());
    let (Some(code), Some(message)) = (code, message) else {
        panic!("an error body without \"error\" and \"message\" strings: {value}");
    };
    assert!(!message.is_empty(), "an empty message for {code}");
    match ERROR_CODES.iter().find(|(c, _)| *c == code) {
        Some((_, expected)) => assert_eq!(
            status.as_u16(),
            *expected,
            "error {code} with status {status}"
        ),
        None => panic!("undocumented error code {code:?} ({status})"),
    }
    if code == "payload_too_large" {
        assert!(
            message.contains(&server.max_body_bytes.to_string()),
            "the 413 message does not give the limit: {message}"
        );
        assert_eq!(
            parts.headers.get(header::CONNECTION),
            Some(&HeaderValue::from_static("close")),
            "a 413 keeps the connection"
        );
    }
    Some(status.as_u16())
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    /// The seeds of `fuzz/corpus/http/` get the answers they were written
    /// for (so the target reaches every route), and hold the invariants.
    #[test]
    fn http_seeds() {
        let expected = [
            ("get-health.http", 200),
            ("get-techniques.http", 200),
            ("get-index.http", 200),
            ("get-app-js.http", 200),
            ("head-sample.http", 200),
            ("get-analyze.http", 405),
            ("get-missing.http", 404),
            ("put-health.http", 405),
            ("post-text.http", 200),
            ("post-html.http", 200),
            ("post-ptc-neural.http", 400),
            ("post-text-plain.http", 415),
            ("post-too-large.http", 413),
            ("body-bad-score.json", 400),
            ("body-bad-format.json", 400),
            ("body-both.json", 400),
            ("body-text.json", 200),
        ];
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus/http");
        let mut files: Vec<String> = std::fs::read_dir(&dir)
            .expect("fuzz/corpus/http")
            .flatten()
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .collect();
        files.sort();
        assert_eq!(
            files.len(),
            expected.len(),
            "a seed without an answer: {files:?}"
        );
        for (name, status) in expected {
            let data = std::fs::read(dir.join(name)).expect(name);
            assert_eq!(super::http_status(&data), Some(status), "{name}");
        }
    }

    /// How a corpus's requests were answered, status by status: `cargo test
    /// --manifest-path fuzz/Cargo.toml --no-default-features --features http
    /// --lib -- --ignored --nocapture http_corpus_statuses`, with
    /// `UNSPIN_FUZZ_HTTP_CORPUS=DIR` (default: `fuzz/corpus/http`), e.g. a
    /// long run's corpus (`fuzz/long-run.sh`).
    #[test]
    #[ignore = "a report on a corpus, not a check"]
    fn http_corpus_statuses() {
        let dir = std::env::var_os("UNSPIN_FUZZ_HTTP_CORPUS")
            .map(std::path::PathBuf::from)
            .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus/http"));
        let mut counts = std::collections::BTreeMap::new();
        for entry in std::fs::read_dir(&dir)
            .expect("a corpus directory")
            .flatten()
        {
            let data = std::fs::read(entry.path()).expect("a corpus input");
            *counts.entry(super::http_status(&data)).or_insert(0usize) += 1;
        }
        for (status, n) in counts {
            match status {
                Some(status) => println!("{status}: {n}"),
                None => println!("dropped before routing: {n}"),
            }
        }
    }
}
