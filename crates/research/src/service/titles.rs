//! Recognised titles (plan item 8): admins grant 州级心理健康教育名师 and 县级骨干教师/名师 with a
//! date and a reason, and revoke them the same way; every grant and revocation is audited. The
//! report counts the holders on a day against the plan's targets, per county.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};
use kernel::{Actor, Bound, Error, FieldError, Page, PageRequest, Permission, Result, Text, Violations};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter,
    QueryOrder, Set,
};
use serde::{Deserialize, Serialize};

use crate::domain::{TargetStanding, TitleKind};
use crate::entity::recognised_title;

/// A title held (or once held) by a teacher.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Title {
    #[cfg_attr(feature = "openapi", schema(example = 4))]
    pub id: i64,
    #[cfg_attr(feature = "openapi", schema(example = 101))]
    pub teacher_id: i64,
    #[cfg_attr(feature = "openapi", schema(example = "李明"))]
    pub teacher_name: String,
    #[cfg_attr(feature = "openapi", schema(example = "ES00101"))]
    pub employee_no: String,
    #[cfg_attr(feature = "openapi", schema(example = "恩施市第一中学"))]
    pub school_name: String,
    pub kind: TitleKind,
    pub granted_on: NaiveDate,
    #[cfg_attr(feature = "openapi", schema(example = "州级优质课一等奖，主持名师工作室三年"))]
    pub grant_reason: String,
    pub revoked_on: Option<NaiveDate>,
    pub revoke_reason: Option<String>,
    /// Not revoked.
    pub active: bool,
}

/// Body of `POST /teachers/{id}/titles`.
#[derive(Debug, Clone, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewTitle {
    pub kind: TitleKind,
    /// The day it was conferred (China time); not in the future.
    pub granted_on: NaiveDate,
    #[cfg_attr(
        feature = "openapi",
        schema(example = "州级优质课一等奖，主持名师工作室三年", min_length = 2, max_length = 500)
    )]
    pub reason: String,
}

/// Body of `POST /titles/{id}/revoke`.
#[derive(Debug, Clone, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct TitleRevocation {
    /// From this day on the title is no longer held; not before the grant, not in the future.
    pub revoked_on: NaiveDate,
    #[cfg_attr(
        feature = "openapi",
        schema(example = "调离心理健康教育岗位", min_length = 2, max_length = 500)
    )]
    pub reason: String,
}

/// Filters of the title list.
#[derive(Debug, Clone, Default)]
pub struct TitleFilter {
    pub kind: Option<TitleKind>,
    pub org_unit: Option<i64>,
    /// Only titles not revoked (`true`) or only revoked ones (`false`).
    pub active: Option<bool>,
}

/// Holders of one title against the plan's target.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TitleTarget {
    pub kind: TitleKind,
    #[cfg_attr(feature = "openapi", schema(example = "州级心理健康教育名师"))]
    pub label: String,
    #[cfg_attr(feature = "openapi", schema(example = 6))]
    pub held: u32,
    /// The plan's range for the whole prefecture.
    #[cfg_attr(feature = "openapi", schema(example = 5))]
    pub target_min: u32,
    #[cfg_attr(feature = "openapi", schema(example = 10))]
    pub target_max: u32,
    pub standing: TargetStanding,
}

/// The whole subtree: the day counted and each title against its target.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TitleSummary {
    pub as_of: NaiveDate,
    pub targets: Vec<TitleTarget>,
}

/// One county's holders.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TitleCountyRow {
    #[cfg_attr(feature = "openapi", schema(example = 2))]
    pub org_unit_id: i64,
    #[cfg_attr(feature = "openapi", schema(example = "恩施市"))]
    pub org_unit_name: String,
    #[cfg_attr(feature = "openapi", schema(example = 1))]
    pub prefecture_mh_master: u32,
    #[cfg_attr(feature = "openapi", schema(example = 7))]
    pub county_key_teacher: u32,
}

/// `GET /reports/titles`.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TitleReport {
    pub summary: TitleSummary,
    /// Every county of the subtree, in the tree's order.
    pub items: Vec<TitleCountyRow>,
}

fn view(m: recognised_title::Model) -> Result<Title> {
    Ok(Title {
        id: m.id,
        teacher_id: m.teacher_id,
        teacher_name: String::new(),
        employee_no: String::new(),
        school_name: String::new(),
        kind: kernel::stored(TitleKind::parse(&m.kind), "recognised_title.kind", &m.kind)?,
        granted_on: m.granted_on,
        grant_reason: m.grant_reason,
        active: m.revoked_on.is_none(),
        revoked_on: m.revoked_on,
        revoke_reason: m.revoke_reason,
    })
}

