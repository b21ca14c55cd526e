// The desk's list of occasions by calendar year (China time) and status. The API filters by
// "ending at or after" (`from`) and lists soonest first, so a year is read page by page from its
// first day until the occasions start in the next year; the status, which both lists filter
// by, is checked again here so a page never shows another.

export type Status = 'scheduled' | 'closed' | 'cancelled';

export interface Listed {
  starts_at: string;
  status: Status;
}

export interface ListPage<T> {
  items: T[];
  total: number;
  page: number;
  per_page: number;
}

export const PER_PAGE = 100;
/** At most this many pages are read for one list (a year of a prefecture's occasions fits). */
export const MAX_PAGES = 10;

/** The first instant of a year in China (UTC+8, no daylight saving), as ISO. */
export function yearStart(year: number): string {
  return new Date(`${String(year).padStart(4, '0')}-01-01T00:00:00+08:00`).toISOString();
}

/** The calendar year (China time) an instant falls in. */
export function chinaYear(iso: string): number {
  return new Date(new Date(iso).getTime() + 8 * 3600_000).getUTCFullYear();
}

export function keep<T extends Listed>(items: T[], year: number | null, status: Status | null): T[] {
  return items.filter((x) => (year === null || chinaYear(x.starts_at) === year) && (status === null || x.status === status));
}

/** Reads pages of `fetch` until the list ends, the occasions start after `year`, or MAX_PAGES;
 *  returns those of the year and status, and whether it stopped at MAX_PAGES with more left. */
export async function collect<T extends Listed>(
  fetch: (page: number) => Promise<ListPage<T>>,
  year: number | null,
  status: Status | null,
): Promise<{ items: T[]; truncated: boolean }> {
  const items: T[] = [];
  for (let page = 1; page <= MAX_PAGES; page++) {
    const got = await fetch(page);
    items.push(...keep(got.items, year, status));
    const last = got.items.at(-1);
    const past = year !== null && last !== undefined && chinaYear(last.starts_at) > year;
    if (past || got.items.length === 0 || page * got.per_page >= got.total) return { items, truncated: false };
  }
  return { items, truncated: true };
}
