use kernel::{Actor, Result};
use sea_orm::ConnectionTrait;

/// The org paths from the root down to `path` (`/1/3/17/` → `/1/`, `/1/3/`, `/1/3/17/`): a
/// course or session owned by any of them is open to someone at `path`.
pub(crate) fn ancestors(path: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut current = String::from("/");
    for segment in path.split('/').filter(|s| !s.is_empty()) {
        current.push_str(segment);
        current.push('/');
        out.push(current.clone());
    }
    out
}

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
    fn ancestors_run_from_the_root_down() {
        assert_eq!(ancestors("/1/3/17/"), ["/1/", "/1/3/", "/1/3/17/"]);
        assert!(open_to("/1/3/", "/1/3/17/"));
        assert!(!open_to("/1/4/", "/1/3/17/"));
    }
}
