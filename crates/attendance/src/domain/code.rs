use chrono::{DateTime, Utc};
use hmac::{Hmac, Mac};
use rand::RngCore;
use serde::Serialize;
use sha2::Sha256;

/// How long one sign-in code is shown before the next replaces it.
pub const CODE_PERIOD_SECONDS: i64 = 30;

/// What the trainer's screen shows: the code, when it rotates, and a QR-ready payload.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SignInCode {
    #[cfg_attr(feature = "openapi", schema(example = "402913"))]
    pub code: String,
    pub expires_at: DateTime<Utc>,
    /// What the QR code carries. The API answers the app's sign-in page of the occasion with
    /// the code, so a phone's camera opens it; the domain's own form names kind, id and code.
    #[cfg_attr(
        feature = "openapi",
        schema(example = "https://qualify.example/sessions/7/sign-in?code=402913")
    )]
    pub qr_payload: String,
}

/// A fresh per-occasion secret; codes are derived from it, so any server instance can check
/// them without shared memory.
pub fn new_secret() -> String {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    hex::encode(bytes)
}

fn window_of(at: DateTime<Utc>) -> i64 {
    at.timestamp().div_euclid(CODE_PERIOD_SECONDS)
}

fn digits(secret: &str, kind: &str, id: i64, window: i64) -> String {
    let mut mac = match Hmac::<Sha256>::new_from_slice(secret.as_bytes()) {
        Ok(mac) => mac,
        Err(_) => return String::new(),
    };
    mac.update(format!("{kind}:{id}:{window}").as_bytes());
    let tag = mac.finalize().into_bytes();
    let number = u32::from_be_bytes([tag[0], tag[1], tag[2], tag[3]]) % 1_000_000;
    format!("{number:06}")
}

/// The code shown at `now` for one occasion (a session or an event).
pub fn code_for(secret: &str, kind: &str, id: i64, now: DateTime<Utc>) -> SignInCode {
    let window = window_of(now);
    let code = digits(secret, kind, id, window);
    let expires_at = DateTime::from_timestamp((window + 1) * CODE_PERIOD_SECONDS, 0).unwrap_or(now);
    SignInCode { qr_payload: format!("QUALIFY-SIGNIN:{kind}:{id}:{code}"), code, expires_at }
}

/// Whether `code` is the one shown now or in the period just before (a teacher typing a code
/// as it rotates is not refused); anything older is stale.
pub fn code_matches(secret: &str, kind: &str, id: i64, code: &str, now: DateTime<Utc>) -> bool {
    let window = window_of(now);
    let code = code.trim();
    code.len() == 6 && [window, window - 1].iter().any(|w| digits(secret, kind, id, *w) == code)
}

#[cfg(test)]
mod tests {
    use chrono::Duration;

    use super::*;

    #[test]
    fn code_rotates_every_period_and_the_previous_one_still_works() {
        let secret = new_secret();
        let now = DateTime::from_timestamp(1_800_000_000, 0).unwrap();
        let shown = code_for(&secret, "session", 7, now);
        assert_eq!(shown.code.len(), 6);
        assert!(code_matches(&secret, "session", 7, &shown.code, now));
        assert!(code_matches(
            &secret,
            "session",
            7,
            &shown.code,
            now + Duration::seconds(CODE_PERIOD_SECONDS)
        ));
        assert!(!code_matches(
            &secret,
            "session",
            7,
            &shown.code,
            now + Duration::seconds(2 * CODE_PERIOD_SECONDS)
        ));
    }

    #[test]
    fn code_is_bound_to_its_occasion_and_secret() {
        let secret = new_secret();
        let now = DateTime::from_timestamp(1_800_000_000, 0).unwrap();
        let shown = code_for(&secret, "session", 7, now);
        assert!(!code_matches(&secret, "session", 8, &shown.code, now));
        assert!(!code_matches(&secret, "event", 7, &shown.code, now));
        assert!(!code_matches(&new_secret(), "session", 7, &shown.code, now));
        assert!(shown.expires_at > now && shown.expires_at <= now + Duration::seconds(CODE_PERIOD_SECONDS));
    }
}
