use std::collections::BTreeMap;

use chrono::NaiveDate;
use kernel::{Actor, Permission, Result};
use rust_decimal::Decimal;
use sea_orm::sea_query::{Alias, Expr, JoinType, Query, SelectStatement};
use sea_orm::{ColumnTrait, Condition, ConnectionTrait, ExprTrait};
use serde::Serialize;

use super::rule_sets::require_in_force;
use crate::domain::{TARGET_GROUP, Targets};
use crate::entity::certificate;

/// One unit's standing against the plan's targets.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UnitQualification {
    #[cfg_attr(feature = "openapi", schema(example = 2))]
    pub org_unit_id: i64,
    #[cfg_attr(feature = "openapi", schema(example = "恩施市"))]
    pub org_unit_name: String,
    #[cfg_attr(feature = "openapi", schema(example = 120))]
    pub teachers: u32,
    /// Holders of C or above.
    #[cfg_attr(feature = "openapi", schema(example = 90))]
    pub c_holders: u32,
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "0.75"))]
    pub c_share: Decimal,
    /// Teachers holding a target-group role (MH full/part-time, head teacher, leader, manager).
    #[cfg_attr(feature = "openapi", schema(example = 40))]
    pub target_group: u32,
    /// Target-group members holding B or above.
    #[cfg_attr(feature = "openapi", schema(example = 30))]
    pub b_holders_in_group: u32,
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "0.75"))]
    pub b_share: Decimal,
    #[cfg_attr(feature = "openapi", schema(example = 2))]
    pub a_holders: u32,
    /// Teachers who must still reach C for the unit to meet the C target.
    #[cfg_attr(feature = "openapi", schema(example = 6))]
    pub c_missing: u32,
    /// Target-group members who must still reach B for the unit to meet the B target.
    #[cfg_attr(feature = "openapi", schema(example = 6))]
    pub b_missing: u32,
    /// Below the C or the B target.
    pub behind: bool,
}

/// `GET /reports/qualification`.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct QualificationReport {
    pub as_of: NaiveDate,
    #[cfg_attr(feature = "openapi", schema(example = 1))]
    pub rule_set_version: i32,
    pub targets: Targets,
    /// The whole subtree.
    pub summary: UnitQualification,
    /// A holders still needed for the prefecture-wide target (counted over this subtree).
    #[cfg_attr(feature = "openapi", schema(example = 98))]
    pub a_missing: u32,
    /// Each child unit, furthest behind first.
    pub items: Vec<UnitQualification>,
}

/// Counts of one school, or of a unit summed from its schools.
#[derive(Default, Clone, Copy)]
struct Tally {
    teachers: u32,
    c_holders: u32,
    target_group: u32,
    b_holders_in_group: u32,
    a_holders: u32,
}

impl Tally {
    fn add(&mut self, other: Tally) {
        self.teachers += other.teachers;
        self.c_holders += other.c_holders;
        self.target_group += other.target_group;
        self.b_holders_in_group += other.b_holders_in_group;
        self.a_holders += other.a_holders;
    }

    fn into_row(self, org_unit_id: i64, org_unit_name: String, targets: &Targets) -> UnitQualification {
        let c_missing = shortfall(targets.c_share, self.teachers, self.c_holders);
        let b_missing = shortfall(targets.b_share, self.target_group, self.b_holders_in_group);
        UnitQualification {
            org_unit_id,
            org_unit_name,
            teachers: self.teachers,
            c_holders: self.c_holders,
            c_share: share(self.c_holders, self.teachers),
            target_group: self.target_group,
            b_holders_in_group: self.b_holders_in_group,
            b_share: share(self.b_holders_in_group, self.target_group),
            a_holders: self.a_holders,
            c_missing,
            b_missing,
            behind: c_missing > 0 || b_missing > 0,
        }
    }
}

fn share(part: u32, whole: u32) -> Decimal {
    if whole == 0 {
        Decimal::ZERO
    } else {
        (Decimal::from(part) / Decimal::from(whole)).round_dp(4).normalize()
    }
}

/// How many more holders `whole × target` (rounded up) asks for.
fn shortfall(target: Decimal, whole: u32, holders: u32) -> u32 {
    let needed = (target * Decimal::from(whole)).ceil();
    u32::try_from((needed - Decimal::from(holders)).max(Decimal::ZERO).mantissa()).unwrap_or(u32::MAX)
}

/// Each teacher's highest level valid on `as_of` (issued by then, not yet expired, not revoked
/// by then) as `teacher_id, lvl` with C = 1, B = 2, A = 3.
fn levels_held(as_of: NaiveDate) -> SelectStatement {
    Query::select()
        .column(certificate::Column::TeacherId)
        .expr_as(
            Expr::cust("MAX(CASE level WHEN 'c' THEN 1 WHEN 'b' THEN 2 WHEN 'a' THEN 3 ELSE 0 END)"),
            Alias::new("lvl"),
        )
        .from(certificate::Entity)
        .and_where(certificate::Column::IssuedOn.lte(as_of))
        .and_where(certificate::Column::ExpiresOn.gte(as_of))
        .cond_where(
            Condition::any()
                .add(certificate::Column::RevokedOn.is_null())
                .add(certificate::Column::RevokedOn.gt(as_of)),
        )
        .group_by_col(certificate::Column::TeacherId)
        .to_owned()
}

