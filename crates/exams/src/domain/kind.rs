use kernel::{FieldError, Text};
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// The question types of the bank; the first four grade automatically.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum QuestionKind {
    SingleChoice,
    MultipleChoice,
    TrueFalse,
    FillBlank,
    ShortAnswer,
    Essay,
    CaseAnalysis,
}

impl QuestionKind {
    pub const ALL: [QuestionKind; 7] = [
        Self::SingleChoice,
        Self::MultipleChoice,
        Self::TrueFalse,
        Self::FillBlank,
        Self::ShortAnswer,
        Self::Essay,
        Self::CaseAnalysis,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::SingleChoice => "single_choice",
            Self::MultipleChoice => "multiple_choice",
            Self::TrueFalse => "true_false",
            Self::FillBlank => "fill_blank",
            Self::ShortAnswer => "short_answer",
            Self::Essay => "essay",
            Self::CaseAnalysis => "case_analysis",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == value)
    }

    /// Graded by a trainer against a rubric rather than by the server.
    pub fn is_manual(self) -> bool {
        matches!(self, Self::ShortAnswer | Self::Essay | Self::CaseAnalysis)
    }

    pub fn has_options(self) -> bool {
        matches!(self, Self::SingleChoice | Self::MultipleChoice)
    }
}

fn bad(zh: &'static str, en: &'static str) -> FieldError {
    FieldError::new("answer", "invalid_answer_key", Text::fixed(zh, en))
}

/// Checks an answer key against the kind and the option keys: a key for single choice, a
/// non-empty list of keys for multiple choice, a boolean for true/false, one or more accepted
/// texts for a blank; manual kinds take an optional reference answer text.
pub fn check_answer_key(kind: QuestionKind, keys: &[String], answer: &Value) -> Result<(), FieldError> {
    let known = |k: &Value| k.as_str().is_some_and(|k| keys.iter().any(|o| o == k));
    let ok = match kind {
        QuestionKind::SingleChoice => known(answer),
        QuestionKind::MultipleChoice => {
            answer.as_array().is_some_and(|a| !a.is_empty() && a.iter().all(known))
        }
        QuestionKind::TrueFalse => answer.is_boolean(),
        QuestionKind::FillBlank => match answer {
            Value::String(s) => !s.trim().is_empty(),
            Value::Array(a) => {
                !a.is_empty() && a.iter().all(|v| v.as_str().is_some_and(|s| !s.trim().is_empty()))
            }
            _ => false,
        },
        _ => answer.is_null() || answer.is_string(),
    };
    if ok {
        Ok(())
    } else {
        Err(bad(
            "答案与题型不符：单选给选项键，多选给选项键列表，判断给 true/false，填空给一个或多个可接受答案",
            "the answer does not fit the type: a key, a list of keys, a boolean, or accepted texts",
        ))
    }
}
