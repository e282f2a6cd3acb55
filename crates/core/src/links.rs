//! Link safety: only http(s) targets ever become clickable.

/// The URL, trimmed, when it is an absolute `http://` or `https://` URL; `None` otherwise
/// (`javascript:`, `data:`, relative paths, control characters...).
pub fn safe_http_url(raw: &str) -> Option<&str> {
    let url = raw.trim();
    let lower = url.get(..8).unwrap_or(url).to_ascii_lowercase();
    let ok = lower.starts_with("http://") || lower.starts_with("https://");
    (ok && !url.chars().any(char::is_control) && url.len() > "http://".len()).then_some(url)
}

/// Percent-encodes everything but RFC 3986's unreserved characters, so a value taken from a
/// server or a user can never change the path or query it is put into.
pub fn percent_encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// The inverse of [`percent_encode`] (and of `encodeURIComponent`): every valid `%XX` becomes
/// its byte; a `%` without two hex digits stays as it is, bytes that are not UTF-8 become
/// U+FFFD, and `+` stays `+` (the encoder writes a space as `%20`).
pub fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        // Two hex digits exactly: `from_str_radix` alone would also take a sign (`%+1`).
        let hex = bytes
            .get(i + 1..i + 3)
            .filter(|h| h.iter().all(u8::is_ascii_hexdigit))
            .and_then(|h| u8::from_str_radix(std::str::from_utf8(h).ok()?, 16).ok());
        match (bytes[i], hex) {
            (b'%', Some(b)) => {
                out.push(b);
                i += 3;
            }
            (b, _) => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_http_and_https() {
        assert_eq!(
            safe_http_url(" https://ci.example/x "),
            Some("https://ci.example/x")
        );
        assert_eq!(
            safe_http_url("HTTP://ci.example"),
            Some("HTTP://ci.example")
        );
        for bad in [
            "javascript:alert(1)",
            " JaVaScRiPt:alert(1)",
            "data:text/html,<script>",
            "/relative",
            "//evil.example",
            "http://",
            "https://x\n.example",
            "vbscript:x",
            "",
        ] {
            assert_eq!(safe_http_url(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn percent_encoding_keeps_only_unreserved_characters() {
        assert_eq!(percent_encode("a-b_c.d~e"), "a-b_c.d~e");
        assert_eq!(percent_encode("a b&c=d/é"), "a%20b%26c%3Dd%2F%C3%A9");
    }

    #[test]
    fn percent_decoding_inverts_the_encoder() {
        for s in ["", "a b&c=d/é", "100%", "%2F", "+", "日本語 ✓", "a\u{0}b"] {
            assert_eq!(percent_decode(&percent_encode(s)), s, "{s:?}");
        }
    }

    #[test]
    fn percent_decoding_is_lenient_with_junk() {
        assert_eq!(percent_decode("50%"), "50%");
        assert_eq!(percent_decode("%zz%4"), "%zz%4");
        assert_eq!(percent_decode("%+1%-1"), "%+1%-1");
        assert_eq!(percent_decode("a+b"), "a+b");
        assert_eq!(percent_decode("%2f%2F"), "//");
        assert_eq!(percent_decode("%FF"), "\u{FFFD}");
        assert_eq!(percent_decode("%C3%A9"), "é");
    }
}
