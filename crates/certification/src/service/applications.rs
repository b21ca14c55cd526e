use chrono::{DateTime, Utc};
use kernel::{Actor, Error, FieldError, Level, Page, PageRequest, Permission, Result, Text, fetch_page};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder, Set,
};
use serde::{Deserialize, Serialize};

use super::issue::{Issued, issue};
use super::progress::assess;
use super::rule_sets::require_in_force;
use crate::domain::ApplicationStatus;
use crate::entity::application;

/// An application for a level issued on review (or one whose certificate was revoked).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Application {
    #[cfg_attr(feature = "openapi", schema(example = 5))]
    pub id: i64,
    #[cfg_attr(feature = "openapi", schema(example = 101))]
    pub teacher_id: i64,
    #[cfg_attr(feature = "openapi", schema(example = "李明"))]
    pub teacher_name: String,
    /// 工号, as HR offices file people.
    #[cfg_attr(feature = "openapi", schema(example = "ES00017"))]
    pub employee_no: String,
    pub level: Level,
    #[cfg_attr(feature = "openapi", schema(example = "已完成线下实操考核，论文见附件编号 2026-17"))]
    pub note: String,
    pub status: ApplicationStatus,
    pub reason: Option<String>,
    pub certificate_id: Option<i64>,
    pub created_at: DateTime<Utc>,
    pub decided_at: Option<DateTime<Utc>>,
}

/// Body of `POST /certification/applications`.
#[derive(Debug, Clone, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewApplication {
    pub level: Level,
    /// What the reviewers should look at (practical assessment, paper, practice record).
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(example = "已完成线下实操考核", max_length = 1000))]
    pub note: String,
}

/// Body of an approval or rejection.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ApplicationDecision {
    /// Required to reject.
    #[cfg_attr(feature = "openapi", schema(example = "实操考核未通过", max_length = 500))]
    pub reason: Option<String>,
}

/// An application read back; a level or status outside the vocabulary is `corrupt_record`.
fn view(m: application::Model) -> Result<Application> {
    Ok(Application {
        id: m.id,
        teacher_id: m.teacher_id,
        teacher_name: String::new(),
        employee_no: String::new(),
        level: kernel::stored(Level::parse(&m.level), "application.level", &m.level)?,
        note: m.note,
        status: kernel::stored(ApplicationStatus::parse(&m.status), "application.status", &m.status)?,
        reason: m.reason,
        certificate_id: m.certificate_id,
        created_at: m.created_at,
        decided_at: m.decided_at,
    })
}

directory::about_teacher!(Application);

