use std::collections::HashMap;

use chrono::{DateTime, Duration, Utc};
use kernel::{Actor, Error, FieldError, Page, PageRequest, Permission, Result, Text, from_tenths, to_tenths};
use rust_decimal::Decimal;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter,
    QueryOrder, Set,
};
use serde::{Deserialize, Serialize};

use super::bank::RubricItem;
use super::results::{audit, complete, queue_task, submit_overdue};
use crate::entity::{attempt_question, exam, grading_task};

/// How long a claimed task stays with its grader before returning to the queue.
pub const CLAIM_TIME: Duration = Duration::minutes(30);

/// A task in the blind queue: the question, its rubric and the answer, never the candidate.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct GradingTask {
    #[cfg_attr(feature = "openapi", schema(example = 90))]
    pub id: i64,
    #[cfg_attr(feature = "openapi", schema(example = 2))]
    pub exam_id: i64,
    /// The answer this task marks: every round of one answer shares it (it says nothing of the
    /// candidate).
    #[cfg_attr(feature = "openapi", schema(example = 311))]
    pub answer_id: i64,
    /// 1 and 2 with double marking; 3 when the first two differ too much.
    #[cfg_attr(feature = "openapi", schema(example = 1))]
    pub round: i32,
    /// `open`, `claimed` or `done`.
    #[cfg_attr(feature = "openapi", schema(example = "open"))]
    pub status: String,
    pub claimed_until: Option<DateTime<Utc>>,
    /// Every round of this answer's marking so far, this one included, in order.
    pub rounds: Vec<RoundState>,
    /// Claimed or scored by the caller.
    pub mine: bool,
    /// Whether the caller may claim it now: open or already theirs, and no other round of the
    /// same answer is theirs (in double marking one grader marks an answer once).
    pub claimable: bool,
    #[cfg_attr(feature = "openapi", schema(example = "阅读案例，分析学生的主要困扰并提出辅导思路。"))]
    pub stem: String,
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "10"))]
    pub points: Decimal,
    pub rubric: Vec<RubricItem>,
    #[cfg_attr(feature = "openapi", schema(example = "该生主要困扰是……"))]
    pub answer: String,
    /// The round's score: on the caller's own task, and on any once every round of the answer
    /// is in, so a second or third grader marks without seeing the others' scores.
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, example = "8"))]
    pub score: Option<Decimal>,
}

/// One round of an answer's marking, as every grader may see it: neither score nor grader.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RoundState {
    #[cfg_attr(feature = "openapi", schema(example = 1))]
    pub round: i32,
    /// `open`, `claimed` or `done`.
    #[cfg_attr(feature = "openapi", schema(example = "done"))]
    pub status: String,
}

/// Filters of the queue.
#[derive(Debug, Clone, Default)]
pub struct TaskFilter {
    pub exam_id: Option<i64>,
    /// `open` (including claims that expired), `claimed` or `done`.
    pub status: Option<String>,
}

/// Body of `POST /grading/tasks/{id}/score`.
#[derive(Debug, Clone, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct TaskScore {
    pub criteria: Vec<RubricItem>,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(example = "要点齐全，论述清楚", max_length = 2000))]
    pub comment: String,
}

fn open_at(task: &grading_task::Model, now: DateTime<Utc>) -> bool {
    task.status == "open" || (task.status == "claimed" && task.claimed_until.is_some_and(|t| t <= now))
}

fn status_at(task: &grading_task::Model, now: DateTime<Utc>) -> String {
    if open_at(task, now) { "open".to_owned() } else { task.status.clone() }
}

/// Every round of the given answers, by answer, in round order.
async fn rounds_of(
    db: &impl ConnectionTrait,
    answers: impl IntoIterator<Item = i64>,
) -> Result<HashMap<i64, Vec<grading_task::Model>>> {
    let mut by_answer: HashMap<i64, Vec<grading_task::Model>> = HashMap::new();
    for task in grading_task::Entity::find()
        .filter(grading_task::Column::AttemptQuestionId.is_in(answers))
        .order_by_asc(grading_task::Column::Round)
        .all(db)
        .await?
    {
        by_answer.entry(task.attempt_question_id).or_default().push(task);
    }
    Ok(by_answer)
}

