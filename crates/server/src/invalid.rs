//! The catalogue of input errors: what is wrong with a body, query or path value, said in
//! Chinese (English on request) with a stable code and the path of the field at fault
//! (`levels[1].min_score`, `query.category`, `path.id`), never parser text.
//!
//! A value that serde refused is checked against the schema the contract publishes for it, so
//! every field at fault is named at once, as a person fixing a form needs.

use jsonschema::error::{TypeKind, ValidationErrorKind};
use jsonschema::{JsonType, ValidationError};
use kernel::{FieldError, Text};
use serde_json::Value;

/// Every field of `instance` that `validator` finds at fault, under `prefix` (`""` for a body,
/// `"query"`, `"path"`), one error per field and problem, sorted by field.
pub fn field_errors(validator: &jsonschema::Validator, instance: &Value, prefix: &str) -> Vec<FieldError> {
    let mut errors = Vec::new();
    for error in validator.iter_errors(instance) {
        collect(&error, prefix, &mut errors);
    }
    errors.sort_by(|a, b| a.field.cmp(&b.field));
    errors.dedup_by(|a, b| a.field == b.field && a.code == b.code);
    errors
}

fn collect(error: &ValidationError<'_>, prefix: &str, out: &mut Vec<FieldError>) {
    let at = field_path(prefix, error.instance_path().as_str());
    let push = |out: &mut Vec<FieldError>, field: String, code: &'static str, zh: String, en: String| {
        out.push(FieldError::new(field, code, Text::owned(zh, en)));
    };
    match error.kind() {
        ValidationErrorKind::Required { property } => {
            let name = property.as_str().unwrap_or_default();
            push(out, join(&at, name), "required", "必须填写".into(), "is required".into());
        }
        ValidationErrorKind::AdditionalProperties { unexpected }
        | ValidationErrorKind::UnevaluatedProperties { unexpected } => {
            for name in unexpected {
                push(
                    out,
                    join(&at, name),
                    "unknown_field",
                    format!("不支持字段 {name}，请删除"),
                    format!("unknown field {name}; remove it"),
                );
            }
        }
        ValidationErrorKind::Type { kind } => {
            let (zh, en) = expected_type(kind);
            push(out, at, "invalid_type", format!("须为{zh}"), format!("must be {en}"));
        }
        ValidationErrorKind::Enum { options } => {
            let values: Vec<&str> =
                options.as_array().into_iter().flatten().filter_map(Value::as_str).collect();
            push(
                out,
                at,
                "invalid_value",
                format!("须为以下之一：{}", values.join("、")),
                format!("must be one of: {}", values.join(", ")),
            );
        }
        ValidationErrorKind::Format { format } => {
            let (zh, en) = match format.as_str() {
                "date-time" => {
                    ("带时区的日期时间，如 2026-12-01T09:30:00+08:00", "a date and time with offset")
                }
                "date" => ("日期，如 2026-12-01", "a date such as 2026-12-01"),
                "email" => ("电子邮箱地址", "an email address"),
                "uri" => ("完整网址", "an absolute URL"),
                _ => ("正确的格式", "in the documented format"),
            };
            push(out, at, "invalid_format", format!("须为{zh}"), format!("must be {en}"));
        }
        ValidationErrorKind::Minimum { limit } | ValidationErrorKind::ExclusiveMinimum { limit } => {
            push(out, at, "out_of_range", format!("不能小于 {limit}"), format!("must be at least {limit}"));
        }
        ValidationErrorKind::Maximum { limit } | ValidationErrorKind::ExclusiveMaximum { limit } => {
            push(out, at, "out_of_range", format!("不能大于 {limit}"), format!("must be at most {limit}"));
        }
        ValidationErrorKind::MinLength { limit } => {
            push(
                out,
                at,
                "too_short",
                format!("至少 {limit} 个字符"),
                format!("must be at least {limit} characters"),
            );
        }
        ValidationErrorKind::MaxLength { limit } => {
            push(
                out,
                at,
                "too_long",
                format!("不能超过 {limit} 个字符"),
                format!("must be at most {limit} characters"),
            );
        }
        ValidationErrorKind::MinItems { limit } => {
            push(out, at, "too_few", format!("至少 {limit} 项"), format!("needs at least {limit} items"));
        }
        ValidationErrorKind::MaxItems { limit } => {
            push(out, at, "too_many", format!("不能超过 {limit} 项"), format!("takes at most {limit} items"));
        }
        // A nullable or alternative value (`oneOf: [null, X]`): what is wrong with it as an X.
        ValidationErrorKind::OneOfNotValid { context } | ValidationErrorKind::AnyOf { context } => {
            let branch = context
                .iter()
                .filter(|branch| !branch.iter().all(expects_only_null))
                .min_by_key(|branch| branch.len());
            match branch {
                Some(branch) => branch.iter().for_each(|e| collect(e, prefix, out)),
                None => push(out, at, "invalid_value", "取值不正确".into(), "invalid value".into()),
            }
        }
        _ => push(out, at, "invalid_value", "取值不正确".into(), "invalid value".into()),
    }
}

