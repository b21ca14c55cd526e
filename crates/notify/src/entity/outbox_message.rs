use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "outbox_message")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub recipient: String,
    pub template: String,
    /// Rendered at queueing time, for the admin list.
    pub subject: String,
    /// The mail's data (JSON); the body is rendered when sent, with the server's public URL.
    pub payload: String,
    pub english: bool,
    /// `pending`, `sending` (claimed under a lease), `sent` or `failed`.
    pub status: String,
    pub attempts: i32,
    pub next_attempt_at: DateTimeUtc,
    pub lease_until: Option<DateTimeUtc>,
    pub last_error: Option<String>,
    /// Scheduled mail (reminders) carries a key so it is never queued twice.
    pub dedup_key: Option<String>,
    pub created_at: DateTimeUtc,
    pub sent_at: Option<DateTimeUtc>,
    /// When the addressee marked it read in the app.
    pub read_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
