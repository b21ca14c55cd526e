//! Reading several models from one joined row.

use sea_orm::sea_query::{Alias, Expr, SelectStatement};
use sea_orm::{EntityTrait, IdenStatic, Iterable};

/// Selects every column of `entity` under `prefix`, so one joined row is read back as several
/// models with `FromQueryResult::from_query_result(&row, prefix)`: a request's reads become one
/// statement instead of one per table.
pub fn select_prefixed<E: EntityTrait>(query: &mut SelectStatement, entity: E, prefix: &str) {
    for column in E::Column::iter() {
        query.expr_as(Expr::col((entity, column)), Alias::new(format!("{prefix}{}", column.as_str())));
    }
}
