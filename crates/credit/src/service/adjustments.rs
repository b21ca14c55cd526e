use chrono::{DateTime, Utc};
use kernel::{Actor, Bound, Error, FieldError, Hours, Result, Text, Violations};
use rust_decimal::Decimal;
use sea_orm::{DatabaseConnection, EntityTrait};
use serde::Deserialize;

use super::access::authorize_manage;
use crate::domain::{Category, Source, from_tenths};
use crate::entity::credit_entry;
use crate::ledger::{Entry, MAX_ENTRY_HOURS, NewEntry};
use crate::posting::Ledger;

/// Body of `POST /teachers/{id}/credits/adjustments`: external training recognised, a manual
/// adjustment, or (with `reverses_entry_id`) the reversal of a wrong entry.
#[derive(Debug, Clone, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Adjustment {
    /// `external` or `adjustment`; for a reversal, omit it or give the reversed entry's.
    pub category: Option<Category>,
    /// Positive hours; for a reversal, omit them or give the reversed entry's.
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, example = "12"))]
    pub hours: Option<Decimal>,
    #[cfg_attr(feature = "openapi", schema(example = "2026-05-18"))]
    pub occurred_on: chrono::NaiveDate,
    /// Why: mandatory, it is what an auditor reads.
    #[cfg_attr(
        feature = "openapi",
        schema(
            example = "国培计划（2026）心理健康教育骨干教师研修，证书号 GP2026-118",
            min_length = 2,
            max_length = 500
        )
    )]
    pub reason: String,
    /// The entry this one cancels, for corrections.
    #[cfg_attr(feature = "openapi", schema(example = 381))]
    pub reverses_entry_id: Option<i64>,
}

/// A corrupt stored value, reported on the field that named it.
fn corrupt_field(error: Error) -> FieldError {
    match error {
        Error::Conflict { detail, .. } => FieldError::new("reverses_entry_id", "corrupt_record", detail),
        _ => FieldError::new(
            "reverses_entry_id",
            "corrupt_record",
            Text::fixed("记录已损坏", "the record is corrupt"),
        ),
    }
}

fn not_in_future(occurred_on: chrono::NaiveDate, now: DateTime<Utc>) -> std::result::Result<(), FieldError> {
    if occurred_on > kernel::china_date(now) {
        Err(FieldError::new(
            "occurred_on",
            "in_future",
            Text::fixed("日期不能晚于今天", "the date cannot be in the future"),
        ))
    } else {
        Ok(())
    }
}

