use sea_orm_migration::{prelude::*, schema::*};

use crate::util::index;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum OutboxMessage {
    Table,
    Id,
    Recipient,
    Template,
    Subject,
    Payload,
    English,
    Status,
    Attempts,
    NextAttemptAt,
    LeaseUntil,
    LastError,
    DedupKey,
    CreatedAt,
    SentAt,
}

#[derive(DeriveIden)]
enum Account {
    Table,
    Email,
    Language,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(OutboxMessage::Table)
                    .col(big_pk_auto(OutboxMessage::Id))
                    .col(string_len(OutboxMessage::Recipient, 254))
                    .col(string_len(OutboxMessage::Template, 32))
                    .col(string_len(OutboxMessage::Subject, 300))
                    .col(text(OutboxMessage::Payload))
                    .col(boolean(OutboxMessage::English))
                    .col(string_len(OutboxMessage::Status, 16))
                    .col(integer(OutboxMessage::Attempts))
                    .col(timestamp_with_time_zone(OutboxMessage::NextAttemptAt))
                    .col(timestamp_with_time_zone_null(OutboxMessage::LeaseUntil))
                    .col(text_null(OutboxMessage::LastError))
                    .col(string_len_null(OutboxMessage::DedupKey, 200).unique_key())
                    .col(timestamp_with_time_zone(OutboxMessage::CreatedAt))
                    .col(timestamp_with_time_zone_null(OutboxMessage::SentAt))
                    .to_owned(),
            )
            .await?;
        index(
            manager,
            OutboxMessage::Table,
            "idx_outbox_due",
            [OutboxMessage::Status, OutboxMessage::NextAttemptAt],
        )
        .await?;
        // One column per statement: SQLite's ALTER TABLE adds a single column at a time.
        manager
            .alter_table(
                Table::alter()
                    .table(Account::Table)
                    .add_column(string_len_null(Account::Email, 254))
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Account::Table)
                    .add_column(string_len(Account::Language, 8).default("zh"))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(Table::alter().table(Account::Table).drop_column(Account::Language).to_owned())
            .await?;
        manager
            .alter_table(Table::alter().table(Account::Table).drop_column(Account::Email).to_owned())
            .await?;
        manager.drop_table(Table::drop().table(OutboxMessage::Table).to_owned()).await
    }
}
