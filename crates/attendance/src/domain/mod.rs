//! Attendance values and pure rules, no I/O.

mod code;
mod details;
mod presence;
mod status;

pub use code::{CODE_PERIOD_SECONDS, SignInCode, code_for, code_matches, new_secret};
pub use details::{CheckedDetails, Details, check_details};
pub use presence::{
    DEFAULT_CLOSING_WINDOW_MINUTES, DEFAULT_MIN_PRESENCE_PERCENT, Presence, PresenceRules, Schedule,
};
pub use status::AttendanceStatus;
