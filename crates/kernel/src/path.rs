/// The org paths from the root down to `path` (`/1/3/17/` → `/1/`, `/1/3/`, `/1/3/17/`):
/// something owned by any of them (a course, a session, an exam) is open to someone at `path`.
pub fn path_ancestors(path: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut current = String::from("/");
    for segment in path.split('/').filter(|s| !s.is_empty()) {
        current.push_str(segment);
        current.push('/');
        out.push(current.clone());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ancestors_run_from_the_root_down() {
        assert_eq!(path_ancestors("/1/3/17/"), ["/1/", "/1/3/", "/1/3/17/"]);
        assert!(path_ancestors("/").is_empty());
    }
}
