use std::sync::{Arc, Mutex};

use chrono::{DateTime, Datelike, Duration, FixedOffset, NaiveDate, NaiveTime, Utc};

/// The calendar day people in the prefecture live on: China Standard Time (UTC+8, no daylight
/// saving). Ledger dates, "today", certificate dates and years are China days whatever the
/// server's zone: a course finished at 07:00 on 1 January in Enshi belongs to the new year, though
/// it is still 31 December in UTC.
pub fn china_date(at: DateTime<Utc>) -> NaiveDate {
    (at + Duration::hours(8)).date_naive()
}

/// A day someone gave (a workload entry, a grant, an appointment) held against today in China:
/// a later one is `in_future`, named by `field`.
pub fn not_in_future(field: &str, day: NaiveDate, now: DateTime<Utc>) -> Result<(), crate::FieldError> {
    if day > china_date(now) {
        return Err(crate::FieldError::new(
            field,
            "in_future",
            crate::Text::fixed("日期不能晚于今天", "the date cannot be in the future"),
        ));
    }
    Ok(())
}

/// China Standard Time as an offset, for instants written where people (and verifiers) read them:
/// `2026-12-01T03:48:00+08:00` says both the instant and the China time of day.
pub fn china_offset() -> FixedOffset {
    CHINA
}

const CHINA: FixedOffset = match FixedOffset::east_opt(8 * 3600) {
    Some(offset) => offset,
    None => panic!("UTC+8 is a valid offset"),
};

/// The first instant of a China day (00:00:00 in Enshi).
pub fn china_day_start(day: NaiveDate) -> DateTime<FixedOffset> {
    (day.and_time(NaiveTime::MIN) - Duration::hours(8)).and_utc().with_timezone(&china_offset())
}

/// The last second of a China day (23:59:59 in Enshi): a certificate valid until a date is valid
/// through that whole day where its holder lives.
pub fn china_day_end(day: NaiveDate) -> DateTime<FixedOffset> {
    china_day_start(day) + Duration::days(1) - Duration::seconds(1)
}

/// The year of [`china_date`].
pub fn china_year(at: DateTime<Utc>) -> i32 {
    china_date(at).year()
}

/// The source of "now" for every time rule (lockouts, token expiry, heartbeats, deadlines), so
/// tests can move time instead of sleeping.
pub trait Clock: Send + Sync + std::fmt::Debug {
    fn now(&self) -> DateTime<Utc>;
}

/// Wall-clock time, for production.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> DateTime<Utc> {
        Utc::now()
    }
}

/// A clock that starts at the real time and moves only when told to; clones share one time.
#[derive(Debug, Clone)]
pub struct ManualClock(Arc<Mutex<DateTime<Utc>>>);

impl Default for ManualClock {
    fn default() -> Self {
        Self(Arc::new(Mutex::new(Utc::now())))
    }
}

impl ManualClock {
    pub fn advance(&self, by: Duration) {
        let mut now = self.0.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        *now += by;
    }
}

impl Clock for ManualClock {
    fn now(&self) -> DateTime<Utc> {
        *self.0.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_and_years_follow_china_time() {
        let new_year_eve =
            DateTime::parse_from_rfc3339("2026-12-31T20:00:00+08:00").unwrap().with_timezone(&Utc);
        let new_year = DateTime::parse_from_rfc3339("2027-01-01T00:30:00+08:00").unwrap().with_timezone(&Utc);
        assert_eq!((china_year(new_year_eve), china_year(new_year)), (2026, 2027));
        assert_eq!(new_year.date_naive().to_string(), "2026-12-31", "still the old year in UTC");
        assert_eq!(china_date(new_year).to_string(), "2027-01-01");
    }

    #[test]
    fn a_china_day_runs_from_16_00_utc_the_evening_before() {
        let day = NaiveDate::from_ymd_opt(2026, 12, 1).unwrap();
        assert_eq!(china_day_start(day).to_rfc3339(), "2026-12-01T00:00:00+08:00");
        assert_eq!(china_day_start(day).with_timezone(&Utc).to_rfc3339(), "2026-11-30T16:00:00+00:00");
        assert_eq!(china_day_end(day).to_rfc3339(), "2026-12-01T23:59:59+08:00");
        assert_eq!(china_date(china_day_end(day).with_timezone(&Utc)), day);
    }
}
