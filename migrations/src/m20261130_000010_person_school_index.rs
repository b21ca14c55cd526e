//! Teachers found by the schools of a subtree: every scoped roster (HR search, compliance
//! report, exports) selects `person.school_id IN (schools under the path)`, which an index
//! answers on both databases, where `org_path LIKE 'path%'` scanned every teacher (neither
//! database uses a plain index for LIKE under its default collation).

use sea_orm_migration::prelude::*;

use crate::util::index;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Person {
    Table,
    SchoolId,
}

const NAME: &str = "idx_person_school_id";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        index(manager, Person::Table, NAME, [Person::SchoolId]).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_index(Index::drop().name(NAME).table(Person::Table).to_owned()).await
    }
}
