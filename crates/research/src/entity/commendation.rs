use sea_orm::entity::prelude::*;

/// A commendation list (通报表扬先进个人) for a period, issued by an org unit.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "commendation")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub title: String,
    pub period_from: Date,
    pub period_to: Date,
    pub org_unit_id: i64,
    pub org_path: String,
    pub issued_by: i64,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
