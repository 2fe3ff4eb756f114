//! Hash maps and sets keyed by lexicon words, with a fast non-cryptographic hasher.

use std::collections::{HashMap, HashSet};
use std::hash::BuildHasherDefault;

/// A fast hasher for lookups in the fixed word lists of this crate (the
/// FxHash of rustc: one rotate, xor and multiply per 8 bytes). The keys are
/// our own lexicon entries, so SipHash's resistance to crafted keys is not
/// needed, and hashing every token with it costs more than the lookup.
#[derive(Clone, Copy, Default)]
pub struct FxHasher(u64);

impl FxHasher {
    fn add(&mut self, word: u64) {
        self.0 = (self.0.rotate_left(5) ^ word).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }
}

impl std::hash::Hasher for FxHasher {
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            self.add(u64::from_le_bytes(c.try_into().expect("8 bytes")));
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            // The remainder zero-padded, read little-endian (as
            // `u64::from_le_bytes` of a padded copy, without the copy: a
            // `memcpy` call of variable length per word).
            let word = rest
                .iter()
                .enumerate()
                .fold(0u64, |w, (k, &b)| w | u64::from(b) << (8 * k));
            self.add(word);
        }
    }
    fn write_u8(&mut self, i: u8) {
        self.add(u64::from(i));
    }
    fn write_usize(&mut self, i: usize) {
        self.add(i as u64);
    }
    fn finish(&self) -> u64 {
        self.0
    }
}

/// A hash map keyed by lexicon words, hashed with [`FxHasher`].
pub type FastMap<K, V> = HashMap<K, V, BuildHasherDefault<FxHasher>>;
/// A hash set of lexicon words, hashed with [`FxHasher`].
pub type FastSet<K> = HashSet<K, BuildHasherDefault<FxHasher>>;

#[cfg(test)]
mod tests {
    use super::*;
    use std::hash::Hasher;

    #[test]
    fn the_remainder_hashes_as_a_padded_little_endian_word() {
        for word in ["", "a", "said", "according", "zo\u{eb}", "twelve letters"] {
            let mut h = FxHasher::default();
            h.write(word.as_bytes());
            // The definition: 8-byte chunks, the rest zero-padded.
            let mut expected = FxHasher::default();
            for c in word.as_bytes().chunks(8) {
                let mut b = [0u8; 8];
                b[..c.len()].copy_from_slice(c);
                expected.add(u64::from_le_bytes(b));
            }
            assert_eq!(h.finish(), expected.finish(), "{word:?}");
        }
    }
}
