//! The one backoff rule: every retry in the app (polled views, the log engine, the websocket)
//! waits [`backoff_ms`] so a broken server is never hammered and a recovered one is picked up
//! within seconds.

/// Longest wait between two tries: a long outage costs one request per source every 30 s.
pub(crate) const MAX_BACKOFF_MS: u32 = 30_000;

/// The wait before try `n`, counting from 0: 1, 2, 4, 8, 16, then 30 s. Callers that count
/// failures (1 after the first) get 2, 4, 8, 16, 30 s.
pub fn backoff_ms(n: u32) -> u32 {
    (1_000u32 << n.min(5)).min(MAX_BACKOFF_MS)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn doubles_from_one_second_and_caps_at_thirty() {
        let got: Vec<u32> = (0..8).map(backoff_ms).collect();
        assert_eq!(
            got,
            [1_000, 2_000, 4_000, 8_000, 16_000, 30_000, 30_000, 30_000]
        );
        assert_eq!(backoff_ms(u32::MAX), MAX_BACKOFF_MS);
    }
}
