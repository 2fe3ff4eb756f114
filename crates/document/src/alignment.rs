//! Mapping from a document's text back to the input it was read from.

use serde::{Deserialize, Serialize};

/// One run of text copied verbatim from the source: `len` bytes starting at
/// `text_start` in the document text came from `source_start` in the input.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Piece {
    /// Start byte in the document text.
    pub text_start: usize,
    /// Start byte in the source input.
    pub source_start: usize,
    /// Length in bytes (identical on both sides).
    pub len: usize,
}

/// A piecewise mapping from text bytes to source bytes, built by readers
/// that clean their input (HTML, Markdown). Text that a reader inserted
/// (a paragraph break, a decoded entity) maps to the nearest source byte
/// before it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Alignment {
    pieces: Vec<Piece>,
}

impl Alignment {
    /// An empty alignment.
    pub fn new() -> Alignment {
        Alignment::default()
    }

    /// The identity mapping for a text read verbatim (`len` bytes).
    pub fn identity(len: usize) -> Alignment {
        Alignment {
            pieces: vec![Piece {
                text_start: 0,
                source_start: 0,
                len,
            }],
        }
    }

    /// Records that `len` text bytes from `text_start` were copied from
    /// `source_start`. Pieces must be pushed in increasing `text_start`
    /// order; out-of-order or empty pieces are ignored. Adjacent pieces that
    /// continue each other are merged.
    pub fn push(&mut self, text_start: usize, source_start: usize, len: usize) {
        if len == 0 {
            return;
        }
        if let Some(last) = self.pieces.last_mut() {
            if text_start < last.text_start + last.len {
                return;
            }
            if text_start == last.text_start + last.len
                && source_start == last.source_start + last.len
            {
                last.len += len;
                return;
            }
        }
        self.pieces.push(Piece {
            text_start,
            source_start,
            len,
        });
    }

    /// The pieces, in text order.
    pub fn pieces(&self) -> &[Piece] {
        &self.pieces
    }

    /// The source byte of text byte `text`: exact inside a copied piece,
    /// otherwise the end of the nearest piece before it (`None` when no
    /// piece starts at or before `text`).
    pub fn to_source(&self, text: usize) -> Option<usize> {
        let i = self.pieces.partition_point(|p| p.text_start <= text);
        let p = self.pieces.get(i.checked_sub(1)?)?;
        Some(p.source_start + (text - p.text_start).min(p.len))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn maps_inside_and_between_pieces() {
        // source: "<p>Hello</p><p>world</p>" ; text: "Hello\n\nworld"
        let mut a = Alignment::new();
        a.push(0, 3, 5);
        a.push(7, 15, 5);
        assert_eq!(a.to_source(0), Some(3));
        assert_eq!(a.to_source(4), Some(7));
        assert_eq!(a.to_source(5), Some(8)); // inserted "\n\n" → end of "Hello"
        assert_eq!(a.to_source(8), Some(16));
        assert_eq!(Alignment::new().to_source(0), None);
    }

    #[test]
    fn merges_continuations_and_ignores_bad_pieces() {
        let mut a = Alignment::new();
        a.push(0, 10, 2);
        a.push(2, 12, 3);
        a.push(1, 0, 1); // out of order
        a.push(9, 9, 0); // empty
        assert_eq!(
            a.pieces(),
            &[Piece {
                text_start: 0,
                source_start: 10,
                len: 5
            }]
        );
        assert_eq!(Alignment::identity(4).to_source(3), Some(3));
    }
}
