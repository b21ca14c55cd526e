use chrono::{DateTime, Duration, FixedOffset, NaiveDate, Utc};
use credit::{Category, EntryWindow};
use kernel::{Actor, Error, Level, Page, PageRequest, Permission, Result, Text, fetch_page};
use rust_decimal::Decimal;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter,
    QueryOrder, Set,
};
use serde::{Deserialize, Serialize};

use super::issue::{Issued, issue};
use super::progress::assess;
use super::rule_sets::require_in_force;
use crate::domain::{CertificateStatus, EXPIRING_WITHIN_DAYS, mask_name, status_on};
use crate::entity::certificate;

/// A certificate as its holder and staff see it: everything printed on it.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Certificate {
    #[cfg_attr(feature = "openapi", schema(example = 17))]
    pub id: i64,
    #[cfg_attr(feature = "openapi", schema(example = "ES-2026-C-000042"))]
    pub number: String,
    #[cfg_attr(feature = "openapi", schema(example = 101))]
    pub teacher_id: i64,
    #[cfg_attr(feature = "openapi", schema(example = "李明"))]
    pub teacher_name: String,
    #[cfg_attr(feature = "openapi", schema(example = "恩施市第一中学"))]
    pub school_name: String,
    pub level: Level,
    pub status: CertificateStatus,
    pub issued_on: NaiveDate,
    pub expires_on: NaiveDate,
    /// When the certificate was written: the instant of issue for one this system issued, the
    /// time of import for one carried over from paper (whose `issued_on` is earlier).
    pub recorded_at: DateTime<Utc>,
    #[cfg_attr(feature = "openapi", schema(example = "Q7MZK2H9TXW4RB8NCV3D"))]
    pub verification_code: String,
    /// Where anyone can check it, relative to the public URL (the QR code carries it whole).
    #[cfg_attr(feature = "openapi", schema(example = "/verify/Q7MZK2H9TXW4RB8NCV3D"))]
    pub verify_path: String,
    #[cfg_attr(feature = "openapi", schema(example = 1))]
    pub rule_set_version: i32,
    /// Hours counted towards the level (or, for a renewal, earned in the old one's window).
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "32"))]
    pub hours_counted: Decimal,
    #[cfg_attr(feature = "openapi", schema(example = "恩施土家族苗族自治州"))]
    pub issuer: String,
    pub renews_certificate_id: Option<i64>,
    pub revoked_on: Option<NaiveDate>,
    pub revoke_reason: Option<String>,
}

impl Certificate {
    /// The instant from which the certificate holds: the moment of issue when it was issued
    /// here, else the start of its issue day in China (an imported paper certificate has a
    /// day, not an instant). Never later than the moment it was recorded, so a credential
    /// fetched right after issue is already valid.
    pub fn valid_from(&self) -> DateTime<FixedOffset> {
        if kernel::china_date(self.recorded_at) == self.issued_on {
            self.recorded_at.with_timezone(&kernel::china_offset())
        } else {
            kernel::china_day_start(self.issued_on)
        }
    }

    /// The last instant it holds: the end of its expiry day in China.
    pub fn valid_until(&self) -> DateTime<FixedOffset> {
        kernel::china_day_end(self.expires_on)
    }
}

/// What the public verification page shows: every claim on the certificate, the holder masked.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PublicCertificate {
    #[cfg_attr(feature = "openapi", schema(example = "ES-2026-C-000042"))]
    pub number: String,
    pub level: Level,
    pub status: CertificateStatus,
    pub issued_on: NaiveDate,
    pub expires_on: NaiveDate,
    #[cfg_attr(feature = "openapi", schema(example = "恩施土家族苗族自治州"))]
    pub issuer: String,
    #[cfg_attr(feature = "openapi", schema(example = "李*明"))]
    pub holder_name: String,
    #[cfg_attr(feature = "openapi", schema(example = "恩施市第一中学"))]
    pub school_name: String,
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "32"))]
    pub hours_counted: Decimal,
    #[cfg_attr(feature = "openapi", schema(example = 1))]
    pub rule_set_version: i32,
    pub revoked_on: Option<NaiveDate>,
}

/// Filters of `GET /certificates`.
#[derive(Debug, Clone, Default)]
pub struct CertificateFilter {
    pub level: Option<Level>,
    pub status: Option<CertificateStatus>,
    pub org_unit: Option<i64>,
    /// Active certificates whose last valid day is at most this many days away.
    pub expiring_within: Option<u32>,
    pub teacher_id: Option<i64>,
    /// The number printed on the certificate (`ES-2026-C-000042`), any case.
    pub number: Option<String>,
    /// Part of the holder's name, employee number or phone.
    pub holder: Option<String>,
}

