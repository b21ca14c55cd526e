//! An exam's hours in the ledger: earned once per exam and teacher, by the first released pass.
//! The source is the exam and the teacher (`exam_pass/{exam}:{teacher}`), never the attempt, so
//! a retake that passes again may raise the score on record but posts nothing.

use chrono::{DateTime, Utc};
use kernel::{Result, from_tenths};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};

use super::attempts::AttemptStatus;
use crate::entity::{attempt, exam};

/// The ledger source kind of an exam's hours.
pub const EXAM_PASS: &str = "exam_pass";
/// Entries posted before hours were kept per exam and teacher named the attempt.
const LEGACY_EXAM_ATTEMPT: &str = "exam_attempt";

fn source_of(owner: &exam::Model, teacher_id: i64) -> String {
    format!("{}:{teacher_id}", owner.id)
}

/// The entry that holds the teacher's hours of the exam and no reversal cancels, if any.
async fn live_entry(
    txn: &impl ConnectionTrait,
    owner: &exam::Model,
    teacher_id: i64,
) -> Result<Option<credit::Entry>> {
    let source = source_of(owner, teacher_id);
    if let Some(entry) = credit::live_entry_of_source_prefix(txn, teacher_id, EXAM_PASS, &source).await? {
        return Ok(Some(entry));
    }
    let attempts = attempt::Entity::find()
        .filter(attempt::Column::TeacherId.eq(teacher_id))
        .filter(attempt::Column::ExamId.eq(owner.id))
        .all(txn)
        .await?;
    for a in attempts {
        let legacy =
            credit::live_entry_of_source_prefix(txn, teacher_id, LEGACY_EXAM_ATTEMPT, &a.id.to_string())
                .await?;
        if legacy.is_some() {
            return Ok(legacy);
        }
    }
    Ok(None)
}

/// Posts the exam's hours for a released pass unless the teacher already holds them. `event`
/// names what passed (an attempt, a regrade) and keeps a post after a reversal distinct.
pub(crate) async fn post_pass(
    txn: &impl ConnectionTrait,
    ledger: &credit::Ledger,
    now: DateTime<Utc>,
    owner: &exam::Model,
    teacher_id: i64,
    event: &str,
) -> Result<()> {
    if live_entry(txn, owner, teacher_id).await?.is_some() {
        return Ok(());
    }
    let entry = |again: Option<String>| credit::NewEntry {
        teacher_id,
        source: credit::Source::ExamPass { exam_id: owner.id, teacher_id, again },
        hours: from_tenths(owner.hours_tenths),
        occurred_on: kernel::china_date(now),
        description: format!("{}（考试合格）", owner.title),
        recorded_by: None,
    };
    let first = ledger.post(txn, now, entry(None)).await?;
    if !first.created {
        // The first pass was reversed; this pass earns the hours anew.
        ledger.post(txn, now, entry(Some(event.to_owned()))).await?;
    }
    Ok(())
}

/// Reverses the exam's hours when a regrade leaves the teacher without any released pass of it.
pub(crate) async fn withdraw_pass(
    txn: &impl ConnectionTrait,
    ledger: &credit::Ledger,
    now: DateTime<Utc>,
    owner: &exam::Model,
    teacher_id: i64,
    by: i64,
) -> Result<()> {
    let still_passed = attempt::Entity::find()
        .filter(attempt::Column::TeacherId.eq(teacher_id))
        .filter(attempt::Column::ExamId.eq(owner.id))
        .filter(attempt::Column::Status.eq(AttemptStatus::Released.as_str()))
        .filter(attempt::Column::Passed.eq(true))
        .one(txn)
        .await?
        .is_some();
    if still_passed {
        return Ok(());
    }
    let Some(entry) = live_entry(txn, owner, teacher_id).await? else { return Ok(()) };
    let description = format!("复核后不合格，冲销考试学时（{}）", owner.title);
    ledger.reverse(txn, now, &entry, kernel::china_date(now), description, Some(by)).await?;
    Ok(())
}
