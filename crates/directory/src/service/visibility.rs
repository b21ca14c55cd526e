use kernel::{Actor, Error, Permission, Result, Scope, path_ancestors};
use sea_orm::{ColumnTrait, Condition, ConnectionTrait};

use super::teachers::teacher_scope_path;

/// Which things owned by an org unit (courses, sessions, exams, research events) the caller
/// may see: a teacher those owned by their school or a unit above it; staff those of their
/// subtree. One rule, so every domain lists and opens such things the same way.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OwnerScope {
    /// The owner paths open to a teacher.
    Ancestors(Vec<String>),
    /// A staff subtree.
    Subtree(String),
}

impl OwnerScope {
    /// The filter on an owner-path column.
    pub fn condition(&self, owner_path: impl ColumnTrait) -> Condition {
        match self {
            OwnerScope::Ancestors(paths) => Condition::all().add(owner_path.is_in(paths.clone())),
            OwnerScope::Subtree(path) => Condition::all().add(owner_path.starts_with(path.as_str())),
        }
    }
}

/// The caller's [`OwnerScope`].
pub async fn owner_scope(db: &impl ConnectionTrait, actor: &Actor) -> Result<OwnerScope> {
    match &actor.scope {
        Scope::Person { person_id } => {
            Ok(OwnerScope::Ancestors(path_ancestors(&teacher_scope_path(db, *person_id).await?)))
        }
        Scope::Subtree { path, .. } => {
            actor.require(Permission::ReadDirectory)?;
            Ok(OwnerScope::Subtree(path.clone()))
        }
    }
}

/// Whether something owned at `owner_path` is open to the caller: `NotFound` when not (never
/// revealing it exists), `Forbidden` for a staff role that may not read at all.
pub async fn ensure_owner_visible(db: &impl ConnectionTrait, actor: &Actor, owner_path: &str) -> Result<()> {
    match &actor.scope {
        Scope::Person { person_id } => {
            if teacher_scope_path(db, *person_id).await?.starts_with(owner_path) {
                Ok(())
            } else {
                Err(Error::NotFound)
            }
        }
        Scope::Subtree { .. } => actor.authorize(Permission::ReadDirectory, owner_path),
    }
}
