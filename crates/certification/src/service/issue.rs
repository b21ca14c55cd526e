use chrono::{DateTime, Datelike, Utc};
use credit::{Category, Entry};
use futures_util::future::BoxFuture;
use kernel::{AnyConnection, Error, Result, Text};
use rand::Rng;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, ExprTrait, PaginatorTrait, QueryFilter, Set,
};

use super::progress::assess;
use super::rule_sets::{RuleSet, in_force};
use crate::domain::{Judgement, certificate_number, expiry_date};
use crate::entity::{certificate, serial};

/// The ledger's [`credit::AfterPost`] callback: after any entry except a certificate's own,
/// issues every automatic level the teacher now meets, in the poster's transaction, so the
/// certificate exists the moment the last requirement does (and rolls back with it).
pub fn after_ledger_post<'a>(
    conn: AnyConnection<'a>,
    now: DateTime<Utc>,
    entry: &'a Entry,
) -> BoxFuture<'a, Result<()>> {
    Box::pin(async move {
        if entry.category == Category::Certificate {
            return Ok(());
        }
        let Some(rules) = in_force(&conn).await? else { return Ok(()) };
        issue_automatic(&conn, now, entry.teacher_id, &rules).await.map(|_| ())
    })
}

/// Issues automatic levels one after another (C, then B if C was all B lacked, …) until none is
/// due; returns how many it issued. Only a first certificate of a level is issued this way: an
/// expired one is renewed, a revoked one takes a reviewed application. The caller holds the
/// teacher's chain lock.
pub(crate) async fn issue_automatic(
    txn: &impl ConnectionTrait,
    now: DateTime<Utc>,
    teacher_id: i64,
    rules: &RuleSet,
) -> Result<u64> {
    let mut issued = 0;
    loop {
        let judged = assess(txn, kernel::china_date(now), teacher_id, rules).await?;
        let due = judged.into_iter().find(Judgement::due_automatically);
        let Some(due) = due else { return Ok(issued) };
        issue(txn, now, teacher_id, rules, &due, Issued::Automatically).await?;
        issued += 1;
    }
}

/// What a new certificate says; it starts neither revoked, renewed nor notified.
struct Draft {
    number: String,
    teacher_id: i64,
    org_path: String,
    level: kernel::Level,
    serial: i32,
    generation: i32,
    issued_on: chrono::NaiveDate,
    expires_on: chrono::NaiveDate,
    hours_tenths: i64,
}

impl Draft {
    fn into_model(self, rules: &RuleSet, now: DateTime<Utc>) -> certificate::ActiveModel {
        certificate::ActiveModel {
            number: Set(self.number),
            teacher_id: Set(self.teacher_id),
            org_path: Set(self.org_path),
            level: Set(self.level.as_str().to_owned()),
            year: Set(self.issued_on.year()),
            serial: Set(self.serial),
            generation: Set(self.generation),
            verification_code: Set(verification_code()),
            issued_on: Set(self.issued_on),
            expires_on: Set(self.expires_on),
            hours_tenths: Set(self.hours_tenths),
            rule_set_id: Set(rules.id),
            rule_set_version: Set(rules.version),
            ledger_entry_id: Set(None),
            renews_certificate_id: Set(None),
            application_id: Set(None),
            revoked_on: Set(None),
            revoked_by: Set(None),
            revoke_reason: Set(None),
            expiry_notice_sent: Set(false),
            created_at: Set(now),
            ..Default::default()
        }
    }
}

/// Why a certificate is being issued; recorded on it.
pub(crate) enum Issued<'a> {
    Automatically,
    OnApplication(i64),
    AsRenewalOf(&'a certificate::Model),
}

const CODE_ALPHABET: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZ23456789";

/// 20 characters of a 32-letter alphabet without look-alikes: 100 bits, unguessable, and easy
/// to type from a printout.
fn verification_code() -> String {
    let mut rng = rand::rng();
    (0..20).map(|_| char::from(CODE_ALPHABET[rng.random_range(0..CODE_ALPHABET.len())])).collect()
}

