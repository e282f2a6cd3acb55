//! The escape-sequence state machine: text in, [`Perform`] calls out.

/// Most numeric CSI parameters (values and sub-parameters) kept; more are dropped.
pub(super) const MAX_PARAMS: usize = 32;
/// Intermediate bytes kept for a CSI/ESC sequence; a sequence with more is ignored.
const MAX_INTERMEDIATES: usize = 2;
/// Longest OSC string kept (bytes); a longer one is ignored rather than grown without bound.
const MAX_OSC_LEN: usize = 8192;

/// The numeric parameters of a CSI sequence, grouped: `1;38:2::255:0:0` is the groups `[1]`
/// and `[38, 2, 0, 255, 0, 0]` (`:` separates sub-parameters, `;` separates groups). An empty
/// parameter reads as 0. Values saturate at `u16::MAX`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Params {
    values: [u16; MAX_PARAMS],
    len: usize,
    /// Bit `i` set: `values[i]` was introduced by `:`, i.e. belongs to the previous group.
    sub: u32,
}

impl Params {
    /// No parameter at all (`ESC[m`), which differs from an explicit `ESC[0m` for some commands.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// All values in order, ignoring the grouping.
    pub fn values(&self) -> &[u16] {
        self.values.get(..self.len).unwrap_or_default()
    }

    /// The parameter groups, each a value followed by its `:` sub-parameters.
    pub fn iter(&self) -> ParamsIter<'_> {
        ParamsIter {
            values: self.values(),
            sub: self.sub,
            pos: 0,
        }
    }

    /// The first value, or `default` when there is none.
    pub fn first_or(&self, default: u16) -> u16 {
        self.values().first().copied().unwrap_or(default)
    }

    fn clear(&mut self) {
        self.len = 0;
        self.sub = 0;
    }

    /// Appends a value; `false` when full (the value is dropped).
    fn push(&mut self, value: u16, is_sub: bool) -> bool {
        let Some(slot) = self.values.get_mut(self.len) else {
            return false;
        };
        *slot = value;
        if is_sub {
            self.sub |= 1u32.checked_shl(self.len as u32).unwrap_or(0);
        }
        self.len += 1;
        true
    }
}

/// Iterator over [`Params`] groups.
#[derive(Clone, Debug)]
pub struct ParamsIter<'a> {
    values: &'a [u16],
    sub: u32,
    pos: usize,
}

impl<'a> Iterator for ParamsIter<'a> {
    type Item = &'a [u16];

    fn next(&mut self) -> Option<&'a [u16]> {
        let start = self.pos;
        if start >= self.values.len() {
            return None;
        }
        let mut end = start + 1;
        while end < self.values.len() && self.sub.checked_shr(end as u32).unwrap_or(0) & 1 == 1 {
            end += 1;
        }
        self.pos = end;
        self.values.get(start..end)
    }
}

/// Receives what the [`Parser`] recognises. Every method but `print` defaults to doing nothing.
pub trait Perform {
    /// One printable character (never a control character).
    fn print(&mut self, c: char);

    /// A run of printable characters; the parser uses this for plain text so a renderer can
    /// copy whole runs instead of going char by char. Defaults to `print` per char.
    fn print_str(&mut self, s: &str) {
        for c in s.chars() {
            self.print(c);
        }
    }

    /// A C0 control (`\t`, `\r`, BS, BEL...), or a C1 control code point (U+0080–U+009F). C1
    /// controls are reported but never start a sequence: in UTF-8 text they are almost always
    /// mis-decoded bytes, not 8-bit CSI introducers.
    fn execute(&mut self, _c: char) {}

    /// `ESC [ params intermediates action`. Private markers (`?`, `>`, `<`, `=`) come first in
    /// `intermediates`, so `ESC[?25l` has intermediates `b"?"`.
    fn csi_dispatch(&mut self, _params: &Params, _intermediates: &[u8], _action: char) {}

    /// `ESC intermediates byte`, e.g. `ESC ( B` (charset) or `ESC 7` (save cursor).
    fn esc_dispatch(&mut self, _intermediates: &[u8], _byte: u8) {}

