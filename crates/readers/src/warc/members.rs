//! Reading a `.warc.gz` one gzip member at a time, so that a damaged member
//! costs only the records inside it.
//!
//! [`Tape`] is a buffered reader over the compressed (or, for plain WARC,
//! the uncompressed) bytes that knows its byte offset and can go back to a
//! marked offset while the bytes since the mark are at most
//! [`MAX_REPLAY_BYTES`] (beyond that the mark is dropped, so memory stays
//! bounded). [`Members`] inflates one member after another with
//! `flate2::bufread::GzDecoder`, which stops exactly at the end of its
//! member; after damage, [`Members::resync`] goes back to just after the
//! start of the damaged member and scans for the next gzip header
//! (`1f 8b 08`, a flags byte with its reserved bits clear) whose data
//! inflates to a record starting with `WARC/1.`.

use std::io::{self, BufRead, Read};

use flate2::bufread::GzDecoder;

/// How far back a [`Tape`] can go: the bytes kept since its mark.
pub(crate) const MAX_REPLAY_BYTES: usize = 4 * 1024 * 1024;

/// How many bytes are read from the input at a time.
const CHUNK: usize = 64 * 1024;

/// A buffered reader that counts offsets and can rewind to a mark.
pub(crate) struct Tape<R> {
    inner: R,
    buf: Vec<u8>,
    pos: usize,
    /// Offset of `buf[0]` in the input.
    base: u64,
    mark: Option<u64>,
    eof: bool,
}

impl<R: Read> Tape<R> {
    pub(crate) fn new(inner: R) -> Tape<R> {
        Tape {
            inner,
            buf: Vec::new(),
            pos: 0,
            base: 0,
            mark: None,
            eof: false,
        }
    }

    /// The offset of the next byte to read.
    pub(crate) fn offset(&self) -> u64 {
        self.base + self.pos as u64
    }

    /// Keeps the bytes from `offset` on (while they stay under
    /// [`MAX_REPLAY_BYTES`]) so that [`Tape::rewind`] can go back there.
    pub(crate) fn set_mark(&mut self, offset: Option<u64>) {
        self.mark = offset;
    }

    /// Goes back (or forward, within the buffer) to `offset`; false when
    /// those bytes are no longer held.
    pub(crate) fn rewind(&mut self, offset: u64) -> bool {
        if offset >= self.base && offset <= self.base + self.buf.len() as u64 {
            self.pos = (offset - self.base) as usize;
            true
        } else {
            false
        }
    }

    /// Drops what is no longer needed and appends up to [`CHUNK`] bytes;
    /// false at the end of the input.
    fn refill(&mut self) -> io::Result<bool> {
        if self.eof {
            return Ok(false);
        }
        let mut keep = self.pos;
        if let Some(m) = self.mark {
            if m >= self.base && self.offset().saturating_sub(m) <= MAX_REPLAY_BYTES as u64 {
                keep = keep.min((m - self.base) as usize);
            } else {
                self.mark = None;
            }
        }
        if keep > 0 {
            self.buf.drain(..keep);
            self.base += keep as u64;
            self.pos -= keep;
        }
        let old = self.buf.len();
        self.buf.resize(old + CHUNK, 0);
        let n = loop {
            match self.inner.read(&mut self.buf[old..]) {
                Ok(n) => break n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => {
                    self.buf.truncate(old);
                    return Err(e);
                }
            }
        };
        self.buf.truncate(old + n);
        if n == 0 {
            self.eof = true;
        }
        Ok(n > 0)
    }

    /// Moves to the first offset (from the current one) where
    /// `is_match` accepts the next `len` bytes, and returns it; `None` (at
    /// the end of the input) when there is none, or when the match would lie
    /// at or past `limit`.
    pub(crate) fn find(
        &mut self,
        len: usize,
        limit: Option<u64>,
        is_match: impl Fn(&[u8]) -> bool,
    ) -> io::Result<Option<u64>> {
        self.mark = None;
        loop {
            while self.buf.len() - self.pos < len {
                if !self.refill()? {
                    self.pos = self.buf.len();
                    return Ok(None);
                }
            }
            let hay = &self.buf[self.pos..];
            if let Some(i) = hay.windows(len).position(&is_match) {
                self.pos += i;
                return Ok(Some(self.offset()));
            }
            self.pos = self.buf.len() + 1 - len;
            if limit.is_some_and(|l| self.offset() >= l) {
                return Ok(None);
            }
            if !self.refill()? {
                self.pos = self.buf.len();
                return Ok(None);
            }
        }
    }
}

