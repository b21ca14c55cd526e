// The exam editor's form, and the body of `POST /exams`, `POST /exams/check` and
// `PATCH /exams/{id}` made from it; where a 422's errors belong on the form.
import type { Schemas } from '$lib/api';
import { fromChinaInput, toChinaInput } from '../desk/china-time';

type Kind = Schemas['QuestionKind'];
type Field = Schemas['ProblemField'];

export interface SectionForm {
  title: string;
  bank_ids: number[];
  type: Kind | '';
  tags: string;
  difficulty: string;
  count: string;
  points: string;
  question_ids: number[];
}

export interface ExamForm {
  id: number | null;
  org_unit_id: number | null;
  title: string;
  level: Schemas['Level'];
  duration_minutes: string;
  pass_score: string;
  max_attempts: string;
  opens_at: string;
  closes_at: string;
  shuffle_options: boolean;
  release_mode: Schemas['ReleaseMode'];
  double_marking: boolean;
  double_marking_margin: string;
  hours: string;
  sections: SectionForm[];
}

export function emptySection(bankIds: number[] = []): SectionForm {
  return { title: '', bank_ids: bankIds, type: '', tags: '', difficulty: '', count: '10', points: '2', question_ids: [] };
}

export function emptyExam(now: Date = new Date()): ExamForm {
  return {
    id: null, org_unit_id: null, title: '', level: 'C', duration_minutes: '60', pass_score: '60', max_attempts: '2',
    opens_at: toChinaInput(now), closes_at: toChinaInput(new Date(now.getTime() + 30 * 86_400_000)),
    shuffle_options: true, release_mode: 'immediate', double_marking: false, double_marking_margin: '2', hours: '1',
    sections: [emptySection()],
  };
}

export function examForm(e: Schemas['Exam']): ExamForm {
  return {
    id: e.id, org_unit_id: e.org_unit_id, title: e.title, level: e.level, duration_minutes: String(e.duration_minutes),
    pass_score: e.pass_score, max_attempts: String(e.max_attempts), opens_at: toChinaInput(e.opens_at),
    closes_at: toChinaInput(e.closes_at), shuffle_options: e.shuffle_options, release_mode: e.release_mode,
    double_marking: e.double_marking, double_marking_margin: e.double_marking_margin, hours: e.hours,
    sections: e.sections.map((s) => ({
      title: s.title, bank_ids: [...(s.bank_ids ?? [])], type: s.type ?? '', tags: (s.tags ?? []).join('，'),
      difficulty: s.difficulty == null ? '' : String(s.difficulty), count: String(s.count), points: s.points,
      question_ids: [...(s.question_ids ?? [])],
    })),
  };
}

// Number inputs bind numbers (or null when cleared) into these string fields.
const str = (v: string | number | null | undefined) => String(v ?? '').trim();
const num = (v: string | number | null | undefined) => Number(str(v) || Number.NaN);

function section(s: SectionForm): Schemas['Section'] {
  return {
    title: s.title.trim(), bank_ids: s.bank_ids, type: s.type || null,
    tags: s.tags.split(/[,，、\s]+/).map((x) => x.trim()).filter(Boolean),
    difficulty: s.difficulty ? Number(s.difficulty) : null, count: num(s.count), points: str(s.points),
    question_ids: s.question_ids,
  };
}

/** The whole paper as `POST /exams` (and its dry run) take it. */
export function examBody(f: ExamForm): Schemas['NewExam'] {
  return {
    title: f.title.trim(), level: f.level, org_unit_id: f.org_unit_id, duration_minutes: num(f.duration_minutes),
    pass_score: str(f.pass_score), max_attempts: num(f.max_attempts), opens_at: fromChinaInput(f.opens_at),
    closes_at: fromChinaInput(f.closes_at), shuffle_options: f.shuffle_options, release_mode: f.release_mode,
    double_marking: f.double_marking, double_marking_margin: str(f.double_marking_margin) || null,
    hours: str(f.hours) || null, sections: f.sections.map(section),
  };
}

/** What `PATCH /exams/{id}` takes: everything but the level and the owner, which stay. */
export function examPatch(f: ExamForm): Schemas['ExamPatch'] {
  const { level: _level, org_unit_id: _owner, ...rest } = examBody(f);
  return rest;
}

/** The errors that belong to section `i` (`sections[i].count` …), and those that belong to none. */
export function sectionErrors(errors: Field[] | null, i: number): Field[] {
  return errors?.filter((e) => e.field.startsWith(`sections[${i}].`)) ?? [];
}

export function paperErrors(errors: Field[] | null): Field[] {
  return errors?.filter((e) => !/^sections\[\d+\]\./.test(e.field)) ?? [];
}
