use sea_orm::entity::prelude::*;

/// One ledger line. Never updated or deleted: corrections are reversal lines.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "credit_entry")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub teacher_id: i64,
    /// Position in the teacher's hash chain, from 1.
    pub seq: i64,
    pub category: String,
    /// Hours in tenths, so sums are exact integers on every database.
    pub hours_tenths: i64,
    pub occurred_on: Date,
    pub year: i32,
    pub source_kind: String,
    pub source_id: String,
    pub description: String,
    pub recorded_by: Option<i64>,
    pub recorded_at: DateTimeUtc,
    pub reverses_entry_id: Option<i64>,
    pub prev_hash: String,
    pub hash: String,
    /// `online`, `offline` or none, decided by `Category::delivery` when posted (outside the
    /// chain hash: it is derived from the category and the claim's form, never entered).
    pub delivery: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
