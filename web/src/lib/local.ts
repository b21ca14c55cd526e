// Small facts this device remembers per account where the API has no read for them yet
// (which sessions I registered for, which attempt of an exam is mine).
function key(account: number | undefined, name: string) {
  return `qualify.${account ?? 0}.${name}`;
}

export function remember<T>(account: number | undefined, name: string, value: T) {
  try {
    localStorage.setItem(key(account, name), JSON.stringify(value));
  } catch {
    // storage full or disabled: only a convenience is lost
  }
}

export function recall<T>(account: number | undefined, name: string): T | undefined {
  try {
    const raw = localStorage.getItem(key(account, name));
    return raw ? (JSON.parse(raw) as T) : undefined;
  } catch {
    return undefined;
  }
}