    /// `ESC ] data ST` with the raw data between `]` and the terminator (ESC `\` or BEL).
    /// The data is given whole because OSC arguments may themselves contain `;` (an OSC 8 URI
    /// does), so only the handler knows how to split it.
    fn osc_dispatch(&mut self, _data: &str, _bell_terminated: bool) {}
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
enum State {
    #[default]
    Ground,
    Escape,
    EscapeIntermediate,
    CsiEntry,
    CsiParam,
    CsiIntermediate,
    CsiIgnore,
    OscString,
    /// DCS, SOS, PM and APC strings: consumed up to ST (or BEL), never dispatched.
    IgnoredString,
}

/// A streaming escape-sequence parser. State persists between [`Parser::advance`] calls, so a
/// sequence split across two calls is still recognised; [`Parser::reset`] forgets a pending one.
#[derive(Clone, Debug, Default)]
pub struct Parser {
    state: State,
    params: Params,
    param: u16,
    param_is_sub: bool,
    param_started: bool,
    intermediates: [u8; MAX_INTERMEDIATES],
    n_intermediates: usize,
    /// More intermediates than we keep: the sequence is consumed but not dispatched.
    intermediates_overflow: bool,
    osc: String,
    osc_overflow: bool,
}

/// Bytes that end a run of plain text in the ground state: C0 controls (incl. ESC), DEL, and
/// 0xC2, the UTF-8 lead byte of the C1 range U+0080–U+009F (also of U+00A0–U+00BF, which then
/// simply take the slow path). All are char boundaries, so runs can be sliced safely.
fn is_special_byte(b: u8) -> bool {
    b < 0x20 || b == 0x7f || b == 0xc2
}

/// The position of the first [`is_special_byte`] in `bytes`. Plain text is most of a log, so
/// this scans eight bytes per step (SWAR: a bit per byte that is below 0x20, or equal to 0x7f
/// or 0xc2) and looks at single bytes only in the word that has one.
pub(super) fn find_special(bytes: &[u8]) -> Option<usize> {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    // High bit of each byte of `v` that is zero (exact when any is: the classic `haszero`).
    let zero = |v: u64| v.wrapping_sub(ONES) & !v & HIGH;
    let mut start = 0;
    for chunk in bytes.chunks_exact(8) {
        let mut word = [0u8; 8];
        word.copy_from_slice(chunk);
        let x = u64::from_le_bytes(word);
        // `x - 0x20 * ONES` borrows into the high bit of every byte below 0x20 (`hasless`).
        let below = x.wrapping_sub(0x20 * ONES) & !x & HIGH;
        if below | zero(x ^ (0x7f * ONES)) | zero(x ^ (0xc2 * ONES)) != 0 {
            break;
        }
        start += 8;
    }
    let rest = bytes.get(start..)?;
    rest.iter()
        .position(|&b| is_special_byte(b))
        .map(|i| start + i)
}

/// Whether a line needs the parser at all (otherwise it is plain text, printed as is).
pub(super) fn needs_parsing(line: &str) -> bool {
    find_special(line.as_bytes()).is_some()
}

pub(super) fn is_c0(c: char) -> bool {
    c < ' '
}

pub(super) fn is_c1(c: char) -> bool {
    ('\u{80}'..='\u{9f}').contains(&c)
}

impl Parser {
    pub fn new() -> Self {
        Self::default()
    }

    /// Back to the ground state, dropping any half-read sequence.
    pub fn reset(&mut self) {
        self.state = State::Ground;
    }

    /// Feeds `text`. Plain runs are passed to [`Perform::print_str`] without per-char work.
    pub fn advance<P: Perform>(&mut self, performer: &mut P, text: &str) {
        let bytes = text.as_bytes();
        let mut i = 0;
        while i < bytes.len() {
            if self.state == State::Ground {
                let rest = bytes.get(i..).unwrap_or_default();
                let run = find_special(rest).unwrap_or(rest.len());
                if run > 0 {
                    if let Some(plain) = text.get(i..i + run) {
                        performer.print_str(plain);
                    }
                    i += run;
                    continue;
                }
            }
            // CSI fast path (nearly every escape in a CI log is an SGR): parse the whole
            // sequence in one byte loop instead of a state-machine step per character.
            if self.state == State::Ground && bytes.get(i..i + 2) == Some(b"\x1b[") {
                let seq = bytes.get(i + 2..).unwrap_or_default();
                if let Some(len) = self.fast_csi(performer, seq) {
                    i += 2 + len;
                    continue;
                }
            }
            let c = match bytes.get(i) {
                Some(&b) if b.is_ascii() => char::from(b),
                _ => match text.get(i..).and_then(|s| s.chars().next()) {
                    Some(c) => c,
                    None => break,
                },
            };
            i += c.len_utf8();
            self.advance_char(performer, c);
        }
    }

