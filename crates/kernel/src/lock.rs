use sea_orm::sea_query::{Alias, Expr, OnConflict, Query};
use sea_orm::{ConnectionTrait, DbErr, ExprTrait};

/// Serialises work on one key (e.g. one teacher's learning time) across transactions and
/// server instances: takes a row lock in `key_lock` that is held until the transaction ends.
/// SQLite write transactions are serialised anyway; on PostgreSQL concurrent holders wait.
pub async fn lock_key(txn: &impl ConnectionTrait, scope: &str, key: i64) -> Result<(), DbErr> {
    let table = Alias::new("key_lock");
    let insert = Query::insert()
        .into_table(table.clone())
        .columns([Alias::new("scope"), Alias::new("key")])
        .values_panic([scope.into(), key.into()])
        .on_conflict(OnConflict::columns([Alias::new("scope"), Alias::new("key")]).do_nothing().to_owned())
        .to_owned();
    txn.execute(&insert).await?;
    let touch = Query::update()
        .table(table)
        .value(Alias::new("key"), Expr::col(Alias::new("key")))
        .and_where(Expr::col(Alias::new("scope")).eq(scope))
        .and_where(Expr::col(Alias::new("key")).eq(key))
        .to_owned();
    txn.execute(&touch).await?;
    Ok(())
}
