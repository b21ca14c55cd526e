use chrono::{DateTime, Duration, Utc};
use kernel::{Actor, Error, FieldError, Result, Text};
use rand::Rng;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter, Set,
};
use serde::{Deserialize, Serialize};

use super::catalog::lessons_of;
use super::enrollment::enrollment;
use crate::domain::progress::{Heartbeat, Rules, State, apply};
use crate::entity::{
    course, enrollment as enrollment_entity, learning_interval, lesson, lesson_progress, presence_challenge,
};

/// The most heartbeats one request may carry (about two hours of a queue at 15 s).
pub const MAX_BATCH: usize = 500;
/// How long a presence check may wait for its answer before crediting pauses.
const CHALLENGE_GRACE: Duration = Duration::seconds(60);

/// One player report, as the client sends it.
#[derive(Debug, Clone, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct HeartbeatInput {
    /// Increases by one per heartbeat of this lesson on this device.
    #[cfg_attr(feature = "openapi", schema(example = 42, minimum = 1))]
    pub seq: i64,
    #[cfg_attr(feature = "openapi", schema(example = 615.5, minimum = 0))]
    pub position_seconds: f64,
    pub playing: bool,
    pub client_time: DateTime<Utc>,
}

/// A presence check (防挂机) the client must answer within a minute, or crediting pauses.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Challenge {
    #[cfg_attr(feature = "openapi", schema(example = 77))]
    pub id: i64,
    #[cfg_attr(feature = "openapi", schema(example = "7 + 5 = ?"))]
    pub question: String,
    pub expires_at: DateTime<Utc>,
}

/// What the player needs after a batch: credited time, distinct content watched, where to
/// resume on any device, whether the lesson (and course) completed, and a pending check.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ProgressReport {
    #[cfg_attr(feature = "openapi", schema(example = 540))]
    pub credited_seconds: i64,
    #[cfg_attr(feature = "openapi", schema(example = 525))]
    pub watched_seconds: i64,
    #[cfg_attr(feature = "openapi", schema(example = 615))]
    pub resume_position: i64,
    pub completed: bool,
    pub course_completed: bool,
    pub challenge: Option<Challenge>,
    /// The lesson's quiz (an exam id) still to pass before the lesson completes; send an empty
    /// batch after passing it to complete the lesson.
    #[cfg_attr(feature = "openapi", schema(example = 9))]
    pub quiz_pending: Option<i64>,
}

fn batch_error(field: String, code: &'static str, zh: &'static str, en: &'static str) -> FieldError {
    FieldError::new(field, code, Text::fixed(zh, en))
}

/// Checks a batch's shape before anything is read or written.
fn validate(batch: &[HeartbeatInput], duration_seconds: i32) -> Result<Vec<Heartbeat>> {
    if batch.len() > MAX_BATCH {
        return Err(Error::from(batch_error(
            "heartbeats".to_owned(),
            "batch_too_large",
            "一次最多提交 500 条心跳",
            "at most 500 heartbeats per request",
        )));
    }
    let mut errors = Vec::new();
    let mut beats = Vec::with_capacity(batch.len());
    for (i, h) in batch.iter().enumerate() {
        if h.seq < 1 || beats.last().is_some_and(|prev: &Heartbeat| h.seq <= prev.seq) {
            errors.push(batch_error(
                format!("heartbeats[{i}].seq"),
                "seq_not_increasing",
                "心跳序号须从 1 起严格递增",
                "seq must start at 1 and strictly increase",
            ));
        }
        if !(0.0..=f64::from(duration_seconds) + 1.0).contains(&h.position_seconds) {
            errors.push(FieldError::new(
                format!("heartbeats[{i}].position_seconds"),
                "out_of_range",
                Text::owned(
                    format!("播放位置须在 0 到 {duration_seconds} 秒（本节时长）之间"),
                    format!("position must be between 0 and {duration_seconds} s (the lesson's length)"),
                ),
            ));
        }
        beats.push(Heartbeat {
            seq: h.seq,
            position_ms: (h.position_seconds * 1000.0).round() as i64,
            playing: h.playing,
            client_time: h.client_time,
        });
    }
    if errors.is_empty() { Ok(beats) } else { Err(Error::Invalid(errors)) }
}

