use chrono::Utc;
use kernel::{Actor, Error, FieldError, Permission, Result, Role, Scope, Text, Violations};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, ExprTrait, QueryFilter,
    Set,
};
use serde::{Deserialize, Serialize};

use super::teachers::{Teacher, get_teacher, hash_passwords};
use crate::domain::Password;
use crate::entity::{account, org_unit, person};
use crate::repo;

/// A login account as clients see it (never its password hash).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Account {
    #[cfg_attr(feature = "openapi", schema(example = 7))]
    pub id: i64,
    #[cfg_attr(feature = "openapi", schema(example = "lichuan.hr"))]
    pub username: String,
    #[cfg_attr(feature = "openapi", schema(example = "hr"))]
    pub role: String,
    #[cfg_attr(feature = "openapi", schema(example = 3))]
    pub org_unit_id: Option<i64>,
    /// A disabled account cannot log in, and its tokens stop working at once.
    pub disabled: bool,
    /// Set by an admin's password reset: the next login must choose a new password.
    pub must_change_password: bool,
}

impl From<account::Model> for Account {
    fn from(model: account::Model) -> Self {
        Self {
            id: model.id,
            username: model.username,
            role: model.role,
            org_unit_id: model.org_unit_id,
            disabled: model.disabled,
            must_change_password: model.must_change_password,
        }
    }
}

/// Body of `POST /accounts`: a staff account scoped to one org unit.
#[derive(Debug, Clone, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewAccount {
    #[cfg_attr(feature = "openapi", schema(example = "lichuan.hr", min_length = 2, max_length = 64))]
    pub username: String,
    #[cfg_attr(feature = "openapi", schema(example = "Lichuan#2026", min_length = 8, max_length = 128))]
    pub password: String,
    /// `trainer`, `hr` or `admin`; teacher accounts come with their teacher.
    #[cfg_attr(feature = "openapi", schema(example = "hr"))]
    pub role: String,
    #[cfg_attr(feature = "openapi", schema(example = 3))]
    pub org_unit_id: i64,
    /// Where notifications (e.g. grading work) go.
    #[cfg_attr(feature = "openapi", schema(example = "lichuan.hr@es.edu.cn", max_length = 254))]
    pub email: Option<String>,
    /// `zh` (default) or `en`: the language of the account's mail.
    #[cfg_attr(feature = "openapi", schema(example = "zh"))]
    pub language: Option<String>,
}

/// The caller's scope as `/me` shows it.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum MeScope {
    /// Staff: an org unit and everything below it.
    Subtree { org_unit_id: i64, org_unit_name: String, kind: String },
    /// A teacher: only their own records.
    Own { person_id: i64 },
}

/// `GET /me`: who is calling, in what role, seeing what.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Me {
    pub account: Account,
    #[cfg_attr(feature = "openapi", schema(example = "teacher"))]
    pub role: String,
    pub scope: MeScope,
    pub person: Option<Teacher>,
}

fn username(value: &str) -> std::result::Result<String, FieldError> {
    let name = kernel::Bound::new(1, 64).check("username", value)?;
    let shaped =
        name.chars().count() >= 2 && name.chars().all(|c| c.is_ascii_alphanumeric() || "._-".contains(c));
    if shaped {
        Ok(name)
    } else {
        Err(FieldError::new(
            "username",
            "invalid_format",
            Text::fixed("用户名为 2–64 位字母、数字或 . _ -", "username is 2-64 letters, digits or . _ -"),
        ))
    }
}

