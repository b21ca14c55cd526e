//! Changing one lesson in place, which stays possible after teachers enrolled: its title, media
//! and text. Its length, hours, quiz and place in the outline stay as they were, since the
//! time already credited rests on them (those change with the whole outline, before anyone
//! enrols).

use chrono::{DateTime, Utc};
use kernel::{Actor, Error, Permission, Result, Violations};
use sea_orm::{ActiveModelTrait, DatabaseConnection, EntityTrait, Set};
use serde::Deserialize;

use super::catalog::{Course, check_media, view, with_enrollments};
use crate::entity::{course, lesson};

/// Body of `PATCH /lessons/{id}`: the fields to change; an empty `media_url` or `content`
/// removes it.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct LessonPatch {
    #[cfg_attr(
        feature = "openapi",
        schema(example = "情绪的识别与表达（修订）", min_length = 1, max_length = 200)
    )]
    pub title: Option<String>,
    /// A video lesson's media: an `http(s)://` URL or a path on this server (`/media/…`).
    #[cfg_attr(
        feature = "openapi",
        schema(example = "https://media.example.cn/c1-2.webm", max_length = 500)
    )]
    pub media_url: Option<String>,
    /// A text or document lesson's text.
    #[cfg_attr(feature = "openapi", schema(example = "一、总体要求……", max_length = 50000))]
    pub content: Option<String>,
}

/// Changes a lesson of a course in the caller's subtree; answers the course with its outline.
pub async fn update_lesson(
    db: &DatabaseConnection,
    now: DateTime<Utc>,
    actor: &Actor,
    id: i64,
    patch: LessonPatch,
) -> Result<Course> {
    actor.require(Permission::ManageTraining)?;
    let found = lesson::Entity::find_by_id(id).one(db).await?.ok_or(Error::NotFound)?;
    let owner = course::Entity::find_by_id(found.course_id).one(db).await?.ok_or(Error::NotFound)?;
    actor.authorize(Permission::ManageTraining, &owner.org_path)?;
    let cleared = |value: Option<String>| value.map(|v| Some(v.trim().to_owned()).filter(|v| !v.is_empty()));
    let (media_url, content) =
        (cleared(patch.media_url), patch.content.map(|c| Some(c).filter(|c| !c.trim().is_empty())));
    let mut v = Violations::default();
    let title = patch.title.as_deref().and_then(|t| v.check(kernel::Bound::LABEL.check("title", t)));
    check_media(
        &mut v,
        "",
        media_url.as_ref().and_then(Option::as_deref),
        content.as_ref().and_then(Option::as_deref),
    );
    v.finish()?;
    let txn = kernel::begin_write(db).await?;
    let mut active: lesson::ActiveModel = found.into();
    if let Some(title) = title {
        active.title = Set(title);
    }
    if let Some(media_url) = media_url {
        active.media_url = Set(media_url);
    }
    if let Some(content) = content {
        active.content = Set(content);
    }
    active.update(&txn).await?;
    let mut touched: course::ActiveModel = owner.into();
    touched.updated_at = Set(now);
    let owner = touched.update(&txn).await?;
    txn.commit().await?;
    let course = view(db, owner).await?;
    with_enrollments(db, actor, vec![course]).await?.into_iter().next().ok_or(Error::NotFound)
}
