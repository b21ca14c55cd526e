//! The A/B/C qualification: versioned rule sets with the plan's targets, each teacher's progress
//! judged from the credit ledger, certificates issued automatically in the transaction of the
//! ledger post that completes a level (or on an admin's review), numbered without gaps, revoked
//! and renewed, verifiable by anyone, and the compliance report against the targets.
//!
//! [`after_ledger_post`] is the step the server's one `credit::Ledger` runs inside every posting
//! transaction (`server::pipeline`: post → assess → issue → mail).

pub mod domain;
mod entity;
mod service;

pub use domain::{
    ApplicationStatus, CertificateStatus, Issuance, LevelProgress, LevelRule, MissingForExam, Requirement,
    RequirementKind, RuleSetStatus, Targets,
};
pub use service::*;
