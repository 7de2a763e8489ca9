/** 75 → "01:15", 3725 → "1:02:05"; negative values count as zero. */
export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.floor(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const rest = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${rest}` : `${String(m).padStart(2, '0')}:${rest}`;
}

/** Whole minutes for an ETA, at least 1 when not zero, so "0 min" never hides a real drive. */
export function etaMinutes(seconds: number): number {
  return seconds <= 0 ? 0 : Math.max(1, Math.round(seconds / 60));
}

export function km(metres: number): string {
  return (metres / 1000).toFixed(metres < 10_000 ? 1 : 0);
}

/** Seconds from an ISO instant to now. */
export function ageSeconds(iso: string, now: number): number {
  return (now - Date.parse(iso)) / 1000;
}

/**
 * Whether a position fix is stale: older than the server's POSITION_STALE_AFTER_S (from /api/config), so the
 * console flags exactly what the server's ranking treats as stale. No fix at all is stale too.
 */
export function isStale(deviceTime: string | null | undefined, now: number, staleAfterS: number): boolean {
  return !deviceTime || ageSeconds(deviceTime, now) > staleAfterS;
}
