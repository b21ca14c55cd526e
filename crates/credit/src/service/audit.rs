use chrono::{DateTime, Utc};
use kernel::{Actor, Error, Page, PageRequest, Permission, Result};
use sea_orm::{ConnectionTrait, EntityTrait, QueryOrder};
use serde::Serialize;

use super::access::authorize_read;
use crate::entity::audit_log;
use crate::ledger::{ChainCheck, verify_chain};

/// One audited read: who looked at whose credits, what, when.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AuditEntry {
    #[cfg_attr(feature = "openapi", schema(example = 9001))]
    pub id: i64,
    #[cfg_attr(feature = "openapi", schema(example = 4))]
    pub account_id: i64,
    #[cfg_attr(feature = "openapi", schema(example = 101))]
    pub teacher_id: Option<i64>,
    #[cfg_attr(feature = "openapi", schema(example = "read_credits"))]
    pub action: String,
    #[cfg_attr(feature = "openapi", schema(example = ""))]
    pub detail: String,
    pub at: DateTime<Utc>,
}

/// The audit log, newest first; for prefecture-level admins only.
pub async fn audit_log(
    db: &impl ConnectionTrait,
    actor: &Actor,
    page: PageRequest,
) -> Result<Page<AuditEntry>> {
    actor.require(Permission::ReadAudit)?;
    // A prefecture's path has one segment ("/1/"); county and school admins see no audit log.
    if actor.subtree()?.matches('/').count() != 2 {
        return Err(Error::Forbidden);
    }
    let select = audit_log::Entity::find().order_by_desc(audit_log::Column::Id);
    Ok(kernel::fetch_page(db, select, page).await?.map(|m| AuditEntry {
        id: m.id,
        account_id: m.account_id,
        teacher_id: m.teacher_id,
        action: m.action,
        detail: m.detail,
        at: m.at,
    }))
}

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
