import { describe, expect, it } from 'vitest';
import { describe as view } from '../../src/lib/requirements';

describe('home screen requirements', () => {
  it('hours read as numbers with one decimal and link to what satisfies them', () => {
    const v = view({ kind: 'online_hours', required: '20', actual: '12.5', met: false }, 'C');
    expect(v.text).toBe('12.5 / 20.0 学时');
    expect(v.progress).toBe(63);
    expect(v.href).toBe('/courses?track=c');
    expect(view({ kind: 'offline_hours', required: '8', actual: '0', met: false }, 'B').href).toBe('/sessions');
  });

  it('the exam and the prerequisite are yes/no, with the score when there is one', () => {
    const exam = view({ kind: 'exam', required: '60', actual: '86', met: true }, 'C');
    expect(exam.progress).toBeNull();
    expect(exam.text).toBe('86 分 · 已通过（≥ 60 分）');
    expect(exam.href).toBe('/exams?level=C');
    expect(view({ kind: 'prerequisite', required: 'C', actual: null, met: false }, 'B').text).toBe('C 级 · 未持有');
  });

  it('hours counted after the certificate below say since when', () => {
    const v = view({ kind: 'online_hours', required: '32', actual: '4', met: false, counted_from: '2026-09-01' }, 'B');
    expect(v.note).toBe('自 2026年9月1日 起计');
  });

  it('practice counts lessons, not hours', () => {
    expect(view({ kind: 'practice_mh_lessons', required: '30', actual: '4', met: false }, 'A').text).toBe('4 / 30 节');
  });
});
