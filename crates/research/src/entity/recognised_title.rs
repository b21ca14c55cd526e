use sea_orm::entity::prelude::*;

/// A title granted to a teacher, with its grant and (once revoked) its revocation.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "recognised_title")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub teacher_id: i64,
    pub kind: String,
    /// The teacher's org path when it was granted: who sees and counts it.
    pub org_path: String,
    pub granted_on: Date,
    pub grant_reason: String,
    pub granted_by: i64,
    pub granted_at: DateTimeUtc,
    pub revoked_on: Option<Date>,
    pub revoke_reason: Option<String>,
    pub revoked_by: Option<i64>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
