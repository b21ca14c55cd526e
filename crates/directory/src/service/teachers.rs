use sea_orm::QuerySelect as _;
use std::collections::{BTreeSet, HashMap, HashSet};

use chrono::Utc;
use kernel::{Actor, Error, FieldError, Page, PageRequest, Permission, Result, Text, Violations, fetch_page};
use sea_orm::sea_query::Query;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter,
    QueryOrder, Set,
};
use serde::{Deserialize, Serialize};

use crate::domain::{Email, EmployeeNo, Gender, MhRole, Password, Phone, hash_password};
use crate::entity::{account, org_unit, person, person_role};
use crate::repo;

/// A teacher as clients see it.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Teacher {
    #[cfg_attr(feature = "openapi", schema(example = 101))]
    pub id: i64,
    #[cfg_attr(feature = "openapi", schema(example = "ES0001"))]
    pub employee_no: String,
    #[cfg_attr(feature = "openapi", schema(example = "李明"))]
    pub name: String,
    #[cfg_attr(feature = "openapi", schema(example = "13800138000"))]
    pub phone: String,
    #[cfg_attr(feature = "openapi", schema(example = "li.ming@es.edu.cn"))]
    pub email: Option<String>,
    pub gender: Option<Gender>,
    #[cfg_attr(feature = "openapi", schema(example = "心理健康"))]
    pub subject: Option<String>,
    /// Another subject the teacher also teaches (兼任学科); a full-time MH teacher should have
    /// none, and the staffing report lists those who do.
    #[cfg_attr(feature = "openapi", schema(example = "语文"))]
    pub other_subject: Option<String>,
    #[cfg_attr(feature = "openapi", schema(example = 12))]
    pub school_id: i64,
    #[cfg_attr(feature = "openapi", schema(example = "恩施市第一中学"))]
    pub school_name: String,
    pub roles: Vec<MhRole>,
    /// The teacher's login account, for the admin's disable, enable and password reset.
    #[cfg_attr(feature = "openapi", schema(example = 1201))]
    pub account_id: Option<i64>,
    /// Whether that account is disabled (cannot log in).
    pub account_disabled: bool,
}

/// Body of `POST /teachers`: the teacher's fields, plus the password of the account created
/// with it.
#[derive(Debug, Clone, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewTeacher {
    #[cfg_attr(feature = "openapi", schema(example = "ES0999", min_length = 1, max_length = 32))]
    pub employee_no: String,
    #[cfg_attr(feature = "openapi", schema(example = "王芳", min_length = 1, max_length = 50))]
    pub name: String,
    #[cfg_attr(feature = "openapi", schema(example = "13900139000", min_length = 11, max_length = 11))]
    pub phone: String,
    #[cfg_attr(feature = "openapi", schema(example = "wang.fang@es.edu.cn", max_length = 254))]
    pub email: Option<String>,
    pub gender: Option<Gender>,
    #[cfg_attr(feature = "openapi", schema(example = "语文", max_length = 50))]
    pub subject: Option<String>,
    /// 兼任学科: another subject taught besides `subject`.
    #[cfg_attr(feature = "openapi", schema(example = "道德与法治", max_length = 50))]
    pub other_subject: Option<String>,
    #[cfg_attr(feature = "openapi", schema(example = 12))]
    pub school_id: i64,
    #[serde(default)]
    pub roles: Vec<MhRole>,
    #[cfg_attr(feature = "openapi", schema(example = "Start2026!", min_length = 8, max_length = 128))]
    pub initial_password: String,
}

