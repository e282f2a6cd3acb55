//! A tiny deterministic PRNG (xorshift64*) for generated test data and benchmarks, so every
//! run sees the same input without a dependency. Not for anything security-related.
//!
//! Compiled into core's tests only (`#[cfg(test)]` in lib.rs) and, through `#[path]`, into
//! `benches/ansi.rs`; the library (and so the app) does not contain it.

#[derive(Debug, Clone)]
pub struct Rng(pub u64);

impl Rng {
    pub fn next_u64(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    /// A value in `0..n` (0 when `n` is 0).
    pub fn below(&mut self, n: u64) -> u64 {
        self.next_u64() % n.max(1)
    }

    /// One of `items`, or "" when empty.
    pub fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items
            .get(self.below(items.len() as u64) as usize)
            .copied()
            .unwrap_or("")
    }
}
