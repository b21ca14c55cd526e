use std::collections::{BTreeMap, HashMap};

use chrono::NaiveDate;
use directory::RosterTeacher;
use kernel::{Actor, Level, Permission, Result};
use rust_decimal::Decimal;
use sea_orm::{ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect};
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
    pub rows: Vec<UnitQualification>,
}

#[derive(Default)]
struct Tally {
    teachers: u32,
    c_holders: u32,
    target_group: u32,
    b_holders_in_group: u32,
    a_holders: u32,
}

impl Tally {
    fn add(&mut self, teacher: &RosterTeacher, held: Option<Level>) {
        let in_group = teacher.roles.iter().any(|r| TARGET_GROUP.contains(r));
        self.teachers += 1;
        self.c_holders += u32::from(held.is_some());
        self.target_group += u32::from(in_group);
        self.b_holders_in_group += u32::from(in_group && held >= Some(Level::B));
        self.a_holders += u32::from(held == Some(Level::A));
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

/// The highest level each teacher holds on `as_of`: issued by then, not yet expired, not
/// revoked by then.
async fn levels_held(db: &impl ConnectionTrait, path: &str, as_of: NaiveDate) -> Result<HashMap<i64, Level>> {
    let rows: Vec<(i64, String)> = certificate::Entity::find()
        .select_only()
        .column(certificate::Column::TeacherId)
        .column(certificate::Column::Level)
        .filter(certificate::Column::OrgPath.starts_with(path))
        .filter(certificate::Column::IssuedOn.lte(as_of))
        .filter(certificate::Column::ExpiresOn.gte(as_of))
        .filter(
            Condition::any()
                .add(certificate::Column::RevokedOn.is_null())
                .add(certificate::Column::RevokedOn.gt(as_of)),
        )
        .into_tuple()
        .all(db)
        .await?;
    let mut held: HashMap<i64, Level> = HashMap::new();
    for (teacher, level) in rows {
        if let Some(level) = Level::parse(&level) {
            let best = held.entry(teacher).or_insert(level);
            *best = (*best).max(level);
        }
    }
    Ok(held)
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
    let teachers = directory::teachers_with_roles(db, &path).await?;
    // Certificates follow the holder's school at issue; a teacher who moved is still counted
    // where they teach now, so look across the whole tree for their certificates.
    let held = levels_held(db, "/", as_of).await?;
    let mut summary = Tally::default();
    let mut children: BTreeMap<i64, Tally> = BTreeMap::new();
    for teacher in &teachers {
        let level = held.get(&teacher.id).copied();
        summary.add(teacher, level);
        let child = teacher.org_path[path.len()..].split('/').next().and_then(|s| s.parse::<i64>().ok());
        if let Some(child) = child {
            children.entry(child).or_default().add(teacher, level);
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
        rows,
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
