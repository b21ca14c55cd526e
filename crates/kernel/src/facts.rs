use sea_orm::sea_query::{Alias, Expr, ExprTrait, Query, SelectStatement};

/// The start of a fragment of a teacher's evidence that a domain contributes: rows of
/// (`fact`, `fact_key`, `amount`, `n`) with the same types on every database, so fragments of
/// several domains (roles, exam passes, practice) are one `UNION ALL` and one round trip.
/// The caller adds `FROM`, `WHERE` and `GROUP BY`.
pub fn fact_row(fact: &'static str, key: Expr, amount: Expr, n: Expr) -> SelectStatement {
    Query::select()
        .expr_as(Expr::val(fact), Alias::new("fact"))
        .expr_as(key.cast_as(Alias::new("TEXT")), Alias::new("fact_key"))
        .expr_as(amount.cast_as(Alias::new("BIGINT")), Alias::new("amount"))
        .expr_as(n.cast_as(Alias::new("BIGINT")), Alias::new("n"))
        .to_owned()
}
