// Player heartbeats go through a durable queue: every beat is stored first (IndexedDB), then the
// queue is flushed to POST /lessons/{id}/progress in seq order. A dead network leaves beats in
// the store; the next flush (a later beat, the `online` event, the next app start) sends them
// as one batch and the server decides what to credit. Beats belong to the account that made
// them, so a shared phone never uploads one teacher's learning under another's login.

export interface Beat {
  account: number;
  lesson_id: number;
  seq: number;
  position_seconds: number;
  playing: boolean;
  client_time: string;
}

export interface QueueStore {
  put(beat: Beat): Promise<void>;
  all(account: number): Promise<Beat[]>;
  remove(beats: Beat[]): Promise<void>;
  lastSeq(account: number, lessonId: number): Promise<number | undefined>;
  setLastSeq(account: number, lessonId: number, seq: number): Promise<void>;
}

/** What sending one lesson's batch produced. */
export type SendResult<R> =
  | { kind: 'ok'; report: R }
  /** The network or the server failed: keep the beats and try again later. */
  | { kind: 'retry' }
  /** The server refused the batch for good (e.g. 404, 422): drop it so it cannot block the queue. */
  | { kind: 'drop' };

export type Sender<R> = (lessonId: number, beats: Omit<Beat, 'account' | 'lesson_id'>[]) => Promise<SendResult<R>>;

/** The server takes at most this many heartbeats in one request. */
export const MAX_BATCH = 500;

/**
 * The first seq a device uses for a lesson it has no record of: seconds since 2025 (UTC). A seq
 * must exceed the last one the server saw for this teacher and lesson; a phone whose storage was
 * cleared, or a second phone, would otherwise restart at 1 and never be credited again. Beats
 * are at least seconds apart, so a counter started later by this rule is always ahead.
 */
export function initialSeq(nowMs: number): number {
  return Math.max(1, Math.floor((nowMs - Date.UTC(2025, 0, 1)) / 1000));
}

export class HeartbeatQueue<R> {
  private tail: Promise<unknown> = Promise.resolve();
  private waiting: Promise<Map<number, R>> | null = null;

  constructor(
    private readonly store: QueueStore,
    private readonly send: Sender<R>,
    private readonly now: () => number = () => Date.now(),
  ) {}

  /** Stores one beat of `lessonId`, numbered after the last one of this device. */
  async record(account: number, lessonId: number, position: number, playing: boolean): Promise<Beat> {
    const last = await this.store.lastSeq(account, lessonId);
    const seq = last === undefined ? initialSeq(this.now()) : last + 1;
    await this.store.setLastSeq(account, lessonId, seq);
    const beat: Beat = {
      account,
      lesson_id: lessonId,
      seq,
      position_seconds: Math.max(0, Math.round(position * 10) / 10),
      playing,
      client_time: new Date(this.now()).toISOString(),
    };
    await this.store.put(beat);
    return beat;
  }

  async pending(account: number): Promise<number> {
    return (await this.store.all(account)).length;
  }

  /**
   * Sends every stored beat of `account`, lesson by lesson in seq order, in batches of at most
   * MAX_BATCH. Resolves with the last report per lesson sent. Runs never overlap: a call made
   * while one runs queues one more run after it (later calls join that one), so a beat stored
   * during a run is never left waiting for the next beat.
   */
  flush(account: number): Promise<Map<number, R>> {
    if (this.waiting) return this.waiting;
    const run = this.tail.then(() => {
      this.waiting = null;
      return this.flushOnce(account);
    });
    this.waiting = run;
    this.tail = run.catch(() => new Map());
    return run;
  }

  private async flushOnce(account: number): Promise<Map<number, R>> {
    const reports = new Map<number, R>();
    const beats = await this.store.all(account);
    const byLesson = new Map<number, Beat[]>();
    for (const b of beats) {
      const list = byLesson.get(b.lesson_id) ?? [];
      list.push(b);
      byLesson.set(b.lesson_id, list);
    }
    for (const [lesson, list] of byLesson) {
      list.sort((a, b) => a.seq - b.seq);
      for (let i = 0; i < list.length; i += MAX_BATCH) {
        const batch = list.slice(i, i + MAX_BATCH);
        const result = await this.send(
          lesson,
          batch.map(({ seq, position_seconds, playing, client_time }) => ({ seq, position_seconds, playing, client_time })),
        );
        if (result.kind === 'retry') break;
        await this.store.remove(batch);
        if (result.kind === 'ok') reports.set(lesson, result.report);
      }
    }
    return reports;
  }
}

/** A store in memory: tests, and browsers without IndexedDB (private modes of some). */
export class MemoryStore implements QueueStore {
  private beats = new Map<string, Beat>();
  private seqs = new Map<string, number>();

  async put(beat: Beat) {
    this.beats.set(`${beat.account}:${beat.lesson_id}:${beat.seq}`, { ...beat });
  }
  async all(account: number) {
    return [...this.beats.values()].filter((b) => b.account === account).map((b) => ({ ...b }));
  }
  async remove(beats: Beat[]) {
    for (const b of beats) this.beats.delete(`${b.account}:${b.lesson_id}:${b.seq}`);
  }
  async lastSeq(account: number, lessonId: number) {
    return this.seqs.get(`${account}:${lessonId}`);
  }
  async setLastSeq(account: number, lessonId: number, seq: number) {
    this.seqs.set(`${account}:${lessonId}`, seq);
  }
}