impl<R: Read> Read for Tape<R> {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        let n = {
            let avail = self.fill_buf()?;
            let n = avail.len().min(out.len());
            out[..n].copy_from_slice(&avail[..n]);
            n
        };
        self.consume(n);
        Ok(n)
    }
}

impl<R: Read> BufRead for Tape<R> {
    fn fill_buf(&mut self) -> io::Result<&[u8]> {
        if self.pos == self.buf.len() {
            self.refill()?;
        }
        Ok(&self.buf[self.pos..])
    }

    fn consume(&mut self, amt: usize) {
        self.pos = (self.pos + amt).min(self.buf.len());
    }
}

enum State<R> {
    /// Between members (or before the first one).
    Between(Tape<R>),
    /// Inflating the member that started at `Members::member_start`.
    Inside(Box<GzDecoder<Tape<R>>>),
    /// Only while the state is being replaced.
    Gone,
}

/// Where reading went on after damage.
pub(crate) enum Found {
    /// At a member (at this compressed offset) holding a WARC record.
    Member(u64),
    /// The input ended (at this offset) before another one was found.
    End(u64),
    /// The scan stopped at this offset without finding one.
    GaveUp(u64),
}

/// The decompressed content of a `.warc.gz`, member by member.
pub(crate) struct Members<R> {
    state: State<R>,
    out: Vec<u8>,
    pos: usize,
    member_start: u64,
    /// While true, reading stops at the end of the current member instead
    /// of going on into the next one (a record that started a member must
    /// end in it).
    pub(crate) confine: bool,
}

impl<R: Read> Members<R> {
    pub(crate) fn new(compressed: R) -> Members<R> {
        Members {
            state: State::Between(Tape::new(compressed)),
            out: Vec::new(),
            pos: 0,
            member_start: 0,
            confine: false,
        }
    }

    /// The compressed offset where the current member (or the bytes being
    /// read as one) starts.
    pub(crate) fn member_start(&self) -> u64 {
        self.member_start
    }

    fn take_tape(&mut self) -> Tape<R> {
        match std::mem::replace(&mut self.state, State::Gone) {
            State::Between(t) => t,
            State::Inside(d) => d.into_inner(),
            State::Gone => unreachable!("the state is always put back"),
        }
    }

    /// Makes decoded bytes of the current member available; false at the
    /// end of the member (whose checksum is then verified).
    pub(crate) fn fill_here(&mut self) -> io::Result<bool> {
        if self.pos < self.out.len() {
            return Ok(true);
        }
        let State::Inside(dec) = &mut self.state else {
            return Ok(false);
        };
        self.out.clear();
        self.pos = 0;
        self.out.resize(CHUNK, 0);
        let n = loop {
            match dec.read(&mut self.out) {
                Ok(n) => break n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => {
                    self.out.clear();
                    return Err(e);
                }
            }
        };
        self.out.truncate(n);
        if n == 0 {
            let tape = self.take_tape();
            self.state = State::Between(tape);
        }
        Ok(n > 0)
    }

    /// The decoded bytes of the current member, empty at its end.
    pub(crate) fn peek_here(&mut self) -> io::Result<&[u8]> {
        self.fill_here()?;
        Ok(&self.out[self.pos..])
    }

    /// At least `k` decoded bytes of the current member, fewer only at its
    /// end (whose checksum is then verified).
    pub(crate) fn peek_here_at_least(&mut self, k: usize) -> io::Result<&[u8]> {
        while self.out.len() - self.pos < k {
            let State::Inside(dec) = &mut self.state else {
                break;
            };
            self.out.drain(..self.pos);
            self.pos = 0;
            let old = self.out.len();
            self.out.resize(old + CHUNK, 0);
            let n = loop {
                match dec.read(&mut self.out[old..]) {
                    Ok(n) => break n,
                    Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                    Err(e) => {
                        self.out.truncate(old);
                        return Err(e);
                    }
                }
            };
            self.out.truncate(old + n);
            if n == 0 {
                let tape = self.take_tape();
                self.state = State::Between(tape);
            }
        }
        Ok(&self.out[self.pos..])
    }

