import { describe, expect, it } from 'vitest';
import type { Schemas } from '../../src/lib/api';
import { emptyExam, emptySection, examBody, examPatch, paperErrors, sectionErrors } from '../../src/routes/admin/paper';
import { changedLessons, courseForm, coursePatch, emptyCourse, emptyLesson, move, newCourse } from '../../src/routes/admin/outline';

describe('paper editor form', () => {
  it('makes the body the create and its dry run take, whatever the number inputs bound', () => {
    const f = emptyExam(new Date('2026-12-01T00:00:00Z'));
    const s = { ...emptySection([4]), title: ' 单选 ', tags: '沟通，危机干预、 倾听', type: 'single_choice' as const };
    // Number inputs bind numbers (and null when cleared) into the string fields.
    Object.assign(s, { count: 5 as unknown as string, points: 2 as unknown as string });
    f.sections = [s];
    Object.assign(f, { title: ' C 级考试 ', pass_score: 6 as unknown as string, hours: null as unknown as string });
    const body = examBody(f);
    expect(body.title).toBe('C 级考试');
    expect(body.opens_at).toBe('2026-12-01T00:00:00.000Z');
    expect(body.pass_score).toBe('6');
    expect(body.hours).toBeNull();
    expect(body.sections[0]).toEqual({
      title: '单选', bank_ids: [4], type: 'single_choice', tags: ['沟通', '危机干预', '倾听'], difficulty: null, count: 5, points: '2', question_ids: [],
    });
  });
  it('leaves the level and the owner out of an edit', () => {
    const patch = examPatch({ ...emptyExam(), level: 'B', org_unit_id: 3 });
    expect('level' in patch || 'org_unit_id' in patch).toBe(false);
    expect(patch.sections).toHaveLength(1);
  });
  it('puts each error with its section, the rest with the paper', () => {
    const errors = [
      { field: 'sections[1].count', code: 'invalid_section', message: '不够' },
      { field: 'pass_score', code: 'out_of_range', message: '及格分' },
    ] as Schemas['ProblemField'][];
    expect(sectionErrors(errors, 1).map((e) => e.message)).toEqual(['不够']);
    expect(sectionErrors(errors, 0)).toEqual([]);
    expect(paperErrors(errors).map((e) => e.field)).toEqual(['pass_score']);
  });
});

describe('course editor form', () => {
  const saved: Schemas['Course'] = {
    id: 7, title: '入门', summary: '', track: 'c', hours: '2', status: 'published', org_unit_id: 1, presence_check_minutes: null,
    outline_locked: true, enrollment: null,
    modules: [{ id: 1, title: '一', lessons: [
      { id: 11, kind: 'video', title: '认识情绪', duration_seconds: 60, hours: '1', own_hours: null, required: true, media_url: '/media/a.webm', content: null },
      { id: 12, kind: 'document', title: '阅读', duration_seconds: 60, hours: '1', own_hours: '1', required: true, media_url: null, content: '正文' },
    ] }],
  };

  it('keeps a video its media and a document its text, and own hours apart from shares', () => {
    const f = emptyCourse();
    f.modules[0]!.lessons = [
      { ...emptyLesson(), title: '视频', media_url: ' /media/b.webm ', content: '不该带上' },
      { ...emptyLesson(), kind: 'text', title: '图文', media_url: '/x', content: '正文', hours: 0.5 as unknown as string },
    ];
    const [video, text] = newCourse(f).modules[0]!.lessons;
    expect([video!.media_url, video!.content, video!.hours]).toEqual(['/media/b.webm', null, null]);
    expect([text!.media_url, text!.content, text!.hours]).toEqual([null, '正文', '0.5']);
    expect(courseForm(saved).modules[0]!.lessons.map((l) => [l.hours, l.share])).toEqual([['', '1'], ['1', '1']]);
  });
  it('sends no outline for an enrolled course, and each changed lesson on its own', () => {
    const f = courseForm(saved);
    expect('modules' in coursePatch(f)).toBe(false);
    expect('modules' in coursePatch({ ...f, locked: false })).toBe(true);
    f.modules[0]!.lessons[0]!.media_url = 'https://media.example.cn/a.webm';
    f.modules[0]!.lessons[1]!.title = '阅读（修订）';
    expect(changedLessons(f, saved)).toEqual([
      { at: 'modules[0].lessons[0]', id: 11, patch: { media_url: 'https://media.example.cn/a.webm' } },
      { at: 'modules[0].lessons[1]', id: 12, patch: { title: '阅读（修订）' } },
    ]);
  });
  it('moves within the list only', () => {
    const list = ['a', 'b', 'c'];
    move(list, 2, -1);
    expect(list).toEqual(['a', 'c', 'b']);
    move(list, 0, -1);
    move(list, 2, 1);
    expect(list).toEqual(['a', 'c', 'b']);
  });
});
