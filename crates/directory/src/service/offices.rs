//! Plan item 6: the teaching-research office (教研机构) of the prefecture and of every county
//! must have an MH research officer (心理健康教育教研员). An office is part of its unit's
//! education bureau — one per prefecture or county, without schools or students of its own — so
//! it is that org unit, not a node of its own (a node would shift every depth rule: event
//! levels, the county a path lies in, the qualification roster). Being its officer is a role a
//! teacher holds at that unit: an appointment, audited like the directory's other staff actions.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};
use kernel::{Actor, Error, FieldError, Page, PageRequest, Permission, Result, Text};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, ModelTrait, QueryFilter,
    QueryOrder, Set,
};
use serde::{Deserialize, Serialize};

use super::audit::record_audit as audit;
use super::teachers::{scope_path, teachers_by_ids};
use crate::domain::OrgKind;
use crate::entity::{org_unit, person, research_officer};
use crate::repo;

/// An MH research officer of an office.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ResearchOfficer {
    /// The prefecture or county whose office it is.
    #[cfg_attr(feature = "openapi", schema(example = 2))]
    pub org_unit_id: i64,
    #[cfg_attr(feature = "openapi", schema(example = "恩施市"))]
    pub org_unit_name: String,
    #[cfg_attr(feature = "openapi", schema(example = 101))]
    pub teacher_id: i64,
    #[cfg_attr(feature = "openapi", schema(example = "李明"))]
    pub teacher_name: String,
    #[cfg_attr(feature = "openapi", schema(example = "ES00101"))]
    pub employee_no: String,
    pub appointed_on: NaiveDate,
}

/// Body of `POST /org-units/{id}/research-officers`.
#[derive(Debug, Clone, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewResearchOfficer {
    /// A teacher of the unit's subtree.
    #[cfg_attr(feature = "openapi", schema(example = 101))]
    pub teacher_id: i64,
    /// Not in the future (China time).
    pub appointed_on: NaiveDate,
}

/// The prefecture or county `id` if the caller manages it.
async fn office(db: &impl ConnectionTrait, actor: &Actor, id: i64) -> Result<org_unit::Model> {
    actor.require(Permission::ManageDirectory)?;
    let unit = repo::org_unit(db, id).await?;
    actor.authorize(Permission::ManageDirectory, &unit.path)?;
    if unit.kind == OrgKind::School.as_str() {
        return Err(Error::conflict(
            "not_a_research_office",
            Text::fixed(
                "只有州和县市设教研机构配备心理教研员",
                "only the prefecture and counties have research offices",
            ),
        ));
    }
    Ok(unit)
}

/// Officers of these appointments, with their names and their offices' names.
async fn views(
    db: &impl ConnectionTrait,
    rows: Vec<research_officer::Model>,
) -> Result<Vec<ResearchOfficer>> {
    let people: Vec<i64> = rows.iter().map(|r| r.person_id).collect();
    let teachers: HashMap<i64, (String, String)> =
        teachers_by_ids(db, &people).await?.into_iter().map(|t| (t.id, (t.name, t.employee_no))).collect();
    let units: Vec<i64> = rows.iter().map(|r| r.org_unit_id).collect();
    let names = super::org_units::org_unit_names(db, &units).await?;
    Ok(rows
        .into_iter()
        .map(|r| {
            let (teacher_name, employee_no) = teachers.get(&r.person_id).cloned().unwrap_or_default();
            ResearchOfficer {
                org_unit_name: names.get(&r.org_unit_id).cloned().unwrap_or_default(),
                org_unit_id: r.org_unit_id,
                teacher_id: r.person_id,
                teacher_name,
                employee_no,
                appointed_on: r.appointed_on,
            }
        })
        .collect())
}

/// Appoints a teacher of the unit's subtree MH research officer of the prefecture's or a
/// county's office (audited).
pub async fn appoint_research_officer(
    db: &DatabaseConnection,
    now: DateTime<Utc>,
    actor: &Actor,
    unit_id: i64,
    input: NewResearchOfficer,
) -> Result<ResearchOfficer> {
    let unit = office(db, actor, unit_id).await?;
    let mut errors = Vec::new();
    let teacher = person::Entity::find_by_id(input.teacher_id).one(db).await?;
    let teacher = teacher.filter(|t| t.org_path.starts_with(&unit.path));
    if teacher.is_none() {
        errors.push(FieldError::new(
            "teacher_id",
            "unknown_teacher",
            Text::fixed("教师不存在或不在该单位范围内", "no such teacher under this unit"),
        ));
    }
    if let Err(error) = kernel::not_in_future("appointed_on", input.appointed_on, now) {
        errors.push(error);
    }
    let Some(teacher) = teacher.filter(|_| errors.is_empty()) else { return Err(Error::Invalid(errors)) };
    let detail = format!("任命 {}（{}）为{}心理健康教育教研员", teacher.name, teacher.employee_no, unit.name);
    let txn = kernel::begin_write(db).await?;
    let saved = research_officer::ActiveModel {
        org_unit_id: Set(unit.id),
        person_id: Set(teacher.id),
        org_path: Set(unit.path),
        appointed_on: Set(input.appointed_on),
        appointed_by: Set(actor.account_id),
        created_at: Set(now),
    }
    .insert(&txn)
    .await
    .map_err(Error::on_unique(
        "already_appointed",
        Text::fixed("该教师已是该单位的教研员", "the teacher is already this office's officer"),
    ))?;
    audit(&txn, actor, Some(teacher.id), "research_officer_appointed", &detail, now).await?;
    txn.commit().await?;
    Ok(views(db, vec![saved]).await?.remove(0))
}

/// Ends an appointment (audited).
pub async fn remove_research_officer(
    db: &DatabaseConnection,
    now: DateTime<Utc>,
    actor: &Actor,
    unit_id: i64,
    teacher_id: i64,
) -> Result<()> {
    let unit = office(db, actor, unit_id).await?;
    let found =
        research_officer::Entity::find_by_id((unit.id, teacher_id)).one(db).await?.ok_or(Error::NotFound)?;
    let detail = format!("免去{}心理健康教育教研员（教师 {teacher_id}）", unit.name);
    let txn = kernel::begin_write(db).await?;
    found.delete(&txn).await?;
    audit(&txn, actor, Some(teacher_id), "research_officer_removed", &detail, now).await?;
    txn.commit().await?;
    Ok(())
}

/// The officers of the offices at or under a unit of the caller's subtree, by office.
pub async fn list_research_officers(
    db: &DatabaseConnection,
    actor: &Actor,
    org_unit: Option<i64>,
    page: PageRequest,
) -> Result<Page<ResearchOfficer>> {
    let path = scope_path(db, actor, org_unit, Permission::ReadDirectory).await?;
    let page = kernel::fetch_page(db, appointments_under(&path), page).await?;
    let items = views(db, page.items).await?;
    Ok(Page { items, total: page.total, page: page.page, per_page: page.per_page })
}

fn appointments_under(path: &str) -> sea_orm::Select<research_officer::Entity> {
    research_officer::Entity::find()
        .filter(research_officer::Column::OrgPath.starts_with(path))
        .order_by_asc(research_officer::Column::OrgUnitId)
        .order_by_asc(research_officer::Column::AppointedOn)
        .order_by_asc(research_officer::Column::PersonId)
}

/// Appointments to offices at or under an already-authorised path.
pub(crate) async fn officers_under(
    db: &impl ConnectionTrait,
    path: &str,
) -> Result<Vec<research_officer::Model>> {
    Ok(appointments_under(path).all(db).await?)
}
