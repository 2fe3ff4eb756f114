//! Turning the bytes of an HTML page into text: byte-order mark, then a
//! caller's hint (an HTTP `Content-Type` charset), then UTF-8 when the bytes
//! are valid UTF-8 (whatever the page declares: crawls often re-save pages
//! as UTF-8 and keep a stale declaration), then the page's own
//! `<meta charset>` / `http-equiv` declaration, and windows-1252 otherwise
//! (every byte decodes in it, so decoding never fails).

use encoding_rs::{Encoding, UTF_8, WINDOWS_1252};

/// How far into the page the `<meta charset>` pre-scan looks. The HTML
/// standard says 1024 bytes; real pages often declare it later, after long
/// comments or scripts, so we look further.
const PRESCAN_BYTES: usize = 8 * 1024;

/// An HTML page decoded to UTF-8.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecodedHtml {
    /// The page as UTF-8 text, without a byte-order mark. For input that is
    /// valid UTF-8 without a byte-order mark this is byte-identical to the
    /// input.
    pub text: String,
    /// The WHATWG name of the encoding used, e.g. `UTF-8` or `windows-1252`.
    pub encoding: &'static str,
    /// True when some bytes were not valid in that encoding and were
    /// replaced by U+FFFD.
    pub had_errors: bool,
}

/// Decodes an HTML page's bytes; never fails and never panics.
///
/// `hint` is a charset label from outside the page (an HTTP header, a WARC
/// record); it wins over everything but a byte-order mark, as in browsers.
/// Without it, bytes that are valid UTF-8 are read as UTF-8, and other
/// bytes in the encoding the page declares in its first 8 KiB
/// (windows-1252 when it declares none).
/// UTF-16 declared inside the page is read as UTF-8 (the page could not have
/// declared it in ASCII otherwise).
pub fn decode_html(bytes: &[u8], hint: Option<&str>) -> DecodedHtml {
    let (encoding, rest) = match Encoding::for_bom(bytes) {
        Some((enc, bom_len)) => (enc, bytes.get(bom_len..).unwrap_or_default()),
        None => {
            let hinted = hint.and_then(|h| Encoding::for_label(h.trim().as_bytes()));
            let enc = match hinted {
                Some(e) => e,
                // Legacy-encoded text with non-ASCII bytes is almost never
                // valid UTF-8 by accident, while pages re-saved as UTF-8
                // with a stale `<meta charset=gb2312>` are common in crawls.
                None if std::str::from_utf8(bytes).is_ok() => UTF_8,
                None => prescan(bytes).map_or(WINDOWS_1252, |e| e.output_encoding()),
            };
            (enc, bytes)
        }
    };
    let (text, had_errors) = encoding.decode_without_bom_handling(rest);
    DecodedHtml {
        text: text.into_owned(),
        encoding: encoding.name(),
        had_errors,
    }
}

/// The encoding a `<meta>` tag in the first [`PRESCAN_BYTES`] declares.
fn prescan(bytes: &[u8]) -> Option<&'static Encoding> {
    let head = bytes.get(..PRESCAN_BYTES).unwrap_or(bytes);
    let mut at = 0;
    while let Some(off) = find_ci(head.get(at..)?, b"<meta") {
        let start = at + off + 5;
        let end = head
            .get(start..)?
            .iter()
            .position(|&b| b == b'>')
            .map_or(head.len(), |e| start + e);
        let tag = head.get(start..end)?;
        if let Some(enc) = charset_in_tag(tag) {
            return Some(enc);
        }
        at = end;
    }
    None
}

/// The charset named in the attributes of one `<meta …>` tag: `charset=x`
/// or `content="text/html; charset=x"`.
fn charset_in_tag(tag: &[u8]) -> Option<&'static Encoding> {
    let pos = find_ci(tag, b"charset")?;
    let mut rest = tag.get(pos + 7..)?;
    rest = trim_start(rest);
    rest = rest.strip_prefix(b"=")?;
    rest = trim_start(rest);
    let rest = rest
        .strip_prefix(b"\"")
        .or_else(|| rest.strip_prefix(b"'"))
        .unwrap_or(rest);
    let len = rest
        .iter()
        .position(|&b| b == b'"' || b == b'\'' || b == b';' || b == b'/' || b.is_ascii_whitespace())
        .unwrap_or(rest.len());
    Encoding::for_label(rest.get(..len)?)
}

fn trim_start(b: &[u8]) -> &[u8] {
    let n = b.iter().take_while(|c| c.is_ascii_whitespace()).count();
    b.get(n..).unwrap_or_default()
}

/// ASCII case-insensitive search for a lowercase `needle`.
pub(crate) fn find_ci(hay: &[u8], needle: &[u8]) -> Option<usize> {
    if needle.is_empty() || hay.len() < needle.len() {
        return None;
    }
    hay.windows(needle.len())
        .position(|w| w.eq_ignore_ascii_case(needle))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn declared_windows_1252_is_decoded() {
        let page = b"<html><head><meta http-equiv=\"Content-Type\" content=\"text/html; charset=windows-1252\"></head><body>caf\xe9 \x93quoted\x94</body></html>";
        let d = decode_html(page, None);
        assert_eq!(d.encoding, "windows-1252");
        assert!(d.text.contains("caf\u{e9} \u{201c}quoted\u{201d}"));
    }

    #[test]
    fn iso_8859_1_label_means_windows_1252_and_meta_charset_form() {
        let d = decode_html(b"<meta charset='ISO-8859-1'><p>\xe0 \x80", None);
        assert_eq!(d.encoding, "windows-1252");
        assert!(d.text.ends_with("\u{e0} \u{20ac}"));
    }

    #[test]
    fn undeclared_utf8_is_identity_and_invalid_falls_back_to_1252() {
        let s = "<p>Fran\u{e7}ois \u{2014} ok</p>";
        let d = decode_html(s.as_bytes(), None);
        assert_eq!(
            (d.text.as_str(), d.encoding, d.had_errors),
            (s, "UTF-8", false)
        );
        let d = decode_html(b"<p>Fran\xe7ois</p>", None);
        assert_eq!(d.encoding, "windows-1252");
        assert_eq!(d.text, "<p>Fran\u{e7}ois</p>");
    }

    #[test]
    fn bom_and_hint_win_and_bad_bytes_are_replaced() {
        let d = decode_html(b"\xef\xbb\xbf<meta charset=latin1><p>\xc3\xa9", None);
        assert_eq!(
            (d.encoding, d.text.as_str()),
            ("UTF-8", "<meta charset=latin1><p>\u{e9}")
        );
        let d = decode_html(b"<meta charset=utf-8><p>\xc3\xa9", Some("windows-1252"));
        assert_eq!(d.encoding, "windows-1252");
        // Valid UTF-8 wins over a stale declaration.
        let d = decode_html("<meta charset=gb2312><p>\u{4e2d}\u{6587}".as_bytes(), None);
        assert_eq!(
            (d.encoding, d.text.as_str()),
            ("UTF-8", "<meta charset=gb2312><p>\u{4e2d}\u{6587}")
        );
        let d = decode_html(b"<meta charset=utf-8><p>a\xffb", None);
        assert!(d.had_errors);
        assert!(d.text.contains("a\u{fffd}b"));
        // UTF-16 declared in an ASCII page is read as UTF-8.
        assert_eq!(
            decode_html(b"<meta charset=utf-16><p>x", None).encoding,
            "UTF-8"
        );
        // Unknown labels are ignored.
        assert_eq!(
            decode_html(b"<meta charset=bogus><p>x", None).encoding,
            "UTF-8"
        );
    }
}
