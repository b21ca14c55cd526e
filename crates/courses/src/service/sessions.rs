use attendance::{Attendance, Occasion};
use chrono::{DateTime, Duration, Utc};
use kernel::{
    Actor, Bound, Error, FieldError, Hours, Page, PageRequest, Permission, Result, Text, Violations,
    from_tenths, to_tenths,
};
use rust_decimal::Decimal;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, DatabaseTransaction, EntityTrait,
    QueryFilter, QueryOrder, Set,
};
use serde::{Deserialize, Serialize};

use crate::domain::SessionStatus;
use crate::entity::{course, offline_session};

/// The attendance component's name for offline sessions.
const KIND: &str = "session";

/// An offline training session (面授) as clients see it.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Session {
    #[cfg_attr(feature = "openapi", schema(example = 7))]
    pub id: i64,
    #[cfg_attr(feature = "openapi", schema(example = "班主任心理辅导技能面授"))]
    pub title: String,
    #[cfg_attr(feature = "openapi", schema(example = 3))]
    pub course_id: Option<i64>,
    #[cfg_attr(feature = "openapi", schema(example = "恩施市教育局三楼报告厅"))]
    pub place: String,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "3"))]
    pub hours: Decimal,
    #[cfg_attr(feature = "openapi", schema(example = 120))]
    pub capacity: u32,
    #[cfg_attr(feature = "openapi", schema(example = 2))]
    pub org_unit_id: i64,
    pub status: SessionStatus,
    #[cfg_attr(feature = "openapi", schema(example = "张老师"))]
    pub trainer: String,
    /// Minutes before the start and after the end that sign-in stays open.
    #[cfg_attr(feature = "openapi", schema(example = 30))]
    pub sign_in_grace_minutes: u32,
    /// When presence earns the hours.
    #[serde(flatten)]
    pub presence: attendance::PresenceRules,
    /// Registrations against capacity and whether the caller is in; on reads (list, get).
    pub seats: Option<attendance::Seats>,
}

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

/// Filters of the session list.
#[derive(Debug, Clone, Default)]
pub struct SessionFilter {
    pub status: Option<SessionStatus>,
    /// Only sessions starting at or after this time.
    pub from: Option<DateTime<Utc>>,
}

/// One line of a session's attendance sheet.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SessionLine {
    #[serde(flatten)]
    pub attendance: Attendance,
    #[cfg_attr(feature = "openapi", schema(example = "ES00101"))]
    pub employee_no: String,
    #[cfg_attr(feature = "openapi", schema(example = "李明"))]
    pub name: String,
    #[cfg_attr(feature = "openapi", schema(example = "恩施市第一中学"))]
    pub school_name: String,
    /// Hours posted to the ledger for this session (after closing).
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "3"))]
    pub hours_credited: Decimal,
}

/// `GET /sessions/{id}/attendance`: the session and its roster.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SessionAttendance {
    pub session: Session,
    pub lines: Vec<SessionLine>,
}

/// A session read back; a status outside the vocabulary is `corrupt_record`.
fn view(m: &offline_session::Model) -> Result<Session> {
    Ok(Session {
        id: m.id,
        title: m.title.clone(),
        course_id: m.course_id,
        place: m.place.clone(),
        starts_at: m.starts_at,
        ends_at: m.ends_at,
        hours: from_tenths(m.hours_tenths),
        capacity: u32::try_from(m.capacity).unwrap_or(0),
        org_unit_id: m.org_unit_id,
        status: kernel::stored(SessionStatus::parse(&m.status), "offline_session.status", &m.status)?,
        trainer: m.trainer.clone(),
        sign_in_grace_minutes: u32::try_from(m.sign_in_grace_minutes).unwrap_or(0),
        presence: attendance::PresenceRules::stored(m.min_presence_percent, m.closing_window_minutes),
        seats: None,
    })
}

/// The sessions with their seats (and the calling teacher's registration) filled in.
async fn with_seats(
    db: &DatabaseConnection,
    actor: &Actor,
    mut sessions: Vec<Session>,
) -> Result<Vec<Session>> {
    let key = |s: &Session| (s.id, s.capacity);
    attendance::fill_seats(db, KIND, actor.person_id(), &mut sessions, key, |s, seats| s.seats = Some(seats))
        .await?;
    Ok(sessions)
}

