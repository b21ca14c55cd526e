// The forms of an occasion (an offline session or a research event) as data: which fields a
// kind takes, how each shows in an input, and how the inputs become a create or PATCH body.
// One form component draws any kind's fields; the kinds only list them (occasion-kinds.ts).
import { fromChinaInput, toChinaInput } from '../desk/china-time';

/** How a field is typed in and sent: `int`/`unit` as numbers, `hours` as a decimal string,
 *  `datetime` as Beijing wall-clock input sent as an instant, `roles` as a list of choices. */
export type FieldKind = 'text' | 'url' | 'datetime' | 'int' | 'hours' | 'choice' | 'unit' | 'roles';

export interface Choice {
  value: string;
  label: string;
}

export interface Field<K extends string = string> {
  key: K;
  label: string;
  kind: FieldKind;
  /** Required on creation (the server's required fields). */
  required?: boolean;
  /** Sent in the PATCH body too (the kind's patch schema takes it). */
  editable?: boolean;
  /** Required when editing (e.g. a name that may be left to default on creation only). */
  requiredOnEdit?: boolean;
  /** What the input starts with on creation. */
  initial?: string | string[];
  min?: number;
  max?: number;
  step?: number;
  maxLength?: number;
  /** A short line under the input: the server's default, or what leaving it empty means. */
  hint?: string;
  /** For `choice`, `unit` and `roles`. */
  choices?: Choice[];
  /** For `unit`: the field that follows the chosen unit's kind (an event's level). */
  sets?: string;
}

export type Mode = 'create' | 'edit';
/** The inputs' values (a number input bound in Svelte holds a number, or null when empty). */
export type Draft = Record<string, string | string[] | number | null | undefined>;

/** The fields a form shows: all on creation, the editable ones when editing. */
export function fieldsFor<K extends string>(fields: Field<K>[], mode: Mode): Field<K>[] {
  return mode === 'create' ? fields : fields.filter((f) => f.editable);
}

export function isRequired(field: Field, mode: Mode): boolean {
  return mode === 'create' ? !!field.required : !!field.requiredOnEdit;
}

/** The inputs' values: an occasion's current values when editing, the initial ones otherwise. */
export function draftOf(fields: Field[], mode: Mode, current?: Record<string, unknown>): Draft {
  const draft: Draft = {};
  for (const f of fieldsFor(fields, mode)) {
    const value = mode === 'edit' ? current?.[f.key] : undefined;
    if (f.kind === 'roles') draft[f.key] = Array.isArray(value) ? value.map(String) : [...((f.initial as string[] | undefined) ?? [])];
    else if (value === undefined || value === null) draft[f.key] = mode === 'edit' ? '' : ((f.initial as string | undefined) ?? '');
    else if (f.kind === 'datetime') draft[f.key] = toChinaInput(String(value));
    else draft[f.key] = String(value);
  }
  return draft;
}

function valueOf(field: Field, raw: Draft[string]): unknown {
  if (field.kind === 'roles') return Array.isArray(raw) ? raw : [];
  const text = raw === null || raw === undefined || Array.isArray(raw) ? '' : String(raw).trim();
  if (text === '') return null;
  switch (field.kind) {
    case 'datetime':
      return fromChinaInput(text) || null;
    case 'int':
    case 'unit':
      return Number.isFinite(Number(text)) ? Number(text) : null;
    default:
      return text;
  }
}

/** The request body: every shown field under its API name; an empty optional input is `null`
 *  (the server's default on creation, "unchanged" in a PATCH). */
export function bodyOf(fields: Field[], mode: Mode, draft: Draft): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  for (const f of fieldsFor(fields, mode)) body[f.key] = valueOf(f, draft[f.key]);
  return body;
}

/** The label each field shows under, by API name: for naming the fields a 422 refused. */
export function labelsOf(fields: Field[]): Record<string, string> {
  return Object.fromEntries(fields.map((f) => [f.key, f.label]));
}
