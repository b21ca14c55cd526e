//! Queries shared by the directory services. Functions take `&impl ConnectionTrait` so they run
//! on the pool and inside a transaction alike.

use std::collections::HashMap;

use kernel::{Error, Result};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};

use crate::entity::{org_unit, person_role};

/// An org unit by id, or `NotFound`.
pub(crate) async fn org_unit(db: &impl ConnectionTrait, id: i64) -> Result<org_unit::Model> {
    org_unit::Entity::find_by_id(id).one(db).await?.ok_or(Error::NotFound)
}

/// The MH roles of each of `person_ids`, in a stable order.
pub(crate) async fn roles_of(
    db: &impl ConnectionTrait,
    person_ids: impl IntoIterator<Item = i64>,
) -> Result<HashMap<i64, Vec<String>>> {
    let ids: Vec<i64> = person_ids.into_iter().collect();
    let mut roles: HashMap<i64, Vec<String>> = HashMap::new();
    for chunk in ids.chunks(500) {
        let rows = person_role::Entity::find()
            .filter(person_role::Column::PersonId.is_in(chunk.iter().copied()))
            .order_by_asc(person_role::Column::Role)
            .all(db)
            .await?;
        for row in rows {
            roles.entry(row.person_id).or_default().push(row.role);
        }
    }
    Ok(roles)
}

/// A `LIKE` pattern matching `text` anywhere, with `%` and `_` escaped so a user's search
/// text matches literally on SQLite and PostgreSQL alike.
pub(crate) fn contains_pattern(text: &str) -> sea_orm::sea_query::LikeExpr {
    let escaped = text.trim().replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_");
    sea_orm::sea_query::LikeExpr::new(format!("%{escaped}%")).escape('\\')
}