/// Stored progress read back; watched ranges that do not parse are `corrupt_record`, never
/// "nothing watched".
fn to_state(p: &lesson_progress::Model) -> Result<State> {
    Ok(State {
        last_seq: p.last_seq,
        last_position_ms: p.last_position_ms,
        last_time: p.last_time,
        last_client_time: p.last_client_time,
        last_playing: p.last_playing,
        watched: kernel::stored_json(&p.watched, "lesson_progress.watched")?,
        credited_ms: p.credited_ms,
    })
}

/// Heartbeat batches of many teachers, credited in shared transactions.
pub type ProgressWriter = kernel::GroupCommit<ProgressBatch, ProgressReport>;

/// The most batches one shared transaction credits.
const GROUP_SIZE: usize = 256;

/// Starts the tasks that credit checked batches in groups (see `kernel::GroupCommit`): one
/// on SQLite, which has a single writer anyway; a few on PostgreSQL.
pub fn progress_writer(db: DatabaseConnection, ledger: credit::Ledger, rules: Rules) -> ProgressWriter {
    kernel::GroupCommit::start_for(db, GROUP_SIZE, move |txn, batch| {
        Box::pin(async move { credit_progress(txn, &ledger, &rules, batch).await })
    })
}

/// A checked batch of one teacher's heartbeats for one lesson, ready to be credited.
#[derive(Debug, Clone)]
pub struct ProgressBatch {
    pub teacher_id: i64,
    /// The server's time when the batch arrived: time is verified against it.
    received_at: DateTime<Utc>,
    lesson: lesson::Model,
    course: course::Model,
    beats: Vec<Heartbeat>,
}

/// The lesson, its course and whether the teacher is enrolled in it, in one joined read: the
/// heartbeat path's reads before its transaction (an account read by the extractor aside).
async fn lesson_course_enrolled(
    db: &impl ConnectionTrait,
    teacher_id: i64,
    lesson_id: i64,
) -> Result<Option<(lesson::Model, course::Model, bool)>> {
    use sea_orm::sea_query::{Alias, Expr, JoinType, Query};
    use sea_orm::{ExprTrait, FromQueryResult};
    let mut query = Query::select();
    kernel::select_prefixed(&mut query, lesson::Entity, "l_");
    kernel::select_prefixed(&mut query, course::Entity, "c_");
    query
        .expr_as(
            Expr::col((enrollment_entity::Entity, enrollment_entity::Column::Id)),
            Alias::new("enrolment_id"),
        )
        .from(lesson::Entity)
        .inner_join(
            course::Entity,
            Expr::col((course::Entity, course::Column::Id))
                .equals((lesson::Entity, lesson::Column::CourseId)),
        )
        .join(
            JoinType::LeftJoin,
            enrollment_entity::Entity,
            Expr::col((enrollment_entity::Entity, enrollment_entity::Column::CourseId))
                .equals((course::Entity, course::Column::Id))
                .and(
                    Expr::col((enrollment_entity::Entity, enrollment_entity::Column::TeacherId))
                        .eq(teacher_id),
                ),
        )
        .and_where(Expr::col((lesson::Entity, lesson::Column::Id)).eq(lesson_id));
    let Some(row) = db.query_one(&query).await? else {
        return Ok(None);
    };
    let enrolled = row.try_get::<Option<i64>>("", "enrolment_id")?.is_some();
    Ok(Some((
        lesson::Model::from_query_result(&row, "l_")?,
        course::Model::from_query_result(&row, "c_")?,
        enrolled,
    )))
}

