use chrono::Utc;
use kernel::{Actor, Error, FieldError, Page, PageRequest, Permission, Result, Text, Violations, fetch_page};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder, Set,
};
use serde::{Deserialize, Serialize};

use crate::domain::{OrgKind, Stage};
use crate::entity::org_unit;
use crate::repo;

/// The most students a single school plausibly has; larger numbers are typing mistakes.
const MAX_STUDENTS: u32 = 100_000;

/// A node of the org tree as clients see it.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OrgUnit {
    #[cfg_attr(feature = "openapi", schema(example = 12))]
    pub id: i64,
    pub kind: OrgKind,
    #[cfg_attr(feature = "openapi", schema(example = "ES-ESS-001"))]
    pub code: String,
    #[cfg_attr(feature = "openapi", schema(example = "恩施市第一中学"))]
    pub name: String,
    #[cfg_attr(feature = "openapi", schema(example = 2))]
    pub parent_id: Option<i64>,
    pub stage: Option<Stage>,
    #[cfg_attr(feature = "openapi", schema(example = 2400))]
    pub student_count: Option<u32>,
}

impl OrgUnit {
    /// A unit read back; a kind or stage the system did not write is `corrupt_record`.
    fn from_model(model: org_unit::Model) -> Result<Self> {
        Ok(Self {
            id: model.id,
            kind: OrgKind::read(&model.kind)?,
            code: model.code,
            name: model.name,
            parent_id: model.parent_id,
            stage: model.stage.as_deref().map(Stage::read).transpose()?,
            student_count: model.student_count.and_then(|n| u32::try_from(n).ok()),
        })
    }
}

/// Body of `POST /org-units`: the resource's fields minus its id.
#[derive(Debug, Clone, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewOrgUnit {
    pub kind: OrgKind,
    #[cfg_attr(feature = "openapi", schema(example = "ES-ESS-041", min_length = 1, max_length = 32))]
    pub code: String,
    #[cfg_attr(feature = "openapi", schema(example = "恩施市实验小学", min_length = 1, max_length = 100))]
    pub name: String,
    #[cfg_attr(feature = "openapi", schema(example = 2))]
    pub parent_id: Option<i64>,
    pub stage: Option<Stage>,
    #[cfg_attr(feature = "openapi", schema(example = 860, maximum = 100000))]
    pub student_count: Option<u32>,
}

/// Body of `PATCH /org-units/{id}`: only the fields to change. The tree shape (kind, parent)
/// is fixed once created, so every path below stays valid.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct OrgUnitPatch {
    #[cfg_attr(feature = "openapi", schema(example = "ES-ESS-041", min_length = 1, max_length = 32))]
    pub code: Option<String>,
    #[cfg_attr(feature = "openapi", schema(example = "恩施市实验小学", min_length = 1, max_length = 100))]
    pub name: Option<String>,
    pub stage: Option<Stage>,
    #[cfg_attr(feature = "openapi", schema(example = 1200, maximum = 100000))]
    pub student_count: Option<u32>,
}

/// Filters of the org-unit list.
#[derive(Debug, Clone, Default)]
pub struct OrgUnitFilter {
    pub kind: Option<OrgKind>,
    pub parent_id: Option<i64>,
    pub q: Option<String>,
}

fn code_taken() -> Text {
    Text::fixed("机构代码已存在", "the org unit code is already in use")
}

fn check_school_fields(v: &mut Violations, kind: OrgKind, stage: Option<Stage>, students: Option<u32>) {
    if kind == OrgKind::School {
        if stage.is_none() {
            v.push(FieldError::new(
                "stage",
                "required",
                Text::fixed("学校须填写学段", "a school needs a stage"),
            ));
        }
        if students.is_none() {
            v.push(FieldError::new(
                "student_count",
                "required",
                Text::fixed("学校须填写在校学生数", "a school needs a student count"),
            ));
        }
    } else if stage.is_some() || students.is_some() {
        let field = if stage.is_some() { "stage" } else { "student_count" };
        v.push(FieldError::new(
            field,
            "not_applicable",
            Text::fixed("只有学校才有学段和学生数", "only schools have a stage and a student count"),
        ));
    }
    if students.is_some_and(|n| n > MAX_STUDENTS) {
        v.push(FieldError::new(
            "student_count",
            "out_of_range",
            Text::fixed("学生数须在 0 到 100000 之间", "student_count must be between 0 and 100000"),
        ));
    }
}

fn parse_code(value: &str) -> std::result::Result<String, FieldError> {
    let code = kernel::Bound::new(1, 32).check("code", value)?;
    if code.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_') {
        Ok(code)
    } else {
        Err(FieldError::new(
            "code",
            "invalid_format",
            Text::fixed("机构代码只能包含字母、数字、-和_", "code takes letters, digits, '-' and '_' only"),
        ))
    }
}