/// Body of `PATCH /teachers/{id}`: only the fields to change. The employee number is the login
/// name and HR's key, so it never changes.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct TeacherPatch {
    #[cfg_attr(feature = "openapi", schema(example = "王芳", min_length = 1, max_length = 50))]
    pub name: Option<String>,
    #[cfg_attr(feature = "openapi", schema(example = "13900139001", min_length = 11, max_length = 11))]
    pub phone: Option<String>,
    #[cfg_attr(feature = "openapi", schema(example = "wang.fang@es.edu.cn", max_length = 254))]
    pub email: Option<String>,
    pub gender: Option<Gender>,
    #[cfg_attr(feature = "openapi", schema(example = "心理健康", max_length = 50))]
    pub subject: Option<String>,
    /// 兼任学科; an empty string clears it (the teacher teaches no other subject).
    #[cfg_attr(feature = "openapi", schema(example = "", max_length = 50))]
    pub other_subject: Option<String>,
    #[cfg_attr(feature = "openapi", schema(example = 13))]
    pub school_id: Option<i64>,
    pub roles: Option<Vec<MhRole>>,
}

/// Filters of the teacher list.
#[derive(Debug, Clone, Default)]
pub struct TeacherFilter {
    /// Only teachers of this org unit's subtree (which must lie in the caller's).
    pub org_unit: Option<i64>,
    pub role: Option<MhRole>,
    /// Part of the name, employee number or phone.
    pub q: Option<String>,
}

/// The free-text fields of a teacher, validated.
pub(crate) struct Identity {
    pub employee_no: EmployeeNo,
    pub name: String,
    pub phone: Phone,
    pub email: Option<Email>,
    pub subject: Option<String>,
    pub other_subject: Option<String>,
}

/// A teacher's validated fields, ready to be written; shared by single create and import.
pub(crate) struct TeacherRecord {
    pub identity: Identity,
    pub gender: Option<Gender>,
    pub roles: BTreeSet<MhRole>,
}

/// Parses the free-text fields of a teacher, recording every field at fault.
pub(crate) fn parse_identity(
    v: &mut Violations,
    employee_no: &str,
    name: &str,
    phone: &str,
    email: Option<&str>,
    (subject, other_subject): (Option<&str>, Option<&str>),
) -> Option<Identity> {
    let employee_no = v.check(EmployeeNo::parse(employee_no));
    let name = v.check(kernel::Bound::new(1, 50).check("name", name));
    let phone = v.check(Phone::parse(phone));
    let email = email.map(str::trim).filter(|e| !e.is_empty()).map(|e| v.check(Email::parse(e)));
    // An optional field that was given but invalid fails the whole record.
    let email = match email {
        Some(parsed) => Some(parsed?),
        None => None,
    };
    let (subject, other_subject) =
        (optional_subject(v, "subject", subject), optional_subject(v, "other_subject", other_subject));
    Some(Identity {
        employee_no: employee_no?,
        name: name?,
        phone: phone?,
        email,
        subject: subject?,
        other_subject: other_subject?,
    })
}

/// A subject as given: absent or blank is none; otherwise 1 to 50 characters (`None` when it
/// is at fault, recorded in `v`).
fn optional_subject(v: &mut Violations, field: &str, value: Option<&str>) -> Option<Option<String>> {
    match value.map(str::trim).filter(|s| !s.is_empty()) {
        Some(given) => v.check(kernel::Bound::new(1, 50).check(field, given)).map(Some),
        None => Some(None),
    }
}

/// Which of these employee numbers and phones are already used by a person or an account.
pub(crate) async fn taken_keys(
    db: &impl ConnectionTrait,
    employee_nos: &[String],
    phones: &[String],
) -> Result<(HashSet<String>, HashSet<String>)> {
    let mut taken_numbers = HashSet::new();
    let mut taken_phones = HashSet::new();
    for chunk in employee_nos.chunks(500) {
        let people = person::Entity::find()
            .filter(person::Column::EmployeeNo.is_in(chunk.iter().cloned()))
            .all(db)
            .await?;
        taken_numbers.extend(people.into_iter().map(|p| p.employee_no));
        let accounts = account::Entity::find()
            .filter(account::Column::Username.is_in(chunk.iter().cloned()))
            .all(db)
            .await?;
        taken_numbers.extend(accounts.into_iter().map(|a| a.username));
    }
    for chunk in phones.chunks(500) {
        let people =
            person::Entity::find().filter(person::Column::Phone.is_in(chunk.iter().cloned())).all(db).await?;
        taken_phones.extend(people.into_iter().map(|p| p.phone));
    }
    Ok((taken_numbers, taken_phones))
}

