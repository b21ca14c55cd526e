// The heartbeat queue's IndexedDB store: database `qualify`, stores `heartbeats`
// (key [account, lesson_id, seq]) and `seqs` (key [account, lesson_id]).
import { MemoryStore, type Beat, type QueueStore } from './heartbeat-queue';

const DB = 'qualify';
const VERSION = 1;

function request<T>(req: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
}

function open(): Promise<IDBDatabase> {
  return new Promise((resolve, reject) => {
    const req = indexedDB.open(DB, VERSION);
    req.onupgradeneeded = () => {
      const db = req.result;
      if (!db.objectStoreNames.contains('heartbeats')) {
        db.createObjectStore('heartbeats', { keyPath: ['account', 'lesson_id', 'seq'] }).createIndex('account', 'account');
      }
      if (!db.objectStoreNames.contains('seqs')) db.createObjectStore('seqs', { keyPath: ['account', 'lesson_id'] });
    };
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
}

export class IdbStore implements QueueStore {
  private db: Promise<IDBDatabase> = open();

  private async tx(stores: string[], mode: IDBTransactionMode) {
    return (await this.db).transaction(stores, mode);
  }

  async put(beat: Beat) {
    const tx = await this.tx(['heartbeats'], 'readwrite');
    await request(tx.objectStore('heartbeats').put(beat));
  }

  async all(account: number): Promise<Beat[]> {
    const tx = await this.tx(['heartbeats'], 'readonly');
    return request(tx.objectStore('heartbeats').index('account').getAll(account) as IDBRequest<Beat[]>);
  }

  async remove(beats: Beat[]) {
    const tx = await this.tx(['heartbeats'], 'readwrite');
    const store = tx.objectStore('heartbeats');
    await Promise.all(beats.map((b) => request(store.delete([b.account, b.lesson_id, b.seq]))));
  }

  async lastSeq(account: number, lessonId: number) {
    const tx = await this.tx(['seqs'], 'readonly');
    const row = (await request(tx.objectStore('seqs').get([account, lessonId]))) as { seq: number } | undefined;
    return row?.seq;
  }

  async setLastSeq(account: number, lessonId: number, seq: number) {
    const tx = await this.tx(['seqs'], 'readwrite');
    await request(tx.objectStore('seqs').put({ account, lesson_id: lessonId, seq }));
  }
}

/** IndexedDB where it opens, memory otherwise. */
export async function durableStore(): Promise<QueueStore> {
  if (typeof indexedDB === 'undefined') return new MemoryStore();
  try {
    const store = new IdbStore();
    await store.lastSeq(0, 0);
    return store;
  } catch {
    return new MemoryStore();
  }
}
