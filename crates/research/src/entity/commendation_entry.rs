use sea_orm::entity::prelude::*;

/// One teacher on a commendation list, in the list's order, with what they are praised for.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "commendation_entry")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub commendation_id: i64,
    #[sea_orm(primary_key, auto_increment = false)]
    pub teacher_id: i64,
    pub position: i32,
    pub citation: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
