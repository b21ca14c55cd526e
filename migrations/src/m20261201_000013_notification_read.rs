use sea_orm_migration::{prelude::*, schema::*};

/// When the addressee read a mail in the app's notification list, and an index to find a
/// person's mail by address.
#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum OutboxMessage {
    Table,
    Recipient,
    ReadAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(OutboxMessage::Table)
                    .add_column(timestamp_with_time_zone_null(OutboxMessage::ReadAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_outbox_message_recipient")
                    .table(OutboxMessage::Table)
                    .col(OutboxMessage::Recipient)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_index(
                Index::drop().name("idx_outbox_message_recipient").table(OutboxMessage::Table).to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter().table(OutboxMessage::Table).drop_column(OutboxMessage::ReadAt).to_owned(),
            )
            .await
    }
}
