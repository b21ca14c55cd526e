use chrono::{DateTime, Utc};
use kernel::{Actor, Error, FieldError, Page, PageRequest, Permission, Result, Text, from_tenths, to_tenths};
use rust_decimal::Decimal;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, PaginatorTrait,
    QueryFilter, QueryOrder, Set,
};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::attempts::{AttemptStatus, AttemptView, readable, view};
use super::ledger::{post_pass, withdraw_pass};
use super::papers::ReleaseMode;
use crate::domain::{QuestionKind, auto_score};
use crate::entity::{attempt, attempt_question, exam, grading_task, score_audit};

/// One line of an attempt's score history.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ScoreChange {
    pub at: DateTime<Utc>,
    /// Who changed it; none for the server's automatic grading.
    #[cfg_attr(feature = "openapi", schema(example = 3))]
    pub account_id: Option<i64>,
    /// The question, or none for the attempt's automatic total.
    #[cfg_attr(feature = "openapi", schema(example = 55))]
    pub question_id: Option<i64>,
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, example = "4"))]
    pub old_score: Option<Decimal>,
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, example = "6"))]
    pub new_score: Option<Decimal>,
    #[cfg_attr(feature = "openapi", schema(example = "复核：第二要点给分不足"))]
    pub reason: String,
}

/// Body of `POST /attempts/{id}/regrade`.
#[derive(Debug, Clone, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Regrade {
    #[cfg_attr(feature = "openapi", schema(example = 55))]
    pub question_id: i64,
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "6"))]
    pub score: Decimal,
    #[cfg_attr(
        feature = "openapi",
        schema(example = "复核：第二要点给分不足", min_length = 2, max_length = 500)
    )]
    pub reason: String,
}

