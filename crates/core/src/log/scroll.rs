//! Scroll geometry of the log viewer (pure, no DOM): where the scrollbar is versus which row is
//! at the top, for logs far taller than a browser element may be.
//!
//! Browsers cap element heights (Chromium ~33.5M px, Firefox ~17.9M px): 10M rows of 18 px
//! are 180M px. Up to [`MAX_SPACER_PX`] the spacer is the real height and one pixel of scroll
//! is one pixel of log. Beyond it the spacer stays at the cap and the scrollbar maps
//! *proportionally* onto rows: dragging the thumb to the bottom shows the last line, to the
//! middle the middle line. Fine movement (wheel, arrows, page keys) does not go through the
//! scrollbar then — one scroll pixel would be ~10 rows — but moves the top row directly by
//! pixels / row height, and the scrollbar is set to match ([`Geometry::scroll_for`]).

/// The tallest spacer used. Well under every engine's cap, so no browser clamps it.
pub(crate) const MAX_SPACER_PX: f64 = 8_000_000.0;

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Geometry {
    pub rows: u64,
    pub row_px: f64,
    pub viewport_px: f64,
}

impl Geometry {
    /// Height of the element that gives the scrollbar its range.
    pub fn spacer_px(&self) -> f64 {
        (self.rows as f64 * self.row_px).min(MAX_SPACER_PX)
    }

    /// Whether the scrollbar is proportional rather than 1:1.
    pub fn scaled(&self) -> bool {
        self.rows as f64 * self.row_px > MAX_SPACER_PX
    }

    /// Rows that fit in the viewport (fractional).
    pub fn rows_in_view(&self) -> f64 {
        if self.row_px > 0.0 {
            self.viewport_px / self.row_px
        } else {
            0.0
        }
    }

    /// The largest top row: the last row then sits at the bottom of the viewport.
    pub fn max_top(&self) -> f64 {
        (self.rows as f64 - self.rows_in_view()).max(0.0)
    }

    fn scroll_range(&self) -> f64 {
        (self.spacer_px() - self.viewport_px).max(0.0)
    }

    /// The (fractional) top row for a scroll position.
    pub fn top_for(&self, scroll_top: f64) -> f64 {
        let top = if !self.scaled() {
            scroll_top / self.row_px.max(1.0)
        } else if self.scroll_range() > 0.0 {
            scroll_top / self.scroll_range() * self.max_top()
        } else {
            0.0
        };
        clamp(top, self.max_top())
    }

    /// The scroll position that shows `top` at the top.
    pub fn scroll_for(&self, top: f64) -> f64 {
        let top = clamp(top, self.max_top());
        if !self.scaled() {
            top * self.row_px
        } else if self.max_top() > 0.0 {
            top / self.max_top() * self.scroll_range()
        } else {
            0.0
        }
    }

    /// Whether `top` is at (or within half a row of) the end: "at the bottom" for follow mode.
    pub fn at_bottom(&self, top: f64) -> bool {
        top >= self.max_top() - 0.5
    }

    /// The top row that puts `row` in view, or `current` if it already is (`margin` rows kept
    /// from the edges when moving).
    pub fn reveal(&self, current: f64, row: u64, margin: f64) -> f64 {
        let row = row as f64;
        let visible = self.rows_in_view();
        if row >= current && row + 1.0 <= current + visible {
            return current;
        }
        let margin = margin.min((visible / 2.0 - 1.0).max(0.0));
        let top = if row < current {
            row - margin
        } else {
            row + 1.0 + margin - visible
        };
        clamp(top, self.max_top())
    }
}

fn clamp(v: f64, max: f64) -> f64 {
    if v.is_nan() {
        0.0
    } else {
        v.clamp(0.0, max.max(0.0))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn small_logs_scroll_one_to_one() {
        let g = Geometry {
            rows: 1000,
            row_px: 18.0,
            viewport_px: 540.0,
        };
        assert!(!g.scaled());
        assert_eq!(g.spacer_px(), 18_000.0);
        assert_eq!(g.top_for(180.0), 10.0);
        assert_eq!(g.scroll_for(10.0), 180.0);
        assert_eq!(g.max_top(), 970.0);
        assert_eq!(g.top_for(1e9), 970.0);
        assert!(g.at_bottom(970.0) && !g.at_bottom(960.0));
    }

    #[test]
    fn ten_million_lines_are_navigable_end_to_end() {
        let g = Geometry {
            rows: 10_000_000,
            row_px: 18.0,
            viewport_px: 720.0,
        };
        assert!(g.scaled());
        assert_eq!(g.spacer_px(), MAX_SPACER_PX);
        let end = g.spacer_px() - g.viewport_px;
        assert_eq!(g.top_for(0.0), 0.0);
        assert_eq!(g.top_for(end), g.max_top());
        assert_eq!(g.max_top(), 10_000_000.0 - 40.0);
        // The middle of the scrollbar is the middle of the log.
        let mid = g.top_for(end / 2.0);
        assert!((mid - g.max_top() / 2.0).abs() < 1.0);
        // Round trip through the scrollbar loses less than the rows one scroll pixel covers.
        for top in [0.0, 1.0, 12_345.5, 5_000_000.0, g.max_top()] {
            let back = g.top_for(g.scroll_for(top));
            assert!((back - top).abs() < 1e-3, "{top} -> {back}");
        }
    }

    #[test]
    fn reveal_moves_only_when_needed() {
        let g = Geometry {
            rows: 1000,
            row_px: 20.0,
            viewport_px: 200.0,
        };
        assert_eq!(g.reveal(100.0, 105, 2.0), 100.0);
        assert_eq!(g.reveal(100.0, 50, 2.0), 48.0);
        assert_eq!(g.reveal(100.0, 200, 2.0), 193.0);
        assert_eq!(g.reveal(0.0, 999, 2.0), 990.0);
        assert_eq!(g.reveal(5.0, 0, 2.0), 0.0);
        // Odd inputs never give NaN or a negative row.
        let empty = Geometry {
            rows: 0,
            row_px: 0.0,
            viewport_px: 0.0,
        };
        assert_eq!(empty.top_for(f64::NAN), 0.0);
        assert_eq!(empty.scroll_for(5.0), 0.0);
    }
}
