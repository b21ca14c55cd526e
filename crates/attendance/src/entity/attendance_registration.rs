use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "attendance_registration")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub occasion_kind: String,
    #[sea_orm(primary_key, auto_increment = false)]
    pub occasion_id: i64,
    #[sea_orm(primary_key, auto_increment = false)]
    pub teacher_id: i64,
    pub registered_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
