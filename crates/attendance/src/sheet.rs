//! The attendance sheet of an occasion — who registered, their scans, marks, minutes present
//! and the hours credited, with the names a trainer reads — the same for sessions and
//! research events, so both print and export the one sheet.

use kernel::{Actor, Result};
use rust_decimal::Decimal;
use sea_orm::DatabaseConnection;
use serde::Serialize;

use crate::flow::{Owner, Standing, roster_of};
use crate::service::Attendance;

/// One teacher's line on an attendance sheet.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SheetLine {
    #[serde(flatten)]
    pub attendance: Attendance,
    #[cfg_attr(feature = "openapi", schema(example = "ES00101"))]
    pub employee_no: String,
    #[cfg_attr(feature = "openapi", schema(example = "李明"))]
    pub name: String,
    #[cfg_attr(feature = "openapi", schema(example = "恩施市第一中学"))]
    pub school_name: String,
    /// Hours posted to the ledger for this occasion (once it is closed).
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "3"))]
    pub hours_credited: Decimal,
}

/// The occasion `id` (for whoever runs it) and its sheet, in roster order.
pub async fn sheet_of<O: Owner>(
    db: &DatabaseConnection,
    owner: &O,
    actor: &Actor,
    id: i64,
) -> Result<(O::Row, Vec<SheetLine>)> {
    let (row, roster) = roster_of(db, owner, actor, id).await?;
    let held = owner.held(&row)?;
    let ids: Vec<i64> = roster.iter().map(|a| a.teacher_id).collect();
    let teachers = directory::teachers_by_ids(db, &ids).await?;
    let closed = held.standing == Standing::Closed;
    let lines = roster
        .into_iter()
        .map(|attendance| {
            let teacher = teachers.iter().find(|t| t.id == attendance.teacher_id);
            let credited = closed && attendance.attended;
            SheetLine {
                employee_no: teacher.map(|t| t.employee_no.clone()).unwrap_or_default(),
                name: teacher.map(|t| t.name.clone()).unwrap_or_default(),
                school_name: teacher.map(|t| t.school_name.clone()).unwrap_or_default(),
                hours_credited: if credited { kernel::from_tenths(held.hours_tenths) } else { Decimal::ZERO },
                attendance,
            }
        })
        .collect();
    Ok((row, lines))
}
