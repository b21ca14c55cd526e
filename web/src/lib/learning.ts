// The app's one heartbeat queue (IndexedDB), sending to POST /lessons/{id}/progress.
import { api, isNetworkError, type Schemas } from './api';
import { HeartbeatQueue, type QueueStore, type SendResult } from './heartbeat-queue';
import { durableStore } from './idb-store';

export type ProgressReport = Schemas['ProgressReport'];

async function send(lessonId: number, heartbeats: Schemas['HeartbeatInput'][]): Promise<SendResult<ProgressReport>> {
  try {
    const { data, response } = await api.POST('/api/v1/lessons/{id}/progress', {
      params: { path: { id: lessonId } },
      body: { heartbeats },
    });
    if (data) return { kind: 'ok', report: data };
    // 409 is "not enrolled": those beats can never count. 401 (logged out), 429, 5xx: later.
    if ([400, 403, 404, 409, 413, 422].includes(response.status)) return { kind: 'drop' };
    return { kind: 'retry' };
  } catch (e) {
    if (isNetworkError(e)) return { kind: 'retry' };
    throw e;
  }
}

let queue: Promise<HeartbeatQueue<ProgressReport>> | null = null;

export function heartbeats(store?: QueueStore): Promise<HeartbeatQueue<ProgressReport>> {
  queue ??= (store ? Promise.resolve(store) : durableStore()).then((s) => new HeartbeatQueue(s, send));
  return queue;
}

/** Sends whatever an earlier visit left queued (called at start and when the network returns). */
export async function flushPending(account: number): Promise<void> {
  const q = await heartbeats();
  if ((await q.pending(account)) > 0) await q.flush(account);
}
