//! Fuzz target: the warc reader must never panic, and what it returns must
//! hold the document invariants (see `unspin_fuzz::warc`).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| unspin_fuzz::warc(data));
