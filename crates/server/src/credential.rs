//! Open Badges 3.0 credentials for certificates, as JWTs signed with Ed25519, and the key set
//! verifiers fetch from `/.well-known/jwks.json`.
//!
//! Keys live as PKCS#8 PEM files in their own directory (`QUALIFY_SIGNING_KEY_DIR`), never in
//! the database, so a database dump cannot forge credentials. The first start creates one;
//! `qualify rotate-signing-key` adds a newer one, which signs from then on, while every older
//! key stays published so credentials signed before keep verifying offline.

use std::path::{Path, PathBuf};

use anyhow::Context;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{DateTime, Utc};
use ed25519_dalek::SigningKey;
use ed25519_dalek::pkcs8::{DecodePrivateKey, EncodePrivateKey, spki::der::pem::LineEnding};
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use rust_decimal::prelude::ToPrimitive;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use certification::Certificate;

/// One signing key: its id (the file name) and public half.
struct KeyPair {
    kid: String,
    encoding: EncodingKey,
    public: [u8; 32],
}

/// Every published key; the newest signs.
pub struct CredentialKeys {
    keys: Vec<KeyPair>,
}

impl std::fmt::Debug for CredentialKeys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CredentialKeys")
            .field("kids", &self.keys.iter().map(|k| &k.kid).collect::<Vec<_>>())
            .finish()
    }
}

fn key_files(dir: &Path) -> anyhow::Result<Vec<PathBuf>> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .with_context(|| format!("cannot read the signing key directory {}", dir.display()))?
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|path| path.extension().is_some_and(|ext| ext == "pem"))
        .collect();
    files.sort();
    Ok(files)
}

/// Writes a new key named by the time it was made (so names sort by age) and returns its path.
pub fn create_key(dir: &Path, now: DateTime<Utc>) -> anyhow::Result<PathBuf> {
    std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let key = SigningKey::from_bytes(&rand::random::<[u8; 32]>());
    let pem = key.to_pkcs8_pem(LineEnding::LF).context("cannot encode the signing key")?;
    let path = dir.join(format!("{}.pem", now.format("ed25519-%Y%m%dT%H%M%S%6fZ")));
    std::fs::write(&path, pem.as_bytes()).with_context(|| format!("cannot write {}", path.display()))?;
    restrict(&path)?;
    Ok(path)
}

#[cfg(unix)]
fn restrict(path: &Path) -> anyhow::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600))
        .with_context(|| format!("cannot restrict {}", path.display()))
}

#[cfg(not(unix))]
fn restrict(_: &Path) -> anyhow::Result<()> {
    Ok(())
}

impl CredentialKeys {
    /// Loads every key in `dir`, creating the first one if there is none.
    pub fn load_or_create(dir: &Path, now: DateTime<Utc>) -> anyhow::Result<Self> {
        if !dir.exists() || key_files(dir)?.is_empty() {
            create_key(dir, now)?;
        }
        let keys = key_files(dir)?
            .into_iter()
            .map(|path| {
                let pem = std::fs::read_to_string(&path)
                    .with_context(|| format!("cannot read {}", path.display()))?;
                let key = SigningKey::from_pkcs8_pem(&pem)
                    .with_context(|| format!("{} is not an Ed25519 key", path.display()))?;
                let der = key.to_pkcs8_der().context("cannot encode the signing key")?;
                let kid = path.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
                Ok(KeyPair {
                    kid,
                    encoding: EncodingKey::from_ed_der(der.as_bytes()),
                    public: key.verifying_key().to_bytes(),
                })
            })
            .collect::<anyhow::Result<Vec<_>>>()?;
        Ok(Self { keys })
    }

    /// The JSON Web Key Set of every key, newest first.
    pub fn jwks(&self) -> Value {
        let keys: Vec<Value> = self
            .keys
            .iter()
            .rev()
            .map(|k| {
                json!({"kty": "OKP", "crv": "Ed25519", "alg": "EdDSA", "use": "sig", "kid": k.kid,
                       "x": URL_SAFE_NO_PAD.encode(k.public)})
            })
            .collect();
        json!({ "keys": keys })
    }

    /// Signs claims with the newest key. The header's `kid` is a URI that dereferences to the
    /// key (`{public_url}/.well-known/jwks.json#<kid>`), as OB 3.0 §8.2 asks.
    fn sign(&self, claims: &Value, public_url: &str) -> anyhow::Result<String> {
        let key = self.keys.last().context("no signing key loaded")?;
        let mut header = Header::new(Algorithm::EdDSA);
        header.typ = Some("JWT".to_owned());
        header.kid = Some(format!("{public_url}/.well-known/jwks.json#{}", key.kid));
        jsonwebtoken::encode(&header, claims, &key.encoding).context("cannot sign the credential")
    }

    /// The certificate as a signed Open Badges 3.0 `AchievementCredential` (VC-JWT, §8.2).
    pub fn credential(&self, cert: &Certificate, public_url: &str) -> anyhow::Result<String> {
        self.sign(&achievement_credential(cert, public_url), public_url)
    }
}

