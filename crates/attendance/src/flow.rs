//! The one flow every attended occasion runs through — register, show a code, scan, mark by
//! hand, close (posting the hours), reopen, the roster, reminders — so each rule holds for
//! offline sessions and research events alike by construction. The owning domain implements
//! [`Owner`]: it supplies the occasion's scope, schedule and closed state ([`Held`]), the
//! ledger entry an attendee earns, and what a closed occasion still allows.

use std::future::Future;

use chrono::{DateTime, Utc};
use kernel::{Actor, Error, FieldError, Permission, Result, Text};
use sea_orm::{ActiveModelTrait, DatabaseConnection, DatabaseTransaction, Set};
use serde::Deserialize;

use crate::domain::{AttendanceStatus, SignInCode};
use crate::entity::attendance_closure;
use crate::service::{self, Attendance, Occasion, Scan};

/// An occasion as its owner holds it: the attendance data, whose it is, whether it is closed,
/// and what attending it earns.
#[derive(Debug, Clone)]
pub struct Held {
    pub occasion: Occasion,
    /// The owning unit's path: who may run it, and who may attend.
    pub org_path: String,
    pub standing: Standing,
    pub title: String,
    pub place: String,
    /// The hours an attendee earns, in tenths.
    pub hours_tenths: i64,
}

impl Held {
    /// An occasion owned at `org_path`, titled and placed `(title, place)`, worth `hours_tenths`.
    pub fn new(
        occasion: Occasion,
        org_path: &str,
        standing: Standing,
        (title, place): (&str, &str),
        hours_tenths: i64,
    ) -> Self {
        Self {
            occasion,
            org_path: org_path.to_owned(),
            standing,
            title: title.to_owned(),
            place: place.to_owned(),
            hours_tenths,
        }
    }

    /// The ledger entry an attendee earns from `source` (which names the occasion and the
    /// teacher, so closing twice posts once), dated on the day it took place.
    fn hours_entry(&self, source: credit::Source, teacher_id: i64, by: i64) -> credit::NewEntry {
        credit::NewEntry {
            teacher_id,
            source,
            hours: kernel::from_tenths(self.hours_tenths),
            occurred_on: kernel::china_date(self.occasion.starts_at),
            description: format!("{}（{}）", self.title, self.place),
            recorded_by: Some(by),
        }
    }
}

/// Where an occasion stands: open for registration and sign-in, closed (hours posted; a
/// session can be reopened), or cancelled (for good, with a reason; nothing is accepted).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Standing {
    Open,
    Closed,
    Cancelled,
}

/// What a domain that owns attended occasions supplies to the flow.
pub trait Owner: Sync {
    /// The owner's stored occasion.
    type Row: Clone + Send + Sync;
    /// The occasion as clients see it.
    type View;
    /// Whether a trainer may still mark attendance once the occasion is closed (the hours then
    /// post at once, for paper sheets that arrive late); otherwise it must be reopened first.
    const MARKS_AFTER_CLOSE: bool;
    /// The code and text (zh, en) of the 409 a closed occasion answers to registrations,
    /// codes and scans.
    const CLOSED: (&'static str, &'static str, &'static str);
    /// The code and text (zh, en) of the 409 a cancelled occasion answers to everything that
    /// would change it.
    const CANCELLED: (&'static str, &'static str, &'static str);

    /// The occasion `id`, if it exists.
    fn find(
        &self,
        db: &DatabaseConnection,
        id: i64,
    ) -> impl Future<Output = Result<Option<Self::Row>>> + Send;
    /// The attendance view of a row (a stored status outside its vocabulary is
    /// `corrupt_record`, never read as open).
    fn held(&self, row: &Self::Row) -> Result<Held>;
    /// The client view of a row (a stored value outside its vocabulary is `corrupt_record`).
    fn view(&self, row: &Self::Row) -> Result<Self::View>;
    /// The ledger source of an attendee's hours at occasion `id`.
    fn source(&self, id: i64, teacher_id: i64) -> credit::Source;
    /// Stores the closed state: `Some(at)` closes, `None` reopens.
    fn set_closed(
        &self,
        txn: &DatabaseTransaction,
        row: Self::Row,
        closed_at: Option<DateTime<Utc>>,
    ) -> impl Future<Output = Result<Self::Row>> + Send;
    /// Stores the cancellation: when, and why.
    fn set_cancelled(
        &self,
        txn: &DatabaseTransaction,
        row: Self::Row,
        at: DateTime<Utc>,
        reason: &str,
    ) -> impl Future<Output = Result<Self::Row>> + Send;
    /// The app page of occasion `id` its attendees' mail links to (relative to the public URL).
    fn page(&self, id: i64) -> String;
}

pub(crate) fn closed_error<O: Owner>() -> Error {
    let (code, zh, en) = O::CLOSED;
    Error::conflict(code, Text::fixed(zh, en))
}

pub(crate) fn cancelled_error<O: Owner>() -> Error {
    let (code, zh, en) = O::CANCELLED;
    Error::conflict(code, Text::fixed(zh, en))
}

/// Body of a close: before the scheduled end it takes `force: true` and a reason.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Closing {
    #[serde(default)]
    pub force: bool,
    #[cfg_attr(
        feature = "openapi",
        schema(example = "暴雨预警，提前结束", min_length = 2, max_length = 500)
    )]
    pub reason: Option<String>,
}