pub(crate) fn taken(field: &'static str) -> FieldError {
    FieldError::new(
        field,
        "taken",
        Text::fixed("已被其他教师或账号使用", "already used by another teacher or account"),
    )
}

fn duplicate_teacher() -> Text {
    Text::fixed("工号或手机号已被使用", "employee number or phone already in use")
}

/// Writes teachers with their roles and teacher accounts, and tells `placed` where they work;
/// all inside the caller's transaction. `password_hashes[i]` is the hash of teacher `i`'s
/// initial password.
pub(crate) async fn insert_teachers(
    txn: &impl ConnectionTrait,
    placed: super::Placed,
    teachers: Vec<(TeacherRecord, &org_unit::Model)>,
    password_hashes: &[String],
) -> Result<Vec<i64>> {
    let now = Utc::now();
    let mut ids = Vec::with_capacity(teachers.len());
    for chunk in teachers.chunks(400) {
        let models = chunk.iter().map(|(t, school)| person::ActiveModel {
            employee_no: Set(t.identity.employee_no.as_str().to_owned()),
            name: Set(t.identity.name.clone()),
            phone: Set(t.identity.phone.as_str().to_owned()),
            email: Set(t.identity.email.as_ref().map(|e| e.as_str().to_owned())),
            gender: Set(t.gender.map(|g| g.as_str().to_owned())),
            subject: Set(t.identity.subject.clone()),
            other_subject: Set(t.identity.other_subject.clone()),
            school_id: Set(school.id),
            org_path: Set(school.path.clone()),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        });
        let chunk_ids = person::Entity::insert_many(models)
            .exec_with_returning_keys(txn)
            .await
            .map_err(Error::on_unique("teacher_taken", duplicate_teacher()))?;
        ids.extend(chunk_ids);
    }
    let placements: Vec<super::Placement> = teachers
        .iter()
        .zip(&ids)
        .map(|((_, school), id)| super::Placement {
            teacher_id: *id,
            school_id: school.id,
            county_id: school.parent_id,
        })
        .collect();
    super::placement::tell(txn, placed, &placements).await?;
    let roles: Vec<person_role::ActiveModel> = teachers
        .iter()
        .zip(&ids)
        .flat_map(|((t, _), id)| {
            t.roles.iter().map(|role| person_role::ActiveModel {
                person_id: Set(*id),
                role: Set(role.as_str().to_owned()),
            })
        })
        .collect();
    for chunk in roles.chunks(1000) {
        person_role::Entity::insert_many(chunk.to_vec()).exec_without_returning(txn).await?;
    }
    let accounts: Vec<account::ActiveModel> = teachers
        .iter()
        .zip(&ids)
        .zip(password_hashes)
        .map(|(((t, _), id), hash)| account::ActiveModel {
            username: Set(t.identity.employee_no.as_str().to_owned()),
            password_hash: Set(hash.clone()),
            role: Set(kernel::Role::Teacher.as_str().to_owned()),
            org_unit_id: Set(None),
            person_id: Set(Some(*id)),
            failed_logins: Set(0),
            locked_until: Set(None),
            disabled: Set(false),
            must_change_password: Set(false),
            created_at: Set(now),
            email: Set(t.identity.email.as_ref().map(|e| e.as_str().to_owned())),
            language: Set("zh".to_owned()),
            ..Default::default()
        })
        .collect();
    for chunk in accounts.chunks(500) {
        account::Entity::insert_many(chunk.to_vec())
            .exec_without_returning(txn)
            .await
            .map_err(Error::on_unique("teacher_taken", duplicate_teacher()))?;
    }
    Ok(ids)
}

