//! Loading bytes from disk and decoding them into text, with distinct errors
//! for each way a file can fail to be text.

use std::fs;
use std::io::Read;
use std::path::Path;

use crate::{BinaryEvidence, ReadError};

/// The default size limit: 50 MB (50 000 000 bytes).
pub const DEFAULT_MAX_BYTES: u64 = 50_000_000;

/// How many leading bytes are examined for binary content.
pub const BINARY_SNIFF_BYTES: usize = 8 * 1024;

const UTF8_BOM: &[u8] = b"\xEF\xBB\xBF";

/// How [`read_text_file_with`] and [`decode_text`] turn bytes into text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReadOptions {
    /// Replace invalid UTF-8 sequences with U+FFFD instead of failing with
    /// [`ReadError::InvalidUtf8`]. Offsets then index the decoded text, which
    /// may differ in length from the file. Default: `false`.
    pub lossy_utf8: bool,
    /// Files larger than this many bytes fail with [`ReadError::TooLarge`].
    /// Default: [`DEFAULT_MAX_BYTES`].
    pub max_bytes: u64,
    /// Keep a leading UTF-8 byte-order mark as U+FEFF in the text instead of
    /// removing it. Default: `false`. The PTC reader keeps it, because PTC
    /// label offsets count it as a code point.
    pub keep_bom: bool,
}

impl Default for ReadOptions {
    fn default() -> ReadOptions {
        ReadOptions {
            lossy_utf8: false,
            max_bytes: DEFAULT_MAX_BYTES,
            keep_bom: false,
        }
    }
}

/// Reads a UTF-8 text file with the default [`ReadOptions`].
///
/// A leading byte-order mark is removed; nothing else changes (line endings
/// included).
///
/// # Errors
/// [`ReadError::NotFound`], [`ReadError::IsDirectory`], [`ReadError::TooLarge`],
/// [`ReadError::Empty`] (also for whitespace only), [`ReadError::Binary`],
/// [`ReadError::UnsupportedEncoding`], [`ReadError::InvalidUtf8`] or
/// [`ReadError::Io`].
pub fn read_text_file(path: impl AsRef<Path>) -> Result<String, ReadError> {
    read_text_file_with(path, &ReadOptions::default())
}

/// Reads a text file with explicit options; see [`read_text_file`].
///
/// # Errors
/// As [`read_text_file`].
pub fn read_text_file_with(
    path: impl AsRef<Path>,
    options: &ReadOptions,
) -> Result<String, ReadError> {
    let path = path.as_ref();
    let bytes = read_bytes(path, options.max_bytes)?;
    decode_text(path, &bytes, options)
}

/// Reads at most `max_bytes` bytes of the file at `path`.
pub(crate) fn read_bytes(path: &Path, max_bytes: u64) -> Result<Vec<u8>, ReadError> {
    let meta = fs::metadata(path).map_err(|e| ReadError::io(path, e))?;
    if meta.is_dir() {
        return Err(ReadError::IsDirectory {
            path: path.to_path_buf(),
        });
    }
    if meta.len() > max_bytes {
        return Err(ReadError::TooLarge {
            path: path.to_path_buf(),
            size: meta.len(),
            limit: max_bytes,
        });
    }
    let file = fs::File::open(path).map_err(|e| ReadError::io(path, e))?;
    // The metadata size may be wrong (special files, a file still growing):
    // never read more than one byte past the limit.
    let mut bytes = Vec::with_capacity(usize::try_from(meta.len()).unwrap_or(0));
    file.take(max_bytes.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(|e| ReadError::io(path, e))?;
    if bytes.len() as u64 > max_bytes {
        return Err(ReadError::TooLarge {
            path: path.to_path_buf(),
            size: meta.len().max(bytes.len() as u64),
            limit: max_bytes,
        });
    }
    Ok(bytes)
}

/// Decodes bytes read from `origin` (a path, or a name such as `<stdin>`,
/// used only in error messages) into text.
///
/// In order: an empty input fails with [`ReadError::Empty`]; a UTF-16 or
/// UTF-32 byte-order mark with [`ReadError::UnsupportedEncoding`]; a NUL byte
/// or more than 10 % control bytes (other than tab, LF, CR, form feed and
/// escape) in the first [`BINARY_SNIFF_BYTES`] bytes with [`ReadError::Binary`];
/// invalid UTF-8 with [`ReadError::InvalidUtf8`] unless
/// [`ReadOptions::lossy_utf8`]; a text of only whitespace with
/// [`ReadError::Empty`]. A UTF-8 byte-order mark is removed unless
/// [`ReadOptions::keep_bom`]. `max_bytes` is not checked here.
///
/// # Errors
/// As listed above.
pub fn decode_text(
    origin: impl AsRef<Path>,
    bytes: &[u8],
    options: &ReadOptions,
) -> Result<String, ReadError> {
    let path = origin.as_ref();
    if bytes.is_empty() {
        return Err(ReadError::Empty {
            path: path.to_path_buf(),
            whitespace_only: false,
        });
    }
    if let Some(encoding) = foreign_bom(bytes) {
        return Err(ReadError::UnsupportedEncoding {
            path: path.to_path_buf(),
            encoding,
        });
    }
    if let Some(evidence) = binary_evidence(bytes) {
        return Err(ReadError::Binary {
            path: path.to_path_buf(),
            evidence,
        });
    }
    let (skipped, body) = match bytes.strip_prefix(UTF8_BOM) {
        Some(rest) if !options.keep_bom => (UTF8_BOM.len(), rest),
        _ => (0, bytes),
    };
    let text = match std::str::from_utf8(body) {
        Ok(s) => s.to_string(),
        Err(_) if options.lossy_utf8 => String::from_utf8_lossy(body).into_owned(),
        Err(e) => {
            let offset = skipped + e.valid_up_to();
            let line = 1 + bytes[..offset].iter().filter(|&&b| b == b'\n').count();
            return Err(ReadError::InvalidUtf8 {
                path: path.to_path_buf(),
                offset,
                line,
            });
        }
    };
    if text.chars().all(|c| c.is_whitespace() || c == '\u{feff}') {
        return Err(ReadError::Empty {
            path: path.to_path_buf(),
            whitespace_only: true,
        });
    }
    Ok(text)
}

fn foreign_bom(bytes: &[u8]) -> Option<&'static str> {
    // UTF-32LE must be tested before UTF-16LE, whose mark it starts with.
    if bytes.starts_with(b"\xFF\xFE\x00\x00") {
        Some("UTF-32LE")
    } else if bytes.starts_with(b"\x00\x00\xFE\xFF") {
        Some("UTF-32BE")
    } else if bytes.starts_with(b"\xFF\xFE") {
        Some("UTF-16LE")
    } else if bytes.starts_with(b"\xFE\xFF") {
        Some("UTF-16BE")
    } else {
        None
    }
}

