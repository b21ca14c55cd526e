use sea_orm::entity::prelude::*;

/// A teacher's hours and entry count in one year, kept by each post, for searches by year.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "credit_year_total")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub teacher_id: i64,
    #[sea_orm(primary_key, auto_increment = false)]
    pub year: i32,
    pub tenths: i64,
    pub entries: i64,
    pub online_tenths: i64,
    pub offline_tenths: i64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
