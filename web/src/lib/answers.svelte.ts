// Autosave of exam answers: every change is kept on the phone first (localStorage, per attempt)
// and PUT to the server; each question shows saved / saving / not saved. Answers not yet saved
// are sent again when the network returns or the page is opened again.
import { api } from './api';

export type SaveState = 'saved' | 'saving' | 'error';
type Answer = unknown;

const key = (attempt: number) => `qualify.attempt.${attempt}.unsaved`;

export class AnswerSaver {
  state = $state<Record<number, SaveState>>({});
  private timers = new Map<number, ReturnType<typeof setTimeout>>();
  private unsaved: Record<number, Answer>;
  private versions = new Map<number, number>();
  private readonly onOnline = () => this.retry();

  constructor(private readonly attempt: number) {
    try {
      this.unsaved = JSON.parse(localStorage.getItem(key(attempt)) ?? '{}') as Record<number, Answer>;
    } catch {
      this.unsaved = {};
    }
    window.addEventListener('online', this.onOnline);
  }

  /** Answers typed on this phone that the server may not have yet (they win over the server's). */
  pending(): Record<number, Answer> {
    return { ...this.unsaved };
  }

  /** Saves now (choices) or after `delayMs` of quiet (text). */
  change(question: number, answer: Answer, delayMs = 0) {
    this.unsaved[question] = answer;
    this.persist();
    this.state[question] = 'saving';
    clearTimeout(this.timers.get(question));
    if (delayMs > 0) this.timers.set(question, setTimeout(() => void this.save(question), delayMs));
    else void this.save(question);
  }

  async save(question: number): Promise<boolean> {
    if (!(question in this.unsaved)) return true;
    const answer = this.unsaved[question];
    const version = (this.versions.get(question) ?? 0) + 1;
    this.versions.set(question, version);
    this.state[question] = 'saving';
    try {
      const { response } = await api.PUT('/api/v1/attempts/{id}/answers/{question_id}', {
        params: { path: { id: this.attempt, question_id: question } },
        body: { answer },
      });
      if (this.versions.get(question) !== version) return false; // a newer answer is on its way
      if (response.ok) {
        delete this.unsaved[question];
        this.persist();
        this.state[question] = 'saved';
        return true;
      }
      // 409: the attempt is over; nothing more can be saved.
      if (response.status === 409 || response.status === 422) delete this.unsaved[question];
      this.persist();
      this.state[question] = 'error';
      return false;
    } catch {
      if (this.versions.get(question) === version) this.state[question] = 'error';
      return false;
    }
  }

  /** Sends every unsaved answer; true when none is left. */
  async retry(): Promise<boolean> {
    const results = await Promise.all(Object.keys(this.unsaved).map((q) => this.save(Number(q))));
    return results.every(Boolean);
  }

  markSaved(questions: number[]) {
    for (const q of questions) if (!(q in this.unsaved)) this.state[q] = 'saved';
  }

  private persist() {
    try {
      if (Object.keys(this.unsaved).length) localStorage.setItem(key(this.attempt), JSON.stringify(this.unsaved));
      else localStorage.removeItem(key(this.attempt));
    } catch {
      // storage disabled: the server copy is all there is
    }
  }

  close() {
    window.removeEventListener('online', this.onOnline);
    for (const timer of this.timers.values()) clearTimeout(timer);
  }
}
