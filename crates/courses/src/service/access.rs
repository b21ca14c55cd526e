use kernel::{Actor, Result};
use sea_orm::ConnectionTrait;

pub(crate) use kernel::path_ancestors as ancestors;

/// The teacher behind a teacher account, with the teacher's org path.
pub(crate) async fn teacher_of(db: &impl ConnectionTrait, actor: &Actor) -> Result<(i64, String)> {
    let teacher_id = actor.person_id().ok_or(kernel::Error::Forbidden)?;
    Ok((teacher_id, directory::teacher_scope_path(db, teacher_id).await?))
}

/// Whether something owned at `owner_path` is open to a teacher at `teacher_path`.
pub(crate) fn open_to(owner_path: &str, teacher_path: &str) -> bool {
    teacher_path.starts_with(owner_path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn owners_above_a_teacher_are_open_to_them() {
        assert!(open_to("/1/3/", "/1/3/17/"));
        assert!(!open_to("/1/4/", "/1/3/17/"));
    }
}
