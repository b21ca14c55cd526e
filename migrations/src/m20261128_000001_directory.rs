use sea_orm_migration::{prelude::*, schema::*};

use crate::util::index;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum OrgUnit {
    Table,
    Id,
    Kind,
    Code,
    Name,
    ParentId,
    Path,
    Stage,
    StudentCount,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Person {
    Table,
    Id,
    EmployeeNo,
    Name,
    Phone,
    Email,
    Gender,
    Subject,
    SchoolId,
    OrgPath,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum PersonRole {
    Table,
    PersonId,
    Role,
}

#[derive(DeriveIden)]
enum Account {
    Table,
    Id,
    Username,
    PasswordHash,
    Role,
    OrgUnitId,
    PersonId,
    FailedLogins,
    LockedUntil,
    Disabled,
    CreatedAt,
}

#[derive(DeriveIden)]
enum RefreshToken {
    Table,
    Id,
    AccountId,
    TokenHash,
    Family,
    CreatedAt,
    ExpiresAt,
    UsedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(OrgUnit::Table)
                    .col(big_pk_auto(OrgUnit::Id))
                    .col(string_len(OrgUnit::Kind, 16))
                    .col(string_len_uniq(OrgUnit::Code, 32))
                    .col(string_len(OrgUnit::Name, 100))
                    .col(big_integer_null(OrgUnit::ParentId))
                    .col(string_len(OrgUnit::Path, 255))
                    .col(string_len_null(OrgUnit::Stage, 16))
                    .col(integer_null(OrgUnit::StudentCount))
                    .col(timestamp_with_time_zone(OrgUnit::CreatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(OrgUnit::Table, OrgUnit::ParentId)
                            .to(OrgUnit::Table, OrgUnit::Id),
                    )
                    .to_owned(),
            )
            .await?;
        index(manager, OrgUnit::Table, "idx_org_unit_path", [OrgUnit::Path]).await?;
        index(manager, OrgUnit::Table, "idx_org_unit_parent", [OrgUnit::ParentId]).await?;

        manager
            .create_table(
                Table::create()
                    .table(Person::Table)
                    .col(big_pk_auto(Person::Id))
                    .col(string_len_uniq(Person::EmployeeNo, 32))
                    .col(string_len(Person::Name, 50))
                    .col(string_len_uniq(Person::Phone, 20))
                    .col(string_len_null(Person::Email, 254))
                    .col(string_len_null(Person::Gender, 8))
                    .col(string_len_null(Person::Subject, 50))
                    .col(big_integer(Person::SchoolId))
                    .col(string_len(Person::OrgPath, 255))
                    .col(timestamp_with_time_zone(Person::CreatedAt))
                    .col(timestamp_with_time_zone(Person::UpdatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(Person::Table, Person::SchoolId)
                            .to(OrgUnit::Table, OrgUnit::Id),
                    )
                    .to_owned(),
            )
            .await?;
        index(manager, Person::Table, "idx_person_org_path", [Person::OrgPath]).await?;

        manager
            .create_table(
                Table::create()
                    .table(PersonRole::Table)
                    .col(big_integer(PersonRole::PersonId))
                    .col(string_len(PersonRole::Role, 24))
                    .primary_key(Index::create().col(PersonRole::PersonId).col(PersonRole::Role))
                    .foreign_key(
                        ForeignKey::create()
                            .from(PersonRole::Table, PersonRole::PersonId)
                            .to(Person::Table, Person::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        index(manager, PersonRole::Table, "idx_person_role_role", [PersonRole::Role]).await?;

        manager
            .create_table(
                Table::create()
                    .table(Account::Table)
                    .col(big_pk_auto(Account::Id))
                    .col(string_len_uniq(Account::Username, 64))
                    .col(string_len(Account::PasswordHash, 255))
                    .col(string_len(Account::Role, 16))
                    .col(big_integer_null(Account::OrgUnitId))
                    .col(big_integer_null(Account::PersonId).unique_key())
                    .col(integer(Account::FailedLogins).default(0))
                    .col(timestamp_with_time_zone_null(Account::LockedUntil))
                    .col(boolean(Account::Disabled).default(false))
                    .col(timestamp_with_time_zone(Account::CreatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(Account::Table, Account::OrgUnitId)
                            .to(OrgUnit::Table, OrgUnit::Id),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(Account::Table, Account::PersonId)
                            .to(Person::Table, Person::Id),
                    )
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(RefreshToken::Table)
                    .col(big_pk_auto(RefreshToken::Id))
                    .col(big_integer(RefreshToken::AccountId))
                    .col(string_len_uniq(RefreshToken::TokenHash, 64))
                    .col(string_len(RefreshToken::Family, 36))
                    .col(timestamp_with_time_zone(RefreshToken::CreatedAt))
                    .col(timestamp_with_time_zone(RefreshToken::ExpiresAt))
                    .col(timestamp_with_time_zone_null(RefreshToken::UsedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(RefreshToken::Table, RefreshToken::AccountId)
                            .to(Account::Table, Account::Id),
                    )
                    .to_owned(),
            )
            .await?;
        index(manager, RefreshToken::Table, "idx_refresh_token_family", [RefreshToken::Family]).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            RefreshToken::Table.into_iden(),
            Account::Table.into_iden(),
            PersonRole::Table.into_iden(),
            Person::Table.into_iden(),
            OrgUnit::Table.into_iden(),
        ] {
            manager.drop_table(Table::drop().table(table).to_owned()).await?;
        }
        Ok(())
    }
}
