// How a requirement of a level reads on the home screen, and where to go to satisfy it.
import type { Schemas } from './api';
import { chinaDate, hours, percent } from './format';
import { t } from './i18n';

type Requirement = Schemas['Requirement'];
type Level = Schemas['Level'];

export interface RequirementView {
  label: string;
  /** 0–100 for things that accumulate; null for yes/no requirements. */
  progress: number | null;
  text: string;
  met: boolean;
  href: string;
  action: string;
  /** For hours counted only after the certificate below: since when. */
  note: string | null;
}

const COUNTED = new Set(['online_hours', 'offline_hours', 'practice_counseling_hours', 'practice_mh_lessons']);

export function describe(req: Requirement, level: Level): RequirementView {
  const kind = req.kind;
  const note = req.counted_from ? t.req.countedFrom(chinaDate(req.counted_from)) : null;
  const base = { label: t.req[kind], met: req.met, action: t.req.go[kind], href: hrefFor(kind, level), note };
  if (COUNTED.has(kind)) {
    const isHours = kind.endsWith('_hours');
    const fmt = (v: string | null | undefined) => (isHours ? hours(v) : String(Number(v ?? 0)));
    const unit = ` ${kind === 'practice_mh_lessons' ? t.req.unitLessons : t.req.unitHours}`;
    return { ...base, progress: percent(req.actual, req.required), text: `${fmt(req.actual)} / ${fmt(req.required)}${unit}` };
  }
  if (kind === 'exam') {
    const score = req.actual ? `${t.req.score(Number(req.actual))} · ` : '';
    return { ...base, progress: null, text: `${score}${req.met ? t.req.passed : t.req.notPassed}（${t.req.minScore(Number(req.required))}）` };
  }
  if (kind === 'prerequisite') {
    return { ...base, progress: null, text: `${t.req.level(req.required)} · ${req.met ? t.req.held : t.req.notHeld}` };
  }
  return { ...base, progress: null, text: req.met ? t.req.eligible : t.req.notEligible };
}

function hrefFor(kind: Requirement['kind'], level: Level): string {
  switch (kind) {
    case 'online_hours':
      return `/courses?track=${level.toLowerCase()}`;
    case 'offline_hours':
      return '/sessions';
    case 'exam':
      return `/exams?level=${level}`;
    case 'prerequisite':
      return '/certificates';
    case 'practice_counseling_hours':
    case 'practice_mh_lessons':
      return '/workload';
    default:
      return '/me';
  }
}