/// Names, 工号 and schools of the titles' teachers.
async fn with_teachers(db: &impl ConnectionTrait, mut titles: Vec<Title>) -> Result<Vec<Title>> {
    let ids: Vec<i64> = titles.iter().map(|t| t.teacher_id).collect();
    let teachers: HashMap<i64, directory::Teacher> =
        directory::teachers_by_ids(db, &ids).await?.into_iter().map(|t| (t.id, t)).collect();
    for title in &mut titles {
        if let Some(teacher) = teachers.get(&title.teacher_id) {
            title.teacher_name.clone_from(&teacher.name);
            title.employee_no.clone_from(&teacher.employee_no);
            title.school_name.clone_from(&teacher.school_name);
        }
    }
    Ok(titles)
}

/// Only admins of the title's level or above grant or revoke it: a county names its key
/// teachers, the prefecture its master teachers.
fn may_confer(actor: &Actor, kind: TitleKind, path: &str) -> Result<()> {
    actor.authorize(Permission::ManageDirectory, path)?;
    let depth = actor.subtree()?.trim_matches('/').split('/').count();
    if depth <= kind.granted_from_depth() { Ok(()) } else { Err(Error::Forbidden) }
}

/// Grants a title to a teacher of the caller's subtree, dated and with a reason; a teacher
/// holds each title once (409 `title_held` while one is not revoked).
pub async fn grant_title(
    db: &DatabaseConnection,
    now: DateTime<Utc>,
    actor: &Actor,
    teacher_id: i64,
    input: NewTitle,
) -> Result<Title> {
    actor.require(Permission::ManageDirectory)?;
    let path = directory::teacher_scope_path(db, teacher_id).await?;
    may_confer(actor, input.kind, &path)?;
    let mut v = Violations::default();
    let reason = v.check(Bound::REASON.check("reason", &input.reason));
    v.check(kernel::not_in_future("granted_on", input.granted_on, now));
    v.finish()?;
    let held = recognised_title::Entity::find()
        .filter(recognised_title::Column::TeacherId.eq(teacher_id))
        .filter(recognised_title::Column::Kind.eq(input.kind.as_str()))
        .filter(recognised_title::Column::RevokedOn.is_null())
        .one(db)
        .await?;
    if held.is_some() {
        return Err(Error::conflict(
            "title_held",
            Text::fixed("该教师已获此称号（未撤销）", "the teacher already holds this title"),
        ));
    }
    let reason = reason.unwrap_or_default();
    let detail = format!("{}，{}：{reason}", input.kind.label(false), input.granted_on);
    let txn = kernel::begin_write(db).await?;
    let saved = recognised_title::ActiveModel {
        teacher_id: Set(teacher_id),
        kind: Set(input.kind.as_str().to_owned()),
        org_path: Set(path),
        granted_on: Set(input.granted_on),
        grant_reason: Set(reason),
        granted_by: Set(actor.account_id),
        granted_at: Set(now),
        revoked_on: Set(None),
        revoke_reason: Set(None),
        revoked_by: Set(None),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    directory::record_audit(&txn, actor, Some(teacher_id), "title_granted", &detail, now).await?;
    txn.commit().await?;
    Ok(with_teachers(db, vec![view(saved)?]).await?.remove(0))
}

/// Revokes a title from a day on, with a reason (audited); a revoked title stays on record.
pub async fn revoke_title(
    db: &DatabaseConnection,
    now: DateTime<Utc>,
    actor: &Actor,
    id: i64,
    input: TitleRevocation,
) -> Result<Title> {
    actor.require(Permission::ManageDirectory)?;
    let found = recognised_title::Entity::find_by_id(id).one(db).await?.ok_or(Error::NotFound)?;
    let current = view(found.clone())?;
    may_confer(actor, current.kind, &found.org_path)?;
    if !current.active {
        return Err(Error::conflict(
            "title_revoked",
            Text::fixed("该称号已撤销", "the title was already revoked"),
        ));
    }
    let mut v = Violations::default();
    let reason = v.check(Bound::REASON.check("reason", &input.reason));
    v.check(kernel::not_in_future("revoked_on", input.revoked_on, now));
    if input.revoked_on < found.granted_on {
        v.push(FieldError::new(
            "revoked_on",
            "before_grant",
            Text::fixed("撤销日期不能早于授予日期", "revoked_on cannot precede granted_on"),
        ));
    }
    v.finish()?;
    let reason = reason.unwrap_or_default();
    let detail = format!("{}，{}：{reason}", current.kind.label(false), input.revoked_on);
    let txn = kernel::begin_write(db).await?;
    let mut active: recognised_title::ActiveModel = found.into();
    active.revoked_on = Set(Some(input.revoked_on));
    active.revoke_reason = Set(Some(reason));
    active.revoked_by = Set(Some(actor.account_id));
    let saved = active.update(&txn).await?;
    directory::record_audit(&txn, actor, Some(saved.teacher_id), "title_revoked", &detail, now).await?;
    txn.commit().await?;
    Ok(with_teachers(db, vec![view(saved)?]).await?.remove(0))
}

/// Titles of the caller's subtree (or a unit of it), by kind, newest grant first.
pub async fn list_titles(
    db: &DatabaseConnection,
    actor: &Actor,
    filter: TitleFilter,
    page: PageRequest,
) -> Result<Page<Title>> {
    use recognised_title::Column as C;
    let path = directory::scope_path(db, actor, filter.org_unit, Permission::ReadDirectory).await?;
    let condition = Condition::all()
        .add(C::OrgPath.starts_with(path.as_str()))
        .add_option(filter.kind.map(|k| C::Kind.eq(k.as_str())))
        .add_option(
            filter
                .active
                .map(|active| if active { C::RevokedOn.is_null() } else { C::RevokedOn.is_not_null() }),
        );
    let select =
        recognised_title::Entity::find().filter(condition).order_by_desc(C::GrantedOn).order_by_desc(C::Id);
    let page = kernel::fetch_page(db, select, page).await?.try_map(view)?;
    let items = with_teachers(db, page.items).await?;
    Ok(Page { items, total: page.total, page: page.page, per_page: page.per_page })
}

/// Titles of a subtree held on `as_of`: granted by then and not revoked by then.
pub(crate) async fn held_on(
    db: &impl ConnectionTrait,
    path: &str,
    as_of: NaiveDate,
) -> Result<Vec<recognised_title::Model>> {
    use recognised_title::Column as C;
    Ok(recognised_title::Entity::find()
        .filter(C::OrgPath.starts_with(path))
        .filter(C::GrantedOn.lte(as_of))
        .filter(Condition::any().add(C::RevokedOn.is_null()).add(C::RevokedOn.gt(as_of)))
        .order_by_asc(C::Id)
        .all(db)
        .await?)
}

/// Holders of each title on `as_of` (default today, China time) against the plan's targets,
/// and per county.
pub async fn title_report(
    db: &DatabaseConnection,
    now: DateTime<Utc>,
    actor: &Actor,
    org_unit: Option<i64>,
    as_of: Option<NaiveDate>,
) -> Result<TitleReport> {
    let path = directory::scope_path(db, actor, org_unit, Permission::ReadDirectory).await?;
    let as_of = as_of.unwrap_or_else(|| kernel::china_date(now));
    let held = held_on(db, &path, as_of).await?;
    let mut counts: HashMap<(Option<i64>, &'static str), u32> = HashMap::new();
    for title in &held {
        let Some(kind) = TitleKind::parse(&title.kind) else {
            return Err(Error::corrupt("recognised_title.kind", &title.kind));
        };
        *counts.entry((directory::county_of(&title.org_path), kind.as_str())).or_default() += 1;
    }
    let total =
        |kind: TitleKind| counts.iter().filter(|((_, k), _)| *k == kind.as_str()).map(|(_, n)| n).sum();
    let targets = TitleKind::ALL
        .into_iter()
        .map(|kind| {
            let held: u32 = total(kind);
            let (target_min, target_max) = kind.target();
            TitleTarget {
                kind,
                label: kind.label(false).to_owned(),
                held,
                target_min,
                target_max,
                standing: TargetStanding::of(held, kind.target()),
            }
        })
        .collect();
    let mut counties: Vec<(i64, String)> =
        directory::counties_under(db, &path).await?.into_iter().map(|c| (c.id, c.name)).collect();
    if counties.is_empty()
        && let Some(own) = directory::county_of(&path)
    {
        // A school's admin: the row of the county the school is in.
        counties.extend(directory::org_unit_names(db, &[own]).await?);
    }
    let count =
        |county: i64, kind: TitleKind| counts.get(&(Some(county), kind.as_str())).copied().unwrap_or(0);
    let items = counties
        .into_iter()
        .map(|(id, name)| TitleCountyRow {
            org_unit_id: id,
            org_unit_name: name,
            prefecture_mh_master: count(id, TitleKind::PrefectureMhMaster),
            county_key_teacher: count(id, TitleKind::CountyKeyTeacher),
        })
        .collect();
    Ok(TitleReport { summary: TitleSummary { as_of, targets }, items })
}