fn binary_evidence(bytes: &[u8]) -> Option<BinaryEvidence> {
    let sample = &bytes[..bytes.len().min(BINARY_SNIFF_BYTES)];
    if let Some(offset) = sample.iter().position(|&b| b == 0) {
        return Some(BinaryEvidence::NulByte { offset });
    }
    let count = sample
        .iter()
        .filter(|&&b| (b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r' | 0x0c | 0x1b)) || b == 0x7f)
        .count();
    // More than 10 % control bytes.
    (count * 10 > sample.len()).then_some(BinaryEvidence::ControlChars {
        count,
        sampled: sample.len(),
    })
}

#[cfg(test)]
mod tests {
    type TestResult = Result<(), Box<dyn std::error::Error>>;

    use super::*;
    use std::io::Write;

    fn file_with(bytes: &[u8]) -> std::io::Result<tempfile::NamedTempFile> {
        let mut f = tempfile::NamedTempFile::new()?;
        f.write_all(bytes)?;
        f.flush()?;
        Ok(f)
    }

    #[test]
    fn reads_utf8_and_keeps_line_endings() -> TestResult {
        let f = file_with("Caf\u{e9}\r\nsecond line\n".as_bytes())?;
        assert_eq!(read_text_file(f.path())?, "Caf\u{e9}\r\nsecond line\n");
        Ok(())
    }

    #[test]
    fn strips_a_utf8_bom_unless_asked_to_keep_it() -> TestResult {
        let f = file_with(b"\xEF\xBB\xBFTitle\n")?;
        assert_eq!(read_text_file(f.path())?, "Title\n");
        let keep = ReadOptions {
            keep_bom: true,
            ..ReadOptions::default()
        };
        assert_eq!(read_text_file_with(f.path(), &keep)?, "\u{feff}Title\n");
        Ok(())
    }

    #[test]
    fn missing_file_quotes_the_path() -> TestResult {
        let dir = tempfile::tempdir()?;
        let path = dir.path().join("nope.txt");
        let err = read_text_file(&path).unwrap_err();
        assert!(matches!(err, ReadError::NotFound { .. }), "{err:?}");
        let msg = err.to_string();
        assert!(msg.contains(&format!("\"{}\"", path.display())), "{msg}");
        assert!(msg.contains("no such file"), "{msg}");
        assert_eq!(err.path(), Some(path.as_path()));
        Ok(())
    }

    #[test]
    fn directory_is_not_a_file() -> TestResult {
        let dir = tempfile::tempdir()?;
        let err = read_text_file(dir.path()).unwrap_err();
        assert!(matches!(err, ReadError::IsDirectory { .. }), "{err:?}");
        assert!(err.to_string().contains("is a directory"));
        Ok(())
    }

    #[test]
    fn empty_and_whitespace_only_files() -> TestResult {
        let f = file_with(b"")?;
        let err = read_text_file(f.path()).unwrap_err();
        assert!(
            matches!(
                err,
                ReadError::Empty {
                    whitespace_only: false,
                    ..
                }
            ),
            "{err:?}"
        );
        assert!(err.to_string().contains("is empty"));
        for ws in [
            &b" \n\t\r\n "[..],
            b"\xEF\xBB\xBF\n",
            "\u{a0}\u{2003}\n".as_bytes(),
        ] {
            let f = file_with(ws)?;
            let err = read_text_file(f.path()).unwrap_err();
            assert!(
                matches!(
                    err,
                    ReadError::Empty {
                        whitespace_only: true,
                        ..
                    }
                ),
                "{err:?}"
            );
            assert!(err.to_string().contains("only whitespace"));
        }
        // A kept BOM alone is no content either.
        let f = file_with(b"\xEF\xBB\xBF")?;
        let keep = ReadOptions {
            keep_bom: true,
            ..ReadOptions::default()
        };
        let err = read_text_file_with(f.path(), &keep).unwrap_err();
        assert!(matches!(err, ReadError::Empty { .. }), "{err:?}");
        Ok(())
    }

    #[test]
    fn nul_bytes_are_binary() -> TestResult {
        let f = file_with(b"PK\x03\x04\x00\x00 zip header")?;
        let err = read_text_file(f.path()).unwrap_err();
        assert!(
            matches!(
                err,
                ReadError::Binary {
                    evidence: BinaryEvidence::NulByte { offset: 4 },
                    ..
                }
            ),
            "{err:?}"
        );
        assert!(err.to_string().contains("binary"), "{err}");
        Ok(())
    }

    #[test]
    fn many_control_characters_are_binary_a_few_are_not() -> TestResult {
        let mut bytes = b"abcdefgh".repeat(10);
        bytes.extend_from_slice(&[1, 2, 3, 4, 5, 6, 7, 8, 0x7f, 0x10]);
        let f = file_with(&bytes)?;
        let err = read_text_file(f.path()).unwrap_err();
        assert!(
            matches!(
                err,
                ReadError::Binary {
                    evidence: BinaryEvidence::ControlChars { count: 10, .. },
                    ..
                }
            ),
            "{err:?}"
        );
        let mut bytes = b"abcdefgh".repeat(20);
        bytes.extend_from_slice(&[0x1b, 0x0c, 7]);
        let f = file_with(&bytes)?;
        assert!(read_text_file(f.path()).is_ok());
        Ok(())
    }

    #[test]
    fn utf16_is_named() -> TestResult {
        let f = file_with(b"\xFF\xFEH\x00i\x00")?;
        let err = read_text_file(f.path()).unwrap_err();
        assert!(
            matches!(
                err,
                ReadError::UnsupportedEncoding {
                    encoding: "UTF-16LE",
                    ..
                }
            ),
            "{err:?}"
        );
        assert!(err.to_string().contains("convert it to UTF-8"));
        Ok(())
    }

    #[test]
    fn invalid_utf8_reports_offset_and_line_or_decodes_lossily() -> TestResult {
        // windows-1252 curly quote (0x93) on line 2, after a BOM.
        let f = file_with(b"\xEF\xBB\xBFtitle\nhe said \x93hi\x94\n")?;
        let err = read_text_file(f.path()).unwrap_err();
        assert!(
            matches!(
                err,
                ReadError::InvalidUtf8 {
                    offset: 17,
                    line: 2,
                    ..
                }
            ),
            "{err:?}"
        );
        let msg = err.to_string();
        assert!(
            msg.contains("byte offset 17") && msg.contains("line 2"),
            "{msg}"
        );
        let lossy = ReadOptions {
            lossy_utf8: true,
            ..ReadOptions::default()
        };
        assert_eq!(
            read_text_file_with(f.path(), &lossy)?,
            "title\nhe said \u{fffd}hi\u{fffd}\n"
        );
        Ok(())
    }

    #[test]
    fn size_limit() -> TestResult {
        let f = file_with(b"0123456789")?;
        let small = ReadOptions {
            max_bytes: 9,
            ..ReadOptions::default()
        };
        let err = read_text_file_with(f.path(), &small).unwrap_err();
        assert!(
            matches!(
                err,
                ReadError::TooLarge {
                    size: 10,
                    limit: 9,
                    ..
                }
            ),
            "{err:?}"
        );
        assert!(err.to_string().contains("over the limit of 9 bytes"));
        let exact = ReadOptions {
            max_bytes: 10,
            ..ReadOptions::default()
        };
        assert_eq!(read_text_file_with(f.path(), &exact)?, "0123456789");
        assert_eq!(ReadOptions::default().max_bytes, 50_000_000);
        Ok(())
    }

    #[test]
    fn decode_names_its_origin() -> TestResult {
        let err = decode_text("<stdin>", b"", &ReadOptions::default()).unwrap_err();
        assert_eq!(err.to_string(), "\"<stdin>\": is empty");
        Ok(())
    }
}
