use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "lesson_progress")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub teacher_id: i64,
    pub lesson_id: i64,
    pub last_seq: i64,
    pub last_position_ms: i64,
    pub last_time: Option<DateTimeUtc>,
    pub last_client_time: Option<DateTimeUtc>,
    pub last_playing: bool,
    pub watched: String,
    pub watched_ms: i64,
    pub credited_ms: i64,
    pub completed_at: Option<DateTimeUtc>,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
