use sea_orm::entity::prelude::*;

/// The head of one teacher's hash chain; its row lock serialises posts for that teacher.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "credit_chain")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub teacher_id: i64,
    pub length: i64,
    pub head_hash: String,
    /// Sum of every entry's hours, kept by each post: HR searches read it instead of the ledger.
    pub total_tenths: i64,
    /// Where the teacher works, kept by the directory's placement hook, so a county's or a
    /// school's search walks an index ordered by hours.
    pub county_id: Option<i64>,
    pub school_id: Option<i64>,
    /// The total split by `Category::delivery` (certificates and adjustments count for neither).
    pub online_tenths: i64,
    pub offline_tenths: i64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