/// Creates a trainer, HR or admin account inside the caller's subtree.
pub async fn create_account(db: &DatabaseConnection, actor: &Actor, input: NewAccount) -> Result<Account> {
    actor.require(Permission::ManageDirectory)?;
    let mut v = Violations::default();
    let name = v.check(username(&input.username));
    let password = v.check(Password::parse(&input.password, "password"));
    let email = match input.email.as_deref().map(str::trim).filter(|e| !e.is_empty()) {
        Some(e) => v.check(crate::domain::Email::parse(e)).map(|e| e.as_str().to_owned()),
        None => None,
    };
    let language = input.language.clone().unwrap_or_else(|| "zh".to_owned());
    if !["zh", "en"].contains(&language.as_str()) {
        v.push(FieldError::new(
            "language",
            "invalid_value",
            Text::fixed("语言须为 zh 或 en", "language is zh or en"),
        ));
    }
    let role = match Role::parse(&input.role) {
        Some(role @ (Role::Trainer | Role::Hr | Role::Admin)) => Some(role),
        _ => {
            v.push(FieldError::new(
                "role",
                "invalid_role",
                Text::fixed(
                    "角色须为 trainer、hr 或 admin；教师账号随教师创建",
                    "role must be trainer, hr or admin; teacher accounts come with their teacher",
                ),
            ));
            None
        }
    };
    let unit = match repo::org_unit(db, input.org_unit_id).await {
        Ok(unit) if actor.authorize(Permission::ManageDirectory, &unit.path).is_ok() => Some(unit),
        Ok(_) | Err(Error::NotFound) => {
            v.push(FieldError::new(
                "org_unit_id",
                "unknown_org_unit",
                Text::fixed("机构不存在或不在管辖范围内", "no such org unit in your scope"),
            ));
            None
        }
        Err(other) => return Err(other),
    };
    if let Some(name) = &name
        && username_exists(db, name).await?
    {
        v.push(FieldError::new(
            "username",
            "taken",
            Text::fixed("用户名已被使用", "username is already taken"),
        ));
    }
    v.finish()?;
    let (Some(name), Some(password), Some(role), Some(unit)) = (name, password, role, unit) else {
        return Err(Error::Unexpected(anyhow::anyhow!("validated account lost a field")));
    };
    let hash = hash_passwords(&[password.expose().to_owned()]).await?.remove(0);
    let saved = account::ActiveModel {
        username: Set(name),
        password_hash: Set(hash),
        role: Set(role.as_str().to_owned()),
        org_unit_id: Set(Some(unit.id)),
        person_id: Set(None),
        failed_logins: Set(0),
        locked_until: Set(None),
        disabled: Set(false),
        must_change_password: Set(false),
        created_at: Set(Utc::now()),
        email: Set(email),
        language: Set(language),
        ..Default::default()
    }
    .insert(db)
    .await
    .map_err(Error::on_unique(
        "username_taken",
        Text::fixed("用户名已被使用", "username is already taken"),
    ))?;
    Ok(saved.into())
}

fn session_ended() -> Error {
    Error::Unauthorized {
        code: "unauthorized",
        detail: Text::fixed(
            "账号不存在或已停用，请重新登录",
            "the account no longer exists or is disabled; log in again",
        ),
    }
}

/// The actor behind a verified access token, read fresh on every request so a disabled account
/// or a changed scope takes effect at once.
pub async fn actor_for(db: &impl ConnectionTrait, account_id: i64) -> Result<Actor> {
    let found = account::Entity::find_by_id(account_id).one(db).await?.ok_or_else(session_ended)?;
    // A reset password ends the account's sessions at once, access tokens included.
    if found.disabled || found.must_change_password {
        return Err(session_ended());
    }
    let role = kernel::stored(Role::parse(&found.role), "account.role", &found.role)?;
    let scope = match (role, found.person_id, found.org_unit_id) {
        (Role::Teacher, Some(person_id), _) => Scope::Person { person_id },
        (_, _, Some(org_unit_id)) => {
            let unit = org_unit::Entity::find_by_id(org_unit_id).one(db).await?.ok_or_else(session_ended)?;
            Scope::Subtree { org_unit_id, path: unit.path }
        }
        _ => return Err(session_ended()),
    };
    Ok(Actor { account_id, role, scope })
}

/// The caller's account, role, scope and (for teachers) person.
pub async fn me(db: &DatabaseConnection, actor: &Actor) -> Result<Me> {
    let found = account::Entity::find_by_id(actor.account_id).one(db).await?.ok_or_else(session_ended)?;
    let (scope, person) = match &actor.scope {
        Scope::Person { person_id } => {
            (MeScope::Own { person_id: *person_id }, Some(get_teacher(db, actor, *person_id).await?))
        }
        Scope::Subtree { org_unit_id, .. } => {
            let unit = repo::org_unit(db, *org_unit_id).await?;
            (MeScope::Subtree { org_unit_id: unit.id, org_unit_name: unit.name, kind: unit.kind }, None)
        }
    };
    Ok(Me { role: found.role.clone(), account: found.into(), scope, person })
}

