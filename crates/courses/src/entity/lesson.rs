use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "lesson")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub course_id: i64,
    pub module_id: i64,
    pub position: i32,
    pub kind: String,
    pub title: String,
    pub duration_seconds: i32,
    pub hours_tenths: Option<i64>,
    pub required: bool,
    /// An exam whose pass the lesson also needs before it completes.
    pub quiz_exam_id: Option<i64>,
    /// Where a video lesson's media is (absolute, or a path on this server such as `/media/a.webm`).
    pub media_url: Option<String>,
    /// The text of a text or document lesson.
    #[sea_orm(column_type = "Text", nullable)]
    pub content: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
