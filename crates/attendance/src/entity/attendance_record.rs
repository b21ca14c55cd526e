use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "attendance_record")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub occasion_kind: String,
    pub occasion_id: i64,
    pub teacher_id: i64,
    pub checked_in_at: Option<DateTimeUtc>,
    pub checked_out_at: Option<DateTimeUtc>,
    /// A trainer's manual mark; overrides the scans when set.
    pub status: Option<String>,
    pub reason: Option<String>,
    pub marked_by: Option<i64>,
    pub marked_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