async fn view(
    db: &DatabaseConnection,
    now: DateTime<Utc>,
    grader: i64,
    task: grading_task::Model,
    rounds: &[grading_task::Model],
) -> Result<GradingTask> {
    let q = attempt_question::Entity::find_by_id(task.attempt_question_id)
        .one(db)
        .await?
        .ok_or(Error::NotFound)?;
    let status = status_at(&task, now);
    let mine = task.grader_id == Some(grader) && status != "open";
    let marked_other = rounds.iter().any(|r| r.id != task.id && r.grader_id == Some(grader));
    let settled = rounds.iter().all(|r| r.status == "done");
    Ok(GradingTask {
        id: task.id,
        exam_id: task.exam_id,
        answer_id: task.attempt_question_id,
        round: task.round,
        claimable: (status == "open" || (mine && status == "claimed")) && !marked_other,
        rounds: rounds.iter().map(|r| RoundState { round: r.round, status: status_at(r, now) }).collect(),
        status,
        mine,
        claimed_until: task.claimed_until.filter(|_| !open_at(&task, now)),
        stem: q.stem,
        points: from_tenths(q.points_tenths),
        rubric: kernel::stored_json(&q.rubric, "attempt_question.rubric")?,
        // Unanswered reads as empty; a stored answer that is not a JSON string is corrupt.
        answer: q
            .answer
            .as_deref()
            .map(|a| kernel::stored_json::<String>(a, "attempt_question.answer"))
            .transpose()?
            .unwrap_or_default(),
        score: task.score_tenths.filter(|_| mine || settled).map(from_tenths),
    })
}

/// One task as the caller sees it, with the rounds of its answer.
async fn view_one(
    db: &DatabaseConnection,
    now: DateTime<Utc>,
    grader: i64,
    task: grading_task::Model,
) -> Result<GradingTask> {
    let rounds = rounds_of(db, [task.attempt_question_id])
        .await?
        .remove(&task.attempt_question_id)
        .unwrap_or_default();
    view(db, now, grader, task, &rounds).await
}

/// The grading queue of the caller's subtree, oldest first; overdue attempts are submitted
/// first so their answers appear.
pub async fn list_tasks(
    db: &DatabaseConnection,
    ledger: &credit::Ledger,
    now: DateTime<Utc>,
    actor: &Actor,
    filter: TaskFilter,
    page: PageRequest,
) -> Result<Page<GradingTask>> {
    actor.require(Permission::ManageTraining)?;
    submit_overdue(db, ledger, now).await?;
    let mut condition = Condition::all().add(grading_task::Column::OrgPath.starts_with(actor.subtree()?));
    if let Some(exam_id) = filter.exam_id {
        condition = condition.add(grading_task::Column::ExamId.eq(exam_id));
    }
    condition = match filter.status.as_deref() {
        Some("open") => condition.add(
            Condition::any().add(grading_task::Column::Status.eq("open")).add(
                Condition::all()
                    .add(grading_task::Column::Status.eq("claimed"))
                    .add(grading_task::Column::ClaimedUntil.lte(now)),
            ),
        ),
        Some("claimed") => condition
            .add(grading_task::Column::Status.eq("claimed"))
            .add(grading_task::Column::ClaimedUntil.gt(now)),
        Some("done") => condition.add(grading_task::Column::Status.eq("done")),
        Some(_) => {
            return Err(Error::from(FieldError::new(
                "status",
                "invalid_value",
                Text::fixed("状态须为 open、claimed 或 done", "status is open, claimed or done"),
            )));
        }
        None => condition,
    };
    let select = grading_task::Entity::find().filter(condition).order_by_asc(grading_task::Column::Id);
    let page = kernel::fetch_page(db, select, page).await?;
    let rounds = rounds_of(db, page.items.iter().map(|t| t.attempt_question_id)).await?;
    let mut items = Vec::with_capacity(page.items.len());
    for task in page.items {
        let of_answer = rounds.get(&task.attempt_question_id).map_or(&[][..], Vec::as_slice);
        items.push(view(db, now, actor.account_id, task, of_answer).await?);
    }
    Ok(Page { items, total: page.total, page: page.page, per_page: page.per_page })
}

async fn task_in_scope(db: &DatabaseConnection, actor: &Actor, id: i64) -> Result<grading_task::Model> {
    let task = grading_task::Entity::find_by_id(id).one(db).await?.ok_or(Error::NotFound)?;
    actor.authorize(Permission::ManageTraining, &task.org_path)?;
    Ok(task)
}

/// Claims a task for the caller until the claim time runs out. A grader never marks the same
/// answer twice in double marking.
pub async fn claim_task(
    db: &DatabaseConnection,
    now: DateTime<Utc>,
    actor: &Actor,
    id: i64,
) -> Result<GradingTask> {
    let task = task_in_scope(db, actor, id).await?;
    let mine = task.grader_id == Some(actor.account_id) && task.status == "claimed";
    if !mine && !open_at(&task, now) {
        return Err(Error::conflict(
            "task_taken",
            Text::fixed("该任务已被他人领取或已评完", "the task is claimed by someone else or done"),
        ));
    }
    let other_rounds = grading_task::Entity::find()
        .filter(grading_task::Column::AttemptQuestionId.eq(task.attempt_question_id))
        .filter(grading_task::Column::Id.ne(task.id))
        .filter(grading_task::Column::GraderId.eq(actor.account_id))
        .one(db)
        .await?;
    if other_rounds.is_some() {
        return Err(Error::conflict(
            "already_graded_by_you",
            Text::fixed(
                "双评时同一答案不能由同一人评两次",
                "in double marking one grader marks an answer once",
            ),
        ));
    }
    let mut active: grading_task::ActiveModel = task.into();
    active.status = Set("claimed".to_owned());
    active.grader_id = Set(Some(actor.account_id));
    active.claimed_until = Set(Some(now + CLAIM_TIME));
    view_one(db, now, actor.account_id, active.update(db).await?).await
}

