//! Certification's use cases.

mod applications;
mod certificates;
mod eligibility;
mod issue;
mod progress;
mod reassess;
mod report;
mod rule_sets;

pub use applications::{
    Application, ApplicationDecision, NewApplication, applications, approve_application, reject_application,
    submit_application,
};
pub use certificates::{
    Certificate, CertificateFilter, PublicCertificate, Revocation, certificate, certificates,
    enqueue_expiry_notices, renew, revoke, verify,
};
pub use eligibility::{ExamToSit, NotEligible, my_exams, sit_exam};
pub use issue::{HistoricCertificate, after_ledger_post, import_certificates};
pub use progress::{Qualification, my_qualification, next_level, teacher_qualification};
pub use reassess::{Reassessment, reassess};
pub use report::{QualificationReport, UnitQualification, qualification_report};
pub use rule_sets::{
    Activation, NewRuleSet, RuleSet, activate_rule_set, create_rule_set, install_default, list_rule_sets,
};