/// Body of `POST /certificates/{id}/revoke`.
#[derive(Debug, Clone, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Revocation {
    #[cfg_attr(feature = "openapi", schema(example = "培训学时经核查系伪造", max_length = 500))]
    pub reason: String,
}

async fn views(
    db: &impl ConnectionTrait,
    today: NaiveDate,
    models: Vec<certificate::Model>,
) -> Result<Vec<Certificate>> {
    let ids: Vec<i64> = models.iter().map(|m| m.teacher_id).collect();
    let teachers: std::collections::HashMap<i64, directory::Teacher> =
        directory::teachers_by_ids(db, &ids).await?.into_iter().map(|t| (t.id, t)).collect();
    let issuer = directory::prefecture(db).await?.name;
    models
        .into_iter()
        .map(|m| {
            let teacher = teachers.get(&m.teacher_id);
            Ok(Certificate {
                id: m.id,
                verify_path: format!("/verify/{}", m.verification_code),
                teacher_name: teacher.map(|t| t.name.clone()).unwrap_or_default(),
                school_name: teacher.map(|t| t.school_name.clone()).unwrap_or_default(),
                level: kernel::stored(Level::parse(&m.level), "certificate.level", &m.level)?,
                status: status_on(today, m.expires_on, m.revoked_on),
                number: m.number,
                teacher_id: m.teacher_id,
                issued_on: m.issued_on,
                expires_on: m.expires_on,
                recorded_at: m.created_at,
                verification_code: m.verification_code,
                rule_set_version: m.rule_set_version,
                hours_counted: kernel::from_tenths(m.hours_tenths),
                issuer: issuer.clone(),
                renews_certificate_id: m.renews_certificate_id,
                revoked_on: m.revoked_on,
                revoke_reason: m.revoke_reason,
            })
        })
        .collect()
}

async fn view_one(
    db: &impl ConnectionTrait,
    today: NaiveDate,
    model: certificate::Model,
) -> Result<Certificate> {
    views(db, today, vec![model]).await?.into_iter().next().ok_or(Error::NotFound)
}

/// Certificates a caller may see: a teacher their own, staff who read credits their subtree.
pub async fn certificates(
    db: &DatabaseConnection,
    now: DateTime<Utc>,
    actor: &Actor,
    filter: CertificateFilter,
    page: PageRequest,
) -> Result<Page<Certificate>> {
    let today = kernel::china_date(now);
    let mut condition = Condition::all();
    match actor.person_id() {
        Some(me) => condition = condition.add(certificate::Column::TeacherId.eq(me)),
        None => {
            let path = directory::scope_path(db, actor, filter.org_unit, Permission::ReadCredits).await?;
            condition = condition.add(certificate::Column::OrgPath.starts_with(&path));
            if let Some(holder) = filter.holder.as_deref().map(str::trim).filter(|h| !h.is_empty()) {
                let named =
                    directory::TeacherFilter { org_unit: None, role: None, q: Some(holder.to_owned()) };
                let ids: Vec<i64> = db
                    .query_all(&directory::teacher_selection(&path, &named))
                    .await?
                    .iter()
                    .map(|row| row.try_get("", directory::TEACHER_ID))
                    .collect::<std::result::Result<_, _>>()?;
                condition = condition.add(certificate::Column::TeacherId.is_in(ids));
            }
        }
    }
    if let Some(number) = filter.number.as_deref().map(str::trim).filter(|n| !n.is_empty()) {
        condition = condition.add(certificate::Column::Number.eq(number.to_uppercase()));
    }
    if let Some(teacher) = filter.teacher_id {
        condition = condition.add(certificate::Column::TeacherId.eq(teacher));
    }
    if let Some(level) = filter.level {
        condition = condition.add(certificate::Column::Level.eq(level.as_str()));
    }
    let not_revoked = Condition::any()
        .add(certificate::Column::RevokedOn.is_null())
        .add(certificate::Column::RevokedOn.gt(today));
    condition = match filter.status {
        Some(CertificateStatus::Active) => {
            condition.add(not_revoked.clone()).add(certificate::Column::ExpiresOn.gte(today))
        }
        Some(CertificateStatus::Expired) => {
            condition.add(not_revoked.clone()).add(certificate::Column::ExpiresOn.lt(today))
        }
        Some(CertificateStatus::Revoked) => condition.add(certificate::Column::RevokedOn.lte(today)),
        None => condition,
    };
    if let Some(days) = filter.expiring_within {
        condition = condition
            .add(not_revoked)
            .add(certificate::Column::ExpiresOn.gte(today))
            .add(certificate::Column::ExpiresOn.lte(today + Duration::days(i64::from(days))));
    }
    let select = certificate::Entity::find().filter(condition).order_by_asc(certificate::Column::Id);
    let page = fetch_page(db, select, page).await?;
    let items = views(db, today, page.items).await?;
    Ok(Page { items, total: page.total, page: page.page, per_page: page.per_page })
}

