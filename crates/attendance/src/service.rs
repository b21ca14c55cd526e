use std::collections::BTreeMap;

use chrono::{DateTime, Duration, Utc};
use kernel::{Error, FieldError, Result, Text};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryTrait, Set,
};
use serde::Serialize;

use crate::domain::{AttendanceStatus, Presence, Schedule, SignInCode, code_for, code_matches};
use crate::entity::{attendance_mark_log, attendance_record, attendance_registration};

/// Something people attend, as the owning domain describes it.
#[derive(Debug, Clone)]
pub struct Occasion {
    /// `session` or `event`: keeps the two kinds' ids apart.
    pub kind: &'static str,
    pub id: i64,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    /// How long before the start and after the end scans are still accepted.
    pub grace: Duration,
    pub secret: String,
    pub capacity: Option<u32>,
    /// The share of the scheduled time an attendee must be present to earn the hours.
    pub min_presence_percent: u32,
    /// How long before the end check-out opens (it stays open until the grace ends).
    pub closing_window: Duration,
}

/// One teacher's attendance at an occasion.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Attendance {
    #[cfg_attr(feature = "openapi", schema(example = 101))]
    pub teacher_id: i64,
    pub registered: bool,
    pub checked_in_at: Option<DateTime<Utc>>,
    pub checked_out_at: Option<DateTime<Utc>>,
    /// The trainer's manual mark, if any; it overrides the scans.
    pub status: Option<AttendanceStatus>,
    pub reason: Option<String>,
    /// Where the attendance stands: `partial` is signed in and out but present for less than
    /// the minimum, and earns nothing.
    pub presence: Presence,
    /// Whether the teacher earns the occasion's hours: present for at least the minimum share
    /// of the scheduled time, or marked present/late.
    pub attended: bool,
    /// Minutes present inside the scheduled time (the whole schedule for a present/late mark).
    #[cfg_attr(feature = "openapi", schema(example = 175))]
    pub attended_minutes: i64,
    /// Minutes of presence the hours ask for.
    #[cfg_attr(feature = "openapi", schema(example = 144))]
    pub minutes_required: i64,
}

impl Occasion {
    /// An occasion of `kind` scheduled `(starts_at, ends_at)`, signed in with codes from
    /// `secret`: no grace, no capacity, the default presence rules until set.
    pub fn scheduled(
        kind: &'static str,
        id: i64,
        (starts_at, ends_at): (DateTime<Utc>, DateTime<Utc>),
        secret: &str,
    ) -> Self {
        Self {
            kind,
            id,
            starts_at,
            ends_at,
            grace: Duration::zero(),
            secret: secret.to_owned(),
            capacity: None,
            min_presence_percent: crate::domain::DEFAULT_MIN_PRESENCE_PERCENT,
            closing_window: Duration::minutes(i64::from(crate::domain::DEFAULT_CLOSING_WINDOW_MINUTES)),
        }
    }

    /// With scans accepted `grace` before the start and after the end, and at most `capacity`
    /// registrations.
    pub fn open(self, grace: Duration, capacity: i32) -> Self {
        Self { grace, capacity: u32::try_from(capacity).ok(), ..self }
    }

    /// With its stored presence rules: the minimum share and the closing window in minutes.
    pub fn presence(self, min_presence_percent: i32, closing_window_minutes: i32) -> Self {
        Self {
            min_presence_percent: u32::try_from(min_presence_percent).unwrap_or(100),
            closing_window: Duration::minutes(i64::from(closing_window_minutes)),
            ..self
        }
    }

    /// The sign-in code to show now.
    pub fn code(&self, now: DateTime<Utc>) -> SignInCode {
        code_for(&self.secret, self.kind, self.id, now)
    }

    fn within_window(&self, now: DateTime<Utc>) -> bool {
        now >= self.starts_at - self.grace && now <= self.ends_at + self.grace
    }

    /// Check-out is accepted from the closing window before the end until the grace ends.
    fn within_closing_window(&self, now: DateTime<Utc>) -> bool {
        now >= self.ends_at - self.closing_window && now <= self.ends_at + self.grace
    }

