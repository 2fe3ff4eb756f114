//! Fuzz target: the HTTP API of `unspin serve`, driven in-process, must never
//! panic, answer 5xx other than 503, or write an error that is not the
//! documented JSON shape (see `unspin_fuzz::http`).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| unspin_fuzz::http(data));
