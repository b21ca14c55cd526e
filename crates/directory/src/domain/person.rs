use kernel::{FieldError, Text};
use serde::{Deserialize, Serialize};

/// Employee number (工号): letters, digits and `-`, 1 to 32 characters; unique across the
/// prefecture, and a teacher's login name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EmployeeNo(String);

impl EmployeeNo {
    pub fn parse(value: &str) -> Result<Self, FieldError> {
        let value = kernel::Bound::new(1, 32).check("employee_no", value)?;
        if value.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') {
            Ok(Self(value))
        } else {
            Err(FieldError::new(
                "employee_no",
                "invalid_format",
                Text::fixed(
                    "工号只能包含字母、数字和连字符",
                    "employee_no takes letters, digits and '-' only",
                ),
            ))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A mainland China mobile number: 11 digits starting with 1[3-9]; also a login name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Phone(String);

impl Phone {
    pub fn parse(value: &str) -> Result<Self, FieldError> {
        let value = value.trim();
        let bytes = value.as_bytes();
        let valid = bytes.len() == 11
            && bytes[0] == b'1'
            && (b'3'..=b'9').contains(&bytes[1])
            && bytes.iter().all(u8::is_ascii_digit);
        if valid {
            Ok(Self(value.to_owned()))
        } else {
            Err(FieldError::new(
                "phone",
                "invalid_phone",
                Text::fixed(
                    "手机号须为 11 位数字，以 13–19 开头",
                    "phone must be 11 digits starting with 13-19",
                ),
            ))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// An email address, checked for shape only (delivery proves the rest).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Email(String);

impl Email {
    pub fn parse(value: &str) -> Result<Self, FieldError> {
        let value = value.trim();
        let shaped = value.len() <= 254
            && value.split_once('@').is_some_and(|(local, domain)| {
                !local.is_empty()
                    && domain.contains('.')
                    && !domain.starts_with('.')
                    && !domain.ends_with('.')
            })
            && !value.chars().any(char::is_whitespace);
        if shaped {
            Ok(Self(value.to_owned()))
        } else {
            Err(FieldError::new(
                "email",
                "invalid_email",
                Text::fixed("邮箱格式不正确", "email is not a valid address"),
            ))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Gender as recorded by HR; Chinese spellings are accepted from spreadsheets.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Gender {
    #[serde(alias = "男")]
    Male,
    #[serde(alias = "女")]
    Female,
}

impl Gender {
    pub fn as_str(self) -> &'static str {
        match self {
            Gender::Male => "male",
            Gender::Female => "female",
        }
    }

    /// A stored gender read back: only the code the system writes; anything else is
    /// `corrupt_record`, never "not given".
    pub fn read(value: &str) -> kernel::Result<Self> {
        let parsed = [Gender::Male, Gender::Female].into_iter().find(|g| g.as_str() == value);
        kernel::stored(parsed, "person.gender", value)
    }

    pub fn parse(value: &str) -> Result<Self, FieldError> {
        match value.trim() {
            "male" | "男" => Ok(Gender::Male),
            "female" | "女" => Ok(Gender::Female),
            _ => Err(FieldError::new(
                "gender",
                "unknown_gender",
                Text::fixed("性别须为 male/female（男/女）", "gender must be male or female"),
            )),
        }
    }
}

/// The MH roles the plan's targets are counted over; a teacher holds any set of them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum MhRole {
    /// 专职心理健康教师
    MhFulltime,
    /// 兼职心理健康教师
    MhParttime,
    /// 班主任
    HeadTeacher,
    /// 学校领导班子
    SchoolLeader,
    /// 中层干部
    MiddleManager,
    /// 骨干教师
    KeyTeacher,
}

impl MhRole {
    pub const ALL: [MhRole; 6] = [
        MhRole::MhFulltime,
        MhRole::MhParttime,
        MhRole::HeadTeacher,
        MhRole::SchoolLeader,
        MhRole::MiddleManager,
        MhRole::KeyTeacher,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            MhRole::MhFulltime => "mh_fulltime",
            MhRole::MhParttime => "mh_parttime",
            MhRole::HeadTeacher => "head_teacher",
            MhRole::SchoolLeader => "school_leader",
            MhRole::MiddleManager => "middle_manager",
            MhRole::KeyTeacher => "key_teacher",
        }
    }

    /// The role's Chinese names, as rosters write them.
    fn chinese_names(self) -> &'static [&'static str] {
        match self {
            MhRole::MhFulltime => &["专职心理教师", "专职心理健康教师", "专职心理健康教育教师"],
            MhRole::MhParttime => &["兼职心理教师", "兼职心理健康教师", "兼职心理健康教育教师"],
            MhRole::HeadTeacher => &["班主任"],
            MhRole::SchoolLeader => &["学校领导", "领导班子", "学校领导班子"],
            MhRole::MiddleManager => &["中层干部"],
            MhRole::KeyTeacher => &["骨干教师"],
        }
    }

    /// A stored role read back: only the code the system writes; anything else is
    /// `corrupt_record`, never dropped.
    pub fn read(value: &str) -> kernel::Result<Self> {
        kernel::stored(Self::ALL.into_iter().find(|r| r.as_str() == value), "person_role.role", value)
    }

    /// A role by its code (`head_teacher`, any case) or its Chinese name (`班主任`).
    pub fn parse(value: &str) -> Result<Self, FieldError> {
        let value = value.trim();
        let code = value.to_ascii_lowercase();
        Self::ALL
            .into_iter()
            .find(|role| role.as_str() == code || role.chinese_names().contains(&value))
            .ok_or_else(|| {
                FieldError::new(
                    "roles",
                    "unknown_role",
                    Text::owned(
                        format!("未知角色“{value}”：可填 专职心理教师、兼职心理教师、班主任、学校领导、中层干部、骨干教师"),
                        format!("unknown role '{value}': use mh_fulltime, mh_parttime, head_teacher, school_leader, middle_manager or key_teacher"),
                    ),
                )
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stored_roles_and_gender_are_read_strictly() {
        assert_eq!(MhRole::read("head_teacher").unwrap(), MhRole::HeadTeacher);
        assert_eq!(Gender::read("female").unwrap(), Gender::Female);
        // What clients may write is not what the system stores: these are corrupt rows.
        for corrupt in [
            MhRole::read("班主任").map(|_| ()),
            MhRole::read("Head_Teacher").map(|_| ()),
            Gender::read("女").map(|_| ()),
        ] {
            assert!(matches!(corrupt, Err(kernel::Error::Conflict { code: "corrupt_record", .. })));
        }
    }

    #[test]
    fn roles_are_read_by_code_or_chinese_name() {
        assert_eq!(MhRole::parse("班主任").unwrap(), MhRole::HeadTeacher);
        assert_eq!(MhRole::parse("专职心理教师").unwrap(), MhRole::MhFulltime);
        assert_eq!(MhRole::parse("Head_Teacher").unwrap(), MhRole::HeadTeacher);
        assert_eq!(MhRole::parse("校长").unwrap_err().code, "unknown_role");
    }

    #[test]
    fn phone_accepts_mainland_mobile_only() {
        assert!(Phone::parse("13800138000").is_ok());
        for bad in ["12800138000", "1380013800", "138001380000", "1380013800a", ""] {
            assert_eq!(Phone::parse(bad).unwrap_err().code, "invalid_phone", "{bad}");
        }
    }

    #[test]
    fn employee_no_refuses_spaces_and_symbols() {
        assert!(EmployeeNo::parse("ES-2024-001").is_ok());
        assert_eq!(EmployeeNo::parse("ES 001").unwrap_err().code, "invalid_format");
        assert_eq!(EmployeeNo::parse("  ").unwrap_err().code, "required");
    }

    #[test]
    fn email_needs_local_part_and_dotted_domain() {
        assert!(Email::parse("li.ming@es.edu.cn").is_ok());
        for bad in ["li.ming", "@es.cn", "a@cn", "a@.cn", "a b@es.cn"] {
            assert!(Email::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn roles_and_gender_parse_their_spellings() {
        assert_eq!(MhRole::parse("head_teacher").unwrap(), MhRole::HeadTeacher);
        assert_eq!(MhRole::parse("principal").unwrap_err().code, "unknown_role");
        assert_eq!(Gender::parse("女").unwrap(), Gender::Female);
    }
}
