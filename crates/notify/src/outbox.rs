use chrono::{DateTime, Utc};
use kernel::{Actor, Error, Page, PageRequest, Permission, Result, Text};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder,
    Set,
};
use serde::Serialize;

use crate::entity::outbox_message;
use crate::templates::Mail;

/// Who gets a mail, in which language, and (for scheduled mail) the key that keeps it single.
#[derive(Debug, Clone)]
pub struct Envelope {
    pub to: String,
    pub english: bool,
    pub mail: Mail,
    pub dedup_key: Option<String>,
}

/// A queued message as admins see it.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OutboxMessage {
    #[cfg_attr(feature = "openapi", schema(example = 31))]
    pub id: i64,
    #[cfg_attr(feature = "openapi", schema(example = "es00001@es.edu.cn"))]
    pub recipient: String,
    #[cfg_attr(feature = "openapi", schema(example = "result_released"))]
    pub template: String,
    #[cfg_attr(feature = "openapi", schema(example = "《C 级考试》成绩已发布：合格"))]
    pub subject: String,
    /// `pending`, `sending`, `sent` or `failed`.
    #[cfg_attr(feature = "openapi", schema(example = "failed"))]
    pub status: String,
    #[cfg_attr(feature = "openapi", schema(example = 6))]
    pub attempts: i32,
    pub next_attempt_at: DateTime<Utc>,
    #[cfg_attr(feature = "openapi", schema(example = "connection refused"))]
    pub last_error: Option<String>,
    pub created_at: DateTime<Utc>,
    pub sent_at: Option<DateTime<Utc>>,
}

impl From<outbox_message::Model> for OutboxMessage {
    fn from(m: outbox_message::Model) -> Self {
        Self {
            id: m.id,
            recipient: m.recipient,
            template: m.template,
            subject: m.subject,
            status: m.status,
            attempts: m.attempts,
            next_attempt_at: m.next_attempt_at,
            last_error: m.last_error,
            created_at: m.created_at,
            sent_at: m.sent_at,
        }
    }
}

/// Queues a mail inside the caller's transaction: a change that rolls back sends nothing, and
/// no committed change lacks its mail. A repeated dedup key is ignored.
pub async fn enqueue(db: &impl ConnectionTrait, now: DateTime<Utc>, envelope: Envelope) -> Result<()> {
    let payload = serde_json::to_string(&envelope.mail).map_err(|e| Error::Unexpected(e.into()))?;
    outbox_message::Entity::insert(outbox_message::ActiveModel {
        recipient: Set(envelope.to),
        template: Set(envelope.mail.template().to_owned()),
        subject: Set(envelope.mail.subject(envelope.english)),
        payload: Set(payload),
        english: Set(envelope.english),
        status: Set("pending".to_owned()),
        attempts: Set(0),
        next_attempt_at: Set(now),
        dedup_key: Set(envelope.dedup_key),
        created_at: Set(now),
        ..Default::default()
    })
    .on_conflict_do_nothing_on([outbox_message::Column::DedupKey])
    .exec(db)
    .await?;
    Ok(())
}

fn require_prefecture_admin(actor: &Actor) -> Result<()> {
    actor.require(Permission::ReadAudit)?;
    if actor.subtree()?.matches('/').count() == 2 { Ok(()) } else { Err(Error::Forbidden) }
}

/// Queued mail, newest first, optionally by status; prefecture admins only.
pub async fn list_outbox(
    db: &DatabaseConnection,
    actor: &Actor,
    status: Option<String>,
    page: PageRequest,
) -> Result<Page<OutboxMessage>> {
    require_prefecture_admin(actor)?;
    let mut select = outbox_message::Entity::find();
    if let Some(status) = status {
        select = select.filter(outbox_message::Column::Status.eq(status));
    }
    Ok(kernel::fetch_page(db, select.order_by_desc(outbox_message::Column::Id), page)
        .await?
        .map(OutboxMessage::from))
}

/// Puts a failed message back in the queue with a fresh set of attempts.
pub async fn retry_message(
    db: &DatabaseConnection,
    now: DateTime<Utc>,
    actor: &Actor,
    id: i64,
) -> Result<OutboxMessage> {
    require_prefecture_admin(actor)?;
    let found = outbox_message::Entity::find_by_id(id).one(db).await?.ok_or(Error::NotFound)?;
    if found.status != "failed" {
        return Err(Error::conflict(
            "not_failed",
            Text::fixed("只有发送失败的邮件可以重试", "only failed mail can be retried"),
        ));
    }
    let mut active: outbox_message::ActiveModel = found.into();
    active.status = Set("pending".to_owned());
    active.attempts = Set(0);
    active.next_attempt_at = Set(now);
    Ok(active.update(db).await?.into())
}
