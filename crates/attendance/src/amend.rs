//! Changing an occasion after it was announced — editing its details, or cancelling it with a
//! reason that reaches every registrant — through the same flow for sessions and events, so
//! what a closed or cancelled occasion refuses is the same for both.

use chrono::{DateTime, Utc};
use kernel::{Actor, FieldError, Result, Text, Violations};
use sea_orm::{
    ColumnTrait, DatabaseConnection, DatabaseTransaction, EntityTrait, PaginatorTrait, QueryFilter,
};
use serde::Serialize;

use crate::entity::attendance_closure;
use crate::flow::{Held, Owner, managed, open};
use crate::service::{self, registered_count};

/// Why and when an occasion was cancelled, as reads show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Cancellation {
    pub cancelled_at: DateTime<Utc>,
    #[cfg_attr(feature = "openapi", schema(example = "暴雨红色预警，培训取消"))]
    pub reason: String,
}

impl Cancellation {
    /// The cancellation as stored on an occasion's row (both set, or none).
    pub fn stored(at: Option<DateTime<Utc>>, reason: Option<&str>) -> Option<Self> {
        Some(Self { cancelled_at: at?, reason: reason.unwrap_or_default().to_owned() })
    }
}

/// An occasion its runner may still change: open, with how many are registered and whether
/// hours were ever posted for it (a reopened session).
#[derive(Debug, Clone)]
pub struct Amending<R> {
    pub row: R,
    held: Held,
    registered: u64,
    hours_posted: bool,
}

impl<R> Amending<R> {
    /// Records what the flow refuses of a change: fewer places than registrations, and other
    /// hours once hours were posted (the ledger keeps what it was given). Run after the
    /// owner's own checks: a field already at fault is not blamed twice.
    pub fn check(&self, v: &mut Violations, capacity: u32, hours_tenths: i64) {
        if u64::from(capacity) < self.registered && !v.mentions("capacity") {
            v.push(FieldError::new(
                "capacity",
                "below_registered",
                Text::owned(
                    format!("已有 {} 人报名，人数上限不能低于报名人数", self.registered),
                    format!("{} teachers are registered; capacity cannot go below that", self.registered),
                ),
            ));
        }
        if self.hours_posted && hours_tenths != self.held.hours_tenths && !v.mentions("hours") {
            v.push(FieldError::new(
                "hours",
                "hours_posted",
                Text::fixed(
                    "学时已入账，不能再修改学时",
                    "hours were already posted to the ledger; they cannot change",
                ),
            ));
        }
    }

    /// Tells every registrant, in the edit's transaction, when the edit moved the occasion to
    /// another time or place than they were told (`after`: the new start, end and place);
    /// returns how many were told (none when neither moved).
    pub async fn tell_moved<O: Owner>(
        &self,
        txn: &DatabaseTransaction,
        owner: &O,
        now: DateTime<Utc>,
        after: (DateTime<Utc>, DateTime<Utc>, &str),
    ) -> Result<u32> {
        let before = (self.held.occasion.starts_at, self.held.occasion.ends_at, self.held.place.as_str());
        if before == after {
            return Ok(0);
        }
        service::tell_moved(txn, &self.held, after, &owner.page(self.held.occasion.id), now).await
    }
}

/// The occasion `id` if the caller runs it and it is still open (a closed or cancelled one
/// answers its owner's 409), for an edit the owner then checks with [`Amending::check`].
pub async fn amendable<O: Owner>(
    db: &DatabaseConnection,
    owner: &O,
    actor: &Actor,
    id: i64,
) -> Result<Amending<O::Row>> {
    let row = managed(db, owner, actor, id).await?;
    let held = open(owner, &row)?;
    let registered = registered_count(db, &held.occasion).await?;
    let hours_posted = attendance_closure::Entity::find()
        .filter(attendance_closure::Column::OccasionKind.eq(held.occasion.kind))
        .filter(attendance_closure::Column::OccasionId.eq(held.occasion.id))
        .count(db)
        .await?
        > 0;
    Ok(Amending { row, held, registered, hours_posted })
}

/// Cancels an open occasion for good, with a reason of 2–500 characters: every registrant is
/// told by mail (and in their notifications) in the same transaction, the cancellation is
/// audited, and from then on registrations, codes, scans, marks and closing are refused with
/// the owner's `CANCELLED` code.
pub async fn cancel<O: Owner>(
    db: &DatabaseConnection,
    owner: &O,
    now: DateTime<Utc>,
    actor: &Actor,
    id: i64,
    reason: &str,
) -> Result<O::View> {
    let row = managed(db, owner, actor, id).await?;
    let held = open(owner, &row)?;
    let reason = kernel::Bound::REASON.check("reason", reason)?;
    let txn = kernel::begin_write(db).await?;
    let saved = owner.set_cancelled(&txn, row, now, &reason).await?;
    let told = service::tell_cancelled(&txn, &held, &reason, &owner.page(id), now).await?;
    let kind = held.occasion.kind;
    let detail = format!("{kind} #{id}「{}」取消，已通知 {told} 人：{reason}", held.title);
    directory::record_audit(&txn, actor, None, &format!("{kind}_cancelled"), &detail, now).await?;
    txn.commit().await?;
    owner.view(&saved)
}
