//! The log viewer's logic, apart from any rendering or I/O: a log's lines ([`text`], with the
//! CodeArts per-line time / level / step prefix parsed by [`stamp`]), which
//! windows to fetch ([`window`]) and the rules for fetching them ([`engine`]), the background
//! scan ([`scan`]) for groups ([`groups`]) and search hits ([`search`]), the display rows left
//! when groups are collapsed ([`rows`]), the scrollbar's geometry ([`scroll`]), and the
//! viewer's state machine ([`viewer`]: follow, selection, pending jumps, folds).

pub mod engine;
pub mod groups;
pub mod rows;
pub mod scan;
pub mod scroll;
pub mod search;
pub mod stamp;
pub mod text;
pub mod viewer;
pub mod window;
