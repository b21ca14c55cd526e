use rust_decimal::Decimal;

use crate::{FieldError, Text};

/// Training hours (学时): an exact decimal with at most one decimal place, never a float, so
/// sums that decide promotions are exact.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Hours(Decimal);

impl Hours {
    pub const ZERO: Hours = Hours(Decimal::ZERO);

    /// Accepts hours from 0 up to `max` with at most one decimal place.
    pub fn parse(value: Decimal, max: Decimal, field: &str) -> Result<Self, FieldError> {
        if value.is_sign_negative() || value > max {
            return Err(FieldError::new(
                field,
                "out_of_range",
                Text::owned(
                    format!("学时须在 0 到 {max} 之间"),
                    format!("hours must be between 0 and {max}"),
                ),
            ));
        }
        if value.normalize().scale() > 1 {
            return Err(FieldError::new(
                field,
                "too_precise",
                Text::fixed("学时最多保留一位小数", "hours take at most one decimal place"),
            ));
        }
        Ok(Self(value.normalize()))
    }

    /// Accepts hours above 0 up to `max` with at most one decimal place: what an activity, a
    /// claim or an adjustment is worth (zero hours is no training).
    pub fn positive(value: Decimal, max: Decimal, field: &str) -> Result<Self, FieldError> {
        if value <= Decimal::ZERO {
            return Err(FieldError::new(
                field,
                "out_of_range",
                Text::fixed("学时须大于 0", "hours must be above 0"),
            ));
        }
        Self::parse(value, max, field)
    }

    /// Wraps a value already known to be valid (read back from the ledger, or a sum of hours).
    pub fn from_decimal(value: Decimal) -> Self {
        Self(value.normalize())
    }

    pub fn value(self) -> Decimal {
        self.0
    }
}

/// Hours as stored: whole tenths, so sums are exact integers on every database. Values with
/// more than one decimal place are rounded (callers validate with [`Hours::parse`] first).
pub fn to_tenths(hours: Decimal) -> i64 {
    use rust_decimal::prelude::ToPrimitive;
    (hours * Decimal::TEN).round().to_i64().unwrap_or(0)
}

/// Stored tenths back to hours, normalised (`25` → `2.5`, `30` → `3`).
pub fn from_tenths(tenths: i64) -> Decimal {
    Decimal::new(tenths, 1).normalize()
}

impl std::ops::Add for Hours {
    type Output = Hours;
    fn add(self, other: Hours) -> Hours {
        Hours((self.0 + other.0).normalize())
    }
}

impl std::iter::Sum for Hours {
    fn sum<I: Iterator<Item = Hours>>(iter: I) -> Hours {
        iter.fold(Hours::ZERO, |a, b| a + b)
    }
}

impl std::fmt::Display for Hours {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dec(s: &str) -> Decimal {
        s.parse().unwrap()
    }

    #[test]
    fn accepts_one_decimal_place() {
        assert_eq!(Hours::parse(dec("2.50"), dec("100"), "hours").unwrap().value(), dec("2.5"));
    }

    #[test]
    fn refuses_negative_excessive_and_too_precise() {
        assert!(Hours::parse(dec("-1"), dec("100"), "hours").is_err());
        assert!(Hours::parse(dec("100.1"), dec("100"), "hours").is_err());
        assert!(Hours::parse(dec("1.25"), dec("100"), "hours").is_err());
    }

    #[test]
    fn positive_hours_refuse_zero_and_keep_the_other_rules() {
        assert_eq!(Hours::positive(dec("0.5"), dec("24"), "hours").unwrap().value(), dec("0.5"));
        for (bad, code) in
            [("0", "out_of_range"), ("-2", "out_of_range"), ("25", "out_of_range"), ("1.25", "too_precise")]
        {
            assert_eq!(Hours::positive(dec(bad), dec("24"), "hours").unwrap_err().code, code, "{bad}");
        }
    }

    #[test]
    fn tenths_round_trip_one_decimal_place() {
        for text in ["0", "0.5", "2.5", "360", "-1.5"] {
            assert_eq!(from_tenths(to_tenths(dec(text))), dec(text));
        }
        assert_eq!(from_tenths(30).to_string(), "3");
    }

    #[test]
    fn sums_exactly() {
        let total: Hours = ["0.1", "0.2", "0.3"].iter().map(|s| Hours::from_decimal(dec(s))).sum();
        assert_eq!(total.value(), dec("0.6"));
    }
}
