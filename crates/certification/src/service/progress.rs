use chrono::{DateTime, NaiveDate, Utc};
use kernel::{Actor, Level, Permission, Result};
use sea_orm::sea_query::UnionType;
use sea_orm::{ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder};
use serde::Serialize;

use super::rule_sets::{RuleSet, require_in_force};
use crate::domain::{CertificateFact, Judgement, LevelProgress, TeacherEvidence, judge};
use crate::entity::certificate;

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

/// Everything a teacher is judged on, in three queries: the certificates, the ledger's entries
/// with their delivery, and one union of the other domains' facts (roles, exam passes,
/// practice). A stored value outside its vocabulary is `corrupt_record`.
pub(crate) async fn evidence(db: &impl ConnectionTrait, teacher_id: i64) -> Result<TeacherEvidence> {
    let certificates = certificate::Entity::find()
        .filter(certificate::Column::TeacherId.eq(teacher_id))
        .order_by_asc(certificate::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .map(|c| {
            Ok(CertificateFact {
                level: kernel::stored(Level::parse(&c.level), "certificate.level", &c.level)?,
                id: c.id,
                number: c.number,
                issued_on: c.issued_on,
                expires_on: c.expires_on,
                revoked_on: c.revoked_on,
                ledger_entry_id: c.ledger_entry_id,
            })
        })
        .collect::<Result<Vec<_>>>()?;
    let entries = credit::entry_facts(db, teacher_id).await?;
    let facts = directory::role_facts(teacher_id)
        .union(UnionType::All, exams::pass_facts(teacher_id))
        .union(UnionType::All, research::practice_facts(teacher_id))
        .to_owned();
    let mut out = TeacherEvidence { certificates, entries, ..TeacherEvidence::default() };
    let mut practice = research::PracticeRecord::default();
    for row in db.query_all(&facts).await? {
        let (fact, key): (String, String) = (row.try_get("", "fact")?, row.try_get("", "fact_key")?);
        let amount: Option<i64> = row.try_get("", "amount")?;
        match fact.as_str() {
            "role" => out.roles.push(directory::MhRole::read(&key)?),
            "exam_pass" => {
                let exam = kernel::stored(key.parse().ok(), "attempt.exam_id", &key)?;
                out.best_passes.insert(exam, kernel::from_tenths(amount.unwrap_or(0)));
            }
            _ => practice.add(&key, amount.unwrap_or(0), row.try_get("", "n")?)?,
        }
    }
    (out.counseling_minutes, out.mh_lessons) = (practice.counseling_minutes, practice.mh_lessons);
    Ok(out)
}

/// Judges every level of `rules` for a teacher on `today`: the evidence read, then the pure
/// [`judge`].
pub(crate) async fn assess(
    db: &impl ConnectionTrait,
    today: NaiveDate,
    teacher_id: i64,
    rules: &RuleSet,
) -> Result<Vec<Judgement>> {
    Ok(judge(&rules.levels, &evidence(db, teacher_id).await?, today))
}

/// The lowest level the teacher does not hold, with what it still needs: the dashboard's
/// "next step". `None` when no rule set is in force or every level is held.
pub async fn next_level(
    db: &DatabaseConnection,
    now: DateTime<Utc>,
    teacher_id: i64,
) -> Result<Option<LevelProgress>> {
    let Some(rules) = super::rule_sets::in_force(db).await? else { return Ok(None) };
    let levels = assess(db, kernel::china_date(now), teacher_id, &rules).await?;
    Ok(levels.into_iter().map(|a| a.progress).find(|p| !p.held))
}

async fn qualification_of(
    db: &DatabaseConnection,
    now: DateTime<Utc>,
    teacher_id: i64,
) -> Result<Qualification> {
    let rules = require_in_force(db).await?;
    let levels = assess(db, kernel::china_date(now), teacher_id, &rules)
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
