use attendance::Occasion;
use chrono::{DateTime, Duration, Utc};
use directory::MhRole;
use kernel::{
    Actor, Error, FieldError, Page, PageRequest, Permission, Result, Text, Violations, from_tenths,
};
use rust_decimal::Decimal;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, DatabaseConnection, DatabaseTransaction,
    EntityTrait, QueryFilter, QueryOrder, Set,
};
use serde::{Deserialize, Serialize};

use crate::domain::{EventForm, EventLevel, EventStatus};
use crate::entity::research_event;
use kernel::china_year;

/// The attendance component's name for research events.
pub(crate) const KIND: &str = "event";
/// Scans are accepted this long before the start and after the end.
const GRACE: Duration = Duration::minutes(30);

/// A teaching-research event as clients see it.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Event {
    #[cfg_attr(feature = "openapi", schema(example = 5))]
    pub id: i64,
    #[cfg_attr(feature = "openapi", schema(example = "恩施市初中心理健康教育大教研"))]
    pub title: String,
    pub form: EventForm,
    pub level: EventLevel,
    #[cfg_attr(feature = "openapi", schema(example = 2))]
    pub org_unit_id: i64,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    #[cfg_attr(feature = "openapi", schema(example = "恩施市第一中学报告厅"))]
    pub place: String,
    #[cfg_attr(feature = "openapi", schema(example = "https://meeting.example/123"))]
    pub online_link: Option<String>,
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "3"))]
    pub hours: Decimal,
    #[cfg_attr(feature = "openapi", schema(example = 80))]
    pub capacity: u32,
    /// MH roles the event is for; empty means every teacher.
    pub audience_roles: Vec<MhRole>,
    pub status: EventStatus,
    /// When presence earns the hours.
    #[serde(flatten)]
    pub presence: attendance::PresenceRules,
    /// Registrations against capacity and whether the caller is in; on reads (list, get).
    pub seats: Option<attendance::Seats>,
    /// When and why it was cancelled (`status` is then `cancelled`).
    pub cancellation: Option<attendance::Cancellation>,
}

/// Body of `POST /research-events`.
#[derive(Debug, Clone, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewEvent {
    #[cfg_attr(
        feature = "openapi",
        schema(example = "恩施市初中心理健康教育大教研", min_length = 2, max_length = 200)
    )]
    pub title: String,
    pub form: EventForm,
    pub level: EventLevel,
    /// The owning unit; default the caller's own.
    #[cfg_attr(feature = "openapi", schema(example = 2))]
    pub org_unit_id: Option<i64>,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    #[cfg_attr(
        feature = "openapi",
        schema(example = "恩施市第一中学报告厅", min_length = 1, max_length = 200)
    )]
    pub place: String,
    #[cfg_attr(feature = "openapi", schema(max_length = 500))]
    pub online_link: Option<String>,
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "3"))]
    pub hours: Decimal,
    #[cfg_attr(feature = "openapi", schema(example = 80, minimum = 1, maximum = 5000))]
    pub capacity: u32,
    #[serde(default)]
    pub audience_roles: Vec<MhRole>,
    /// 1–100, default 80.
    #[cfg_attr(feature = "openapi", schema(minimum = 1, maximum = 100))]
    pub min_presence_percent: Option<u32>,
    /// Minutes before the end that check-out opens; default 15.
    #[cfg_attr(feature = "openapi", schema(minimum = 1, maximum = 240))]
    pub closing_window_minutes: Option<u32>,
}

/// Body of `PATCH /research-events/{id}`.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct EventPatch {
    #[cfg_attr(feature = "openapi", schema(max_length = 200))]
    pub title: Option<String>,
    pub starts_at: Option<DateTime<Utc>>,
    pub ends_at: Option<DateTime<Utc>>,
    #[cfg_attr(feature = "openapi", schema(max_length = 200))]
    pub place: Option<String>,
    #[cfg_attr(feature = "openapi", schema(max_length = 500))]
    pub online_link: Option<String>,
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub hours: Option<Decimal>,
    #[cfg_attr(feature = "openapi", schema(minimum = 1, maximum = 5000))]
    pub capacity: Option<u32>,
    /// The share of the scheduled time an attendee must be present to earn the hours.
    #[cfg_attr(feature = "openapi", schema(minimum = 1, maximum = 100, example = 80))]
    pub min_presence_percent: Option<u32>,
    /// How many minutes before the end check-out opens.
    #[cfg_attr(feature = "openapi", schema(minimum = 1, maximum = 240, example = 15))]
    pub closing_window_minutes: Option<u32>,
}

