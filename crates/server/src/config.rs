//! Typed settings, read once from the environment at start-up and passed explicitly.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use base64::Engine;
use rand::RngCore;
use secrecy::{ExposeSecret, SecretString};

/// The shortest JWT signing secret `serve` accepts.
pub const MIN_JWT_SECRET_BYTES: usize = 32;

/// Everything the server needs to know about its environment.
#[derive(Debug, Clone)]
pub struct Settings {
    pub database_url: String,
    /// A PostgreSQL streaming replica for HR search, exports and reports
    /// (`QUALIFY_REPORT_DATABASE_URL`); `None` reads them from the primary. docs/SCALING.md.
    pub report_database_url: Option<String>,
    pub bind: SocketAddr,
    pub jwt_secret: SecretString,
    /// Where users reach the service; verification links and QR codes point here.
    pub public_url: String,
    /// Local state of a development install: the SQLite file and the generated secret.
    pub data_dir: PathBuf,
    /// The continuing-education cycle and the hours-to-credits rate.
    pub credit: credit::CreditPolicy,
    /// Thresholds of verified learning time (idle gap, completion share).
    pub progress: courses::ProgressRules,
    /// County-level research events a full-time MH teacher must attend per year.
    pub research_events_per_year: u32,
    /// Minutes of confirmed MH work that make one subsidised class hour.
    pub minutes_per_class_hour: u32,
    /// `smtp://host:port` or `smtps://user:pass@host`; none writes mail to `data/outbox/*.eml`.
    pub smtp_url: Option<String>,
    /// The sender address of all mail.
    pub mail_from: String,
    /// Whether `serve` runs the background jobs (mail sender, reminders, overdue attempts)
    /// itself; off when a separate `qualify worker` runs them.
    pub background_jobs: bool,
    /// Where the Ed25519 keys that sign credentials live: outside the database, so a dump
    /// cannot forge them. Default `data/keys`.
    pub signing_key_dir: PathBuf,
    /// Public certificate verifications one client address may make per minute.
    pub verify_per_minute: u32,
    /// Login attempts one client address may make per minute (over all accounts).
    pub login_per_minute: u32,
    /// Browser origins (besides the public URL's own) allowed to call the API cross-origin.
    pub cors_origins: Vec<String>,
    /// The built web app `serve` answers pages with (`QUALIFY_WEB_DIR`, default `web/dist`).
    pub web_dir: PathBuf,
}

/// A configuration problem, told in one line.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct ConfigError(String);

