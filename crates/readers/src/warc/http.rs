//! The HTTP response inside a WARC `response` record: status, headers,
//! and the payload with transfer and content encodings undone.

use std::io::Read;

use super::MAX_HEADER_BYTES;

/// The `charset=` parameter of a Content-Type.
pub(super) fn charset_of(content_type: &str) -> Option<&str> {
    content_type
        .split(';')
        .skip(1)
        .filter_map(|p| p.split_once('='))
        .find(|(k, _)| k.trim().eq_ignore_ascii_case("charset"))
        .map(|(_, v)| v.trim().trim_matches('"'))
        .filter(|v| !v.is_empty())
}

pub(super) fn is_html(content_type: Option<&str>) -> bool {
    content_type.is_some_and(|ct| {
        let ct = ct.trim().to_ascii_lowercase();
        ct.starts_with("text/html") || ct.starts_with("application/xhtml+xml")
    })
}

/// An HTTP response inside a `response` record.
pub(super) struct HttpResponse<'a> {
    pub(super) status: u16,
    headers: Vec<(String, String)>,
    body: &'a [u8],
}

impl<'a> HttpResponse<'a> {
    pub(super) fn parse(bytes: &'a [u8]) -> Option<HttpResponse<'a>> {
        if !bytes.starts_with(b"HTTP/") {
            return None;
        }
        let head_len = bytes.len().min(MAX_HEADER_BYTES);
        let (end, sep) = memchr_find(&bytes[..head_len], b"\r\n\r\n")
            .map(|i| (i, 4))
            .or_else(|| memchr_find(&bytes[..head_len], b"\n\n").map(|i| (i, 2)))?;
        let head = String::from_utf8_lossy(&bytes[..end]);
        let mut lines = head.lines();
        let status = lines.next()?.split_whitespace().nth(1)?.parse().ok()?;
        let headers = lines
            .filter_map(|l| l.split_once(':'))
            .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_string()))
            .collect();
        Some(HttpResponse {
            status,
            headers,
            body: &bytes[end + sep..],
        })
    }

    pub(super) fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// The payload with transfer and content encodings undone.
    pub(super) fn payload(&self, limit: u64) -> Result<Vec<u8>, String> {
        let chunked = self
            .header("transfer-encoding")
            .is_some_and(|t| t.to_ascii_lowercase().contains("chunked"));
        let raw = if chunked {
            dechunk(self.body).unwrap_or_else(|| self.body.to_vec())
        } else {
            self.body.to_vec()
        };
        let encoding = self
            .header("content-encoding")
            .unwrap_or("identity")
            .trim()
            .to_ascii_lowercase();
        let mut out = Vec::new();
        let cap = limit.saturating_add(1);
        let result = match encoding.as_str() {
            "" | "identity" | "none" => return Ok(raw),
            "gzip" | "x-gzip" => flate2::read::MultiGzDecoder::new(&raw[..])
                .take(cap)
                .read_to_end(&mut out),
            "deflate" => {
                let zlib = flate2::read::ZlibDecoder::new(&raw[..])
                    .take(cap)
                    .read_to_end(&mut out);
                if zlib.is_err() {
                    out.clear();
                    flate2::read::DeflateDecoder::new(&raw[..])
                        .take(cap)
                        .read_to_end(&mut out)
                } else {
                    zlib
                }
            }
            other => return Err(format!("unsupported Content-Encoding {other:?}")),
        };
        result.map_err(|e| format!("{encoding}: {e}"))?;
        if out.len() as u64 > limit {
            return Err(format!(
                "decompressed payload over the limit of {limit} bytes"
            ));
        }
        Ok(out)
    }
}

pub(super) fn memchr_find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

/// Undoes chunked transfer encoding; `None` when the body is not chunked.
pub(super) fn dechunk(mut body: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    loop {
        let eol = memchr_find(body, b"\r\n")?;
        let size_text = std::str::from_utf8(&body[..eol]).ok()?;
        let size = usize::from_str_radix(size_text.split(';').next()?.trim(), 16).ok()?;
        body = &body[eol + 2..];
        if size == 0 {
            return Some(out);
        }
        out.extend_from_slice(body.get(..size)?);
        body = body.get(size..)?;
        body = body.strip_prefix(b"\r\n").unwrap_or(body);
    }
}
