//! A teacher's hash chain checked on request.

use chrono::{DateTime, Utc};
use kernel::{Actor, Result};
use sea_orm::ConnectionTrait;

use super::access::authorize_read;
use crate::ledger::{ChainCheck, verify_chain};

/// Recomputes a teacher's chain, for the teacher or staff in scope (audited).
pub async fn verify_teacher_chain(
    db: &impl ConnectionTrait,
    now: DateTime<Utc>,
    actor: &Actor,
    teacher_id: i64,
) -> Result<ChainCheck> {
    authorize_read(db, actor, teacher_id, "verify_chain", now).await?;
    verify_chain(db, teacher_id).await
}
