//! The A/B/C qualification: versioned rule sets with the plan's targets, each teacher's progress
//! judged from the credit ledger, certificates issued automatically in the transaction of the
//! ledger post that completes a level (or on an admin's review), numbered without gaps, revoked
//! and renewed, verifiable by anyone, and the compliance report against the targets.
//!
//! The ledger calls [`after_ledger_post`] inside every posting transaction once the server has
//! registered it with `credit::after_post`.

pub mod domain;
mod entity;
mod service;

pub use domain::{
    ApplicationStatus, CertificateStatus, Issuance, LevelProgress, LevelRule, MissingForExam, Requirement,
    RequirementKind, RuleSetStatus, Targets,
};
pub use service::*;