/// The next serial of a level in a year. The counter row is incremented inside the issuing
/// transaction, so concurrent issuances wait for each other and a rollback leaves no gap.
async fn next_serial(txn: &impl ConnectionTrait, level: &str, year: i32) -> Result<i32> {
    serial::Entity::insert(serial::ActiveModel {
        level: Set(level.to_owned()),
        year: Set(year),
        last: Set(0),
    })
    .on_conflict_do_nothing_on([serial::Column::Level, serial::Column::Year])
    .exec(txn)
    .await?;
    serial::Entity::update_many()
        .col_expr(serial::Column::Last, Expr::col(serial::Column::Last).add(1))
        .filter(serial::Column::Level.eq(level))
        .filter(serial::Column::Year.eq(year))
        .exec(txn)
        .await?;
    let row = serial::Entity::find_by_id((level.to_owned(), year))
        .one(txn)
        .await?
        .ok_or_else(|| Error::Unexpected(anyhow::anyhow!("certificate serial row vanished")))?;
    Ok(row.last)
}

/// Issues one certificate: number, code, dates, the `certificate` ledger entry and the mail,
/// all in the caller's transaction (which holds the teacher's chain lock).
pub(crate) async fn issue(
    txn: &impl ConnectionTrait,
    now: DateTime<Utc>,
    teacher_id: i64,
    rules: &RuleSet,
    assessment: &Judgement,
    why: Issued<'_>,
) -> Result<certificate::Model> {
    let today = kernel::china_date(now);
    let level = assessment.rule.level;
    let generation = certificate::Entity::find()
        .filter(certificate::Column::TeacherId.eq(teacher_id))
        .filter(certificate::Column::Level.eq(level.as_str()))
        .count(txn)
        .await?;
    let serial = next_serial(txn, level.as_str(), today.year()).await?;
    let prefecture = directory::prefecture(txn).await?;
    let expires_on = match &why {
        Issued::AsRenewalOf(old) => {
            expiry_date(old.expires_on.succ_opt().unwrap_or(old.expires_on), assessment.rule.validity_years)
        }
        _ => expiry_date(today, assessment.rule.validity_years),
    };
    let number = certificate_number(&prefecture.code, today, level, serial);
    let mut draft = Draft {
        number: number.clone(),
        teacher_id,
        org_path: directory::teacher_scope_path(txn, teacher_id).await?,
        level,
        serial,
        generation: i32::try_from(generation).unwrap_or(i32::MAX),
        issued_on: today,
        expires_on,
        hours_tenths: kernel::to_tenths(assessment.hours_counted),
    }
    .into_model(rules, now);
    draft.renews_certificate_id = Set(match &why {
        Issued::AsRenewalOf(old) => Some(old.id),
        _ => None,
    });
    draft.application_id = Set(match why {
        Issued::OnApplication(id) => Some(id),
        _ => None,
    });
    let saved = draft.insert(txn).await.map_err(Error::on_unique(
        "certificate_already_issued",
        Text::fixed("该等级证书刚刚已颁发", "this level's certificate was just issued"),
    ))?;
    let posted = credit::post_certificate(
        txn,
        now,
        credit::NewEntry {
            teacher_id,
            source: credit::Source::Certificate { certificate_id: saved.id },
            hours: rust_decimal::Decimal::ZERO,
            occurred_on: today,
            description: format!("心理健康教育 {} 级资格证书 {number}", level.label()),
            recorded_by: None,
        },
    )
    .await?;
    let mut active: certificate::ActiveModel = saved.into();
    active.ledger_entry_id = Set(Some(posted.entry.id));
    let saved = active.update(txn).await?;
    if let Some(contact) = directory::teacher_contact(txn, teacher_id).await? {
        let mail = notify::Mail::CertificateIssued {
            name: contact.name,
            level: level.label().to_owned(),
            number: saved.number.clone(),
            path: format!("/verify/{}", saved.verification_code),
        };
        let envelope = notify::Envelope {
            to: contact.email,
            english: contact.english,
            mail,
            dedup_key: Some(format!("certificate:{}", saved.id)),
        };
        notify::enqueue(txn, now, envelope).await?;
    }
    Ok(saved)
}

/// A certificate from a data generator or a migration from paper records.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HistoricCertificate {
    pub teacher_id: i64,
    pub level: kernel::Level,
    pub issued_on: chrono::NaiveDate,
}

