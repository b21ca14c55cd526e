use sea_orm::entity::prelude::*;

/// Every manual mark, kept even when a later mark replaces it.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "attendance_mark_log")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub occasion_kind: String,
    pub occasion_id: i64,
    pub teacher_id: i64,
    pub status: String,
    pub reason: String,
    pub marked_by: i64,
    pub marked_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