/// Scores a claimed task by rubric criterion; when every round of the answer is in, the answer
/// gets its score (the mean of two close marks, or the third grader's), and a fully graded
/// attempt gets its total.
pub async fn score_task(
    db: &DatabaseConnection,
    ledger: &credit::Ledger,
    now: DateTime<Utc>,
    actor: &Actor,
    id: i64,
    input: TaskScore,
) -> Result<GradingTask> {
    let task = task_in_scope(db, actor, id).await?;
    if task.status != "claimed"
        || task.grader_id != Some(actor.account_id)
        || task.claimed_until.is_none_or(|t| t <= now)
    {
        return Err(Error::conflict(
            "not_claimed",
            Text::fixed(
                "请先领取该任务（领取已过期或属于他人）",
                "claim the task first (your claim expired or is someone else's)",
            ),
        ));
    }
    let q = attempt_question::Entity::find_by_id(task.attempt_question_id)
        .one(db)
        .await?
        .ok_or(Error::NotFound)?;
    let rubric: Vec<RubricItem> = kernel::stored_json(&q.rubric, "attempt_question.rubric")?;
    let mut errors = Vec::new();
    for (i, given) in input.criteria.iter().enumerate() {
        match rubric.iter().find(|r| r.criterion == given.criterion) {
            Some(r)
                if given.points >= Decimal::ZERO
                    && given.points <= r.points
                    && Decimal::new(to_tenths(given.points), 1) == given.points => {}
            Some(_) => errors.push(FieldError::new(
                format!("criteria[{i}].points"),
                "out_of_range",
                Text::fixed("得分须在 0 到该要点分值之间", "points must be between 0 and the criterion's"),
            )),
            None => errors.push(FieldError::new(
                format!("criteria[{i}].criterion"),
                "unknown_criterion",
                Text::fixed("评分细则中没有该要点", "no such criterion in the rubric"),
            )),
        }
    }
    if input.criteria.len() != rubric.len() {
        errors.push(FieldError::new(
            "criteria",
            "incomplete",
            Text::fixed("须为每个评分要点给分", "score every criterion of the rubric"),
        ));
    }
    if let Err(error) = kernel::Bound::TEXT.check("comment", &input.comment) {
        errors.push(error);
    }
    if !errors.is_empty() {
        return Err(Error::Invalid(errors));
    }
    let score: i64 = input.criteria.iter().map(|c| to_tenths(c.points)).sum();
    let txn = kernel::begin_write(db).await?;
    let mut active: grading_task::ActiveModel = task.into();
    active.status = Set("done".to_owned());
    active.criteria =
        Set(Some(serde_json::to_string(&input.criteria).map_err(|e| Error::Unexpected(e.into()))?));
    active.comment = Set(Some(input.comment));
    active.score_tenths = Set(Some(score));
    active.graded_at = Set(Some(now));
    let saved = active.update(&txn).await?;
    settle_answer(&txn, ledger, now, q, actor.account_id).await?;
    txn.commit().await?;
    view_one(db, now, actor.account_id, saved).await
}

/// Decides an answer's score once its rounds are in; calls a third grader when two differ by
/// more than the exam's margin.
async fn settle_answer(
    txn: &sea_orm::DatabaseTransaction,
    ledger: &credit::Ledger,
    now: DateTime<Utc>,
    q: attempt_question::Model,
    grader: i64,
) -> Result<()> {
    let owner_task = grading_task::Entity::find()
        .filter(grading_task::Column::AttemptQuestionId.eq(q.id))
        .order_by_asc(grading_task::Column::Round)
        .all(txn)
        .await?;
    let Some(first) = owner_task.first() else { return Ok(()) };
    let owner = exam::Entity::find_by_id(first.exam_id).one(txn).await?.ok_or(Error::NotFound)?;
    let done: Vec<&grading_task::Model> = owner_task.iter().filter(|t| t.status == "done").collect();
    if done.len() < owner_task.len() {
        return Ok(());
    }
    let scores: Vec<i64> = done.iter().filter_map(|t| t.score_tenths).collect();
    let settled = match scores.as_slice() {
        [only] => *only,
        [a, b] if (a - b).abs() <= owner.margin_tenths => (a + b + 1) / 2,
        [_, _] => {
            queue_task(txn, &q, &owner, 3).await?;
            return Ok(());
        }
        [.., third] => *third,
        [] => return Ok(()),
    };
    let (attempt_id, question_id, old) = (q.attempt_id, q.question_id, q.score_tenths);
    let mut active: attempt_question::ActiveModel = q.into();
    active.score_tenths = Set(Some(settled));
    active.update(txn).await?;
    audit(txn, now, attempt_id, Some(question_id), Some(grader), (old, Some(settled)), "阅卷评分 graded")
        .await?;
    complete(txn, ledger, now, attempt_id).await
}