    /// Whether the reader stands between members (the last one ended).
    pub(crate) fn between(&self) -> bool {
        matches!(self.state, State::Between(_)) && self.pos >= self.out.len()
    }

    /// Starts the next member; false at the end of the input.
    fn advance(&mut self) -> io::Result<bool> {
        let mut tape = self.take_tape();
        let next = tape.fill_buf();
        let (empty, gzip) = match next {
            Ok(b) => (b.is_empty(), b.starts_with(&[0x1f, 0x8b]) || b == [0x1f]),
            Err(e) => {
                self.state = State::Between(tape);
                return Err(e);
            }
        };
        self.member_start = tape.offset();
        if empty {
            self.state = State::Between(tape);
            return Ok(false);
        }
        if !gzip {
            self.state = State::Between(tape);
            return Err(io::Error::new(
                io::ErrorKind::InvalidData,
                "bytes that are not a gzip member",
            ));
        }
        tape.set_mark(Some(self.member_start));
        self.state = State::Inside(Box::new(GzDecoder::new(tape)));
        Ok(true)
    }

    /// After damage in the current member (or in bytes between members):
    /// finds the next member that inflates to a WARC record and continues
    /// there. `limit`: give up when none starts before this offset.
    pub(crate) fn resync(&mut self, limit: Option<u64>) -> io::Result<Found> {
        self.confine = false;
        self.out.clear();
        self.pos = 0;
        let start = self.member_start;
        let mut tape = self.take_tape();
        tape.rewind(start + 1);
        loop {
            let at = tape.find(4, limit, |w| {
                w[0] == 0x1f && w[1] == 0x8b && w[2] == 8 && w[3] & 0xe0 == 0
            });
            let at = match at {
                Ok(Some(at)) => at,
                Ok(None) => {
                    let end = tape.offset();
                    let gave_up = !tape.eof || tape.pos < tape.buf.len();
                    self.state = State::Between(tape);
                    return Ok(if gave_up {
                        Found::GaveUp(end)
                    } else {
                        Found::End(end)
                    });
                }
                Err(e) => {
                    self.state = State::Between(tape);
                    return Err(e);
                }
            };
            tape.set_mark(Some(at));
            let mut dec = GzDecoder::new(tape);
            let mut probe = vec![0u8; 64];
            let mut n = 0;
            while n < probe.len() {
                match dec.read(&mut probe[n..]) {
                    Ok(0) | Err(_) => break,
                    Ok(k) => n += k,
                }
            }
            probe.truncate(n);
            let text = probe.trim_ascii_start();
            if text.starts_with(b"WARC/1.") {
                self.out = probe;
                self.member_start = at;
                self.state = State::Inside(Box::new(dec));
                return Ok(Found::Member(at));
            }
            tape = dec.into_inner();
            if !tape.rewind(at + 1) {
                // The probe went past what is kept: scan on from here.
            }
        }
    }
}

impl<R: Read> Read for Members<R> {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        let n = {
            let avail = self.fill_buf()?;
            let n = avail.len().min(out.len());
            out[..n].copy_from_slice(&avail[..n]);
            n
        };
        self.consume(n);
        Ok(n)
    }
}

impl<R: Read> BufRead for Members<R> {
    fn fill_buf(&mut self) -> io::Result<&[u8]> {
        loop {
            if self.fill_here()? {
                return Ok(&self.out[self.pos..]);
            }
            if self.confine || !self.advance()? {
                return Ok(&[]);
            }
        }
    }

    fn consume(&mut self, amt: usize) {
        self.pos = (self.pos + amt).min(self.out.len());
    }
}

/// Decompresses the start of a gzip stream held in `head` (up to `max`
/// bytes), for format detection; what came out before an error (such as the
/// end of `head`) is kept.
///
/// # Errors
/// When nothing at all could be decompressed.
pub(crate) fn gunzip_head(head: &[u8], max: usize) -> io::Result<Vec<u8>> {
    let mut out = Vec::new();
    let result = flate2::read::MultiGzDecoder::new(head)
        .take(max as u64)
        .read_to_end(&mut out);
    match result {
        Err(e) if out.is_empty() => Err(e),
        _ => Ok(out),
    }
}
