use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, Utc};
use kernel::{Actor, Page, PageRequest, Result, fetch_page};
use rust_decimal::Decimal;
use sea_orm::sea_query::{Alias, Expr};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, EntityTrait, ExprTrait, QueryFilter, QueryOrder, QuerySelect,
};
use serde::Serialize;

use super::access::authorize_read;
use crate::domain::{ByDelivery, Category, CreditPolicy, TrainingForm, from_tenths};
use crate::entity::{credit_claim, credit_entry, credit_year_total};
use crate::ledger::Entry;

/// Filters of a teacher's entry list.
#[derive(Debug, Clone, Default)]
pub struct EntryFilter {
    pub year: Option<i32>,
    pub category: Option<Category>,
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
}

/// A teacher's totals: overall, per category, per year, and the current cycle against the
/// requirement, with credits (学分) beside hours.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Totals {
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "96.5"))]
    pub total_hours: Decimal,
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "16.1"))]
    pub total_credits: Decimal,
    #[cfg_attr(feature = "openapi", schema(value_type = Object, example = json!({"online_course": "40", "external": "56.5"})))]
    pub by_category: BTreeMap<String, Decimal>,
    /// Hours of online training (courses, exams, external online), by `Category::delivery`:
    /// the same figure the dashboard and qualification progress show.
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "40"))]
    pub online_hours: Decimal,
    /// Hours of offline training (sessions, research events, external in person).
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "56.5"))]
    pub offline_hours: Decimal,
    #[cfg_attr(feature = "openapi", schema(value_type = Object, example = json!({"2025": "60", "2026": "36.5"})))]
    pub by_year: BTreeMap<String, Decimal>,
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "36.5"))]
    pub cycle_hours: Decimal,
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "360"))]
    pub cycle_required_hours: Decimal,
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "6.1"))]
    pub cycle_credits: Decimal,
    #[cfg_attr(feature = "openapi", schema(example = 2026))]
    pub cycle_start_year: i32,
    #[cfg_attr(feature = "openapi", schema(example = 2030))]
    pub cycle_end_year: i32,
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "6"))]
    pub hours_per_credit: Decimal,
}

/// `GET /teachers/{id}/credits`: one page of entries plus the teacher's totals.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CreditStatement {
    pub items: Vec<Entry>,
    pub total: u64,
    pub page: u64,
    pub per_page: u64,
    pub totals: Totals,
}

/// A teacher's entries and totals, for the teacher or for staff in scope (audited).
pub async fn teacher_credits(
    db: &impl ConnectionTrait,
    now: DateTime<Utc>,
    policy: &CreditPolicy,
    actor: &Actor,
    teacher_id: i64,
    filter: EntryFilter,
    page: PageRequest,
) -> Result<CreditStatement> {
    authorize_read(db, actor, teacher_id, "read_credits", now).await?;
    let mut condition = Condition::all().add(credit_entry::Column::TeacherId.eq(teacher_id));
    if let Some(year) = filter.year {
        condition = condition.add(credit_entry::Column::Year.eq(year));
    }
    if let Some(category) = filter.category {
        condition = condition.add(credit_entry::Column::Category.eq(category.as_str()));
    }
    if let Some(from) = filter.from {
        condition = condition.add(credit_entry::Column::OccurredOn.gte(from));
    }
    if let Some(to) = filter.to {
        condition = condition.add(credit_entry::Column::OccurredOn.lte(to));
    }
    let select = credit_entry::Entity::find().filter(condition).order_by_asc(credit_entry::Column::Seq);
    let Page { items, total, page, per_page } = fetch_page(db, select, page).await?;
    let totals = totals(db, now, policy, teacher_id).await?;
    let items = items.into_iter().map(Entry::read).collect::<Result<Vec<_>>>()?;
    Ok(CreditStatement { items, total, page, per_page, totals })
}

