// A refused form, said in one line: every field the server named (by the label the page shows
// it under), or the problem's own sentence when it named none.
import { problemFields, problemText } from '$lib/api';

export function faultText(error: unknown, labels: Record<string, string>, fallback: string): string {
  const fields = problemFields(error);
  if (!fields) return problemText(error, fallback);
  return fields.map((f) => `${labels[f.field] ?? f.field}：${f.message}`).join('；');
}
