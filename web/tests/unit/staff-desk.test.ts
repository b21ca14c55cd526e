import { describe, expect, it } from 'vitest';
import { refreshDelay, LEAD_MS, MIN_MS, RETRY_MS } from '../../src/routes/trainer/rotation';
import { decodeCsv, parseCsv } from '../../src/routes/admin/csv';

describe('projector code rotation', () => {
  it('asks again a few seconds before expiry', () => {
    expect(refreshDelay(100_000, 40_000)).toBe(60_000 - LEAD_MS);
  });
  it('never loops tightly on an almost expired or expired code', () => {
    expect(refreshDelay(41_000, 40_000)).toBe(MIN_MS);
    expect(refreshDelay(10_000, 40_000)).toBe(MIN_MS);
  });
  it('retries soon when there was no code', () => {
    expect(refreshDelay(0, 40_000)).toBe(RETRY_MS);
    expect(refreshDelay(Number.NaN, 40_000)).toBe(RETRY_MS);
  });
});

describe('import CSV', () => {
  it('reads quotes, doubled quotes, CRLF and skips blank lines', () => {
    expect(parseCsv('a,b\r\n"x, y","say ""hi"""\r\n\r\n1,\n')).toEqual([['a', 'b'], ['x, y', 'say "hi"'], ['1', '']]);
  });
  it('decodes UTF-8 with a BOM and falls back to GBK', () => {
    const utf8 = new Uint8Array([0xef, 0xbb, 0xbf, ...new TextEncoder().encode('工号')]);
    expect(decodeCsv(utf8)).toBe('工号');
    // 工号 in GBK
    expect(decodeCsv(new Uint8Array([0xb9, 0xa4, 0xba, 0xc5]))).toBe('工号');
  });
});

describe('desk date-time inputs in Beijing time', async () => {
  const { fromChinaInput, toChinaInput } = await import('../../src/routes/desk/china-time');
  it('shows an instant as Beijing wall-clock time and reads it back', () => {
    expect(toChinaInput('2026-12-01T06:30:00Z')).toBe('2026-12-01T14:30');
    expect(fromChinaInput('2026-12-01T14:30')).toBe('2026-12-01T06:30:00.000Z');
    expect(toChinaInput('2026-12-31T16:00:00Z')).toBe('2027-01-01T00:00');
  });
  it('gives nothing for an empty or partial value', () => {
    expect(fromChinaInput('')).toBe('');
    expect(fromChinaInput('2026-12-01')).toBe('');
  });
});
