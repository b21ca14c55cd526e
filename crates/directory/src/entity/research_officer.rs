use sea_orm::entity::prelude::*;

/// A teacher appointed MH research officer (心理健康教育教研员) of the teaching-research office
/// of the prefecture or a county (the office belongs to that unit's education bureau).
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "research_officer")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub org_unit_id: i64,
    #[sea_orm(primary_key, auto_increment = false)]
    pub person_id: i64,
    /// The office's unit path: who sees and manages the appointment.
    pub org_path: String,
    pub appointed_on: Date,
    pub appointed_by: i64,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