/// The JWT payload of a certificate's credential: the Open Badges 3.0 `AchievementCredential`
/// (VC Data Model 2.0) with every claim printed on the certificate, its members at the top level
/// and the registered claims OB 3.0 §8.2 maps from them — `iss` = `issuer.id`, `sub` =
/// `credentialSubject.id`, `jti` = `id`, `nbf` = `validFrom`, `exp` = `validUntil`.
///
/// The subject id is the holder's teacher resource (`{public_url}/api/v1/teachers/{id}`): stable
/// for the life of the record, and meaningless to anyone without access to it. The holder's name
/// travels only as a salted SHA-256 `IdentityObject` (the salt is the certificate's verification
/// code): a credential forwarded around does not spread a teacher's name, yet a verifier who is
/// told the name can check it.
pub fn achievement_credential(cert: &Certificate, public_url: &str) -> Value {
    let credential_id = format!("{public_url}/api/v1/certificates/{}/credential", cert.id);
    let subject_id = format!("{public_url}/api/v1/teachers/{}", cert.teacher_id);
    let verify_url = format!("{public_url}{}", cert.verify_path);
    let level = cert.level.label();
    let (valid_from, valid_until) = (cert.valid_from(), cert.valid_until());
    let salt = &cert.verification_code;
    let name_hash = hex::encode(Sha256::digest(format!("{}{salt}", cert.teacher_name)));
    json!({
        "@context": [
            "https://www.w3.org/ns/credentials/v2",
            "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
        ],
        "id": credential_id,
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": format!("心理健康教育 {level} 级资格证书"),
        "issuer": {"id": public_url, "type": ["Profile"], "name": cert.issuer},
        "validFrom": valid_from.to_rfc3339(),
        "validUntil": valid_until.to_rfc3339(),
        "awardedDate": valid_from.to_rfc3339(),
        "credentialSubject": {
            "id": subject_id,
            "type": ["AchievementSubject"],
            "identifier": [{"type": "IdentityObject", "identityType": "name", "hashed": true,
                            "identityHash": format!("sha256${name_hash}"), "salt": salt}],
            "creditsEarned": cert.hours_counted.to_f64(),
            "licenseNumber": cert.number,
            "achievement": {
                "id": format!("{public_url}/achievements/mh-education-{level}"),
                "type": ["Achievement"],
                "achievementType": "Certificate",
                "name": format!("中小学教师心理健康教育 {level} 级资格"),
                "description": format!("{} 认定的中小学教师心理健康教育 {level} 级资格", cert.issuer),
                "criteria": {"narrative": format!("符合第 {} 版资格标准中 {level} 级的全部要求", cert.rule_set_version)},
                "inLanguage": "zh-CN"
            }
        },
        "evidence": [{"id": verify_url, "type": ["Evidence"], "name": cert.number,
                      "description": format!("{} · {}", cert.school_name, cert.number)}],
        "iss": public_url,
        "sub": subject_id,
        "jti": credential_id,
        "nbf": valid_from.timestamp(),
        "exp": valid_until.timestamp()
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use certification::CertificateStatus;
    use chrono::NaiveDate;
    use kernel::Level;

    fn issued_at(recorded_at: &str, issued_on: &str) -> Certificate {
        Certificate {
            id: 17,
            number: "ES-2026-C-000042".into(),
            teacher_id: 101,
            teacher_name: "李明".into(),
            school_name: "恩施市第一中学".into(),
            level: Level::C,
            status: CertificateStatus::Active,
            issued_on: issued_on.parse().unwrap(),
            expires_on: NaiveDate::from_ymd_opt(2029, 12, 1).unwrap(),
            recorded_at: recorded_at.parse().unwrap(),
            verification_code: "Q7MZK2H9TXW4RB8NCV3D".into(),
            verify_path: "/verify/Q7MZK2H9TXW4RB8NCV3D".into(),
            rule_set_version: 1,
            hours_counted: rust_decimal::Decimal::new(325, 1),
            issuer: "恩施土家族苗族自治州".into(),
            renews_certificate_id: None,
            revoked_on: None,
            revoke_reason: None,
        }
    }

    #[test]
    fn issued_at_20_00_utc_is_valid_from_that_instant_not_the_next_china_midnight() {
        // 20:00 UTC is 04:00 the next day in China: the old credential said "valid from 00:00 UTC
        // of that China day", eight hours in the future.
        let cert = issued_at("2026-12-01T20:00:00Z", "2026-12-02");
        let payload = achievement_credential(&cert, "https://qualify.example");
        let at_20 = DateTime::parse_from_rfc3339("2026-12-01T20:00:00Z").unwrap().timestamp();
        assert_eq!(payload["nbf"], at_20);
        assert_eq!(payload["validFrom"], "2026-12-02T04:00:00+08:00");
        assert_eq!(payload["validUntil"], "2029-12-01T23:59:59+08:00");
        let end = DateTime::parse_from_rfc3339("2029-12-01T15:59:59Z").unwrap().timestamp();
        assert_eq!(payload["exp"], end, "the end of the expiry day in China");
    }

    #[test]
    fn an_imported_certificate_is_valid_from_the_start_of_its_china_issue_day() {
        let cert = issued_at("2026-12-01T09:00:00Z", "2024-05-06");
        let payload = achievement_credential(&cert, "https://qualify.example");
        assert_eq!(payload["validFrom"], "2024-05-06T00:00:00+08:00");
    }

    #[test]
    fn registered_claims_mirror_the_credential_and_the_name_travels_hashed() {
        let payload =
            achievement_credential(&issued_at("2026-12-01T09:00:00Z", "2026-12-01"), "https://q.example");
        assert_eq!(payload["iss"], payload["issuer"]["id"]);
        assert_eq!(payload["sub"], payload["credentialSubject"]["id"]);
        assert_eq!(payload["jti"], payload["id"]);
        let identity = &payload["credentialSubject"]["identifier"][0];
        let expected = hex::encode(Sha256::digest("李明Q7MZK2H9TXW4RB8NCV3D".as_bytes()));
        assert_eq!(identity["identityHash"], format!("sha256${expected}"));
        assert!(!payload.to_string().contains("李明"), "the name itself is not in the credential");
    }
}
