use sea_orm_migration::{prelude::*, schema::*};

use crate::util::{index, unique};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum CreditEntry {
    Table,
    Id,
    TeacherId,
    Seq,
    Category,
    HoursTenths,
    OccurredOn,
    Year,
    SourceKind,
    SourceId,
    Description,
    RecordedBy,
    RecordedAt,
    ReversesEntryId,
    PrevHash,
    Hash,
}

#[derive(DeriveIden)]
enum CreditChain {
    Table,
    TeacherId,
    Length,
    HeadHash,
}

#[derive(DeriveIden)]
enum CreditClaim {
    Table,
    Id,
    TeacherId,
    Title,
    Organiser,
    StartedOn,
    EndedOn,
    HoursTenths,
    Form,
    EvidenceRef,
    Status,
    DecidedBy,
    DecidedAt,
    DecisionReason,
    EntryId,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Transcript {
    Table,
    Id,
    Code,
    TeacherId,
    GeneratedAt,
    GeneratedBy,
    EntryCount,
    TotalTenths,
    CycleTenths,
    HeadHash,
}

#[derive(DeriveIden)]
enum AuditLog {
    Table,
    Id,
    AccountId,
    TeacherId,
    Action,
    Detail,
    At,
}

#[derive(DeriveIden)]
enum Person {
    Table,
    Id,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(CreditEntry::Table)
                    .col(big_pk_auto(CreditEntry::Id))
                    .col(big_integer(CreditEntry::TeacherId))
                    .col(big_integer(CreditEntry::Seq))
                    .col(string_len(CreditEntry::Category, 24))
                    .col(big_integer(CreditEntry::HoursTenths))
                    .col(date(CreditEntry::OccurredOn))
                    .col(integer(CreditEntry::Year))
                    .col(string_len(CreditEntry::SourceKind, 32))
                    .col(string_len(CreditEntry::SourceId, 128))
                    .col(string_len(CreditEntry::Description, 500))
                    .col(big_integer_null(CreditEntry::RecordedBy))
                    .col(timestamp_with_time_zone(CreditEntry::RecordedAt))
                    .col(big_integer_null(CreditEntry::ReversesEntryId).unique_key())
                    .col(string_len(CreditEntry::PrevHash, 64))
                    .col(string_len(CreditEntry::Hash, 64))
                    .foreign_key(
                        ForeignKey::create()
                            .from(CreditEntry::Table, CreditEntry::TeacherId)
                            .to(Person::Table, Person::Id),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(CreditEntry::Table, CreditEntry::ReversesEntryId)
                            .to(CreditEntry::Table, CreditEntry::Id),
                    )
                    .to_owned(),
            )
            .await?;
        unique(
            manager,
            CreditEntry::Table,
            "uq_credit_entry_source",
            [CreditEntry::SourceKind, CreditEntry::SourceId],
        )
        .await?;
        unique(
            manager,
            CreditEntry::Table,
            "uq_credit_entry_teacher_seq",
            [CreditEntry::TeacherId, CreditEntry::Seq],
        )
        .await?;
        index(
            manager,
            CreditEntry::Table,
            "idx_credit_entry_teacher_year",
            [CreditEntry::TeacherId, CreditEntry::Year],
        )
        .await?;

        manager
            .create_table(
                Table::create()
                    .table(CreditChain::Table)
                    .col(big_integer(CreditChain::TeacherId).primary_key())
                    .col(big_integer(CreditChain::Length))
                    .col(string_len(CreditChain::HeadHash, 64))
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(CreditClaim::Table)
                    .col(big_pk_auto(CreditClaim::Id))
                    .col(big_integer(CreditClaim::TeacherId))
                    .col(string_len(CreditClaim::Title, 200))
                    .col(string_len(CreditClaim::Organiser, 200))
                    .col(date(CreditClaim::StartedOn))
                    .col(date(CreditClaim::EndedOn))
                    .col(big_integer(CreditClaim::HoursTenths))
                    .col(string_len(CreditClaim::Form, 16))
                    .col(string_len(CreditClaim::EvidenceRef, 500))
                    .col(string_len(CreditClaim::Status, 16))
                    .col(big_integer_null(CreditClaim::DecidedBy))
                    .col(timestamp_with_time_zone_null(CreditClaim::DecidedAt))
                    .col(string_len_null(CreditClaim::DecisionReason, 500))
                    .col(big_integer_null(CreditClaim::EntryId))
                    .col(timestamp_with_time_zone(CreditClaim::CreatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(CreditClaim::Table, CreditClaim::TeacherId)
                            .to(Person::Table, Person::Id),
                    )
                    .to_owned(),
            )
            .await?;
        index(manager, CreditClaim::Table, "idx_credit_claim_teacher", [CreditClaim::TeacherId]).await?;

        manager
            .create_table(
                Table::create()
                    .table(Transcript::Table)
                    .col(big_pk_auto(Transcript::Id))
                    .col(string_len_uniq(Transcript::Code, 32))
                    .col(big_integer(Transcript::TeacherId))
                    .col(timestamp_with_time_zone(Transcript::GeneratedAt))
                    .col(big_integer(Transcript::GeneratedBy))
                    .col(big_integer(Transcript::EntryCount))
                    .col(big_integer(Transcript::TotalTenths))
                    .col(big_integer(Transcript::CycleTenths))
                    .col(string_len(Transcript::HeadHash, 64))
                    .foreign_key(
                        ForeignKey::create()
                            .from(Transcript::Table, Transcript::TeacherId)
                            .to(Person::Table, Person::Id),
                    )
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(AuditLog::Table)
                    .col(big_pk_auto(AuditLog::Id))
                    .col(big_integer(AuditLog::AccountId))
                    .col(big_integer_null(AuditLog::TeacherId))
                    .col(string_len(AuditLog::Action, 48))
                    .col(string_len(AuditLog::Detail, 1000))
                    .col(timestamp_with_time_zone(AuditLog::At))
                    .to_owned(),
            )
            .await?;
        index(manager, AuditLog::Table, "idx_audit_log_at", [AuditLog::At]).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            AuditLog::Table.into_iden(),
            Transcript::Table.into_iden(),
            CreditClaim::Table.into_iden(),
            CreditChain::Table.into_iden(),
            CreditEntry::Table.into_iden(),
        ] {
            manager.drop_table(Table::drop().table(table).to_owned()).await?;
        }
        Ok(())
    }
}
