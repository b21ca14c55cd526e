use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "certificate")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub number: String,
    pub teacher_id: i64,
    /// The holder's school path at issue, for scope.
    pub org_path: String,
    pub level: String,
    pub year: i32,
    pub serial: i32,
    /// How many certificates of this level the holder had before: unique with teacher and
    /// level, so two racing issuances cannot both succeed.
    pub generation: i32,
    pub verification_code: String,
    pub issued_on: Date,
    pub expires_on: Date,
    pub hours_tenths: i64,
    pub rule_set_id: i64,
    pub rule_set_version: i32,
    pub ledger_entry_id: Option<i64>,
    pub renews_certificate_id: Option<i64>,
    pub application_id: Option<i64>,
    pub revoked_on: Option<Date>,
    pub revoked_by: Option<i64>,
    pub revoke_reason: Option<String>,
    pub expiry_notice_sent: bool,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
