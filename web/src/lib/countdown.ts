// The exam countdown. The server owns the deadline: it sends `deadline` and `remaining_seconds`.
// The phone's wall clock may be minutes off, so the countdown anchors the server's remaining
// seconds to a monotonic clock at the moment the answer arrived, and never trusts Date.now().

export interface Anchor {
  /** Monotonic milliseconds (performance.now()) when the server's answer arrived. */
  receivedAt: number;
  /** Seconds the server said were left at that moment. */
  remainingSeconds: number;
}

export function anchor(remainingSeconds: number, now: number = performance.now()): Anchor {
  return { receivedAt: now, remainingSeconds: Math.max(0, remainingSeconds) };
}

/** Whole seconds left at monotonic time `now` (rounded up, so 0 means the time is really up). */
export function remaining(a: Anchor, now: number = performance.now()): number {
  const left = a.remainingSeconds * 1000 - (now - a.receivedAt);
  return Math.max(0, Math.ceil(left / 1000));
}

/** Visual urgency of what is left: the last five minutes warn, the last minute alarms. */
export function urgency(secondsLeft: number): 'calm' | 'warn' | 'alarm' {
  if (secondsLeft <= 60) return 'alarm';
  if (secondsLeft <= 300) return 'warn';
  return 'calm';
}

export interface Countdown {
  stop(): void;
}

/**
 * Calls `onTick` with the seconds left about once a second, and `onExpire` once when they reach
 * zero. `schedule` and `now` are injectable for tests.
 */
export function startCountdown(
  a: Anchor,
  onTick: (secondsLeft: number) => void,
  onExpire: () => void,
  opts: { now?: () => number; setTimer?: (fn: () => void, ms: number) => unknown; clearTimer?: (h: unknown) => void } = {},
): Countdown {
  const now = opts.now ?? (() => performance.now());
  const setTimer = opts.setTimer ?? ((fn, ms) => setTimeout(fn, ms));
  const clearTimer = opts.clearTimer ?? ((h) => clearTimeout(h as ReturnType<typeof setTimeout>));
  let handle: unknown;
  let stopped = false;
  let expired = false;
  const tick = () => {
    if (stopped) return;
    const left = remaining(a, now());
    onTick(left);
    if (left === 0) {
      if (!expired) {
        expired = true;
        onExpire();
      }
      return;
    }
    // Wake just after the next whole second boundary of the remaining time.
    const msToNext = ((a.remainingSeconds * 1000 - (now() - a.receivedAt)) % 1000) || 1000;
    handle = setTimer(tick, Math.max(50, msToNext + 10));
  };
  tick();
  return {
    stop() {
      stopped = true;
      clearTimer(handle);
    },
  };
}