/// One certificate the caller may see (its holder, or staff reading credits in scope).
async fn visible(
    db: &impl ConnectionTrait,
    actor: &Actor,
    id: i64,
    permission: Permission,
) -> Result<certificate::Model> {
    let found = certificate::Entity::find_by_id(id).one(db).await?.ok_or(Error::NotFound)?;
    if actor.person_id() == Some(found.teacher_id) && permission == Permission::ReadCredits {
        return Ok(found);
    }
    actor.authorize(permission, &found.org_path)?;
    Ok(found)
}

/// One certificate: its holder, or staff who read credits in scope.
pub async fn certificate(
    db: &DatabaseConnection,
    now: DateTime<Utc>,
    actor: &Actor,
    id: i64,
) -> Result<Certificate> {
    let found = visible(db, actor, id, Permission::ReadCredits).await?;
    view_one(db, kernel::china_date(now), found).await
}

/// Withdraws a certificate from today, with the reason; written to the audit log. A revoked
/// level is never re-issued automatically, only on a reviewed application.
pub async fn revoke(
    db: &DatabaseConnection,
    now: DateTime<Utc>,
    actor: &Actor,
    id: i64,
    input: Revocation,
) -> Result<Certificate> {
    let txn = kernel::begin_write(db).await?;
    let found = visible(&txn, actor, id, Permission::ManageCertification).await?;
    let reason = kernel::Bound::REASON.check("reason", &input.reason)?;
    if found.revoked_on.is_some() {
        return Err(Error::Conflict {
            code: "already_revoked",
            detail: Text::fixed("该证书已撤销", "the certificate is already revoked"),
        });
    }
    let today = kernel::china_date(now);
    let (teacher_id, number) = (found.teacher_id, found.number.clone());
    let mut active: certificate::ActiveModel = found.into();
    active.revoked_on = Set(Some(today));
    active.revoked_by = Set(Some(actor.account_id));
    active.revoke_reason = Set(Some(reason.clone()));
    let saved = active.update(&txn).await?;
    directory::record_audit(
        &txn,
        actor,
        Some(teacher_id),
        "certificate_revoked",
        &format!("{number}: {reason}"),
        now,
    )
    .await?;
    txn.commit().await?;
    view_one(db, today, saved).await
}