fn expects_only_null(error: &ValidationError<'_>) -> bool {
    matches!(error.kind(), ValidationErrorKind::Type { kind: TypeKind::Single(JsonType::Null) })
}

fn expected_type(kind: &TypeKind) -> (String, String) {
    let names = |t: JsonType| match t {
        JsonType::Null => ("空值", "null"),
        JsonType::Boolean => ("布尔值 true 或 false", "true or false"),
        JsonType::Integer => ("整数", "an integer"),
        JsonType::Number => ("数字", "a number"),
        JsonType::String => ("文本（带引号的字符串）", "a string"),
        JsonType::Array => ("列表", "a list"),
        JsonType::Object => ("对象", "an object"),
    };
    let types: Vec<JsonType> = match kind {
        TypeKind::Single(t) => vec![*t],
        TypeKind::Multiple(set) => set.iter().filter(|t| *t != JsonType::Null).collect(),
    };
    let zh: Vec<&str> = types.iter().map(|t| names(*t).0).collect();
    let en: Vec<&str> = types.iter().map(|t| names(*t).1).collect();
    (zh.join("或"), en.join(" or "))
}

/// A JSON pointer (`/levels/1/min_score`) as people read a field (`levels[1].min_score`).
pub fn field_path(prefix: &str, pointer: &str) -> String {
    let mut out = prefix.to_owned();
    for segment in pointer.split('/').skip(1) {
        let segment = segment.replace("~1", "/").replace("~0", "~");
        if !segment.is_empty() && segment.bytes().all(|b| b.is_ascii_digit()) {
            out.push_str(&format!("[{segment}]"));
        } else {
            out = join(&out, &segment);
        }
    }
    if out.is_empty() { "body".to_owned() } else { out }
}

fn join(at: &str, name: &str) -> String {
    if at.is_empty() || at == "body" { name.to_owned() } else { format!("{at}.{name}") }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn pointers_read_as_fields() {
        assert_eq!(field_path("", "/levels/1/min_score"), "levels[1].min_score");
        assert_eq!(field_path("query", "/category"), "query.category");
        assert_eq!(field_path("", ""), "body");
    }

    #[test]
    fn every_bad_field_is_named_at_once_in_chinese() {
        let schema = json!({
            "type": "object", "additionalProperties": false, "required": ["organiser", "title"],
            "properties": {
                "title": {"type": "string", "maxLength": 5},
                "organiser": {"type": "string"},
                "track": {"oneOf": [{"type": "null"}, {"type": "string", "enum": ["c", "b"]}]},
                "beats": {"type": "array", "items": {"type": "object", "properties": {
                    "client_time": {"type": "string", "format": "date-time"},
                    "position_seconds": {"type": "integer", "minimum": 0}}}}
            }
        });
        let validator = jsonschema::options().should_validate_formats(true).build(&schema).unwrap();
        let body = json!({"title": "太长的一个标题", "track": "x", "colour": 1,
            "beats": [{}, {"client_time": 1796154326472_i64, "position_seconds": -5}]});
        let errors = field_errors(&validator, &body, "");
        let fields: Vec<(&str, &str)> = errors.iter().map(|e| (e.field.as_str(), e.code)).collect();
        assert_eq!(
            fields,
            [
                ("beats[1].client_time", "invalid_type"),
                ("beats[1].position_seconds", "out_of_range"),
                ("colour", "unknown_field"),
                ("organiser", "required"),
                ("title", "too_long"),
                ("track", "invalid_value"),
            ]
        );
        let message = |field: &str| errors.iter().find(|e| e.field == field).unwrap().message.zh.clone();
        assert_eq!(message("beats[1].position_seconds"), "不能小于 0");
        assert_eq!(message("track"), "须为以下之一：c、b");
        assert_eq!(message("organiser"), "必须填写");
    }
}
