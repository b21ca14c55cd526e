//! Reading several models from one joined row.

use sea_orm::sea_query::{Alias, Expr, SelectStatement};
use sea_orm::{EntityTrait, FromQueryResult, IdenStatic, Iterable, QueryResult};

use crate::Result;

/// Selects every column of `entity` under `prefix`, so one joined row is read back as several
/// models with `FromQueryResult::from_query_result(&row, prefix)`: a request's reads become one
/// statement instead of one per table.
pub fn select_prefixed<E: EntityTrait>(query: &mut SelectStatement, entity: E, prefix: &str) {
    for column in E::Column::iter() {
        query.expr_as(Expr::col((entity, column)), Alias::new(format!("{prefix}{}", column.as_str())));
    }
}

/// The model selected under `prefix` by [`select_prefixed`] from a row where its table was
/// left-joined: `None` when the join found no row (its `{prefix}id` is NULL).
pub fn left_joined<M: FromQueryResult>(row: &QueryResult, prefix: &str) -> Result<Option<M>> {
    match row.try_get::<Option<i64>>("", &format!("{prefix}id"))? {
        Some(_) => Ok(Some(M::from_query_result(row, prefix)?)),
        None => Ok(None),
    }
}