/// Adds a county under a prefecture or a school under a county, inside the caller's subtree.
pub async fn create_org_unit(db: &DatabaseConnection, actor: &Actor, input: NewOrgUnit) -> Result<OrgUnit> {
    actor.require(Permission::ManageDirectory)?;
    let mut v = Violations::default();
    let code = v.check(parse_code(&input.code));
    let name = v.check(kernel::Bound::new(1, 100).check("name", &input.name));
    check_school_fields(&mut v, input.kind, input.stage, input.student_count);
    let parent = match (input.kind.parent_kind(), input.parent_id) {
        (None, _) => {
            v.push(FieldError::new(
                "kind",
                "root_exists",
                Text::fixed(
                    "州级机构由系统初始化创建，不能通过接口新增",
                    "the prefecture is created at setup, not through the API",
                ),
            ));
            None
        }
        (Some(_), None) => {
            v.push(FieldError::new(
                "parent_id",
                "required",
                Text::fixed("须指定上级机构", "parent_id is required"),
            ));
            None
        }
        (Some(expected), Some(parent_id)) => match repo::org_unit(db, parent_id).await {
            Ok(parent) if actor.authorize(Permission::ManageDirectory, &parent.path).is_ok() => {
                if parent.kind != expected.as_str() {
                    v.push(FieldError::new(
                        "parent_id",
                        "wrong_parent_kind",
                        Text::fixed(
                            "上级机构层级不对：学校属于县市，县市属于州",
                            "a school belongs to a county, a county to the prefecture",
                        ),
                    ));
                }
                Some(parent)
            }
            Ok(_) | Err(Error::NotFound) => {
                v.push(FieldError::new(
                    "parent_id",
                    "unknown_org_unit",
                    Text::fixed("上级机构不存在", "parent_id names no org unit"),
                ));
                None
            }
            Err(other) => return Err(other),
        },
    };
    v.finish()?;
    let (Some(code), Some(name), Some(parent)) = (code, name, parent) else {
        return Err(Error::Unexpected(anyhow::anyhow!("validated org unit lost a field")));
    };

    let unit = org_unit::ActiveModel {
        kind: Set(input.kind.as_str().to_owned()),
        code: Set(code),
        name: Set(name),
        parent_id: Set(Some(parent.id)),
        stage: Set(input.stage.map(|s| s.as_str().to_owned())),
        student_count: Set(input.student_count.map(|n| n as i32)),
        ..Default::default()
    };
    let saved = insert_unit(db, unit, &parent.path).await?;
    OrgUnit::from_model(saved)
}

/// One org unit in the caller's subtree.
pub async fn get_org_unit(db: &DatabaseConnection, actor: &Actor, id: i64) -> Result<OrgUnit> {
    let unit = repo::org_unit(db, id).await?;
    actor.authorize(Permission::ReadDirectory, &unit.path)?;
    OrgUnit::from_model(unit)
}

/// An org unit by its code, with its subtree path; for the seed and imports.
pub async fn org_unit_by_code(db: &DatabaseConnection, code: &str) -> Result<Option<(OrgUnit, String)>> {
    let found = org_unit::Entity::find().filter(org_unit::Column::Code.eq(code)).one(db).await?;
    found
        .map(|m| {
            let path = m.path.clone();
            Ok((OrgUnit::from_model(m)?, path))
        })
        .transpose()
}

/// The org units of the caller's subtree, ordered by id.
pub async fn list_org_units(
    db: &DatabaseConnection,
    actor: &Actor,
    filter: OrgUnitFilter,
    page: PageRequest,
) -> Result<Page<OrgUnit>> {
    actor.require(Permission::ReadDirectory)?;
    let mut condition = Condition::all().add(org_unit::Column::Path.starts_with(actor.subtree()?));
    if let Some(kind) = filter.kind {
        condition = condition.add(org_unit::Column::Kind.eq(kind.as_str()));
    }
    if let Some(parent_id) = filter.parent_id {
        condition = condition.add(org_unit::Column::ParentId.eq(parent_id));
    }
    if let Some(q) = filter.q.as_deref().filter(|q| !q.trim().is_empty()) {
        condition = condition.add(
            Condition::any()
                .add(org_unit::Column::Name.like(repo::contains_pattern(q)))
                .add(org_unit::Column::Code.like(repo::contains_pattern(q))),
        );
    }
    let select = org_unit::Entity::find().filter(condition).order_by_asc(org_unit::Column::Id);
    fetch_page(db, select, page).await?.try_map(OrgUnit::from_model)
}

