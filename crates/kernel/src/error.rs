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
