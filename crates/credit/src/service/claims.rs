use chrono::{DateTime, NaiveDate, Utc};
use kernel::{
    Actor, Bound, Error, FieldError, Hours, Page, PageRequest, Permission, Result, Text, Violations,
    fetch_page,
};
use rust_decimal::Decimal;
use sea_orm::sea_query::Query;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder, Set,
};
use serde::{Deserialize, Serialize};

use super::access::authorize_manage;
use crate::domain::{ClaimStatus, Source, TrainingForm, from_tenths, to_tenths};
use crate::entity::credit_claim;
use crate::ledger::{MAX_ENTRY_HOURS, NewEntry};
use crate::posting::Ledger;

/// A teacher's claim for training done elsewhere (provincial or national platforms, universities).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CreditClaim {
    #[cfg_attr(feature = "openapi", schema(example = 17))]
    pub id: i64,
    #[cfg_attr(feature = "openapi", schema(example = 101))]
    pub teacher_id: i64,
    #[cfg_attr(feature = "openapi", schema(example = "李明"))]
    pub teacher_name: String,
    /// 工号, as HR offices file people.
    #[cfg_attr(feature = "openapi", schema(example = "ES00017"))]
    pub employee_no: String,
    #[cfg_attr(feature = "openapi", schema(example = "国培计划心理健康教育专题网络研修"))]
    pub title: String,
    #[cfg_attr(feature = "openapi", schema(example = "国家智慧教育平台"))]
    pub organiser: String,
    pub started_on: NaiveDate,
    pub ended_on: NaiveDate,
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "24"))]
    pub hours: Decimal,
    pub form: TrainingForm,
    #[cfg_attr(feature = "openapi", schema(example = "证书编号 GP2026-00318"))]
    pub evidence_ref: String,
    pub status: ClaimStatus,
    pub decided_by: Option<i64>,
    pub decided_at: Option<DateTime<Utc>>,
    pub decision_reason: Option<String>,
    /// The ledger entry an approval posted.
    pub entry_id: Option<i64>,
    pub created_at: DateTime<Utc>,
}

impl CreditClaim {
    /// A claim read back; a form or status outside the vocabulary is `corrupt_record`.
    fn read(m: credit_claim::Model) -> Result<Self> {
        Ok(Self {
            id: m.id,
            teacher_id: m.teacher_id,
            teacher_name: String::new(),
            employee_no: String::new(),
            title: m.title,
            organiser: m.organiser,
            started_on: m.started_on,
            ended_on: m.ended_on,
            hours: from_tenths(m.hours_tenths),
            form: kernel::stored(TrainingForm::parse(&m.form), "credit_claim.form", &m.form)?,
            evidence_ref: m.evidence_ref,
            status: kernel::stored(ClaimStatus::parse(&m.status), "credit_claim.status", &m.status)?,
            decided_by: m.decided_by,
            decided_at: m.decided_at,
            decision_reason: m.decision_reason,
            entry_id: m.entry_id,
            created_at: m.created_at,
        })
    }
}

directory::about_teacher!(CreditClaim);

/// Body of `POST /me/credit-claims`.
#[derive(Debug, Clone, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewClaim {
    #[cfg_attr(
        feature = "openapi",
        schema(example = "国培计划心理健康教育专题网络研修", min_length = 2, max_length = 200)
    )]
    pub title: String,
    #[cfg_attr(feature = "openapi", schema(example = "国家智慧教育平台", min_length = 2, max_length = 200))]
    pub organiser: String,
    #[cfg_attr(feature = "openapi", schema(example = "2026-03-01"))]
    pub started_on: NaiveDate,
    #[cfg_attr(feature = "openapi", schema(example = "2026-04-15"))]
    pub ended_on: NaiveDate,
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "24"))]
    pub hours: Decimal,
    pub form: TrainingForm,
    /// Certificate number, link or file reference an admin can check.
    #[cfg_attr(
        feature = "openapi",
        schema(example = "证书编号 GP2026-00318", min_length = 2, max_length = 500)
    )]
    pub evidence_ref: String,
}

/// Body of an approval or rejection.
#[derive(Debug, Clone, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ClaimDecision {
    #[cfg_attr(feature = "openapi", schema(example = "证书核验无误", min_length = 2, max_length = 500))]
    pub reason: String,
}