    /// The scheduled time and the minimum presence.
    pub fn schedule(&self) -> Schedule {
        Schedule {
            starts_at: self.starts_at,
            ends_at: self.ends_at,
            min_presence_percent: self.min_presence_percent,
        }
    }

    /// Whether a stored record earns the occasion's hours.
    fn qualifies(&self, record: &attendance_record::Model) -> Result<bool> {
        let status = stored_status(record)?;
        Ok(self.schedule().judge(status, record.checked_in_at, record.checked_out_at).0 == Presence::Present)
    }

    fn attendance(
        &self,
        teacher_id: i64,
        registered: bool,
        record: Option<&attendance_record::Model>,
    ) -> Result<Attendance> {
        let status = record.map(stored_status).transpose()?.flatten();
        let checked_in_at = record.and_then(|r| r.checked_in_at);
        let checked_out_at = record.and_then(|r| r.checked_out_at);
        let schedule = self.schedule();
        let (presence, attended_minutes) = schedule.judge(status, checked_in_at, checked_out_at);
        Ok(Attendance {
            teacher_id,
            registered,
            checked_in_at,
            checked_out_at,
            status,
            reason: record.and_then(|r| r.reason.clone()),
            presence,
            attended: presence == Presence::Present,
            attended_minutes,
            minutes_required: schedule.required_minutes(),
        })
    }
}

/// A record's trainer mark, if any; a mark outside the vocabulary is `corrupt_record`, never
/// "unmarked".
fn stored_status(record: &attendance_record::Model) -> Result<Option<AttendanceStatus>> {
    let read = |s: &str| kernel::stored(AttendanceStatus::parse(s), "attendance_record.status", s);
    record.status.as_deref().map(read).transpose()
}

fn refused(code: &'static str, zh: &'static str, en: &'static str) -> Error {
    Error::from(FieldError::new("code", code, Text::fixed(zh, en)))
}

async fn registration(
    db: &impl ConnectionTrait,
    occasion: &Occasion,
    teacher_id: i64,
) -> Result<Option<attendance_registration::Model>> {
    Ok(attendance_registration::Entity::find_by_id((occasion.kind.to_owned(), occasion.id, teacher_id))
        .one(db)
        .await?)
}

async fn record(
    db: &impl ConnectionTrait,
    occasion: &Occasion,
    teacher_id: i64,
) -> Result<Option<attendance_record::Model>> {
    Ok(attendance_record::Entity::find()
        .filter(attendance_record::Column::OccasionKind.eq(occasion.kind))
        .filter(attendance_record::Column::OccasionId.eq(occasion.id))
        .filter(attendance_record::Column::TeacherId.eq(teacher_id))
        .one(db)
        .await?)
}

/// Puts a teacher on the roster; registering twice is a no-op, a full occasion is a 409.
pub(crate) async fn register(
    db: &impl ConnectionTrait,
    occasion: &Occasion,
    teacher_id: i64,
    now: DateTime<Utc>,
) -> Result<()> {
    if registration(db, occasion, teacher_id).await?.is_some() {
        return Ok(());
    }
    if let Some(capacity) = occasion.capacity
        && registered_count(db, occasion).await? >= u64::from(capacity)
    {
        return Err(Error::conflict("full", Text::fixed("名额已满", "no places left")));
    }
    add_to_roster(db, occasion, teacher_id, now).await
}

async fn add_to_roster(
    db: &impl ConnectionTrait,
    occasion: &Occasion,
    teacher_id: i64,
    now: DateTime<Utc>,
) -> Result<()> {
    attendance_registration::ActiveModel {
        occasion_kind: Set(occasion.kind.to_owned()),
        occasion_id: Set(occasion.id),
        teacher_id: Set(teacher_id),
        registered_at: Set(now),
    }
    .insert(db)
    .await
    .map_err(Error::on_unique("already_registered", Text::fixed("已报名", "already registered")))?;
    Ok(())
}

/// Which scan a teacher makes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scan {
    In,
    Out,
}

