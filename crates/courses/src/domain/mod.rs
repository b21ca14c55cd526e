//! Training values and pure rules, no I/O.

pub mod progress;
mod vocab;

pub use vocab::{CourseStatus, LessonKind, SessionStatus, Track};
