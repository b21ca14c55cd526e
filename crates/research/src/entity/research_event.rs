use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "research_event")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub title: String,
    pub form: String,
    pub level: String,
    pub org_unit_id: i64,
    pub org_path: String,
    pub starts_at: DateTimeUtc,
    pub ends_at: DateTimeUtc,
    pub place: String,
    pub online_link: Option<String>,
    pub hours_tenths: i64,
    pub capacity: i32,
    pub audience_roles: String,
    pub status: String,
    pub sign_in_secret: String,
    pub min_presence_percent: i32,
    pub closing_window_minutes: i32,
    pub created_by: i64,
    pub created_at: DateTimeUtc,
    pub cancelled_at: Option<DateTimeUtc>,
    pub cancel_reason: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