/// Checks a batch from the calling teacher's player before anything is written: the lesson
/// exists, the teacher is enrolled in its course, seqs increase and positions are inside it.
pub async fn check_progress(
    db: &DatabaseConnection,
    now: DateTime<Utc>,
    actor: &Actor,
    lesson_id: i64,
    batch: Vec<HeartbeatInput>,
) -> Result<ProgressBatch> {
    let teacher_id = actor.teacher()?;
    let (found, owner, enrolled) =
        lesson_course_enrolled(db, teacher_id, lesson_id).await?.ok_or(Error::NotFound)?;
    if !enrolled {
        // A course the teacher cannot see does not exist for them; only a visible one says
        // "enrol first".
        directory::ensure_owner_visible(db, actor, &owner.org_path).await?;
        return Err(Error::conflict(
            "not_enrolled",
            Text::fixed("请先选课再学习", "enrol in the course first"),
        ));
    }
    let beats = validate(&batch, found.duration_seconds)?;
    Ok(ProgressBatch { teacher_id, received_at: now, lesson: found, course: owner, beats })
}

/// Credits a checked batch inside the caller's transaction (heartbeats of many teachers share
/// one through `kernel::GroupCommit`). Only real, unseen, non-overlapping viewing time counts;
/// completing the last required lesson completes the course and posts its hours to the ledger
/// in the same transaction, exactly once.
pub async fn credit_progress(
    txn: &impl ConnectionTrait,
    ledger: &credit::Ledger,
    rules: &Rules,
    batch: &ProgressBatch,
) -> Result<ProgressReport> {
    let ProgressBatch { teacher_id, received_at: now, lesson: found, course: owner, beats } = batch;
    let (teacher_id, now) = (*teacher_id, *now);
    let lesson_id = found.id;
    kernel::lock_key(txn, "learner", teacher_id).await?;
    let Learner { stored, pending, busy } = learner(txn, teacher_id, lesson_id, owner.id, now).await?;
    let mut state = stored.as_ref().map(to_state).transpose()?.unwrap_or_default();
    let before_ms = state.credited_ms;
    let paused = pending.as_ref().is_some_and(|c| c.issued_at + CHALLENGE_GRACE < now);
    let outcome = apply(&mut state, beats, now, &busy, paused, rules);
    for (starts_at, ends_at) in &outcome.intervals {
        learning_interval::ActiveModel {
            teacher_id: Set(teacher_id),
            lesson_id: Set(lesson_id),
            starts_at: Set(*starts_at),
            ends_at: Set(*ends_at),
            ..Default::default()
        }
        .insert(txn)
        .await?;
    }
    let watched_enough = state.complete(i64::from(found.duration_seconds) * 1000, rules);
    let quiz_pending = match found.quiz_exam_id {
        Some(exam_id) if !exams::has_passed(txn, teacher_id, exam_id).await? => Some(exam_id),
        _ => None,
    };
    let lesson_done = watched_enough && quiz_pending.is_none();
    let completed_at = stored.as_ref().and_then(|p| p.completed_at).or(lesson_done.then_some(now));
    let watched = serde_json::to_string(&state.watched).map_err(|e| Error::Unexpected(e.into()))?;
    let mut active = match stored {
        Some(p) => p.into(),
        None => lesson_progress::ActiveModel {
            teacher_id: Set(teacher_id),
            lesson_id: Set(lesson_id),
            ..Default::default()
        },
    };
    active.last_seq = Set(state.last_seq);
    active.last_position_ms = Set(state.last_position_ms);
    active.last_time = Set(state.last_time);
    active.last_client_time = Set(state.last_client_time);
    active.last_playing = Set(state.last_playing);
    active.watched = Set(watched);
    active.watched_ms = Set(state.watched_ms());
    active.credited_ms = Set(state.credited_ms);
    active.completed_at = Set(completed_at);
    active.updated_at = Set(now);
    active.save(txn).await?;

    let course_completed = match completed_at {
        Some(_) => complete_course(txn, ledger, now, owner, teacher_id).await?,
        None => false,
    };
    let challenge = match (pending, owner.presence_check_minutes) {
        (Some(c), _) => Some(c),
        (None, Some(minutes)) if crossed(before_ms, state.credited_ms, i64::from(minutes) * 60_000) => {
            Some(issue_challenge(txn, now, teacher_id, owner.id).await?)
        }
        _ => None,
    };
    Ok(ProgressReport {
        credited_seconds: state.credited_ms / 1000,
        watched_seconds: state.watched_ms() / 1000,
        resume_position: state.last_position_ms / 1000,
        completed: completed_at.is_some(),
        course_completed,
        challenge: challenge.map(|c| Challenge {
            id: c.id,
            question: c.question,
            expires_at: c.issued_at + CHALLENGE_GRACE,
        }),
        quiz_pending: quiz_pending.filter(|_| completed_at.is_none()),
    })
}