/// Sums a teacher's ledger by category and year in one grouped query.
pub(crate) async fn totals(
    db: &impl ConnectionTrait,
    now: DateTime<Utc>,
    policy: &CreditPolicy,
    teacher_id: i64,
) -> Result<Totals> {
    let rows: Vec<(String, i32, i64)> = credit_entry::Entity::find()
        .select_only()
        .column(credit_entry::Column::Category)
        .column(credit_entry::Column::Year)
        .column_as(Expr::col(credit_entry::Column::HoursTenths).sum().cast_as(Alias::new("BIGINT")), "tenths")
        .filter(credit_entry::Column::TeacherId.eq(teacher_id))
        .group_by(credit_entry::Column::Category)
        .group_by(credit_entry::Column::Year)
        .into_tuple()
        .all(db)
        .await?;
    let cycle = policy.cycle_of(kernel::china_year(now));
    let (mut total, mut in_cycle) = (0i64, 0i64);
    let mut by_category: BTreeMap<String, i64> = BTreeMap::new();
    let mut by_year: BTreeMap<String, i64> = BTreeMap::new();
    for (category, year, tenths) in rows {
        total += tenths;
        if (cycle.first_year..=cycle.last_year).contains(&year) {
            in_cycle += tenths;
        }
        *by_category.entry(category).or_default() += tenths;
        *by_year.entry(year.to_string()).or_default() += tenths;
    }
    let mut per_category = BTreeMap::new();
    for (name, tenths) in &by_category {
        per_category.insert(Category::read(name)?, from_tenths(*tenths));
    }
    let delivered =
        ByDelivery::of(&per_category, online_claim_hours(db, teacher_id, &EntryWindow::default()).await?);
    let hours = |map: BTreeMap<String, i64>| map.into_iter().map(|(k, v)| (k, from_tenths(v))).collect();
    Ok(Totals {
        online_hours: delivered.online,
        offline_hours: delivered.offline,
        total_hours: from_tenths(total),
        total_credits: policy.credits(from_tenths(total)),
        by_category: hours(by_category),
        by_year: hours(by_year),
        cycle_hours: from_tenths(in_cycle),
        cycle_required_hours: policy.cycle_required_hours,
        cycle_credits: policy.credits(from_tenths(in_cycle)),
        cycle_start_year: cycle.first_year,
        cycle_end_year: cycle.last_year,
        hours_per_credit: policy.hours_per_credit,
    })
}

/// A teacher's online and offline hours of one year from the kept totals row (one read by
/// key, no sum over the ledger): what the home screen shows. Posting keeps the row by the one
/// mapping, [`crate::Category::delivery`] (a claim by its form, a reversal as what it reverses),
/// so it agrees with statements and qualification progress; a year without entries is zero.
pub async fn year_by_delivery(db: &impl ConnectionTrait, teacher_id: i64, year: i32) -> Result<ByDelivery> {
    let kept = credit_year_total::Entity::find_by_id((teacher_id, year)).one(db).await?;
    Ok(kept.map_or_else(ByDelivery::default, |row| ByDelivery {
        online: from_tenths(row.online_tenths),
        offline: from_tenths(row.offline_tenths),
    }))
}

/// Which of a teacher's entries a sum covers; every bound is optional.
#[derive(Debug, Clone, Default)]
pub struct EntryWindow {
    pub year: Option<i32>,
    /// Only entries recorded after this one (e.g. after the certificate a level builds on).
    pub after_entry_id: Option<i64>,
    pub occurred_from: Option<NaiveDate>,
    pub occurred_to: Option<NaiveDate>,
}

/// A teacher's hours per category within a window: the evidence dashboards and certification
/// read, straight from the ledger (no audit: callers show a teacher their own figures or act on
/// them in the system's name).
pub async fn hours_by_category(
    db: &impl ConnectionTrait,
    teacher_id: i64,
    window: &EntryWindow,
) -> Result<BTreeMap<Category, Decimal>> {
    let select = credit_entry::Entity::find()
        .select_only()
        .column(credit_entry::Column::Category)
        .column_as(Expr::col(credit_entry::Column::HoursTenths).sum().cast_as(Alias::new("BIGINT")), "tenths")
        .filter(credit_entry::Column::TeacherId.eq(teacher_id))
        .filter(window.condition());
    let rows: Vec<(String, i64)> =
        select.group_by(credit_entry::Column::Category).into_tuple().all(db).await?;
    rows.into_iter().map(|(c, t)| Ok((Category::read(&c)?, from_tenths(t)))).collect()
}

impl EntryWindow {
    fn condition(&self) -> Condition {
        use credit_entry::Column as C;
        Condition::all()
            .add_option(self.year.map(|year| C::Year.eq(year)))
            .add_option(self.after_entry_id.map(|id| C::Id.gt(id)))
            .add_option(self.occurred_from.map(|from| C::OccurredOn.gte(from)))
            .add_option(self.occurred_to.map(|to| C::OccurredOn.lte(to)))
    }
}

/// Hours of approved online claims in the window, net of their reversals.
async fn online_claim_hours(
    db: &impl ConnectionTrait,
    teacher_id: i64,
    window: &EntryWindow,
) -> Result<Decimal> {
    let entries: Vec<i64> = credit_claim::Entity::find()
        .filter(credit_claim::Column::TeacherId.eq(teacher_id))
        .filter(credit_claim::Column::Form.eq(TrainingForm::Online.as_str()))
        .all(db)
        .await?
        .into_iter()
        .filter_map(|c| c.entry_id)
        .collect();
    if entries.is_empty() {
        return Ok(Decimal::ZERO);
    }
    let of_claims = Condition::any()
        .add(credit_entry::Column::Id.is_in(entries.clone()))
        .add(credit_entry::Column::ReversesEntryId.is_in(entries));
    let tenths: i64 = credit_entry::Entity::find()
        .filter(credit_entry::Column::TeacherId.eq(teacher_id))
        .filter(of_claims)
        .filter(window.condition())
        .all(db)
        .await?
        .iter()
        .map(|e| e.hours_tenths)
        .sum();
    Ok(from_tenths(tenths))
}
