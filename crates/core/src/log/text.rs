//! One log line as the viewer holds it: the stream it came from and its text (pure, no DOM).
//!
//! Buildbot stdio logs (`type: s`) prefix every stored line with one stream character —
//! `o` stdout, `e` stderr, `h` header (the command, its environment, the exit code), `i`
//! stdin — which is styled and removed from the text. `t` logs have no prefix. The text keeps
//! its escape sequences; `ansi` renders or strips them.
//!
//! Huawei logs (CodeArts Build, ServiceStage) are plain text whose lines may start with a
//! CodeArts time / level / `stage:step` prefix ([`LogLine::huawei`]); the prefix is parsed into
//! [`LogLine::stamp`] (`log::stamp`) and removed from the text, so it is shown once, in a gutter.

use crate::ansi;
use crate::buildbot::LogType;
use crate::log::stamp::{self, Level, Stamp};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stream {
    Stdout,
    Stderr,
    Header,
    Stdin,
    /// A line of a text log, or a stdio line without a known prefix.
    Text,
}

impl Stream {
    /// The CSS class suffix and the name screen readers hear.
    pub fn key(self) -> &'static str {
        match self {
            Stream::Stdout => "o",
            Stream::Stderr => "e",
            Stream::Header => "h",
            Stream::Stdin => "i",
            Stream::Text => "t",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogLine {
    pub stream: Stream,
    /// The line without its stream prefix (or CodeArts prefix), escapes kept.
    pub text: String,
    /// The CodeArts prefix's time, level and tag, when the line had one. Boxed: Buildbot lines
    /// never have one and pay a pointer for it.
    pub stamp: Option<Box<Stamp>>,
}

impl LogLine {
    /// Parses one stored line (no trailing newline) of a log of type `kind`.
    pub fn parse(raw: &str, kind: &LogType) -> LogLine {
        if *kind != LogType::Stdio {
            return LogLine::text(raw);
        }
        let stream = match raw.as_bytes().first() {
            Some(b'o') => Stream::Stdout,
            Some(b'e') => Stream::Stderr,
            Some(b'h') => Stream::Header,
            Some(b'i') => Stream::Stdin,
            // Not a known prefix: show the whole line rather than eat a character.
            _ => return LogLine::text(raw),
        };
        LogLine {
            stream,
            text: raw[1..].to_string(),
            stamp: None,
        }
    }

    /// A line of a plain text log, kept whole.
    pub fn text(raw: &str) -> LogLine {
        LogLine {
            stream: Stream::Text,
            text: raw.to_string(),
            stamp: None,
        }
    }

    /// A line of a Huawei log: its CodeArts prefix, if any, parsed into [`LogLine::stamp`] and
    /// removed from the text; any other line kept whole.
    pub fn huawei(raw: &str) -> LogLine {
        match stamp::parse(raw) {
            Some((s, message)) => LogLine {
                stream: Stream::Text,
                text: message.to_string(),
                stamp: Some(Box::new(s)),
            },
            None => LogLine::text(raw),
        }
    }

    /// Whether "next error" should stop here: an `ERROR`-level CodeArts line, a stderr line, a
    /// line whose text starts red, or a line that matches a common error pattern of compilers,
    /// test runners and build tools.
    pub(crate) fn is_error(&self) -> bool {
        // Header lines echo the command, which may well contain "error" or "FAILED".
        if self.stream == Stream::Header {
            return false;
        }
        if self
            .stamp
            .as_ref()
            .is_some_and(|s| s.level == Some(Level::Error))
        {
            return true;
        }
        if self.stream == Stream::Stderr && !ansi::strip(&self.text).trim().is_empty() {
            return true;
        }
        if self.text.contains('\u{1b}') && starts_red(&self.text) {
            return true;
        }
        looks_like_error(&ansi::strip(&self.text))
    }
}

/// True when the first visible character of the line is drawn in red (SGR 31, 91, 256-colour
/// 1/9/160/196 or a truecolor red), the way most tools print errors.
fn starts_red(text: &str) -> bool {
    let mut style = ansi::Style::default();
    let spans = ansi::render_line(text, &mut style);
    spans
        .iter()
        .find(|s| !s.text.trim().is_empty())
        .and_then(|s| s.style.fg)
        .is_some_and(is_red)
}

fn is_red(c: ansi::Color) -> bool {
    match c {
        ansi::Color::Indexed(i) => matches!(i, 1 | 9 | 124 | 160 | 196),
        ansi::Color::Rgb(r, g, b) => r >= 0xb0 && g < 0x70 && b < 0x70,
    }
}

/// Common error shapes. Kept deliberately narrow: a "next error" that stops on every line
/// containing the word "error" (e.g. `-Werror`, `0 errors`) is useless.
pub(crate) fn looks_like_error(plain: &str) -> bool {
    let t = plain.trim_start();
    const STARTS: [&str; 14] = [
        "error:",
        "error[",
        "Error:",
        "ERROR:",
        "ERROR ",
        "[ERROR]",
        "FAILED",
        "FAIL:",
        "FAIL ",
        "fatal:",
        "Fatal error",
        "Traceback (most recent call last)",
        "npm ERR!",
        "E   ",
    ];
    if STARTS.iter().any(|p| t.starts_with(p)) {
        return true;
    }
    const CONTAINS: [&str; 9] = [
        // Test runners: `test_x ... FAILED` (Python unittest, cargo test), `... ERROR`.
        " ... FAILED",
        " ... ERROR",
        ": error:",
        ": error ",
        ": fatal error",
        "panicked at",
        "BUILD FAILURE",
        "BUILD FAILED",
        "Exception in thread",
    ];
    CONTAINS.iter().any(|p| t.contains(p))
}

/// The lines a `#L<n>` or `#L<a>-L<b>` fragment names, as 0-based `(first, last)` (the
/// fragment is 1-based, like the line numbers shown). Reversed ranges are put in order.
pub fn parse_line_anchor(hash: &str) -> Option<(u64, u64)> {
    let rest = hash.strip_prefix('#').unwrap_or(hash).strip_prefix('L')?;
    let (a, b) = match rest.split_once('-') {
        Some((a, b)) => (a, b.strip_prefix('L').unwrap_or(b)),
        None => (rest, rest),
    };
    let (a, b) = (a.parse::<u64>().ok()?, b.parse::<u64>().ok()?);
    if a == 0 || b == 0 {
        return None;
    }
    Some((a.min(b) - 1, a.max(b) - 1))
}

/// The fragment for 0-based lines `first..=last`.
pub fn line_anchor(first: u64, last: u64) -> String {
    if first == last {
        format!("#L{}", first + 1)
    } else {
        format!("#L{}-L{}", first + 1, last + 1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stdio_prefixes_become_streams_and_leave_the_text() {
        let s = LogType::Stdio;
        assert_eq!(LogLine::parse("ohello", &s).stream, Stream::Stdout);
        assert_eq!(LogLine::parse("ohello", &s).text, "hello");
        assert_eq!(LogLine::parse("eoops", &s).stream, Stream::Stderr);
        assert_eq!(LogLine::parse("hargv: [x]", &s).stream, Stream::Header);
        assert_eq!(LogLine::parse("iinput", &s).stream, Stream::Stdin);
        assert_eq!(LogLine::parse("o", &s).text, "");
        // Unknown prefix or empty line: nothing is eaten.
        assert_eq!(LogLine::parse("xyz", &s).text, "xyz");
        assert_eq!(LogLine::parse("", &s).text, "");
        assert_eq!(LogLine::parse("\u{e9}t\u{e9}", &s).text, "\u{e9}t\u{e9}");
        // A text log keeps the first character.
        let t = LogLine::parse("ohello", &LogType::Text);
        assert_eq!((t.stream, t.text.as_str()), (Stream::Text, "ohello"));
    }

    #[test]
    fn the_buildbot_stdio_fixture_splits_into_streams() {
        let body = crate::testdata::buildbot("log-stdio-interleaved-contents");
        let chunk = crate::buildbot::decode_logchunk(&body).unwrap();
        let lines: Vec<LogLine> = chunk
            .lines()
            .map(|l| LogLine::parse(l, &LogType::Stdio))
            .collect();
        assert!(lines.iter().any(|l| l.stream == Stream::Header));
        assert!(lines.iter().any(|l| l.stream == Stream::Stdout));
        assert!(lines.iter().all(|l| l.stream != Stream::Text));
    }

    #[test]
    fn line_anchors_round_trip() {
        assert_eq!(parse_line_anchor("#L150000"), Some((149_999, 149_999)));
        assert_eq!(parse_line_anchor("#L5-L9"), Some((4, 8)));
        assert_eq!(parse_line_anchor("#L9-L5"), Some((4, 8)));
        assert_eq!(parse_line_anchor("L7-8"), Some((6, 7)));
        for bad in [
            "",
            "#",
            "#L",
            "#L0",
            "#Lx",
            "#step-3",
            "#L1-",
            "#L-1",
            "#L99999999999999999999",
        ] {
            assert_eq!(parse_line_anchor(bad), None, "{bad}");
        }
        assert_eq!(line_anchor(0, 0), "#L1");
        assert_eq!(line_anchor(4, 8), "#L5-L9");
        assert_eq!(parse_line_anchor(&line_anchor(41, 99)), Some((41, 99)));
    }

    #[test]
    fn errors_are_stderr_red_or_error_shaped() {
        let line = |s: Stream, t: &str| LogLine {
            stream: s,
            text: t.into(),
            stamp: None,
        };
        assert!(line(Stream::Stderr, "warning: x").is_error());
        assert!(!line(Stream::Stderr, "   ").is_error());
        assert!(line(Stream::Stdout, "\u{1b}[31mFAILED\u{1b}[0m test_x").is_error());
        assert!(line(Stream::Stdout, "\u{1b}[1;38;5;196mboom\u{1b}[0m").is_error());
        assert!(!line(Stream::Stdout, "\u{1b}[32mok\u{1b}[0m").is_error());
        assert!(line(Stream::Stdout, "src/main.rs:3:5: error: expected `;`").is_error());
        assert!(line(Stream::Stdout, "error[E0382]: use of moved value").is_error());
        assert!(line(Stream::Stdout, "thread 'main' panicked at src/x.rs:1").is_error());
        assert!(line(Stream::Stdout, "[ERROR] BUILD FAILURE").is_error());
        assert!(line(Stream::Stdout, "test_c ... FAILED").is_error());
        assert!(!line(Stream::Stdout, "test_a ... ok").is_error());
        assert!(line(Stream::Stdout, "Traceback (most recent call last):").is_error());
        assert!(!line(Stream::Stdout, "compiling with -Werror").is_error());
        assert!(!line(Stream::Stdout, "test result: ok. 0 errors").is_error());
        assert!(!line(Stream::Header, "argv: [make]").is_error());
        assert!(!line(Stream::Header, "bash -c 'echo \"test_c ... FAILED\"'").is_error());
    }

    #[test]
    fn huawei_lines_lose_their_prefix_and_error_level_lines_are_errors() {
        let l = LogLine::huawei(
            "[2023/12/21 15:44:18.743 GMT+08:00] [ERROR] [Maven构建:mvn] : compilation stopped",
        );
        assert_eq!(l.text, "compilation stopped");
        assert_eq!(l.stream, Stream::Text);
        let s = l.stamp.as_deref().unwrap();
        assert_eq!(
            (s.level.clone(), s.stage()),
            (Some(Level::Error), Some("Maven构建"))
        );
        assert!(l.is_error(), "the level alone makes it an error");
        let info = LogLine::huawei("[2023/12/21 15:44:18.743 GMT+08:00] [INFO] [a:b] : all fine");
        assert!(!info.is_error());
        assert_eq!(info.text, "all fine");
        // The error patterns still apply to the message.
        let maven = LogLine::huawei("[2023/12/21 15:44:18.743 GMT+08:00] [INFO] [a:b] : [ERROR] x");
        assert!(maven.is_error());
        // No prefix: whole and unstamped.
        let plain = LogLine::huawei("[Build] mvn package");
        assert_eq!(
            (plain.text.as_str(), plain.stamp.is_none()),
            ("[Build] mvn package", true)
        );
    }
}
