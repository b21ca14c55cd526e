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
    kept: Mutex<Kept>,
}

#[derive(Debug, Default)]
struct Kept {
    actors: HashMap<i64, (Instant, Actor)>,
    /// Counts [`ActorCache::forget`]s: an actor read while one happened may predate it.
    forgotten: u64,
}

/// Taken before reading an account: [`ActorCache::keep`] stores what was read only if no
/// account was forgotten meanwhile, so a request that read an account just before an admin
/// disabled it cannot put the enabled actor back for a minute.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Ticket(u64);

impl ActorCache {
    fn lock(&self) -> std::sync::MutexGuard<'_, Kept> {
        self.kept.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// The account's actor if it was read less than [`ACTOR_TTL`] ago; otherwise the ticket to
    /// [`ActorCache::keep`] it with once read.
    pub fn get(&self, account_id: i64, now: Instant) -> Result<Actor, Ticket> {
        let kept = self.lock();
        kept.actors
            .get(&account_id)
            .filter(|(read_at, _)| now.duration_since(*read_at) < ACTOR_TTL)
            .map(|(_, actor)| actor.clone())
            .ok_or(Ticket(kept.forgotten))
    }

    /// Keeps an actor read from the database since `ticket` was taken at `read_at` (refusals
    /// are never kept), unless an account was forgotten meanwhile.
    pub fn keep(&self, actor: &Actor, read_at: Instant, ticket: Ticket) {
        let mut kept = self.lock();
        if kept.forgotten != ticket.0 {
            return;
        }
        if kept.actors.len() >= MAX_ACCOUNTS {
            kept.actors.retain(|_, (at, _)| read_at.duration_since(*at) < ACTOR_TTL);
            if kept.actors.len() >= MAX_ACCOUNTS {
                kept.actors.clear();
            }
        }
        kept.actors.insert(actor.account_id, (read_at, actor.clone()));
    }

    /// Drops an account whose state this instance just changed, so its next request is judged
    /// on the database's answer.
    pub fn forget(&self, account_id: i64) {
        let mut kept = self.lock();
        kept.actors.remove(&account_id);
        kept.forgotten += 1;
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
        let ticket = cache.get(7, start).unwrap_err();
        cache.keep(&teacher(7), start, ticket);
        assert_eq!(cache.get(7, start + ACTOR_TTL - Duration::from_millis(1)), Ok(teacher(7)));
        assert!(cache.get(7, start + ACTOR_TTL).is_err(), "stale after the TTL");
        cache.keep(&teacher(7), start, ticket);
        cache.keep(&teacher(8), start, ticket);
        cache.forget(7);
        assert!(cache.get(7, start).is_err(), "forgotten");
        assert_eq!(cache.get(8, start), Ok(teacher(8)), "others stay");
    }

    #[test]
    fn an_actor_read_before_a_forget_is_not_kept_after_it() {
        let cache = ActorCache::default();
        let start = Instant::now();
        let ticket = cache.get(7, start).unwrap_err();
        // An admin disables account 7 while this request is still reading it.
        cache.forget(7);
        cache.keep(&teacher(7), start, ticket);
        assert!(cache.get(7, start).is_err(), "the actor read before the forget is not served");
        let fresh = cache.get(7, start).unwrap_err();
        cache.keep(&teacher(7), start, fresh);
        assert_eq!(cache.get(7, start), Ok(teacher(7)), "a read after the forget is kept");
    }
}
