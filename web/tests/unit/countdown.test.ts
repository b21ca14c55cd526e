import { describe, expect, it } from 'vitest';
import { anchor, remaining, startCountdown, urgency } from '../../src/lib/countdown';

describe('deadline countdown', () => {
  it('counts from the server remaining seconds, not the phone clock', () => {
    const a = anchor(90, 1_000);
    expect(remaining(a, 1_000)).toBe(90);
    expect(remaining(a, 1_500)).toBe(90); // rounds up: 89.5 s left is still "1:30"
    expect(remaining(a, 2_000)).toBe(89);
    expect(remaining(a, 91_000)).toBe(0);
    expect(remaining(a, 500_000)).toBe(0);
  });

  it('never starts below zero', () => {
    expect(remaining(anchor(-5, 0), 0)).toBe(0);
  });

  it('warns in the last five minutes and alarms in the last one', () => {
    expect(urgency(301)).toBe('calm');
    expect(urgency(300)).toBe('warn');
    expect(urgency(60)).toBe('alarm');
  });

  it('ticks down and calls expire exactly once', () => {
    let now = 0;
    const timers: (() => void)[] = [];
    const ticks: number[] = [];
    let expired = 0;
    startCountdown(anchor(3, 0), (s) => ticks.push(s), () => expired++, {
      now: () => now,
      setTimer: (fn) => timers.push(fn),
      clearTimer: () => undefined,
    });
    for (const at of [1_000, 2_000, 3_000, 4_000]) {
      now = at;
      timers.shift()?.();
    }
    expect(ticks).toEqual([3, 2, 1, 0]);
    expect(expired).toBe(1);
    expect(timers).toHaveLength(0);
  });

  it('a suspended phone wakes up to the true time left', () => {
    let now = 0;
    const timers: (() => void)[] = [];
    const ticks: number[] = [];
    startCountdown(anchor(600, 0), (s) => ticks.push(s), () => undefined, {
      now: () => now,
      setTimer: (fn) => timers.push(fn),
    });
    now = 400_000; // the timer fired late: 400 s passed
    timers.shift()?.();
    expect(ticks.at(-1)).toBe(200);
  });

  it('stop ends the ticking', () => {
    let now = 0;
    const timers: (() => void)[] = [];
    const ticks: number[] = [];
    const c = startCountdown(anchor(10, 0), (s) => ticks.push(s), () => undefined, {
      now: () => now,
      setTimer: (fn) => timers.push(fn),
    });
    c.stop();
    now = 1_000;
    timers.shift()?.();
    expect(ticks).toEqual([10]);
  });
});