/// What a batch is credited against.
struct Learner {
    /// The teacher's progress in the lesson.
    stored: Option<lesson_progress::Model>,
    /// Their unanswered presence check in the course.
    pending: Option<presence_challenge::Model>,
    /// Their credited intervals (in any lesson: time is credited once) ending after the
    /// progress's last report, or after `now` without one.
    busy: Vec<(DateTime<Utc>, DateTime<Utc>)>,
}

/// Reads the [`Learner`] in one statement inside the batch's transaction: the progress row and
/// the pending check (at most one each) left-joined to a one-row base, then the busy intervals,
/// so the result has one row per interval, or one row when there is none.
async fn learner(
    txn: &impl ConnectionTrait,
    teacher_id: i64,
    lesson_id: i64,
    course_id: i64,
    now: DateTime<Utc>,
) -> Result<Learner> {
    use sea_orm::ExprTrait;
    use sea_orm::sea_query::{Alias, Expr, Func, JoinType, Query};
    use {learning_interval as interval, lesson_progress as progress, presence_challenge as challenge};
    let base = Alias::new("base");
    let floor = Func::coalesce([Expr::col((progress::Entity, progress::Column::LastTime)), Expr::val(now)]);
    let mut query = Query::select();
    kernel::select_prefixed(&mut query, progress::Entity, "p_");
    kernel::select_prefixed(&mut query, challenge::Entity, "c_");
    query
        .expr_as(Expr::col((interval::Entity, interval::Column::StartsAt)), Alias::new("i_starts_at"))
        .expr_as(Expr::col((interval::Entity, interval::Column::EndsAt)), Alias::new("i_ends_at"))
        .from_subquery(Query::select().expr_as(Expr::val(1), Alias::new("one")).to_owned(), base)
        .join(
            JoinType::LeftJoin,
            progress::Entity,
            Expr::col((progress::Entity, progress::Column::TeacherId))
                .eq(teacher_id)
                .and(Expr::col((progress::Entity, progress::Column::LessonId)).eq(lesson_id)),
        )
        .join(
            JoinType::LeftJoin,
            challenge::Entity,
            Expr::col((challenge::Entity, challenge::Column::TeacherId))
                .eq(teacher_id)
                .and(Expr::col((challenge::Entity, challenge::Column::CourseId)).eq(course_id))
                .and(Expr::col((challenge::Entity, challenge::Column::AnsweredAt)).is_null()),
        )
        .join(
            JoinType::LeftJoin,
            interval::Entity,
            Expr::col((interval::Entity, interval::Column::TeacherId))
                .eq(teacher_id)
                .and(Expr::col((interval::Entity, interval::Column::EndsAt)).gt(floor)),
        );
    let rows = txn.query_all(&query).await?;
    let first = rows
        .first()
        .ok_or_else(|| Error::Unexpected(anyhow::anyhow!("the learner's base row is missing")))?;
    let stored = kernel::left_joined::<progress::Model>(first, "p_")?;
    let pending = kernel::left_joined::<challenge::Model>(first, "c_")?;
    let mut busy = Vec::with_capacity(rows.len());
    for row in &rows {
        let starts = row.try_get::<Option<DateTime<Utc>>>("", "i_starts_at")?;
        let ends = row.try_get::<Option<DateTime<Utc>>>("", "i_ends_at")?;
        if let (Some(starts), Some(ends)) = (starts, ends) {
            busy.push((starts, ends));
        }
    }
    Ok(Learner { stored, pending, busy })
}

