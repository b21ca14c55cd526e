use base64::Engine;
use chrono::{DateTime, Duration, Utc};
use kernel::{Actor, Clock, Error, Result, Text, Violations};
use rand::RngCore;
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveModelTrait, ColumnTrait, DatabaseConnection, EntityTrait, ExprTrait, QueryFilter, Set};
use sha2::{Digest, Sha256};

use super::accounts::account_of_login_name;
use super::teachers::hash_passwords;
use crate::domain::{Password, verify_password};
use crate::entity::{account, refresh_token};

/// Failed logins in a row that lock an account.
const MAX_FAILED_LOGINS: i32 = 5;
const LOCKOUT: Duration = Duration::minutes(15);
const REFRESH_LIFETIME: Duration = Duration::days(30);

/// A successful login or refresh: the account, and a new single-use refresh token (returned
/// once, stored only as a hash). The server adds the short-lived access token.
#[derive(Debug, Clone)]
pub struct Session {
    pub account_id: i64,
    pub refresh_token: String,
}

fn invalid_credentials() -> Error {
    Error::Unauthorized {
        code: "invalid_credentials",
        detail: Text::fixed("用户名或密码错误", "wrong username or password"),
    }
}

fn invalid_refresh_token() -> Error {
    Error::Unauthorized {
        code: "invalid_refresh_token",
        detail: Text::fixed("登录已失效，请重新登录", "the session has ended; log in again"),
    }
}

fn locked_for(until: DateTime<Utc>, now: DateTime<Utc>) -> Error {
    Error::RateLimited { retry_after_secs: std::cmp::Ord::max((until - now).num_seconds(), 1) as u64 }
}

/// Checks a password login. Five failures in a row lock the account for fifteen minutes;
/// while locked even the right password is refused with the time left. An account whose
/// password an admin reset logs in only with `new_password` (409 `password_change_required`
/// without it), which replaces the temporary one there and then.
pub async fn login(
    db: &DatabaseConnection,
    clock: &dyn Clock,
    login: &str,
    password: &str,
    new_password: Option<&str>,
) -> Result<Session> {
    let now = clock.now();
    let Some(found) = account_of_login_name(db, login.trim()).await? else {
        // Spend the same time as a real check, so response times do not reveal which names exist.
        let _ = hash_passwords(&[password.to_owned()]).await;
        return Err(invalid_credentials());
    };
    if let Some(until) = found.locked_until.filter(|until| *until > now) {
        return Err(locked_for(until, now));
    }
    let (stored, candidate) = (found.password_hash.clone(), password.to_owned());
    let matches = tokio::task::spawn_blocking(move || verify_password(&candidate, &stored))
        .await
        .map_err(|e| anyhow::anyhow!("password check task failed: {e}"))?;
    if !matches || found.disabled {
        return Err(record_failure(db, found, now).await);
    }
    if found.must_change_password {
        let Some(new_password) = new_password else {
            return Err(Error::conflict(
                "password_change_required",
                Text::fixed(
                    "密码已由管理员重置，请设置新密码后登录",
                    "an administrator reset this password; set a new one to log in",
                ),
            ));
        };
        replace_temporary(db, &found, password, new_password).await?;
    }
    if found.failed_logins != 0 || found.locked_until.is_some() {
        account::Entity::update_many()
            .col_expr(account::Column::FailedLogins, Expr::value(0))
            .col_expr(account::Column::LockedUntil, Expr::value(Option::<DateTime<Utc>>::None))
            .filter(account::Column::Id.eq(found.id))
            .exec(db)
            .await?;
    }
    let refresh_token = issue_refresh_token(db, found.id, &random_token(16), now).await?;
    Ok(Session { account_id: found.id, refresh_token })
}

/// Sets the password chosen at the first login after a reset, and lifts the requirement.
async fn replace_temporary(
    db: &DatabaseConnection,
    found: &account::Model,
    temporary: &str,
    chosen: &str,
) -> Result<()> {
    let chosen = Password::parse(chosen, "new_password")?;
    if chosen.expose() == temporary {
        return Err(Error::invalid(
            "new_password",
            "same_as_temporary",
            Text::fixed("新密码不能与临时密码相同", "the new password must differ from the temporary one"),
        ));
    }
    let hash = hash_passwords(&[chosen.expose().to_owned()]).await?.remove(0);
    account::Entity::update_many()
        .col_expr(account::Column::PasswordHash, Expr::value(hash))
        .col_expr(account::Column::MustChangePassword, Expr::value(false))
        .filter(account::Column::Id.eq(found.id))
        .exec(db)
        .await?;
    Ok(())
}

/// Counts a failure atomically (concurrent guesses all count) and locks at the limit.
async fn record_failure(db: &DatabaseConnection, found: account::Model, now: DateTime<Utc>) -> Error {
    let counted = account::Entity::update_many()
        .col_expr(account::Column::FailedLogins, Expr::col(account::Column::FailedLogins).add(1))
        .filter(account::Column::Id.eq(found.id))
        .exec(db)
        .await;
    if let Err(e) = counted {
        return e.into();
    }
    let failures = match account::Entity::find_by_id(found.id).one(db).await {
        Ok(Some(fresh)) => fresh.failed_logins,
        Ok(None) => return invalid_credentials(),
        Err(e) => return e.into(),
    };
    if failures < MAX_FAILED_LOGINS {
        return invalid_credentials();
    }
    let until = now + LOCKOUT;
    let locked = account::Entity::update_many()
        .col_expr(account::Column::FailedLogins, Expr::value(0))
        .col_expr(account::Column::LockedUntil, Expr::value(Some(until)))
        .filter(account::Column::Id.eq(found.id))
        .exec(db)
        .await;
    match locked {
        Ok(_) => locked_for(until, now),
        Err(e) => e.into(),
    }
}