    /// Parses and dispatches a plain CSI sequence (`seq` starts after `ESC [`): an optional
    /// private marker, digits, `;` and `:`, then the final byte. Returns the bytes consumed,
    /// or `None` without side effects on anything the state machine relies on (intermediates,
    /// embedded controls, non-ASCII, end of input), in which case the caller replays the
    /// sequence through [`Parser::advance_char`], which handles every case.
    fn fast_csi<P: Perform>(&mut self, performer: &mut P, seq: &[u8]) -> Option<usize> {
        self.params.clear();
        self.n_intermediates = 0;
        self.intermediates_overflow = false;
        let mut param: u16 = 0;
        let mut is_sub = false;
        let mut started = false;
        for (k, &b) in seq.iter().enumerate() {
            match b {
                b'0'..=b'9' => {
                    param = param.saturating_mul(10).saturating_add(u16::from(b - b'0'));
                    started = true;
                }
                b';' | b':' => {
                    let _ = self.params.push(param, is_sub);
                    param = 0;
                    is_sub = b == b':';
                    started = true;
                }
                b'<'..=b'?' if k == 0 => self.collect(char::from(b)),
                b'@'..=b'~' => {
                    if started {
                        let _ = self.params.push(param, is_sub);
                    }
                    performer.csi_dispatch(&self.params, self.intermediates(), char::from(b));
                    return Some(k + 1);
                }
                _ => return None,
            }
        }
        None
    }

