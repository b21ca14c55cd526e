//! A person's own mail as an in-app notification list, with read state: the phone shows what
//! the mailbox got (results released, certificates issued, reminders) even when mail is late.

use chrono::{DateTime, Utc};
use kernel::{Error, Page, PageRequest, Result};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder};
use serde::Serialize;

use crate::entity::outbox_message;
use crate::templates::Mail;

/// One mail to the caller.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Notification {
    #[cfg_attr(feature = "openapi", schema(example = 31))]
    pub id: i64,
    #[cfg_attr(feature = "openapi", schema(example = "result_released"))]
    pub template: String,
    #[cfg_attr(feature = "openapi", schema(example = "《C 级考试》成绩已发布：合格"))]
    pub subject: String,
    /// The page it links to, relative to the app (`/attempts/7`); none for reminders.
    #[cfg_attr(feature = "openapi", schema(example = "/attempts/7"))]
    pub path: Option<String>,
    pub created_at: DateTime<Utc>,
    pub read_at: Option<DateTime<Utc>>,
}

impl From<outbox_message::Model> for Notification {
    fn from(m: outbox_message::Model) -> Self {
        let path =
            serde_json::from_str::<Mail>(&m.payload).ok().and_then(|mail| mail.path().map(str::to_owned));
        Self {
            id: m.id,
            template: m.template,
            subject: m.subject,
            path,
            created_at: m.created_at,
            read_at: m.read_at,
        }
    }
}

/// The mail addressed to `address`, newest first; an account without an address has none.
pub async fn notifications(
    db: &DatabaseConnection,
    address: Option<&str>,
    page: PageRequest,
) -> Result<Page<Notification>> {
    let Some(address) = address else { return Ok(Page::new(Vec::new(), 0, page)) };
    let select = outbox_message::Entity::find()
        .filter(outbox_message::Column::Recipient.eq(address))
        .order_by_desc(outbox_message::Column::Id);
    Ok(kernel::fetch_page(db, select, page).await?.map(Notification::from))
}

/// Marks one of the caller's notifications read (again is a no-op); another's is not found.
pub async fn mark_read(
    db: &DatabaseConnection,
    now: DateTime<Utc>,
    address: Option<&str>,
    id: i64,
) -> Result<Notification> {
    let address = address.ok_or(Error::NotFound)?;
    let found = outbox_message::Entity::find_by_id(id)
        .filter(outbox_message::Column::Recipient.eq(address))
        .one(db)
        .await?
        .ok_or(Error::NotFound)?;
    if found.read_at.is_some() {
        return Ok(found.into());
    }
    outbox_message::Entity::update_many()
        .col_expr(outbox_message::Column::ReadAt, Expr::value(now))
        .filter(outbox_message::Column::Id.eq(id))
        .exec(db)
        .await?;
    // Read back: the database keeps the time at its own precision (microseconds on PostgreSQL).
    let read = outbox_message::Entity::find_by_id(id).one(db).await?.ok_or(Error::NotFound)?;
    Ok(read.into())
}
