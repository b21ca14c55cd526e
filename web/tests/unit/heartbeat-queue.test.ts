import { describe, expect, it } from 'vitest';
import { HeartbeatQueue, MAX_BATCH, MemoryStore, initialSeq, type SendResult } from '../../src/lib/heartbeat-queue';

type Sent = { lesson: number; seqs: number[] };

function setup(outcomes: (lesson: number) => SendResult<string>['kind'] = () => 'ok') {
  const store = new MemoryStore();
  const sent: Sent[] = [];
  let clock = Date.UTC(2026, 11, 1, 8, 0, 0);
  const queue = new HeartbeatQueue<string>(
    store,
    async (lesson, beats) => {
      sent.push({ lesson, seqs: beats.map((b) => b.seq) });
      const kind = outcomes(lesson);
      return kind === 'ok' ? { kind, report: `report-${lesson}-${beats.at(-1)?.seq}` } : { kind };
    },
    () => (clock += 15_000),
  );
  return { store, sent, queue };
}

describe('heartbeat queue', () => {
  it('numbers beats of a lesson one after another, from a time-based start', async () => {
    const { queue } = setup();
    const a = await queue.record(1, 10, 0, true);
    const b = await queue.record(1, 10, 15, true);
    expect(a.seq).toBeGreaterThan(1);
    expect(b.seq).toBe(a.seq + 1);
    expect(a.client_time < b.client_time).toBe(true);
  });

  it('a device without a record starts above any counter an earlier device could have reached', () => {
    const earlier = initialSeq(Date.UTC(2026, 0, 1));
    // 1000 beats, at least 15 s apart, later:
    const later = initialSeq(Date.UTC(2026, 0, 1) + 1000 * 15_000);
    expect(later).toBeGreaterThan(earlier + 1000);
  });

  it('keeps beats while sending fails and sends them as one batch in seq order later', async () => {
    let online = false;
    const { queue, sent } = setup(() => (online ? 'ok' : 'retry'));
    await queue.record(1, 10, 0, true);
    await queue.flush(1);
    await queue.record(1, 10, 15, true);
    await queue.flush(1);
    await queue.record(1, 10, 30, true);
    expect(await queue.pending(1)).toBe(3);
    online = true;
    const reports = await queue.flush(1);
    expect(await queue.pending(1)).toBe(0);
    const last = sent.at(-1)!;
    expect(last.seqs).toHaveLength(3);
    expect([...last.seqs].sort((x, y) => x - y)).toEqual(last.seqs);
    expect(reports.get(10)).toBe(`report-10-${last.seqs[2]}`);
  });

  it('sends each lesson on its own and only the beats of the account flushing', async () => {
    const { queue, sent } = setup();
    await queue.record(1, 10, 0, true);
    await queue.record(1, 11, 0, true);
    await queue.record(2, 10, 0, true);
    await queue.flush(1);
    expect(sent.map((s) => s.lesson).sort()).toEqual([10, 11]);
    expect(await queue.pending(2)).toBe(1);
  });

  it('drops a batch the server refuses for good, so it cannot block the queue', async () => {
    const { queue } = setup((lesson) => (lesson === 10 ? 'drop' : 'ok'));
    await queue.record(1, 10, 0, true);
    await queue.record(1, 11, 0, true);
    const reports = await queue.flush(1);
    expect(await queue.pending(1)).toBe(0);
    expect(reports.has(10)).toBe(false);
    expect(reports.has(11)).toBe(true);
  });

  it('splits a long queue into batches the server accepts', async () => {
    const { queue, sent } = setup();
    for (let i = 0; i < MAX_BATCH + 20; i++) await queue.record(1, 10, i, true);
    await queue.flush(1);
    expect(sent.map((s) => s.seqs.length)).toEqual([MAX_BATCH, 20]);
  });

  it('stops at the first failed batch of a lesson and keeps the rest in order', async () => {
    let calls = 0;
    const { queue, sent } = setup(() => (++calls === 2 ? 'retry' : 'ok'));
    for (let i = 0; i < MAX_BATCH + 5; i++) await queue.record(1, 10, i, true);
    await queue.flush(1);
    expect(await queue.pending(1)).toBe(5);
    await queue.flush(1);
    expect(await queue.pending(1)).toBe(0);
    expect(sent.at(-1)!.seqs).toHaveLength(5);
  });

  it('concurrent flushes share one run and a beat recorded meanwhile is still sent', async () => {
    const { queue, sent } = setup();
    await queue.record(1, 10, 0, true);
    const first = queue.flush(1);
    await queue.record(1, 10, 15, true);
    const second = queue.flush(1);
    await Promise.all([first, second]);
    expect(await queue.pending(1)).toBe(0);
    expect(sent.flatMap((s) => s.seqs)).toHaveLength(2);
  });
});
