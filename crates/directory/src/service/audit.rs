//! Staff actions on accounts are audited in the one audit log, which the credit domain keeps
//! (`GET /audit`). Credit depends on the directory, not the other way round, so the server
//! registers the writer once at start-up, as it registers the ledger's `AfterPost` hook.

use chrono::{DateTime, Utc};
use futures_util::future::BoxFuture;
use kernel::{Actor, AnyConnection, Error, Result};
use sea_orm::ConnectionTrait;

/// Writes one audit line (who: the actor; whose: the teacher, if any; what; when) inside the
/// caller's transaction.
pub type AuditWriter = for<'a> fn(
    AnyConnection<'a>,
    &'a Actor,
    Option<i64>,
    &'a str,
    &'a str,
    DateTime<Utc>,
) -> BoxFuture<'a, Result<()>>;

static WRITER: std::sync::OnceLock<AuditWriter> = std::sync::OnceLock::new();

/// Registers the audit writer; later registrations are ignored (one per process).
pub fn audit_with(writer: AuditWriter) {
    WRITER.get_or_init(|| writer);
}

/// Audits a staff action in `db`'s transaction. Without a registered writer the action fails:
/// an unaudited account change must not happen.
pub(crate) async fn audit(
    db: &impl ConnectionTrait,
    actor: &Actor,
    teacher: Option<i64>,
    action: &str,
    detail: &str,
    now: DateTime<Utc>,
) -> Result<()> {
    let writer =
        WRITER.get().ok_or_else(|| Error::Unexpected(anyhow::anyhow!("no audit writer registered")))?;
    writer(AnyConnection(db), actor, teacher, action, detail, now).await
}
