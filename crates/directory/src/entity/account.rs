use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "account")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub username: String,
    pub password_hash: String,
    pub role: String,
    pub org_unit_id: Option<i64>,
    pub person_id: Option<i64>,
    pub failed_logins: i32,
    pub locked_until: Option<DateTimeUtc>,
    pub disabled: bool,
    pub created_at: DateTimeUtc,
    pub email: Option<String>,
    /// `zh` or `en`: the language of the account's mail.
    pub language: String,
    /// The password is a temporary one an admin handed out: the next login must replace it.
    pub must_change_password: bool,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
