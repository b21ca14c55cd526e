use crate::{FieldError, Text};

/// How long a person's free text may be. Every length rule of the product is one of these
/// constants, checked by one function with one pair of codes, so a reason is 2–500 characters
/// wherever it is asked for and its message reads the same.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Bound {
    pub min: usize,
    pub max: usize,
}

impl Bound {
    /// Why an admin or trainer changed a record (marks, reversals, early closes, rejections).
    pub const REASON: Bound = Bound::new(2, 500);
    /// Titles and names of courses, exams, banks, events and groups.
    pub const TITLE: Bound = Bound::new(2, 200);
    /// A place, a trainer's name or another short label.
    pub const LABEL: Bound = Bound::new(1, 200);
    /// An optional note beside a request.
    pub const NOTE: Bound = Bound::new(0, 500);
    /// A longer optional note (certification applications).
    pub const LONG_NOTE: Bound = Bound::new(0, 1000);
    /// A course's summary or a grader's comment on an answer.
    pub const TEXT: Bound = Bound::new(0, 2000);

    /// A bound of `min` to `max` characters.
    pub const fn new(min: usize, max: usize) -> Self {
        Self { min, max }
    }

    /// The trimmed text when its length (in characters) is within the bound. An empty text where
    /// one is needed is `required`, a shorter one `too_short`, a longer one `too_long` (the codes
    /// the schema layer gives for `minLength`/`maxLength`); each names `field`.
    pub fn check(self, field: &str, value: &str) -> Result<String, FieldError> {
        let trimmed = value.trim();
        let length = trimmed.chars().count();
        let (min, max) = (self.min, self.max);
        if length == 0 && min > 0 {
            Err(FieldError::new(field, "required", Text::fixed("不能为空", "must not be empty")))
        } else if length < min {
            Err(FieldError::new(
                field,
                "too_short",
                Text::owned(format!("至少 {min} 个字符"), format!("must be at least {min} characters")),
            ))
        } else if length > max {
            Err(FieldError::new(
                field,
                "too_long",
                Text::owned(format!("不能超过 {max} 个字符"), format!("must be at most {max} characters")),
            ))
        } else {
            Ok(trimmed.to_owned())
        }
    }

    /// [`Bound::check`] of an optional text: absent stays absent, present must fit.
    pub fn check_optional(self, field: &str, value: Option<&str>) -> Result<Option<String>, FieldError> {
        value.map(|v| self.check(field, v)).transpose()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_reason_is_trimmed_and_bounded_in_characters_not_bytes() {
        assert_eq!(Bound::REASON.check("reason", "  核验无误 ").unwrap(), "核验无误");
        assert_eq!(Bound::REASON.check("reason", &"字".repeat(500)).unwrap().chars().count(), 500);
        assert_eq!(Bound::REASON.check("reason", &"字".repeat(501)).unwrap_err().code, "too_long");
        assert_eq!(Bound::REASON.check("reason", "好").unwrap_err().code, "too_short");
    }

    #[test]
    fn an_empty_required_text_is_required_and_names_its_field() {
        let error = Bound::TITLE.check("modules[1].title", "   ").unwrap_err();
        assert_eq!((error.field.as_str(), error.code), ("modules[1].title", "required"));
    }

    #[test]
    fn an_optional_note_may_be_empty_but_not_too_long() {
        assert_eq!(Bound::NOTE.check("note", "").unwrap(), "");
        assert_eq!(Bound::NOTE.check_optional("note", None).unwrap(), None);
        assert_eq!(Bound::NOTE.check("note", &"x".repeat(501)).unwrap_err().code, "too_long");
    }
}
