//! The log viewer's logic, apart from any rendering or I/O: a log's lines ([`text`]), which
//! windows to fetch ([`window`]), the background scan ([`scan`]) for groups ([`groups`]) and
//! search hits ([`search`]), the scrollbar's geometry ([`scroll`]), and the viewer's state
//! machine ([`viewer`]: follow, selection, pending jumps, folds).

pub mod groups;
pub mod scan;
pub mod scroll;
pub mod search;
pub mod text;
pub mod viewer;
pub mod window;
