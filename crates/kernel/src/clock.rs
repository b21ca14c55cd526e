use std::sync::{Arc, Mutex};

use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc};

/// The calendar day people in the prefecture live on: China Standard Time (UTC+8, no daylight
/// saving). Ledger dates, "today", certificate dates and years are China days whatever the
/// server's zone: a course finished at 07:00 on 1 January in Enshi belongs to the new year, though
/// it is still 31 December in UTC.
pub fn china_date(at: DateTime<Utc>) -> NaiveDate {
    (at + Duration::hours(8)).date_naive()
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
}
