use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "person")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub employee_no: String,
    pub name: String,
    pub phone: String,
    pub email: Option<String>,
    pub gender: Option<String>,
    pub subject: Option<String>,
    /// 兼任学科: another subject taught besides `subject`.
    pub other_subject: Option<String>,
    pub school_id: i64,
    /// Copy of the school's path, so scope filters need no join.
    pub org_path: String,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