/// Whether credited time passed a multiple of `every` in this batch.
fn crossed(before: i64, after: i64, every: i64) -> bool {
    every > 0 && after / every > before / every
}

/// Marks the enrolment complete and posts the course's hours once all required lessons are
/// complete; true when the course is (now or already) complete.
async fn complete_course(
    txn: &impl ConnectionTrait,
    ledger: &credit::Ledger,
    now: DateTime<Utc>,
    owner: &course::Model,
    teacher_id: i64,
) -> Result<bool> {
    let Some(enrolled) = enrollment(txn, teacher_id, owner.id).await? else {
        return Ok(false);
    };
    if enrolled.completed_at.is_some() {
        return Ok(true);
    }
    let required: Vec<i64> =
        lessons_of(txn, owner).await?.into_iter().filter(|(l, _)| l.required).map(|(l, _)| l.id).collect();
    let done = lesson_progress::Entity::find()
        .filter(lesson_progress::Column::TeacherId.eq(teacher_id))
        .filter(lesson_progress::Column::LessonId.is_in(required.clone()))
        .filter(lesson_progress::Column::CompletedAt.is_not_null())
        .all(txn)
        .await?
        .len();
    if done < required.len() {
        return Ok(false);
    }
    let mut active: enrollment_entity::ActiveModel = enrolled.into();
    active.completed_at = Set(Some(now));
    active.update(txn).await?;
    ledger
        .post(
            txn,
            now,
            credit::NewEntry {
                teacher_id,
                source: credit::Source::Course { course_id: owner.id, teacher_id },
                hours: kernel::from_tenths(owner.hours_tenths),
                occurred_on: kernel::china_date(now),
                description: owner.title.clone(),
                recorded_by: None,
            },
        )
        .await?;
    Ok(true)
}

async fn issue_challenge(
    txn: &impl ConnectionTrait,
    now: DateTime<Utc>,
    teacher_id: i64,
    course_id: i64,
) -> Result<presence_challenge::Model> {
    let (a, b) = {
        let mut rng = rand::rng();
        (rng.random_range(2..10), rng.random_range(2..10))
    };
    Ok(presence_challenge::ActiveModel {
        teacher_id: Set(teacher_id),
        course_id: Set(course_id),
        question: Set(format!("{a} + {b} = ?")),
        answer: Set((a + b).to_string()),
        issued_at: Set(now),
        answered_at: Set(None),
        ..Default::default()
    }
    .insert(txn)
    .await?)
}

/// Answers the calling teacher's presence check; a right answer resumes crediting.
pub async fn answer_challenge(
    db: &DatabaseConnection,
    now: DateTime<Utc>,
    actor: &Actor,
    challenge_id: i64,
    answer: &str,
) -> Result<()> {
    let teacher_id = actor.teacher()?;
    let found = presence_challenge::Entity::find_by_id(challenge_id)
        .one(db)
        .await?
        .filter(|c| c.teacher_id == teacher_id)
        .ok_or(Error::NotFound)?;
    if found.answered_at.is_some() {
        return Ok(());
    }
    if found.answer != answer.trim() {
        return Err(Error::from(FieldError::new(
            "answer",
            "wrong_answer",
            Text::fixed("答案不正确", "wrong answer"),
        )));
    }
    let mut active: presence_challenge::ActiveModel = found.into();
    active.answered_at = Set(Some(now));
    active.update(db).await?;
    Ok(())
}
