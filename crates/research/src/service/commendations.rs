//! The periodic commendation list (通报表扬先进个人, plan item 8): an admin draws up a list for
//! a period — teachers named by hand with what they are praised for, and/or every teacher who
//! was granted a recognised title in the period — and it is read and exported as issued.

use std::collections::{BTreeMap, HashMap, HashSet};

use chrono::{DateTime, NaiveDate, Utc};
use kernel::{Actor, Bound, Error, FieldError, Page, PageRequest, Permission, Result, Text, Violations};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, ExprTrait, QueryFilter,
    QueryOrder, QuerySelect, Set,
};
use serde::{Deserialize, Serialize};

use crate::domain::TitleKind;
use crate::entity::{commendation, commendation_entry, recognised_title};

/// One teacher on a list.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CommendationEntry {
    /// 1, 2, … in the list's order.
    #[cfg_attr(feature = "openapi", schema(example = 1))]
    pub position: u32,
    #[cfg_attr(feature = "openapi", schema(example = 101))]
    pub teacher_id: i64,
    #[cfg_attr(feature = "openapi", schema(example = "李明"))]
    pub teacher_name: String,
    #[cfg_attr(feature = "openapi", schema(example = "ES00101"))]
    pub employee_no: String,
    #[cfg_attr(feature = "openapi", schema(example = "恩施市第一中学"))]
    pub school_name: String,
    #[cfg_attr(feature = "openapi", schema(example = "恩施市"))]
    pub county_name: String,
    #[cfg_attr(feature = "openapi", schema(example = "2026-03-01获评县级骨干教师/名师"))]
    pub citation: String,
}

/// A commendation list with its teachers.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Commendation {
    #[cfg_attr(feature = "openapi", schema(example = 2))]
    pub id: i64,
    #[cfg_attr(feature = "openapi", schema(example = "2026年上半年心理健康教育先进个人"))]
    pub title: String,
    pub period_from: NaiveDate,
    pub period_to: NaiveDate,
    #[cfg_attr(feature = "openapi", schema(example = 1))]
    pub org_unit_id: i64,
    #[cfg_attr(feature = "openapi", schema(example = "恩施土家族苗族自治州"))]
    pub org_unit_name: String,
    pub created_at: DateTime<Utc>,
    pub entries: Vec<CommendationEntry>,
}

/// A list as the list of lists shows it.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CommendationSummary {
    #[cfg_attr(feature = "openapi", schema(example = 2))]
    pub id: i64,
    #[cfg_attr(feature = "openapi", schema(example = "2026年上半年心理健康教育先进个人"))]
    pub title: String,
    pub period_from: NaiveDate,
    pub period_to: NaiveDate,
    #[cfg_attr(feature = "openapi", schema(example = 1))]
    pub org_unit_id: i64,
    pub created_at: DateTime<Utc>,
    /// How many teachers it names.
    #[cfg_attr(feature = "openapi", schema(example = 12))]
    pub entries: u32,
}

/// A teacher named by hand.
#[derive(Debug, Clone, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewCommendationEntry {
    #[cfg_attr(feature = "openapi", schema(example = 101))]
    pub teacher_id: i64,
    #[cfg_attr(
        feature = "openapi",
        schema(example = "承担州级心理健康教育公开课", min_length = 2, max_length = 500)
    )]
    pub citation: String,
}

/// Body of `POST /commendations`.
#[derive(Debug, Clone, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewCommendation {
    #[cfg_attr(
        feature = "openapi",
        schema(example = "2026年上半年心理健康教育先进个人", min_length = 2, max_length = 200)
    )]
    pub title: String,
    pub period_from: NaiveDate,
    pub period_to: NaiveDate,
    /// The issuing unit; default the caller's own.
    #[cfg_attr(feature = "openapi", schema(example = 1))]
    pub org_unit_id: Option<i64>,
    /// Teachers named by hand, in order.
    #[serde(default)]
    pub entries: Vec<NewCommendationEntry>,
    /// Also every teacher of the unit granted a recognised title in the period (and not revoked
    /// by its end), after the named ones.
    #[serde(default)]
    pub from_titles: bool,
}