impl Settings {
    /// Reads `QUALIFY_*` variables, falling back to development defaults under `data/`.
    pub fn from_env() -> Result<Self, ConfigError> {
        let var = |name: &str| std::env::var(name).ok().filter(|v| !v.trim().is_empty());
        let data_dir = PathBuf::from(var("QUALIFY_DATA_DIR").unwrap_or_else(|| "data".to_owned()));
        let bind_text = var("QUALIFY_BIND").unwrap_or_else(|| "127.0.0.1:8080".to_owned());
        let bind: SocketAddr = bind_text.parse().map_err(|_| {
            ConfigError(format!("QUALIFY_BIND={bind_text} is not an address such as 127.0.0.1:8080"))
        })?;
        let database_url = match var("QUALIFY_DATABASE_URL") {
            Some(url) => url,
            None => {
                ensure_dir(&data_dir)?;
                format!("sqlite://{}?mode=rwc", data_dir.join("qualify.db").display())
            }
        };
        if !(database_url.starts_with("sqlite:")
            || database_url.starts_with("postgres://")
            || database_url.starts_with("postgresql://"))
        {
            return Err(ConfigError(format!(
                "QUALIFY_DATABASE_URL must start with sqlite:, postgres:// or postgresql://, got '{database_url}'"
            )));
        }
        let report_database_url = var("QUALIFY_REPORT_DATABASE_URL").filter(|url| !url.is_empty());
        if let Some(url) = &report_database_url {
            let postgres = |u: &str| u.starts_with("postgres://") || u.starts_with("postgresql://");
            if !(postgres(url) && postgres(&database_url)) {
                return Err(ConfigError(format!(
                    "QUALIFY_REPORT_DATABASE_URL names a PostgreSQL replica of a PostgreSQL QUALIFY_DATABASE_URL, got '{url}'"
                )));
            }
        }
        let jwt_secret = match var("QUALIFY_JWT_SECRET") {
            Some(secret) => SecretString::from(secret),
            None => development_secret(&data_dir)?,
        };
        let signing_key_dir =
            var("QUALIFY_SIGNING_KEY_DIR").map_or_else(|| data_dir.join("keys"), PathBuf::from);
        let public_url = var("QUALIFY_PUBLIC_URL").unwrap_or_else(|| format!("http://{bind}"));
        let public_url = public_url.trim_end_matches('/').to_owned();
        if !(public_url.starts_with("http://") || public_url.starts_with("https://")) {
            return Err(ConfigError(format!(
                "QUALIFY_PUBLIC_URL must be an http(s) URL, got '{public_url}'"
            )));
        }
        Ok(Self {
            database_url,
            report_database_url,
            bind,
            jwt_secret,
            public_url,
            data_dir,
            credit: credit_policy(&var)?,
            progress: progress_rules(&var)?,
            research_events_per_year: positive(&var, "QUALIFY_RESEARCH_EVENTS_PER_YEAR", 3)?,
            minutes_per_class_hour: positive(&var, "QUALIFY_MINUTES_PER_CLASS_HOUR", 45)?,
            smtp_url: var("QUALIFY_SMTP_URL"),
            mail_from: var("QUALIFY_MAIL_FROM")
                .unwrap_or_else(|| "心育 Qualify <noreply@qualify.local>".to_owned()),
            background_jobs: var("QUALIFY_BACKGROUND_JOBS").is_none_or(|v| v != "0" && v != "false"),
            signing_key_dir,
            verify_per_minute: positive(&var, "QUALIFY_VERIFY_PER_MINUTE", 30)?,
            login_per_minute: positive(&var, "QUALIFY_LOGIN_PER_MINUTE", 60)?,
            cors_origins: origins(var("QUALIFY_CORS_ORIGINS"))?,
            web_dir: PathBuf::from(var("QUALIFY_WEB_DIR").unwrap_or_else(|| "web/dist".to_owned())),
        })
    }

    /// Refuses settings that are fine for tooling but unsafe for serving.
    pub fn check_for_serving(&self) -> Result<(), ConfigError> {
        let length = self.jwt_secret.expose_secret().len();
        if length < MIN_JWT_SECRET_BYTES {
            return Err(ConfigError(format!(
                "QUALIFY_JWT_SECRET is {length} bytes; serve needs at least {MIN_JWT_SECRET_BYTES}"
            )));
        }
        Ok(())
    }
}

/// `QUALIFY_CREDIT_*` variables over the national defaults (360 学时 per 5 years from 2021,
/// 6 学时 = 1 学分).
fn credit_policy(var: &dyn Fn(&str) -> Option<String>) -> Result<credit::CreditPolicy, ConfigError> {
    let defaults = credit::CreditPolicy::default();
    let policy = credit::CreditPolicy {
        cycle_start_year: parsed(var, "QUALIFY_CREDIT_CYCLE_START_YEAR", defaults.cycle_start_year)?,
        cycle_years: parsed(var, "QUALIFY_CREDIT_CYCLE_YEARS", defaults.cycle_years)?,
        cycle_required_hours: parsed(var, "QUALIFY_CREDIT_CYCLE_HOURS", defaults.cycle_required_hours)?,
        hours_per_credit: parsed(var, "QUALIFY_HOURS_PER_CREDIT", defaults.hours_per_credit)?,
    };
    if policy.cycle_years < 1 || policy.hours_per_credit <= rust_decimal::Decimal::ZERO {
        return Err(ConfigError(
            "QUALIFY_CREDIT_CYCLE_YEARS and QUALIFY_HOURS_PER_CREDIT must be positive".to_owned(),
        ));
    }
    Ok(policy)
}