async fn visible<O: Owner>(db: &DatabaseConnection, owner: &O, actor: &Actor, id: i64) -> Result<O::Row> {
    let row = owner.find(db, id).await?.ok_or(Error::NotFound)?;
    directory::ensure_owner_visible(db, actor, &owner.held(&row)?.org_path).await?;
    owner.view(&row)?; // a corrupt row is refused before anything acts on it
    Ok(row)
}

pub(crate) async fn managed<O: Owner>(
    db: &DatabaseConnection,
    owner: &O,
    actor: &Actor,
    id: i64,
) -> Result<O::Row> {
    let row = owner.find(db, id).await?.ok_or(Error::NotFound)?;
    actor.authorize(Permission::ManageTraining, &owner.held(&row)?.org_path)?;
    owner.view(&row)?; // a corrupt row is refused before anything acts on it
    Ok(row)
}

/// The occasion's attendance view if it is still open; a closed or cancelled one answers its
/// owner's 409.
pub(crate) fn open<O: Owner>(owner: &O, row: &O::Row) -> Result<Held> {
    let held = owner.held(row)?;
    match held.standing {
        Standing::Open => Ok(held),
        Standing::Closed => Err(closed_error::<O>()),
        Standing::Cancelled => Err(cancelled_error::<O>()),
    }
}

