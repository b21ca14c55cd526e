// The two kinds of occasion the desk runs through one attendance flow, as the server does:
// offline sessions (面授) and teaching-research events (教研活动). The pages (Occasions, Roster,
// Projector) are written once against `OccasionKind`; each kind says its routes, words and
// form fields. Sign-in codes, marks, closing and cancelling are the same routes under each
// kind's prefix, so they are written once too (`flow`).
import { api, type Schemas } from '$lib/api';
import { auth } from '$lib/auth.svelte';
import { t } from '$lib/i18n';
import type { SignInTarget } from '$lib/signin';
import type { Field } from './occasion-fields';
import type { ListPage, Status } from './occasion-list';

export type Occasion = Schemas['Session'] | Schemas['Event'];
export type Line = Schemas['SheetLine'];
export interface Sheet {
  occasion: Occasion;
  lines: Line[];
}
/** What the pages need of a call's answer (openapi-fetch's, or one assembled from several). */
export interface Answer<T> {
  data?: T;
  error?: unknown;
  response: Response;
}
export type Key = 'session' | 'event';

export interface OccasionKind {
  key: Key;
  /** The desk's list; `${base}/${id}` is the roster, `${base}/${id}/projector` the projector. */
  base: string;
  words: (typeof t.staff.occasions.kinds)[Key];
  signIn: SignInTarget['kind'];
  fields: () => Field[];
  /** A line under the title in the list (the trainer, or the event's level and form). */
  subtitle: (o: Occasion) => string;
  list: (q: { from?: string; status?: Status; page: number; per_page: number }) => Promise<Answer<ListPage<Occasion>>>;
  create: (body: Record<string, unknown>) => Promise<Answer<Occasion>>;
  update: (id: number, body: Record<string, unknown>) => Promise<Answer<Occasion>>;
  /** The occasion and its attendance sheet (names, minutes, hours credited). */
  sheet: (id: number) => Promise<Answer<Sheet>>;
  /** Sessions take marks only while open (reopen to amend); events also once closed. */
  marksWhenClosed: boolean;
  reopen?: (id: number) => Promise<Answer<Occasion>>;
  exportSheet: (id: number) => Promise<Answer<Blob>>;
  signInCode: (id: number) => Promise<Answer<Schemas['SignInCode']>>;
  mark: (id: number, body: Schemas['MarkRequest']) => Promise<Answer<Schemas['Attendance']>>;
  close: (id: number, body: Schemas['Closing']) => Promise<Answer<Occasion>>;
  cancel: (id: number, reason: string) => Promise<Answer<Occasion>>;
}

/** The routes both kinds have, under `/api/v1/sessions` or `/api/v1/research-events`. */
function flow(prefix: 'sessions' | 'research-events') {
  const at = (id: number) => ({ params: { path: { id } } });
  return {
    async sheet(id: number): Promise<Answer<Sheet>> {
      const { data, error, response } = await api.GET(`/api/v1/${prefix}/{id}/attendance`, at(id));
      // The sheet can also answer CSV or XLSX; asked without `format` it is JSON.
      const json = data && typeof data === 'object' && !Array.isArray(data) ? data : undefined;
      const occasion = json && ('session' in json ? json.session : json.event);
      return { data: json && occasion && { occasion, lines: json.lines }, error, response };
    },
    exportSheet: (id: number) =>
      api.GET(`/api/v1/${prefix}/{id}/attendance`, { params: { path: { id }, query: { format: 'xlsx' } }, parseAs: 'blob' }) as Promise<Answer<Blob>>,
    signInCode: (id: number) => api.GET(`/api/v1/${prefix}/{id}/sign-in-code`, at(id)),
    mark: (id: number, body: Schemas['MarkRequest']) => api.POST(`/api/v1/${prefix}/{id}/attendance`, { ...at(id), body }),
    close: (id: number, body: Schemas['Closing']) => api.POST(`/api/v1/${prefix}/{id}/close`, { ...at(id), body }),
    cancel: (id: number, reason: string) => api.POST(`/api/v1/${prefix}/{id}/cancel`, { ...at(id), body: { reason } }),
  };
}

