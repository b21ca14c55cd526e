use std::collections::BTreeMap;

use chrono::{DateTime, Duration, Utc};
use kernel::{Actor, Error, FieldError, Permission, Result, Scope, Text, from_tenths, to_tenths};
use rand::Rng;
use rust_decimal::Decimal;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, PaginatorTrait,
    QueryFilter, QueryOrder, Set,
};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::bank::OptionItem;
use super::papers::{Section, pool, visible_exam};
use super::results::{finish_submission, settle_overdue};
use crate::domain::{QuestionKind, SectionPool, draw};
use crate::entity::{attempt, attempt_question, exam, question};

/// Where an attempt stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum AttemptStatus {
    InProgress,
    Submitted,
    Grading,
    Graded,
    Released,
}

impl AttemptStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::InProgress => "in_progress",
            Self::Submitted => "submitted",
            Self::Grading => "grading",
            Self::Graded => "graded",
            Self::Released => "released",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        [Self::InProgress, Self::Submitted, Self::Grading, Self::Graded, Self::Released]
            .into_iter()
            .find(|s| s.as_str() == value)
    }
}

/// A question as the candidate sees it: never its key.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PaperQuestion {
    /// The bank question's id; answers are saved under it.
    #[cfg_attr(feature = "openapi", schema(example = 55))]
    pub id: i64,
    #[serde(rename = "type")]
    pub kind: QuestionKind,
    #[cfg_attr(feature = "openapi", schema(example = "学生向你倾诉时，首先应该？"))]
    pub stem: String,
    pub options: Vec<OptionItem>,
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "2"))]
    pub points: Decimal,
}

/// Per-question results, shown once results are released.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Feedback {
    #[cfg_attr(feature = "openapi", schema(example = 55))]
    pub question_id: i64,
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, example = "2"))]
    pub score: Option<Decimal>,
    #[cfg_attr(feature = "openapi", schema(value_type = serde_json::Value))]
    pub answer_key: Value,
    pub explanation: String,
}

/// An attempt: the frozen paper, saved answers, time left and (once released) the result.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AttemptView {
    #[cfg_attr(feature = "openapi", schema(example = 12))]
    pub id: i64,
    #[cfg_attr(feature = "openapi", schema(example = 2))]
    pub exam_id: i64,
    pub status: AttemptStatus,
    pub deadline: DateTime<Utc>,
    #[cfg_attr(feature = "openapi", schema(example = 2700))]
    pub remaining_seconds: i64,
    pub questions: Vec<PaperQuestion>,
    /// Saved answers by question id.
    #[cfg_attr(feature = "openapi", schema(value_type = Object, example = json!({"55": "A"})))]
    pub answers: BTreeMap<String, Value>,
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, example = "86"))]
    pub score: Option<Decimal>,
    pub passed: Option<bool>,
    /// The seed the paper was drawn from, so the draw can be reproduced.
    #[cfg_attr(feature = "openapi", schema(example = 881273661))]
    pub draw_seed: i64,
    pub feedback: Vec<Feedback>,
}

/// The attempt for its owner or for staff managing its exam; overdue attempts are submitted
/// first, so nobody ever sees one still open past its deadline.
pub(crate) async fn readable(
    db: &DatabaseConnection,
    ledger: &credit::Ledger,
    now: DateTime<Utc>,
    actor: &Actor,
    id: i64,
) -> Result<(attempt::Model, exam::Model)> {
    let (found, owner, _) = readable_with(db, ledger, now, actor, id, Questions::Skip).await?;
    Ok((found, owner))
}

/// Whether an attempt's read also brings its questions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Questions {
    Skip,
    Read,
}

/// [`readable`], with the attempt's questions (in order) read in the same joined statement
/// when asked, as an autosave needs: one read, and a second only when the attempt was just
/// settled.
async fn readable_with(
    db: &DatabaseConnection,
    ledger: &credit::Ledger,
    now: DateTime<Utc>,
    actor: &Actor,
    id: i64,
    questions: Questions,
) -> Result<(attempt::Model, exam::Model, Vec<attempt_question::Model>)> {
    let (found, owner, slots) = attempt_exam_questions(db, id, questions).await?.ok_or(Error::NotFound)?;
    match &actor.scope {
        Scope::Person { person_id } if *person_id == found.teacher_id => {}
        Scope::Person { .. } => return Err(Error::NotFound),
        Scope::Subtree { .. } => actor.authorize(Permission::ManageTraining, &owner.org_path)?,
    }
    if !settle_overdue(db, ledger, now, &found).await? {
        return Ok((found, owner, slots));
    }
    let found = attempt::Entity::find_by_id(id).one(db).await?.ok_or(Error::NotFound)?;
    Ok((found, owner, slots))
}