pub(crate) async fn audit(
    db: &impl ConnectionTrait,
    now: DateTime<Utc>,
    attempt_id: i64,
    question_id: Option<i64>,
    account_id: Option<i64>,
    change: (Option<i64>, Option<i64>),
    reason: &str,
) -> Result<()> {
    score_audit::ActiveModel {
        attempt_id: Set(attempt_id),
        question_id: Set(question_id),
        account_id: Set(account_id),
        old_score_tenths: Set(change.0),
        new_score_tenths: Set(change.1),
        reason: Set(reason.to_owned()),
        at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(())
}

/// Submits an attempt that is past its deadline, with what was saved; true when it did.
pub(crate) async fn settle_overdue(
    db: &DatabaseConnection,
    ledger: &credit::Ledger,
    now: DateTime<Utc>,
    found: &attempt::Model,
) -> Result<bool> {
    let overdue = found.status == AttemptStatus::InProgress.as_str() && now > found.deadline;
    if overdue {
        finish_submission(db, ledger, now, found.id).await?;
    }
    Ok(overdue)
}

/// Submits every attempt past its deadline; run periodically by the server so an abandoned
/// attempt is graded even if nobody opens it again. Returns how many were submitted.
pub async fn submit_overdue(
    db: &DatabaseConnection,
    ledger: &credit::Ledger,
    now: DateTime<Utc>,
) -> Result<u64> {
    let overdue = attempt::Entity::find()
        .filter(attempt::Column::Status.eq(AttemptStatus::InProgress.as_str()))
        .filter(attempt::Column::Deadline.lt(now))
        .all(db)
        .await?;
    for found in &overdue {
        finish_submission(db, ledger, now, found.id).await?;
    }
    Ok(overdue.len() as u64)
}

/// Freezes an attempt: grades objective answers, queues the others (two graders with double
/// marking), and completes the attempt when nothing is left to grade.
pub(crate) async fn finish_submission(
    db: &DatabaseConnection,
    ledger: &credit::Ledger,
    now: DateTime<Utc>,
    attempt_id: i64,
) -> Result<()> {
    let txn = kernel::begin_write(db).await?;
    let found = attempt::Entity::find_by_id(attempt_id).one(&txn).await?.ok_or(Error::NotFound)?;
    if found.status != AttemptStatus::InProgress.as_str() {
        return Ok(());
    }
    let owner = exam::Entity::find_by_id(found.exam_id).one(&txn).await?.ok_or(Error::NotFound)?;
    let questions = attempt_question::Entity::find()
        .filter(attempt_question::Column::AttemptId.eq(attempt_id))
        .all(&txn)
        .await?;
    let mut manual = 0;
    let mut auto_total = 0;
    for q in questions {
        let kind = kernel::stored(QuestionKind::parse(&q.kind), "attempt_question.kind", &q.kind)?;
        let key: Value = kernel::stored_json(&q.answer_key, "attempt_question.answer_key")?;
        let given: Option<Value> =
            q.answer.as_deref().map(|a| kernel::stored_json(a, "attempt_question.answer")).transpose()?;
        match auto_score(kind, &key, q.partial_credit, q.points_tenths, given.as_ref()) {
            Some(score) => {
                auto_total += score;
                let mut active: attempt_question::ActiveModel = q.into();
                active.score_tenths = Set(Some(score));
                active.update(&txn).await?;
            }
            None if given.is_none() => {
                // Nothing to grade: an unanswered essay scores zero.
                let mut active: attempt_question::ActiveModel = q.into();
                active.score_tenths = Set(Some(0));
                active.update(&txn).await?;
            }
            None => {
                manual += 1;
                let rounds = if owner.double_marking { 2 } else { 1 };
                for round in 1..=rounds {
                    queue_task(&txn, &q, &owner, round).await?;
                }
            }
        }
    }
    audit(&txn, now, attempt_id, None, None, (None, Some(auto_total)), "自动评分 automatic grading").await?;
    let mut active: attempt::ActiveModel = found.into();
    active.submitted_at = Set(Some(now));
    active.status =
        Set(if manual > 0 { AttemptStatus::Grading } else { AttemptStatus::Submitted }.as_str().to_owned());
    active.update(&txn).await?;
    if manual > 0 {
        announce_grading(&txn, now, &owner, attempt_id, manual).await?;
    } else {
        complete(&txn, ledger, now, attempt_id).await?;
    }
    txn.commit().await?;
    Ok(())
}

pub(crate) async fn queue_task(
    txn: &impl ConnectionTrait,
    q: &attempt_question::Model,
    owner: &exam::Model,
    round: i32,
) -> Result<()> {
    grading_task::ActiveModel {
        attempt_question_id: Set(q.id),
        attempt_id: Set(q.attempt_id),
        exam_id: Set(owner.id),
        org_path: Set(owner.org_path.clone()),
        round: Set(round),
        status: Set("open".to_owned()),
        ..Default::default()
    }
    .insert(txn)
    .await?;
    Ok(())
}

/// Totals a fully scored attempt, decides pass/fail, and releases it at once when the exam
/// says so.
pub(crate) async fn complete(
    txn: &impl ConnectionTrait,
    ledger: &credit::Ledger,
    now: DateTime<Utc>,
    attempt_id: i64,
) -> Result<()> {
    let found = attempt::Entity::find_by_id(attempt_id).one(txn).await?.ok_or(Error::NotFound)?;
    let owner = exam::Entity::find_by_id(found.exam_id).one(txn).await?.ok_or(Error::NotFound)?;
    let scores: Vec<Option<i64>> = attempt_question::Entity::find()
        .filter(attempt_question::Column::AttemptId.eq(attempt_id))
        .all(txn)
        .await?
        .into_iter()
        .map(|q| q.score_tenths)
        .collect();
    if scores.iter().any(Option::is_none) {
        return Ok(());
    }
    let total: i64 = scores.into_iter().flatten().sum();
    let mut active: attempt::ActiveModel = found.into();
    active.score_tenths = Set(Some(total));
    active.passed = Set(Some(total >= owner.pass_score_tenths));
    active.status = Set(AttemptStatus::Graded.as_str().to_owned());
    let saved = active.update(txn).await?;
    if ReleaseMode::read(&owner.release_mode)? == ReleaseMode::Immediate {
        release(txn, ledger, now, saved, &owner).await?;
    }
    Ok(())
}

/// Shows a graded attempt's result to its teacher and posts a pass to the ledger (once).
async fn release(
    txn: &impl ConnectionTrait,
    ledger: &credit::Ledger,
    now: DateTime<Utc>,
    found: attempt::Model,
    owner: &exam::Model,
) -> Result<()> {
    let passed = found.passed == Some(true);
    let (attempt_id, teacher_id) = (found.id, found.teacher_id);
    let mut active: attempt::ActiveModel = found.into();
    active.status = Set(AttemptStatus::Released.as_str().to_owned());
    active.released_at = Set(Some(now));
    let saved = active.update(txn).await?;
    if passed {
        post_pass(txn, ledger, now, owner, teacher_id, &format!("a{attempt_id}")).await?;
    }
    if let Some(contact) = directory::teacher_contact(txn, teacher_id).await? {
        let score = saved.score_tenths.map(|s| from_tenths(s).to_string()).unwrap_or_default();
        let mail = notify::Mail::ResultReleased {
            name: contact.name,
            exam: owner.title.clone(),
            score,
            passed,
            path: format!("/attempts/{attempt_id}"),
        };
        notify::enqueue(
            txn,
            now,
            notify::Envelope {
                to: contact.email,
                english: contact.english,
                mail,
                dedup_key: Some(format!("result:{attempt_id}")),
            },
        )
        .await?;
    }
    Ok(())
}

/// Tells the trainers covering an exam that answers wait in the queue (once per attempt).
async fn announce_grading(
    txn: &impl ConnectionTrait,
    now: DateTime<Utc>,
    owner: &exam::Model,
    attempt_id: i64,
    answers: u32,
) -> Result<()> {
    for contact in directory::staff_contacts(txn, &owner.org_path, kernel::Role::Trainer).await? {
        let mail = notify::Mail::GradingAssigned {
            exam: owner.title.clone(),
            answers,
            path: format!("/grading?exam_id={}", owner.id),
        };
        let dedup_key = Some(format!("grading:{attempt_id}:{}", contact.email));
        notify::enqueue(
            txn,
            now,
            notify::Envelope { to: contact.email, english: contact.english, mail, dedup_key },
        )
        .await?;
    }
    Ok(())
}

/// Releases every graded attempt of an exam whose results wait for a trainer.
pub async fn release_exam(
    db: &DatabaseConnection,
    ledger: &credit::Ledger,
    now: DateTime<Utc>,
    actor: &Actor,
    exam_id: i64,
) -> Result<u64> {
    let owner = exam::Entity::find_by_id(exam_id).one(db).await?.ok_or(Error::NotFound)?;
    actor.authorize(Permission::ManageTraining, &owner.org_path)?;
    let txn = kernel::begin_write(db).await?;
    let graded = attempt::Entity::find()
        .filter(attempt::Column::ExamId.eq(exam_id))
        .filter(attempt::Column::Status.eq(AttemptStatus::Graded.as_str()))
        .all(&txn)
        .await?;
    let count = graded.len() as u64;
    for found in graded {
        release(&txn, ledger, now, found, &owner).await?;
    }
    txn.commit().await?;
    Ok(count)
}

/// Changes one question's score after grading, with a reason; the total, pass/fail and (for a
/// released result) the ledger follow, and the change is audited.
pub async fn regrade(
    db: &DatabaseConnection,
    ledger: &credit::Ledger,
    now: DateTime<Utc>,
    actor: &Actor,
    attempt_id: i64,
    input: Regrade,
) -> Result<AttemptView> {
    let (found, owner) = readable(db, ledger, now, actor, attempt_id).await?;
    actor.authorize(Permission::ManageTraining, &owner.org_path)?;
    let status = kernel::stored(AttemptStatus::parse(&found.status), "attempt.status", &found.status)?;
    if !matches!(status, AttemptStatus::Graded | AttemptStatus::Released) {
        return Err(Error::conflict(
            "not_graded",
            Text::fixed("答卷尚未评完，不能复核", "the attempt is not graded yet"),
        ));
    }
    let reason = kernel::Bound::REASON.check("reason", &input.reason)?;
    let slot = attempt_question::Entity::find()
        .filter(attempt_question::Column::AttemptId.eq(attempt_id))
        .filter(attempt_question::Column::QuestionId.eq(input.question_id))
        .one(db)
        .await?
        .ok_or_else(|| {
            Error::from(FieldError::new(
                "question_id",
                "unknown_question",
                Text::fixed("答卷中没有这道题", "the attempt has no such question"),
            ))
        })?;
    let score = to_tenths(input.score);
    if input.score < Decimal::ZERO || score > slot.points_tenths || Decimal::new(score, 1) != input.score {
        return Err(Error::from(FieldError::new(
            "score",
            "out_of_range",
            Text::fixed(
                "分数须在 0 到该题分值之间，最多一位小数",
                "score must be between 0 and the question's points",
            ),
        )));
    }
    let txn = kernel::begin_write(db).await?;
    let old = slot.score_tenths;
    let mut active: attempt_question::ActiveModel = slot.into();
    active.score_tenths = Set(Some(score));
    active.update(&txn).await?;
    audit(
        &txn,
        now,
        attempt_id,
        Some(input.question_id),
        Some(actor.account_id),
        (old, Some(score)),
        &reason,
    )
    .await?;
    let was_passed = found.passed == Some(true);
    let was_released = found.status == AttemptStatus::Released.as_str();
    let total: i64 = attempt_question::Entity::find()
        .filter(attempt_question::Column::AttemptId.eq(attempt_id))
        .all(&txn)
        .await?
        .into_iter()
        .filter_map(|q| q.score_tenths)
        .sum();
    let passed = total >= owner.pass_score_tenths;
    let mut active: attempt::ActiveModel = found.clone().into();
    active.score_tenths = Set(Some(total));
    active.passed = Set(Some(passed));
    active.update(&txn).await?;
    if was_released && was_passed != passed {
        if passed {
            let changes = score_audit::Entity::find()
                .filter(score_audit::Column::AttemptId.eq(attempt_id))
                .count(&txn)
                .await?;
            post_pass(&txn, ledger, now, &owner, found.teacher_id, &format!("a{attempt_id}r{changes}"))
                .await?;
        } else {
            withdraw_pass(&txn, ledger, now, &owner, found.teacher_id, actor.account_id).await?;
        }
    }
    txn.commit().await?;
    let found = attempt::Entity::find_by_id(attempt_id).one(db).await?.ok_or(Error::NotFound)?;
    view(db, now, &found, true).await
}

/// An attempt's score history, oldest first.
pub async fn attempt_audit(
    db: &DatabaseConnection,
    ledger: &credit::Ledger,
    now: DateTime<Utc>,
    actor: &Actor,
    attempt_id: i64,
    page: PageRequest,
) -> Result<Page<ScoreChange>> {
    let (_, owner) = readable(db, ledger, now, actor, attempt_id).await?;
    actor.authorize(Permission::ManageTraining, &owner.org_path)?;
    let select = score_audit::Entity::find()
        .filter(score_audit::Column::AttemptId.eq(attempt_id))
        .order_by_asc(score_audit::Column::Id);
    Ok(kernel::fetch_page(db, select, page).await?.map(|a| ScoreChange {
        at: a.at,
        account_id: a.account_id,
        question_id: a.question_id,
        old_score: a.old_score_tenths.map(from_tenths),
        new_score: a.new_score_tenths.map(from_tenths),
        reason: a.reason,
    }))
}

/// Whether a teacher has a released, passed attempt of an exam: a lesson's quiz requirement.
pub async fn has_passed(db: &impl ConnectionTrait, teacher_id: i64, exam_id: i64) -> Result<bool> {
    let passes = attempt::Entity::find()
        .filter(attempt::Column::TeacherId.eq(teacher_id))
        .filter(attempt::Column::ExamId.eq(exam_id))
        .filter(attempt::Column::Status.eq(AttemptStatus::Released.as_str()))
        .filter(attempt::Column::Passed.eq(true))
        .count(db)
        .await?;
    Ok(passes > 0)
}

/// The teacher's released passes as evidence rows (`exam_pass`, exam id, best score in tenths),
/// for certification's one query.
pub fn pass_facts(teacher_id: i64) -> sea_orm::sea_query::SelectStatement {
    use sea_orm::sea_query::{Expr, ExprTrait};
    kernel::fact_row(
        "exam_pass",
        Expr::col(attempt::Column::ExamId),
        Expr::col(attempt::Column::ScoreTenths).max(),
        Expr::col(attempt::Column::Id).count(),
    )
    .from(attempt::Entity)
    .and_where(Expr::col(attempt::Column::TeacherId).eq(teacher_id))
    .and_where(Expr::col(attempt::Column::Status).eq(AttemptStatus::Released.as_str()))
    .and_where(Expr::col(attempt::Column::Passed).eq(true))
    .group_by_col(attempt::Column::ExamId)
    .to_owned()
}

/// Whether an exam exists, for other domains that point at one.
pub async fn exam_exists(db: &impl ConnectionTrait, exam_id: i64) -> Result<bool> {
    Ok(exam::Entity::find_by_id(exam_id).one(db).await?.is_some())
}
