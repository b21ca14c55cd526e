//! Scheduling a session and changing it later: both go through one check of the whole
//! session, so an edit is validated exactly like a creation; an edit also goes through the
//! attendance flow, which refuses closed and cancelled sessions and capacity below the roster.

use chrono::{DateTime, Utc};
use kernel::{Actor, Bound, Error, FieldError, Permission, Result, Text, Violations};
use rust_decimal::Decimal;
use sea_orm::{ActiveModelTrait, DatabaseConnection, EntityTrait, Set};
use serde::Deserialize;

use super::sessions::{Session, SessionRow, Sessions, view};
use crate::domain::SessionStatus;
use crate::entity::{course, offline_session};

/// Body of `POST /sessions`.
#[derive(Debug, Clone, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewSession {
    #[cfg_attr(
        feature = "openapi",
        schema(example = "班主任心理辅导技能面授", min_length = 2, max_length = 200)
    )]
    pub title: String,
    pub course_id: Option<i64>,
    #[cfg_attr(
        feature = "openapi",
        schema(example = "恩施市教育局三楼报告厅", min_length = 2, max_length = 200)
    )]
    pub place: String,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "3"))]
    pub hours: Decimal,
    #[cfg_attr(feature = "openapi", schema(example = 120, minimum = 1, maximum = 5000))]
    pub capacity: u32,
    /// The owning unit; default the caller's own.
    #[cfg_attr(feature = "openapi", schema(example = 2))]
    pub org_unit_id: Option<i64>,
    /// Who runs it; default the calling account's person (or login name).
    #[cfg_attr(feature = "openapi", schema(example = "张老师", min_length = 1, max_length = 100))]
    pub trainer: Option<String>,
    #[cfg_attr(feature = "openapi", schema(example = 30, maximum = 240))]
    pub sign_in_grace_minutes: Option<u32>,
    /// 1–100, default 80: the share of the scheduled time that earns the hours.
    #[cfg_attr(feature = "openapi", schema(example = 80, minimum = 1, maximum = 100))]
    pub min_presence_percent: Option<u32>,
    /// Default 15: how long before the end check-out opens.
    #[cfg_attr(feature = "openapi", schema(example = 15, minimum = 1, maximum = 240))]
    pub closing_window_minutes: Option<u32>,
}

/// Body of `PATCH /sessions/{id}`: only the fields to change, each checked as on creation.
/// The owning unit stays (it decides who may attend and who runs it).
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct SessionPatch {
    #[cfg_attr(
        feature = "openapi",
        schema(example = "班主任心理辅导技能面授（二）", min_length = 2, max_length = 200)
    )]
    pub title: Option<String>,
    pub course_id: Option<i64>,
    #[cfg_attr(
        feature = "openapi",
        schema(example = "恩施市教育局五楼会议室", min_length = 2, max_length = 200)
    )]
    pub place: Option<String>,
    pub starts_at: Option<DateTime<Utc>>,
    pub ends_at: Option<DateTime<Utc>>,
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, example = "4"))]
    pub hours: Option<Decimal>,
    #[cfg_attr(feature = "openapi", schema(example = 150, minimum = 1, maximum = 5000))]
    pub capacity: Option<u32>,
    #[cfg_attr(feature = "openapi", schema(example = "李老师", min_length = 1, max_length = 100))]
    pub trainer: Option<String>,
    #[cfg_attr(feature = "openapi", schema(example = 30, maximum = 240))]
    pub sign_in_grace_minutes: Option<u32>,
    #[cfg_attr(feature = "openapi", schema(example = 80, minimum = 1, maximum = 100))]
    pub min_presence_percent: Option<u32>,
    #[cfg_attr(feature = "openapi", schema(example = 15, minimum = 1, maximum = 240))]
    pub closing_window_minutes: Option<u32>,
}

/// A whole session as it is to be stored, before its check.
struct Draft {
    title: String,
    course_id: Option<i64>,
    place: String,
    starts_at: DateTime<Utc>,
    ends_at: DateTime<Utc>,
    hours: Decimal,
    capacity: u32,
    trainer: String,
    grace: u32,
    min_presence_percent: Option<u32>,
    closing_window_minutes: Option<u32>,
}

/// A draft that passed its check: the occasion's details as the attendance flow checks them
/// for every kind, and the trimmed trainer.
struct Checked {
    details: attendance::CheckedDetails,
    trainer: String,
}

impl Draft {
    fn details(&self) -> attendance::Details<'_> {
        attendance::Details {
            title: &self.title,
            place: &self.place,
            starts_at: self.starts_at,
            ends_at: self.ends_at,
            hours: self.hours,
            capacity: self.capacity,
            min_presence_percent: self.min_presence_percent,
            closing_window_minutes: self.closing_window_minutes,
        }
    }
}

/// Every rule of a session, each field at fault recorded in `v`: the details every occasion
/// has, then the session's own (trainer, sign-in grace, course).
async fn check(db: &DatabaseConnection, v: &mut Violations, draft: &Draft) -> Result<Checked> {
    let details = attendance::check_details(v, &draft.details());
    let trainer = v.check(Bound::LABEL.check("trainer", &draft.trainer));
    if draft.grace > 240 {
        v.push(FieldError::new(
            "sign_in_grace_minutes",
            "out_of_range",
            Text::fixed("签到宽限不超过 240 分钟", "sign_in_grace_minutes is at most 240"),
        ));
    }
    if let Some(course_id) = draft.course_id
        && course::Entity::find_by_id(course_id).one(db).await?.is_none()
    {
        v.push(FieldError::new("course_id", "unknown_course", Text::fixed("课程不存在", "no such course")));
    }
    Ok(Checked { details, trainer: trainer.unwrap_or_default() })
}

