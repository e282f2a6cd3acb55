//! Components render what they are given and nothing else: no fetching, no routing state.

pub mod badge;
pub mod build_table;
pub mod compare_table;
pub mod feedback;
pub mod layout;
pub mod live;
pub mod overview_table;
pub mod pager;
pub mod phase_strip;
pub mod revision;
pub mod stage_map;
pub mod step_list;
pub mod test_sets;
pub mod time;
pub mod token_prompt;
pub mod track;
pub mod trend_chart;
pub mod watch_list;

pub use badge::StatusBadge;
pub use build_table::BuildTable;
pub use compare_table::{CompareSide, CompareView};
pub use feedback::{EmptyState, ErrorPanel, Loading};
pub use layout::TopBar;
pub use live::LiveIndicator;
pub use overview_table::OverviewTable;
pub use pager::Pager;
pub use phase_strip::PhaseStrip;
pub use revision::Revision;
pub use stage_map::StageMap;
pub use step_list::StepList;
pub use test_sets::{SetLinks, TestSets};
pub use time::{LiveDuration, Timestamp};
pub use token_prompt::TokenPrompt;
pub use trend_chart::{StepTrends, TrendChart};
pub use watch_list::WatchList;
