//! Index helpers shared by the migrations.

use sea_orm_migration::prelude::*;

/// Creates a plain index over `columns`.
pub async fn index<T: IntoIden + 'static, C: IntoIden + 'static, const N: usize>(
    manager: &SchemaManager<'_>,
    table: T,
    name: &str,
    columns: [C; N],
) -> Result<(), DbErr> {
    create(manager, Index::create().name(name).table(table).to_owned(), columns).await
}

/// Creates a unique index over `columns`.
pub async fn unique<T: IntoIden + 'static, C: IntoIden + 'static, const N: usize>(
    manager: &SchemaManager<'_>,
    table: T,
    name: &str,
    columns: [C; N],
) -> Result<(), DbErr> {
    create(manager, Index::create().name(name).table(table).unique().to_owned(), columns).await
}

async fn create<C: IntoIden + 'static, const N: usize>(
    manager: &SchemaManager<'_>,
    mut statement: IndexCreateStatement,
    columns: [C; N],
) -> Result<(), DbErr> {
    for column in columns {
        statement.col(column);
    }
    manager.create_index(statement).await
}
