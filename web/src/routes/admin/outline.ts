// The course editor's form: a course with its ordered modules and lessons, the bodies of
// `POST /courses`, `PATCH /courses/{id}` and `PATCH /lessons/{id}` made from it, and which
// lessons changed in place (what an enrolled course still lets change).
import type { Schemas } from '$lib/api';

export interface LessonForm {
  id: number | null;
  kind: Schemas['LessonKind'];
  title: string;
  duration_seconds: string;
  /** Own hours; empty takes a share of the course's by duration. */
  hours: string;
  /** What the lesson is worth now, shown while `hours` is empty. */
  share: string;
  required: boolean;
  quiz_exam_id: string;
  media_url: string;
  content: string;
}

export interface ModuleForm {
  title: string;
  lessons: LessonForm[];
}

export interface CourseForm {
  id: number | null;
  locked: boolean;
  title: string;
  summary: string;
  track: Schemas['Track'];
  hours: string;
  status: Schemas['CourseStatus'];
  presence_check_minutes: string;
  modules: ModuleForm[];
}

export function emptyLesson(): LessonForm {
  return { id: null, kind: 'video', title: '', duration_seconds: '600', hours: '', share: '', required: true, quiz_exam_id: '', media_url: '', content: '' };
}

export function emptyCourse(): CourseForm {
  return {
    id: null, locked: false, title: '', summary: '', track: 'c', hours: '1', status: 'draft', presence_check_minutes: '',
    modules: [{ title: '', lessons: [emptyLesson()] }],
  };
}

export function courseForm(c: Schemas['Course']): CourseForm {
  return {
    id: c.id, locked: c.outline_locked, title: c.title, summary: c.summary, track: c.track, hours: c.hours, status: c.status,
    presence_check_minutes: c.presence_check_minutes == null ? '' : String(c.presence_check_minutes),
    modules: c.modules.map((m) => ({
      title: m.title,
      lessons: m.lessons.map((l) => ({
        id: l.id, kind: l.kind, title: l.title, duration_seconds: String(l.duration_seconds), hours: l.own_hours ?? '', share: l.hours,
        required: l.required, quiz_exam_id: l.quiz_exam_id == null ? '' : String(l.quiz_exam_id),
        media_url: l.media_url ?? '', content: l.content ?? '',
      })),
    })),
  };
}

// Number inputs bind numbers (or null when cleared) into these string fields.
const str = (v: string | number | null | undefined) => String(v ?? '').trim();
const text = (v: string | number | null | undefined) => str(v) || null;

export function outline(f: CourseForm): Schemas['NewModule'][] {
  return f.modules.map((m) => ({
    title: m.title.trim(),
    lessons: m.lessons.map((l) => ({
      kind: l.kind, title: l.title.trim(), duration_seconds: Number(str(l.duration_seconds) || Number.NaN), hours: text(l.hours),
      required: l.required, quiz_exam_id: l.quiz_exam_id ? Number(l.quiz_exam_id) : null,
      media_url: l.kind === 'video' ? text(l.media_url) : null, content: l.kind === 'video' ? null : l.content.trim() ? l.content : null,
    })),
  }));
}

function fields(f: CourseForm) {
  const minutes = str(f.presence_check_minutes);
  return {
    title: f.title.trim(), summary: f.summary.trim(), track: f.track, hours: str(f.hours), status: f.status,
    presence_check_minutes: minutes ? Number(minutes) : null,
  };
}

export function newCourse(f: CourseForm): Schemas['NewCourse'] {
  return { ...fields(f), modules: outline(f) };
}

/** The course's own fields, with the whole outline unless teachers have enrolled. */
export function coursePatch(f: CourseForm): Schemas['CoursePatch'] {
  return f.locked ? fields(f) : { ...fields(f), modules: outline(f) };
}

/** Lessons of an enrolled course whose title, media or text differ from what was saved, with
 * their place in the outline (for placing the errors of their `PATCH /lessons/{id}`). */
export function changedLessons(f: CourseForm, saved: Schemas['Course']): { at: string; id: number; patch: Schemas['LessonPatch'] }[] {
  const before = new Map(saved.modules.flatMap((m) => m.lessons).map((l) => [l.id, l]));
  const out: { at: string; id: number; patch: Schemas['LessonPatch'] }[] = [];
  f.modules.forEach((m, mi) =>
    m.lessons.forEach((l, li) => {
      const old = l.id === null ? undefined : before.get(l.id);
      if (!old || l.id === null) return;
      const patch: Schemas['LessonPatch'] = {};
      if (l.title.trim() !== old.title) patch.title = l.title.trim();
      if (l.media_url.trim() !== (old.media_url ?? '')) patch.media_url = l.media_url.trim();
      if (l.content !== (old.content ?? '')) patch.content = l.content;
      if (Object.keys(patch).length) out.push({ at: `modules[${mi}].lessons[${li}]`, id: l.id, patch });
    }),
  );
  return out;
}

/** Moves item `i` of a list by `by` places (within bounds). */
export function move<T>(list: T[], i: number, by: number): void {
  const j = i + by;
  if (j < 0 || j >= list.length) return;
  const [item] = list.splice(i, 1);
  list.splice(j, 0, item!);
}
