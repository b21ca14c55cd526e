//! The one audit log: who did what to whose records, when. Staff actions of every domain (a
//! staff read of credits, a revocation, a title, a disabled account) are written here inside
//! the acting transaction, so `GET /audit` is the one place to look. It lives in the directory,
//! the lowest domain with tables, so every other domain can write to it directly.

use chrono::{DateTime, Utc};
use kernel::{Actor, Error, Page, PageRequest, Permission, Result};
use sea_orm::{ActiveModelTrait, ConnectionTrait, EntityTrait, QueryOrder, Set};
use serde::Serialize;

use crate::entity::audit_log;

/// One audited action: who (the account), whose records (the teacher, if any), what, when.
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

/// Writes one audit line in `db`'s transaction (the detail cut to 1,000 characters).
pub async fn record_audit(
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
