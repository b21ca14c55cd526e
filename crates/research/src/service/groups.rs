use chrono::{DateTime, NaiveDate, Utc};
use kernel::{Actor, Error, FieldError, Page, PageRequest, Permission, Result, Scope, Text};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter,
    QueryOrder, Set,
};
use serde::{Deserialize, Serialize};

use crate::entity::{mentorship, studio, studio_member};

/// A mentor pair (青蓝结对).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Mentorship {
    #[cfg_attr(feature = "openapi", schema(example = 3))]
    pub id: i64,
    #[cfg_attr(feature = "openapi", schema(example = 101))]
    pub mentor_id: i64,
    #[cfg_attr(feature = "openapi", schema(example = 102))]
    pub mentee_id: i64,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
}

/// Body of `POST /mentorships`.
#[derive(Debug, Clone, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewMentorship {
    #[cfg_attr(feature = "openapi", schema(example = 101))]
    pub mentor_id: i64,
    #[cfg_attr(feature = "openapi", schema(example = 102))]
    pub mentee_id: i64,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
}

/// A studio (名师工作室): a host teacher and members.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Studio {
    #[cfg_attr(feature = "openapi", schema(example = 1))]
    pub id: i64,
    #[cfg_attr(feature = "openapi", schema(example = "李明心理健康教育名师工作室"))]
    pub name: String,
    #[cfg_attr(feature = "openapi", schema(example = 101))]
    pub host_id: i64,
    pub member_ids: Vec<i64>,
}

/// Body of `POST /studios`.
#[derive(Debug, Clone, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewStudio {
    #[cfg_attr(
        feature = "openapi",
        schema(example = "李明心理健康教育名师工作室", min_length = 2, max_length = 200)
    )]
    pub name: String,
    #[cfg_attr(feature = "openapi", schema(example = 101))]
    pub host_id: i64,
    #[serde(default)]
    pub member_ids: Vec<i64>,
}

fn unknown(field: &str) -> FieldError {
    FieldError::new(
        field,
        "unknown_teacher",
        Text::fixed("教师不存在或不在管辖范围内", "no such teacher in your scope"),
    )
}

/// Checks that every teacher lies in the caller's subtree; returns the first one's path.
async fn teachers_in_scope(
    db: &impl ConnectionTrait,
    actor: &Actor,
    teachers: &[(&str, i64)],
) -> Result<String> {
    actor.require(Permission::ManageTraining)?;
    let mut errors = Vec::new();
    let mut first = None;
    for (field, id) in teachers {
        match directory::teacher_scope_path(db, *id).await {
            Ok(path) if path.starts_with(actor.subtree()?) => {
                first.get_or_insert(path);
            }
            _ => errors.push(unknown(field)),
        }
    }
    if !errors.is_empty() {
        return Err(Error::Invalid(errors));
    }
    first.ok_or_else(|| Error::from(unknown("teacher_id")))
}

/// Pairs a mentor and a mentee of the caller's subtree.
pub async fn create_mentorship(
    db: &DatabaseConnection,
    now: DateTime<Utc>,
    actor: &Actor,
    input: NewMentorship,
) -> Result<Mentorship> {
    let path =
        teachers_in_scope(db, actor, &[("mentor_id", input.mentor_id), ("mentee_id", input.mentee_id)])
            .await?;
    if input.mentor_id == input.mentee_id || input.ends_on <= input.starts_on {
        return Err(Error::from(FieldError::new(
            "ends_on",
            "invalid_value",
            Text::fixed(
                "师徒须为两人，结束日期须晚于开始日期",
                "mentor and mentee differ, and ends_on follows starts_on",
            ),
        )));
    }
    let saved = mentorship::ActiveModel {
        mentor_id: Set(input.mentor_id),
        mentee_id: Set(input.mentee_id),
        starts_on: Set(input.starts_on),
        ends_on: Set(input.ends_on),
        org_path: Set(path),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(Mentorship {
        id: saved.id,
        mentor_id: saved.mentor_id,
        mentee_id: saved.mentee_id,
        starts_on: saved.starts_on,
        ends_on: saved.ends_on,
    })
}

/// Pairs in the caller's subtree, or a teacher's own pairs.
pub async fn list_mentorships(
    db: &DatabaseConnection,
    actor: &Actor,
    page: PageRequest,
) -> Result<Page<Mentorship>> {
    let condition = match &actor.scope {
        Scope::Person { person_id } => Condition::any()
            .add(mentorship::Column::MentorId.eq(*person_id))
            .add(mentorship::Column::MenteeId.eq(*person_id)),
        Scope::Subtree { path, .. } => {
            Condition::all().add(mentorship::Column::OrgPath.starts_with(path.as_str()))
        }
    };
    let select = mentorship::Entity::find().filter(condition).order_by_asc(mentorship::Column::Id);
    Ok(kernel::fetch_page(db, select, page).await?.map(|m| Mentorship {
        id: m.id,
        mentor_id: m.mentor_id,
        mentee_id: m.mentee_id,
        starts_on: m.starts_on,
        ends_on: m.ends_on,
    }))
}

/// Opens a studio with its host and members, all of the caller's subtree.
pub async fn create_studio(
    db: &DatabaseConnection,
    now: DateTime<Utc>,
    actor: &Actor,
    input: NewStudio,
) -> Result<Studio> {
    let mut everyone = vec![("host_id", input.host_id)];
    everyone.extend(input.member_ids.iter().map(|id| ("member_ids", *id)));
    let path = teachers_in_scope(db, actor, &everyone).await?;
    let name = kernel::Bound::TITLE.check("name", &input.name)?;
    let txn = kernel::begin_write(db).await?;
    let saved = studio::ActiveModel {
        name: Set(name),
        host_id: Set(input.host_id),
        org_path: Set(path),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    let mut members: Vec<i64> = input.member_ids.clone();
    members.sort_unstable();
    members.dedup();
    for teacher_id in &members {
        studio_member::ActiveModel { studio_id: Set(saved.id), teacher_id: Set(*teacher_id) }
            .insert(&txn)
            .await?;
    }
    txn.commit().await?;
    Ok(Studio { id: saved.id, name: saved.name, host_id: saved.host_id, member_ids: members })
}

/// Studios in the caller's subtree, or those a teacher hosts or belongs to.
pub async fn list_studios(db: &DatabaseConnection, actor: &Actor, page: PageRequest) -> Result<Page<Studio>> {
    let condition = match &actor.scope {
        Scope::Person { person_id } => {
            let joined: Vec<i64> = studio_member::Entity::find()
                .filter(studio_member::Column::TeacherId.eq(*person_id))
                .all(db)
                .await?
                .into_iter()
                .map(|m| m.studio_id)
                .collect();
            Condition::any().add(studio::Column::HostId.eq(*person_id)).add(studio::Column::Id.is_in(joined))
        }
        Scope::Subtree { path, .. } => {
            Condition::all().add(studio::Column::OrgPath.starts_with(path.as_str()))
        }
    };
    let page = kernel::fetch_page(
        db,
        studio::Entity::find().filter(condition).order_by_asc(studio::Column::Id),
        page,
    )
    .await?;
    let mut items = Vec::with_capacity(page.items.len());
    for s in page.items {
        let member_ids = studio_member::Entity::find()
            .filter(studio_member::Column::StudioId.eq(s.id))
            .all(db)
            .await?
            .into_iter()
            .map(|m| m.teacher_id)
            .collect();
        items.push(Studio { id: s.id, name: s.name, host_id: s.host_id, member_ids });
    }
    Ok(Page { items, total: page.total, page: page.page, per_page: page.per_page })
}
