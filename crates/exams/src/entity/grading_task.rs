use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "grading_task")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub attempt_question_id: i64,
    pub attempt_id: i64,
    pub exam_id: i64,
    pub org_path: String,
    pub round: i32,
    pub status: String,
    pub grader_id: Option<i64>,
    pub claimed_until: Option<DateTimeUtc>,
    pub criteria: Option<String>,
    pub comment: Option<String>,
    pub score_tenths: Option<i64>,
    pub graded_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