/// Per school of the subtree: its path and counts, in one grouped query over the directory's
/// roster joined to the levels held. Certificates follow the holder wherever they teach now.
async fn school_tallies(
    db: &impl ConnectionTrait,
    path: &str,
    as_of: NaiveDate,
) -> Result<Vec<(String, Tally)>> {
    let (r, h) = (Alias::new("r"), Alias::new("h"));
    let count = |sql: &str| Expr::cust(format!("CAST({sql} AS BIGINT)"));
    let query = Query::select()
        .expr_as(Expr::cust("MIN(r.org_path)"), Alias::new("org_path"))
        .expr_as(count("COUNT(*)"), Alias::new("teachers"))
        .expr_as(count("SUM(CASE WHEN h.lvl >= 1 THEN 1 ELSE 0 END)"), Alias::new("c_holders"))
        .expr_as(count("SUM(r.in_group)"), Alias::new("target_group"))
        .expr_as(
            count("SUM(CASE WHEN r.in_group = 1 AND h.lvl >= 2 THEN 1 ELSE 0 END)"),
            Alias::new("b_in_group"),
        )
        .expr_as(count("SUM(CASE WHEN h.lvl = 3 THEN 1 ELSE 0 END)"), Alias::new("a_holders"))
        .from_subquery(directory::roster_selection(path, &TARGET_GROUP), r.clone())
        .join_subquery(
            JoinType::LeftJoin,
            levels_held(as_of),
            h.clone(),
            Expr::col((h, Alias::new("teacher_id"))).equals((r.clone(), Alias::new("teacher_id"))),
        )
        .group_by_col((r, Alias::new("school_id")))
        .to_owned();
    let number = |row: &sea_orm::QueryResult, column: &str| -> Result<u32> {
        let value: i64 = row.try_get("", column)?;
        Ok(u32::try_from(value).unwrap_or(0))
    };
    db.query_all(&query)
        .await?
        .iter()
        .map(|row| {
            let tally = Tally {
                teachers: number(row, "teachers")?,
                c_holders: number(row, "c_holders")?,
                target_group: number(row, "target_group")?,
                b_holders_in_group: number(row, "b_in_group")?,
                a_holders: number(row, "a_holders")?,
            };
            Ok((row.try_get("", "org_path")?, tally))
        })
        .collect()
}

/// The subtree's and each child unit's standing against the targets of the rule set in force,
/// on `as_of`, units furthest behind first.
pub async fn qualification_report(
    db: &impl ConnectionTrait,
    actor: &Actor,
    org_unit: Option<i64>,
    as_of: NaiveDate,
) -> Result<QualificationReport> {
    let rules = require_in_force(db).await?;
    let path = directory::scope_path(db, actor, org_unit, Permission::ReadDirectory).await?;
    let unit_id: i64 =
        path.trim_end_matches('/').rsplit('/').next().and_then(|s| s.parse().ok()).unwrap_or(0);
    let mut summary = Tally::default();
    let mut children: BTreeMap<i64, Tally> = BTreeMap::new();
    for (school_path, tally) in school_tallies(db, &path, as_of).await? {
        summary.add(tally);
        let child = school_path
            .get(path.len()..)
            .and_then(|rest| rest.split('/').next())
            .and_then(|s| s.parse().ok());
        if let Some(child) = child {
            children.entry(child).or_default().add(tally);
        }
    }
    let ids: Vec<i64> = children.keys().copied().chain([unit_id]).collect();
    let names = directory::org_unit_names(db, &ids).await?;
    let name = |id: i64| names.get(&id).cloned().unwrap_or_default();
    let mut rows: Vec<UnitQualification> =
        children.into_iter().map(|(id, tally)| tally.into_row(id, name(id), &rules.targets)).collect();
    let behind_by = |row: &UnitQualification| {
        let c = (rules.targets.c_share - row.c_share).max(Decimal::ZERO);
        let b = if row.target_group == 0 {
            Decimal::ZERO
        } else {
            (rules.targets.b_share - row.b_share).max(Decimal::ZERO)
        };
        c + b
    };
    rows.sort_by(|x, y| behind_by(y).cmp(&behind_by(x)).then(x.org_unit_id.cmp(&y.org_unit_id)));
    let summary = summary.into_row(unit_id, name(unit_id), &rules.targets);
    Ok(QualificationReport {
        as_of,
        rule_set_version: rules.version,
        a_missing: rules.targets.a_count.saturating_sub(summary.a_holders),
        targets: rules.targets,
        summary,
        items: rows,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shortfall_rounds_the_target_up() {
        assert_eq!(shortfall(Decimal::new(8, 1), 10, 7), 1);
        assert_eq!(shortfall(Decimal::new(8, 1), 11, 8), 1);
        assert_eq!(shortfall(Decimal::new(9, 1), 0, 0), 0);
        assert_eq!(shortfall(Decimal::new(8, 1), 10, 9), 0);
    }
}