/// Hashes each distinct password once, on the blocking pool: an import that gives one initial
/// password to a whole school costs one hash, not one per teacher.
pub(crate) async fn hash_passwords(passwords: &[String]) -> Result<Vec<String>> {
    let distinct: BTreeSet<String> = passwords.iter().cloned().collect();
    let mut tasks = tokio::task::JoinSet::new();
    for password in distinct {
        tasks.spawn_blocking(move || hash_password(&password).map(|hash| (password, hash)));
    }
    let mut hashes = HashMap::new();
    while let Some(joined) = tasks.join_next().await {
        let (password, hash) = joined.map_err(|e| anyhow::anyhow!("password hashing task failed: {e}"))??;
        hashes.insert(password, hash);
    }
    passwords
        .iter()
        .map(|p| {
            hashes
                .get(p)
                .cloned()
                .ok_or_else(|| Error::Unexpected(anyhow::anyhow!("a password was not hashed")))
        })
        .collect()
}

/// A school the caller may manage, or a field error that does not reveal others' schools.
pub(crate) fn school_in_scope(
    actor: &Actor,
    school: Option<org_unit::Model>,
    field: &'static str,
) -> std::result::Result<org_unit::Model, FieldError> {
    match school {
        Some(s) if s.kind == "school" && actor.authorize(Permission::ManageDirectory, &s.path).is_ok() => {
            Ok(s)
        }
        _ => Err(FieldError::new(
            field,
            "unknown_school",
            Text::fixed("学校不存在或不在管辖范围内", "no such school in your scope"),
        )),
    }
}

/// Adds a teacher and the teacher's login account in one transaction, telling `placed` where
/// the teacher works.
pub async fn create_teacher(
    db: &DatabaseConnection,
    placed: super::Placed,
    actor: &Actor,
    input: NewTeacher,
) -> Result<Teacher> {
    actor.require(Permission::ManageDirectory)?;
    let mut v = Violations::default();
    let identity = parse_identity(
        &mut v,
        &input.employee_no,
        &input.name,
        &input.phone,
        input.email.as_deref(),
        (input.subject.as_deref(), input.other_subject.as_deref()),
    );
    let password = v.check(Password::parse(&input.initial_password, "initial_password"));
    let school = org_unit::Entity::find_by_id(input.school_id).one(db).await?;
    let school = v.check(school_in_scope(actor, school, "school_id"));
    if let Some(identity) = &identity {
        let (numbers, phones) = taken_keys(
            db,
            &[identity.employee_no.as_str().to_owned()],
            &[identity.phone.as_str().to_owned()],
        )
        .await?;
        if !numbers.is_empty() {
            v.push(taken("employee_no"));
        }
        if !phones.is_empty() {
            v.push(taken("phone"));
        }
    }
    v.finish()?;
    let (Some(identity), Some(password), Some(school)) = (identity, password, school) else {
        return Err(Error::Unexpected(anyhow::anyhow!("validated teacher lost a field")));
    };
    let record = TeacherRecord { identity, gender: input.gender, roles: input.roles.into_iter().collect() };
    let hashes = hash_passwords(&[password.expose().to_owned()]).await?;
    let txn = kernel::begin_write(db).await?;
    let ids = insert_teachers(&txn, placed, vec![(record, &school)], &hashes).await?;
    txn.commit().await?;
    let id = ids.first().copied().ok_or(Error::NotFound)?;
    get_teacher(db, actor, id).await
}

/// The org path of a teacher, for other domains' scope checks (e.g. reading credits).
pub async fn teacher_scope_path(db: &impl ConnectionTrait, person_id: i64) -> Result<String> {
    Ok(person::Entity::find_by_id(person_id).one(db).await?.ok_or(Error::NotFound)?.org_path)
}

/// A teacher's MH roles alone, for judging requirements (one query, where
/// [`teacher_identity`] also reads the person and the school).
pub async fn mh_roles(db: &impl ConnectionTrait, person_id: i64) -> Result<Vec<MhRole>> {
    let mut roles = repo::roles_of(db, [person_id]).await?;
    roles.remove(&person_id).unwrap_or_default().iter().map(|r| MhRole::read(r)).collect()
}

