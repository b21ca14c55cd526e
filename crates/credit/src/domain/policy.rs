use rust_decimal::Decimal;

/// The continuing-education rule totals are reported against: by default the national rule of
/// 360 学时 per five-year cycle (教师〔2011〕1号), cycles counted from 2021, 6 学时 = 1 学分.
/// Regions differ, so all of it is configuration.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CreditPolicy {
    pub cycle_start_year: i32,
    pub cycle_years: i32,
    pub cycle_required_hours: Decimal,
    pub hours_per_credit: Decimal,
}

impl Default for CreditPolicy {
    fn default() -> Self {
        Self {
            cycle_start_year: 2021,
            cycle_years: 5,
            cycle_required_hours: Decimal::from(360),
            hours_per_credit: Decimal::from(6),
        }
    }
}

/// One continuing-education cycle, both years inclusive.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cycle {
    pub first_year: i32,
    pub last_year: i32,
}

impl CreditPolicy {
    /// The cycle a year falls in (cycles tile the years before the start year too).
    pub fn cycle_of(&self, year: i32) -> Cycle {
        let length = self.cycle_years.max(1);
        let first_year = self.cycle_start_year + (year - self.cycle_start_year).div_euclid(length) * length;
        Cycle { first_year, last_year: first_year + length - 1 }
    }

    /// Credits (学分) for hours, to one decimal place.
    pub fn credits(&self, hours: Decimal) -> Decimal {
        if self.hours_per_credit.is_zero() {
            return Decimal::ZERO;
        }
        (hours / self.hours_per_credit).round_dp(1).normalize()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cycles_tile_the_years_from_the_start() {
        let policy = CreditPolicy::default();
        assert_eq!(policy.cycle_of(2026), Cycle { first_year: 2026, last_year: 2030 });
        assert_eq!(policy.cycle_of(2025), Cycle { first_year: 2021, last_year: 2025 });
        assert_eq!(policy.cycle_of(2019), Cycle { first_year: 2016, last_year: 2020 });
    }

    #[test]
    fn credits_convert_hours_at_the_configured_rate() {
        let policy = CreditPolicy::default();
        assert_eq!(policy.credits(Decimal::from(36)).to_string(), "6");
        assert_eq!(policy.credits("10".parse().unwrap()).to_string(), "1.7");
    }
}
