#![no_main]
// The work is in src/lib.rs so every target reads the same way; see its docs.
libfuzzer_sys::fuzz_target!(|data: &[u8]| buildscope_fuzz::timeparse(data));
