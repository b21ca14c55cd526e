//! What every occasion is announced with — title, place, time, hours, places and presence
//! rules — and the one check of it, so a session and a research event are held to the same
//! rules, with the same codes, when created and when edited.

use chrono::{DateTime, Duration, Utc};
use kernel::{Bound, FieldError, Hours, Text, Violations};
use rust_decimal::Decimal;

use super::presence::presence_rules;

/// An occasion's details as a client sent them (a patch merged over the stored ones).
#[derive(Debug, Clone, Copy)]
pub struct Details<'a> {
    pub title: &'a str,
    pub place: &'a str,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    pub hours: Decimal,
    pub capacity: u32,
    /// `None` takes the default (80).
    pub min_presence_percent: Option<u32>,
    /// `None` takes the default (15).
    pub closing_window_minutes: Option<u32>,
}

/// Details that passed: trimmed texts, hours in tenths and the presence rules
/// `(min_presence_percent, closing_window_minutes)`. Meaningful only when `v` stayed clean.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckedDetails {
    pub title: String,
    pub place: String,
    pub hours_tenths: i64,
    pub presence: (u32, u32),
}

/// The most hours one occasion is worth.
const MAX_HOURS: i64 = 24;
/// The longest an occasion may run.
const MAX_DAYS: i64 = 7;

/// Checks every detail, recording each field at fault in `v` (the owner adds its own fields).
pub fn check_details(v: &mut Violations, details: &Details<'_>) -> CheckedDetails {
    let title = v.check(Bound::TITLE.check("title", details.title));
    let place = v.check(Bound::LABEL.check("place", details.place));
    let hours = v.check(Hours::positive(details.hours, Decimal::from(MAX_HOURS), "hours"));
    let span = details.ends_at - details.starts_at;
    if span <= Duration::zero() || span > Duration::days(MAX_DAYS) {
        v.push(FieldError::new(
            "ends_at",
            "invalid_window",
            Text::fixed(
                "结束时间须晚于开始时间，且一场不超过 7 天",
                "ends_at must follow starts_at, within 7 days",
            ),
        ));
    }
    if !(1..=5000).contains(&details.capacity) {
        v.push(FieldError::new(
            "capacity",
            "out_of_range",
            Text::fixed("人数上限须在 1 到 5000 之间", "capacity must be 1 to 5000"),
        ));
    }
    let presence = presence_rules(v, details.min_presence_percent, details.closing_window_minutes);
    CheckedDetails {
        title: title.unwrap_or_default(),
        place: place.unwrap_or_default(),
        hours_tenths: hours.map(|h| kernel::to_tenths(h.value())).unwrap_or_default(),
        presence,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn details() -> Details<'static> {
        let starts_at = DateTime::from_timestamp(1_800_000_000, 0).unwrap();
        Details {
            title: "  班主任心理辅导技能面授  ",
            place: "报告厅",
            starts_at,
            ends_at: starts_at + Duration::hours(3),
            hours: Decimal::new(35, 1),
            capacity: 100,
            min_presence_percent: None,
            closing_window_minutes: None,
        }
    }

    fn fields(v: Violations) -> Vec<String> {
        match v.finish() {
            Ok(()) => Vec::new(),
            Err(kernel::Error::Invalid(errors)) => errors.into_iter().map(|e| e.field).collect(),
            Err(other) => panic!("{other:?}"),
        }
    }

    #[test]
    fn good_details_are_trimmed_in_tenths_with_default_presence() {
        let mut v = Violations::default();
        let checked = check_details(&mut v, &details());
        assert!(fields(v).is_empty());
        assert_eq!(checked.title, "班主任心理辅导技能面授");
        assert_eq!((checked.hours_tenths, checked.presence), (35, (80, 15)));
    }

    #[test]
    fn every_bad_detail_is_named_at_once() {
        let good = details();
        let bad = Details {
            title: " ",
            ends_at: good.starts_at,
            hours: Decimal::ZERO,
            capacity: 0,
            min_presence_percent: Some(0),
            closing_window_minutes: Some(500),
            ..good
        };
        let mut v = Violations::default();
        check_details(&mut v, &bad);
        let mut named = fields(v);
        named.sort();
        assert_eq!(
            named,
            ["capacity", "closing_window_minutes", "ends_at", "hours", "min_presence_percent", "title"]
        );
    }

    #[test]
    fn an_occasion_runs_at_most_seven_days_and_is_worth_at_most_a_day_of_hours() {
        let good = details();
        let long = Details { ends_at: good.starts_at + Duration::days(7) + Duration::minutes(1), ..good };
        let heavy = Details { hours: Decimal::from(25), ..good };
        for (bad, field) in [(long, "ends_at"), (heavy, "hours")] {
            let mut v = Violations::default();
            check_details(&mut v, &bad);
            assert_eq!(fields(v), [field]);
        }
    }
}
