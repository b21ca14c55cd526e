// What the lesson player does besides drawing: a heartbeat every 15 s while playing (and one at
// each play, pause and end), each stored in the queue before it is sent, the queue flushed
// after every beat and again when the network returns. The page gets the server's reports.
import { heartbeats, type ProgressReport } from './learning';
import { api } from './api';

export const BEAT_MS = 15_000;

export interface TrackerHooks {
  position(): number;
  playing(): boolean;
  onReport(report: ProgressReport): void;
  onPending(count: number): void;
}

export class LessonTracker {
  private timer: ReturnType<typeof setInterval> | null = null;
  private chain: Promise<void> = Promise.resolve();
  /** No beat before the server's state (and the resume position) is known. */
  private opened = false;
  private readonly onOnline = () => this.enqueue(() => this.flush());

  constructor(
    private readonly account: number,
    private readonly lessonId: number,
    private readonly hooks: TrackerHooks,
    private readonly interval = BEAT_MS,
  ) {
    window.addEventListener('online', this.onOnline);
  }

  /**
   * Sends what is still queued, then asks for the current state (an empty batch). Resolves with
   * the HTTP status of that answer (0 when the network failed).
   */
  async open(): Promise<number> {
    await this.flush();
    try {
      const { data, response } = await api.POST('/api/v1/lessons/{id}/progress', {
        params: { path: { id: this.lessonId } },
        body: { heartbeats: [] },
      });
      if (data) this.hooks.onReport(data);
      return response.status;
    } catch {
      return 0;
    } finally {
      this.opened = true;
      // Playing already (autoplay, or a quick tap): start the clock now.
      if (this.hooks.playing()) this.changed();
    }
  }

  /** Called on play, pause, seek end and ended: one beat now, and the 15 s clock (re)set. */
  changed() {
    this.beat();
    if (this.timer) clearInterval(this.timer);
    this.timer = this.hooks.playing() ? setInterval(() => this.beat(), this.interval) : null;
  }

  beat() {
    if (!this.opened) return;
    const position = this.hooks.position();
    const playing = this.hooks.playing();
    this.enqueue(async () => {
      const q = await heartbeats();
      await q.record(this.account, this.lessonId, position, playing);
      await this.flush();
    });
  }

  private async flush() {
    const q = await heartbeats();
    if (navigator.onLine) {
      const reports = await q.flush(this.account);
      const mine = reports.get(this.lessonId);
      if (mine) this.hooks.onReport(mine);
    }
    this.hooks.onPending(await q.pending(this.account));
  }

  private enqueue(job: () => Promise<void>) {
    this.chain = this.chain.then(job).catch(() => undefined);
  }

  /** Stops the clock after one last beat (left the page). */
  close() {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    window.removeEventListener('online', this.onOnline);
    this.beat();
  }

  /** Resolves when every beat so far is stored (and sent, if the network allowed). */
  settled(): Promise<void> {
    return this.chain;
  }
}
