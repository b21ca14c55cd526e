//! Exams: question banks (with bulk import), papers drawn per attempt, server-timed attempts
//! with autosave, automatic grading of objective questions, a blind grading queue with claims
//! and double marking, audited regrades, and a pass posted to the credit ledger once.

pub mod domain;
mod entity;
mod service;

pub use domain::{QuestionKind, draw};
pub use service::*;
