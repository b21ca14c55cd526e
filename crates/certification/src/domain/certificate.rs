use chrono::{Datelike, Months, NaiveDate};
use kernel::{Level, string_enum};

string_enum! {
    /// A certificate on a given day: in force, past its expiry, or withdrawn.
    CertificateStatus { Active => "active", Expired => "expired", Revoked => "revoked" }
}

/// The last day a certificate issued on `issued_on` is valid: the day before the same date
/// `years` later.
pub fn expiry_date(issued_on: NaiveDate, years: u32) -> NaiveDate {
    issued_on.checked_add_months(Months::new(years * 12)).and_then(|d| d.pred_opt()).unwrap_or(NaiveDate::MAX)
}

/// Status on `day`: revoked from the day of revocation, expired after the last valid day.
pub fn status_on(day: NaiveDate, expires_on: NaiveDate, revoked_on: Option<NaiveDate>) -> CertificateStatus {
    if revoked_on.is_some_and(|r| r <= day) {
        CertificateStatus::Revoked
    } else if day > expires_on {
        CertificateStatus::Expired
    } else {
        CertificateStatus::Active
    }
}

/// The printed number: prefecture code, year, level, serial (e.g. `ES-2026-C-000042`).
pub fn certificate_number(prefecture_code: &str, issued_on: NaiveDate, level: Level, serial: i32) -> String {
    format!("{prefecture_code}-{}-{}-{serial:06}", issued_on.year(), level.label())
}

/// A name as public pages show it: first and last character kept (张*明, 欧阳**锋, 李*).
pub fn mask_name(name: &str) -> String {
    let chars: Vec<char> = name.trim().chars().collect();
    match chars.len() {
        0 => String::new(),
        1 => chars[0].to_string(),
        2 => format!("{}*", chars[0]),
        n => format!("{}{}{}", chars[0], "*".repeat(n - 2), chars[n - 1]),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap_or_default()
    }

    #[test]
    fn names_are_masked_keeping_the_ends() {
        assert_eq!(mask_name("张三明"), "张*明");
        assert_eq!(mask_name("欧阳春锋"), "欧**锋");
        assert_eq!(mask_name("李四"), "李*");
        assert_eq!(mask_name("王"), "王");
    }

    #[test]
    fn validity_ends_the_day_before_the_anniversary() {
        assert_eq!(expiry_date(day(2026, 11, 30), 5), day(2031, 11, 29));
        assert_eq!(expiry_date(day(2028, 2, 29), 1), day(2029, 2, 27));
    }

    #[test]
    fn status_follows_revocation_then_expiry() {
        let expires = day(2031, 11, 29);
        assert_eq!(status_on(day(2031, 11, 29), expires, None), CertificateStatus::Active);
        assert_eq!(status_on(day(2031, 11, 30), expires, None), CertificateStatus::Expired);
        assert_eq!(status_on(day(2027, 1, 1), expires, Some(day(2027, 1, 1))), CertificateStatus::Revoked);
        assert_eq!(status_on(day(2026, 12, 31), expires, Some(day(2027, 1, 1))), CertificateStatus::Active);
    }

    #[test]
    fn numbers_carry_code_year_level_and_a_padded_serial() {
        assert_eq!(certificate_number("ES", day(2026, 11, 30), Level::C, 42), "ES-2026-C-000042");
    }

    #[test]
    fn china_day_starts_at_16_utc() {
        let late = day(2026, 12, 31).and_hms_opt(16, 0, 0).map(|d| d.and_utc()).unwrap_or_default();
        assert_eq!(kernel::china_date(late), day(2027, 1, 1));
    }
}
