use argon2::Argon2;
use argon2::password_hash::{PasswordHasher, PasswordVerifier, phc::PasswordHash};
use kernel::{FieldError, Text};

/// A password that meets the policy: 8 to 128 characters, not all digits.
#[derive(Clone)]
pub struct Password(String);

impl std::fmt::Debug for Password {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Password(***)")
    }
}

impl Password {
    pub fn parse(value: &str, field: &str) -> Result<Self, FieldError> {
        let length = value.chars().count();
        if !(8..=128).contains(&length) {
            return Err(FieldError::new(
                field,
                "weak_password",
                Text::fixed("密码长度须为 8 到 128 个字符", "password must be 8 to 128 characters long"),
            ));
        }
        if value.chars().all(|c| c.is_ascii_digit()) {
            return Err(FieldError::new(
                field,
                "weak_password",
                Text::fixed("密码不能全为数字", "password must not be digits only"),
            ));
        }
        Ok(Self(value.to_owned()))
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

/// Argon2id with a fresh salt. CPU-heavy: callers run it on the blocking pool.
pub(crate) fn hash_password(password: &str) -> anyhow::Result<String> {
    Argon2::default()
        .hash_password(password.as_bytes())
        .map(|hash| hash.to_string())
        .map_err(|e| anyhow::anyhow!("failed to hash a password: {e}"))
}

/// Whether `password` matches the stored PHC string; a malformed stored hash never matches.
pub(crate) fn verify_password(password: &str, stored: &str) -> bool {
    PasswordHash::new(stored)
        .is_ok_and(|hash| Argon2::default().verify_password(password.as_bytes(), &hash).is_ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hash_verifies_only_the_same_password() {
        let hash = hash_password("demo1234").unwrap();
        assert!(hash.starts_with("$argon2id$"));
        assert!(verify_password("demo1234", &hash));
        assert!(!verify_password("demo12345", &hash));
        assert!(!verify_password("demo1234", "not-a-hash"));
    }

    #[test]
    fn policy_refuses_short_and_digit_only() {
        assert!(Password::parse("demo1234", "password").is_ok());
        assert!(Password::parse("short1", "password").is_err());
        assert!(Password::parse("12345678", "password").is_err());
    }
}
