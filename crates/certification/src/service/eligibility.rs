//! Sitting a level's exam: the rule set in force decides who may (the level below held and
//! active, an eligible role) before exams draws a paper, and the teacher's exam list says the
//! same in advance. An exam that no level of the rule set in force names is open to every
//! teacher who can see it.

use chrono::{DateTime, NaiveDate, Utc};
use exams::{AttemptView, Exam};
use kernel::{Actor, Level, Page, PageRequest, Result, Text};
use sea_orm::{ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter};
use serde::Serialize;

use super::rule_sets::{RuleSet, in_force};
use crate::domain::{CertificateStatus, MissingForExam, explain, missing_for_exam, status_on};
use crate::entity::certificate;

/// A refusal to start an attempt: everything the teacher lacks, for a 403 `not_eligible`.
#[derive(Debug, Clone, PartialEq)]
pub struct NotEligible {
    pub missing: Vec<MissingForExam>,
}

impl NotEligible {
    /// The sentence naming what is missing, zh-CN and English.
    pub fn detail(&self) -> Text {
        explain(&self.missing)
    }
}

/// An exam as the signed-in teacher sees it in `GET /me/exams`: whether they may sit it, and why not.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ExamToSit {
    #[serde(flatten)]
    pub exam: Exam,
    /// The rule set in force lets this teacher start an attempt.
    pub may_sit: bool,
    /// What stands in the way (empty when `may_sit`).
    pub missing: Vec<MissingForExam>,
}

/// What the rule set says of one teacher, read once for any number of exams.
struct Standing {
    rules: Option<RuleSet>,
    highest_held: Option<Level>,
    roles: Vec<directory::MhRole>,
}

impl Standing {
    async fn of(db: &impl ConnectionTrait, today: NaiveDate, teacher_id: i64) -> Result<Self> {
        let highest_held = certificate::Entity::find()
            .filter(certificate::Column::TeacherId.eq(teacher_id))
            .all(db)
            .await?
            .into_iter()
            .filter(|c| status_on(today, c.expires_on, c.revoked_on) == CertificateStatus::Active)
            .map(|c| kernel::stored(Level::parse(&c.level), "certificate.level", &c.level))
            .collect::<Result<Vec<_>>>()?
            .into_iter()
            .max();
        let roles = directory::mh_roles(db, teacher_id).await?;
        Ok(Self { rules: in_force(db).await?, highest_held, roles })
    }

    fn missing(&self, exam_id: i64) -> Vec<MissingForExam> {
        let Some(rules) = &self.rules else { return Vec::new() };
        rules
            .levels
            .iter()
            .filter(|rule| rule.exam_id == Some(exam_id))
            .flat_map(|rule| missing_for_exam(rule, self.highest_held, &self.roles))
            .collect()
    }
}

/// Starts (or resumes) the teacher's attempt at an exam if the rule set in force lets them sit
/// it; otherwise says what is missing. An exam the caller cannot see stays a 404.
pub async fn sit_exam(
    db: &DatabaseConnection,
    ledger: &credit::Ledger,
    now: DateTime<Utc>,
    actor: &Actor,
    exam_id: i64,
) -> Result<std::result::Result<(AttemptView, bool), NotEligible>> {
    let teacher_id = actor.teacher()?;
    exams::get_exam(db, actor, exam_id).await?;
    let missing = Standing::of(db, kernel::china_date(now), teacher_id).await?.missing(exam_id);
    if !missing.is_empty() {
        return Ok(Err(NotEligible { missing }));
    }
    Ok(Ok(exams::start_attempt(db, ledger, now, actor, exam_id).await?))
}

/// The exams open to the signed-in teacher, each saying whether they may sit it.
pub async fn my_exams(
    db: &DatabaseConnection,
    now: DateTime<Utc>,
    actor: &Actor,
    page: PageRequest,
) -> Result<Page<ExamToSit>> {
    let teacher_id = actor.teacher()?;
    let standing = Standing::of(db, kernel::china_date(now), teacher_id).await?;
    Ok(exams::list_exams(db, actor, page).await?.map(|exam| {
        let missing = standing.missing(exam.id);
        ExamToSit { may_sit: missing.is_empty(), missing, exam }
    }))
}