/// Filters of the event list.
#[derive(Debug, Clone, Default)]
pub struct EventFilter {
    pub level: Option<EventLevel>,
    pub form: Option<EventForm>,
    pub status: Option<EventStatus>,
    pub from: Option<DateTime<Utc>>,
}

/// "2 of 3 this year" for a teacher's home screen.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ResearchProgress {
    #[cfg_attr(feature = "openapi", schema(example = 2026))]
    pub year: i32,
    #[cfg_attr(feature = "openapi", schema(example = 2))]
    pub attended_county_or_above: u32,
    #[cfg_attr(feature = "openapi", schema(example = 3))]
    pub required: u32,
}

/// An event read back; a form, level or status outside the vocabulary, or audience roles that
/// do not parse, are `corrupt_record`.
pub(crate) fn view(m: &research_event::Model) -> Result<Event> {
    Ok(Event {
        id: m.id,
        title: m.title.clone(),
        form: kernel::stored(EventForm::parse(&m.form), "research_event.form", &m.form)?,
        level: kernel::stored(EventLevel::parse(&m.level), "research_event.level", &m.level)?,
        org_unit_id: m.org_unit_id,
        starts_at: m.starts_at,
        ends_at: m.ends_at,
        place: m.place.clone(),
        online_link: m.online_link.clone(),
        hours: from_tenths(m.hours_tenths),
        capacity: u32::try_from(m.capacity).unwrap_or(0),
        audience_roles: kernel::stored_json(&m.audience_roles, "research_event.audience_roles")?,
        status: kernel::stored(EventStatus::parse(&m.status), "research_event.status", &m.status)?,
        presence: attendance::PresenceRules::stored(m.min_presence_percent, m.closing_window_minutes),
        seats: None,
        cancellation: attendance::Cancellation::stored(m.cancelled_at, m.cancel_reason.as_deref()),
    })
}

/// The events with their seats (and the calling teacher's registration) filled in.
async fn with_seats(db: &DatabaseConnection, actor: &Actor, mut events: Vec<Event>) -> Result<Vec<Event>> {
    let key = |e: &Event| (e.id, e.capacity);
    attendance::fill_seats(db, KIND, actor.person_id(), &mut events, key, |e, seats| e.seats = Some(seats))
        .await?;
    Ok(events)
}

pub(crate) fn occasion(m: &research_event::Model) -> Occasion {
    Occasion::scheduled(KIND, m.id, (m.starts_at, m.ends_at), &m.sign_in_secret)
        .open(GRACE, m.capacity)
        .presence(m.min_presence_percent, m.closing_window_minutes)
}

/// A stored event, handed through the attendance flow.
#[derive(Debug, Clone)]
pub struct EventRow(research_event::Model);

/// Research events as attendance occasions: owned by the organising unit, earning
/// `research_event` hours; a closed event refuses registrations, codes and scans like a
/// session, but still takes a trainer's marks (paper sheets arrive late), posting at once.
#[derive(Debug, Clone, Copy, Default)]
pub struct Events;