/// `QUALIFY_HEARTBEAT_MAX_GAP_SECONDS` (default 60) and `QUALIFY_LESSON_COMPLETE_PERCENT`
/// (default 90).
fn progress_rules(var: &dyn Fn(&str) -> Option<String>) -> Result<courses::ProgressRules, ConfigError> {
    let defaults = courses::ProgressRules::default();
    let gap: i64 = parsed(var, "QUALIFY_HEARTBEAT_MAX_GAP_SECONDS", defaults.max_gap.num_seconds())?;
    let percent: i64 = parsed(var, "QUALIFY_LESSON_COMPLETE_PERCENT", defaults.complete_per_mille / 10)?;
    if !(5..=3600).contains(&gap) || !(1..=100).contains(&percent) {
        return Err(ConfigError(
            "QUALIFY_HEARTBEAT_MAX_GAP_SECONDS must be 5-3600 and QUALIFY_LESSON_COMPLETE_PERCENT 1-100"
                .to_owned(),
        ));
    }
    Ok(courses::ProgressRules {
        max_gap: chrono::Duration::seconds(gap),
        complete_per_mille: percent * 10,
        ..defaults
    })
}

/// A positive whole number from a variable, or its default.
fn positive(var: &dyn Fn(&str) -> Option<String>, name: &str, default: u32) -> Result<u32, ConfigError> {
    let value: u32 = parsed(var, name, default)?;
    if value == 0 {
        return Err(ConfigError(format!("{name} must be at least 1")));
    }
    Ok(value)
}

/// `QUALIFY_CORS_ORIGINS`: comma-separated `http(s)://host[:port]` origins, no paths.
fn origins(value: Option<String>) -> Result<Vec<String>, ConfigError> {
    let list: Vec<String> = value
        .unwrap_or_default()
        .split(',')
        .map(|o| o.trim().trim_end_matches('/').to_owned())
        .filter(|o| !o.is_empty())
        .collect();
    for origin in &list {
        let rest = origin.strip_prefix("https://").or_else(|| origin.strip_prefix("http://"));
        if rest.is_none_or(|r| r.is_empty() || r.contains('/')) {
            return Err(ConfigError(format!(
                "QUALIFY_CORS_ORIGINS: '{origin}' is not an origin such as https://app.example.cn"
            )));
        }
    }
    Ok(list)
}

/// A variable parsed as a number, or its default when unset.
fn parsed<T: std::str::FromStr>(
    var: &dyn Fn(&str) -> Option<String>,
    name: &str,
    default: T,
) -> Result<T, ConfigError> {
    match var(name) {
        None => Ok(default),
        Some(text) => {
            text.trim().parse().map_err(|_| ConfigError(format!("{name}={text} is not a valid number")))
        }
    }
}

fn ensure_dir(dir: &Path) -> Result<(), ConfigError> {
    std::fs::create_dir_all(dir).map_err(|e| ConfigError(format!("cannot create {}: {e}", dir.display())))
}

/// A secret generated on first use and kept in `data/jwt-secret`, so development tokens
/// survive restarts without anyone choosing a secret.
fn development_secret(data_dir: &Path) -> Result<SecretString, ConfigError> {
    let path = data_dir.join("jwt-secret");
    if let Ok(existing) = std::fs::read_to_string(&path) {
        return Ok(SecretString::from(existing.trim().to_owned()));
    }
    ensure_dir(data_dir)?;
    let mut bytes = [0u8; 48];
    rand::rng().fill_bytes(&mut bytes);
    let secret = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes);
    write_private(&path, &secret)
        .map_err(|e| ConfigError(format!("cannot write {}: {e}", path.display())))?;
    Ok(SecretString::from(secret))
}

fn write_private(path: &Path, content: &str) -> std::io::Result<()> {
    use std::io::Write;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    options.open(path)?.write_all(content.as_bytes())
}

impl Settings {
    /// The mail sender these settings describe.
    pub fn mail_sender(&self) -> anyhow::Result<notify::Sender> {
        match &self.smtp_url {
            Some(url) => notify::Sender::smtp(url, &self.mail_from, &self.public_url),
            None => notify::Sender::files(self.data_dir.join("outbox"), &self.mail_from, &self.public_url),
        }
    }
}