/// An attempt, its exam and (when asked) its questions in order, in one joined statement: one
/// row per question, or one row without them.
async fn attempt_exam_questions(
    db: &impl ConnectionTrait,
    id: i64,
    questions: Questions,
) -> Result<Option<(attempt::Model, exam::Model, Vec<attempt_question::Model>)>> {
    use sea_orm::sea_query::{Expr, JoinType, Order, Query};
    use sea_orm::{ExprTrait, FromQueryResult};
    let mut query = Query::select();
    kernel::select_prefixed(&mut query, attempt::Entity, "a_");
    kernel::select_prefixed(&mut query, exam::Entity, "e_");
    query
        .from(attempt::Entity)
        .inner_join(
            exam::Entity,
            Expr::col((exam::Entity, exam::Column::Id)).equals((attempt::Entity, attempt::Column::ExamId)),
        )
        .and_where(Expr::col((attempt::Entity, attempt::Column::Id)).eq(id));
    if questions == Questions::Read {
        kernel::select_prefixed(&mut query, attempt_question::Entity, "q_");
        query
            .join(
                JoinType::LeftJoin,
                attempt_question::Entity,
                Expr::col((attempt_question::Entity, attempt_question::Column::AttemptId))
                    .equals((attempt::Entity, attempt::Column::Id)),
            )
            .order_by((attempt_question::Entity, attempt_question::Column::Position), Order::Asc);
    }
    let rows = db.query_all(&query).await?;
    let Some(first) = rows.first() else {
        return Ok(None);
    };
    let mut slots = Vec::new();
    if questions == Questions::Read {
        for row in &rows {
            slots.extend(kernel::left_joined::<attempt_question::Model>(row, "q_")?);
        }
    }
    let found = attempt::Model::from_query_result(first, "a_")?;
    Ok(Some((found, exam::Model::from_query_result(first, "e_")?, slots)))
}

/// An attempt read back; a status, kind or JSON text the system did not write is
/// `corrupt_record`.
pub(crate) async fn view(
    db: &impl ConnectionTrait,
    now: DateTime<Utc>,
    a: &attempt::Model,
    for_staff: bool,
) -> Result<AttemptView> {
    let questions = attempt_question::Entity::find()
        .filter(attempt_question::Column::AttemptId.eq(a.id))
        .order_by_asc(attempt_question::Column::Position)
        .all(db)
        .await?;
    view_of(now, a, questions, for_staff)
}

/// [`view`] of questions already read.
fn view_of(
    now: DateTime<Utc>,
    a: &attempt::Model,
    questions: Vec<attempt_question::Model>,
    for_staff: bool,
) -> Result<AttemptView> {
    let status = kernel::stored(AttemptStatus::parse(&a.status), "attempt.status", &a.status)?;
    let results_visible = for_staff || status == AttemptStatus::Released;
    let answers = questions
        .iter()
        .filter_map(|q| {
            let ans = q.answer.as_deref()?;
            Some(kernel::stored_json(ans, "attempt_question.answer").map(|v| (q.question_id.to_string(), v)))
        })
        .collect::<Result<_>>()?;
    Ok(AttemptView {
        id: a.id,
        exam_id: a.exam_id,
        status,
        deadline: a.deadline,
        remaining_seconds: if status == AttemptStatus::InProgress {
            (a.deadline - now).num_seconds().max(0)
        } else {
            0
        },
        answers,
        score: a.score_tenths.filter(|_| results_visible).map(from_tenths),
        passed: a.passed.filter(|_| results_visible),
        draw_seed: a.seed,
        feedback: if results_visible {
            questions
                .iter()
                .map(|q| {
                    Ok(Feedback {
                        question_id: q.question_id,
                        score: q.score_tenths.map(from_tenths),
                        answer_key: kernel::stored_json(&q.answer_key, "attempt_question.answer_key")?,
                        explanation: q.explanation.clone(),
                    })
                })
                .collect::<Result<_>>()?
        } else {
            Vec::new()
        },
        questions: questions
            .into_iter()
            .map(|q| {
                Ok(PaperQuestion {
                    id: q.question_id,
                    kind: kernel::stored(QuestionKind::parse(&q.kind), "attempt_question.kind", &q.kind)?,
                    stem: q.stem,
                    options: kernel::stored_json(&q.options, "attempt_question.options")?,
                    points: from_tenths(q.points_tenths),
                })
            })
            .collect::<Result<_>>()?,
    })
}

fn refused(code: &'static str, zh: &'static str, en: &'static str) -> Error {
    Error::conflict(code, Text::fixed(zh, en))
}

