//! A teacher's ledger as evidence for judging a level: every entry with its day and delivery,
//! read in one query, so certification can sum hours on any boundary in pure code.

use chrono::NaiveDate;
use kernel::Result;
use rust_decimal::Decimal;
use sea_orm::sea_query::{Alias, Condition, Expr, JoinType, Query};
use sea_orm::{ConnectionTrait, ExprTrait};

use crate::domain::{ByDelivery, Category, Delivery, TrainingForm, from_tenths};
use crate::entity::{credit_claim, credit_entry};

/// One ledger entry as evidence: when it was earned, how much, and how it was delivered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EntryFact {
    pub id: i64,
    pub occurred_on: NaiveDate,
    pub hours: Decimal,
    /// By the one mapping, [`Category::delivery`] (claims by their form); certificates and
    /// adjustments count as neither.
    pub delivery: Option<Delivery>,
}

impl EntryFact {
    /// Earned after a certificate issued on `day` whose own ledger entry is `entry_id`: on a
    /// later day, or that day after the entry. An imported certificate's entry is appended long
    /// after its day, so the day decides for what came before and after it.
    pub fn after(&self, (day, entry_id): (NaiveDate, i64)) -> bool {
        self.occurred_on > day || (self.occurred_on == day && self.id > entry_id)
    }
}

impl ByDelivery {
    /// Online and offline hours of these entries.
    pub fn sum<'a>(facts: impl IntoIterator<Item = &'a EntryFact>) -> Self {
        let mut out = Self::default();
        for fact in facts {
            match fact.delivery {
                Some(Delivery::Online) => out.online += fact.hours,
                Some(Delivery::Offline) => out.offline += fact.hours,
                None => {}
            }
        }
        out
    }
}

/// Every entry of a teacher's ledger with its delivery, in one query (a claim's form is joined
/// to its entry and to the entry's reversal). A stored category or form outside the vocabulary
/// is `corrupt_record`.
pub async fn entry_facts(db: &impl ConnectionTrait, teacher_id: i64) -> Result<Vec<EntryFact>> {
    let (entry, claim) = (Alias::new("e"), Alias::new("c"));
    let claimed = Condition::any()
        .add(
            Expr::col((claim.clone(), credit_claim::Column::EntryId))
                .equals((entry.clone(), credit_entry::Column::Id)),
        )
        .add(
            Expr::col((claim.clone(), credit_claim::Column::EntryId))
                .equals((entry.clone(), credit_entry::Column::ReversesEntryId)),
        );
    let query = Query::select()
        .column((entry.clone(), credit_entry::Column::Id))
        .column((entry.clone(), credit_entry::Column::OccurredOn))
        .column((entry.clone(), credit_entry::Column::Category))
        .column((entry.clone(), credit_entry::Column::HoursTenths))
        .column((claim.clone(), credit_claim::Column::Form))
        .from_as(credit_entry::Entity, entry.clone())
        .join_as(JoinType::LeftJoin, credit_claim::Entity, claim, claimed)
        .and_where(Expr::col((entry, credit_entry::Column::TeacherId)).eq(teacher_id))
        .to_owned();
    let mut facts = Vec::new();
    for row in db.query_all(&query).await? {
        let category: String = row.try_get("", "category")?;
        let form: Option<String> = row.try_get("", "form")?;
        let form = match form {
            Some(form) => Some(kernel::stored(TrainingForm::parse(&form), "credit_claim.form", &form)?),
            None => None,
        };
        facts.push(EntryFact {
            id: row.try_get("", "id")?,
            occurred_on: row.try_get("", "occurred_on")?,
            hours: from_tenths(row.try_get("", "hours_tenths")?),
            delivery: Category::read(&category)?.delivery(form),
        });
    }
    Ok(facts)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fact(id: i64, day: u32, hours: i64, delivery: Option<Delivery>) -> EntryFact {
        EntryFact {
            id,
            occurred_on: NaiveDate::from_ymd_opt(2026, 5, day).unwrap(),
            hours: Decimal::from(hours),
            delivery,
        }
    }

    #[test]
    fn after_a_certificate_means_a_later_day_or_the_same_day_after_its_entry() {
        let boundary = (NaiveDate::from_ymd_opt(2026, 5, 10).unwrap(), 50);
        assert!(fact(10, 11, 1, None).after(boundary), "a later day, even with an older id (imported)");
        assert!(fact(51, 10, 1, None).after(boundary), "the same day, posted after the certificate");
        assert!(!fact(49, 10, 1, None).after(boundary), "the same day, before the certificate");
        assert!(!fact(90, 9, 1, None).after(boundary), "an earlier day, posted later (imported history)");
    }

    #[test]
    fn sums_count_online_and_offline_and_skip_what_is_neither() {
        let facts = [
            fact(1, 1, 3, Some(Delivery::Online)),
            fact(2, 1, 5, Some(Delivery::Offline)),
            fact(3, 1, 7, None),
            fact(4, 1, -1, Some(Delivery::Online)),
        ];
        assert_eq!(
            ByDelivery::sum(&facts),
            ByDelivery { online: Decimal::from(2), offline: Decimal::from(5) }
        );
    }
}
