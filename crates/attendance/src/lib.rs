//! One attendance mechanism for everything people attend in person — offline training sessions
//! and teaching-research events: registration (roster), rotating sign-in codes, check-in and
//! check-out within the occasion's window, manual marks with an audited reason, and who
//! qualifies for the occasion's hours. The owning domain keeps its occasion (title, hours,
//! place) and hands this crate an [`Occasion`].

mod amend;
mod domain;
mod entity;
mod flow;
mod seats;
mod service;
mod sheet;

pub use amend::{Amending, Cancellation, amendable, cancel};
pub use domain::{
    AttendanceStatus, CODE_PERIOD_SECONDS, CheckedDetails, DEFAULT_CLOSING_WINDOW_MINUTES,
    DEFAULT_MIN_PRESENCE_PERCENT, Details, Presence, PresenceRules, Schedule, SignInCode, check_details,
    new_secret,
};
pub use flow::{
    Closing, HandMark, Held, Owner, Standing, check, close, mark_by_hand, register, remind, reopen,
    roster_of, sign_in_code,
};
pub use seats::{Seats, fill_seats, seats};
pub use service::{
    Attendance, Occasion, Scan, attended_by, attended_pairs, recorded_occasion_ids, registered_count,
    registered_occasion_ids,
};
pub use sheet::{SheetLine, sheet_of};
