//! Attendance values and pure rules, no I/O.

mod code;
mod status;

pub use code::{CODE_PERIOD_SECONDS, SignInCode, code_for, code_matches, new_secret};
pub use status::AttendanceStatus;
