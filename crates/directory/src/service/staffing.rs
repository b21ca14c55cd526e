use std::collections::{BTreeMap, HashMap};

use kernel::{Actor, Permission, Result, Scope};
use sea_orm::sea_query::{Alias, Expr, Query};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, ExprTrait, QueryFilter, QueryOrder,
};
use serde::Serialize;

use crate::domain::{MhRole, required_fulltime};
use crate::entity::{org_unit, person, person_role};
use crate::repo;

/// One school's full-time MH staffing against the plan's ratio.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StaffingRow {
    #[cfg_attr(feature = "openapi", schema(example = 12))]
    pub school_id: i64,
    #[cfg_attr(feature = "openapi", schema(example = "恩施市第一中学"))]
    pub school_name: String,
    #[cfg_attr(feature = "openapi", schema(example = 2500))]
    pub student_count: u32,
    /// ceil(max(students, 1000) / 1000).
    #[cfg_attr(feature = "openapi", schema(example = 3))]
    pub required_fulltime: u32,
    #[cfg_attr(feature = "openapi", schema(example = 1))]
    pub actual_fulltime: u32,
    /// Teachers still missing (0 when the school meets the ratio).
    #[cfg_attr(feature = "openapi", schema(example = 2))]
    pub gap: u32,
}

/// Sums over the schools of one county, or of the whole requested subtree.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StaffingTotals {
    #[cfg_attr(feature = "openapi", schema(example = 2))]
    pub org_unit_id: i64,
    #[cfg_attr(feature = "openapi", schema(example = "恩施市"))]
    pub org_unit_name: String,
    #[cfg_attr(feature = "openapi", schema(example = 6))]
    pub schools: u32,
    #[cfg_attr(feature = "openapi", schema(example = 2))]
    pub schools_short: u32,
    #[cfg_attr(feature = "openapi", schema(example = 9800))]
    pub student_count: u32,
    #[cfg_attr(feature = "openapi", schema(example = 12))]
    pub required_fulltime: u32,
    #[cfg_attr(feature = "openapi", schema(example = 9))]
    pub actual_fulltime: u32,
    /// Sum of the schools' gaps: a surplus at one school does not fill another's shortage.
    #[cfg_attr(feature = "openapi", schema(example = 3))]
    pub gap: u32,
}

impl StaffingTotals {
    fn add(&mut self, row: &StaffingRow) {
        self.schools += 1;
        self.schools_short += u32::from(row.gap > 0);
        self.student_count += row.student_count;
        self.required_fulltime += row.required_fulltime;
        self.actual_fulltime += row.actual_fulltime;
        self.gap += row.gap;
    }
}

/// `GET /reports/staffing`: every school of a subtree, then totals per county and overall.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StaffingReport {
    /// The whole requested subtree.
    pub summary: StaffingTotals,
    /// Every school, in the org tree's order.
    pub items: Vec<StaffingRow>,
    /// Each county's sums.
    pub counties: Vec<StaffingTotals>,
}

/// The staffing ratio report for `org_unit` (default: the caller's own scope).
pub async fn staffing_report(
    db: &DatabaseConnection,
    actor: &Actor,
    org_unit: Option<i64>,
) -> Result<StaffingReport> {
    actor.require(Permission::ReadDirectory)?;
    let unit_id = match (org_unit, &actor.scope) {
        (Some(id), _) => id,
        (None, Scope::Subtree { org_unit_id, .. }) => *org_unit_id,
        (None, Scope::Person { .. }) => return Err(kernel::Error::Forbidden),
    };
    let unit = repo::org_unit(db, unit_id).await?;
    actor.authorize(Permission::ReadDirectory, &unit.path)?;

    let schools = org_unit::Entity::find()
        .filter(org_unit::Column::Kind.eq("school"))
        .filter(org_unit::Column::Path.starts_with(&unit.path))
        .order_by_asc(org_unit::Column::Path)
        .all(db)
        .await?;
    let actual = fulltime_per_school(db, &unit.path).await?;
    let counties: HashMap<i64, String> = org_unit::Entity::find()
        .filter(org_unit::Column::Kind.eq("county"))
        .all(db)
        .await?
        .into_iter()
        .map(|c| (c.id, c.name))
        .collect();

    let mut total = StaffingTotals { org_unit_id: unit.id, org_unit_name: unit.name, ..Default::default() };
    let mut per_county: BTreeMap<i64, StaffingTotals> = BTreeMap::new();
    let mut rows = Vec::with_capacity(schools.len());
    for school in schools {
        let students = school.student_count.and_then(|n| u32::try_from(n).ok()).unwrap_or(0);
        let required = required_fulltime(students);
        let actual = actual.get(&school.id).copied().unwrap_or(0);
        let row = StaffingRow {
            school_id: school.id,
            school_name: school.name,
            student_count: students,
            required_fulltime: required,
            actual_fulltime: actual,
            gap: required.saturating_sub(actual),
        };
        total.add(&row);
        if let Some(county_id) = school.parent_id {
            per_county
                .entry(county_id)
                .or_insert_with(|| StaffingTotals {
                    org_unit_id: county_id,
                    org_unit_name: counties.get(&county_id).cloned().unwrap_or_default(),
                    ..Default::default()
                })
                .add(&row);
        }
        rows.push(row);
    }
    Ok(StaffingReport { summary: total, items: rows, counties: per_county.into_values().collect() })
}

/// Number of full-time MH teachers per school in a subtree, in one grouped query.
async fn fulltime_per_school(db: &impl ConnectionTrait, path: &str) -> Result<HashMap<i64, u32>> {
    let query = Query::select()
        .column((person::Entity, person::Column::SchoolId))
        .expr_as(Expr::col((person::Entity, person::Column::Id)).count(), Alias::new("fulltime"))
        .from(person::Entity)
        .inner_join(
            person_role::Entity,
            Expr::col((person_role::Entity, person_role::Column::PersonId))
                .equals((person::Entity, person::Column::Id)),
        )
        .and_where(
            Expr::col((person_role::Entity, person_role::Column::Role)).eq(MhRole::MhFulltime.as_str()),
        )
        .and_where(Expr::col((person::Entity, person::Column::OrgPath)).like(format!("{path}%")))
        .group_by_col((person::Entity, person::Column::SchoolId))
        .to_owned();
    let mut counts = HashMap::new();
    for row in db.query_all(&query).await? {
        let school_id: i64 = row.try_get("", "school_id")?;
        let count: i64 = row.try_get("", "fulltime")?;
        counts.insert(school_id, u32::try_from(count).unwrap_or(u32::MAX));
    }
    Ok(counts)
}
