//! How full an occasion is, and whether the caller is in: what a teacher's list shows beside
//! each session or event (余位 and 已报名), counted for a whole page in two queries.

use std::collections::HashMap;

use kernel::Result;
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, ExprTrait, QueryFilter, QuerySelect};
use serde::Serialize;

use crate::entity::attendance_registration;

/// Registrations against capacity, and the caller's own.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Seats {
    #[cfg_attr(feature = "openapi", schema(example = 37))]
    pub registered: u32,
    #[cfg_attr(feature = "openapi", schema(example = 13))]
    pub seats_left: u32,
    /// Whether the calling teacher is registered; none for staff.
    pub me_registered: Option<bool>,
}

/// The seats of each occasion (`(id, capacity)`) of one kind, for `teacher` when a teacher asks.
pub async fn seats(
    db: &impl ConnectionTrait,
    kind: &str,
    occasions: &[(i64, u32)],
    teacher: Option<i64>,
) -> Result<HashMap<i64, Seats>> {
    let ids: Vec<i64> = occasions.iter().map(|(id, _)| *id).collect();
    let counts: HashMap<i64, i64> = attendance_registration::Entity::find()
        .select_only()
        .column(attendance_registration::Column::OccasionId)
        .column_as(Expr::col(attendance_registration::Column::TeacherId).count(), "registered")
        .filter(attendance_registration::Column::OccasionKind.eq(kind))
        .filter(attendance_registration::Column::OccasionId.is_in(ids.clone()))
        .group_by(attendance_registration::Column::OccasionId)
        .into_tuple::<(i64, i64)>()
        .all(db)
        .await?
        .into_iter()
        .collect();
    let mine: Vec<i64> = match teacher {
        Some(teacher) => {
            attendance_registration::Entity::find()
                .select_only()
                .column(attendance_registration::Column::OccasionId)
                .filter(attendance_registration::Column::OccasionKind.eq(kind))
                .filter(attendance_registration::Column::TeacherId.eq(teacher))
                .filter(attendance_registration::Column::OccasionId.is_in(ids))
                .into_tuple::<i64>()
                .all(db)
                .await?
        }
        None => Vec::new(),
    };
    Ok(occasions
        .iter()
        .map(|&(id, capacity)| {
            let registered = u32::try_from(counts.get(&id).copied().unwrap_or(0)).unwrap_or(u32::MAX);
            let seats = Seats {
                registered,
                seats_left: capacity.saturating_sub(registered),
                me_registered: teacher.map(|_| mine.contains(&id)),
            };
            (id, seats)
        })
        .collect())
}

/// Sets the seats of every occasion of a page in place: `key` gives an item's id and capacity,
/// `set` stores its seats. The one way sessions and events fill theirs.
pub async fn fill_seats<T>(
    db: &impl ConnectionTrait,
    kind: &str,
    teacher: Option<i64>,
    items: &mut [T],
    key: impl Fn(&T) -> (i64, u32),
    set: impl Fn(&mut T, Seats),
) -> Result<()> {
    let occasions: Vec<(i64, u32)> = items.iter().map(&key).collect();
    let found = seats(db, kind, &occasions, teacher).await?;
    for item in items {
        if let Some(seats) = found.get(&key(item).0) {
            set(item, *seats);
        }
    }
    Ok(())
}