/// The org paths of many teachers at once (bulk imports must not ask per row); teachers that
/// do not exist are absent.
pub async fn teacher_scope_paths(
    db: &impl ConnectionTrait,
    person_ids: &[i64],
) -> Result<std::collections::HashMap<i64, String>> {
    let mut paths = std::collections::HashMap::with_capacity(person_ids.len());
    for chunk in person_ids.chunks(1000) {
        let found: Vec<(i64, String)> = person::Entity::find()
            .select_only()
            .column(person::Column::Id)
            .column(person::Column::OrgPath)
            .filter(person::Column::Id.is_in(chunk.iter().copied()))
            .into_tuple()
            .all(db)
            .await?;
        paths.extend(found);
    }
    Ok(paths)
}

/// One teacher: staff in scope, or the teacher themself.
pub async fn get_teacher(db: &DatabaseConnection, actor: &Actor, id: i64) -> Result<Teacher> {
    let found = person::Entity::find_by_id(id).one(db).await?.ok_or(Error::NotFound)?;
    if actor.person_id() != Some(id) {
        actor.authorize(Permission::ReadDirectory, &found.org_path)?;
    }
    hydrate(db, vec![found]).await?.into_iter().next().ok_or(Error::NotFound)
}

/// A teacher without a scope check, for public verification pages only (they mask what they
/// show) — never for an authenticated view.
pub async fn teacher_identity(db: &impl ConnectionTrait, id: i64) -> Result<Teacher> {
    let found = person::Entity::find_by_id(id).one(db).await?.ok_or(Error::NotFound)?;
    hydrate(db, vec![found]).await?.into_iter().next().ok_or(Error::NotFound)
}

/// Several teachers by id without a scope check, for rosters whose access the caller already
/// checked (a session's trainer sees its attendees).
pub async fn teachers_by_ids(db: &impl ConnectionTrait, ids: &[i64]) -> Result<Vec<Teacher>> {
    let mut people = Vec::with_capacity(ids.len());
    for chunk in ids.chunks(500) {
        people.extend(
            person::Entity::find().filter(person::Column::Id.is_in(chunk.iter().copied())).all(db).await?,
        );
    }
    hydrate(db, people).await
}

/// Teachers of the caller's subtree, ordered by id.
pub async fn list_teachers(
    db: &DatabaseConnection,
    actor: &Actor,
    filter: TeacherFilter,
    page: PageRequest,
) -> Result<Page<Teacher>> {
    let path = scope_path(db, actor, filter.org_unit, Permission::ReadDirectory).await?;
    let condition = teacher_condition(&path, filter.role, filter.q.as_deref());
    let select = person::Entity::find().filter(condition).order_by_asc(person::Column::Id);
    let page = fetch_page(db, select, page).await?;
    let items = hydrate(db, page.items).await?;
    Ok(Page { items, total: page.total, page: page.page, per_page: page.per_page })
}

/// The subtree a staff query covers: the org unit asked for (which must lie in the caller's
/// subtree, else a 422 naming `org_unit`), or the caller's whole subtree.
pub async fn scope_path(
    db: &impl ConnectionTrait,
    actor: &Actor,
    org_unit: Option<i64>,
    permission: Permission,
) -> Result<String> {
    actor.require(permission)?;
    let own = actor.subtree()?.to_owned();
    let Some(unit_id) = org_unit else {
        return Ok(own);
    };
    let unit = repo::org_unit(db, unit_id).await.map_err(|_| not_in_scope("org_unit"))?;
    actor.authorize(permission, &unit.path).map_err(|_| not_in_scope("org_unit"))?;
    Ok(unit.path)
}