/// A teacher submits a claim; it waits for an admin of the teacher's school or county.
pub async fn submit_claim(
    db: &DatabaseConnection,
    now: DateTime<Utc>,
    actor: &Actor,
    input: NewClaim,
) -> Result<CreditClaim> {
    let teacher_id = actor.teacher()?;
    let mut v = Violations::default();
    let title = v.check(Bound::TITLE.check("title", &input.title));
    let organiser = v.check(Bound::TITLE.check("organiser", &input.organiser));
    let evidence = v.check(Bound::new(2, 500).check("evidence_ref", &input.evidence_ref));
    let hours = v.check(Hours::positive(input.hours, Decimal::from(MAX_ENTRY_HOURS), "hours"));
    if input.ended_on < input.started_on {
        v.push(FieldError::new(
            "ended_on",
            "before_start",
            Text::fixed("结束日期不能早于开始日期", "ended_on is before started_on"),
        ));
    }
    if input.ended_on > kernel::china_date(now) {
        v.push(FieldError::new(
            "ended_on",
            "in_future",
            Text::fixed("只能申报已结束的培训", "only finished training can be claimed"),
        ));
    }
    v.finish()?;
    let saved = credit_claim::ActiveModel {
        teacher_id: Set(teacher_id),
        title: Set(title.unwrap_or_default()),
        organiser: Set(organiser.unwrap_or_default()),
        started_on: Set(input.started_on),
        ended_on: Set(input.ended_on),
        hours_tenths: Set(hours.map(|h| to_tenths(h.value())).unwrap_or_default()),
        form: Set(input.form.as_str().to_owned()),
        evidence_ref: Set(evidence.unwrap_or_default()),
        status: Set(ClaimStatus::Pending.as_str().to_owned()),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await?;
    directory::named(db, CreditClaim::read(saved)?).await
}

/// The caller's own claims, newest first.
pub async fn my_claims(
    db: &DatabaseConnection,
    actor: &Actor,
    page: PageRequest,
) -> Result<Page<CreditClaim>> {
    let teacher_id = actor.teacher()?;
    let select = credit_claim::Entity::find()
        .filter(credit_claim::Column::TeacherId.eq(teacher_id))
        .order_by_desc(credit_claim::Column::Id);
    directory::named_page(db, fetch_page(db, select, page).await?.try_map(CreditClaim::read)?).await
}

/// Claims of teachers in the caller's subtree, optionally by status, oldest first (a queue).
pub async fn claims_in_scope(
    db: &DatabaseConnection,
    actor: &Actor,
    status: Option<ClaimStatus>,
    page: PageRequest,
) -> Result<Page<CreditClaim>> {
    actor.require(Permission::ManageCredits)?;
    let mut teachers = directory::teacher_selection(actor.subtree()?, &directory::TeacherFilter::default());
    let teacher_ids =
        Query::select().column(directory::TEACHER_ID).from_subquery(teachers.take(), "scope").to_owned();
    let mut condition = Condition::all().add(credit_claim::Column::TeacherId.in_subquery(teacher_ids));
    if let Some(status) = status {
        condition = condition.add(credit_claim::Column::Status.eq(status.as_str()));
    }
    let select = credit_claim::Entity::find().filter(condition).order_by_asc(credit_claim::Column::Id);
    directory::named_page(db, fetch_page(db, select, page).await?.try_map(CreditClaim::read)?).await
}

/// Approves a pending claim and posts its `external` entry in the same transaction.
pub async fn approve_claim(
    db: &DatabaseConnection,
    ledger: &Ledger,
    now: DateTime<Utc>,
    actor: &Actor,
    claim_id: i64,
    decision: ClaimDecision,
) -> Result<CreditClaim> {
    decide(db, now, actor, claim_id, decision, Outcome::Approved(ledger)).await
}

/// Rejects a pending claim with a reason the teacher will see.
pub async fn reject_claim(
    db: &DatabaseConnection,
    now: DateTime<Utc>,
    actor: &Actor,
    claim_id: i64,
    decision: ClaimDecision,
) -> Result<CreditClaim> {
    decide(db, now, actor, claim_id, decision, Outcome::Rejected).await
}

/// A decision on a claim; an approval posts through the ledger.
enum Outcome<'a> {
    Approved(&'a Ledger),
    Rejected,
}

async fn decide(
    db: &DatabaseConnection,
    now: DateTime<Utc>,
    actor: &Actor,
    claim_id: i64,
    decision: ClaimDecision,
    outcome: Outcome<'_>,
) -> Result<CreditClaim> {
    let claim = credit_claim::Entity::find_by_id(claim_id).one(db).await?.ok_or(Error::NotFound)?;
    authorize_manage(db, actor, claim.teacher_id).await?;
    let reason = Bound::REASON.check("reason", &decision.reason)?;
    let txn = kernel::begin_write(db).await?;
    // Decide only a claim that is still pending, so two admins cannot both decide it.
    let claim = credit_claim::Entity::find_by_id(claim_id).one(&txn).await?.ok_or(Error::NotFound)?;
    if claim.status != ClaimStatus::Pending.as_str() {
        return Err(Error::conflict(
            "claim_decided",
            Text::fixed("该申报已处理", "this claim has already been decided"),
        ));
    }
    let (status, entry_id) = match outcome {
        Outcome::Approved(ledger) => {
            let posted = ledger
                .post(
                    &txn,
                    now,
                    NewEntry {
                        teacher_id: claim.teacher_id,
                        source: Source::Claim { claim_id: claim.id },
                        hours: from_tenths(claim.hours_tenths),
                        occurred_on: claim.ended_on,
                        description: format!("{}（{}）", claim.title, claim.organiser),
                        recorded_by: Some(actor.account_id),
                    },
                )
                .await?;
            (ClaimStatus::Approved, Some(posted.entry.id))
        }
        Outcome::Rejected => (ClaimStatus::Rejected, None),
    };
    let mut active: credit_claim::ActiveModel = claim.into();
    active.status = Set(status.as_str().to_owned());
    active.decided_by = Set(Some(actor.account_id));
    active.decided_at = Set(Some(now));
    active.decision_reason = Set(Some(reason));
    active.entry_id = Set(entry_id);
    let saved = active.update(&txn).await?;
    txn.commit().await?;
    directory::named(db, CreditClaim::read(saved)?).await
}
