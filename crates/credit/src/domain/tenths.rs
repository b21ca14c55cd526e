use rust_decimal::Decimal;

/// Hours as stored: whole tenths. `Hours` guarantees at most one decimal place.
pub(crate) fn to_tenths(hours: Decimal) -> i64 {
    use rust_decimal::prelude::ToPrimitive;
    (hours * Decimal::TEN).round().to_i64().unwrap_or(0)
}

/// Stored tenths back to hours, normalised (`25` → `2.5`, `30` → `3`).
pub(crate) fn from_tenths(tenths: i64) -> Decimal {
    Decimal::new(tenths, 1).normalize()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_one_decimal_place() {
        for text in ["0", "0.5", "2.5", "360", "-1.5"] {
            let hours: Decimal = text.parse().unwrap();
            assert_eq!(from_tenths(to_tenths(hours)), hours);
        }
        assert_eq!(from_tenths(30).to_string(), "3");
    }
}