/// Changes the name, code, stage or student count of an org unit in the caller's subtree.
pub async fn update_org_unit(
    db: &DatabaseConnection,
    actor: &Actor,
    id: i64,
    patch: OrgUnitPatch,
) -> Result<OrgUnit> {
    let unit = repo::org_unit(db, id).await?;
    actor.authorize(Permission::ManageDirectory, &unit.path)?;
    let kind = OrgKind::read(&unit.kind)?;
    let mut v = Violations::default();
    let code = patch.code.as_deref().map(parse_code).and_then(|r| v.check(r));
    let name =
        patch.name.as_deref().map(|n| kernel::Bound::new(1, 100).check("name", n)).and_then(|r| v.check(r));
    let stage = match patch.stage {
        Some(stage) => Some(stage),
        None => unit.stage.as_deref().map(Stage::read).transpose()?,
    };
    let students = patch.student_count.or_else(|| unit.student_count.and_then(|n| u32::try_from(n).ok()));
    check_school_fields(&mut v, kind, stage, students);
    v.finish()?;

    let mut active: org_unit::ActiveModel = unit.into();
    if let Some(code) = code {
        active.code = Set(code);
    }
    if let Some(name) = name {
        active.name = Set(name);
    }
    if let Some(stage) = patch.stage {
        active.stage = Set(Some(stage.as_str().to_owned()));
    }
    if let Some(students) = patch.student_count {
        active.student_count = Set(Some(students as i32));
    }
    let saved = active.update(db).await.map_err(Error::on_unique("org_unit_code_taken", code_taken()))?;
    OrgUnit::from_model(saved)
}

/// Creates the root of the tree if no unit has its code yet: the one unit no API call may add,
/// made by `qualify seed` or at installation.
pub async fn ensure_prefecture(db: &DatabaseConnection, code: &str, name: &str) -> Result<OrgUnit> {
    if let Some((unit, _)) = org_unit_by_code(db, code).await? {
        return Ok(unit);
    }
    let unit = org_unit::ActiveModel {
        kind: Set(OrgKind::Prefecture.as_str().to_owned()),
        code: Set(parse_code(code)?),
        name: Set(kernel::Bound::new(1, 100).check("name", name)?),
        parent_id: Set(None),
        ..Default::default()
    };
    OrgUnit::from_model(insert_unit(db, unit, "/").await?)
}

/// Inserts a unit below `parent_path` and completes its path with the id it was given, in one
/// transaction so no unit is ever visible without its path.
async fn insert_unit(
    db: &DatabaseConnection,
    mut unit: org_unit::ActiveModel,
    parent_path: &str,
) -> Result<org_unit::Model> {
    let txn = kernel::begin_write(db).await?;
    unit.path = Set(parent_path.to_owned());
    unit.created_at = Set(Utc::now());
    let inserted = unit.insert(&txn).await.map_err(Error::on_unique("org_unit_code_taken", code_taken()))?;
    let path = format!("{parent_path}{}/", inserted.id);
    let mut active: org_unit::ActiveModel = inserted.into();
    active.path = Set(path);
    let saved = active.update(&txn).await?;
    txn.commit().await?;
    Ok(saved)
}

/// Names of org units by id, for reports that group by school or county.
pub async fn org_unit_names(
    db: &impl sea_orm::ConnectionTrait,
    ids: &[i64],
) -> Result<std::collections::HashMap<i64, String>> {
    Ok(org_unit::Entity::find()
        .filter(org_unit::Column::Id.is_in(ids.iter().copied()))
        .all(db)
        .await?
        .into_iter()
        .map(|u| (u.id, u.name))
        .collect())
}

/// The counties (县市) at or under an already-authorised subtree path, in the tree's order:
/// the rows of reports that compare counties.
pub async fn counties_under(db: &impl sea_orm::ConnectionTrait, path: &str) -> Result<Vec<OrgUnit>> {
    org_unit::Entity::find()
        .filter(org_unit::Column::Kind.eq(OrgKind::County.as_str()))
        .filter(org_unit::Column::Path.starts_with(path))
        .order_by_asc(org_unit::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .map(OrgUnit::from_model)
        .collect()
}

/// The county a path lies in (its second segment: `/1/3/17/` is in county 3), if any.
pub fn county_of(path: &str) -> Option<i64> {
    path.trim_matches('/').split('/').nth(1)?.parse().ok()
}

/// The root of the tree (the prefecture): its code prefixes certificate numbers and its name
/// is the issuer printed on them.
pub async fn prefecture(db: &impl sea_orm::ConnectionTrait) -> Result<OrgUnit> {
    org_unit::Entity::find()
        .filter(org_unit::Column::ParentId.is_null())
        .order_by_asc(org_unit::Column::Id)
        .one(db)
        .await?
        .ok_or(Error::NotFound)
        .and_then(OrgUnit::from_model)
}
