use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "question")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub bank_id: i64,
    pub version: i32,
    pub kind: String,
    pub stem: String,
    pub options: String,
    pub answer: String,
    pub partial_credit: bool,
    pub points_tenths: i64,
    pub tags: String,
    pub level: Option<String>,
    pub difficulty: i32,
    pub rubric: String,
    pub explanation: String,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
