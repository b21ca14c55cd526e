//! Presence that means presence: every session and research event says what share of its
//! scheduled time an attendee must be present (`min_presence_percent`, 80) and how long before
//! the end check-out opens (`closing_window_minutes`, 15); closing an occasion before its end
//! is recorded with who and why (`attendance_closure`).

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
enum Presence {
    MinPresencePercent,
    ClosingWindowMinutes,
}

#[derive(DeriveIden)]
enum AttendanceClosure {
    Table,
    Id,
    OccasionKind,
    OccasionId,
    ClosedBy,
    ClosedAt,
    Early,
    Reason,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [OfflineSession::Table.into_iden(), ResearchEvent::Table.into_iden()] {
            // SQLite adds one column per statement.
            for (column, default) in
                [(Presence::MinPresencePercent, 80), (Presence::ClosingWindowMinutes, 15)]
            {
                manager
                    .alter_table(
                        Table::alter()
                            .table(table.clone())
                            .add_column(integer(column).default(default))
                            .to_owned(),
                    )
                    .await?;
            }
        }
        manager
            .create_table(
                Table::create()
                    .table(AttendanceClosure::Table)
                    .col(big_pk_auto(AttendanceClosure::Id))
                    .col(string_len(AttendanceClosure::OccasionKind, 16))
                    .col(big_integer(AttendanceClosure::OccasionId))
                    .col(big_integer(AttendanceClosure::ClosedBy))
                    .col(timestamp_with_time_zone(AttendanceClosure::ClosedAt))
                    .col(boolean(AttendanceClosure::Early))
                    .col(string_len_null(AttendanceClosure::Reason, 500))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table(AttendanceClosure::Table).to_owned()).await?;
        for table in [OfflineSession::Table.into_iden(), ResearchEvent::Table.into_iden()] {
            for column in [Presence::MinPresencePercent, Presence::ClosingWindowMinutes] {
                manager
                    .alter_table(Table::alter().table(table.clone()).drop_column(column).to_owned())
                    .await?;
            }
        }
        Ok(())
    }
}
