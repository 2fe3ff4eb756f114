//! Fuzz target: the whole analysis of `unspin analyze --tier fast` (readers,
//! sentences, the fast technique tier, sourcing, every writer) must never
//! panic or fail, and what it returns must hold the document invariants
//! (see `unspin_fuzz::analyze`).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| unspin_fuzz::analyze(data));
