use crate::Text;

/// The result type of every domain service.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// One input field at fault, with a stable machine code and a message for people.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    /// The field as the client named it, e.g. `phone`.
    pub field: String,
    /// For bulk input, the spreadsheet line the field is on (the header is line 1).
    pub row: Option<u64>,
    pub code: &'static str,
    pub message: Text,
}

impl FieldError {
    pub fn new(field: impl Into<String>, code: &'static str, message: Text) -> Self {
        Self { field: field.into(), row: None, code, message }
    }

    /// The same error, placed on a line of a bulk upload.
    pub fn at_row(self, row: u64) -> Self {
        Self { row: Some(row), ..self }
    }
}

/// Everything a domain service can answer besides success. The server maps each variant to
/// an HTTP status and a stable `code` in exactly one place, so domains never think in HTTP.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The thing does not exist, or exists outside the caller's scope (never reveal which).
    #[error("not found")]
    NotFound,
    /// The input is well-formed but breaks a rule; every field at fault is listed.
    #[error("invalid input: {0:?}")]
    Invalid(Vec<FieldError>),
    /// The request collides with the current state (a duplicate, a wrong state transition).
    #[error("conflict: {code}")]
    Conflict { code: &'static str, detail: Text },
    /// Credentials are missing, wrong or expired.
    #[error("unauthorized: {code}")]
    Unauthorized { code: &'static str, detail: Text },
    /// The caller's role may not do this at all.
    #[error("forbidden")]
    Forbidden,
    /// Too many attempts; try again after the given number of seconds.
    #[error("rate limited for {retry_after_secs}s")]
    RateLimited { retry_after_secs: u64 },
    #[error(transparent)]
    Db(#[from] sea_orm::DbErr),
    /// A failure that is nobody's input: logged in full, answered as a bare 500.
    #[error(transparent)]
    Unexpected(#[from] anyhow::Error),
}

impl Error {
    /// A rule broken by one field.
    pub fn invalid(field: impl Into<String>, code: &'static str, message: Text) -> Self {
        Self::Invalid(vec![FieldError::new(field, code, message)])
    }

    pub fn conflict(code: &'static str, detail: Text) -> Self {
        Self::Conflict { code, detail }
    }

    /// A stored value outside its vocabulary (`column` holds `value`): the data was changed
    /// behind the system's back. Reads refuse it with `corrupt_record` naming the column and
    /// value (no other internals), never relabel it.
    pub fn corrupt(column: &str, value: &str) -> Self {
        Self::Conflict {
            code: "corrupt_record",
            detail: Text::owned(
                format!("数据库中的记录已损坏（{column} 的值“{value}”无法识别），请联系管理员核查"),
                format!(
                    "a stored record is corrupt ({column} holds unknown value '{value}'); ask an administrator to check it"
                ),
            ),
        }
    }

    /// Maps a unique-constraint violation to `Conflict`, so a race between two requests that
    /// both passed their existence checks still answers 409, never 500.
    pub fn on_unique(code: &'static str, detail: Text) -> impl FnOnce(sea_orm::DbErr) -> Error {
        move |err| match err.sql_err() {
            Some(sea_orm::SqlErr::UniqueConstraintViolation(_)) => Error::Conflict { code, detail },
            _ => Error::Db(err),
        }
    }
}

/// A stored vocabulary value read back: `parsed` is its parse, and `None` (a value outside the
/// vocabulary) is corrupt data, [`Error::corrupt`] — never a default.
pub fn stored<T>(parsed: Option<T>, column: &str, value: &str) -> Result<T> {
    parsed.ok_or_else(|| Error::corrupt(column, value))
}

/// Stored JSON read back: text that does not parse as `T` is corrupt data, [`Error::corrupt`]
/// naming `column` and (the start of) the text — never an empty or null default.
pub fn stored_json<T: serde::de::DeserializeOwned>(text: &str, column: &str) -> Result<T> {
    serde_json::from_str(text).map_err(|_| Error::corrupt(column, &excerpt(text)))
}

/// Enough of a stored text to recognise it in a response, without echoing a whole document.
fn excerpt(text: &str) -> String {
    const MAX_CHARS: usize = 40;
    match text.char_indices().nth(MAX_CHARS) {
        Some((end, _)) => format!("{}…", &text[..end]),
        None => text.to_owned(),
    }
}

impl From<sea_orm::TransactionError<Error>> for Error {
    fn from(err: sea_orm::TransactionError<Error>) -> Self {
        match err {
            sea_orm::TransactionError::Connection(db) => Self::Db(db),
            sea_orm::TransactionError::Transaction(inner) => inner,
        }
    }
}

impl From<FieldError> for Error {
    fn from(error: FieldError) -> Self {
        Self::Invalid(vec![error])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn corrupt_detail(error: Error) -> String {
        match error {
            Error::Conflict { code: "corrupt_record", detail } => detail.pick(true).to_owned(),
            other => panic!("expected corrupt_record, got {other:?}"),
        }
    }

    #[test]
    fn stored_json_reads_valid_text() {
        let options: Vec<String> = stored_json(r#"["甲","乙"]"#, "question.options").unwrap();
        assert_eq!(options, ["甲", "乙"]);
        let value: serde_json::Value = stored_json("null", "question.answer").unwrap();
        assert!(value.is_null());
    }

    #[test]
    fn stored_json_refuses_unparsable_text_naming_column_and_value() {
        let detail = corrupt_detail(stored_json::<Vec<String>>("{not json", "question.options").unwrap_err());
        assert!(detail.contains("question.options") && detail.contains("{not json"), "{detail}");
    }

    #[test]
    fn stored_json_refuses_text_of_the_wrong_shape_instead_of_defaulting() {
        // Valid JSON, but not a list: the old `unwrap_or_default()` would have read it as empty.
        let error = stored_json::<Vec<String>>(r#"{"a":1}"#, "exam.sections").unwrap_err();
        assert!(corrupt_detail(error).contains("exam.sections"));
        assert!(stored_json::<Vec<String>>("", "exam.sections").is_err(), "empty text is not an empty list");
    }

    #[test]
    fn stored_json_quotes_only_the_start_of_a_long_value() {
        let long = format!("[{}", "题".repeat(500));
        let detail = corrupt_detail(stored_json::<Vec<String>>(&long, "question.options").unwrap_err());
        assert!(detail.contains(&format!("[{}…", "题".repeat(39))), "{detail}");
        assert!(detail.chars().count() < 200, "{detail}");
    }

    #[test]
    fn stored_refuses_a_value_outside_the_vocabulary() {
        assert_eq!(stored(Some(3), "t.c", "3").unwrap(), 3);
        let detail = corrupt_detail(stored::<u8>(None, "certificate.level", "Z").unwrap_err());
        assert!(detail.contains("certificate.level") && detail.contains("'Z'"), "{detail}");
    }
}
