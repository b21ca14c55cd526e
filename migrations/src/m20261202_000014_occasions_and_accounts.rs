//! The staff desk's changes to occasions and accounts: a session or research event can be
//! cancelled for good, with when and why (`cancelled_at`, `cancel_reason`; who is in the audit
//! log); an account whose password an admin reset must choose a new one at its next login
//! (`must_change_password`).

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum OfflineSession {
    Table,
}

#[derive(DeriveIden)]
enum ResearchEvent {
    Table,
}

#[derive(DeriveIden)]
enum Account {
    Table,
    MustChangePassword,
}

#[derive(DeriveIden)]
enum Cancellation {
    CancelledAt,
    CancelReason,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [OfflineSession::Table.into_iden(), ResearchEvent::Table.into_iden()] {
            // SQLite adds one column per statement.
            for column in [
                timestamp_with_time_zone_null(Cancellation::CancelledAt),
                string_len_null(Cancellation::CancelReason, 500),
            ] {
                manager
                    .alter_table(Table::alter().table(table.clone()).add_column(column).to_owned())
                    .await?;
            }
        }
        manager
            .alter_table(
                Table::alter()
                    .table(Account::Table)
                    .add_column(boolean(Account::MustChangePassword).default(false))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter().table(Account::Table).drop_column(Account::MustChangePassword).to_owned(),
            )
            .await?;
        for table in [OfflineSession::Table.into_iden(), ResearchEvent::Table.into_iden()] {
            for column in [Cancellation::CancelledAt, Cancellation::CancelReason] {
                manager
                    .alter_table(Table::alter().table(table.clone()).drop_column(column).to_owned())
                    .await?;
            }
        }
        Ok(())
    }
}
