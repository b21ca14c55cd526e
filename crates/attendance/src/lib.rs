//! One attendance mechanism for everything people attend in person — offline training sessions
//! and teaching-research events: registration (roster), rotating sign-in codes, check-in and
//! check-out within the occasion's window, manual marks with an audited reason, and who
//! qualifies for the occasion's hours. The owning domain keeps its occasion (title, hours,
//! place) and hands this crate an [`Occasion`].

mod domain;
mod entity;
mod service;

pub use domain::{AttendanceStatus, CODE_PERIOD_SECONDS, SignInCode, new_secret};
pub use service::*;
