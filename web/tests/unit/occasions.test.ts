import { describe, expect, it } from 'vitest';
import { bodyOf, draftOf, fieldsFor, isRequired, labelsOf, type Field } from '../../src/routes/trainer/occasion-fields';
import { chinaYear, collect, keep, MAX_PAGES, yearStart, type ListPage, type Listed } from '../../src/routes/trainer/occasion-list';

const fields: Field[] = [
  { key: 'title', label: '名称', kind: 'text', required: true, editable: true, requiredOnEdit: true },
  { key: 'starts_at', label: '开始时间', kind: 'datetime', required: true, editable: true },
  { key: 'hours', label: '学时', kind: 'hours', required: true, editable: true, initial: '2' },
  { key: 'capacity', label: '名额', kind: 'int', required: true, editable: true, initial: '50' },
  { key: 'org_unit_id', label: '主办单位', kind: 'unit', sets: 'level' },
  { key: 'level', label: '级别', kind: 'choice', required: true, initial: 'county' },
  { key: 'audience_roles', label: '面向岗位', kind: 'roles', initial: [] },
  { key: 'online_link', label: '链接', kind: 'url', editable: true },
  { key: 'min_presence_percent', label: '比例', kind: 'int' },
];

describe('occasion forms', () => {
  it('shows every field on creation and only the editable ones when editing', () => {
    expect(fieldsFor(fields, 'create')).toHaveLength(fields.length);
    expect(fieldsFor(fields, 'edit').map((f) => f.key)).toEqual(['title', 'starts_at', 'hours', 'capacity', 'online_link']);
    expect(isRequired(fields[1]!, 'create')).toBe(true);
    expect(isRequired(fields[1]!, 'edit')).toBe(false);
  });

  it('starts a new occasion from the initial values', () => {
    const draft = draftOf(fields, 'create');
    expect(draft).toMatchObject({ title: '', hours: '2', capacity: '50', level: 'county', org_unit_id: '', audience_roles: [] });
  });

  it('edits an occasion from its values, times as Beijing wall clock', () => {
    const draft = draftOf(fields, 'edit', { title: '大教研', starts_at: '2026-03-01T06:30:00Z', hours: '3', capacity: 80, online_link: null });
    expect(draft).toEqual({ title: '大教研', starts_at: '2026-03-01T14:30', hours: '3', capacity: '80', online_link: '' });
  });

  it('sends numbers as numbers, hours as a decimal string, Beijing input as an instant, empty optionals as null', () => {
    const draft = { ...draftOf(fields, 'create'), title: ' 大教研 ', starts_at: '2026-03-01T14:30', hours: 2.5, capacity: 80, org_unit_id: '3', audience_roles: ['mh_fulltime'] };
    expect(bodyOf(fields, 'create', draft)).toEqual({
      title: '大教研', starts_at: '2026-03-01T06:30:00.000Z', hours: '2.5', capacity: 80, org_unit_id: 3, level: 'county',
      audience_roles: ['mh_fulltime'], online_link: null, min_presence_percent: null,
    });
  });

  it('puts only editable fields in a PATCH; a cleared number input (null) is "unchanged"', () => {
    const body = bodyOf(fields, 'edit', { title: '新名称', starts_at: 'not a time', hours: '3', capacity: null, online_link: 'https://m.example/1' });
    expect(body).toEqual({ title: '新名称', starts_at: null, hours: '3', capacity: null, online_link: 'https://m.example/1' });
  });

  it('names refused fields by their labels', () => {
    expect(labelsOf(fields).ends_at).toBeUndefined();
    expect(labelsOf(fields).hours).toBe('学时');
  });
});

const at = (iso: string, status: Listed['status'] = 'scheduled') => ({ starts_at: iso, status });

describe('occasion list by year and status', () => {
  it('reads years in China time', () => {
    expect(yearStart(2026)).toBe('2025-12-31T16:00:00.000Z');
    expect(chinaYear('2025-12-31T16:30:00Z')).toBe(2026);
    expect(chinaYear('2025-12-31T15:30:00Z')).toBe(2025);
  });

  it('keeps the year and status asked for', () => {
    const items = [at('2025-12-31T15:30:00Z'), at('2026-05-01T02:00:00Z', 'closed'), at('2026-06-01T02:00:00Z'), at('2027-01-01T02:00:00Z')];
    expect(keep(items, 2026, null)).toHaveLength(2);
    expect(keep(items, 2026, 'closed')).toEqual([items[1]]);
    expect(keep(items, null, 'scheduled')).toHaveLength(3);
  });

  const pages = (all: Listed[], perPage: number) => {
    const asked: number[] = [];
    const fetch = async (page: number): Promise<ListPage<Listed>> => {
      asked.push(page);
      return { items: all.slice((page - 1) * perPage, page * perPage), total: all.length, page, per_page: perPage };
    };
    return { fetch, asked };
  };

  it('reads page after page until the list ends', async () => {
    const all = Array.from({ length: 5 }, (_, i) => at(`2026-0${i + 1}-10T02:00:00Z`));
    const { fetch, asked } = pages(all, 2);
    expect(await collect(fetch, 2026, null)).toEqual({ items: all, truncated: false });
    expect(asked).toEqual([1, 2, 3]);
  });

  it('stops once the occasions start after the year', async () => {
    const all = [at('2026-11-01T02:00:00Z'), at('2027-01-05T02:00:00Z'), at('2027-02-01T02:00:00Z'), at('2027-03-01T02:00:00Z')];
    const { fetch, asked } = pages(all, 2);
    expect((await collect(fetch, 2026, null)).items).toEqual([all[0]]);
    expect(asked).toEqual([1]);
  });

  it('says when it stopped at the page limit with more left', async () => {
    const all = Array.from({ length: MAX_PAGES + 2 }, () => at('2026-04-01T02:00:00Z'));
    const { fetch, asked } = pages(all, 1);
    expect((await collect(fetch, null, null)).truncated).toBe(true);
    expect(asked).toHaveLength(MAX_PAGES);
  });
});
