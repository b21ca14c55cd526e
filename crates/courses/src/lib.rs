//! Training records, online and offline: courses of modules and lessons, enrolment, verified
//! learning time from player heartbeats (with presence checks), course completion posted to
//! the credit ledger, offline sessions run through the shared attendance component, and the
//! teacher's dashboard.

pub mod domain;
mod entity;
mod service;

pub use domain::progress::Rules as ProgressRules;
pub use domain::{CourseStatus, LessonKind, SessionStatus, Track};
pub use service::*;
