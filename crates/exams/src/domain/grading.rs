use serde_json::Value;

use super::QuestionKind;

/// Normalises a fill-in answer for comparison: full-width forms to half-width (Ａ→A, １→1,
/// （→(), ideographic space to space), case folded, runs of white space collapsed.
pub fn normalize_blank(text: &str) -> String {
    let half: String = text
        .chars()
        .map(|c| match c {
            '\u{3000}' => ' ',
            '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
            _ => c,
        })
        .collect();
    half.split_whitespace().collect::<Vec<_>>().join(" ").to_lowercase()
}

fn keys(value: &Value) -> Vec<&str> {
    let mut keys: Vec<&str> =
        value.as_array().map(|a| a.iter().filter_map(Value::as_str).collect()).unwrap_or_default();
    keys.sort_unstable();
    keys.dedup();
    keys
}

/// The automatic score (in tenths) of an answer, or `None` for kinds a trainer grades.
/// Multiple choice is all-or-nothing, or with `partial` a proportional share of the points
/// for a subset of the right keys with no wrong one.
pub fn auto_score(
    kind: QuestionKind,
    key: &Value,
    partial: bool,
    points: i64,
    given: Option<&Value>,
) -> Option<i64> {
    if kind.is_manual() {
        return None;
    }
    let Some(given) = given else {
        return Some(0);
    };
    let score = match kind {
        QuestionKind::SingleChoice | QuestionKind::TrueFalse if given == key => points,
        QuestionKind::SingleChoice | QuestionKind::TrueFalse => 0,
        QuestionKind::MultipleChoice => {
            let (right, chosen) = (keys(key), keys(given));
            let wrong = chosen.iter().any(|c| !right.contains(c));
            if chosen == right {
                points
            } else if partial && !wrong && !chosen.is_empty() {
                points * chosen.len() as i64 / right.len() as i64
            } else {
                0
            }
        }
        QuestionKind::FillBlank => {
            let accepted: Vec<String> = match key {
                Value::Array(a) => a.iter().filter_map(Value::as_str).map(normalize_blank).collect(),
                Value::String(s) => vec![normalize_blank(s)],
                _ => Vec::new(),
            };
            let matches = given.as_str().is_some_and(|g| accepted.contains(&normalize_blank(g)));
            if matches { points } else { 0 }
        }
        _ => 0,
    };
    Some(score)
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn full_width_and_half_width_blanks_match() {
        assert_eq!(normalize_blank("ＡＢＣ　１２３"), "abc 123");
        let key = json!(["SCL-90", "症状自评量表"]);
        assert_eq!(
            auto_score(QuestionKind::FillBlank, &key, false, 20, Some(&json!("ｓｃｌ－９０"))),
            Some(20)
        );
        assert_eq!(
            auto_score(QuestionKind::FillBlank, &key, false, 20, Some(&json!(" 症状自评量表 "))),
            Some(20)
        );
        assert_eq!(auto_score(QuestionKind::FillBlank, &key, false, 20, Some(&json!("SDS"))), Some(0));
    }

    #[test]
    fn multiple_choice_is_all_or_nothing_unless_partial() {
        let key = json!(["A", "C"]);
        assert_eq!(
            auto_score(QuestionKind::MultipleChoice, &key, false, 40, Some(&json!(["C", "A"]))),
            Some(40)
        );
        assert_eq!(auto_score(QuestionKind::MultipleChoice, &key, false, 40, Some(&json!(["A"]))), Some(0));
        assert_eq!(auto_score(QuestionKind::MultipleChoice, &key, true, 40, Some(&json!(["A"]))), Some(20));
        assert_eq!(
            auto_score(QuestionKind::MultipleChoice, &key, true, 40, Some(&json!(["A", "B"]))),
            Some(0)
        );
    }

    #[test]
    fn unanswered_scores_zero_and_manual_kinds_wait_for_a_trainer() {
        assert_eq!(auto_score(QuestionKind::TrueFalse, &json!(true), false, 10, None), Some(0));
        assert_eq!(
            auto_score(QuestionKind::TrueFalse, &json!(true), false, 10, Some(&json!(true))),
            Some(10)
        );
        assert_eq!(auto_score(QuestionKind::Essay, &json!(null), false, 10, Some(&json!("text"))), None);
    }
}
