//! Plan item 8: recognised titles granted to teachers (州级心理健康教育名师, 县级骨干教师/名师),
//! each with its grant and revocation (date, reason, who), and the periodic commendation lists
//! (通报表扬先进个人) with their teachers. Plan item 6: the MH research officers appointed to the
//! teaching-research offices of the prefecture and the counties, and the other subject a
//! teacher also teaches (`person.other_subject`, 兼任学科).

use sea_orm_migration::{prelude::*, schema::*};

use crate::util::index;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum RecognisedTitle {
    Table,
    Id,
    TeacherId,
    Kind,
    OrgPath,
    GrantedOn,
    GrantReason,
    GrantedBy,
    GrantedAt,
    RevokedOn,
    RevokeReason,
    RevokedBy,
}

#[derive(DeriveIden)]
enum Commendation {
    Table,
    Id,
    Title,
    PeriodFrom,
    PeriodTo,
    OrgUnitId,
    OrgPath,
    IssuedBy,
    CreatedAt,
}

#[derive(DeriveIden)]
enum CommendationEntry {
    Table,
    CommendationId,
    TeacherId,
    Position,
    Citation,
}

#[derive(DeriveIden)]
enum ResearchOfficer {
    Table,
    OrgUnitId,
    PersonId,
    OrgPath,
    AppointedOn,
    AppointedBy,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Person {
    Table,
    OtherSubject,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(RecognisedTitle::Table)
                    .col(big_pk_auto(RecognisedTitle::Id))
                    .col(big_integer(RecognisedTitle::TeacherId))
                    .col(string_len(RecognisedTitle::Kind, 32))
                    .col(string_len(RecognisedTitle::OrgPath, 255))
                    .col(date(RecognisedTitle::GrantedOn))
                    .col(string_len(RecognisedTitle::GrantReason, 500))
                    .col(big_integer(RecognisedTitle::GrantedBy))
                    .col(timestamp_with_time_zone(RecognisedTitle::GrantedAt))
                    .col(date_null(RecognisedTitle::RevokedOn))
                    .col(string_len_null(RecognisedTitle::RevokeReason, 500))
                    .col(big_integer_null(RecognisedTitle::RevokedBy))
                    .to_owned(),
            )
            .await?;
        index(manager, RecognisedTitle::Table, "idx_recognised_title_teacher", [RecognisedTitle::TeacherId])
            .await?;
        index(manager, RecognisedTitle::Table, "idx_recognised_title_path", [RecognisedTitle::OrgPath])
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Commendation::Table)
                    .col(big_pk_auto(Commendation::Id))
                    .col(string_len(Commendation::Title, 200))
                    .col(date(Commendation::PeriodFrom))
                    .col(date(Commendation::PeriodTo))
                    .col(big_integer(Commendation::OrgUnitId))
                    .col(string_len(Commendation::OrgPath, 255))
                    .col(big_integer(Commendation::IssuedBy))
                    .col(timestamp_with_time_zone(Commendation::CreatedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(CommendationEntry::Table)
                    .col(big_integer(CommendationEntry::CommendationId))
                    .col(big_integer(CommendationEntry::TeacherId))
                    .col(integer(CommendationEntry::Position))
                    .col(string_len(CommendationEntry::Citation, 500))
                    .primary_key(
                        Index::create()
                            .col(CommendationEntry::CommendationId)
                            .col(CommendationEntry::TeacherId),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(ResearchOfficer::Table)
                    .col(big_integer(ResearchOfficer::OrgUnitId))
                    .col(big_integer(ResearchOfficer::PersonId))
                    .col(string_len(ResearchOfficer::OrgPath, 255))
                    .col(date(ResearchOfficer::AppointedOn))
                    .col(big_integer(ResearchOfficer::AppointedBy))
                    .col(timestamp_with_time_zone(ResearchOfficer::CreatedAt))
                    .primary_key(
                        Index::create().col(ResearchOfficer::OrgUnitId).col(ResearchOfficer::PersonId),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Person::Table)
                    .add_column(string_len_null(Person::OtherSubject, 50))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(Table::alter().table(Person::Table).drop_column(Person::OtherSubject).to_owned())
            .await?;
        manager.drop_table(Table::drop().table(ResearchOfficer::Table).to_owned()).await?;
        for table in [
            CommendationEntry::Table.into_iden(),
            Commendation::Table.into_iden(),
            RecognisedTitle::Table.into_iden(),
        ] {
            manager.drop_table(Table::drop().table(table).to_owned()).await?;
        }
        Ok(())
    }
}