/// Signs a registered teacher in or out with the code on the trainer's screen, within the
/// occasion's window. Repeating a scan is harmless: sign-in keeps the first time, sign-out the
/// last.
pub(crate) async fn scan(
    db: &impl ConnectionTrait,
    occasion: &Occasion,
    teacher_id: i64,
    code: &str,
    scan: Scan,
    now: DateTime<Utc>,
) -> Result<Attendance> {
    if registration(db, occasion, teacher_id).await?.is_none() {
        return Err(Error::conflict(
            "not_registered",
            Text::fixed("未报名该活动，无法签到", "you are not on the roster"),
        ));
    }
    if !occasion.within_window(now) {
        return Err(refused("outside_window", "不在签到时间范围内", "sign-in is closed at this time"));
    }
    if scan == Scan::Out && !occasion.within_closing_window(now) {
        return Err(refused(
            "outside_closing_window",
            "签退仅在结束前的签退时段内有效",
            "check-out opens only in the closing window before the end",
        ));
    }
    if !code_matches(&occasion.secret, occasion.kind, occasion.id, code, now) {
        return Err(refused(
            "invalid_code",
            "签到码错误或已过期，请扫描屏幕上的最新签到码",
            "wrong or expired code; use the one on the screen now",
        ));
    }
    let existing = record(db, occasion, teacher_id).await?;
    let saved = match (existing, scan) {
        (None, Scan::Out) | (Some(attendance_record::Model { checked_in_at: None, .. }), Scan::Out) => {
            return Err(Error::conflict(
                "not_checked_in",
                Text::fixed("请先签到再签退", "sign in before signing out"),
            ));
        }
        (None, Scan::In) => attendance_record::ActiveModel {
            occasion_kind: Set(occasion.kind.to_owned()),
            occasion_id: Set(occasion.id),
            teacher_id: Set(teacher_id),
            checked_in_at: Set(Some(now)),
            ..Default::default()
        }
        .insert(db)
        .await
        .map_err(Error::on_unique("scan_conflict", Text::fixed("请勿重复提交", "duplicate submission")))?,
        (Some(found), Scan::In) if found.checked_in_at.is_some() => found,
        (Some(found), Scan::In) => {
            let mut active: attendance_record::ActiveModel = found.into();
            active.checked_in_at = Set(Some(now));
            active.update(db).await?
        }
        (Some(found), Scan::Out) => {
            let mut active: attendance_record::ActiveModel = found.into();
            active.checked_out_at = Set(Some(now));
            active.update(db).await?
        }
    };
    occasion.attendance(teacher_id, true, Some(&saved))
}

