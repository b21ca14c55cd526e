// Numbers and dates as people in China read them, always on Beijing time.

const TZ = 'Asia/Shanghai';

const dateParts = new Intl.DateTimeFormat('en-US', {
  timeZone: TZ,
  year: 'numeric',
  month: 'numeric',
  day: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
});

function parts(d: Date): Record<string, string> {
  const out: Record<string, string> = {};
  for (const p of dateParts.formatToParts(d)) out[p.type] = p.value;
  return out;
}

const DATE_ONLY = /^(\d{4})-(\d{2})-(\d{2})$/;

/** `2026年12月1日`. A bare `YYYY-MM-DD` is already a China day and is not shifted. */
export function chinaDate(value: string | Date): string {
  if (typeof value === 'string') {
    const m = DATE_ONLY.exec(value);
    if (m) return `${Number(m[1])}年${Number(m[2])}月${Number(m[3])}日`;
  }
  const p = parts(typeof value === 'string' ? new Date(value) : value);
  return `${p.year}年${p.month}月${p.day}日`;
}

/** `2026年12月1日 14:30` in Beijing time. */
export function chinaDateTime(value: string | Date): string {
  const p = parts(typeof value === 'string' ? new Date(value) : value);
  return `${p.year}年${p.month}月${p.day}日 ${p.hour}:${p.minute}`;
}

/** `14:30` in Beijing time. */
export function chinaTime(value: string | Date): string {
  const p = parts(typeof value === 'string' ? new Date(value) : value);
  return `${p.hour}:${p.minute}`;
}

/** Today's China day as `YYYY-MM-DD`. */
export function chinaToday(now: Date = new Date()): string {
  const p = parts(now);
  return `${p.year}-${p.month!.padStart(2, '0')}-${p.day!.padStart(2, '0')}`;
}

/** Hours with one decimal: `12.5`, `24.0`. The API sends decimals as strings. */
export function hours(value: string | number | null | undefined): string {
  const n = typeof value === 'string' ? Number(value) : (value ?? 0);
  if (!Number.isFinite(n)) return '0.0';
  return (Math.round(n * 10) / 10).toFixed(1);
}

/** Seconds as minutes with one decimal: `2.5`. */
export function minutes(seconds: number): string {
  return (Math.floor((seconds / 60) * 10) / 10).toFixed(1);
}

/** A clock: `m:ss`, or `h:mm:ss` from an hour up. */
export function clock(totalSeconds: number): string {
  const s = Math.max(0, Math.floor(totalSeconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${sec}` : `${m}:${sec}`;
}

/** Share as a whole percent between 0 and 100, from two decimal strings. */
export function percent(actual: string | null | undefined, required: string): number {
  const a = Number(actual ?? 0);
  const r = Number(required);
  if (!(r > 0)) return actual ? 100 : 0;
  return Math.max(0, Math.min(100, Math.round((a / r) * 100)));
}
