//! sea-orm entities of the exam tables; private to the crate.

pub(crate) mod attempt;
pub(crate) mod attempt_question;
pub(crate) mod exam;
pub(crate) mod grading_task;
pub(crate) mod question;
pub(crate) mod question_bank;
pub(crate) mod score_audit;
