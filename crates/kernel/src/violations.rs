use crate::{Error, FieldError, Result};

/// Collects every field error of an input before failing, so a client (or an import of 10,000
/// rows) learns about all its mistakes in one answer instead of one per attempt.
#[derive(Debug, Default)]
pub struct Violations(Vec<FieldError>);

impl Violations {
    /// Keeps the value of a successful parse; records the field errors of a failed one.
    pub fn check<T>(&mut self, result: std::result::Result<T, FieldError>) -> Option<T> {
        match result {
            Ok(value) => Some(value),
            Err(error) => {
                self.0.push(error);
                None
            }
        }
    }

    pub fn push(&mut self, error: FieldError) {
        self.0.push(error);
    }

    /// Whether a field already has an error, so a later rule about it need not pile on.
    pub fn mentions(&self, field: &str) -> bool {
        self.0.iter().any(|e| e.field == field)
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Hands the collected errors over, e.g. to be placed on an import row.
    pub fn into_errors(self) -> Vec<FieldError> {
        self.0
    }

    /// `Ok(())` when nothing was recorded, else every recorded error at once.
    pub fn finish(self) -> Result<()> {
        if self.0.is_empty() { Ok(()) } else { Err(Error::Invalid(self.0)) }
    }
}