/// Teachers under `path`, holding `role`, matching `q` in name, employee number or phone.
/// Teachers of the schools under an already-authorised subtree path. Asked through the schools
/// (a few hundred org units) and the index on `person.school_id`, because neither database
/// uses an index for `person.org_path LIKE 'path%'` and that scanned every teacher.
fn works_under(path: &str) -> sea_orm::sea_query::SimpleExpr {
    use sea_orm::ExprTrait;
    use sea_orm::sea_query::Expr;
    Expr::col((person::Entity, person::Column::SchoolId)).in_subquery(
        Query::select()
            .column((org_unit::Entity, org_unit::Column::Id))
            .from(org_unit::Entity)
            .and_where(Expr::col((org_unit::Entity, org_unit::Column::Path)).like(format!("{path}%")))
            .to_owned(),
    )
}

fn teacher_condition(path: &str, role: Option<MhRole>, q: Option<&str>) -> Condition {
    filter_condition(role, q).add(works_under(path))
}

fn filter_condition(role: Option<MhRole>, q: Option<&str>) -> Condition {
    let mut condition = Condition::all();
    if let Some(role) = role {
        condition = condition.add(
            person::Column::Id.in_subquery(
                Query::select()
                    .column(person_role::Column::PersonId)
                    .from(person_role::Entity)
                    .and_where(person_role::Column::Role.eq(role.as_str()))
                    .to_owned(),
            ),
        );
    }
    if let Some(q) = q.filter(|q| !q.trim().is_empty()) {
        condition = condition.add(
            Condition::any()
                .add(person::Column::Name.like(repo::contains_pattern(q)))
                .add(person::Column::EmployeeNo.like(repo::contains_pattern(q)))
                .add(person::Column::Phone.like(repo::contains_pattern(q))),
        );
    }
    condition
}

/// Column names of [`teacher_selection`], for other domains' reports.
pub const TEACHER_ID: &str = "teacher_id";

/// A query other domains join their per-teacher figures onto (HR searches, exports): the
/// teachers of an already-authorised subtree path with columns `teacher_id`, `employee_no`,
/// `name`, `school_id`, `school_name`, `county_id`. Keeps the directory's tables the directory's business.
pub fn teacher_selection(path: &str, filter: &TeacherFilter) -> sea_orm::sea_query::SelectStatement {
    let mut selection = teacher_selection_anywhere(filter);
    selection.cond_where(works_under(path));
    selection
}

/// [`teacher_selection`] without the subtree: for a caller that has already narrowed the
/// teachers to an authorised school or county by its own index (the ledger's kept totals).
pub fn teacher_selection_anywhere(filter: &TeacherFilter) -> sea_orm::sea_query::SelectStatement {
    use sea_orm::ExprTrait;
    use sea_orm::sea_query::{Alias, Expr};
    Query::select()
        .expr_as(Expr::col((person::Entity, person::Column::Id)), Alias::new(TEACHER_ID))
        .column((person::Entity, person::Column::EmployeeNo))
        .column((person::Entity, person::Column::Name))
        .column((person::Entity, person::Column::SchoolId))
        .expr_as(Expr::col((org_unit::Entity, org_unit::Column::Name)), Alias::new("school_name"))
        .expr_as(Expr::col((org_unit::Entity, org_unit::Column::ParentId)), Alias::new("county_id"))
        .from(person::Entity)
        .inner_join(
            org_unit::Entity,
            Expr::col((org_unit::Entity, org_unit::Column::Id))
                .equals((person::Entity, person::Column::SchoolId)),
        )
        .cond_where(filter_condition(filter.role, filter.q.as_deref()))
        .to_owned()
}

fn not_in_scope(field: &'static str) -> Error {
    Error::invalid(
        field,
        "unknown_org_unit",
        Text::fixed("机构不存在或不在管辖范围内", "no such org unit in your scope"),
    )
}

