//! Buildbot's line windows: `logs/<id>/contents?offset&limit`, answered with the lines from
//! `firstline` (see `buildbot::paths::contents`).

use super::{LineSource, Lines};
use crate::buildbot::paths::Window;
use crate::buildbot::{LogChunk, LogType};
use crate::log::text::LogLine;
use std::ops::Range;

/// The lines of a Buildbot log of type `kind` (which says how lines are prefixed).
#[derive(Debug, Clone)]
pub struct BuildbotLines {
    kind: LogType,
}

impl BuildbotLines {
    pub fn new(kind: LogType) -> Self {
        BuildbotLines { kind }
    }
}

impl LineSource for BuildbotLines {
    type Request = Window;
    type Response = LogChunk;

    fn request(&self, lines: Range<u64>) -> Option<Window> {
        Window::new(lines.start, lines.end.saturating_sub(lines.start))
    }

    fn counted_up_front(&self) -> bool {
        true
    }

    fn decode(&mut self, asked: Range<u64>, chunk: LogChunk) -> Lines {
        let lines: Vec<LogLine> = chunk
            .lines()
            .map(|l| LogLine::parse(l, &self.kind))
            .collect();
        // Fewer lines than asked: the log ends there (it was shorter than we were told).
        let end = chunk.firstline.saturating_add(lines.len() as u64);
        Lines {
            first: chunk.firstline,
            ends_at: (end < asked.end).then_some(end),
            bytes: chunk.content.len() as u64,
            lines,
            ..Lines::default()
        }
    }
}
