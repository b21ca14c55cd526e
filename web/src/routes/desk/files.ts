// Downloads from the API (exports, attendance sheets): the blob with the server's file name.
import { saveBlob } from '$lib/download';

type BlobResult = { data?: Blob; error?: unknown; response: Response };

export function fileName(response: Response, fallback: string): string {
  const cd = response.headers.get('content-disposition') ?? '';
  const star = /filename\*=UTF-8''([^;]+)/i.exec(cd);
  if (star?.[1]) {
    try {
      return decodeURIComponent(star[1]);
    } catch {
      // fall through
    }
  }
  const plain = /filename="?([^";]+)"?/i.exec(cd);
  return plain?.[1] ?? fallback;
}

/** Saves what the call answered; returns null when it did, or the error body. */
export async function download(call: Promise<BlobResult>, fallback: string): Promise<unknown> {
  const { data, error, response } = await call;
  if (data && response.ok) {
    saveBlob(data, fileName(response, fallback));
    return null;
  }
  return error ?? new Error(String(response.status));
}

/** Calls that may answer JSON, CSV or XLSX: keep only the JSON body's type (and value). */
export async function asJson<R extends { data?: unknown }>(call: Promise<R>): Promise<Omit<R, 'data'> & { data?: Exclude<R['data'], string | number[]> }> {
  const r = await call;
  const data = typeof r.data === 'string' || Array.isArray(r.data) ? undefined : r.data;
  return { ...r, data: data as Exclude<R['data'], string | number[]> | undefined };
}
