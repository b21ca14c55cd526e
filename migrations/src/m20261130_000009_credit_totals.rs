//! Per-teacher totals kept by the ledger as it posts, so searches over a whole prefecture read
//! one row per teacher instead of aggregating every entry on each request.

use sea_orm_migration::{prelude::*, schema::*};

use crate::util::index;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum CreditChain {
    Table,
    TotalTenths,
}

#[derive(DeriveIden)]
enum CreditYearTotal {
    Table,
    TeacherId,
    Year,
    Tenths,
    Entries,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(CreditChain::Table)
                    .add_column(big_integer(CreditChain::TotalTenths).default(0))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(CreditYearTotal::Table)
                    .col(big_integer(CreditYearTotal::TeacherId))
                    .col(integer(CreditYearTotal::Year))
                    .col(big_integer(CreditYearTotal::Tenths))
                    .col(big_integer(CreditYearTotal::Entries))
                    .primary_key(Index::create().col(CreditYearTotal::TeacherId).col(CreditYearTotal::Year))
                    .to_owned(),
            )
            .await?;
        index(manager, CreditYearTotal::Table, "idx_credit_year_total_year", [CreditYearTotal::Year]).await?;
        let db = manager.get_connection();
        db.execute_unprepared(
            "UPDATE credit_chain SET total_tenths = \
             (SELECT COALESCE(SUM(hours_tenths), 0) FROM credit_entry WHERE credit_entry.teacher_id = credit_chain.teacher_id)",
        )
        .await?;
        db.execute_unprepared(
            "INSERT INTO credit_year_total (teacher_id, year, tenths, entries) \
             SELECT teacher_id, year, SUM(hours_tenths), COUNT(*) FROM credit_entry GROUP BY teacher_id, year",
        )
        .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table(CreditYearTotal::Table).to_owned()).await?;
        manager
            .alter_table(
                Table::alter().table(CreditChain::Table).drop_column(CreditChain::TotalTenths).to_owned(),
            )
            .await
    }
}
