use sea_orm_migration::{prelude::*, schema::*};

use crate::util::{index, unique};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum RuleSet {
    Table,
    Id,
    Name,
    Version,
    EffectiveFrom,
    Status,
    Levels,
    Targets,
    CreatedBy,
    CreatedAt,
    ActivatedAt,
}

#[derive(DeriveIden)]
enum Certificate {
    Table,
    Id,
    Number,
    TeacherId,
    OrgPath,
    Level,
    Year,
    Serial,
    Generation,
    VerificationCode,
    IssuedOn,
    ExpiresOn,
    HoursTenths,
    RuleSetId,
    RuleSetVersion,
    LedgerEntryId,
    RenewsCertificateId,
    ApplicationId,
    RevokedOn,
    RevokedBy,
    RevokeReason,
    ExpiryNoticeSent,
    CreatedAt,
}

#[derive(DeriveIden)]
enum CertificateSerial {
    Table,
    Level,
    Year,
    Last,
}

#[derive(DeriveIden)]
enum CertificationApplication {
    Table,
    Id,
    TeacherId,
    OrgPath,
    Level,
    Note,
    Status,
    Reason,
    DecidedBy,
    DecidedAt,
    CertificateId,
    CreatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(RuleSet::Table)
                    .col(big_pk_auto(RuleSet::Id))
                    .col(string_len(RuleSet::Name, 100))
                    .col(integer(RuleSet::Version))
                    .col(date(RuleSet::EffectiveFrom))
                    .col(string_len(RuleSet::Status, 16))
                    .col(text(RuleSet::Levels))
                    .col(text(RuleSet::Targets))
                    .col(big_integer_null(RuleSet::CreatedBy))
                    .col(timestamp_with_time_zone(RuleSet::CreatedAt))
                    .col(timestamp_with_time_zone_null(RuleSet::ActivatedAt))
                    .to_owned(),
            )
            .await?;
        unique(manager, RuleSet::Table, "ux_rule_set_version", [RuleSet::Version]).await?;
        manager
            .create_table(
                Table::create()
                    .table(Certificate::Table)
                    .col(big_pk_auto(Certificate::Id))
                    .col(string_len(Certificate::Number, 40))
                    .col(big_integer(Certificate::TeacherId))
                    .col(string_len(Certificate::OrgPath, 255))
                    .col(string_len(Certificate::Level, 1))
                    .col(integer(Certificate::Year))
                    .col(integer(Certificate::Serial))
                    .col(integer(Certificate::Generation))
                    .col(string_len(Certificate::VerificationCode, 32))
                    .col(date(Certificate::IssuedOn))
                    .col(date(Certificate::ExpiresOn))
                    .col(big_integer(Certificate::HoursTenths))
                    .col(big_integer(Certificate::RuleSetId))
                    .col(integer(Certificate::RuleSetVersion))
                    .col(big_integer_null(Certificate::LedgerEntryId))
                    .col(big_integer_null(Certificate::RenewsCertificateId))
                    .col(big_integer_null(Certificate::ApplicationId))
                    .col(date_null(Certificate::RevokedOn))
                    .col(big_integer_null(Certificate::RevokedBy))
                    .col(string_len_null(Certificate::RevokeReason, 500))
                    .col(boolean(Certificate::ExpiryNoticeSent).default(false))
                    .col(timestamp_with_time_zone(Certificate::CreatedAt))
                    .to_owned(),
            )
            .await?;
        unique(manager, Certificate::Table, "ux_certificate_number", [Certificate::Number]).await?;
        unique(manager, Certificate::Table, "ux_certificate_code", [Certificate::VerificationCode]).await?;
        unique(
            manager,
            Certificate::Table,
            "ux_certificate_serial",
            [Certificate::Level, Certificate::Year, Certificate::Serial],
        )
        .await?;
        unique(
            manager,
            Certificate::Table,
            "ux_certificate_generation",
            [Certificate::TeacherId, Certificate::Level, Certificate::Generation],
        )
        .await?;
        index(manager, Certificate::Table, "idx_certificate_org_path", [Certificate::OrgPath]).await?;
        index(manager, Certificate::Table, "idx_certificate_expires", [Certificate::ExpiresOn]).await?;
        manager
            .create_table(
                Table::create()
                    .table(CertificateSerial::Table)
                    .col(string_len(CertificateSerial::Level, 1))
                    .col(integer(CertificateSerial::Year))
                    .col(integer(CertificateSerial::Last))
                    .primary_key(Index::create().col(CertificateSerial::Level).col(CertificateSerial::Year))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(CertificationApplication::Table)
                    .col(big_pk_auto(CertificationApplication::Id))
                    .col(big_integer(CertificationApplication::TeacherId))
                    .col(string_len(CertificationApplication::OrgPath, 255))
                    .col(string_len(CertificationApplication::Level, 1))
                    .col(string_len(CertificationApplication::Note, 1000))
                    .col(string_len(CertificationApplication::Status, 16))
                    .col(string_len_null(CertificationApplication::Reason, 500))
                    .col(big_integer_null(CertificationApplication::DecidedBy))
                    .col(timestamp_with_time_zone_null(CertificationApplication::DecidedAt))
                    .col(big_integer_null(CertificationApplication::CertificateId))
                    .col(timestamp_with_time_zone(CertificationApplication::CreatedAt))
                    .to_owned(),
            )
            .await?;
        index(
            manager,
            CertificationApplication::Table,
            "idx_certification_application_status",
            [CertificationApplication::Status],
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            CertificationApplication::Table.into_iden(),
            CertificateSerial::Table.into_iden(),
            Certificate::Table.into_iden(),
            RuleSet::Table.into_iden(),
        ] {
            manager.drop_table(Table::drop().table(table).to_owned()).await?;
        }
        Ok(())
    }
}
