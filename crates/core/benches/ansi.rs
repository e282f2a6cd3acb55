//! Log-viewer text throughput: ANSI rendering, stripping and state walking over ~50 MB of
//! generated log text per data set, and the group index build rate.
//!
//! Run with `cargo bench --bench ansi` (harness = false: plain `std::time::Instant`, best of
//! `RUNS` passes; MB = 10^6 bytes of input text, stream prefix excluded). The numbers depend
//! on the bench profile, which inherits the crate's size-optimised release profile.

use std::collections::HashSet;
use std::hint::black_box;
use std::time::{Duration, Instant};

use buildscope_core::ansi::{render_line, strip_into, style_after, Params, Parser, Perform, Style};
use buildscope_core::log::groups::GroupIndex;
// Deterministic, so every run measures the same text. Included by path: the library only
// compiles it for its tests.
#[path = "../src/rng.rs"]
mod rng;
use rng::Rng;

/// Bytes of text generated per data set.
const TARGET_BYTES: usize = 50_000_000;
/// Timed passes per measurement; the best is reported (least disturbed by other load).
const RUNS: usize = 3;

const CRATES: &[&str] = &[
    "serde", "tokio", "hyper", "leptos", "regex", "syn", "quote", "chrono", "rand", "libc",
];
const WORDS: &[&str] = &[
    "fetching",
    "objects",
    "resolved",
    "worker",
    "artifact",
    "upload",
    "cache",
    "restored",
    "compiling",
    "linking",
    "step",
    "finished",
    "waiting",
    "lock",
    "build",
    "request",
];

/// Plain output as build tools print it: compiler progress, test results, log records.
fn plain_line(rng: &mut Rng, i: usize) -> String {
    match rng.below(6) {
        0 => format!(
            "   Compiling {} v1.{}.{} (/srv/bb/worker/build/crates/{})",
            rng.pick(CRATES),
            rng.below(30),
            rng.below(10),
            rng.pick(CRATES)
        ),
        1 => format!(
            "test {}::tests::case_{} ... ok",
            rng.pick(CRATES),
            rng.below(10_000)
        ),
        2 => format!(
            "2026-08-18T12:{:02}:{:02}.{:03}Z INFO  {} {} {} {} in {}ms (line {i})",
            rng.below(60),
            rng.below(60),
            rng.below(1000),
            rng.pick(WORDS),
            rng.pick(WORDS),
            rng.below(100_000),
            rng.pick(WORDS),
            rng.below(5000)
        ),
        3 => format!(
            "\tat org.example.{}.{}(Service.java:{})",
            rng.pick(WORDS),
            rng.pick(WORDS),
            rng.below(900)
        ),
        4 => (0..12)
            .map(|_| rng.pick(WORDS))
            .collect::<Vec<_>>()
            .join(" "),
        _ => format!(
            "gcc -O2 -Wall -I/usr/include/{} -c src/{}.c -o build/{}.o",
            rng.pick(CRATES),
            rng.pick(WORDS),
            rng.pick(WORDS)
        ),
    }
}

/// Heavily coloured output: cargo/pytest-style status colours, 256-colour and truecolour
/// highlighting of many words per line, a progress bar redrawn with `\r`, OSC 8 links.
fn coloured_line(rng: &mut Rng, i: usize) -> String {
    match rng.below(6) {
        0 => format!(
            "\x1b[1m\x1b[32m   Compiling\x1b[0m {} v1.{}.0",
            rng.pick(CRATES),
            rng.below(30)
        ),
        1 => format!(
            "test {}::case_{} ... {}",
            rng.pick(CRATES),
            rng.below(10_000),
            if rng.below(10) == 0 {
                "\x1b[1;31mFAILED\x1b[0m"
            } else {
                "\x1b[32mok\x1b[0m"
            }
        ),
        // Syntax-highlighted source: a colour change on every word.
        2 => {
            let mut s = String::new();
            for w in 0..14 {
                match w % 4 {
                    0 => s.push_str(&format!("\x1b[38;5;{}m", 16 + rng.below(216))),
                    1 => s.push_str(&format!(
                        "\x1b[38;2;{};{};{}m",
                        rng.below(256),
                        rng.below(256),
                        rng.below(256)
                    )),
                    2 => s.push_str("\x1b[1;3m"),
                    _ => s.push_str("\x1b[0m"),
                }
                s.push_str(rng.pick(WORDS));
                s.push(' ');
            }
            s.push_str("\x1b[0m");
            s
        }
        3 => {
            let mut s = String::new();
            for p in (0..=100).step_by(25) {
                s.push_str(&format!("\x1b[36mdownloading\x1b[0m [{:<10}] {p}%\r", "#".repeat(p / 10)));
            }
            s.push_str("\x1b[2K\x1b[32mdownloaded\x1b[0m");
            s
        }
        4 => format!(
            "\x1b[33mwarning\x1b[0m: see \x1b]8;;https://ci.example/builds/{i}\x1b\\build {i}\x1b]8;;\x1b\\ for \x1b[4m{}\x1b[24m",
            rng.pick(WORDS)
        ),
        _ => format!(
            "\x1b[90m2026-08-18T12:00:00Z\x1b[0m \x1b[34mINFO\x1b[0m \x1b[1m{}\x1b[22m {} {}",
            rng.pick(WORDS),
            rng.pick(WORDS),
            rng.below(100_000)
        ),
    }
}

