//! The rules of the qualification, pure: what a rule set must say to be satisfiable, which
//! requirements a teacher's evidence meets, and how a certificate is numbered, dated and shown
//! to the public.

mod assessment;
mod certificate;
mod eligibility;
mod requirements;
mod rules;

pub use assessment::{
    CertificateFact, EXPIRING_WITHIN_DAYS, Judgement, LevelProgress, TeacherEvidence, judge,
};
pub use certificate::{CertificateStatus, certificate_number, expiry_date, mask_name, status_on};
pub use eligibility::{MissingForExam, explain, missing_for_exam};
pub use requirements::{Evidence, Requirement, RequirementKind, requirements};
pub use rules::{ApplicationStatus, Issuance, LevelRule, RuleSetStatus, TARGET_GROUP, Targets, check_rules};
