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
use serde_json::{Value, json};

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

    /// Signs claims with the newest key, naming it in the header.
    fn sign(&self, claims: &Value) -> anyhow::Result<String> {
        let key = self.keys.last().context("no signing key loaded")?;
        let mut header = Header::new(Algorithm::EdDSA);
        header.kid = Some(key.kid.clone());
        jsonwebtoken::encode(&header, claims, &key.encoding).context("cannot sign the credential")
    }

    /// The certificate as an Open Badges 3.0 `AchievementCredential` in the JWT encoding of the
    /// VC data model: registered claims (`iss`, `sub`, `jti`, `nbf`, `exp`) plus the credential
    /// under `vc`, every claim of the printed certificate included.
    pub fn credential(
        &self,
        cert: &Certificate,
        public_url: &str,
        now: DateTime<Utc>,
    ) -> anyhow::Result<String> {
        let credential_id = format!("{public_url}/api/v1/certificates/{}/credential", cert.id);
        let verify_url = format!("{public_url}{}", cert.verify_path);
        let level = cert.level.label();
        let issued = cert.issued_on.and_hms_opt(0, 0, 0).map(|d| d.and_utc()).unwrap_or(now);
        let expires = cert.expires_on.and_hms_opt(23, 59, 59).map(|d| d.and_utc()).unwrap_or(now);
        let vc = json!({
            "@context": [
                "https://www.w3.org/2018/credentials/v1",
                "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
            ],
            "id": credential_id,
            "type": ["VerifiableCredential", "AchievementCredential"],
            "name": format!("心理健康教育 {level} 级资格证书"),
            "issuer": {"id": public_url, "type": ["Profile"], "name": cert.issuer},
            "issuanceDate": issued.to_rfc3339(),
            "expirationDate": expires.to_rfc3339(),
            "credentialSubject": {
                "type": ["AchievementSubject"],
                "identifier": [{"type": "IdentityObject", "identityType": "name", "hashed": false,
                                "identityHash": cert.teacher_name}],
                "achievement": {
                    "id": format!("{public_url}/achievements/mh-education-{level}"),
                    "type": ["Achievement"],
                    "achievementType": "Certificate",
                    "name": format!("中小学教师心理健康教育 {level} 级资格"),
                    "description": format!("{} 认定的中小学教师心理健康教育 {level} 级资格", cert.issuer),
                    "criteria": {"narrative": format!("符合第 {} 版资格标准中 {level} 级的全部要求", cert.rule_set_version)}
                },
                "result": [{"type": ["Result"], "value": cert.hours_counted.to_string(), "resultDescription": "hours_counted"}]
            },
            "evidence": [{"id": verify_url, "type": ["Evidence"], "name": cert.number,
                          "description": format!("{} · {}", cert.school_name, cert.number)}]
        });
        let claims = json!({
            "iss": public_url,
            "sub": format!("{public_url}/api/v1/teachers/{}", cert.teacher_id),
            "jti": credential_id,
            "nbf": issued.timestamp(),
            "iat": now.timestamp(),
            "exp": expires.timestamp(),
            "vc": vc
        });
        self.sign(&claims)
    }
}