/// A teacher applies for a level they do not hold; one pending application per level.
pub async fn submit_application(
    db: &DatabaseConnection,
    now: DateTime<Utc>,
    actor: &Actor,
    input: NewApplication,
) -> Result<Application> {
    let teacher_id = actor.teacher()?;
    kernel::Bound::LONG_NOTE.check("note", &input.note)?;
    let txn = kernel::begin_write(db).await?;
    let rules = require_in_force(&txn).await?;
    let standing = assess(&txn, kernel::china_date(now), teacher_id, &rules).await?;
    if standing.iter().any(|a| a.rule.level == input.level && a.progress.held) {
        return Err(Error::conflict(
            "level_held",
            Text::fixed("已持有该等级证书", "you already hold this level"),
        ));
    }
    let pending = application::Entity::find()
        .filter(application::Column::TeacherId.eq(teacher_id))
        .filter(application::Column::Level.eq(input.level.as_str()))
        .filter(application::Column::Status.eq(ApplicationStatus::Pending.as_str()))
        .one(&txn)
        .await?;
    if pending.is_some() {
        return Err(Error::conflict(
            "application_pending",
            Text::fixed("该等级已有待审核的申请", "an application for this level is pending"),
        ));
    }
    let saved = application::ActiveModel {
        teacher_id: Set(teacher_id),
        org_path: Set(directory::teacher_scope_path(&txn, teacher_id).await?),
        level: Set(input.level.as_str().to_owned()),
        note: Set(input.note.trim().to_owned()),
        status: Set(ApplicationStatus::Pending.as_str().to_owned()),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    txn.commit().await?;
    directory::named(db, view(saved)?).await
}

/// Applications a caller may see, oldest first: a teacher their own, staff who read credits
/// those of their subtree.
pub async fn applications(
    db: &DatabaseConnection,
    actor: &Actor,
    status: Option<ApplicationStatus>,
    page: PageRequest,
) -> Result<Page<Application>> {
    let mut condition = Condition::all();
    match actor.person_id() {
        Some(me) => condition = condition.add(application::Column::TeacherId.eq(me)),
        None => {
            let path = directory::scope_path(db, actor, None, Permission::ReadCredits).await?;
            condition = condition.add(application::Column::OrgPath.starts_with(&path));
        }
    }
    if let Some(status) = status {
        condition = condition.add(application::Column::Status.eq(status.as_str()));
    }
    let select = application::Entity::find().filter(condition).order_by_asc(application::Column::Id);
    directory::named_page(db, fetch_page(db, select, page).await?.try_map(view)?).await
}

async fn pending_in_scope(
    txn: &impl sea_orm::ConnectionTrait,
    actor: &Actor,
    id: i64,
) -> Result<application::Model> {
    let found = application::Entity::find_by_id(id).one(txn).await?.ok_or(Error::NotFound)?;
    actor.authorize(Permission::ManageCertification, &found.org_path)?;
    if found.status != ApplicationStatus::Pending.as_str() {
        return Err(Error::conflict(
            "application_decided",
            Text::fixed("该申请已处理", "the application was already decided"),
        ));
    }
    Ok(found)
}

/// Approves an application and issues the certificate, but only if the teacher meets every
/// requirement of the level under the rules in force; else 422 naming each unmet one.
pub async fn approve_application(
    db: &DatabaseConnection,
    now: DateTime<Utc>,
    actor: &Actor,
    id: i64,
) -> Result<Application> {
    let txn = kernel::begin_write(db).await?;
    let found = pending_in_scope(&txn, actor, id).await?;
    credit::lock_chain(&txn, found.teacher_id).await?;
    let rules = require_in_force(&txn).await?;
    let level = kernel::stored(Level::parse(&found.level), "application.level", &found.level)?;
    let assessment = assess(&txn, kernel::china_date(now), found.teacher_id, &rules)
        .await?
        .into_iter()
        .find(|a| a.rule.level == level)
        .ok_or(Error::NotFound)?;
    if assessment.progress.held {
        return Err(Error::conflict(
            "level_held",
            Text::fixed("申请人已持有该等级证书", "the applicant already holds this level"),
        ));
    }
    if !assessment.progress.missing.is_empty() {
        let errors = assessment
            .progress
            .requirements
            .iter()
            .filter(|r| !r.met)
            .map(|r| {
                let actual = r.actual.clone().unwrap_or_else(|| "—".to_owned());
                FieldError::new(
                    r.kind.as_str(),
                    "requirement_not_met",
                    Text::owned(
                        format!("未达到要求：需要 {}，实际 {actual}", r.required),
                        format!("requirement not met: {} required, {actual} actual", r.required),
                    ),
                )
            })
            .collect();
        return Err(Error::Invalid(errors));
    }
    let certificate =
        issue(&txn, now, found.teacher_id, &rules, &assessment, Issued::OnApplication(found.id)).await?;
    let mut active: application::ActiveModel = found.into();
    active.status = Set(ApplicationStatus::Approved.as_str().to_owned());
    active.decided_by = Set(Some(actor.account_id));
    active.decided_at = Set(Some(now));
    active.certificate_id = Set(Some(certificate.id));
    let saved = active.update(&txn).await?;
    txn.commit().await?;
    directory::named(db, view(saved)?).await
}

/// Rejects an application with a reason the teacher will read.
pub async fn reject_application(
    db: &DatabaseConnection,
    now: DateTime<Utc>,
    actor: &Actor,
    id: i64,
    decision: ApplicationDecision,
) -> Result<Application> {
    let txn = kernel::begin_write(db).await?;
    let found = pending_in_scope(&txn, actor, id).await?;
    let reason = kernel::Bound::REASON.check("reason", decision.reason.as_deref().unwrap_or(""))?;
    let mut active: application::ActiveModel = found.into();
    active.status = Set(ApplicationStatus::Rejected.as_str().to_owned());
    active.reason = Set(Some(reason));
    active.decided_by = Set(Some(actor.account_id));
    active.decided_at = Set(Some(now));
    let saved = active.update(&txn).await?;
    txn.commit().await?;
    directory::named(db, view(saved)?).await
}
