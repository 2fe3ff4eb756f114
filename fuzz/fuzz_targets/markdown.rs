//! Fuzz target: the markdown reader must never panic, and what it returns must
//! hold the document invariants (see `unspin_fuzz::markdown`).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| unspin_fuzz::markdown(data));
