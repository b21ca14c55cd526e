use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, Utc};
use credit::EntryWindow;
use kernel::{Actor, Level, Permission, Result};
use rust_decimal::Decimal;
use sea_orm::{ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder};
use serde::Serialize;

use super::rule_sets::{RuleSet, require_in_force};
use crate::domain::{
    CertificateStatus, Evidence, Issuance, LevelRule, Requirement, RequirementKind, requirements, status_on,
};
use crate::entity::certificate;

/// A certificate is "expiring" this many days before its last valid day.
pub const EXPIRING_WITHIN_DAYS: i64 = 90;

/// Where a teacher stands on one level.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LevelProgress {
    pub level: Level,
    /// An active certificate of this level is held today.
    pub held: bool,
    /// The latest certificate of this level, whatever its status.
    #[cfg_attr(feature = "openapi", schema(example = 17))]
    pub certificate_id: Option<i64>,
    pub certificate_status: Option<CertificateStatus>,
    pub expires_on: Option<NaiveDate>,
    /// Held, and within 90 days of its last valid day: time to renew.
    pub expiring: bool,
    pub issuance: Issuance,
    pub requirements: Vec<Requirement>,
    /// The requirements still unmet.
    pub missing: Vec<RequirementKind>,
}

/// `GET /me/qualification`: every level under the rule set in force.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Qualification {
    #[cfg_attr(feature = "openapi", schema(example = 101))]
    pub teacher_id: i64,
    #[cfg_attr(feature = "openapi", schema(example = 1))]
    pub rule_set_version: i32,
    pub levels: Vec<LevelProgress>,
}

/// One level judged, with what issuing it would record.
pub(crate) struct Assessment {
    pub rule: LevelRule,
    pub progress: LevelProgress,
    /// Online plus offline hours counted towards the level.
    pub hours_counted: Decimal,
    /// A certificate of this level was revoked: it is never re-issued automatically.
    pub ever_revoked: bool,
}

impl Assessment {
    pub fn issuable(&self) -> bool {
        !self.progress.held && self.progress.missing.is_empty()
    }
}

/// Which levels to judge: all, or only the lowest one not held (the dashboard's next step,
/// which should not pay for the levels above it).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Which {
    All,
    FirstNotHeld,
}

/// Judges every level of `rules` for a teacher on `today`. Hours come from the ledger; for B and
/// A only hours recorded after the certificate of the level below count ("64 h more").
pub(crate) async fn assess(
    db: &impl ConnectionTrait,
    today: NaiveDate,
    teacher_id: i64,
    rules: &RuleSet,
    which: Which,
) -> Result<Vec<Assessment>> {
    let certificates = certificate::Entity::find()
        .filter(certificate::Column::TeacherId.eq(teacher_id))
        .order_by_asc(certificate::Column::Id)
        .all(db)
        .await?;
    let status = |c: &certificate::Model| status_on(today, c.expires_on, c.revoked_on);
    let latest: BTreeMap<Level, &certificate::Model> =
        certificates.iter().filter_map(|c| Level::parse(&c.level).map(|l| (l, c))).collect();
    let highest_held = certificates
        .iter()
        .filter(|c| status(c) == CertificateStatus::Active)
        .filter_map(|c| Level::parse(&c.level))
        .max();
    let roles = directory::mh_roles(db, teacher_id).await?;
    let practice = research::practice_record(db, teacher_id).await?;

    let mut rules_in_order = rules.levels.clone();
    rules_in_order.sort_by_key(|r| r.level);
    let mut out = Vec::with_capacity(rules_in_order.len());
    for rule in rules_in_order {
        let last = latest.get(&rule.level);
        let last_status = last.map(|c| status(c));
        let held = last_status == Some(CertificateStatus::Active);
        if which == Which::FirstNotHeld && (held || !out.is_empty()) {
            continue;
        }
        let below = rule.prerequisite.and_then(|p| latest.get(&p));
        let window = EntryWindow {
            after_certificate: below.map(|c| (c.issued_on, c.ledger_entry_id.unwrap_or(0))),
            ..EntryWindow::default()
        };
        let hours = credit::hours_by_delivery(db, teacher_id, &window).await?;
        let exam_score = match rule.exam_id {
            Some(exam) => exams::best_pass_score(db, teacher_id, exam).await?,
            None => None,
        };
        let evidence = Evidence {
            eligible: rule.eligible_roles.is_empty() || rule.eligible_roles.iter().any(|r| roles.contains(r)),
            prerequisite_held: highest_held,
            online_hours: hours.online,
            offline_hours: hours.offline,
            exam_score,
            counseling_hours: Decimal::from(practice.counseling_minutes) / Decimal::from(60),
            mh_lessons: practice.mh_lessons,
            counted_after: below.map(|c| (c.issued_on, c.number.clone())),
        };
        let requirements = requirements(&rule, &evidence);
        let missing = requirements.iter().filter(|r| !r.met).map(|r| r.kind).collect();
        let expiring = held && last.is_some_and(|c| (c.expires_on - today).num_days() < EXPIRING_WITHIN_DAYS);
        out.push(Assessment {
            hours_counted: evidence.online_hours + evidence.offline_hours,
            ever_revoked: certificates
                .iter()
                .any(|c| c.level == rule.level.as_str() && c.revoked_on.is_some()),
            progress: LevelProgress {
                level: rule.level,
                held,
                certificate_id: last.map(|c| c.id),
                certificate_status: last_status,
                expires_on: last.map(|c| c.expires_on),
                expiring,
                issuance: rule.issuance,
                requirements,
                missing,
            },
            rule,
        });
    }
    Ok(out)
}

/// The lowest level the teacher does not hold, with what it still needs: the dashboard's
/// "next step". `None` when no rule set is in force or every level is held.
pub async fn next_level(
    db: &DatabaseConnection,
    now: DateTime<Utc>,
    teacher_id: i64,
) -> Result<Option<LevelProgress>> {
    let Some(rules) = super::rule_sets::in_force(db).await? else { return Ok(None) };
    let levels = assess(db, kernel::china_date(now), teacher_id, &rules, Which::FirstNotHeld).await?;
    Ok(levels.into_iter().next().map(|a| a.progress))
}

async fn qualification_of(
    db: &DatabaseConnection,
    now: DateTime<Utc>,
    teacher_id: i64,
) -> Result<Qualification> {
    let rules = require_in_force(db).await?;
    let levels = assess(db, kernel::china_date(now), teacher_id, &rules, Which::All)
        .await?
        .into_iter()
        .map(|a| a.progress)
        .collect();
    Ok(Qualification { teacher_id, rule_set_version: rules.version, levels })
}

/// What stands between the signed-in teacher and each level.
pub async fn my_qualification(
    db: &DatabaseConnection,
    now: DateTime<Utc>,
    actor: &Actor,
) -> Result<Qualification> {
    qualification_of(db, now, actor.teacher()?).await
}

/// A teacher's progress, for staff who may read credits in the teacher's school.
pub async fn teacher_qualification(
    db: &DatabaseConnection,
    now: DateTime<Utc>,
    actor: &Actor,
    teacher_id: i64,
) -> Result<Qualification> {
    if actor.person_id() != Some(teacher_id) {
        actor.authorize(Permission::ReadCredits, &directory::teacher_scope_path(db, teacher_id).await?)?;
    }
    qualification_of(db, now, teacher_id).await
}