    /// Feeds one character.
    pub(crate) fn advance_char<P: Perform>(&mut self, performer: &mut P, c: char) {
        // Transitions valid from any state.
        match c {
            '\x1b' => {
                // ESC terminates an OSC string (normally as the first half of ST, `ESC \`; the
                // `\` then dispatches as a harmless ESC sequence) and starts a new sequence.
                if self.state == State::OscString {
                    self.dispatch_osc(performer, false);
                }
                self.state = State::Escape;
                self.n_intermediates = 0;
                self.intermediates_overflow = false;
                return;
            }
            // CAN and SUB abort any sequence.
            '\x18' | '\x1a' => {
                self.state = State::Ground;
                performer.execute(c);
                return;
            }
            _ => {}
        }

        match self.state {
            State::Ground => ground(performer, c),
            State::Escape => match c {
                c if is_c0(c) => performer.execute(c),
                ' '..='/' => {
                    self.collect(c);
                    self.state = State::EscapeIntermediate;
                }
                '[' => {
                    self.params.clear();
                    self.param = 0;
                    self.param_is_sub = false;
                    self.param_started = false;
                    self.state = State::CsiEntry;
                }
                ']' => {
                    self.osc.clear();
                    // One allocation for a typical OSC 8 URL instead of a doubling series.
                    self.osc.reserve(64);
                    self.osc_overflow = false;
                    self.state = State::OscString;
                }
                'P' | 'X' | '^' | '_' => self.state = State::IgnoredString,
                '0'..='~' => {
                    self.dispatch_esc(performer, c);
                    self.state = State::Ground;
                }
                '\x7f' => {}
                // Not ASCII: not a sequence after all. Keep the character as text rather than
                // swallowing it.
                _ => self.abort_to_ground(performer, c),
            },
            State::EscapeIntermediate => match c {
                c if is_c0(c) => performer.execute(c),
                ' '..='/' => self.collect(c),
                '0'..='~' => {
                    self.dispatch_esc(performer, c);
                    self.state = State::Ground;
                }
                '\x7f' => {}
                _ => self.abort_to_ground(performer, c),
            },
            State::CsiEntry | State::CsiParam => match c {
                c if is_c0(c) => performer.execute(c),
                '0'..='9' => {
                    let digit = c as u16 - '0' as u16;
                    self.param = self.param.saturating_mul(10).saturating_add(digit);
                    self.param_started = true;
                    self.state = State::CsiParam;
                }
                ';' | ':' => {
                    self.push_param();
                    self.param_is_sub = c == ':';
                    self.param_started = true;
                    self.state = State::CsiParam;
                }
                // Private markers are only valid before any parameter.
                '<'..='?' if self.state == State::CsiEntry => {
                    self.collect(c);
                    self.state = State::CsiParam;
                }
                '<'..='?' => self.state = State::CsiIgnore,
                ' '..='/' => {
                    self.collect(c);
                    self.state = State::CsiIntermediate;
                }
                '@'..='~' => {
                    self.dispatch_csi(performer, c);
                    self.state = State::Ground;
                }
                '\x7f' => {}
                _ => self.abort_to_ground(performer, c),
            },
            State::CsiIntermediate => match c {
                c if is_c0(c) => performer.execute(c),
                ' '..='/' => self.collect(c),
                '0'..='?' => self.state = State::CsiIgnore,
                '@'..='~' => {
                    self.dispatch_csi(performer, c);
                    self.state = State::Ground;
                }
                '\x7f' => {}
                _ => self.abort_to_ground(performer, c),
            },
            State::CsiIgnore => match c {
                c if is_c0(c) => performer.execute(c),
                '@'..='~' => self.state = State::Ground,
                ' '..='?' | '\x7f' => {}
                _ => self.abort_to_ground(performer, c),
            },
            State::OscString => match c {
                '\x07' => {
                    self.dispatch_osc(performer, true);
                    self.state = State::Ground;
                }
                c if is_c0(c) || is_c1(c) || c == '\x7f' => {}
                c => {
                    if self.osc.len() + c.len_utf8() <= MAX_OSC_LEN {
                        self.osc.push(c);
                    } else {
                        self.osc_overflow = true;
                    }
                }
            },
            // BEL also ends these strings: xterm only accepts ST here, but Buildkite-style
            // APC timestamps (`ESC _ bk;t=... BEL`) end with BEL, and treating BEL as the end
            // never swallows more text than the strict rule would.
            State::IgnoredString => {
                if c == '\x07' {
                    self.state = State::Ground;
                }
            }
        }
    }

    fn abort_to_ground<P: Perform>(&mut self, performer: &mut P, c: char) {
        self.state = State::Ground;
        ground(performer, c);
    }

    fn collect(&mut self, c: char) {
        match self.intermediates.get_mut(self.n_intermediates) {
            Some(slot) if c.is_ascii() => {
                *slot = c as u8;
                self.n_intermediates += 1;
            }
            _ => self.intermediates_overflow = true,
        }
    }

    fn intermediates(&self) -> &[u8] {
        self.intermediates
            .get(..self.n_intermediates)
            .unwrap_or_default()
    }

    fn push_param(&mut self) {
        // A full parameter list drops the extra values; the command still runs with the
        // first MAX_PARAMS (what terminals do with absurdly long SGR lists).
        let _ = self.params.push(self.param, self.param_is_sub);
        self.param = 0;
    }

    fn dispatch_csi<P: Perform>(&mut self, performer: &mut P, action: char) {
        if self.param_started {
            self.push_param();
        }
        if !self.intermediates_overflow {
            performer.csi_dispatch(&self.params, self.intermediates(), action);
        }
    }

    fn dispatch_esc<P: Perform>(&mut self, performer: &mut P, c: char) {
        if !self.intermediates_overflow {
            performer.esc_dispatch(self.intermediates(), c as u8);
        }
    }

    fn dispatch_osc<P: Perform>(&mut self, performer: &mut P, bell: bool) {
        if !self.osc_overflow {
            performer.osc_dispatch(&self.osc, bell);
        }
        self.osc.clear();
    }
}

fn ground<P: Perform>(performer: &mut P, c: char) {
    if is_c0(c) || is_c1(c) {
        performer.execute(c);
    } else if c != '\x7f' {
        performer.print(c);
    }
}
