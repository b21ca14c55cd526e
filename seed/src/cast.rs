//! The demo teachers the history acts as and for: every demo teacher but the demo login, with
//! what the generators pick them by (county, school, MH roles) and the teacher's own actor, so
//! what teachers do themselves (register, scan a code, log workload) goes through the same
//! services as from their phones.

use std::collections::HashMap;

use directory::{MhRole, RosterTeacher, Teacher};
use kernel::{Actor, Role, Scope};

/// A demo teacher the history may act as.
#[derive(Debug, Clone)]
pub(crate) struct Member {
    pub id: i64,
    pub county_id: i64,
    pub school_id: i64,
    pub school_name: String,
    pub roles: Vec<MhRole>,
    /// The teacher's own login, as the API would authenticate it.
    pub actor: Actor,
}

impl Member {
    /// A full-time MH teacher: the three-a-year rule, titles and offices are about them.
    pub fn fulltime(&self) -> bool {
        self.roles.contains(&MhRole::MhFulltime)
    }

    /// A full- or part-time MH teacher: who logs MH workload.
    pub fn mh(&self) -> bool {
        self.fulltime() || self.roles.contains(&MhRole::MhParttime)
    }
}

/// The members among `teachers` (who have an account and a county), in id order so that the
/// seeded generators pick the same people on every run.
pub(crate) fn members(teachers: &[Teacher], roster: &[RosterTeacher]) -> Vec<Member> {
    let paths: HashMap<i64, &str> = roster.iter().map(|t| (t.id, t.org_path.as_str())).collect();
    let mut members: Vec<Member> = teachers
        .iter()
        .filter_map(|t| {
            let county_id = directory::county_of(paths.get(&t.id)?)?;
            Some(Member {
                id: t.id,
                county_id,
                school_id: t.school_id,
                school_name: t.school_name.clone(),
                roles: t.roles.clone(),
                actor: Actor {
                    account_id: t.account_id?,
                    role: Role::Teacher,
                    scope: Scope::Person { person_id: t.id },
                },
            })
        })
        .collect();
    members.sort_by_key(|m| m.id);
    members
}
