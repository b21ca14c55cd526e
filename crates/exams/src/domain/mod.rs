//! Exam values and pure rules, no I/O: question kinds and answer keys, automatic grading,
//! the per-attempt draw.

mod draw;
mod grading;
mod kind;

pub use draw::{Drawn, SectionPool, draw};
pub use grading::{auto_score, normalize_blank};
pub use kind::{QuestionKind, check_answer_key};
