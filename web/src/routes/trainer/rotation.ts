// When the projector asks for the next sign-in code: a few seconds before this one expires, never
// in a tight loop, and soon again when the answer had no usable expiry (network trouble).
export const LEAD_MS = 5_000;
export const MIN_MS = 2_000;
export const RETRY_MS = 5_000;

export function refreshDelay(expiresAt: number, now: number): number {
  if (!Number.isFinite(expiresAt) || expiresAt <= 0) return RETRY_MS;
  return Math.max(MIN_MS, expiresAt - now - LEAD_MS);
}
