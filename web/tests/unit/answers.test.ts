import { beforeEach, describe, expect, it, vi } from 'vitest';

const store = new Map<string, string>();
vi.stubGlobal('localStorage', {
  getItem: (k: string) => store.get(k) ?? null,
  setItem: (k: string, v: string) => void store.set(k, v),
  removeItem: (k: string) => void store.delete(k),
});
const listeners: Record<string, (() => void)[]> = {};
vi.stubGlobal('window', {
  addEventListener: (e: string, fn: () => void) => (listeners[e] ??= []).push(fn),
  removeEventListener: () => undefined,
});

// The server: answers 200, or throws like a dead network while `offline`.
let offline = false;
const saved: { question: number; answer: unknown }[] = [];
vi.mock('../../src/lib/api', () => ({
  api: {
    PUT: async (_path: string, opts: { params: { path: { question_id: number } }; body: { answer: unknown } }) => {
      if (offline) throw new TypeError('Failed to fetch');
      saved.push({ question: opts.params.path.question_id, answer: opts.body.answer });
      return { response: { ok: true, status: 200 } };
    },
  },
}));

const { AnswerSaver } = await import('../../src/lib/answers.svelte');

describe('exam autosave', () => {
  beforeEach(() => {
    store.clear();
    saved.length = 0;
    offline = false;
  });

  it('saves a choice at once and says so', async () => {
    const s = new AnswerSaver(7);
    s.change(55, 'A');
    expect(s.state[55]).toBe('saving');
    await vi.waitFor(() => expect(s.state[55]).toBe('saved'));
    expect(saved).toEqual([{ question: 55, answer: 'A' }]);
    expect(store.size).toBe(0);
  });

  it('keeps an answer given offline on the phone, and sends it when the network returns', async () => {
    offline = true;
    const s = new AnswerSaver(7);
    s.change(55, ['A', 'C']);
    await vi.waitFor(() => expect(s.state[55]).toBe('error'));
    expect(JSON.parse(store.get('qualify.attempt.7.unsaved')!)).toEqual({ 55: ['A', 'C'] });
    // A reload meanwhile finds it still unsaved.
    expect(new AnswerSaver(7).pending()).toEqual({ 55: ['A', 'C'] });
    offline = false;
    listeners.online!.forEach((fn) => fn());
    await vi.waitFor(() => expect(s.state[55]).toBe('saved'));
    expect(saved.at(-1)).toEqual({ question: 55, answer: ['A', 'C'] });
    expect(store.size).toBe(0);
  });

  it('types are saved after a pause, only the last text', async () => {
    vi.useFakeTimers();
    const s = new AnswerSaver(8);
    s.change(9, '倾', 800);
    s.change(9, '倾听', 800);
    s.change(9, '倾听并共情', 800);
    await vi.advanceTimersByTimeAsync(1000);
    vi.useRealTimers();
    await vi.waitFor(() => expect(s.state[9]).toBe('saved'));
    expect(saved).toEqual([{ question: 9, answer: '倾听并共情' }]);
  });
});
