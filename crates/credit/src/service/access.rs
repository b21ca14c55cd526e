use chrono::{DateTime, Utc};
use kernel::{Actor, Permission, Result};
use sea_orm::{ActiveModelTrait, ConnectionTrait, Set};

use crate::entity::audit_log;

/// Who reads a teacher's credits: the teacher themself, or staff whose role and subtree allow
/// it. Staff reads are written to the audit log (who, whose, what, when).
pub(crate) async fn authorize_read(
    db: &impl ConnectionTrait,
    actor: &Actor,
    teacher_id: i64,
    action: &str,
    now: DateTime<Utc>,
) -> Result<()> {
    if actor.person_id() == Some(teacher_id) {
        return Ok(());
    }
    let path = directory::teacher_scope_path(db, teacher_id).await?;
    actor.authorize(Permission::ReadCredits, &path)?;
    record(db, actor, Some(teacher_id), action, "", now).await
}

/// Staff who may post adjustments and decide claims for this teacher.
pub(crate) async fn authorize_manage(
    db: &impl ConnectionTrait,
    actor: &Actor,
    teacher_id: i64,
) -> Result<()> {
    let path = directory::teacher_scope_path(db, teacher_id).await?;
    actor.authorize(Permission::ManageCredits, &path)
}

/// Writes one audit line; other domains record their staff actions (revocations) here too, so
/// `GET /audit` is the one place to look.
pub async fn record(
    db: &impl ConnectionTrait,
    actor: &Actor,
    teacher_id: Option<i64>,
    action: &str,
    detail: &str,
    now: DateTime<Utc>,
) -> Result<()> {
    audit_log::ActiveModel {
        account_id: Set(actor.account_id),
        teacher_id: Set(teacher_id),
        action: Set(action.to_owned()),
        detail: Set(detail.chars().take(1000).collect()),
        at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(())
}