/// Starts an attempt, or returns the one in progress (a phone retrying a start gets the same
/// paper). The paper is drawn from a fresh seed and frozen into the attempt.
pub async fn start_attempt(
    db: &DatabaseConnection,
    ledger: &credit::Ledger,
    now: DateTime<Utc>,
    actor: &Actor,
    exam_id: i64,
) -> Result<(AttemptView, bool)> {
    let teacher_id = actor.teacher()?;
    let found = visible_exam(db, actor, exam_id).await?;
    for stale in attempt::Entity::find()
        .filter(attempt::Column::TeacherId.eq(teacher_id))
        .filter(attempt::Column::ExamId.eq(exam_id))
        .filter(attempt::Column::Status.eq(AttemptStatus::InProgress.as_str()))
        .all(db)
        .await?
    {
        settle_overdue(db, ledger, now, &stale).await?;
    }
    let txn = kernel::begin_write(db).await?;
    kernel::lock_key(&txn, "exam_attempt", teacher_id).await?;
    let mine = attempt::Entity::find()
        .filter(attempt::Column::TeacherId.eq(teacher_id))
        .filter(attempt::Column::ExamId.eq(exam_id));
    if let Some(open) =
        mine.clone().filter(attempt::Column::Status.eq(AttemptStatus::InProgress.as_str())).one(&txn).await?
    {
        let current = view(&txn, now, &open, false).await?;
        txn.commit().await?;
        return Ok((current, false));
    }
    if now < found.opens_at || now >= found.closes_at {
        return Err(refused("exam_not_open", "考试不在开放时间内", "the exam is not open now"));
    }
    if mine.count(&txn).await? >= found.max_attempts as u64 {
        return Err(refused("no_attempts_left", "考试次数已用完", "no attempts left"));
    }
    let sections: Vec<Section> = kernel::stored_json(&found.sections, "exam.sections")?;
    let mut pools = Vec::with_capacity(sections.len());
    for s in &sections {
        pools.push(SectionPool {
            candidates: pool(&txn, s).await?,
            count: s.count as usize,
            points: to_tenths(s.points),
        });
    }
    let ids: Vec<i64> = pools.iter().flat_map(|p| p.candidates.iter().copied()).collect();
    // Each candidate with its options read strictly: a corrupt one refuses the draw rather than
    // freezing a question without options into the paper.
    let bank: BTreeMap<i64, (Vec<OptionItem>, question::Model)> = question::Entity::find()
        .filter(question::Column::Id.is_in(ids))
        .all(&txn)
        .await?
        .into_iter()
        .map(|q| Ok((q.id, (kernel::stored_json(&q.options, "question.options")?, q))))
        .collect::<Result<_>>()?;
    let options_of = |id: i64| bank.get(&id).map_or(0, |(options, _)| options.len());
    let seed = rand::rng().random_range(0..i64::MAX);
    let paper = draw(seed as u64, &pools, found.shuffle_options, options_of).ok_or_else(|| {
        refused("not_drawable", "题库中的题目不足以组卷", "the banks no longer hold enough questions")
    })?;
    let deadline = (now + Duration::minutes(i64::from(found.duration_minutes))).min(found.closes_at);
    let saved = attempt::ActiveModel {
        exam_id: Set(exam_id),
        teacher_id: Set(teacher_id),
        status: Set(AttemptStatus::InProgress.as_str().to_owned()),
        seed: Set(seed),
        started_at: Set(now),
        deadline: Set(deadline),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    for (position, drawn) in paper.iter().enumerate() {
        let Some((options, q)) = bank.get(&drawn.question_id) else { continue };
        let ordered: Vec<&OptionItem> = drawn.option_order.iter().filter_map(|i| options.get(*i)).collect();
        attempt_question::ActiveModel {
            attempt_id: Set(saved.id),
            position: Set(position as i32),
            question_id: Set(q.id),
            question_version: Set(q.version),
            kind: Set(q.kind.clone()),
            stem: Set(q.stem.clone()),
            options: Set(serde_json::to_string(&ordered).map_err(|e| Error::Unexpected(e.into()))?),
            answer_key: Set(q.answer.clone()),
            partial_credit: Set(q.partial_credit),
            points_tenths: Set(drawn.points),
            rubric: Set(q.rubric.clone()),
            explanation: Set(q.explanation.clone()),
            ..Default::default()
        }
        .insert(&txn)
        .await?;
    }
    let current = view(&txn, now, &saved, false).await?;
    txn.commit().await?;
    Ok((current, true))
}

/// An attempt, for its owner (resuming on another device) or staff of its exam.
pub async fn get_attempt(
    db: &DatabaseConnection,
    ledger: &credit::Ledger,
    now: DateTime<Utc>,
    actor: &Actor,
    id: i64,
) -> Result<AttemptView> {
    let (found, _) = readable(db, ledger, now, actor, id).await?;
    view(db, now, &found, actor.person_id().is_none()).await
}

fn answer_fits(kind: QuestionKind, options: &[OptionItem], answer: &Value) -> bool {
    let known = |v: &Value| v.as_str().is_some_and(|k| options.iter().any(|o| o.key == k));
    match kind {
        QuestionKind::SingleChoice => known(answer),
        QuestionKind::MultipleChoice => {
            answer.as_array().is_some_and(|a| a.len() <= options.len() && a.iter().all(known))
        }
        QuestionKind::TrueFalse => answer.is_boolean(),
        _ => answer.as_str().is_some_and(|s| s.chars().count() <= 20_000),
    }
}

/// An autosaved answer on its way to the database.
#[derive(Debug, Clone)]
pub struct SavedAnswer {
    slot_id: i64,
    answer: String,
    at: DateTime<Utc>,
}

/// Autosaves of many attempts, written in shared transactions (`kernel::GroupCommit`): during
/// an exam session every candidate's phone saves as they answer, and one write transaction
/// apiece queued them behind SQLite's single writer. Each save is answered after its commit.
pub type AnswerWriter = kernel::GroupCommit<SavedAnswer, ()>;

/// The most autosaves one shared transaction writes.
const ANSWERS_PER_GROUP: usize = 256;

/// Starts the tasks that write autosaves in groups.
pub fn answer_writer(db: DatabaseConnection) -> AnswerWriter {
    kernel::GroupCommit::start_for(db, ANSWERS_PER_GROUP, |txn, saved| Box::pin(write_answer(txn, saved)))
}

async fn write_answer(txn: &impl ConnectionTrait, saved: &SavedAnswer) -> Result<()> {
    use sea_orm::sea_query::Expr;
    let written = attempt_question::Entity::update_many()
        .col_expr(attempt_question::Column::Answer, Expr::value(saved.answer.clone()))
        .col_expr(attempt_question::Column::AnsweredAt, Expr::value(saved.at))
        .filter(attempt_question::Column::Id.eq(saved.slot_id))
        .exec(txn)
        .await?;
    if written.rows_affected == 0 {
        return Err(Error::NotFound);
    }
    Ok(())
}

/// Autosaves one answer to `(attempt, question)` (last write wins); refused once submitted or
/// past the deadline.
pub async fn save_answer(
    db: &DatabaseConnection,
    answers: &AnswerWriter,
    ledger: &credit::Ledger,
    now: DateTime<Utc>,
    actor: &Actor,
    (id, question_id): (i64, i64),
    answer: Value,
) -> Result<AttemptView> {
    let (found, _, mut slots) = readable_with(db, ledger, now, actor, id, Questions::Read).await?;
    if actor.person_id() != Some(found.teacher_id) {
        return Err(Error::Forbidden);
    }
    if found.status != AttemptStatus::InProgress.as_str() || now > found.deadline {
        return Err(refused(
            "attempt_closed",
            "答卷已提交或已超时，不能再作答",
            "the attempt is submitted or past its deadline",
        ));
    }
    let slot = slots.iter_mut().find(|s| s.question_id == question_id).ok_or(Error::NotFound)?;
    let kind = kernel::stored(QuestionKind::parse(&slot.kind), "attempt_question.kind", &slot.kind)?;
    let options: Vec<OptionItem> = kernel::stored_json(&slot.options, "attempt_question.options")?;
    if !answer_fits(kind, &options, &answer) {
        return Err(Error::from(FieldError::new(
            "answer",
            "invalid_answer",
            Text::fixed("答案格式与题型不符", "the answer does not fit the question type"),
        )));
    }
    let text = serde_json::to_string(&answer).map_err(|e| Error::Unexpected(e.into()))?;
    answers.submit(found.id, SavedAnswer { slot_id: slot.id, answer: text.clone(), at: now }).await?;
    (slot.answer, slot.answered_at) = (Some(text), Some(now));
    view_of(now, &found, slots, false)
}

/// Submits the caller's attempt (idempotent): objective answers are graded at once, the rest
/// go to the grading queue.
pub async fn submit_attempt(
    db: &DatabaseConnection,
    ledger: &credit::Ledger,
    now: DateTime<Utc>,
    actor: &Actor,
    id: i64,
) -> Result<AttemptView> {
    let (found, _) = readable(db, ledger, now, actor, id).await?;
    if actor.person_id() != Some(found.teacher_id) {
        return Err(Error::Forbidden);
    }
    if found.status == AttemptStatus::InProgress.as_str() {
        finish_submission(db, ledger, now, found.id).await?;
    }
    let found = attempt::Entity::find_by_id(id).one(db).await?.ok_or(Error::NotFound)?;
    view(db, now, &found, false).await
}
