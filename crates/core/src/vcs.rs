//! Version-control facts as a dashboard shows them (pure).

/// How many characters of a revision a list shows; the full one goes in a tooltip.
pub(crate) const SHORT_REVISION: usize = 10;

/// The first [`SHORT_REVISION`] characters of a revision (by character, never splitting one).
pub fn short_revision(rev: &str) -> &str {
    let rev = rev.trim();
    match rev.char_indices().nth(SHORT_REVISION) {
        Some((end, _)) => &rev[..end],
        None => rev,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn revisions_shorten_to_ten_characters() {
        assert_eq!(
            short_revision("0123456789abcdef0123456789abcdef01234567"),
            "0123456789"
        );
        assert_eq!(short_revision(" abc1234 "), "abc1234");
        assert_eq!(short_revision("ééééééééééé"), "éééééééééé");
        assert_eq!(short_revision(""), "");
    }
}
