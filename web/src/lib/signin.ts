// What a sign-in QR code says, as a page of this app. The trainer's screen shows either the
// app's own URL (`https://…/sessions/7/sign-in?code=402913`, which a phone's camera app opens
// directly) or the older payload `QUALIFY-SIGNIN:session:7:402913`; both lead to the same page.

export interface SignInTarget {
  kind: 'session' | 'event';
  id: number;
  code: string;
}

const PAYLOAD = /^QUALIFY-SIGNIN:(session|event):(\d+):([0-9A-Za-z]+)$/;
const PATH = /^\/(sessions|research-events)\/(\d+)\/sign-in\/?$/;

export function parseSignIn(text: string, origin?: string): SignInTarget | null {
  const value = text.trim();
  const m = PAYLOAD.exec(value);
  if (m) return { kind: m[1] === 'session' ? 'session' : 'event', id: Number(m[2]), code: m[3]! };
  let url: URL;
  try {
    url = new URL(value, origin);
  } catch {
    return null;
  }
  if (origin && url.origin !== new URL(origin).origin) return null;
  const p = PATH.exec(url.pathname);
  const code = url.searchParams.get('code');
  if (!p || !code) return null;
  return { kind: p[1] === 'sessions' ? 'session' : 'event', id: Number(p[2]), code };
}

export function signInPath(target: SignInTarget): string {
  const base = target.kind === 'session' ? 'sessions' : 'research-events';
  return `/${base}/${target.id}/sign-in?code=${encodeURIComponent(target.code)}`;
}
