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
}