const w = t.staff.occasions;

/** The fields every occasion has, in the order the forms show them. */
function common(): Field[] {
  return [
    { key: 'title', label: w.fTitle, kind: 'text', required: true, editable: true, requiredOnEdit: true, maxLength: 200 },
    { key: 'place', label: w.place, kind: 'text', required: true, editable: true, requiredOnEdit: true, maxLength: 200 },
    { key: 'starts_at', label: w.startsAt, kind: 'datetime', required: true, editable: true, requiredOnEdit: true },
    { key: 'ends_at', label: w.endsAt, kind: 'datetime', required: true, editable: true, requiredOnEdit: true },
    { key: 'hours', label: w.hours, kind: 'hours', required: true, editable: true, requiredOnEdit: true, initial: '2', min: 0.5, max: 24, step: 0.5 },
    { key: 'capacity', label: w.capacity, kind: 'int', required: true, editable: true, requiredOnEdit: true, initial: '50', min: 1, max: 5000 },
  ];
}

const presence = (): Field[] => [
  { key: 'min_presence_percent', label: w.minPresence, kind: 'int', editable: true, min: 1, max: 100, hint: w.minPresenceHint },
  { key: 'closing_window_minutes', label: w.closingWindow, kind: 'int', editable: true, min: 1, max: 240, hint: w.closingWindowHint },
];

const choices = (names: Record<string, string>) => Object.entries(names).map(([value, label]) => ({ value, label }));

export const sessions: OccasionKind = {
  key: 'session',
  base: '/desk/sessions',
  words: w.kinds.session,
  signIn: 'session',
  fields: () => [
    ...common(),
    { key: 'trainer', label: w.trainer, kind: 'text', editable: true, requiredOnEdit: true, maxLength: 100, hint: w.trainerHint },
    ...presence(),
    { key: 'sign_in_grace_minutes', label: w.graceMinutes, kind: 'int', editable: true, min: 0, max: 240, hint: w.graceHint },
  ],
  subtitle: (o) => ('trainer' in o ? o.trainer : ''),
  list: (query) => api.GET('/api/v1/sessions', { params: { query } }),
  create: (body) => api.POST('/api/v1/sessions', { body: body as Schemas['NewSession'] }),
  update: (id, body) => api.PATCH('/api/v1/sessions/{id}', { params: { path: { id } }, body: body as Schemas['SessionPatch'] }),
  marksWhenClosed: false,
  reopen: (id) => api.POST('/api/v1/sessions/{id}/reopen', { params: { path: { id } } }),
  ...flow('sessions'),
};

export const events: OccasionKind = {
  key: 'event',
  base: '/desk/research-events',
  words: w.kinds.event,
  signIn: 'event',
  fields: () => [
    ...common(),
    { key: 'form', label: w.form, kind: 'choice', required: true, initial: 'collective', choices: choices(t.research.form) },
    { key: 'org_unit_id', label: w.unit, kind: 'unit', hint: w.unitHint, sets: 'level' },
    {
      key: 'level', label: w.level, kind: 'choice', required: true, choices: choices(t.research.level),
      initial: auth.me?.scope.type === 'subtree' ? auth.me.scope.kind : 'county',
    },
    { key: 'audience_roles', label: w.audience, kind: 'roles', hint: w.audienceHint, choices: choices(t.staff.org.roleNames) },
    { key: 'online_link', label: w.onlineLink, kind: 'url', editable: true, maxLength: 500 },
    ...presence(),
  ],
  subtitle: (o) => ('form' in o ? `${t.research.level[o.level]} · ${t.research.form[o.form]}` : ''),
  list: (query) => api.GET('/api/v1/research-events', { params: { query } }),
  create: (body) => api.POST('/api/v1/research-events', { body: body as Schemas['NewEvent'] }),
  update: (id, body) => api.PATCH('/api/v1/research-events/{id}', { params: { path: { id } }, body: body as Schemas['EventPatch'] }),
  marksWhenClosed: true,
  ...flow('research-events'),
};

export const KINDS: Record<Key, OccasionKind> = { session: sessions, event: events };
