//! Verified learning time: how a batch of player heartbeats turns into credited seconds and
//! watched content. Pure: the caller loads the state and the teacher's other credited
//! intervals, and stores what this returns.

use chrono::{DateTime, Duration, Utc};

/// One player report.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Heartbeat {
    pub seq: i64,
    pub position_ms: i64,
    pub playing: bool,
    pub client_time: DateTime<Utc>,
}

/// The server's thresholds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rules {
    /// Longer than this between two heartbeats earns nothing (idle or closed phone).
    pub max_gap: Duration,
    /// The position may run this much ahead of real time before it counts as a seek.
    pub seek_slack_ms: i64,
    /// Share of the lesson's duration (in per mille) that must be watched to complete it.
    pub complete_per_mille: i64,
}

impl Default for Rules {
    fn default() -> Self {
        Self { max_gap: Duration::seconds(60), seek_slack_ms: 2_000, complete_per_mille: 900 }
    }
}

/// What is known about one teacher on one lesson between batches.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct State {
    pub last_seq: i64,
    pub last_position_ms: i64,
    /// Server time of the last accepted heartbeat; `None` before the first.
    pub last_time: Option<DateTime<Utc>>,
    /// The client's clock at that heartbeat: later heartbeats are placed by their distance
    /// from it, so a queue sent late still lands when it was watched.
    pub last_client_time: Option<DateTime<Utc>>,
    pub last_playing: bool,
    /// Distinct content watched, as sorted, disjoint `[start, end)` millisecond ranges.
    pub watched: Vec<(i64, i64)>,
    pub credited_ms: i64,
}

impl State {
    pub fn watched_ms(&self) -> i64 {
        self.watched.iter().map(|(a, b)| b - a).sum()
    }

    /// Whether enough distinct content was watched to complete a lesson of `duration_ms`.
    pub fn complete(&self, duration_ms: i64, rules: &Rules) -> bool {
        duration_ms > 0 && self.watched_ms() * 1000 >= duration_ms * rules.complete_per_mille
    }
}

/// What applying a batch produced.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Outcome {
    /// Wall-clock intervals newly credited, to store so no later credit overlaps them.
    pub intervals: Vec<(DateTime<Utc>, DateTime<Utc>)>,
    pub credited_ms: i64,
}

/// Applies a batch (ascending seqs; already-seen seqs are skipped) received at `received_at`.
/// `busy` are the teacher's credited intervals that new credit must not overlap; `paused`
/// stops crediting (an unanswered presence check) while still tracking position.
pub fn apply(
    state: &mut State,
    batch: &[Heartbeat],
    received_at: DateTime<Utc>,
    busy: &[(DateTime<Utc>, DateTime<Utc>)],
    paused: bool,
    rules: &Rules,
) -> Outcome {
    let fresh: Vec<&Heartbeat> = batch.iter().filter(|h| h.seq > state.last_seq).collect();
    let Some(newest) = fresh.last() else {
        return Outcome::default();
    };
    // Place heartbeats on the server's clock by their distance from the last accepted one (or,
    // for the very first, assuming the newest was sent at receipt); none can land before the
    // previous sync or after the moment of receipt, so a batch never earns more than the real
    // time that passed.
    let skew = received_at - newest.client_time;
    let floor = state.last_time.unwrap_or(DateTime::<Utc>::MIN_UTC);
    let mut outcome = Outcome::default();
    let mut taken: Vec<(DateTime<Utc>, DateTime<Utc>)> = busy.to_vec();
    for beat in fresh {
        let placed = match (state.last_time, state.last_client_time) {
            (Some(time), Some(client)) => time + (beat.client_time - client),
            _ => beat.client_time + skew,
        };
        let time = placed.clamp(floor, received_at).max(state.last_time.unwrap_or(floor));
        if let Some(previous_time) = state.last_time.filter(|_| state.last_playing && !paused) {
            let wall_ms = (time - previous_time).num_milliseconds();
            let advance = beat.position_ms - state.last_position_ms;
            let is_watching = wall_ms > 0
                && wall_ms <= rules.max_gap.num_milliseconds()
                && advance > 0
                && advance <= wall_ms + rules.seek_slack_ms;
            if is_watching {
                let free = free_parts(previous_time, time, &taken);
                let free_ms: i64 = free.iter().map(|(a, b)| (*b - *a).num_milliseconds()).sum();
                let credit = advance.min(wall_ms).min(free_ms);
                if credit > 0 {
                    add_range(&mut state.watched, state.last_position_ms, state.last_position_ms + credit);
                    state.credited_ms += credit;
                    outcome.credited_ms += credit;
                    taken.extend(free.iter().copied());
                    outcome.intervals.extend(free);
                }
            }
        }
        state.last_seq = beat.seq;
        state.last_position_ms = beat.position_ms;
        state.last_time = Some(time);
        state.last_client_time = Some(beat.client_time);
        state.last_playing = beat.playing;
    }
    outcome
}

