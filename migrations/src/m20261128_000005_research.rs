use sea_orm_migration::{prelude::*, schema::*};

use crate::util::{index, unique};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum ResearchEvent {
    Table,
    Id,
    Title,
    Form,
    Level,
    OrgUnitId,
    OrgPath,
    StartsAt,
    EndsAt,
    Place,
    OnlineLink,
    HoursTenths,
    Capacity,
    AudienceRoles,
    Status,
    SignInSecret,
    CreatedBy,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Mentorship {
    Table,
    Id,
    MentorId,
    MenteeId,
    StartsOn,
    EndsOn,
    OrgPath,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Studio {
    Table,
    Id,
    Name,
    HostId,
    OrgPath,
    CreatedAt,
}

#[derive(DeriveIden)]
enum StudioMember {
    Table,
    StudioId,
    TeacherId,
}

#[derive(DeriveIden)]
enum WorkloadEntry {
    Table,
    Id,
    TeacherId,
    OrgPath,
    Date,
    Kind,
    Minutes,
    Note,
    Status,
    DecidedBy,
    DecidedAt,
    Reason,
    CreatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(ResearchEvent::Table)
                    .col(big_pk_auto(ResearchEvent::Id))
                    .col(string_len(ResearchEvent::Title, 200))
                    .col(string_len(ResearchEvent::Form, 16))
                    .col(string_len(ResearchEvent::Level, 16))
                    .col(big_integer(ResearchEvent::OrgUnitId))
                    .col(string_len(ResearchEvent::OrgPath, 255))
                    .col(timestamp_with_time_zone(ResearchEvent::StartsAt))
                    .col(timestamp_with_time_zone(ResearchEvent::EndsAt))
                    .col(string_len(ResearchEvent::Place, 200))
                    .col(string_len_null(ResearchEvent::OnlineLink, 500))
                    .col(big_integer(ResearchEvent::HoursTenths))
                    .col(integer(ResearchEvent::Capacity))
                    .col(string_len(ResearchEvent::AudienceRoles, 200))
                    .col(string_len(ResearchEvent::Status, 16))
                    .col(string_len(ResearchEvent::SignInSecret, 64))
                    .col(big_integer(ResearchEvent::CreatedBy))
                    .col(timestamp_with_time_zone(ResearchEvent::CreatedAt))
                    .to_owned(),
            )
            .await?;
        index(manager, ResearchEvent::Table, "idx_research_event_starts", [ResearchEvent::StartsAt]).await?;
        manager
            .create_table(
                Table::create()
                    .table(Mentorship::Table)
                    .col(big_pk_auto(Mentorship::Id))
                    .col(big_integer(Mentorship::MentorId))
                    .col(big_integer(Mentorship::MenteeId))
                    .col(date(Mentorship::StartsOn))
                    .col(date(Mentorship::EndsOn))
                    .col(string_len(Mentorship::OrgPath, 255))
                    .col(timestamp_with_time_zone(Mentorship::CreatedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Studio::Table)
                    .col(big_pk_auto(Studio::Id))
                    .col(string_len(Studio::Name, 200))
                    .col(big_integer(Studio::HostId))
                    .col(string_len(Studio::OrgPath, 255))
                    .col(timestamp_with_time_zone(Studio::CreatedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(StudioMember::Table)
                    .col(big_integer(StudioMember::StudioId))
                    .col(big_integer(StudioMember::TeacherId))
                    .primary_key(Index::create().col(StudioMember::StudioId).col(StudioMember::TeacherId))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(WorkloadEntry::Table)
                    .col(big_pk_auto(WorkloadEntry::Id))
                    .col(big_integer(WorkloadEntry::TeacherId))
                    .col(string_len(WorkloadEntry::OrgPath, 255))
                    .col(date(WorkloadEntry::Date))
                    .col(string_len(WorkloadEntry::Kind, 24))
                    .col(integer(WorkloadEntry::Minutes))
                    .col(string_len(WorkloadEntry::Note, 500))
                    .col(string_len(WorkloadEntry::Status, 16))
                    .col(big_integer_null(WorkloadEntry::DecidedBy))
                    .col(timestamp_with_time_zone_null(WorkloadEntry::DecidedAt))
                    .col(string_len_null(WorkloadEntry::Reason, 500))
                    .col(timestamp_with_time_zone(WorkloadEntry::CreatedAt))
                    .to_owned(),
            )
            .await?;
        unique(
            manager,
            StudioMember::Table,
            "uq_studio_member_teacher",
            [StudioMember::TeacherId, StudioMember::StudioId],
        )
        .await?;
        index(
            manager,
            WorkloadEntry::Table,
            "idx_workload_teacher_date",
            [WorkloadEntry::TeacherId, WorkloadEntry::Date],
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            WorkloadEntry::Table.into_iden(),
            StudioMember::Table.into_iden(),
            Studio::Table.into_iden(),
            Mentorship::Table.into_iden(),
            ResearchEvent::Table.into_iden(),
        ] {
            manager.drop_table(Table::drop().table(table).to_owned()).await?;
        }
        Ok(())
    }
}
