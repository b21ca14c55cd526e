use chrono::{DateTime, Utc};
use kernel::{Actor, Permission, Result};
use sea_orm::ConnectionTrait;

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
    directory::record_audit(db, actor, Some(teacher_id), action, "", now).await
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
