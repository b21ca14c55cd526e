use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "attempt")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub exam_id: i64,
    pub teacher_id: i64,
    pub status: String,
    pub seed: i64,
    pub started_at: DateTimeUtc,
    pub deadline: DateTimeUtc,
    pub submitted_at: Option<DateTimeUtc>,
    pub score_tenths: Option<i64>,
    pub passed: Option<bool>,
    pub released_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