/// Changes a teacher in the caller's subtree; moving to another school needs that school in
/// scope too, and `placed` is told of the move.
pub async fn update_teacher(
    db: &DatabaseConnection,
    placed: super::Placed,
    actor: &Actor,
    id: i64,
    patch: TeacherPatch,
) -> Result<Teacher> {
    let found = person::Entity::find_by_id(id).one(db).await?.ok_or(Error::NotFound)?;
    actor.authorize(Permission::ManageDirectory, &found.org_path)?;
    let mut v = Violations::default();
    let name = patch.name.as_deref().and_then(|n| v.check(kernel::Bound::new(1, 50).check("name", n)));
    let phone = patch.phone.as_deref().and_then(|p| v.check(Phone::parse(p)));
    let email = patch.email.as_deref().and_then(|e| v.check(Email::parse(e)));
    let subject =
        patch.subject.as_deref().and_then(|s| v.check(kernel::Bound::new(1, 50).check("subject", s)));
    let other_subject = match patch.other_subject.as_deref() {
        Some(given) => optional_subject(&mut v, "other_subject", Some(given)),
        None => None,
    };
    let school = match patch.school_id {
        Some(school_id) => {
            let school = org_unit::Entity::find_by_id(school_id).one(db).await?;
            v.check(school_in_scope(actor, school, "school_id"))
        }
        None => None,
    };
    if let Some(phone) = phone.as_ref().filter(|p| p.as_str() != found.phone) {
        let (_, phones) = taken_keys(db, &[], &[phone.as_str().to_owned()]).await?;
        if !phones.is_empty() {
            v.push(taken("phone"));
        }
    }
    v.finish()?;

    let txn = kernel::begin_write(db).await?;
    let mut active: person::ActiveModel = found.into();
    if let Some(name) = name {
        active.name = Set(name);
    }
    if let Some(phone) = phone {
        active.phone = Set(phone.as_str().to_owned());
    }
    if let Some(email) = email {
        active.email = Set(Some(email.as_str().to_owned()));
    }
    if let Some(gender) = patch.gender {
        active.gender = Set(Some(gender.as_str().to_owned()));
    }
    if let Some(subject) = subject {
        active.subject = Set(Some(subject));
    }
    if let Some(other_subject) = other_subject {
        active.other_subject = Set(other_subject);
    }
    let moved =
        school.as_ref().map(|s| super::Placement { teacher_id: id, school_id: s.id, county_id: s.parent_id });
    if let Some(school) = school {
        active.school_id = Set(school.id);
        active.org_path = Set(school.path);
    }
    active.updated_at = Set(Utc::now());
    active.update(&txn).await.map_err(Error::on_unique("teacher_taken", duplicate_teacher()))?;
    // The kept totals follow the teacher to the new school and county, in this transaction.
    super::placement::tell(&txn, placed, moved.as_slice()).await?;
    if let Some(roles) = patch.roles {
        person_role::Entity::delete_many().filter(person_role::Column::PersonId.eq(id)).exec(&txn).await?;
        let roles: BTreeSet<MhRole> = roles.into_iter().collect();
        let rows = roles
            .iter()
            .map(|r| person_role::ActiveModel { person_id: Set(id), role: Set(r.as_str().to_owned()) });
        if !roles.is_empty() {
            person_role::Entity::insert_many(rows).exec_without_returning(&txn).await?;
        }
    }
    txn.commit().await?;
    get_teacher(db, actor, id).await
}

