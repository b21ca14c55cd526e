/// Full-time MH teachers a school must have under the plan: at least one, and one per 1000
/// students, a school under 1000 counting as 1000.
pub fn required_fulltime(students: u32) -> u32 {
    students.max(1000).div_ceil(1000)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn follows_the_plan_ratio_at_the_boundaries() {
        assert_eq!(required_fulltime(0), 1);
        assert_eq!(required_fulltime(999), 1);
        assert_eq!(required_fulltime(1000), 1);
        assert_eq!(required_fulltime(1001), 2);
        assert_eq!(required_fulltime(2500), 3);
    }
}
