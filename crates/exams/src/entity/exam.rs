use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "exam")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub title: String,
    pub level: String,
    pub org_unit_id: i64,
    pub org_path: String,
    pub duration_minutes: i32,
    pub pass_score_tenths: i64,
    pub max_attempts: i32,
    pub opens_at: DateTimeUtc,
    pub closes_at: DateTimeUtc,
    pub shuffle_options: bool,
    pub release_mode: String,
    pub double_marking: bool,
    pub margin_tenths: i64,
    pub hours_tenths: i64,
    pub sections: String,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