/// Turns person rows into teachers with their roles, school names and accounts (three queries
/// per page).
async fn hydrate(db: &impl ConnectionTrait, people: Vec<person::Model>) -> Result<Vec<Teacher>> {
    let mut roles = repo::roles_of(db, people.iter().map(|p| p.id)).await?;
    let accounts: HashMap<i64, (i64, bool)> = account::Entity::find()
        .filter(account::Column::PersonId.is_in(people.iter().map(|p| p.id)))
        .all(db)
        .await?
        .into_iter()
        .filter_map(|a| Some((a.person_id?, (a.id, a.disabled))))
        .collect();
    let school_ids: BTreeSet<i64> = people.iter().map(|p| p.school_id).collect();
    let schools: HashMap<i64, String> = org_unit::Entity::find()
        .filter(org_unit::Column::Id.is_in(school_ids))
        .all(db)
        .await?
        .into_iter()
        .map(|s| (s.id, s.name))
        .collect();
    people
        .into_iter()
        .map(|p| {
            let mut held: Vec<MhRole> = roles
                .remove(&p.id)
                .unwrap_or_default()
                .iter()
                .map(|r| MhRole::read(r))
                .collect::<Result<_>>()?;
            held.sort();
            Ok(Teacher {
                roles: held,
                school_name: schools.get(&p.school_id).cloned().unwrap_or_default(),
                account_id: accounts.get(&p.id).map(|a| a.0),
                account_disabled: accounts.get(&p.id).is_some_and(|a| a.1),
                id: p.id,
                employee_no: p.employee_no,
                name: p.name,
                phone: p.phone,
                email: p.email,
                gender: p.gender.as_deref().map(Gender::read).transpose()?,
                subject: p.subject,
                other_subject: p.other_subject,
                school_id: p.school_id,
            })
        })
        .collect()
}

/// A query other domains aggregate over (the qualification report): the teachers of an
/// already-authorised subtree path with columns `teacher_id`, `school_id`, `org_path` and
/// `in_group` (1 when they hold any of `group`'s roles, else 0). One row per teacher, so a
/// report over a whole prefecture is one grouped query, not a list walked in memory.
pub fn roster_selection(path: &str, group: &[MhRole]) -> sea_orm::sea_query::SelectStatement {
    use sea_orm::ExprTrait;
    use sea_orm::sea_query::{Alias, Expr};
    let holds_role = Query::select()
        .expr(Expr::val(1))
        .from(person_role::Entity)
        .and_where(
            Expr::col((person_role::Entity, person_role::Column::PersonId))
                .equals((person::Entity, person::Column::Id)),
        )
        .and_where(person_role::Column::Role.is_in(group.iter().map(|r| r.as_str())))
        .to_owned();
    Query::select()
        .expr_as(Expr::col((person::Entity, person::Column::Id)), Alias::new(TEACHER_ID))
        .column((person::Entity, person::Column::SchoolId))
        .column((person::Entity, person::Column::OrgPath))
        .expr_as(Expr::case(Expr::exists(holds_role), 1).finally(0), Alias::new("in_group"))
        .from(person::Entity)
        .and_where(works_under(path))
        .to_owned()
}

/// A teacher as org-wide reports count them: where they work and which MH roles they hold.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RosterTeacher {
    pub id: i64,
    pub org_path: String,
    pub roles: Vec<MhRole>,
}

/// Every teacher under an already-authorised subtree path with their roles, in two queries
/// (reports over a whole prefecture must not ask per teacher).
pub async fn teachers_with_roles(db: &impl ConnectionTrait, path: &str) -> Result<Vec<RosterTeacher>> {
    let people: Vec<(i64, String)> = person::Entity::find()
        .select_only()
        .column(person::Column::Id)
        .column(person::Column::OrgPath)
        .filter(works_under(path))
        .into_tuple()
        .all(db)
        .await?;
    let roles: Vec<(i64, String)> = person_role::Entity::find()
        .select_only()
        .column(person_role::Column::PersonId)
        .column(person_role::Column::Role)
        .filter(
            person_role::Column::PersonId.in_subquery(
                Query::select()
                    .column(person::Column::Id)
                    .from(person::Entity)
                    .and_where(works_under(path))
                    .to_owned(),
            ),
        )
        .into_tuple()
        .all(db)
        .await?;
    let mut by_person: std::collections::HashMap<i64, Vec<MhRole>> = std::collections::HashMap::new();
    for (person_id, role) in roles {
        by_person.entry(person_id).or_default().push(MhRole::read(&role)?);
    }
    Ok(people
        .into_iter()
        .map(|(id, org_path)| RosterTeacher {
            id,
            org_path,
            roles: by_person.remove(&id).unwrap_or_default(),
        })
        .collect())
}