/// The account of a person, for login by phone or employee number.
pub(crate) async fn account_of_login_name(
    db: &impl ConnectionTrait,
    login: &str,
) -> Result<Option<account::Model>> {
    if let Some(found) = account::Entity::find().filter(account::Column::Username.eq(login)).one(db).await? {
        return Ok(Some(found));
    }
    let Some(owner) = person::Entity::find()
        .filter(person::Column::Phone.eq(login).or(person::Column::EmployeeNo.eq(login)))
        .one(db)
        .await?
    else {
        return Ok(None);
    };
    Ok(account::Entity::find().filter(account::Column::PersonId.eq(owner.id)).one(db).await?)
}

/// Gives a teacher's account another login name (the employee number and phone keep working);
/// for installation and the demo seed, not exposed over HTTP.
pub async fn rename_teacher_account(
    db: &DatabaseConnection,
    employee_no: &str,
    new_username: &str,
) -> Result<()> {
    let new_username = username(new_username)?;
    if account::Entity::find().filter(account::Column::Username.eq(&new_username)).one(db).await?.is_some() {
        return Ok(());
    }
    let owner = person::Entity::find()
        .filter(person::Column::EmployeeNo.eq(employee_no))
        .one(db)
        .await?
        .ok_or(Error::NotFound)?;
    let found = account::Entity::find()
        .filter(account::Column::PersonId.eq(owner.id))
        .one(db)
        .await?
        .ok_or(Error::NotFound)?;
    let mut active: account::ActiveModel = found.into();
    active.username = Set(new_username);
    active.update(db).await.map_err(Error::on_unique(
        "username_taken",
        Text::fixed("用户名已被使用", "username is already taken"),
    ))?;
    Ok(())
}

/// Whether a login name is taken, for idempotent set-up scripts.
pub async fn username_exists(db: &DatabaseConnection, name: &str) -> Result<bool> {
    Ok(account::Entity::find().filter(account::Column::Username.eq(name)).one(db).await?.is_some())
}

/// Where and in which language to write to someone.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Contact {
    pub name: String,
    pub email: String,
    pub english: bool,
}

/// How the caller is named on what they run (a session's trainer): their person's name when
/// the account has one, else the login name.
pub async fn display_name(db: &impl ConnectionTrait, actor: &Actor) -> Result<String> {
    let found = account::Entity::find_by_id(actor.account_id).one(db).await?.ok_or(Error::NotFound)?;
    if let Some(person_id) = found.person_id
        && let Some(person) = person::Entity::find_by_id(person_id).one(db).await?
    {
        return Ok(person.name);
    }
    Ok(found.username)
}

/// The address mail to the caller goes to: a teacher's own (on the person record), else the
/// staff account's.
pub async fn mail_address(db: &impl ConnectionTrait, actor: &Actor) -> Result<Option<String>> {
    if let Some(person_id) = actor.person_id() {
        return Ok(person::Entity::find_by_id(person_id).one(db).await?.and_then(|p| p.email));
    }
    Ok(account::Entity::find_by_id(actor.account_id).one(db).await?.and_then(|a| a.email))
}

/// A teacher's contact, if the teacher has an email address.
pub async fn teacher_contact(db: &impl ConnectionTrait, person_id: i64) -> Result<Option<Contact>> {
    let Some(found) = person::Entity::find_by_id(person_id).one(db).await? else { return Ok(None) };
    let english = account::Entity::find()
        .filter(account::Column::PersonId.eq(person_id))
        .one(db)
        .await?
        .is_some_and(|a| a.language == "en");
    Ok(found.email.map(|email| Contact { name: found.name, email, english }))
}

/// Staff of a role whose scope covers `path` (their unit or one above it) and who have an email.
pub async fn staff_contacts(db: &impl ConnectionTrait, path: &str, role: Role) -> Result<Vec<Contact>> {
    let units: Vec<i64> = kernel::path_ancestors(path)
        .iter()
        .filter_map(|p| p.trim_end_matches('/').rsplit('/').next()?.parse().ok())
        .collect();
    Ok(account::Entity::find()
        .filter(account::Column::Role.eq(role.as_str()))
        .filter(account::Column::OrgUnitId.is_in(units))
        .filter(account::Column::Disabled.eq(false))
        .all(db)
        .await?
        .into_iter()
        .filter_map(|a| a.email.map(|email| Contact { name: a.username, email, english: a.language == "en" }))
        .collect())
}
