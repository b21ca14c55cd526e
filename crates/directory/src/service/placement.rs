//! Where teachers work, told to whoever keeps figures by school and county (the ledger's kept
//! totals) inside the transaction that adds or moves the teachers. The directory cannot name
//! credit, which reads the directory, so whoever adds or moves teachers passes the listener
//! ([`Placed`]) in: `credit::teachers_placed`, as the server's pipeline and the seed do.

use futures_util::future::BoxFuture;
use kernel::{AnyConnection, Result};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};

use crate::entity::{org_unit, person};

/// A teacher's school and the county above it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Placement {
    pub teacher_id: i64,
    pub school_id: i64,
    pub county_id: Option<i64>,
}

/// Called with the teachers just added or moved, in the same transaction.
pub type Placed = for<'a> fn(AnyConnection<'a>, &'a [Placement]) -> BoxFuture<'a, Result<()>>;

/// Tells `listener` where these teachers now work, in `txn`.
pub(crate) async fn tell(
    txn: &impl ConnectionTrait,
    listener: Placed,
    placements: &[Placement],
) -> Result<()> {
    if placements.is_empty() {
        return Ok(());
    }
    listener(AnyConnection(txn), placements).await
}

/// Where these teachers work now (those that exist), a thousand per query.
pub async fn placements(db: &impl ConnectionTrait, teacher_ids: &[i64]) -> Result<Vec<Placement>> {
    let mut found = Vec::with_capacity(teacher_ids.len());
    for chunk in teacher_ids.chunks(1000) {
        let people =
            person::Entity::find().filter(person::Column::Id.is_in(chunk.iter().copied())).all(db).await?;
        let schools: std::collections::HashMap<i64, Option<i64>> = org_unit::Entity::find()
            .filter(org_unit::Column::Id.is_in(people.iter().map(|p| p.school_id)))
            .all(db)
            .await?
            .into_iter()
            .map(|u| (u.id, u.parent_id))
            .collect();
        found.extend(people.iter().map(|p| Placement {
            teacher_id: p.id,
            school_id: p.school_id,
            county_id: schools.get(&p.school_id).copied().flatten(),
        }));
    }
    Ok(found)
}
