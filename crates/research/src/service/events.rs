use attendance::{Attendance, AttendanceStatus, Occasion, Scan, SignInCode};
use chrono::{DateTime, Duration, Utc};
use directory::MhRole;
use kernel::{
    Actor, Error, FieldError, Hours, Page, PageRequest, Permission, Result, Text, Violations, from_tenths,
    to_tenths,
};
use rust_decimal::Decimal;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder,
    Set,
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
    #[cfg_attr(feature = "openapi", schema(example = 2))]
    pub org_unit_id: i64,
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
}

/// Filters of the event list.
#[derive(Debug, Clone, Default)]
pub struct EventFilter {
    pub level: Option<EventLevel>,
    pub form: Option<EventForm>,
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

pub(crate) fn view(m: &research_event::Model) -> Event {
    Event {
        id: m.id,
        title: m.title.clone(),
        form: EventForm::parse(&m.form).unwrap_or(EventForm::Collective),
        level: EventLevel::parse(&m.level).unwrap_or(EventLevel::School),
        org_unit_id: m.org_unit_id,
        starts_at: m.starts_at,
        ends_at: m.ends_at,
        place: m.place.clone(),
        online_link: m.online_link.clone(),
        hours: from_tenths(m.hours_tenths),
        capacity: u32::try_from(m.capacity).unwrap_or(0),
        audience_roles: serde_json::from_str(&m.audience_roles).unwrap_or_default(),
        status: EventStatus::parse(&m.status).unwrap_or(EventStatus::Scheduled),
    }
}

fn occasion(m: &research_event::Model) -> Occasion {
    Occasion {
        kind: KIND,
        id: m.id,
        starts_at: m.starts_at,
        ends_at: m.ends_at,
        grace: GRACE,
        secret: m.sign_in_secret.clone(),
        capacity: u32::try_from(m.capacity).ok(),
    }
}

fn check(
    v: &mut Violations,
    title: &str,
    place: &str,
    starts_at: DateTime<Utc>,
    ends_at: DateTime<Utc>,
    hours: Decimal,
    capacity: u32,
) {
    let mut push = |field: &str, zh: &'static str, en: &'static str| {
        v.push(FieldError::new(field, "invalid_value", Text::fixed(zh, en)))
    };
    if !(2..=200).contains(&title.trim().chars().count()) {
        push("title", "标题须为 2 到 200 个字符", "title must be 2 to 200 characters");
    }
    if !(1..=200).contains(&place.trim().chars().count()) {
        push("place", "地点须为 1 到 200 个字符", "place must be 1 to 200 characters");
    }
    if ends_at <= starts_at || ends_at - starts_at > Duration::days(7) {
        push(
            "ends_at",
            "结束时间须晚于开始时间，且不超过 7 天",
            "ends_at must follow starts_at, within 7 days",
        );
    }
    if hours <= Decimal::ZERO || Hours::parse(hours, Decimal::from(24), "hours").is_err() {
        push(
            "hours",
            "学时须大于 0、不超过 24，最多一位小数",
            "hours must be above 0 and at most 24, one decimal place",
        );
    }
    if !(1..=5000).contains(&capacity) {
        push("capacity", "人数上限须在 1 到 5000 之间", "capacity must be 1 to 5000");
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
    let path = directory::scope_path(db, actor, Some(input.org_unit_id), Permission::ManageTraining).await?;
    let mut v = Violations::default();
    check(&mut v, &input.title, &input.place, input.starts_at, input.ends_at, input.hours, input.capacity);
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
        title: Set(input.title.trim().to_owned()),
        form: Set(input.form.as_str().to_owned()),
        level: Set(input.level.as_str().to_owned()),
        org_unit_id: Set(input.org_unit_id),
        org_path: Set(path),
        starts_at: Set(input.starts_at),
        ends_at: Set(input.ends_at),
        place: Set(input.place.trim().to_owned()),
        online_link: Set(input.online_link),
        hours_tenths: Set(to_tenths(input.hours)),
        capacity: Set(input.capacity as i32),
        audience_roles: Set(
            serde_json::to_string(&input.audience_roles).map_err(|e| Error::Unexpected(e.into()))?
        ),
        status: Set(EventStatus::Scheduled.as_str().to_owned()),
        sign_in_secret: Set(attendance::new_secret()),
        created_by: Set(actor.account_id),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(view(&saved))
}

async fn visible(db: &impl ConnectionTrait, actor: &Actor, id: i64) -> Result<research_event::Model> {
    let found = research_event::Entity::find_by_id(id).one(db).await?.ok_or(Error::NotFound)?;
    directory::ensure_owner_visible(db, actor, &found.org_path).await?;
    Ok(found)
}

async fn managed(db: &impl ConnectionTrait, actor: &Actor, id: i64) -> Result<research_event::Model> {
    let found = research_event::Entity::find_by_id(id).one(db).await?.ok_or(Error::NotFound)?;
    actor.authorize(Permission::ManageTraining, &found.org_path)?;
    Ok(found)
}

pub async fn get_event(db: &DatabaseConnection, actor: &Actor, id: i64) -> Result<Event> {
    Ok(view(&visible(db, actor, id).await?))
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
    if let Some(from) = filter.from {
        condition = condition.add(research_event::Column::EndsAt.gte(from));
    }
    let select = research_event::Entity::find()
        .filter(condition)
        .order_by_asc(research_event::Column::StartsAt)
        .order_by_asc(research_event::Column::Id);
    Ok(kernel::fetch_page(db, select, page).await?.map(|m| view(&m)))
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

/// Changes an event of the caller's subtree.
pub async fn update_event(
    db: &DatabaseConnection,
    actor: &Actor,
    id: i64,
    patch: EventPatch,
) -> Result<Event> {
    let found = managed(db, actor, id).await?;
    let current = view(&found);
    let title = patch.title.unwrap_or(current.title);
    let place = patch.place.unwrap_or(current.place);
    let (starts_at, ends_at) =
        (patch.starts_at.unwrap_or(current.starts_at), patch.ends_at.unwrap_or(current.ends_at));
    let hours = patch.hours.unwrap_or(current.hours);
    let capacity = patch.capacity.unwrap_or(current.capacity);
    let mut v = Violations::default();
    check(&mut v, &title, &place, starts_at, ends_at, hours, capacity);
    v.finish()?;
    let mut active: research_event::ActiveModel = found.into();
    active.title = Set(title.trim().to_owned());
    active.place = Set(place.trim().to_owned());
    active.starts_at = Set(starts_at);
    active.ends_at = Set(ends_at);
    active.hours_tenths = Set(to_tenths(hours));
    active.capacity = Set(capacity as i32);
    if let Some(link) = patch.online_link {
        active.online_link = Set(Some(link));
    }
    Ok(view(&active.update(db).await?))
}

/// Registers the calling teacher, or (for staff) a teacher of their subtree.
pub async fn register_for_event(
    db: &DatabaseConnection,
    now: DateTime<Utc>,
    actor: &Actor,
    id: i64,
    teacher_id: Option<i64>,
) -> Result<Attendance> {
    let found = visible(db, actor, id).await?;
    let teacher_id = match (actor.person_id(), teacher_id) {
        (Some(own), None) => own,
        (Some(own), Some(given)) if own == given => own,
        (Some(_), Some(_)) => return Err(Error::Forbidden),
        (None, Some(given)) => {
            managed(db, actor, id).await?;
            actor.authorize(Permission::ManageTraining, &directory::teacher_scope_path(db, given).await?)?;
            given
        }
        (None, None) => {
            return Err(Error::from(FieldError::new(
                "teacher_id",
                "required",
                Text::fixed("须指定教师", "teacher_id is required"),
            )));
        }
    };
    let occasion = occasion(&found);
    let txn = kernel::begin_write(db).await?;
    attendance::register(&txn, &occasion, teacher_id, now).await?;
    txn.commit().await?;
    line(db, &occasion, teacher_id).await
}

async fn line(db: &impl ConnectionTrait, occasion: &Occasion, teacher_id: i64) -> Result<Attendance> {
    attendance::roster(db, occasion)
        .await?
        .into_iter()
        .find(|a| a.teacher_id == teacher_id)
        .ok_or(Error::NotFound)
}

/// The rotating code for the organiser's screen.
pub async fn event_sign_in_code(
    db: &DatabaseConnection,
    now: DateTime<Utc>,
    actor: &Actor,
    id: i64,
) -> Result<SignInCode> {
    Ok(occasion(&managed(db, actor, id).await?).code(now))
}

/// The calling teacher signs in or out with the code on the screen.
pub async fn scan_event(
    db: &DatabaseConnection,
    now: DateTime<Utc>,
    actor: &Actor,
    id: i64,
    code: &str,
    scan: Scan,
) -> Result<Attendance> {
    let teacher_id = actor.teacher()?;
    let found = visible(db, actor, id).await?;
    let txn = kernel::begin_write(db).await?;
    let line = attendance::scan(&txn, &occasion(&found), teacher_id, code, scan, now).await?;
    txn.commit().await?;
    Ok(line)
}

fn post_hours<'a>(
    txn: &'a impl ConnectionTrait,
    now: DateTime<Utc>,
    found: &'a research_event::Model,
    teacher_id: i64,
    by: i64,
) -> impl std::future::Future<Output = Result<credit::Posted>> + 'a {
    credit::post(
        txn,
        now,
        credit::NewEntry {
            teacher_id,
            category: credit::Category::ResearchEvent,
            hours: from_tenths(found.hours_tenths),
            occurred_on: kernel::china_date(found.starts_at),
            source_kind: "research_event".to_owned(),
            source_id: format!("{}:{teacher_id}", found.id),
            description: format!("{}（{}）", found.title, found.place),
            recorded_by: Some(by),
            reverses_entry_id: None,
        },
    )
}

/// Marks attendance by hand with a reason (logged), also after the event and after closing:
/// paper sign-in sheets are entered late, and a closed event posts the hours at once.
pub async fn mark_event_attendance(
    db: &DatabaseConnection,
    now: DateTime<Utc>,
    actor: &Actor,
    id: i64,
    teacher_id: i64,
    status: AttendanceStatus,
    reason: &str,
) -> Result<Attendance> {
    let found = managed(db, actor, id).await?;
    let path = directory::teacher_scope_path(db, teacher_id).await.map_err(|_| unknown_teacher())?;
    if !path.starts_with(actor.subtree()?) {
        return Err(unknown_teacher());
    }
    let txn = kernel::begin_write(db).await?;
    let line =
        attendance::mark(&txn, &occasion(&found), teacher_id, status, reason, actor.account_id, now).await?;
    if found.status == EventStatus::Closed.as_str() && line.attended {
        post_hours(&txn, now, &found, teacher_id, actor.account_id).await?;
    }
    txn.commit().await?;
    Ok(line)
}

fn unknown_teacher() -> Error {
    Error::from(FieldError::new(
        "teacher_id",
        "unknown_teacher",
        Text::fixed("教师不存在或不在管辖范围内", "no such teacher in your scope"),
    ))
}

/// Closes an event: every attendee gets its hours in the ledger, exactly once however often it
/// is closed.
pub async fn close_event(
    db: &DatabaseConnection,
    now: DateTime<Utc>,
    actor: &Actor,
    id: i64,
) -> Result<Event> {
    let found = managed(db, actor, id).await?;
    let txn = kernel::begin_write(db).await?;
    for line in attendance::roster(&txn, &occasion(&found)).await?.into_iter().filter(|l| l.attended) {
        post_hours(&txn, now, &found, line.teacher_id, actor.account_id).await?;
    }
    let mut active: research_event::ActiveModel = found.into();
    active.status = Set(EventStatus::Closed.as_str().to_owned());
    let saved = active.update(&txn).await?;
    txn.commit().await?;
    Ok(view(&saved))
}

/// The roster of an event with scans and marks.
pub async fn event_attendance(db: &DatabaseConnection, actor: &Actor, id: i64) -> Result<Vec<Attendance>> {
    let found = managed(db, actor, id).await?;
    attendance::roster(db, &occasion(&found)).await
}

/// County-level-or-higher events a teacher attended in a year, against the requirement.
pub async fn research_progress(
    db: &impl ConnectionTrait,
    teacher_id: i64,
    year: i32,
    required: u32,
) -> Result<ResearchProgress> {
    let counted = counted_events(db, year).await?;
    let ids: Vec<i64> = counted.iter().map(|e| e.id).collect();
    let attended = attendance::attended_pairs(db, KIND, &ids)
        .await?
        .into_iter()
        .filter(|(_, t)| *t == teacher_id)
        .count();
    Ok(ResearchProgress { year, attended_county_or_above: attended as u32, required })
}

/// Events of a (China-time) year that count toward the rule.
pub(crate) async fn counted_events(
    db: &impl ConnectionTrait,
    year: i32,
) -> Result<Vec<research_event::Model>> {
    Ok(events_of_year(db, year)
        .await?
        .into_iter()
        .filter(|e| EventLevel::parse(&e.level).is_some_and(EventLevel::counts_toward_rule))
        .collect())
}

/// Events starting in a (China-time) calendar year.
pub(crate) async fn events_of_year(
    db: &impl ConnectionTrait,
    year: i32,
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
    let mut queued = 0;
    for event in soon {
        let txn = kernel::begin_write(db).await?;
        queued += attendance::remind_roster(&txn, &occasion(&event), &event.title, &event.place, now).await?;
        txn.commit().await?;
    }
    Ok(queued)
}
