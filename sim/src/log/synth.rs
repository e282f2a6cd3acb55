//! The generated body of the **synthetic** CodeArts logs (the 1,000,000-line build and the
//! endlessly growing one): Maven-like lines computed from their index, never stored.
//!
//! Every field that varies with the index has a fixed width and the timestamp prefix has a
//! fixed width, so a line's byte length depends only on its place in a [`PERIOD`]-line
//! pattern. Byte offsets are then closed-form (whole periods plus a prefix inside one), which
//! is what lets a reader jump to any byte of a 1M-line or unbounded log at once.

use crate::timefmt;
use std::fmt::Write;
use std::sync::OnceLock;

/// Lines in one repetition of the pattern.
pub const PERIOD: u64 = 1000;

/// Most body lines a log can have: the index is printed with 9 digits.
pub const MAX_LINES: u64 = 999_999_999;

/// How body lines are spread in time.
#[derive(Clone, Copy, Debug)]
pub enum Pace {
    /// `count` lines evenly over `span_ms` (at least 1 ms apart when `span_ms >= count`).
    Spread { span_ms: i64 },
    /// One line every `ms` milliseconds.
    Every { ms: i64 },
}

#[derive(Clone, Debug)]
pub struct Body {
    pub count: u64,
    /// The stage whose log holds the body.
    pub stage: usize,
    /// When line 0 is written.
    pub start: i64,
    pub pace: Pace,
}

/// Body line `j` written at `at`, with its `\n`. Every 1000th line is an ERROR (red), every
/// 100th a WARN; others carry ANSI colour, CJK text or an emoji (3- and 4-byte UTF-8).
pub fn line(j: u64, at: i64, out: &mut String) {
    let ts = timefmt::codearts_log(at);
    let m = j % 17;
    let _ = match j % PERIOD {
        999 => writeln!(
            out,
            "{ts} [ERROR] [Maven构建:external_post_maven] : \u{1b}[1;31mitem {j:09} failed: checksum mismatch in shard {m:02}\u{1b}[0m"
        ),
        s if s % 100 == 77 => writeln!(out, "{ts} [INFO] 🚀 item {j:09} deployed to canary-{m:02}"),
        s if s % 100 == 50 => writeln!(
            out,
            "{ts} [WARN] item {j:09}: slow response from mirror-{m:02}, retrying"
        ),
        s if s % 10 == 3 => writeln!(
            out,
            "{ts} [INFO] \u{1b}[32m✔\u{1b}[0m item {j:09} compiled in module-{m:02}"
        ),
        s if s % 10 == 7 => writeln!(out, "{ts} [INFO] 模块 module-{m:02} 处理条目 {j:09}：完成"),
        _ => writeln!(
            out,
            "{ts} [INFO] item {j:09} ok: synthetic.mod{m:02} processed {:06} bytes",
            (j.wrapping_mul(7919)) % 1_000_000
        ),
    };
}

/// Byte offset of each line inside one period, and the period's length last.
fn pattern() -> &'static [u64] {
    static P: OnceLock<Vec<u64>> = OnceLock::new();
    P.get_or_init(|| {
        let mut off = Vec::with_capacity(PERIOD as usize + 1);
        let mut total = 0u64;
        let mut s = String::new();
        off.push(0);
        for j in 0..PERIOD {
            s.clear();
            line(j, 0, &mut s);
            total += s.len() as u64;
            off.push(total);
        }
        off
    })
}

impl Body {
    pub fn at(&self, j: u64) -> i64 {
        match self.pace {
            Pace::Spread { span_ms } => {
                let n = i128::from(self.count.max(1));
                self.start + (i128::from(span_ms) * i128::from(j) / n) as i64
            }
            Pace::Every { ms } => self.start.saturating_add(ms.saturating_mul(j as i64)),
        }
    }

    /// Byte offset of body line `j` (`j` = `count` gives the body's length).
    pub fn offset(&self, j: u64) -> u64 {
        let p = pattern();
        (j / PERIOD) * p[PERIOD as usize] + p[(j % PERIOD) as usize]
    }

    pub fn write(&self, j: u64, out: &mut String) {
        line(j, self.at(j), out);
    }
}