/// A trainer's manual mark with a reason, also after the occasion (paper sign-in sheets are
/// entered later). The teacher is put on the roster if missing; every mark is logged.
pub(crate) async fn mark(
    db: &impl ConnectionTrait,
    occasion: &Occasion,
    teacher_id: i64,
    status: AttendanceStatus,
    reason: &str,
    marked_by: i64,
    now: DateTime<Utc>,
) -> Result<Attendance> {
    let reason = kernel::Bound::REASON.check("reason", reason)?;
    if registration(db, occasion, teacher_id).await?.is_none() {
        add_to_roster(db, occasion, teacher_id, now).await?;
    }
    let saved = match record(db, occasion, teacher_id).await? {
        Some(found) => {
            let mut active: attendance_record::ActiveModel = found.into();
            active.status = Set(Some(status.as_str().to_owned()));
            active.reason = Set(Some(reason.clone()));
            active.marked_by = Set(Some(marked_by));
            active.marked_at = Set(Some(now));
            active.update(db).await?
        }
        None => {
            attendance_record::ActiveModel {
                occasion_kind: Set(occasion.kind.to_owned()),
                occasion_id: Set(occasion.id),
                teacher_id: Set(teacher_id),
                status: Set(Some(status.as_str().to_owned())),
                reason: Set(Some(reason.clone())),
                marked_by: Set(Some(marked_by)),
                marked_at: Set(Some(now)),
                ..Default::default()
            }
            .insert(db)
            .await?
        }
    };
    attendance_mark_log::ActiveModel {
        occasion_kind: Set(occasion.kind.to_owned()),
        occasion_id: Set(occasion.id),
        teacher_id: Set(teacher_id),
        status: Set(status.as_str().to_owned()),
        reason: Set(reason),
        marked_by: Set(marked_by),
        marked_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await?;
    occasion.attendance(teacher_id, true, Some(&saved))
}

/// Everyone registered or with a record, ordered by teacher id.
pub(crate) async fn roster(db: &impl ConnectionTrait, occasion: &Occasion) -> Result<Vec<Attendance>> {
    let registered: Vec<i64> = attendance_registration::Entity::find()
        .filter(attendance_registration::Column::OccasionKind.eq(occasion.kind))
        .filter(attendance_registration::Column::OccasionId.eq(occasion.id))
        .all(db)
        .await?
        .into_iter()
        .map(|r| r.teacher_id)
        .collect();
    let records = attendance_record::Entity::find()
        .filter(attendance_record::Column::OccasionKind.eq(occasion.kind))
        .filter(attendance_record::Column::OccasionId.eq(occasion.id))
        .all(db)
        .await?;
    let mut lines: BTreeMap<i64, (bool, Option<attendance_record::Model>)> =
        registered.into_iter().map(|id| (id, (true, None))).collect();
    for r in records {
        let teacher_id = r.teacher_id;
        lines.entry(teacher_id).or_insert((false, None)).1 = Some(r);
    }
    lines.into_iter().map(|(id, (registered, r))| occasion.attendance(id, registered, r.as_ref())).collect()
}

/// Occasions of a kind a teacher is registered for (`occasion_id` of their registrations), as a
/// subquery, so a caller reads those occasions in one statement.
pub fn registered_occasion_ids(kind: &str, teacher_id: i64) -> sea_orm::sea_query::SelectStatement {
    use attendance_registration::Column as C;
    occasion_ids_of(
        attendance_registration::Entity,
        [C::OccasionId, C::OccasionKind, C::TeacherId],
        kind,
        teacher_id,
    )
}

/// `occasion_id` of one teacher's rows of a kind in a table of registrations or records, given
/// its `[occasion_id, occasion_kind, teacher_id]` columns.
fn occasion_ids_of<C: ColumnTrait>(
    table: impl sea_orm::sea_query::IntoIden,
    [occasion, of_kind, teacher]: [C; 3],
    kind: &str,
    teacher_id: i64,
) -> sea_orm::sea_query::SelectStatement {
    sea_orm::sea_query::Query::select()
        .column(occasion)
        .from(table)
        .and_where(of_kind.eq(kind))
        .and_where(teacher.eq(teacher_id))
        .to_owned()
}

/// Number of registrations of an occasion.
pub async fn registered_count(db: &impl ConnectionTrait, occasion: &Occasion) -> Result<u64> {
    Ok(attendance_registration::Entity::find()
        .filter(attendance_registration::Column::OccasionKind.eq(occasion.kind))
        .filter(attendance_registration::Column::OccasionId.eq(occasion.id))
        .count(db)
        .await?)
}

/// Who attended which of these occasions (present for the minimum, or marked present/late),
/// for reports over many occasions of one kind in a query per 500.
pub async fn attended_pairs(db: &impl ConnectionTrait, occasions: &[Occasion]) -> Result<Vec<(i64, i64)>> {
    attended(db, occasions, None).await
}

/// Which of these occasions one teacher attended, reading only that teacher's records.
pub async fn attended_by(
    db: &impl ConnectionTrait,
    teacher_id: i64,
    occasions: &[Occasion],
) -> Result<Vec<i64>> {
    Ok(attended(db, occasions, Some(teacher_id)).await?.into_iter().map(|(occasion, _)| occasion).collect())
}

/// `(occasion, teacher)` pairs of attendance by [`Occasion::qualifies`], of everyone or of one
/// teacher.
async fn attended(
    db: &impl ConnectionTrait,
    occasions: &[Occasion],
    teacher: Option<i64>,
) -> Result<Vec<(i64, i64)>> {
    let mut pairs = Vec::new();
    for chunk in occasions.chunks(500) {
        let Some(kind) = chunk.first().map(|o| o.kind) else { continue };
        let by_id: BTreeMap<i64, &Occasion> = chunk.iter().map(|o| (o.id, o)).collect();
        let records = attendance_record::Entity::find()
            .filter(attendance_record::Column::OccasionKind.eq(kind))
            .filter(attendance_record::Column::OccasionId.is_in(by_id.keys().copied()))
            .apply_if(teacher, |records, teacher_id| {
                records.filter(attendance_record::Column::TeacherId.eq(teacher_id))
            })
            .all(db)
            .await?;
        for r in records {
            if let Some(occasion) = by_id.get(&r.occasion_id)
                && occasion.qualifies(&r)?
            {
                pairs.push((r.occasion_id, r.teacher_id));
            }
        }
    }
    Ok(pairs)
}

/// Occasions of a kind a teacher has an attendance record of (checked in, or marked), as a
/// subquery: the few a teacher's own figures need to look at.
pub fn recorded_occasion_ids(kind: &str, teacher_id: i64) -> sea_orm::sea_query::SelectStatement {
    use attendance_record::Column as C;
    occasion_ids_of(
        attendance_record::Entity,
        [C::OccasionId, C::OccasionKind, C::TeacherId],
        kind,
        teacher_id,
    )
}

/// Queues one mail to everyone registered for an occasion, made from their name; its dedup key
/// (`{topic}:{kind}:{occasion}:{teacher}`) sends each teacher one however often this runs.
/// Returns how many were queued (teachers without an email address have no mailbox).
async fn mail_roster(
    db: &impl ConnectionTrait,
    occasion: &Occasion,
    now: DateTime<Utc>,
    topic: &str,
    mail: impl Fn(String) -> notify::Mail,
) -> Result<u32> {
    let mut queued = 0;
    for line in roster(db, occasion).await?.into_iter().filter(|l| l.registered) {
        let Some(contact) = directory::teacher_contact(db, line.teacher_id).await? else { continue };
        let dedup_key = Some(format!("{topic}:{}:{}:{}", occasion.kind, occasion.id, line.teacher_id));
        let envelope = notify::Envelope {
            to: contact.email,
            english: contact.english,
            mail: mail(contact.name),
            dedup_key,
        };
        notify::enqueue(db, now, envelope).await?;
        queued += 1;
    }
    Ok(queued)
}

/// Tells everyone registered for an occasion that it is cancelled and why, linking `page`.
pub(crate) async fn tell_cancelled(
    db: &impl ConnectionTrait,
    held: &crate::flow::Held,
    reason: &str,
    page: &str,
    now: DateTime<Utc>,
) -> Result<u32> {
    let occasion = &held.occasion;
    mail_roster(db, occasion, now, "cancelled", |name| notify::Mail::OccasionCancelled {
        name,
        title: held.title.clone(),
        starts_at: occasion.starts_at,
        place: held.place.clone(),
        reason: reason.to_owned(),
        path: page.to_owned(),
    })
    .await
}

/// Tells everyone registered for an occasion that it now takes place at `starts_at`–`ends_at`
/// in `place`, linking `page`. The dedup key names the new schedule, so a retried edit tells
/// each teacher once and every later move is told again.
pub(crate) async fn tell_moved(
    db: &impl ConnectionTrait,
    held: &crate::flow::Held,
    (starts_at, ends_at, place): (DateTime<Utc>, DateTime<Utc>, &str),
    page: &str,
    now: DateTime<Utc>,
) -> Result<u32> {
    use sha2::Digest;
    let digest = sha2::Sha256::digest(format!("{starts_at}|{ends_at}|{place}"));
    let topic: String = format!("moved-{}", hex::encode(&digest[..6]));
    mail_roster(db, &held.occasion, now, &topic, |name| notify::Mail::OccasionMoved {
        name,
        title: held.title.clone(),
        starts_at,
        ends_at,
        place: place.to_owned(),
        path: page.to_owned(),
    })
    .await
}

/// Queues a reminder to everyone on the roster of an occasion that starts soon, once per
/// teacher however often this runs.
pub(crate) async fn remind_roster(
    db: &impl ConnectionTrait,
    occasion: &Occasion,
    title: &str,
    place: &str,
    now: DateTime<Utc>,
) -> Result<u32> {
    mail_roster(db, occasion, now, "reminder", |name| notify::Mail::Reminder {
        name,
        title: title.to_owned(),
        starts_at: occasion.starts_at,
        place: place.to_owned(),
    })
    .await
}