/// Registers the calling teacher, or (for staff) the given teacher of their subtree.
pub async fn register<O: Owner>(
    db: &DatabaseConnection,
    owner: &O,
    now: DateTime<Utc>,
    actor: &Actor,
    id: i64,
    teacher_id: Option<i64>,
) -> Result<Attendance> {
    let row = visible(db, owner, actor, id).await?;
    let teacher_id = match (actor.person_id(), teacher_id) {
        (Some(own), None) => own,
        (Some(own), Some(given)) if own == given => own,
        (Some(_), Some(_)) => return Err(Error::Forbidden),
        (None, Some(given)) => {
            managed(db, owner, actor, id).await?;
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
    let held = open(owner, &row)?;
    let txn = kernel::begin_write(db).await?;
    service::register(&txn, &held.occasion, teacher_id, now).await?;
    let line = line_of(&txn, &held.occasion, teacher_id).await?;
    txn.commit().await?;
    Ok(line)
}

async fn line_of(db: &DatabaseTransaction, occasion: &Occasion, teacher_id: i64) -> Result<Attendance> {
    service::roster(db, occasion)
        .await?
        .into_iter()
        .find(|a| a.teacher_id == teacher_id)
        .ok_or(Error::NotFound)
}

/// The rotating code for the trainer's screen (none for a closed or cancelled occasion).
pub async fn sign_in_code<O: Owner>(
    db: &DatabaseConnection,
    owner: &O,
    now: DateTime<Utc>,
    actor: &Actor,
    id: i64,
) -> Result<SignInCode> {
    let row = managed(db, owner, actor, id).await?;
    Ok(open(owner, &row)?.occasion.code(now))
}

/// The calling teacher signs in, or out in the closing window, with the code on the screen.
pub async fn check<O: Owner>(
    db: &DatabaseConnection,
    owner: &O,
    now: DateTime<Utc>,
    actor: &Actor,
    id: i64,
    code: &str,
    scan: Scan,
) -> Result<Attendance> {
    let teacher_id = actor.teacher()?;
    let held = open(owner, &visible(db, owner, actor, id).await?)?;
    let txn = kernel::begin_write(db).await?;
    let line = service::scan(&txn, &held.occasion, teacher_id, code, scan, now).await?;
    txn.commit().await?;
    Ok(line)
}

/// A trainer's mark of one teacher's attendance, with the reason that is logged.
#[derive(Debug, Clone, Copy)]
pub struct HandMark<'a> {
    pub teacher_id: i64,
    pub status: AttendanceStatus,
    pub reason: &'a str,
}

/// A trainer sets a teacher's attendance by hand, with a reason (logged): the only way past
/// the presence rule. On a closed occasion that allows it, the hours post at once.
pub async fn mark_by_hand<O: Owner>(
    db: &DatabaseConnection,
    ledger: &credit::Ledger,
    owner: &O,
    now: DateTime<Utc>,
    actor: &Actor,
    id: i64,
    HandMark { teacher_id, status, reason }: HandMark<'_>,
) -> Result<Attendance> {
    let row = managed(db, owner, actor, id).await?;
    let held = owner.held(&row)?;
    match held.standing {
        Standing::Closed if !O::MARKS_AFTER_CLOSE => return Err(closed_error::<O>()),
        Standing::Cancelled => return Err(cancelled_error::<O>()),
        Standing::Open | Standing::Closed => {}
    }
    let closed = held.standing == Standing::Closed;
    let path = directory::teacher_scope_path(db, teacher_id).await.map_err(|_| unknown_teacher())?;
    if !path.starts_with(actor.subtree()?) {
        return Err(unknown_teacher());
    }
    let txn = kernel::begin_write(db).await?;
    let line = service::mark(&txn, &held.occasion, teacher_id, status, reason, actor.account_id, now).await?;
    if closed && line.attended {
        ledger
            .post(
                &txn,
                now,
                held.hours_entry(owner.source(held.occasion.id, teacher_id), teacher_id, actor.account_id),
            )
            .await?;
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

/// Closes an occasion: every attendee present for the minimum (or marked present/late) gets
/// its hours in the ledger, once however often it is closed. Before the scheduled end it takes
/// `force` and a reason, recorded with who closed it.
pub async fn close<O: Owner>(
    db: &DatabaseConnection,
    ledger: &credit::Ledger,
    owner: &O,
    now: DateTime<Utc>,
    actor: &Actor,
    id: i64,
    closing: Closing,
) -> Result<O::View> {
    let row = managed(db, owner, actor, id).await?;
    let held = owner.held(&row)?;
    if held.standing == Standing::Cancelled {
        return Err(cancelled_error::<O>());
    }
    let early = now < held.occasion.ends_at;
    let given = closing.reason.as_deref().filter(|r| !r.trim().is_empty());
    let reason = kernel::Bound::REASON.check_optional("reason", given)?;
    if early && !closing.force {
        return Err(Error::conflict(
            "closing_early",
            Text::fixed(
                "尚未到结束时间；提前关闭须确认（force）并填写理由",
                "the occasion has not ended; closing early takes force and a reason",
            ),
        ));
    }
    if early && reason.is_none() {
        return Err(Error::invalid(
            "reason",
            "required",
            Text::fixed(
                "提前关闭须填写 2–500 字的理由",
                "closing early needs a reason of 2 to 500 characters",
            ),
        ));
    }
    let txn = kernel::begin_write(db).await?;
    for line in service::roster(&txn, &held.occasion).await?.into_iter().filter(|l| l.attended) {
        ledger
            .post(
                &txn,
                now,
                held.hours_entry(
                    owner.source(held.occasion.id, line.teacher_id),
                    line.teacher_id,
                    actor.account_id,
                ),
            )
            .await?;
    }
    attendance_closure::ActiveModel {
        occasion_kind: Set(held.occasion.kind.to_owned()),
        occasion_id: Set(held.occasion.id),
        closed_by: Set(actor.account_id),
        closed_at: Set(now),
        early: Set(early),
        reason: Set(reason),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    let saved = owner.set_closed(&txn, row, Some(now)).await?;
    txn.commit().await?;
    owner.view(&saved)
}

/// Reopens a closed occasion, e.g. to enter a forgotten paper sign-in sheet; closing again
/// posts only what is new.
pub async fn reopen<O: Owner>(db: &DatabaseConnection, owner: &O, actor: &Actor, id: i64) -> Result<O::View> {
    let row = managed(db, owner, actor, id).await?;
    if owner.held(&row)?.standing == Standing::Cancelled {
        return Err(cancelled_error::<O>());
    }
    let txn = kernel::begin_write(db).await?;
    let saved = owner.set_closed(&txn, row, None).await?;
    txn.commit().await?;
    owner.view(&saved)
}

/// The occasion and its roster with scans, marks and minutes, for the people who run it.
pub async fn roster_of<O: Owner>(
    db: &DatabaseConnection,
    owner: &O,
    actor: &Actor,
    id: i64,
) -> Result<(O::Row, Vec<Attendance>)> {
    let row = managed(db, owner, actor, id).await?;
    let lines = service::roster(db, &owner.held(&row)?.occasion).await?;
    Ok((row, lines))
}

/// Queues a reminder to the roster of each of these (open) occasions, once per teacher. A
/// corrupt row is reminded of nothing and its error returned once the others are done, so one
/// bad row neither stops everyone's reminders nor goes unnoticed.
pub async fn remind<O: Owner>(
    db: &DatabaseConnection,
    owner: &O,
    now: DateTime<Utc>,
    rows: Vec<O::Row>,
) -> Result<u32> {
    let mut queued = 0;
    let mut corrupt = None;
    for held in rows.iter().map(|row| owner.held(row)) {
        let held = match held {
            Ok(held) if held.standing == Standing::Open => held,
            Ok(_) => continue,
            Err(error) => {
                corrupt.get_or_insert(error);
                continue;
            }
        };
        let txn = kernel::begin_write(db).await?;
        queued += service::remind_roster(&txn, &held.occasion, &held.title, &held.place, now).await?;
        txn.commit().await?;
    }
    corrupt.map_or(Ok(queued), Err)
}