/// Renews a certificate within 90 days of its expiry (or after it) when the hours the rule set
/// asks for were earned in its validity window: a new certificate, valid from the day after the
/// old one ends, pointing back at it.
pub async fn renew(
    db: &DatabaseConnection,
    now: DateTime<Utc>,
    actor: &Actor,
    id: i64,
) -> Result<Certificate> {
    let today = kernel::china_date(now);
    let txn = kernel::begin_write(db).await?;
    let found = certificate::Entity::find_by_id(id).one(&txn).await?.ok_or(Error::NotFound)?;
    if actor.person_id() != Some(found.teacher_id) {
        actor.authorize(Permission::ManageCertification, &found.org_path)?;
    }
    credit::lock_chain(&txn, found.teacher_id).await?;
    if found.revoked_on.is_some() {
        return Err(Error::conflict(
            "certificate_revoked",
            Text::fixed("已撤销的证书不能续期", "a revoked certificate cannot be renewed"),
        ));
    }
    if (found.expires_on - today).num_days() >= EXPIRING_WITHIN_DAYS {
        return Err(Error::conflict(
            "not_due_for_renewal",
            Text::fixed("证书到期前 90 天内方可续期", "renewal opens 90 days before expiry"),
        ));
    }
    let renewed = certificate::Entity::find()
        .filter(certificate::Column::RenewsCertificateId.eq(found.id))
        .one(&txn)
        .await?;
    if renewed.is_some() {
        return Err(Error::conflict(
            "already_renewed",
            Text::fixed("该证书已续期", "the certificate was already renewed"),
        ));
    }
    let rules = require_in_force(&txn).await?;
    let level = kernel::stored(Level::parse(&found.level), "certificate.level", &found.level)?;
    let mut assessment = assess(&txn, today, found.teacher_id, &rules)
        .await?
        .into_iter()
        .find(|a| a.rule.level == level)
        .ok_or(Error::NotFound)?;
    let window = EntryWindow {
        occurred_from: Some(found.issued_on),
        occurred_to: Some(found.expires_on.min(today)),
        ..EntryWindow::default()
    };
    let earned: Decimal = credit::hours_by_category(&txn, found.teacher_id, &window)
        .await?
        .into_iter()
        .filter(|(category, _)| *category != Category::Certificate)
        .map(|(_, hours)| hours)
        .sum();
    let required = assessment.rule.renewal_hours;
    if earned < required {
        return Err(Error::invalid(
            "renewal_hours",
            "renewal_hours_short",
            Text::owned(
                format!("有效期内须取得 {required} 学时方可续期，现有 {earned} 学时"),
                format!("renewal needs {required} hours in the validity window; {earned} were earned"),
            ),
        ));
    }
    assessment.hours_counted = earned;
    let saved = issue(&txn, now, found.teacher_id, &rules, &assessment, Issued::AsRenewalOf(&found)).await?;
    txn.commit().await?;
    view_one(db, today, saved).await
}

/// Public verification by code, no login: every claim, the holder's name masked.
pub async fn verify(db: &DatabaseConnection, now: DateTime<Utc>, code: &str) -> Result<PublicCertificate> {
    let found = certificate::Entity::find()
        .filter(certificate::Column::VerificationCode.eq(code.trim().to_ascii_uppercase()))
        .one(db)
        .await?
        .ok_or(Error::NotFound)?;
    let cert = view_one(db, kernel::china_date(now), found).await?;
    Ok(PublicCertificate {
        number: cert.number,
        level: cert.level,
        status: cert.status,
        issued_on: cert.issued_on,
        expires_on: cert.expires_on,
        issuer: cert.issuer,
        holder_name: mask_name(&cert.teacher_name),
        school_name: cert.school_name,
        hours_counted: cert.hours_counted,
        rule_set_version: cert.rule_set_version,
        revoked_on: cert.revoked_on,
    })
}

/// Tells each holder once when a certificate enters its last 90 days (and was not renewed).
pub async fn enqueue_expiry_notices(db: &DatabaseConnection, now: DateTime<Utc>) -> Result<u32> {
    let today = kernel::china_date(now);
    let txn = kernel::begin_write(db).await?;
    let due = certificate::Entity::find()
        .filter(certificate::Column::ExpiryNoticeSent.eq(false))
        .filter(certificate::Column::RevokedOn.is_null())
        .filter(certificate::Column::ExpiresOn.gte(today))
        .filter(certificate::Column::ExpiresOn.lt(today + Duration::days(EXPIRING_WITHIN_DAYS)))
        .all(&txn)
        .await?;
    let mut queued = 0;
    for cert in due {
        let renewed = certificate::Entity::find()
            .filter(certificate::Column::RenewsCertificateId.eq(cert.id))
            .one(&txn)
            .await?;
        if renewed.is_none()
            && let Some(contact) = directory::teacher_contact(&txn, cert.teacher_id).await?
        {
            let mail = notify::Mail::CertificateExpiring {
                name: contact.name,
                level: kernel::stored(Level::parse(&cert.level), "certificate.level", &cert.level)?
                    .label()
                    .to_owned(),
                number: cert.number.clone(),
                expires_on: cert.expires_on.to_string(),
                days: (cert.expires_on - today).num_days(),
            };
            let envelope = notify::Envelope {
                to: contact.email,
                english: contact.english,
                mail,
                dedup_key: Some(format!("certificate_expiring:{}", cert.id)),
            };
            notify::enqueue(&txn, now, envelope).await?;
            queued += 1;
        }
        certificate::Entity::update_many()
            .col_expr(certificate::Column::ExpiryNoticeSent, Expr::value(true))
            .filter(certificate::Column::Id.eq(cert.id))
            .exec(&txn)
            .await?;
    }
    txn.commit().await?;
    Ok(queued)
}
