use attendance::Occasion;
use chrono::{DateTime, Duration, Utc};
use kernel::{Actor, Error, Page, PageRequest, Result, from_tenths};
use rust_decimal::Decimal;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, DatabaseTransaction, EntityTrait,
    QueryFilter, QueryOrder, Set,
};
use serde::Serialize;

use crate::domain::SessionStatus;
use crate::entity::offline_session;

/// The attendance component's name for offline sessions.
pub(super) const KIND: &str = "session";

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
    /// When and why it was cancelled (`status` is then `cancelled`).
    pub cancellation: Option<attendance::Cancellation>,
}

/// Filters of the session list.
#[derive(Debug, Clone, Default)]
pub struct SessionFilter {
    pub status: Option<SessionStatus>,
    /// Only sessions starting at or after this time.
    pub from: Option<DateTime<Utc>>,
}

/// `GET /sessions/{id}/attendance`: the session and its roster.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SessionAttendance {
    pub session: Session,
    pub lines: Vec<attendance::SheetLine>,
}

/// A session read back; a status outside the vocabulary is `corrupt_record`.
pub(super) fn view(m: &offline_session::Model) -> Result<Session> {
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
        cancellation: attendance::Cancellation::stored(m.cancelled_at, m.cancel_reason.as_deref()),
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
pub struct SessionRow(pub(super) offline_session::Model);

impl attendance::Owner for Sessions {
    type Row = SessionRow;
    type View = Session;
    const MARKS_AFTER_CLOSE: bool = false;
    const CLOSED: (&'static str, &'static str, &'static str) =
        ("session_closed", "培训已结束关闭，如需修改请先重新开启", "the session is closed; reopen it first");
    const CANCELLED: (&'static str, &'static str, &'static str) =
        ("session_cancelled", "该培训已取消", "the session was cancelled");

    async fn find(&self, db: &DatabaseConnection, id: i64) -> Result<Option<SessionRow>> {
        Ok(offline_session::Entity::find_by_id(id).one(db).await?.map(SessionRow))
    }

    fn held(&self, SessionRow(m): &SessionRow) -> Result<attendance::Held> {
        let standing =
            match kernel::stored(SessionStatus::parse(&m.status), "offline_session.status", &m.status)? {
                SessionStatus::Closed => attendance::Standing::Closed,
                SessionStatus::Cancelled => attendance::Standing::Cancelled,
                SessionStatus::Scheduled => attendance::Standing::Open,
            };
        Ok(attendance::Held::new(occasion(m), &m.org_path, standing, (&m.title, &m.place), m.hours_tenths))
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

    async fn set_cancelled(
        &self,
        txn: &DatabaseTransaction,
        row: SessionRow,
        at: DateTime<Utc>,
        reason: &str,
    ) -> Result<SessionRow> {
        let mut active: offline_session::ActiveModel = row.0.into();
        active.status = Set(SessionStatus::Cancelled.as_str().to_owned());
        (active.cancelled_at, active.cancel_reason) = (Set(Some(at)), Set(Some(reason.to_owned())));
        Ok(SessionRow(active.update(txn).await?))
    }

    /// The teacher's page of the session.
    fn page(&self, id: i64) -> String {
        format!("/sessions/{id}")
    }
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
    let (SessionRow(found), lines) = attendance::sheet_of(db, &Sessions, actor, id).await?;
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
