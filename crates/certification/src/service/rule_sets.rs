use chrono::{DateTime, NaiveDate, Utc};
use kernel::{Actor, Error, Page, PageRequest, Permission, Result, Text, fetch_page};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect, Set,
};
use serde::{Deserialize, Serialize};

use crate::domain::{LevelRule, RuleSetStatus, Targets, check_rules};
use crate::entity::rule_set;

/// A versioned rule set as clients see it.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RuleSet {
    #[cfg_attr(feature = "openapi", schema(example = 1))]
    pub id: i64,
    #[cfg_attr(feature = "openapi", schema(example = "恩施州中小学教师心理健康教育资格分级标准（2026 版）"))]
    pub name: String,
    #[cfg_attr(feature = "openapi", schema(example = 1))]
    pub version: i32,
    pub effective_from: NaiveDate,
    pub status: RuleSetStatus,
    pub levels: Vec<LevelRule>,
    pub targets: Targets,
}

/// Body of `POST /rule-sets`: a draft, numbered with the next version.
#[derive(Debug, Clone, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewRuleSet {
    #[cfg_attr(
        feature = "openapi",
        schema(example = "恩施州中小学教师心理健康教育资格分级标准（2027 版）", max_length = 100)
    )]
    pub name: String,
    pub effective_from: NaiveDate,
    pub levels: Vec<LevelRule>,
    pub targets: Targets,
}

pub(crate) fn view(m: rule_set::Model) -> Result<RuleSet> {
    Ok(RuleSet {
        id: m.id,
        name: m.name,
        version: m.version,
        effective_from: m.effective_from,
        status: kernel::stored(RuleSetStatus::parse(&m.status), "rule_set.status", &m.status)?,
        levels: kernel::stored_json(&m.levels, "rule_set.levels")?,
        targets: kernel::stored_json(&m.targets, "rule_set.targets")?,
    })
}

/// Rule sets are the prefecture's policy: only an admin of the whole tree changes them.
fn require_prefecture_admin(actor: &Actor) -> Result<()> {
    actor.require(Permission::ManageCertification)?;
    if actor.subtree()?.matches('/').count() == 2 { Ok(()) } else { Err(Error::Forbidden) }
}

/// Refuses rules that cannot be met, including exams that do not exist.
async fn check(db: &impl ConnectionTrait, levels: &[LevelRule], targets: &Targets) -> Result<()> {
    let mut v = check_rules(levels, targets);
    for (i, rule) in levels.iter().enumerate() {
        if let Some(exam) = rule.exam_id
            && !exams::exam_exists(db, exam).await?
        {
            v.push(kernel::FieldError::new(
                format!("levels[{i}].exam_id"),
                "unknown_exam",
                Text::owned(format!("考试 {exam} 不存在"), format!("exam {exam} does not exist")),
            ));
        }
    }
    v.finish()
}

/// Saves a draft rule set under the next version number.
pub async fn create_rule_set(
    db: &DatabaseConnection,
    now: DateTime<Utc>,
    actor: &Actor,
    input: NewRuleSet,
) -> Result<RuleSet> {
    require_prefecture_admin(actor)?;
    let name = kernel::Bound::new(1, 100).check("name", &input.name)?;
    check(db, &input.levels, &input.targets).await?;
    let txn = kernel::begin_write(db).await?;
    let saved = insert(&txn, now, Some(actor.account_id), name, &input).await?;
    txn.commit().await?;
    view(saved)
}

async fn insert(
    txn: &impl ConnectionTrait,
    now: DateTime<Utc>,
    created_by: Option<i64>,
    name: String,
    input: &NewRuleSet,
) -> Result<rule_set::Model> {
    let last: Option<i32> = rule_set::Entity::find()
        .select_only()
        .column_as(rule_set::Column::Version.max(), "v")
        .into_tuple()
        .one(txn)
        .await?
        .flatten();
    let encode = |e: serde_json::Error| Error::Unexpected(e.into());
    rule_set::ActiveModel {
        name: Set(name),
        version: Set(last.unwrap_or(0) + 1),
        effective_from: Set(input.effective_from),
        status: Set(RuleSetStatus::Draft.as_str().to_owned()),
        levels: Set(serde_json::to_string(&input.levels).map_err(encode)?),
        targets: Set(serde_json::to_string(&input.targets).map_err(encode)?),
        created_by: Set(created_by),
        created_at: Set(now),
        activated_at: Set(None),
        ..Default::default()
    }
    .insert(txn)
    .await
    .map_err(Error::on_unique(
        "rule_set_version_taken",
        Text::fixed("另一版本刚刚保存，请重试", "another version was saved just now; retry"),
    ))
}