impl attendance::Owner for Events {
    const CLOSED: (&'static str, &'static str, &'static str) =
        ("event_closed", "教研活动已结束关闭", "the event is closed");
    const CANCELLED: (&'static str, &'static str, &'static str) =
        ("event_cancelled", "该教研活动已取消", "the event was cancelled");
    const MARKS_AFTER_CLOSE: bool = true;
    type View = Event;
    type Row = EventRow;

    fn held(&self, EventRow(m): &EventRow) -> Result<attendance::Held> {
        let standing =
            match kernel::stored(EventStatus::parse(&m.status), "research_event.status", &m.status)? {
                EventStatus::Closed => attendance::Standing::Closed,
                EventStatus::Cancelled => attendance::Standing::Cancelled,
                EventStatus::Scheduled => attendance::Standing::Open,
            };
        Ok(attendance::Held::new(occasion(m), &m.org_path, standing, (&m.title, &m.place), m.hours_tenths))
    }

    fn view(&self, EventRow(m): &EventRow) -> Result<Event> {
        view(m)
    }

    fn source(&self, event_id: i64, teacher_id: i64) -> credit::Source {
        credit::Source::ResearchEvent { event_id, teacher_id }
    }

    async fn find(&self, db: &DatabaseConnection, id: i64) -> Result<Option<EventRow>> {
        let found = research_event::Entity::find_by_id(id).one(db).await?;
        Ok(found.map(EventRow))
    }

    /// An event has no reopening through the API; `None` puts it back on the schedule.
    async fn set_closed(
        &self,
        txn: &DatabaseTransaction,
        row: EventRow,
        at: Option<DateTime<Utc>>,
    ) -> Result<EventRow> {
        let status = at.map_or(EventStatus::Scheduled, |_| EventStatus::Closed);
        let active = research_event::ActiveModel { status: Set(status.as_str().to_owned()), ..row.0.into() };
        active.update(txn).await.map(EventRow).map_err(Error::from)
    }

    async fn set_cancelled(
        &self,
        txn: &DatabaseTransaction,
        row: EventRow,
        at: DateTime<Utc>,
        reason: &str,
    ) -> Result<EventRow> {
        let active = research_event::ActiveModel {
            status: Set(EventStatus::Cancelled.as_str().to_owned()),
            cancelled_at: Set(Some(at)),
            cancel_reason: Set(Some(reason.to_owned())),
            ..row.0.into()
        };
        active.update(txn).await.map(EventRow).map_err(Error::from)
    }

    /// Teachers see events in their research list (there is no page per event).
    fn page(&self, _id: i64) -> String {
        "/research-events".to_owned()
    }
}

/// Creates an event organised by a unit of the caller's subtree; its level must fit the unit
/// (a school cannot hold a county-level event).
pub async fn create_event(
    db: &DatabaseConnection,
    now: DateTime<Utc>,
    actor: &Actor,
    input: NewEvent,
) -> Result<Event> {
    let path = directory::scope_path(db, actor, input.org_unit_id, Permission::ManageTraining).await?;
    let mut v = Violations::default();
    let checked = attendance::check_details(
        &mut v,
        &attendance::Details {
            title: &input.title,
            place: &input.place,
            starts_at: input.starts_at,
            ends_at: input.ends_at,
            hours: input.hours,
            capacity: input.capacity,
            min_presence_percent: input.min_presence_percent,
            closing_window_minutes: input.closing_window_minutes,
        },
    );
    let depth = path.matches('/').count() - 1;
    let fits = match input.level {
        EventLevel::Prefecture => depth == 1,
        EventLevel::County => depth == 2,
        EventLevel::School => depth == 3,
    };
    if !fits {
        v.push(FieldError::new(
            "level",
            "level_mismatch",
            Text::fixed(
                "活动级别须与主办单位一致（州/县市/学校）",
                "the level must match the organising unit",
            ),
        ));
    }
    v.finish()?;
    let saved = research_event::ActiveModel {
        title: Set(checked.title),
        form: Set(input.form.as_str().to_owned()),
        level: Set(input.level.as_str().to_owned()),
        org_unit_id: Set(input.org_unit_id.map_or_else(|| actor.own_unit(), Ok)?),
        org_path: Set(path),
        starts_at: Set(input.starts_at),
        ends_at: Set(input.ends_at),
        place: Set(checked.place),
        online_link: Set(input.online_link),
        hours_tenths: Set(checked.hours_tenths),
        capacity: Set(input.capacity as i32),
        audience_roles: Set(
            serde_json::to_string(&input.audience_roles).map_err(|e| Error::Unexpected(e.into()))?
        ),
        status: Set(EventStatus::Scheduled.as_str().to_owned()),
        sign_in_secret: Set(attendance::new_secret()),
        min_presence_percent: Set(checked.presence.0 as i32),
        closing_window_minutes: Set(checked.presence.1 as i32),
        created_by: Set(actor.account_id),
        created_at: Set(now),
        cancelled_at: Set(None),
        cancel_reason: Set(None),
        ..Default::default()
    }
    .insert(db)
    .await?;
    view(&saved)
}

async fn visible(db: &impl ConnectionTrait, actor: &Actor, id: i64) -> Result<research_event::Model> {
    let found = research_event::Entity::find_by_id(id).one(db).await?.ok_or(Error::NotFound)?;
    directory::ensure_owner_visible(db, actor, &found.org_path).await?;
    Ok(found)
}

/// An event the caller may see.
pub async fn get_event(db: &DatabaseConnection, actor: &Actor, id: i64) -> Result<Event> {
    let found = view(&visible(db, actor, id).await?)?;
    with_seats(db, actor, vec![found]).await?.pop().ok_or(Error::NotFound)
}

/// Events the caller may see, soonest first: staff their subtree's, teachers those open to them.
pub async fn list_events(
    db: &DatabaseConnection,
    actor: &Actor,
    filter: EventFilter,
    page: PageRequest,
) -> Result<Page<Event>> {
    let mut condition = directory::owner_scope(db, actor).await?.condition(research_event::Column::OrgPath);
    if let Some(level) = filter.level {
        condition = condition.add(research_event::Column::Level.eq(level.as_str()));
    }
    if let Some(form) = filter.form {
        condition = condition.add(research_event::Column::Form.eq(form.as_str()));
    }
    if let Some(status) = filter.status {
        condition = condition.add(research_event::Column::Status.eq(status.as_str()));
    }
    if let Some(from) = filter.from {
        condition = condition.add(research_event::Column::EndsAt.gte(from));
    }
    let select = research_event::Entity::find()
        .filter(condition)
        .order_by_asc(research_event::Column::StartsAt)
        .order_by_asc(research_event::Column::Id);
    let page = kernel::fetch_page(db, select, page).await?.try_map(|m| view(&m))?;
    let items = with_seats(db, actor, page.items).await?;
    Ok(Page { items, total: page.total, page: page.page, per_page: page.per_page })
}

/// Upcoming events open to the calling teacher.
pub async fn my_events(
    db: &DatabaseConnection,
    now: DateTime<Utc>,
    actor: &Actor,
    page: PageRequest,
) -> Result<Page<Event>> {
    actor.teacher()?;
    list_events(db, actor, EventFilter { from: Some(now), ..Default::default() }, page).await
}

/// Changes an event of the caller's subtree that is still open (the attendance flow refuses
/// closed and cancelled events, a capacity below the roster and other hours once posted);
/// registrants are told, in the same transaction, when it moved to another time or place.
pub async fn update_event(
    db: &DatabaseConnection,
    now: DateTime<Utc>,
    actor: &Actor,
    id: i64,
    patch: EventPatch,
) -> Result<Event> {
    let amending = attendance::amendable(db, &Events, actor, id).await?;
    let current = view(&amending.row.0)?;
    let title = patch.title.unwrap_or(current.title);
    let place = patch.place.unwrap_or(current.place);
    let details = attendance::Details {
        title: &title,
        place: &place,
        starts_at: patch.starts_at.unwrap_or(current.starts_at),
        ends_at: patch.ends_at.unwrap_or(current.ends_at),
        hours: patch.hours.unwrap_or(current.hours),
        capacity: patch.capacity.unwrap_or(current.capacity),
        min_presence_percent: Some(
            patch.min_presence_percent.unwrap_or(current.presence.min_presence_percent),
        ),
        closing_window_minutes: Some(
            patch.closing_window_minutes.unwrap_or(current.presence.closing_window_minutes),
        ),
    };
    let mut v = Violations::default();
    let checked = attendance::check_details(&mut v, &details);
    amending.check(&mut v, details.capacity, checked.hours_tenths);
    v.finish()?;
    let mut active: research_event::ActiveModel = amending.row.0.clone().into();
    active.title = Set(checked.title);
    active.place = Set(checked.place);
    active.starts_at = Set(details.starts_at);
    active.ends_at = Set(details.ends_at);
    active.hours_tenths = Set(checked.hours_tenths);
    active.capacity = Set(details.capacity as i32);
    active.min_presence_percent = Set(checked.presence.0 as i32);
    active.closing_window_minutes = Set(checked.presence.1 as i32);
    if let Some(link) = patch.online_link {
        active.online_link = Set(Some(link));
    }
    let txn = kernel::begin_write(db).await?;
    let saved = active.update(&txn).await?;
    amending.tell_moved(&txn, &Events, now, (saved.starts_at, saved.ends_at, &saved.place)).await?;
    txn.commit().await?;
    view(&saved)
}

/// `GET /research-events/{id}/attendance`: the event and its sheet, as a session's.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EventAttendance {
    pub event: Event,
    pub lines: Vec<attendance::SheetLine>,
}

/// The attendance sheet of an event: every registered teacher with scans, marks, minutes
/// and hours.
pub async fn event_attendance(db: &DatabaseConnection, actor: &Actor, id: i64) -> Result<EventAttendance> {
    let (EventRow(found), lines) = attendance::sheet_of(db, &Events, actor, id).await?;
    Ok(EventAttendance { event: view(&found)?, lines })
}

/// County-level-or-higher events a teacher attended in a year, against the requirement.
pub async fn research_progress(
    db: &impl ConnectionTrait,
    teacher_id: i64,
    year: i32,
    required: u32,
) -> Result<ResearchProgress> {
    // Only the events the teacher has a record of: the home screen asks this on every open.
    let recorded =
        research_event::Column::Id.in_subquery(attendance::recorded_occasion_ids(KIND, teacher_id));
    let counted = counted_events(db, year, Condition::all().add(recorded)).await?;
    let occasions: Vec<Occasion> = counted.iter().map(occasion).collect();
    let attended = attendance::attended_by(db, teacher_id, &occasions).await?.len();
    Ok(ResearchProgress { year, attended_county_or_above: attended as u32, required })
}

/// Events of a (China-time) year that count toward the rule, among those meeting `only`
/// (`Condition::all()` for every one).
pub(crate) async fn counted_events(
    db: &impl ConnectionTrait,
    year: i32,
    only: Condition,
) -> Result<Vec<research_event::Model>> {
    let mut counted = Vec::new();
    for e in events_of_year(db, year, only).await? {
        if kernel::stored(EventLevel::parse(&e.level), "research_event.level", &e.level)?.counts_toward_rule()
        {
            counted.push(e);
        }
    }
    Ok(counted)
}

/// Events starting in a (China-time) calendar year, among those meeting `only`.
pub(crate) async fn events_of_year(
    db: &impl ConnectionTrait,
    year: i32,
    only: Condition,
) -> Result<Vec<research_event::Model>> {
    // A day of margin on each side in UTC, then the exact China-time year.
    let from = chrono::NaiveDate::from_ymd_opt(year, 1, 1)
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .map(|d| d.and_utc() - Duration::days(1));
    let to = chrono::NaiveDate::from_ymd_opt(year + 1, 1, 1)
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .map(|d| d.and_utc() + Duration::days(1));
    let (Some(from), Some(to)) = (from, to) else { return Ok(Vec::new()) };
    Ok(research_event::Entity::find()
        .filter(research_event::Column::StartsAt.gte(from))
        .filter(research_event::Column::StartsAt.lt(to))
        .filter(only)
        .all(db)
        .await?
        .into_iter()
        .filter(|e| china_year(e.starts_at) == year)
        .collect())
}

/// Queues a reminder for everyone registered to an event starting within 24 hours, once.
pub async fn enqueue_event_reminders(db: &DatabaseConnection, now: DateTime<Utc>) -> Result<u32> {
    let soon = research_event::Entity::find()
        .filter(research_event::Column::StartsAt.gt(now))
        .filter(research_event::Column::StartsAt.lte(now + Duration::hours(24)))
        .filter(research_event::Column::Status.eq(EventStatus::Scheduled.as_str()))
        .all(db)
        .await?;
    attendance::remind(db, &Events, now, soon.into_iter().map(EventRow).collect()).await
}
