use chrono::{DateTime, Duration, Utc};
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use kernel::{Error, Text};
use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Serialize};

/// How long an access token works; refresh tokens bridge the gaps.
pub const ACCESS_TOKEN_LIFETIME: Duration = Duration::minutes(15);

#[derive(Debug, Serialize, Deserialize)]
struct Claims {
    sub: String,
    iat: i64,
    exp: i64,
}

/// Signs and checks access tokens with HS256 and nothing else: the algorithm is pinned, so
/// `none` or a swapped algorithm is refused.
#[derive(Clone)]
pub struct JwtKeys {
    encoding: EncodingKey,
    decoding: DecodingKey,
}

pub(crate) fn invalid_token() -> Error {
    Error::Unauthorized {
        code: "unauthorized",
        detail: Text::fixed("未登录或登录已过期", "missing, invalid or expired access token"),
    }
}

impl JwtKeys {
    pub fn new(secret: &SecretString) -> anyhow::Result<Self> {
        let bytes = secret.expose_secret().as_bytes();
        Ok(Self { encoding: EncodingKey::from_secret(bytes)?, decoding: DecodingKey::from_secret(bytes)? })
    }

    /// A signed access token for the account, valid from `now` for [`ACCESS_TOKEN_LIFETIME`].
    pub fn issue(&self, account_id: i64, now: DateTime<Utc>) -> Result<String, Error> {
        let claims = Claims {
            sub: account_id.to_string(),
            iat: now.timestamp(),
            exp: (now + ACCESS_TOKEN_LIFETIME).timestamp(),
        };
        jsonwebtoken::encode(&Header::new(Algorithm::HS256), &claims, &self.encoding)
            .map_err(|e| Error::Unexpected(anyhow::anyhow!("failed to sign an access token: {e}")))
    }

    /// The account id in a valid, unexpired token. Expiry is judged by the server's clock.
    pub fn verify(&self, token: &str, now: DateTime<Utc>) -> Result<i64, Error> {
        let mut validation = Validation::new(Algorithm::HS256);
        validation.validate_exp = false;
        validation.set_required_spec_claims(&["exp", "sub"]);
        let data = jsonwebtoken::decode::<Claims>(token, &self.decoding, &validation)
            .map_err(|_| invalid_token())?;
        if data.claims.exp <= now.timestamp() {
            return Err(invalid_token());
        }
        data.claims.sub.parse().map_err(|_| invalid_token())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys(secret: &str) -> JwtKeys {
        JwtKeys::new(&SecretString::from(secret.to_owned())).unwrap()
    }

    #[test]
    fn issued_token_verifies_until_it_expires() {
        let keys = keys("a-secret-of-at-least-thirty-two-bytes!!");
        let now = Utc::now();
        let token = keys.issue(42, now).unwrap();
        assert_eq!(keys.verify(&token, now).unwrap(), 42);
        assert!(keys.verify(&token, now + ACCESS_TOKEN_LIFETIME).is_err());
    }

    #[test]
    fn token_signed_with_another_secret_is_refused() {
        let token = keys("another-secret-of-thirty-two-bytes-or-more").issue(1, Utc::now()).unwrap();
        assert!(keys("a-secret-of-at-least-thirty-two-bytes!!").verify(&token, Utc::now()).is_err());
    }

    #[test]
    fn unsigned_none_algorithm_token_is_refused() {
        use base64::Engine;
        let b64 = |s: &str| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(s);
        let exp = (Utc::now() + Duration::minutes(5)).timestamp();
        let token = format!(
            "{}.{}.",
            b64(r#"{"alg":"none","typ":"JWT"}"#),
            b64(&format!(r#"{{"sub":"1","iat":0,"exp":{exp}}}"#))
        );
        assert!(keys("a-secret-of-at-least-thirty-two-bytes!!").verify(&token, Utc::now()).is_err());
    }
}