/// Every rule set, newest version first. Policy is public to every signed-in user.
pub async fn list_rule_sets(db: &DatabaseConnection, page: PageRequest) -> Result<Page<RuleSet>> {
    let page =
        fetch_page(db, rule_set::Entity::find().order_by_desc(rule_set::Column::Version), page).await?;
    let items = page.items.into_iter().map(view).collect::<Result<Vec<_>>>()?;
    Ok(Page { items, total: page.total, page: page.page, per_page: page.per_page })
}

/// `POST /rule-sets/{id}/activate`: the rule set now in force, and the reassessment it caused.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Activation {
    #[serde(flatten)]
    pub rule_set: RuleSet,
    /// Every teacher with a ledger judged under the new rules, and what was issued.
    pub reassessment: super::Reassessment,
}

/// Puts a rule set in force and retires the one before, in one transaction, so exactly one is
/// ever active; the rules are checked again (an exam may have gone since the draft). Then
/// every teacher is judged under the new rules and what is due is issued.
pub async fn activate_rule_set(
    db: &DatabaseConnection,
    now: DateTime<Utc>,
    actor: &Actor,
    id: i64,
) -> Result<Activation> {
    require_prefecture_admin(actor)?;
    let txn = kernel::begin_write(db).await?;
    let found = rule_set::Entity::find_by_id(id).one(&txn).await?.ok_or(Error::NotFound)?;
    let current = view(found.clone())?;
    check(&txn, &current.levels, &current.targets).await?;
    activate(&txn, now, found).await?;
    txn.commit().await?;
    let reassessment = super::reassess(db, now, None).await?;
    let rule_set = view(rule_set::Entity::find_by_id(id).one(db).await?.ok_or(Error::NotFound)?)?;
    Ok(Activation { rule_set, reassessment })
}

async fn activate(txn: &impl ConnectionTrait, now: DateTime<Utc>, found: rule_set::Model) -> Result<()> {
    rule_set::Entity::update_many()
        .col_expr(rule_set::Column::Status, sea_orm::sea_query::Expr::value(RuleSetStatus::Retired.as_str()))
        .filter(rule_set::Column::Status.eq(RuleSetStatus::Active.as_str()))
        .filter(rule_set::Column::Id.ne(found.id))
        .exec(txn)
        .await?;
    let mut active: rule_set::ActiveModel = found.into();
    active.status = Set(RuleSetStatus::Active.as_str().to_owned());
    active.activated_at = Set(Some(now));
    active.update(txn).await?;
    Ok(())
}

/// The rule set in force, if any.
pub(crate) async fn in_force(db: &impl ConnectionTrait) -> Result<Option<RuleSet>> {
    rule_set::Entity::find()
        .filter(rule_set::Column::Status.eq(RuleSetStatus::Active.as_str()))
        .one(db)
        .await?
        .map(view)
        .transpose()
}

/// The rule set in force, or a 409 saying none is.
pub(crate) async fn require_in_force(db: &impl ConnectionTrait) -> Result<RuleSet> {
    in_force(db).await?.ok_or(Error::Conflict {
        code: "no_rule_set",
        detail: Text::fixed("尚未启用资格标准", "no qualification rule set is in force"),
    })
}

/// Installs a rule set and puts it in force without an actor: the seed's default, loaded at
/// setup like the prefecture itself. Does nothing when any rule set exists.
pub async fn install_default(
    db: &DatabaseConnection,
    now: DateTime<Utc>,
    input: NewRuleSet,
) -> Result<Option<RuleSet>> {
    if rule_set::Entity::find().one(db).await?.is_some() {
        return Ok(None);
    }
    check(db, &input.levels, &input.targets).await?;
    let txn = kernel::begin_write(db).await?;
    let saved = insert(&txn, now, None, input.name.clone(), &input).await?;
    activate(&txn, now, saved.clone()).await?;
    txn.commit().await?;
    Ok(Some(view(rule_set::Entity::find_by_id(saved.id).one(db).await?.ok_or(Error::NotFound)?)?))
}