/// Bulk path for generators and migrations: numbers (continuing each level's and year's
/// serial), codes, dates under the rule set in force, and a `certificate` ledger entry each,
/// all in the caller's transaction. Unlike [`issue`] it judges no requirements: the records it
/// takes were issued elsewhere. Returns how many it stored.
pub async fn import_certificates(
    txn: &impl ConnectionTrait,
    now: DateTime<Utc>,
    rows: Vec<HistoricCertificate>,
) -> Result<u64> {
    let rules = super::rule_sets::require_in_force(txn).await?;
    let prefecture = directory::prefecture(txn).await?;
    let mut last: std::collections::BTreeMap<(kernel::Level, i32), i32> = std::collections::BTreeMap::new();
    let teacher_ids: Vec<i64> = rows.iter().map(|r| r.teacher_id).collect();
    let paths = directory::teacher_scope_paths(txn, &teacher_ids).await?;
    let mut models = Vec::with_capacity(rows.len());
    for row in &rows {
        let rule = rules.levels.iter().find(|r| r.level == row.level).ok_or(Error::NotFound)?;
        let year = row.issued_on.year();
        let serial = match last.get_mut(&(row.level, year)) {
            Some(serial) => serial,
            None => {
                let stored =
                    serial::Entity::find_by_id((row.level.as_str().to_owned(), year)).one(txn).await?;
                last.entry((row.level, year)).or_insert(stored.map_or(0, |s| s.last))
            }
        };
        *serial += 1;
        let draft = Draft {
            number: certificate_number(&prefecture.code, row.issued_on, row.level, *serial),
            teacher_id: row.teacher_id,
            org_path: paths.get(&row.teacher_id).cloned().ok_or(Error::NotFound)?,
            level: row.level,
            serial: *serial,
            generation: 0,
            issued_on: row.issued_on,
            expires_on: expiry_date(row.issued_on, rule.validity_years),
            hours_tenths: kernel::to_tenths(rule.online_hours + rule.offline_hours),
        };
        models.push(draft.into_model(&rules, now));
    }
    for ((level, year), value) in &last {
        serial::Entity::insert(serial::ActiveModel {
            level: Set(level.as_str().to_owned()),
            year: Set(*year),
            last: Set(*value),
        })
        .on_conflict(
            sea_orm::sea_query::OnConflict::columns([serial::Column::Level, serial::Column::Year])
                .update_column(serial::Column::Last)
                .to_owned(),
        )
        .exec_without_returning(txn)
        .await?;
    }
    let numbers: Vec<String> = models.iter().filter_map(|m| m.number.try_as_ref().cloned()).collect();
    for chunk in models.chunks(500) {
        certificate::Entity::insert_many(chunk.to_vec()).exec_without_returning(txn).await?;
    }
    let mut entries = Vec::with_capacity(numbers.len());
    let mut stored_all = Vec::with_capacity(numbers.len());
    for chunk in numbers.chunks(500) {
        let stored = certificate::Entity::find()
            .filter(certificate::Column::Number.is_in(chunk.iter().cloned()))
            .all(txn)
            .await?;
        stored_all.extend(stored.iter().map(|c| c.id));
        entries.extend(stored.into_iter().map(|c| credit::NewEntry {
            teacher_id: c.teacher_id,
            source: credit::Source::Certificate { certificate_id: c.id },
            hours: rust_decimal::Decimal::ZERO,
            occurred_on: c.issued_on,
            description: format!("心理健康教育 {} 级资格证书 {}", c.level.to_uppercase(), c.number),
            recorded_by: None,
        }));
    }
    let count = credit::import_history(txn, now, entries).await?;
    // Every certificate, imported too, points at its ledger entry: the boundary after which
    // hours count toward the level above.
    let sources: Vec<String> = stored_all.iter().map(i64::to_string).collect();
    let entry_ids = credit::entries_of_sources(txn, "certificate", &sources).await?;
    for id in stored_all {
        let entry = entry_ids.get(&id.to_string()).copied();
        certificate::Entity::update_many()
            .col_expr(certificate::Column::LedgerEntryId, Expr::value(entry))
            .filter(certificate::Column::Id.eq(id))
            .exec(txn)
            .await?;
    }
    Ok(count)
}
