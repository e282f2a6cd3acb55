//! Styles: colours, SGR attributes and the OSC 8 hyperlink, and how escapes change them.

use std::sync::Arc;

use super::parser::{Params, ParamsIter};
use crate::links::safe_http_url;

/// A terminal colour. `Indexed(0..=15)` are the 16 theme colours (30–37/90–97 and 40–47/
/// 100–107 map to 0–7/8–15), `Indexed(16..=255)` the xterm 256-colour palette.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Color {
    Indexed(u8),
    Rgb(u8, u8, u8),
}

impl Color {
    /// The RGB value of a palette index 16–255 (6×6×6 cube, then 24 greys), as xterm defines
    /// it. `None` for 0–15, whose values belong to the viewer's theme (light/dark CSS).
    pub fn indexed_rgb(index: u8) -> Option<(u8, u8, u8)> {
        const LEVELS: [u8; 6] = [0, 95, 135, 175, 215, 255];
        match index {
            0..=15 => None,
            16..=231 => {
                let i = usize::from(index - 16);
                let level = |n: usize| LEVELS.get(n % 6).copied().unwrap_or(0);
                Some((level(i / 36), level(i / 6), level(i)))
            }
            _ => {
                let grey = 8 + 10 * (index - 232);
                Some((grey, grey, grey))
            }
        }
    }
}

/// The graphic rendition in effect: SGR attributes plus the OSC 8 hyperlink target.
///
/// `link` is only ever an `http://` or `https://` URL (see [`crate::links::safe_http_url`]);
/// an OSC 8 link with any other scheme leaves it `None`. SGR 0 does not end a link: in
/// terminals hyperlinks are independent of SGR and end only with `ESC ] 8 ; ; ST`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct Style {
    pub fg: Option<Color>,
    pub bg: Option<Color>,
    pub bold: bool,
    pub faint: bool,
    pub italic: bool,
    pub underline: bool,
    pub strike: bool,
    pub inverse: bool,
    /// Shared, so the spans of a linked run clone a pointer rather than the URL.
    pub link: Option<Arc<str>>,
}

impl Style {
    /// True for the default rendition with no link.
    pub fn is_plain(&self) -> bool {
        *self == Style::default()
    }

    /// SGR 0: every attribute back to default, the hyperlink kept.
    fn reset_attributes(&mut self) {
        let link = self.link.take();
        *self = Style {
            link,
            ..Style::default()
        };
    }
}

/// Applies one SGR (`ESC [ ... m`) parameter list.
pub(super) fn apply_sgr(style: &mut Style, params: &Params) {
    if params.is_empty() {
        style.reset_attributes();
        return;
    }
    let mut groups = params.iter();
    while let Some(group) = groups.next() {
        let code = group.first().copied().unwrap_or(0);
        match code {
            0 => style.reset_attributes(),
            1 => style.bold = true,
            2 => style.faint = true,
            3 => style.italic = true,
            // `4:0` is "no underline"; `4:1`..`4:5` are underline styles, shown as underline.
            4 => style.underline = group.get(1).is_none_or(|&kind| kind != 0),
            7 => style.inverse = true,
            9 => style.strike = true,
            // ECMA-48 makes 21 "double underline", but older terminals (Linux console) use it
            // as "bold off", and that is what scripts emitting it mean more often; reading it
            // as bold-off is also the harmless choice if the other meaning was intended.
            21 => style.bold = false,
            22 => {
                style.bold = false;
                style.faint = false;
            }
            23 => style.italic = false,
            24 => style.underline = false,
            27 => style.inverse = false,
            29 => style.strike = false,
            30..=37 => style.fg = Some(Color::Indexed((code - 30) as u8)),
            38 => {
                if let Some(color) = extended_color(group, &mut groups) {
                    style.fg = Some(color);
                }
            }
            39 => style.fg = None,
            40..=47 => style.bg = Some(Color::Indexed((code - 40) as u8)),
            48 => {
                if let Some(color) = extended_color(group, &mut groups) {
                    style.bg = Some(color);
                }
            }
            49 => style.bg = None,
            // Underline colour is not rendered, but its arguments must still be consumed so
            // that `58;5;4` does not read the 4 as "underline".
            58 => {
                let _ = extended_color(group, &mut groups);
            }
            90..=97 => style.fg = Some(Color::Indexed((code - 90 + 8) as u8)),
            100..=107 => style.bg = Some(Color::Indexed((code - 100 + 8) as u8)),
            // Blink, conceal, overline, fonts...: not shown, ignored.
            _ => {}
        }
    }
}

/// The colour of a `38`/`48`/`58` group, consuming its arguments. Colon form: everything is in
/// `group` (`38:5:n`, `38:2:<colour space>:r:g:b` per ITU T.416, or the common `38:2:r:g:b`).
/// Semicolon form: the mode and arguments are the following groups (`38;5;n`, `38;2;r;g;b`).
/// `None` (colour unchanged) for an unknown mode, a missing argument or a value over 255.
fn extended_color(group: &[u16], rest: &mut ParamsIter<'_>) -> Option<Color> {
    if group.len() > 1 {
        return match group.get(1) {
            Some(5) => indexed(group.get(2).copied()?),
            Some(2) => {
                let rgb = if group.len() >= 6 {
                    group.get(3..6)?
                } else {
                    group.get(2..5)?
                };
                match *rgb {
                    [r, g, b] => rgb_color(r, g, b),
                    _ => None,
                }
            }
            _ => None,
        };
    }
    let mut next = || rest.next().and_then(|g| g.first().copied());
    match next()? {
        5 => indexed(next()?),
        2 => {
            // Take all three before checking any, so a short list never leaves a component
            // behind to be misread as an SGR code.
            let (r, g, b) = (next(), next(), next());
            rgb_color(r?, g?, b?)
        }
        _ => None,
    }
}

pub(super) fn indexed(n: u16) -> Option<Color> {
    u8::try_from(n).ok().map(Color::Indexed)
}

fn rgb_color(r: u16, g: u16, b: u16) -> Option<Color> {
    Some(Color::Rgb(
        u8::try_from(r).ok()?,
        u8::try_from(g).ok()?,
        u8::try_from(b).ok()?,
    ))
}

/// Applies an OSC string: only OSC 8 (hyperlinks) affects the style. `8;params;URI` opens a
/// link (URI may contain `;`), `8;;` closes it; a non-http(s) URI gives no link.
pub(super) fn apply_osc(style: &mut Style, data: &str) {
    let mut parts = data.splitn(3, ';');
    if parts.next() != Some("8") {
        return;
    }
    let (Some(_params), Some(uri)) = (parts.next(), parts.next()) else {
        return;
    };
    style.link = safe_http_url(uri).map(Arc::from);
}