/// Trades a refresh token for a new one. A token works once: presenting a spent token again
/// means it was stolen or replayed, and ends every session descended from the same login.
pub async fn refresh(db: &DatabaseConnection, clock: &dyn Clock, token: &str) -> Result<Session> {
    let now = clock.now();
    let txn = kernel::begin_write(db).await?;
    let found = refresh_token::Entity::find()
        .filter(refresh_token::Column::TokenHash.eq(token_hash(token)))
        .one(&txn)
        .await?
        .ok_or_else(invalid_refresh_token)?;
    // Spend the token only if nobody spent it first, so two concurrent refreshes cannot both win.
    let spent = refresh_token::Entity::update_many()
        .col_expr(refresh_token::Column::UsedAt, Expr::value(Some(now)))
        .filter(refresh_token::Column::Id.eq(found.id))
        .filter(refresh_token::Column::UsedAt.is_null())
        .exec(&txn)
        .await?;
    if spent.rows_affected == 0 {
        revoke_family(&txn, &found.family, now).await?;
        txn.commit().await?;
        return Err(invalid_refresh_token());
    }
    if found.expires_at <= now {
        txn.commit().await?;
        return Err(invalid_refresh_token());
    }
    let account = account::Entity::find_by_id(found.account_id).one(&txn).await?;
    if account.is_none_or(|a| a.disabled) {
        txn.commit().await?;
        return Err(invalid_refresh_token());
    }
    let refresh_token = issue_refresh_token(&txn, found.account_id, &found.family, now).await?;
    txn.commit().await?;
    Ok(Session { account_id: found.account_id, refresh_token })
}

/// Ends the session the refresh token belongs to; unknown tokens are ignored (logout is
/// idempotent).
pub async fn logout(db: &DatabaseConnection, clock: &dyn Clock, token: &str) -> Result<()> {
    if let Some(found) = refresh_token::Entity::find()
        .filter(refresh_token::Column::TokenHash.eq(token_hash(token)))
        .one(db)
        .await?
    {
        revoke_family(db, &found.family, clock.now()).await?;
    }
    Ok(())
}

/// Changes the caller's password after checking the current one; ends all other sessions.
pub async fn change_password(
    db: &DatabaseConnection,
    clock: &dyn Clock,
    actor: &Actor,
    current_password: &str,
    new_password: &str,
) -> Result<()> {
    let mut v = Violations::default();
    let new_password = v.check(Password::parse(new_password, "new_password"));
    let found = account::Entity::find_by_id(actor.account_id).one(db).await?.ok_or(Error::NotFound)?;
    let (stored, candidate) = (found.password_hash.clone(), current_password.to_owned());
    let matches = tokio::task::spawn_blocking(move || verify_password(&candidate, &stored))
        .await
        .map_err(|e| anyhow::anyhow!("password check task failed: {e}"))?;
    if !matches {
        v.push(kernel::FieldError::new(
            "current_password",
            "wrong_password",
            Text::fixed("当前密码不正确", "the current password is wrong"),
        ));
    }
    v.finish()?;
    let Some(new_password) = new_password else {
        return Err(Error::Unexpected(anyhow::anyhow!("validated password lost")));
    };
    let hash = hash_passwords(&[new_password.expose().to_owned()]).await?.remove(0);
    let txn = kernel::begin_write(db).await?;
    let mut active: account::ActiveModel = found.into();
    active.password_hash = Set(hash);
    active.update(&txn).await?;
    refresh_token::Entity::update_many()
        .col_expr(refresh_token::Column::UsedAt, Expr::value(Some(clock.now())))
        .filter(refresh_token::Column::AccountId.eq(actor.account_id))
        .filter(refresh_token::Column::UsedAt.is_null())
        .exec(&txn)
        .await?;
    txn.commit().await?;
    Ok(())
}

async fn revoke_family(db: &impl sea_orm::ConnectionTrait, family: &str, now: DateTime<Utc>) -> Result<()> {
    refresh_token::Entity::update_many()
        .col_expr(refresh_token::Column::UsedAt, Expr::value(Some(now)))
        .filter(refresh_token::Column::Family.eq(family))
        .filter(refresh_token::Column::UsedAt.is_null())
        .exec(db)
        .await?;
    Ok(())
}

async fn issue_refresh_token(
    db: &impl sea_orm::ConnectionTrait,
    account_id: i64,
    family: &str,
    now: DateTime<Utc>,
) -> Result<String> {
    let token = random_token(32);
    refresh_token::ActiveModel {
        account_id: Set(account_id),
        token_hash: Set(token_hash(&token)),
        family: Set(family.to_owned()),
        created_at: Set(now),
        expires_at: Set(now + REFRESH_LIFETIME),
        used_at: Set(None),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(token)
}

fn random_token(bytes: usize) -> String {
    let mut buffer = vec![0u8; bytes];
    rand::rng().fill_bytes(&mut buffer);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(buffer)
}

fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}