fn occasion(m: &offline_session::Model) -> Occasion {
    Occasion::scheduled(KIND, m.id, (m.starts_at, m.ends_at), &m.sign_in_secret)
        .open(Duration::minutes(i64::from(m.sign_in_grace_minutes)), m.capacity)
        .presence(m.min_presence_percent, m.closing_window_minutes)
}

/// Offline sessions as attendance occasions: owned by an org unit, closed by status, earning
/// `offline_training` hours; a closed session takes no marks until it is reopened.
#[derive(Debug, Clone, Copy, Default)]
pub struct Sessions;

/// A stored session, handed through the attendance flow.
#[derive(Debug, Clone)]
pub struct SessionRow(offline_session::Model);

impl attendance::Owner for Sessions {
    type Row = SessionRow;
    type View = Session;
    const MARKS_AFTER_CLOSE: bool = false;
    const CLOSED: (&'static str, &'static str, &'static str) =
        ("session_closed", "培训已结束关闭，如需修改请先重新开启", "the session is closed; reopen it first");

    async fn find(&self, db: &DatabaseConnection, id: i64) -> Result<Option<SessionRow>> {
        Ok(offline_session::Entity::find_by_id(id).one(db).await?.map(SessionRow))
    }

    fn held(&self, SessionRow(m): &SessionRow) -> attendance::Held {
        let closed = m.status == SessionStatus::Closed.as_str();
        attendance::Held::new(occasion(m), &m.org_path, closed, (&m.title, &m.place), m.hours_tenths)
    }

    fn view(&self, row: &SessionRow) -> Result<Session> {
        view(&row.0)
    }

    fn source(&self, session_id: i64, teacher_id: i64) -> credit::Source {
        credit::Source::OfflineSession { session_id, teacher_id }
    }

    /// Closing keeps the time it happened; reopening clears it.
    async fn set_closed(
        &self,
        txn: &DatabaseTransaction,
        row: SessionRow,
        at: Option<DateTime<Utc>>,
    ) -> Result<SessionRow> {
        let status = if at.is_some() { SessionStatus::Closed } else { SessionStatus::Scheduled };
        let mut active: offline_session::ActiveModel = row.0.into();
        (active.status, active.closed_at) = (Set(status.as_str().to_owned()), Set(at));
        Ok(SessionRow(active.update(txn).await?))
    }
}

/// Schedules a session owned by an org unit of the caller's subtree.
pub async fn create_session(
    db: &DatabaseConnection,
    now: DateTime<Utc>,
    actor: &Actor,
    input: NewSession,
) -> Result<Session> {
    actor.require(Permission::ManageTraining)?;
    let mut v = Violations::default();
    let title = v.check(Bound::TITLE.check("title", &input.title));
    let place = v.check(Bound::LABEL.check("place", &input.place));
    let trainer = match &input.trainer {
        Some(named) => v.check(Bound::LABEL.check("trainer", named)),
        None => Some(directory::display_name(db, actor).await?),
    };
    let hours = if input.hours > Decimal::ZERO {
        v.check(Hours::parse(input.hours, Decimal::from(24), "hours"))
    } else {
        v.push(FieldError::new(
            "hours",
            "out_of_range",
            Text::fixed("学时须大于 0", "hours must be above 0"),
        ));
        None
    };
    if input.ends_at <= input.starts_at || input.ends_at - input.starts_at > Duration::days(7) {
        v.push(FieldError::new(
            "ends_at",
            "invalid_window",
            Text::fixed(
                "结束时间须晚于开始时间，且一场不超过 7 天",
                "ends_at must follow starts_at, within 7 days",
            ),
        ));
    }
    if !(1..=5000).contains(&input.capacity) {
        v.push(FieldError::new(
            "capacity",
            "out_of_range",
            Text::fixed("人数上限须在 1 到 5000 之间", "capacity must be 1 to 5000"),
        ));
    }
    let grace = input.sign_in_grace_minutes.unwrap_or(30);
    if grace > 240 {
        v.push(FieldError::new(
            "sign_in_grace_minutes",
            "out_of_range",
            Text::fixed("签到宽限不超过 240 分钟", "sign_in_grace_minutes is at most 240"),
        ));
    }
    let presence =
        attendance::presence_rules(&mut v, input.min_presence_percent, input.closing_window_minutes);
    if let Some(course_id) = input.course_id
        && course::Entity::find_by_id(course_id).one(db).await?.is_none()
    {
        v.push(FieldError::new("course_id", "unknown_course", Text::fixed("课程不存在", "no such course")));
    }
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
        title: Set(title.unwrap_or_default()),
        course_id: Set(input.course_id),
        place: Set(place.unwrap_or_default()),
        starts_at: Set(input.starts_at),
        ends_at: Set(input.ends_at),
        hours_tenths: Set(hours.map(|h| to_tenths(h.value())).unwrap_or_default()),
        capacity: Set(input.capacity as i32),
        org_unit_id: Set(input.org_unit_id.map_or_else(|| actor.own_unit(), Ok)?),
        org_path: Set(owner.unwrap_or_default()),
        trainer: Set(trainer.unwrap_or_default()),
        status: Set(SessionStatus::Scheduled.as_str().to_owned()),
        sign_in_secret: Set(attendance::new_secret()),
        sign_in_grace_minutes: Set(grace as i32),
        min_presence_percent: Set(presence.0 as i32),
        closing_window_minutes: Set(presence.1 as i32),
        created_by: Set(actor.account_id),
        closed_at: Set(None),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await?;
    view(&saved)
}

/// The session row if the caller may see it: staff of its subtree, or a teacher it is open to.
async fn visible(db: &impl ConnectionTrait, actor: &Actor, id: i64) -> Result<offline_session::Model> {
    let found = offline_session::Entity::find_by_id(id).one(db).await?.ok_or(Error::NotFound)?;
    directory::ensure_owner_visible(db, actor, &found.org_path).await?;
    Ok(found)
}

pub async fn get_session(db: &DatabaseConnection, actor: &Actor, id: i64) -> Result<Session> {
    let found = view(&visible(db, actor, id).await?)?;
    with_seats(db, actor, vec![found]).await?.pop().ok_or(Error::NotFound)
}

/// Sessions the caller may see, soonest first.
pub async fn list_sessions(
    db: &DatabaseConnection,
    actor: &Actor,
    filter: SessionFilter,
    page: PageRequest,
) -> Result<Page<Session>> {
    use offline_session::Column as C;
    let scope = directory::owner_scope(db, actor).await?.condition(C::OrgPath);
    let wanted = scope
        .add_option(filter.status.map(|status| C::Status.eq(status.as_str())))
        .add_option(filter.from.map(|from| C::StartsAt.gte(from)));
    let soonest =
        offline_session::Entity::find().filter(wanted).order_by_asc(C::StartsAt).order_by_asc(C::Id);
    let page = kernel::fetch_page(db, soonest, page).await?.try_map(|m| view(&m))?;
    let items = with_seats(db, actor, page.items).await?;
    Ok(Page { items, total: page.total, page: page.page, per_page: page.per_page })
}

/// The attendance sheet: every registered teacher with scans, marks, minutes and hours.
pub async fn session_attendance(
    db: &DatabaseConnection,
    actor: &Actor,
    id: i64,
) -> Result<SessionAttendance> {
    let (SessionRow(found), roster) = attendance::roster_of(db, &Sessions, actor, id).await?;
    let ids: Vec<i64> = roster.iter().map(|a| a.teacher_id).collect();
    let teachers = directory::teachers_by_ids(db, &ids).await?;
    let closed = found.status == SessionStatus::Closed.as_str();
    let lines = roster
        .into_iter()
        .map(|attendance| {
            let teacher = teachers.iter().find(|t| t.id == attendance.teacher_id);
            SessionLine {
                employee_no: teacher.map(|t| t.employee_no.clone()).unwrap_or_default(),
                name: teacher.map(|t| t.name.clone()).unwrap_or_default(),
                school_name: teacher.map(|t| t.school_name.clone()).unwrap_or_default(),
                hours_credited: if closed && attendance.attended {
                    from_tenths(found.hours_tenths)
                } else {
                    Decimal::ZERO
                },
                attendance,
            }
        })
        .collect();
    Ok(SessionAttendance { session: view(&found)?, lines })
}

/// Queues a reminder for everyone registered to a session starting within 24 hours; the
/// dedup key makes each reminder go once however often this runs.
pub async fn enqueue_session_reminders(db: &DatabaseConnection, now: DateTime<Utc>) -> Result<u32> {
    let soon = offline_session::Entity::find()
        .filter(offline_session::Column::StartsAt.gt(now))
        .filter(offline_session::Column::StartsAt.lte(now + Duration::hours(24)))
        .filter(offline_session::Column::Status.eq(SessionStatus::Scheduled.as_str()))
        .all(db)
        .await?;
    attendance::remind(db, &Sessions, now, soon.into_iter().map(SessionRow).collect()).await
}