/// Posts an admin's adjustment or reversal. `idempotency_key` makes a retried request a no-op.
pub async fn adjust(
    db: &DatabaseConnection,
    ledger: &Ledger,
    now: DateTime<Utc>,
    actor: &Actor,
    teacher_id: i64,
    input: Adjustment,
    idempotency_key: Option<&str>,
) -> Result<Entry> {
    authorize_manage(db, actor, teacher_id).await?;
    let mut v = Violations::default();
    let reason = v.check(Bound::REASON.check("reason", &input.reason));
    v.check(not_in_future(input.occurred_on, now));
    let mut reversed = None;
    // `None` where the input is at fault: each such case records its violation, so nothing
    // stands in for a value that could not be read.
    let planned = match input.reverses_entry_id {
        Some(reversed_id) => {
            let target = v.check(reversal_target(db, teacher_id, reversed_id).await?);
            let category =
                target.as_ref().and_then(|t| v.check(Category::read(&t.category).map_err(corrupt_field)));
            if let (Some(t), Some(category)) = (&target, category) {
                let hours = from_tenths(t.hours_tenths);
                if input.category.is_some_and(|c| c != category) || input.hours.is_some_and(|h| h != hours) {
                    v.push(FieldError::new(
                        "hours",
                        "mismatch",
                        Text::fixed(
                            "冲销须与原条目的类别和学时一致",
                            "a reversal must match the entry's category and hours",
                        ),
                    ));
                }
            }
            let planned = target.as_ref().zip(category).map(|(t, category)| {
                (Source::Reversal { entry_id: reversed_id, category }, -from_tenths(t.hours_tenths))
            });
            reversed = target;
            planned
        }
        None => {
            let category = match input.category {
                Some(c) if c.is_manual() => Some(c),
                _ => {
                    v.push(FieldError::new(
                        "category",
                        "not_manual",
                        Text::fixed(
                            "手工录入只能是 external 或 adjustment",
                            "manual entries are external or adjustment",
                        ),
                    ));
                    None
                }
            };
            let hours = v
                .check(Hours::positive(
                    input.hours.unwrap_or_default(),
                    Decimal::from(MAX_ENTRY_HOURS),
                    "hours",
                ))
                .map(Hours::value);
            let key = idempotency_key.map(str::to_owned).unwrap_or_else(|| uuid_like(now));
            category.zip(hours).map(|(category, hours)| {
                (Source::Adjustment { category, key: format!("{}:{key}", actor.account_id) }, hours)
            })
        }
    };
    v.finish()?;
    let Some((source, hours)) = planned else {
        return Err(Error::Unexpected(anyhow::anyhow!("an adjustment passed validation without its source")));
    };
    let category = source.category();
    let description = reason.clone().unwrap_or_default();
    let txn = kernel::begin_write(db).await?;
    let posted = match source {
        Source::Reversal { .. } => {
            let target = Entry::read(reversed.ok_or(Error::NotFound)?)?;
            ledger.reverse(&txn, now, &target, input.occurred_on, description, Some(actor.account_id)).await?
        }
        source => {
            let occurred_on = input.occurred_on;
            let entry = NewEntry {
                teacher_id,
                source,
                hours,
                occurred_on,
                description,
                recorded_by: Some(actor.account_id),
            };
            ledger.post(&txn, now, entry).await?
        }
    };
    txn.commit().await?;
    let replayed = posted.entry.clone();
    let same_request = replayed.teacher_id == teacher_id
        && replayed.category == category
        && replayed.hours == hours
        && replayed.occurred_on == input.occurred_on
        && Some(&replayed.description) == reason.as_ref();
    if idempotency_key.is_some() && input.reverses_entry_id.is_none() && !posted.created && !same_request {
        return Err(Error::conflict(
            "idempotency_key_reused",
            Text::fixed(
                "该 Idempotency-Key 已用于另一项请求",
                "this Idempotency-Key was already used for a different request",
            ),
        ));
    }
    if input.reverses_entry_id.is_some() && !posted.created {
        return Err(Error::conflict(
            "already_reversed",
            Text::fixed("该条目已被冲销过", "this entry has already been reversed"),
        ));
    }
    Ok(posted.entry)
}

/// The entry a reversal may cancel: the same teacher's, and not itself a reversal.
async fn reversal_target(
    db: &DatabaseConnection,
    teacher_id: i64,
    entry_id: i64,
) -> Result<std::result::Result<credit_entry::Model, FieldError>> {
    let found = credit_entry::Entity::find_by_id(entry_id).one(db).await?;
    Ok(match found {
        Some(e) if e.teacher_id == teacher_id && e.reverses_entry_id.is_none() => Ok(e),
        Some(e) if e.teacher_id == teacher_id => Err(FieldError::new(
            "reverses_entry_id",
            "is_reversal",
            Text::fixed("不能冲销一条冲销记录", "a reversal cannot itself be reversed"),
        )),
        _ => Err(FieldError::new(
            "reverses_entry_id",
            "unknown_entry",
            Text::fixed("该教师没有这条学时记录", "this teacher has no such entry"),
        )),
    })
}

/// A unique source id for an adjustment without an idempotency key.
fn uuid_like(now: DateTime<Utc>) -> String {
    use rand::RngCore;
    format!("{}-{:016x}", now.timestamp_micros(), rand::rng().next_u64())
}
