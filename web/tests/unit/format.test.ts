import { describe, expect, it } from 'vitest';
import { chinaDate, chinaDateTime, chinaToday, clock, hours, minutes, percent } from '../../src/lib/format';
import { parseSignIn, signInPath } from '../../src/lib/signin';

describe('China formats', () => {
  it('dates read 2026年12月1日 on Beijing time', () => {
    expect(chinaDate('2026-12-01')).toBe('2026年12月1日');
    // 16:30 UTC on 30 November is already 1 December in Beijing
    expect(chinaDate('2026-11-30T16:30:00Z')).toBe('2026年12月1日');
    expect(chinaDateTime('2026-11-30T16:30:00Z')).toBe('2026年12月1日 00:30');
    expect(chinaToday(new Date('2026-11-30T16:30:00Z'))).toBe('2026-12-01');
  });

  it('hours carry one decimal', () => {
    expect(hours('24')).toBe('24.0');
    expect(hours('12.5')).toBe('12.5');
    expect(hours(0.04)).toBe('0.0');
    expect(hours(null)).toBe('0.0');
  });

  it('minutes, clocks and shares', () => {
    expect(minutes(90)).toBe('1.5');
    expect(minutes(29)).toBe('0.4');
    expect(clock(65)).toBe('1:05');
    expect(clock(3725)).toBe('1:02:05');
    expect(percent('12.5', '20')).toBe(63);
    expect(percent(null, '20')).toBe(0);
    expect(percent('30', '20')).toBe(100);
  });
});

describe('sign-in QR codes', () => {
  const origin = 'https://qualify.example';
  it('reads the app URL and the older payload alike', () => {
    expect(parseSignIn('https://qualify.example/sessions/7/sign-in?code=402913', origin)).toEqual({ kind: 'session', id: 7, code: '402913' });
    expect(parseSignIn('QUALIFY-SIGNIN:session:7:402913')).toEqual({ kind: 'session', id: 7, code: '402913' });
    expect(parseSignIn('QUALIFY-SIGNIN:event:5:123456')).toEqual({ kind: 'event', id: 5, code: '123456' });
    expect(signInPath({ kind: 'event', id: 5, code: '123456' })).toBe('/research-events/5/sign-in?code=123456');
  });

  it('ignores other sites and other codes', () => {
    expect(parseSignIn('https://evil.example/sessions/7/sign-in?code=1', origin)).toBeNull();
    expect(parseSignIn('https://qualify.example/sessions/7', origin)).toBeNull();
    expect(parseSignIn('hello')).toBeNull();
  });
});
