//! Fuzz target: the html reader must never panic, and what it returns must
//! hold the document invariants (see `unspin_fuzz::html`).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| unspin_fuzz::html(data));