/// `[from, to)` minus every interval in `taken`.
fn free_parts(
    from: DateTime<Utc>,
    to: DateTime<Utc>,
    taken: &[(DateTime<Utc>, DateTime<Utc>)],
) -> Vec<(DateTime<Utc>, DateTime<Utc>)> {
    let mut overlapping: Vec<_> = taken.iter().filter(|(a, b)| *a < to && *b > from).copied().collect();
    overlapping.sort();
    let mut parts = Vec::new();
    let mut cursor = from;
    for (a, b) in overlapping {
        if a > cursor {
            parts.push((cursor, a.min(to)));
        }
        cursor = cursor.max(b);
        if cursor >= to {
            break;
        }
    }
    if cursor < to {
        parts.push((cursor, to));
    }
    parts
}

/// Adds `[start, end)` to sorted disjoint ranges, merging what touches.
fn add_range(ranges: &mut Vec<(i64, i64)>, start: i64, end: i64) {
    ranges.push((start, end));
    ranges.sort();
    let mut merged: Vec<(i64, i64)> = Vec::with_capacity(ranges.len());
    for (a, b) in ranges.drain(..) {
        match merged.last_mut() {
            Some(last) if a <= last.1 => last.1 = last.1.max(b),
            _ => merged.push((a, b)),
        }
    }
    *ranges = merged;
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t0() -> DateTime<Utc> {
        DateTime::from_timestamp(1_800_000_000, 0).unwrap()
    }

    fn beat(seq: i64, at_s: i64, position_s: i64) -> Heartbeat {
        Heartbeat {
            seq,
            position_ms: position_s * 1000,
            playing: true,
            client_time: t0() + Duration::seconds(at_s),
        }
    }

    /// Sends each heartbeat as it happens (received at its own time).
    fn live(state: &mut State, beats: &[Heartbeat]) -> i64 {
        beats
            .iter()
            .map(|b| apply(state, &[*b], b.client_time, &[], false, &Rules::default()).credited_ms)
            .sum()
    }

    #[test]
    fn normal_viewing_credits_real_time_and_completes() {
        let mut state = State::default();
        let beats: Vec<_> = (0..=4).map(|i| beat(i + 1, i * 15, i * 15)).collect();
        assert_eq!(live(&mut state, &beats), 60_000);
        assert_eq!(state.watched_ms(), 60_000);
        assert!(state.complete(60_000, &Rules::default()));
    }

    #[test]
    fn seeking_forward_earns_nothing() {
        let mut state = State::default();
        let beats = [beat(1, 0, 0), beat(2, 15, 15), beat(3, 30, 300), beat(4, 45, 315)];
        assert_eq!(live(&mut state, &beats), 30_000);
        assert_eq!(state.watched, vec![(0, 15_000), (300_000, 315_000)]);
        assert!(!state.complete(315_000, &Rules::default()));
    }

    #[test]
    fn a_gap_longer_than_the_limit_earns_nothing() {
        let mut state = State::default();
        let beats = [beat(1, 0, 0), beat(2, 15, 15), beat(3, 200, 200)];
        assert_eq!(live(&mut state, &beats), 15_000);
    }

    #[test]
    fn paused_time_earns_nothing() {
        let mut state = State::default();
        let mut paused = beat(2, 15, 15);
        paused.playing = false;
        let beats = [beat(1, 0, 0), paused, beat(3, 30, 15), beat(4, 45, 30)];
        assert_eq!(live(&mut state, &beats), 30_000);
    }

    #[test]
    fn a_retried_batch_earns_once() {
        let mut state = State::default();
        let batch: Vec<_> = (0..=4).map(|i| beat(i + 1, i * 15, i * 15)).collect();
        let rules = Rules::default();
        apply(&mut state, &batch[..1], t0(), &[], false, &rules);
        let first = apply(&mut state, &batch[1..], t0() + Duration::seconds(60), &[], false, &rules);
        let again = apply(&mut state, &batch[1..], t0() + Duration::seconds(61), &[], false, &rules);
        assert_eq!((first.credited_ms, again.credited_ms), (60_000, 0));
    }

    #[test]
    fn a_queued_batch_earns_at_most_the_time_since_the_last_sync() {
        let rules = Rules::default();
        let mut state = State::default();
        apply(&mut state, &[beat(1, 0, 0)], t0(), &[], false, &rules);
        // The phone claims four minutes of viewing, but only one minute passed on the server.
        let batch: Vec<_> = (1..=16).map(|i| beat(i + 1, i * 15, i * 15)).collect();
        let outcome = apply(&mut state, &batch, t0() + Duration::seconds(60), &[], false, &rules);
        assert!(outcome.credited_ms <= 60_000, "{}", outcome.credited_ms);
    }

    #[test]
    fn a_queued_offline_batch_earns_what_it_really_watched() {
        let rules = Rules::default();
        let mut state = State::default();
        apply(&mut state, &[beat(1, 0, 0)], t0(), &[], false, &rules);
        // Watched 45 s offline, reconnected 5 minutes later with the queue.
        let batch = [beat(2, 15, 15), beat(3, 30, 30), beat(4, 45, 45)];
        let outcome = apply(&mut state, &batch, t0() + Duration::seconds(300), &[], false, &rules);
        assert_eq!(outcome.credited_ms, 45_000);
    }

    #[test]
    fn time_already_credited_elsewhere_is_not_credited_again() {
        let rules = Rules::default();
        let mut state = State::default();
        apply(&mut state, &[beat(1, 0, 0)], t0(), &[], false, &rules);
        let busy = [(t0(), t0() + Duration::seconds(10))];
        let outcome =
            apply(&mut state, &[beat(2, 15, 15)], t0() + Duration::seconds(15), &busy, false, &rules);
        assert_eq!(outcome.credited_ms, 5_000);
        assert_eq!(outcome.intervals, vec![(t0() + Duration::seconds(10), t0() + Duration::seconds(15))]);
    }

    #[test]
    fn a_pending_presence_check_pauses_crediting() {
        let rules = Rules::default();
        let mut state = State::default();
        apply(&mut state, &[beat(1, 0, 0)], t0(), &[], false, &rules);
        let outcome = apply(&mut state, &[beat(2, 15, 15)], t0() + Duration::seconds(15), &[], true, &rules);
        assert_eq!(outcome.credited_ms, 0);
        assert_eq!(state.last_position_ms, 15_000);
    }

    #[test]
    fn rewatching_earns_time_but_no_new_content() {
        let mut state = State::default();
        let beats = [beat(1, 0, 0), beat(2, 15, 15), beat(3, 16, 0), beat(4, 31, 15)];
        assert_eq!(live(&mut state, &beats), 30_000);
        assert_eq!(state.watched_ms(), 15_000);
    }
}