/// Schedules a session owned by an org unit of the caller's subtree.
pub async fn create_session(
    db: &DatabaseConnection,
    now: DateTime<Utc>,
    actor: &Actor,
    input: NewSession,
) -> Result<Session> {
    actor.require(Permission::ManageTraining)?;
    let trainer = match input.trainer {
        Some(named) => named,
        None => directory::display_name(db, actor).await?,
    };
    let draft = Draft {
        title: input.title,
        course_id: input.course_id,
        place: input.place,
        starts_at: input.starts_at,
        ends_at: input.ends_at,
        hours: input.hours,
        capacity: input.capacity,
        trainer,
        grace: input.sign_in_grace_minutes.unwrap_or(30),
        min_presence_percent: input.min_presence_percent,
        closing_window_minutes: input.closing_window_minutes,
    };
    let mut v = Violations::default();
    let checked = check(db, &mut v, &draft).await?;
    let owner = match directory::scope_path(db, actor, input.org_unit_id, Permission::ManageTraining).await {
        Ok(path) => Some(path),
        Err(Error::Invalid(errors)) => {
            errors.into_iter().for_each(|e| v.push(FieldError { field: "org_unit_id".to_owned(), ..e }));
            None
        }
        Err(other) => return Err(other),
    };
    v.finish()?;
    let saved = offline_session::ActiveModel {
        title: Set(checked.details.title),
        course_id: Set(draft.course_id),
        place: Set(checked.details.place),
        starts_at: Set(draft.starts_at),
        ends_at: Set(draft.ends_at),
        hours_tenths: Set(checked.details.hours_tenths),
        capacity: Set(draft.capacity as i32),
        org_unit_id: Set(input.org_unit_id.map_or_else(|| actor.own_unit(), Ok)?),
        org_path: Set(owner.unwrap_or_default()),
        trainer: Set(checked.trainer),
        status: Set(SessionStatus::Scheduled.as_str().to_owned()),
        sign_in_secret: Set(attendance::new_secret()),
        sign_in_grace_minutes: Set(draft.grace as i32),
        min_presence_percent: Set(checked.details.presence.0 as i32),
        closing_window_minutes: Set(checked.details.presence.1 as i32),
        created_by: Set(actor.account_id),
        closed_at: Set(None),
        created_at: Set(now),
        cancelled_at: Set(None),
        cancel_reason: Set(None),
        ..Default::default()
    }
    .insert(db)
    .await?;
    view(&saved)
}

/// Changes a session of the caller's subtree that is still open: the patched session is
/// checked whole, like a new one, and the attendance flow refuses a capacity below the
/// roster and other hours once hours were posted. Registrants are told, in the same
/// transaction, when the session moved to another time or place.
pub async fn update_session(
    db: &DatabaseConnection,
    now: DateTime<Utc>,
    actor: &Actor,
    id: i64,
    patch: SessionPatch,
) -> Result<Session> {
    let amending = attendance::amendable(db, &Sessions, actor, id).await?;
    let SessionRow(current) = &amending.row;
    let draft = Draft {
        title: patch.title.unwrap_or_else(|| current.title.clone()),
        course_id: patch.course_id.or(current.course_id),
        place: patch.place.unwrap_or_else(|| current.place.clone()),
        starts_at: patch.starts_at.unwrap_or(current.starts_at),
        ends_at: patch.ends_at.unwrap_or(current.ends_at),
        hours: patch.hours.unwrap_or_else(|| kernel::from_tenths(current.hours_tenths)),
        capacity: patch.capacity.unwrap_or(u32::try_from(current.capacity).unwrap_or(0)),
        trainer: patch.trainer.unwrap_or_else(|| current.trainer.clone()),
        grace: patch
            .sign_in_grace_minutes
            .unwrap_or(u32::try_from(current.sign_in_grace_minutes).unwrap_or(0)),
        min_presence_percent: patch.min_presence_percent.or(u32::try_from(current.min_presence_percent).ok()),
        closing_window_minutes: patch
            .closing_window_minutes
            .or(u32::try_from(current.closing_window_minutes).ok()),
    };
    let mut v = Violations::default();
    let checked = check(db, &mut v, &draft).await?;
    amending.check(&mut v, draft.capacity, checked.details.hours_tenths);
    v.finish()?;
    let mut active: offline_session::ActiveModel = amending.row.0.clone().into();
    active.title = Set(checked.details.title);
    active.course_id = Set(draft.course_id);
    active.place = Set(checked.details.place);
    active.starts_at = Set(draft.starts_at);
    active.ends_at = Set(draft.ends_at);
    active.hours_tenths = Set(checked.details.hours_tenths);
    active.capacity = Set(draft.capacity as i32);
    active.trainer = Set(checked.trainer);
    active.sign_in_grace_minutes = Set(draft.grace as i32);
    active.min_presence_percent = Set(checked.details.presence.0 as i32);
    active.closing_window_minutes = Set(checked.details.presence.1 as i32);
    let txn = kernel::begin_write(db).await?;
    let saved = active.update(&txn).await?;
    amending.tell_moved(&txn, &Sessions, now, (saved.starts_at, saved.ends_at, &saved.place)).await?;
    txn.commit().await?;
    view(&saved)
}
