//! What a teacher's scans are worth: minutes present inside the scheduled time, against the
//! occasion's minimum share of it. Pure, so the roster, the sheet, the report and the ledger
//! judge a record the same way.

use chrono::{DateTime, Utc};
use kernel::{FieldError, Text, Violations};
use serde::Serialize;

use super::status::AttendanceStatus;

/// How a teacher's attendance stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Presence {
    /// No scans, or marked absent or excused.
    Absent,
    /// Signed in, not (yet) out.
    CheckedIn,
    /// Signed in and out, but present for less than the minimum: earns no hours.
    Partial,
    /// Present for at least the minimum, or marked present or late: earns the hours.
    Present,
}

/// The scheduled time of an occasion and the share of it an attendee must be present.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Schedule {
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    /// 1–100; 80 by default.
    pub min_presence_percent: u32,
}

impl Schedule {
    /// Minutes of the scheduled time.
    pub fn minutes(&self) -> i64 {
        (self.ends_at - self.starts_at).num_minutes().max(0)
    }

    /// The minutes an attendee must be present: the minimum share of the schedule, rounded up.
    pub fn required_minutes(&self) -> i64 {
        (self.minutes() * i64::from(self.min_presence_percent) + 99) / 100
    }

    /// Judges one record: a manual mark decides alone; otherwise the minutes between check-in
    /// and check-out that fall inside the schedule.
    pub fn judge(
        &self,
        mark: Option<AttendanceStatus>,
        checked_in_at: Option<DateTime<Utc>>,
        checked_out_at: Option<DateTime<Utc>>,
    ) -> (Presence, i64) {
        match (mark, checked_in_at, checked_out_at) {
            (Some(status), ..) if status.attended() => (Presence::Present, self.minutes()),
            (Some(_), ..) => (Presence::Absent, 0),
            (None, Some(inn), Some(out)) => {
                let minutes = (out.min(self.ends_at) - inn.max(self.starts_at)).num_minutes().max(0);
                let presence =
                    if minutes >= self.required_minutes() { Presence::Present } else { Presence::Partial };
                (presence, minutes)
            }
            (None, Some(_), None) => (Presence::CheckedIn, 0),
            _ => (Presence::Absent, 0),
        }
    }
}

/// An occasion's presence rules as clients see them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PresenceRules {
    /// The share of the scheduled time an attendee must be present to earn the hours.
    #[cfg_attr(feature = "openapi", schema(example = 80))]
    pub min_presence_percent: u32,
    /// Check-out opens this many minutes before the end (and stays open through the grace).
    #[cfg_attr(feature = "openapi", schema(example = 15))]
    pub closing_window_minutes: u32,
}

impl PresenceRules {
    /// The rules as stored on an occasion's row.
    pub fn stored(min_presence_percent: i32, closing_window_minutes: i32) -> Self {
        Self {
            min_presence_percent: u32::try_from(min_presence_percent).unwrap_or(100),
            closing_window_minutes: u32::try_from(closing_window_minutes).unwrap_or(0),
        }
    }
}

/// The default share of the scheduled time an attendee must be present.
pub const DEFAULT_MIN_PRESENCE_PERCENT: u32 = 80;
/// The default minutes before the end at which check-out opens.
pub const DEFAULT_CLOSING_WINDOW_MINUTES: u32 = 15;

/// An occasion's presence settings as a client gave them (`None` takes the default), checked:
/// `(min_presence_percent, closing_window_minutes)`.
pub fn presence_rules(v: &mut Violations, percent: Option<u32>, closing: Option<u32>) -> (u32, u32) {
    let percent = percent.unwrap_or(DEFAULT_MIN_PRESENCE_PERCENT);
    let closing = closing.unwrap_or(DEFAULT_CLOSING_WINDOW_MINUTES);
    if !(1..=100).contains(&percent) {
        v.push(FieldError::new(
            "min_presence_percent",
            "out_of_range",
            Text::fixed("最低出勤比例须在 1 到 100 之间", "min_presence_percent must be 1 to 100"),
        ));
    }
    if !(1..=240).contains(&closing) {
        v.push(FieldError::new(
            "closing_window_minutes",
            "out_of_range",
            Text::fixed("签退时段须在 1 到 240 分钟之间", "closing_window_minutes must be 1 to 240"),
        ));
    }
    (percent, closing)
}

#[cfg(test)]
mod tests {
    use chrono::Duration;

    use super::*;

    fn eight_hours() -> Schedule {
        let starts_at = DateTime::from_timestamp(1_800_000_000, 0).unwrap();
        Schedule { starts_at, ends_at: starts_at + Duration::hours(8), min_presence_percent: 80 }
    }

    #[test]
    fn two_minutes_of_eight_hours_is_partial() {
        let s = eight_hours();
        let inn = s.starts_at + Duration::minutes(5);
        assert_eq!(s.judge(None, Some(inn), Some(inn + Duration::minutes(2))), (Presence::Partial, 2));
        assert_eq!(s.judge(None, Some(inn), Some(inn)), (Presence::Partial, 0));
    }

    #[test]
    fn the_minimum_share_of_the_schedule_is_present_and_time_outside_it_does_not_count() {
        let s = eight_hours();
        assert_eq!(s.required_minutes(), 384);
        let early = s.starts_at - Duration::hours(2);
        assert_eq!(
            s.judge(None, Some(early), Some(s.starts_at + Duration::minutes(383))).0,
            Presence::Partial
        );
        assert_eq!(
            s.judge(None, Some(early), Some(s.starts_at + Duration::minutes(384))),
            (Presence::Present, 384)
        );
    }

    #[test]
    fn a_mark_overrides_the_scans() {
        let s = eight_hours();
        assert_eq!(s.judge(Some(AttendanceStatus::Late), None, None), (Presence::Present, 480));
        let (inn, out) = (Some(s.starts_at), Some(s.ends_at));
        assert_eq!(s.judge(Some(AttendanceStatus::Absent), inn, out), (Presence::Absent, 0));
        assert_eq!(s.judge(None, inn, None), (Presence::CheckedIn, 0));
    }
}
