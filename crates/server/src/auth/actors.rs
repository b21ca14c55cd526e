//! Actors read for their accounts, kept for a moment.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use kernel::Actor;

/// How long an account's actor is served from memory: longer than the player's 15 seconds
/// between heartbeats, so a teacher watching a lesson is read about once a minute instead of
/// four times. Changes this instance makes (disabling, enabling, password resets and changes)
/// take effect at once, because those routes [`ActorCache::forget`] the account; another
/// instance's change takes at most this long (an access token lives 15 minutes).
pub const ACTOR_TTL: Duration = Duration::from_secs(60);

/// Beyond this many accounts the cache starts afresh rather than grow without bound.
const MAX_ACCOUNTS: usize = 100_000;

/// The actors of recently seen accounts. Every authenticated request used to re-read its
/// account (and a staff account's org unit) before doing its work: on the paths a summer peak
/// hammers (heartbeats, autosaves, the home screen) that was one statement in four to seven.
#[derive(Debug, Default)]
pub struct ActorCache {
    actors: Mutex<HashMap<i64, (Instant, Actor)>>,
}

impl ActorCache {
    /// The account's actor if it was read less than [`ACTOR_TTL`] ago.
    pub fn get(&self, account_id: i64, now: Instant) -> Option<Actor> {
        let actors = self.actors.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        actors
            .get(&account_id)
            .filter(|(read_at, _)| now.duration_since(*read_at) < ACTOR_TTL)
            .map(|(_, actor)| actor.clone())
    }

    /// Keeps an actor just read from the database (refusals are never kept).
    pub fn keep(&self, actor: &Actor, read_at: Instant) {
        let mut actors = self.actors.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        if actors.len() >= MAX_ACCOUNTS {
            actors.retain(|_, (at, _)| read_at.duration_since(*at) < ACTOR_TTL);
            if actors.len() >= MAX_ACCOUNTS {
                actors.clear();
            }
        }
        actors.insert(actor.account_id, (read_at, actor.clone()));
    }

    /// Drops an account whose state this instance just changed, so its next request is judged
    /// on the database's answer.
    pub fn forget(&self, account_id: i64) {
        self.actors.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).remove(&account_id);
    }
}

#[cfg(test)]
mod tests {
    use kernel::{Role, Scope};

    use super::*;

    fn teacher(account_id: i64) -> Actor {
        Actor { account_id, role: Role::Teacher, scope: Scope::Person { person_id: account_id * 10 } }
    }

    #[test]
    fn an_actor_is_served_until_its_time_is_up_or_it_is_forgotten() {
        let cache = ActorCache::default();
        let start = Instant::now();
        assert_eq!(cache.get(7, start), None);
        cache.keep(&teacher(7), start);
        assert_eq!(cache.get(7, start + ACTOR_TTL - Duration::from_millis(1)), Some(teacher(7)));
        assert_eq!(cache.get(7, start + ACTOR_TTL), None, "stale after the TTL");
        cache.keep(&teacher(7), start);
        cache.keep(&teacher(8), start);
        cache.forget(7);
        assert_eq!(cache.get(7, start), None, "forgotten");
        assert_eq!(cache.get(8, start), Some(teacher(8)), "others stay");
    }
}
