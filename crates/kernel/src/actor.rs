use crate::{Error, Result};

/// What an account is for. Staff roles are scoped to one org unit and its subtree.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum Role {
    Teacher,
    Trainer,
    Hr,
    Admin,
}

impl Role {
    pub const ALL: [Role; 4] = [Role::Teacher, Role::Trainer, Role::Hr, Role::Admin];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Teacher => "teacher",
            Role::Trainer => "trainer",
            Role::Hr => "hr",
            Role::Admin => "admin",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|role| role.as_str() == value)
    }

    /// The one table of what each role may do; scope is checked separately by
    /// [`Actor::authorize`].
    pub fn allows(self, permission: Permission) -> bool {
        use Permission::*;
        match self {
            Role::Admin => true,
            Role::Hr => matches!(permission, ReadDirectory | ReadCredits),
            Role::Trainer => matches!(permission, ReadDirectory | ManageTraining),
            Role::Teacher => false,
        }
    }
}

/// Actions on other people's records. A teacher's own records go through `/me` routes, which
/// need no permission beyond being that teacher.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Permission {
    /// See org units, teachers and staffing in scope.
    ReadDirectory,
    /// Create and change org units, teachers and staff accounts in scope.
    ManageDirectory,
    /// Read teachers' credit ledgers, transcripts and exports in scope (audited).
    ReadCredits,
    /// Post adjustments and decide credit claims in scope.
    ManageCredits,
    /// Read the audit log.
    ReadAudit,
    /// Create and run courses, offline sessions and attendance in scope.
    ManageTraining,
    /// Rule sets, review of applications, revocation: admins only.
    ManageCertification,
}

/// Where an account may look: a staff account sees an org subtree (a materialised path such
/// as `/1/3/`), a teacher only their own person record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scope {
    Subtree { org_unit_id: i64, path: String },
    Person { person_id: i64 },
}

/// The authenticated caller of a service: who, in what role, seeing what.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    pub account_id: i64,
    pub role: Role,
    pub scope: Scope,
}

impl Actor {
    /// The single authorization check: the role must allow the action (else 403), and the
    /// target's org path must lie in the caller's subtree (else 404, so existence never leaks).
    pub fn authorize(&self, permission: Permission, target_path: &str) -> Result<()> {
        if !self.role.allows(permission) {
            return Err(Error::Forbidden);
        }
        if self.sees_path(target_path) { Ok(()) } else { Err(Error::NotFound) }
    }

    /// Checks the role alone, for actions whose target is the caller's own scope (lists).
    pub fn require(&self, permission: Permission) -> Result<()> {
        if self.role.allows(permission) { Ok(()) } else { Err(Error::Forbidden) }
    }

    /// The subtree path the caller may list, or `Forbidden` for teachers.
    pub fn subtree(&self) -> Result<&str> {
        match &self.scope {
            Scope::Subtree { path, .. } => Ok(path),
            Scope::Person { .. } => Err(Error::Forbidden),
        }
    }

    /// The org unit a staff account belongs to: what it creates belongs there unless it names
    /// another unit of its subtree. `Forbidden` for teachers.
    pub fn own_unit(&self) -> Result<i64> {
        match &self.scope {
            Scope::Subtree { org_unit_id, .. } => Ok(*org_unit_id),
            Scope::Person { .. } => Err(Error::Forbidden),
        }
    }

    /// The person a teacher account stands for, or `Forbidden` for staff: the guard of every
    /// route that acts on the caller's own training records.
    pub fn teacher(&self) -> Result<i64> {
        self.person_id().ok_or(Error::Forbidden)
    }

    /// The person a teacher account stands for.
    pub fn person_id(&self) -> Option<i64> {
        match self.scope {
            Scope::Person { person_id } => Some(person_id),
            Scope::Subtree { .. } => None,
        }
    }

    fn sees_path(&self, target_path: &str) -> bool {
        match &self.scope {
            Scope::Subtree { path, .. } => target_path.starts_with(path.as_str()),
            Scope::Person { .. } => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn staff(role: Role, path: &str) -> Actor {
        Actor { account_id: 1, role, scope: Scope::Subtree { org_unit_id: 2, path: path.into() } }
    }

    #[test]
    fn staff_sees_own_subtree_only() {
        let admin = staff(Role::Admin, "/1/2/");
        assert!(admin.authorize(Permission::ManageDirectory, "/1/2/17/").is_ok());
        assert!(matches!(admin.authorize(Permission::ManageDirectory, "/1/3/18/"), Err(Error::NotFound)));
    }

    #[test]
    fn sibling_path_with_shared_prefix_is_outside() {
        let admin = staff(Role::Admin, "/1/2/");
        assert!(matches!(admin.authorize(Permission::ReadDirectory, "/1/21/"), Err(Error::NotFound)));
    }

    #[test]
    fn hr_reads_but_never_writes() {
        let hr = staff(Role::Hr, "/1/");
        assert!(hr.authorize(Permission::ReadCredits, "/1/2/").is_ok());
        assert!(matches!(hr.authorize(Permission::ManageDirectory, "/1/2/"), Err(Error::Forbidden)));
    }

    #[test]
    fn teacher_has_no_staff_permission() {
        let teacher = Actor { account_id: 1, role: Role::Teacher, scope: Scope::Person { person_id: 9 } };
        assert!(matches!(teacher.authorize(Permission::ReadDirectory, "/1/"), Err(Error::Forbidden)));
        assert!(matches!(teacher.subtree(), Err(Error::Forbidden)));
        assert_eq!(teacher.person_id(), Some(9));
    }
}
