//! Exams taken before this system: their outcomes carried over in bulk from an older one.

use chrono::{DateTime, Duration, Utc};
use kernel::{Result, to_tenths};
use rust_decimal::Decimal;
use sea_orm::{ConnectionTrait, EntityTrait, Set};

use super::attempts::AttemptStatus;
use crate::entity::attempt;

/// One past attempt: its outcome only, without the answer sheet an older system may not have kept.
#[derive(Debug, Clone, PartialEq)]
pub struct HistoricAttempt {
    pub exam_id: i64,
    pub teacher_id: i64,
    pub taken_at: DateTime<Utc>,
    pub score: Decimal,
    pub passed: bool,
}

/// Adds past attempts as released results, a thousand rows per statement (data generators,
/// migrations from older systems). Their hours are the caller's to carry over through the
/// ledger's bulk path.
pub async fn import_attempts(txn: &impl ConnectionTrait, attempts: Vec<HistoricAttempt>) -> Result<u64> {
    let models: Vec<attempt::ActiveModel> = attempts
        .iter()
        .map(|a| attempt::ActiveModel {
            exam_id: Set(a.exam_id),
            teacher_id: Set(a.teacher_id),
            status: Set(AttemptStatus::Released.as_str().to_owned()),
            seed: Set(0),
            started_at: Set(a.taken_at),
            deadline: Set(a.taken_at + Duration::hours(2)),
            submitted_at: Set(Some(a.taken_at + Duration::hours(1))),
            score_tenths: Set(Some(to_tenths(a.score))),
            passed: Set(Some(a.passed)),
            released_at: Set(Some(a.taken_at + Duration::days(3))),
            ..Default::default()
        })
        .collect();
    for chunk in models.chunks(1000) {
        attempt::Entity::insert_many(chunk.to_vec()).exec_without_returning(txn).await?;
    }
    Ok(models.len() as u64)
}
