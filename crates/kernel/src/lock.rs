use sea_orm::sea_query::{Alias, OnConflict, Query};
use sea_orm::{ConnectionTrait, DbBackend, DbErr};

/// Serialises work on one key (e.g. one teacher's learning time) across transactions and
/// server instances: takes a row lock in `key_lock` that is held until the transaction ends.
/// Call it inside a [`crate::begin_write`] transaction: SQLite already runs those one at a
/// time, so there it costs nothing; on PostgreSQL one upsert creates or locks the key's row and
/// concurrent holders wait.
pub async fn lock_key(txn: &impl ConnectionTrait, scope: &str, key: i64) -> Result<(), DbErr> {
    if txn.get_database_backend() == DbBackend::Sqlite {
        return Ok(());
    }
    let key_column = Alias::new("key");
    let upsert = Query::insert()
        .into_table(Alias::new("key_lock"))
        .columns([Alias::new("scope"), key_column.clone()])
        .values_panic([scope.into(), key.into()])
        .on_conflict(
            OnConflict::columns([Alias::new("scope"), key_column.clone()])
                .update_column(key_column)
                .to_owned(),
        )
        .to_owned();
    txn.execute(&upsert).await?;
    Ok(())
}
