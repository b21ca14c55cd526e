//! What an admin does to an account of their subtree from the teacher list: disable it, enable
//! it again, or reset its password. Each is audited; none may target the caller's own account.

use chrono::{DateTime, Utc};
use kernel::{Actor, Error, Permission, Result, Text};
use rand::Rng;
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveModelTrait, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, Set};
use serde::Serialize;

use super::accounts::Account;
use super::audit::record_audit as audit;
use super::teachers::hash_passwords;
use crate::entity::{account, org_unit, person, refresh_token};

/// `POST /accounts/{id}/password-reset`: the account, and its temporary password, shown this
/// once and stored only as a hash.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PasswordReset {
    pub account: Account,
    /// Hand it to the person (in person or by phone); the next login with it must set a new
    /// password. It is never shown again.
    #[cfg_attr(feature = "openapi", schema(example = "Kp7wQm3xRt"))]
    pub temporary_password: String,
}

/// The account `id` if it lies in the caller's subtree (a teacher's by their school, a staff
/// account by its unit) and is not the caller's own (`self_code` names that 409).
async fn managed_account(
    db: &DatabaseConnection,
    actor: &Actor,
    id: i64,
    (self_code, zh, en): (&'static str, &'static str, &'static str),
) -> Result<account::Model> {
    actor.require(Permission::ManageDirectory)?;
    let found = account::Entity::find_by_id(id).one(db).await?.ok_or(Error::NotFound)?;
    let path = match (found.person_id, found.org_unit_id) {
        (Some(person_id), _) => person::Entity::find_by_id(person_id).one(db).await?.map(|p| p.org_path),
        (None, Some(unit)) => org_unit::Entity::find_by_id(unit).one(db).await?.map(|u| u.path),
        (None, None) => None,
    };
    actor.authorize(Permission::ManageDirectory, &path.ok_or(Error::NotFound)?)?;
    if found.id == actor.account_id {
        return Err(Error::conflict(self_code, Text::fixed(zh, en)));
    }
    Ok(found)
}

/// Disables or re-enables an account in the caller's subtree. Access tokens stop working on
/// the next request, since every request re-reads the account; refresh tokens are refused too.
pub async fn set_account_disabled(
    db: &DatabaseConnection,
    now: DateTime<Utc>,
    actor: &Actor,
    id: i64,
    disabled: bool,
) -> Result<Account> {
    let own = ("cannot_disable_self", "不能停用自己的账号", "you cannot disable your own account");
    let found = managed_account(db, actor, id, own).await?;
    let (action, detail) = if disabled {
        ("account_disabled", format!("停用账号 {}", found.username))
    } else {
        ("account_enabled", format!("启用账号 {}", found.username))
    };
    let person = found.person_id;
    let txn = kernel::begin_write(db).await?;
    let mut active: account::ActiveModel = found.into();
    active.disabled = Set(disabled);
    let saved = active.update(&txn).await?;
    audit(&txn, actor, person, action, &detail, now).await?;
    txn.commit().await?;
    Ok(saved.into())
}

/// Letters and digits nobody misreads when it is read out or copied from a screen.
const ALPHABET: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnpqrstuvwxyz23456789";

/// A fresh 10-character temporary password with a letter and a digit.
fn temporary_password() -> String {
    let mut rng = rand::rng();
    loop {
        let candidate: String =
            (0..10).map(|_| char::from(ALPHABET[rng.random_range(0..ALPHABET.len())])).collect();
        if candidate.chars().any(|c| c.is_ascii_digit()) && candidate.chars().any(|c| c.is_ascii_alphabetic())
        {
            return candidate;
        }
    }
}

/// Replaces an account's password with a temporary one returned once: every session of the
/// account ends, a lockout is lifted, and the next login with it must set a new password
/// (`password_change_required`). Audited, without the password.
pub async fn reset_password(
    db: &DatabaseConnection,
    now: DateTime<Utc>,
    actor: &Actor,
    id: i64,
) -> Result<PasswordReset> {
    let own =
        ("cannot_reset_self", "不能重置自己的密码，请在“我的”中修改", "change your own password instead");
    let found = managed_account(db, actor, id, own).await?;
    let temporary = temporary_password();
    let hash = hash_passwords(std::slice::from_ref(&temporary)).await?.remove(0);
    let (person, detail) =
        (found.person_id, format!("重置账号 {} 的密码（须在下次登录时修改）", found.username));
    let txn = kernel::begin_write(db).await?;
    let mut active: account::ActiveModel = found.into();
    active.password_hash = Set(hash);
    active.must_change_password = Set(true);
    active.failed_logins = Set(0);
    active.locked_until = Set(None);
    let saved = active.update(&txn).await?;
    refresh_token::Entity::update_many()
        .col_expr(refresh_token::Column::UsedAt, Expr::value(Some(now)))
        .filter(refresh_token::Column::AccountId.eq(id))
        .filter(refresh_token::Column::UsedAt.is_null())
        .exec(&txn)
        .await?;
    audit(&txn, actor, person, "password_reset", &detail, now).await?;
    txn.commit().await?;
    Ok(PasswordReset { account: saved.into(), temporary_password: temporary })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn temporary_passwords_meet_the_policy_and_differ() {
        let (a, b) = (temporary_password(), temporary_password());
        assert_ne!(a, b);
        assert!(crate::domain::Password::parse(&a, "password").is_ok());
        assert!(a.chars().all(|c| ALPHABET.contains(&(c as u8))) && a.chars().count() == 10);
    }
}
