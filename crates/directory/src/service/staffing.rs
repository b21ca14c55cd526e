use std::collections::{BTreeMap, HashMap};

use kernel::{Actor, Permission, Result, Scope};
use sea_orm::sea_query::{Alias, Expr, Query};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, ExprTrait, QueryFilter, QueryOrder,
};
use serde::Serialize;

use crate::domain::{MhRole, OrgKind, required_fulltime};
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
    /// Full-time MH teachers who also teach another subject (they should not).
    #[cfg_attr(feature = "openapi", schema(example = 0))]
    pub fulltime_teaching_other_subject: u32,
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
    #[cfg_attr(feature = "openapi", schema(example = 1))]
    pub fulltime_teaching_other_subject: u32,
    /// MH research officers of the teaching-research offices at or under the unit (the
    /// prefecture's and each county's).
    #[cfg_attr(feature = "openapi", schema(example = 1))]
    pub research_officers: u32,
    /// Of those offices, how many have no officer.
    #[cfg_attr(feature = "openapi", schema(example = 0))]
    pub offices_lacking_officer: u32,
}

impl StaffingTotals {
    fn add(&mut self, row: &StaffingRow) {
        self.schools += 1;
        self.schools_short += u32::from(row.gap > 0);
        self.student_count += row.student_count;
        self.required_fulltime += row.required_fulltime;
        self.actual_fulltime += row.actual_fulltime;
        self.gap += row.gap;
        self.fulltime_teaching_other_subject += row.fulltime_teaching_other_subject;
    }

    fn add_office(&mut self, office: &OfficeStaffing) {
        self.research_officers += u32::try_from(office.officers.len()).unwrap_or(u32::MAX);
        self.offices_lacking_officer += u32::from(office.officers.is_empty());
    }
}

/// The teaching-research office of the prefecture or of a county, and its MH research officers.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OfficeStaffing {
    #[cfg_attr(feature = "openapi", schema(example = 2))]
    pub org_unit_id: i64,
    #[cfg_attr(feature = "openapi", schema(example = "恩施市"))]
    pub org_unit_name: String,
    pub kind: crate::domain::OrgKind,
    /// Their names; empty is the gap the plan forbids.
    #[cfg_attr(feature = "openapi", schema(example = json!(["李明"])))]
    pub officers: Vec<String>,
}

/// A full-time MH teacher who also teaches another subject.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OtherSubjectTeacher {
    #[cfg_attr(feature = "openapi", schema(example = 101))]
    pub teacher_id: i64,
    #[cfg_attr(feature = "openapi", schema(example = "李明"))]
    pub name: String,
    #[cfg_attr(feature = "openapi", schema(example = "ES00101"))]
    pub employee_no: String,
    #[cfg_attr(feature = "openapi", schema(example = 12))]
    pub school_id: i64,
    #[cfg_attr(feature = "openapi", schema(example = "恩施市第一中学"))]
    pub school_name: String,
    #[cfg_attr(feature = "openapi", schema(example = "语文"))]
    pub other_subject: String,
}

/// `GET /reports/staffing`: every school of a subtree, then totals per county and overall,
/// the research offices and their officers, and full-time MH teachers teaching another subject.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StaffingReport {
    /// The whole requested subtree.
    pub summary: StaffingTotals,
    /// Every school, in the org tree's order.
    pub items: Vec<StaffingRow>,
    /// Each county's sums.
    pub counties: Vec<StaffingTotals>,
    /// The teaching-research offices at or under the unit (the prefecture's first, then each
    /// county's), with their officers: an office without one is a gap.
    pub offices: Vec<OfficeStaffing>,
    /// Full-time MH teachers who also teach another subject, school by school.
    pub teaching_other_subject: Vec<OtherSubjectTeacher>,
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
    let teaching_other_subject = fulltime_teaching_other_subject(db, &unit.path).await?;
    let mut other_per_school: HashMap<i64, u32> = HashMap::new();
    for teacher in &teaching_other_subject {
        *other_per_school.entry(teacher.school_id).or_default() += 1;
    }
    let offices = offices_under(db, &unit.path).await?;
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
            fulltime_teaching_other_subject: other_per_school.get(&school.id).copied().unwrap_or(0),
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
    for office in &offices {
        total.add_office(office);
        if let Some(county) = per_county.get_mut(&office.org_unit_id) {
            county.add_office(office);
        }
    }
    Ok(StaffingReport {
        summary: total,
        items: rows,
        counties: per_county.into_values().collect(),
        offices,
        teaching_other_subject,
    })
}

/// The prefecture's and counties' offices at or under `path`, with their officers' names.
async fn offices_under(db: &impl ConnectionTrait, path: &str) -> Result<Vec<OfficeStaffing>> {
    let units = org_unit::Entity::find()
        .filter(org_unit::Column::Kind.ne(OrgKind::School.as_str()))
        .filter(org_unit::Column::Path.starts_with(path))
        .order_by_asc(org_unit::Column::Path)
        .all(db)
        .await?;
    let appointed = super::offices::officers_under(db, path).await?;
    let ids: Vec<i64> = appointed.iter().map(|a| a.person_id).collect();
    let names: HashMap<i64, String> = person::Entity::find()
        .filter(person::Column::Id.is_in(ids))
        .all(db)
        .await?
        .into_iter()
        .map(|p| (p.id, p.name))
        .collect();
    units
        .into_iter()
        .map(|u| {
            Ok(OfficeStaffing {
                officers: appointed
                    .iter()
                    .filter(|a| a.org_unit_id == u.id)
                    .filter_map(|a| names.get(&a.person_id).cloned())
                    .collect(),
                kind: OrgKind::read(&u.kind)?,
                org_unit_id: u.id,
                org_unit_name: u.name,
            })
        })
        .collect()
}

/// Full-time MH teachers under `path` with another subject on record, by school and name.
async fn fulltime_teaching_other_subject(
    db: &impl ConnectionTrait,
    path: &str,
) -> Result<Vec<OtherSubjectTeacher>> {
    let fulltime = Query::select()
        .column(person_role::Column::PersonId)
        .from(person_role::Entity)
        .and_where(Expr::col(person_role::Column::Role).eq(MhRole::MhFulltime.as_str()))
        .to_owned();
    let people = person::Entity::find()
        .filter(person::Column::OrgPath.starts_with(path))
        .filter(person::Column::OtherSubject.is_not_null())
        .filter(person::Column::OtherSubject.ne(""))
        .filter(person::Column::Id.in_subquery(fulltime))
        .order_by_asc(person::Column::SchoolId)
        .order_by_asc(person::Column::EmployeeNo)
        .all(db)
        .await?;
    let schools: Vec<i64> = people.iter().map(|p| p.school_id).collect();
    let school_names = super::org_units::org_unit_names(db, &schools).await?;
    Ok(people
        .into_iter()
        .map(|p| OtherSubjectTeacher {
            school_name: school_names.get(&p.school_id).cloned().unwrap_or_default(),
            teacher_id: p.id,
            name: p.name,
            employee_no: p.employee_no,
            school_id: p.school_id,
            other_subject: p.other_subject.unwrap_or_default(),
        })
        .collect())
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