/// A mixed log with a group marker of some CI every ~40 lines.
fn grouped_line(rng: &mut Rng, i: usize) -> String {
    match rng.below(80) {
        0 => format!("::group::Step {i}"),
        1 => "::endgroup::".to_string(),
        2 => format!(
            "\x1b[0Ksection_start:{i}:s{}\r\x1b[0K\x1b[1mSection {i}\x1b[0m",
            i % 7
        ),
        3 => format!("\x1b[0Ksection_end:{i}:s{}\r\x1b[0K", i % 7),
        4 => format!("--- :package: Stage {i}"),
        n if n < 40 => coloured_line(rng, i),
        _ => plain_line(rng, i),
    }
}

fn generate(seed: u64, make: fn(&mut Rng, usize) -> String) -> (Vec<String>, usize) {
    let mut rng = Rng(seed);
    let mut lines = Vec::new();
    let mut bytes = 0;
    while bytes < TARGET_BYTES {
        let line = make(&mut rng, lines.len());
        bytes += line.len();
        lines.push(line);
    }
    (lines, bytes)
}

/// Best time of `RUNS` passes of `f`.
fn best(mut f: impl FnMut()) -> Duration {
    (0..RUNS)
        .map(|_| {
            let t = Instant::now();
            f();
            t.elapsed()
        })
        .min()
        .unwrap_or_default()
}

fn mb_per_s(bytes: usize, d: Duration) -> f64 {
    bytes as f64 / 1e6 / d.as_secs_f64().max(1e-9)
}

/// What a parser recognised, counted the same way for both parsers (parse only: no styles).
#[derive(Default)]
struct Count {
    chars: usize,
    controls: usize,
    csi: usize,
    osc: usize,
}

impl Perform for Count {
    fn print(&mut self, _c: char) {
        self.chars += 1;
    }
    fn print_str(&mut self, s: &str) {
        self.chars += s.len();
    }
    fn execute(&mut self, _c: char) {
        self.controls += 1;
    }
    fn csi_dispatch(&mut self, params: &Params, _i: &[u8], _a: char) {
        self.csi += 1 + params.values().len();
    }
    fn osc_dispatch(&mut self, data: &str, _bell: bool) {
        self.osc += data.len();
    }
}

impl vte::Perform for Count {
    fn print(&mut self, _c: char) {
        self.chars += 1;
    }
    fn execute(&mut self, _byte: u8) {
        self.controls += 1;
    }
    fn csi_dispatch(&mut self, params: &vte::Params, _i: &[u8], _ignore: bool, _a: char) {
        self.csi += 1 + params.len();
    }
    fn osc_dispatch(&mut self, params: &[&[u8]], _bell: bool) {
        self.osc += params.iter().map(|p| p.len()).sum::<usize>();
    }
}

