use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "attempt_question")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub attempt_id: i64,
    pub position: i32,
    pub question_id: i64,
    pub question_version: i32,
    pub kind: String,
    pub stem: String,
    pub options: String,
    pub answer_key: String,
    pub partial_credit: bool,
    pub points_tenths: i64,
    pub rubric: String,
    pub explanation: String,
    pub answer: Option<String>,
    pub answered_at: Option<DateTimeUtc>,
    pub score_tenths: Option<i64>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
