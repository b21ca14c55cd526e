use sea_orm::entity::prelude::*;

/// What a printed transcript showed, kept so its verification code can be checked later.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "transcript")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub code: String,
    pub teacher_id: i64,
    pub generated_at: DateTimeUtc,
    pub generated_by: i64,
    pub entry_count: i64,
    pub total_tenths: i64,
    pub cycle_tenths: i64,
    pub head_hash: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