/// The parser alone, ours and vte 0.15's, over the same lines into the same counter: what the
/// hand-written one costs or saves against the reference (vte is byte-at-a-time and
/// terminal-complete; ours hands plain runs over whole and knows log text only).
fn parser_benches(lines: &[String], bytes: usize) {
    let ours = best(|| {
        let mut parser = Parser::new();
        let mut count = Count::default();
        for line in lines {
            parser.advance(&mut count, line);
        }
        black_box((count.chars, count.csi));
    });
    let theirs = best(|| {
        let mut parser = vte::Parser::new();
        let mut count = Count::default();
        for line in lines {
            parser.advance(&mut count, line.as_bytes());
        }
        black_box((count.chars, count.csi));
    });
    for (what, d) in [("parse (ours)", ours), ("parse (vte) ", theirs)] {
        println!(
            "  {what} {:>8.1} MB/s  ({:>6.0} ns/line, {:.3} s)",
            mb_per_s(bytes, d),
            d.as_secs_f64() * 1e9 / lines.len().max(1) as f64,
            d.as_secs_f64()
        );
    }
}

fn text_benches(name: &str, lines: &[String], bytes: usize) {
    println!(
        "{name}: {} lines, {:.1} MB, avg {:.0} bytes/line",
        lines.len(),
        bytes as f64 / 1e6,
        bytes as f64 / lines.len().max(1) as f64
    );
    let render = best(|| {
        let mut state = Style::default();
        let mut spans = 0usize;
        for line in lines {
            spans += black_box(render_line(line, &mut state)).len();
        }
        black_box((spans, state));
    });
    let strip = best(|| {
        let mut buf = String::new();
        let mut total = 0usize;
        for line in lines {
            buf.clear();
            strip_into(line, &mut buf);
            total += black_box(&buf).len();
        }
        black_box(total);
    });
    let walk = best(|| {
        black_box(style_after(
            lines.iter().map(String::as_str),
            Style::default(),
        ));
    });
    for (what, d) in [
        ("render_line", render),
        ("strip_into ", strip),
        ("style_after", walk),
    ] {
        println!(
            "  {what}  {:>8.1} MB/s  ({:>6.0} ns/line, {:.3} s)",
            mb_per_s(bytes, d),
            d.as_secs_f64() * 1e9 / lines.len().max(1) as f64,
            d.as_secs_f64()
        );
    }
    parser_benches(lines, bytes);
}

fn main() {
    let t = Instant::now();
    let (plain, plain_bytes) = generate(1, plain_line);
    let (coloured, coloured_bytes) = generate(2, coloured_line);
    let (grouped, grouped_bytes) = generate(3, grouped_line);
    println!(
        "generated 3 × ~{} MB in {:.1} s; best of {RUNS} passes each\n",
        TARGET_BYTES / 1_000_000,
        t.elapsed().as_secs_f64()
    );

    text_benches("(a) plain text", &plain, plain_bytes);
    text_benches("(b) heavily coloured", &coloured, coloured_bytes);

    let mut groups = 0;
    let build = best(|| {
        let mut index = GroupIndex::new();
        for (i, line) in grouped.iter().enumerate() {
            index.push_line(i as u64, line);
        }
        groups = index.groups().len();
        black_box(&index);
    });
    println!(
        "(c) GroupIndex::push_line: {} lines ({:.1} MB, {groups} groups): {:.1} M lines/s ({:.1} MB/s)",
        grouped.len(),
        grouped_bytes as f64 / 1e6,
        grouped.len() as f64 / build.as_secs_f64().max(1e-9) / 1e6,
        mb_per_s(grouped_bytes, build)
    );

    let mut index = GroupIndex::new();
    for (i, line) in grouped.iter().enumerate() {
        index.push_line(i as u64, line);
    }
    let total = grouped.len() as u64;
    let collapsed: HashSet<u64> = index.groups().iter().map(|g| g.start).collect();
    let mut rows = index.visible_rows(&collapsed, total);
    let map = best(|| {
        rows = black_box(index.visible_rows(&collapsed, total));
    });
    let lookups = 1_000_000u64;
    let look = best(|| {
        let n = rows.row_count().max(1);
        let mut acc = 0u64;
        for k in 0..lookups {
            let row = k.wrapping_mul(2_654_435_761) % n;
            let line = rows.row_to_line(row).unwrap_or(0);
            acc = acc.wrapping_add(rows.line_to_row(line).unwrap_or(0));
        }
        black_box(acc);
    });
    println!(
        "    visible_rows with all {} groups collapsed: {:.2} ms ({} rows of {total} lines); row→line→row: {:.0} ns per pair",
        collapsed.len(),
        map.as_secs_f64() * 1e3,
        rows.row_count(),
        look.as_secs_f64() * 1e9 / lookups as f64
    );
}
