use sea_orm::entity::prelude::*;

/// Every closing of an occasion: who, when, and why when it was before the scheduled end.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "attendance_closure")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub occasion_kind: String,
    pub occasion_id: i64,
    pub closed_by: i64,
    pub closed_at: DateTimeUtc,
    pub early: bool,
    pub reason: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
