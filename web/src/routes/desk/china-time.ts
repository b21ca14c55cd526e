// `datetime-local` inputs on the desk are Beijing wall-clock time, whatever the laptop's zone.
const parts = new Intl.DateTimeFormat('en-CA', {
  timeZone: 'Asia/Shanghai',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
});

/** An instant as a `datetime-local` value in Beijing time: `2026-12-01T14:30`. */
export function toChinaInput(value: string | Date): string {
  const p: Record<string, string> = {};
  for (const part of parts.formatToParts(typeof value === 'string' ? new Date(value) : value)) p[part.type] = part.value;
  return `${p.year}-${p.month}-${p.day}T${p.hour}:${p.minute}`;
}

/** A `datetime-local` value read as Beijing time, as an ISO instant; `''` when empty or invalid. */
export function fromChinaInput(value: string): string {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/.test(value)) return '';
  const d = new Date(`${value}:00+08:00`);
  return Number.isNaN(d.getTime()) ? '' : d.toISOString();
}
