//! The kept totals learn where each teacher works and how the hours were delivered:
//! - every ledger entry records its delivery (`online`, `offline`, or none for certificates and
//!   adjustments), decided once when it is posted by `credit::Category::delivery`;
//! - the per-teacher row (`credit_chain`) and the per-year rows carry online and offline hours
//!   beside the total, so an HR search shows the split without reading the ledger;
//! - the per-teacher row carries the teacher's school and county, and exists for every teacher
//!   (a teacher without entries has a head of length 0), so the first page of a county sorted
//!   by hours is read from `(county_id, total_tenths DESC, teacher_id)` and its count from the
//!   same index, instead of joining and sorting the county's roster.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum CreditChain {
    Table,
    TeacherId,
    CountyId,
    SchoolId,
    TotalTenths,
    OnlineTenths,
    OfflineTenths,
}

#[derive(DeriveIden)]
enum CreditYearTotal {
    Table,
    OnlineTenths,
    OfflineTenths,
}

#[derive(DeriveIden)]
enum CreditEntry {
    Table,
    Delivery,
}

const BY_COUNTY: &str = "idx_credit_chain_county_total";
const BY_SCHOOL: &str = "idx_credit_chain_school_total";
const BY_TOTAL: &str = "idx_credit_chain_total";

/// The delivery of an entry by its category, and online for an approved claim of form online
/// (and for reversals of such an entry): the SQL twin of `Category::delivery`, run once here.
const DELIVERY: &[&str] = &[
    "UPDATE credit_entry SET delivery = CASE \
     WHEN category IN ('online_course', 'exam') THEN 'online' \
     WHEN category IN ('offline_training', 'research_event', 'external') THEN 'offline' \
     ELSE NULL END",
    "UPDATE credit_entry SET delivery = 'online' WHERE category = 'external' AND ( \
     id IN (SELECT entry_id FROM credit_claim WHERE form = 'online' AND entry_id IS NOT NULL) OR \
     reverses_entry_id IN (SELECT entry_id FROM credit_claim WHERE form = 'online' AND entry_id IS NOT NULL))",
    "INSERT INTO credit_chain (teacher_id, length, head_hash, total_tenths) \
     SELECT id, 0, '0000000000000000000000000000000000000000000000000000000000000000', 0 FROM person \
     WHERE id NOT IN (SELECT teacher_id FROM credit_chain)",
    "UPDATE credit_chain SET \
     school_id = (SELECT school_id FROM person WHERE person.id = credit_chain.teacher_id), \
     county_id = (SELECT org_unit.parent_id FROM person JOIN org_unit ON org_unit.id = person.school_id \
                  WHERE person.id = credit_chain.teacher_id), \
     online_tenths = (SELECT COALESCE(SUM(hours_tenths), 0) FROM credit_entry \
                      WHERE credit_entry.teacher_id = credit_chain.teacher_id AND delivery = 'online'), \
     offline_tenths = (SELECT COALESCE(SUM(hours_tenths), 0) FROM credit_entry \
                       WHERE credit_entry.teacher_id = credit_chain.teacher_id AND delivery = 'offline')",
    "UPDATE credit_year_total SET \
     online_tenths = (SELECT COALESCE(SUM(hours_tenths), 0) FROM credit_entry \
                      WHERE credit_entry.teacher_id = credit_year_total.teacher_id \
                      AND credit_entry.year = credit_year_total.year AND delivery = 'online'), \
     offline_tenths = (SELECT COALESCE(SUM(hours_tenths), 0) FROM credit_entry \
                       WHERE credit_entry.teacher_id = credit_year_total.teacher_id \
                       AND credit_entry.year = credit_year_total.year AND delivery = 'offline')",
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // SQLite adds one column per ALTER.
        for column in [
            big_integer_null(CreditChain::CountyId),
            big_integer_null(CreditChain::SchoolId),
            big_integer(CreditChain::OnlineTenths).default(0).to_owned(),
            big_integer(CreditChain::OfflineTenths).default(0).to_owned(),
        ] {
            manager
                .alter_table(Table::alter().table(CreditChain::Table).add_column(column).to_owned())
                .await?;
        }
        for column in [CreditYearTotal::OnlineTenths, CreditYearTotal::OfflineTenths] {
            manager
                .alter_table(
                    Table::alter()
                        .table(CreditYearTotal::Table)
                        .add_column(big_integer(column).default(0))
                        .to_owned(),
                )
                .await?;
        }
        manager
            .alter_table(
                Table::alter()
                    .table(CreditEntry::Table)
                    .add_column(string_null(CreditEntry::Delivery))
                    .to_owned(),
            )
            .await?;
        let db = manager.get_connection();
        for statement in DELIVERY {
            db.execute_unprepared(statement).await?;
        }
        for (name, place) in [
            (BY_COUNTY, Some(CreditChain::CountyId)),
            (BY_SCHOOL, Some(CreditChain::SchoolId)),
            (BY_TOTAL, None),
        ] {
            let mut index = Index::create().name(name).table(CreditChain::Table).to_owned();
            if let Some(place) = place {
                index.col(place);
            }
            index.col((CreditChain::TotalTenths, IndexOrder::Desc)).col(CreditChain::TeacherId);
            manager.create_index(index).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for name in [BY_COUNTY, BY_SCHOOL, BY_TOTAL] {
            manager.drop_index(Index::drop().name(name).table(CreditChain::Table).to_owned()).await?;
        }
        for column in [
            CreditChain::CountyId,
            CreditChain::SchoolId,
            CreditChain::OnlineTenths,
            CreditChain::OfflineTenths,
        ] {
            manager
                .alter_table(Table::alter().table(CreditChain::Table).drop_column(column).to_owned())
                .await?;
        }
        for column in [CreditYearTotal::OnlineTenths, CreditYearTotal::OfflineTenths] {
            manager
                .alter_table(Table::alter().table(CreditYearTotal::Table).drop_column(column).to_owned())
                .await?;
        }
        manager
            .alter_table(
                Table::alter().table(CreditEntry::Table).drop_column(CreditEntry::Delivery).to_owned(),
            )
            .await
    }
}