fn unknown_teacher(i: usize) -> FieldError {
    FieldError::new(
        format!("entries[{i}].teacher_id"),
        "unknown_teacher",
        Text::fixed("教师不存在或不在管辖范围内", "no such teacher in your scope"),
    )
}

/// The teachers granted a title under `path` within the period and still holding it at its end,
/// each with what they were granted ("2026-03-01获评县级骨干教师/名师").
async fn titled_in(
    db: &impl ConnectionTrait,
    path: &str,
    (from, to): (NaiveDate, NaiveDate),
) -> Result<BTreeMap<i64, String>> {
    use recognised_title::Column as C;
    let granted = recognised_title::Entity::find()
        .filter(C::OrgPath.starts_with(path))
        .filter(C::GrantedOn.between(from, to))
        .filter(sea_orm::Condition::any().add(C::RevokedOn.is_null()).add(C::RevokedOn.gt(to)))
        .order_by_asc(C::GrantedOn)
        .order_by_asc(C::Id)
        .all(db)
        .await?;
    let mut citations: BTreeMap<i64, String> = BTreeMap::new();
    for title in granted {
        let kind = kernel::stored(TitleKind::parse(&title.kind), "recognised_title.kind", &title.kind)?;
        let line = format!("{}获评{}", title.granted_on, kind.label(false));
        citations.entry(title.teacher_id).and_modify(|c| *c = format!("{c}；{line}")).or_insert(line);
    }
    Ok(citations)
}

