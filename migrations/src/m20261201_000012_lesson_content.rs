use sea_orm_migration::{prelude::*, schema::*};

/// What a lesson plays: a video's address, or the text of a text/document lesson.
#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Lesson {
    Table,
    MediaUrl,
    Content,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter().table(Lesson::Table).add_column(string_null(Lesson::MediaUrl)).to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter().table(Lesson::Table).add_column(text_null(Lesson::Content)).to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(Table::alter().table(Lesson::Table).drop_column(Lesson::Content).to_owned())
            .await?;
        manager
            .alter_table(Table::alter().table(Lesson::Table).drop_column(Lesson::MediaUrl).to_owned())
            .await
    }
}