/// Draws up and issues a commendation list of a unit of the caller's subtree (audited).
pub async fn create_commendation(
    db: &DatabaseConnection,
    now: DateTime<Utc>,
    actor: &Actor,
    input: NewCommendation,
) -> Result<Commendation> {
    let path = directory::scope_path(db, actor, input.org_unit_id, Permission::ManageDirectory).await?;
    let unit_id = input.org_unit_id.map_or_else(|| actor.own_unit(), Ok)?;
    let mut v = Violations::default();
    let title = v.check(Bound::TITLE.check("title", &input.title));
    if input.period_to < input.period_from {
        v.push(FieldError::new(
            "period_to",
            "before_start",
            Text::fixed("结束日期不能早于开始日期", "period_to cannot precede period_from"),
        ));
    }
    let ids: Vec<i64> = input.entries.iter().map(|e| e.teacher_id).collect();
    let paths = directory::teacher_scope_paths(db, &ids).await?;
    let mut seen = HashSet::new();
    let mut entries: Vec<(i64, String)> = Vec::new();
    for (i, entry) in input.entries.iter().enumerate() {
        if !paths.get(&entry.teacher_id).is_some_and(|p| p.starts_with(&path)) {
            v.push(unknown_teacher(i));
        } else if !seen.insert(entry.teacher_id) {
            v.push(FieldError::new(
                format!("entries[{i}].teacher_id"),
                "duplicate",
                Text::fixed("同一教师在名单中出现多次", "the teacher is on the list twice"),
            ));
        }
        if let Some(citation) =
            v.check(Bound::REASON.check(&format!("entries[{i}].citation"), &entry.citation))
        {
            entries.push((entry.teacher_id, citation));
        }
    }
    if input.from_titles && input.period_from <= input.period_to {
        let titled = titled_in(db, &path, (input.period_from, input.period_to)).await?;
        entries.extend(titled.into_iter().filter(|(teacher, _)| seen.insert(*teacher)));
    }
    if entries.is_empty() && v.is_empty() {
        v.push(FieldError::new(
            "entries",
            "empty",
            Text::fixed(
                "名单为空：请添加教师，或从期间内获评称号的教师生成",
                "the list is empty: name teachers, or draw it from the titles granted in the period",
            ),
        ));
    }
    v.finish()?;
    let title = title.unwrap_or_default();
    let detail = format!("{title}（{}—{}，{} 人）", input.period_from, input.period_to, entries.len());
    let txn = kernel::begin_write(db).await?;
    let saved = commendation::ActiveModel {
        title: Set(title),
        period_from: Set(input.period_from),
        period_to: Set(input.period_to),
        org_unit_id: Set(unit_id),
        org_path: Set(path),
        issued_by: Set(actor.account_id),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    let rows =
        entries.iter().enumerate().map(|(i, (teacher_id, citation))| commendation_entry::ActiveModel {
            commendation_id: Set(saved.id),
            teacher_id: Set(*teacher_id),
            position: Set(i as i32 + 1),
            citation: Set(citation.clone()),
        });
    commendation_entry::Entity::insert_many(rows).exec_without_returning(&txn).await?;
    directory::record_audit(&txn, actor, None, "commendation_issued", &detail, now).await?;
    txn.commit().await?;
    read(db, saved).await
}

/// A list with its teachers: names, 工号, schools and counties.
async fn read(db: &impl ConnectionTrait, list: commendation::Model) -> Result<Commendation> {
    let rows = commendation_entry::Entity::find()
        .filter(commendation_entry::Column::CommendationId.eq(list.id))
        .order_by_asc(commendation_entry::Column::Position)
        .all(db)
        .await?;
    let ids: Vec<i64> = rows.iter().map(|r| r.teacher_id).collect();
    let teachers: HashMap<i64, directory::Teacher> =
        directory::teachers_by_ids(db, &ids).await?.into_iter().map(|t| (t.id, t)).collect();
    let paths = directory::teacher_scope_paths(db, &ids).await?;
    let mut units: Vec<i64> = paths.values().filter_map(|p| directory::county_of(p)).collect();
    units.push(list.org_unit_id);
    let names = directory::org_unit_names(db, &units).await?;
    let entries = rows
        .into_iter()
        .map(|r| {
            let teacher = teachers.get(&r.teacher_id);
            let county = paths.get(&r.teacher_id).and_then(|p| directory::county_of(p));
            CommendationEntry {
                position: u32::try_from(r.position).unwrap_or(0),
                teacher_id: r.teacher_id,
                teacher_name: teacher.map(|t| t.name.clone()).unwrap_or_default(),
                employee_no: teacher.map(|t| t.employee_no.clone()).unwrap_or_default(),
                school_name: teacher.map(|t| t.school_name.clone()).unwrap_or_default(),
                county_name: county.and_then(|c| names.get(&c).cloned()).unwrap_or_default(),
                citation: r.citation,
            }
        })
        .collect();
    Ok(Commendation {
        id: list.id,
        title: list.title,
        period_from: list.period_from,
        period_to: list.period_to,
        org_unit_name: names.get(&list.org_unit_id).cloned().unwrap_or_default(),
        org_unit_id: list.org_unit_id,
        created_at: list.created_at,
        entries,
    })
}

/// One list of the caller's subtree.
pub async fn get_commendation(db: &DatabaseConnection, actor: &Actor, id: i64) -> Result<Commendation> {
    let found = commendation::Entity::find_by_id(id).one(db).await?.ok_or(Error::NotFound)?;
    actor.authorize(Permission::ReadDirectory, &found.org_path)?;
    read(db, found).await
}

/// The lists issued in the caller's subtree, newest first.
pub async fn list_commendations(
    db: &DatabaseConnection,
    actor: &Actor,
    page: PageRequest,
) -> Result<Page<CommendationSummary>> {
    actor.require(Permission::ReadDirectory)?;
    let select = commendation::Entity::find()
        .filter(commendation::Column::OrgPath.starts_with(actor.subtree()?))
        .order_by_desc(commendation::Column::Id);
    let page = kernel::fetch_page(db, select, page).await?;
    let counts: HashMap<i64, i64> = commendation_entry::Entity::find()
        .select_only()
        .column(commendation_entry::Column::CommendationId)
        .column_as(Expr::col(commendation_entry::Column::TeacherId).count(), "entries")
        .filter(commendation_entry::Column::CommendationId.is_in(page.items.iter().map(|c| c.id)))
        .group_by(commendation_entry::Column::CommendationId)
        .into_tuple::<(i64, i64)>()
        .all(db)
        .await?
        .into_iter()
        .collect();
    Ok(page.map(|c| CommendationSummary {
        entries: u32::try_from(counts.get(&c.id).copied().unwrap_or(0)).unwrap_or(0),
        id: c.id,
        title: c.title,
        period_from: c.period_from,
        period_to: c.period_to,
        org_unit_id: c.org_unit_id,
        created_at: c.created_at,
    }))
}
