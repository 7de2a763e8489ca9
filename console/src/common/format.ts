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

export const LOAD_COLOURS: Record<string, string> = {
  blue: '#2f7df6',
  yellow: '#f5c518',
  red: '#e5484d',
  closed: '#6b7280',
};

export const PRIORITY_COLOURS: Record<number, string> = { 1: '#e5484d', 2: '#f97316', 3: '#eab308', 4: '#94a3b8' };

/** Vehicle colour by state, and by task step when busy: the same on the map and on the board. */
export function vehicleColour(state: string, taskStatus: string | null): string {
  if (state === 'available') return '#22c55e';
  if (state === 'returning') return '#06b6d4';
  if (state === 'out_of_service') return '#6b7280';
  switch (taskStatus) {
    case 'dispatched':
    case 'acknowledged':
    case 'en_route':
      return '#f59e0b';
    case 'on_scene':
    case 'at_patient':
      return '#ef4444';
    case 'transporting':
      return '#a855f7';
    case 'at_hospital':
    case 'handover':
      return '#3b82f6';
    default:
      return '#f59e0b';
  }
}

/**
 * Whether a position fix is stale: older than the server's POSITION_STALE_AFTER_S (from /api/config), so the
 * console flags exactly what the server's ranking treats as stale. No fix at all is stale too.
 */
export function isStale(deviceTime: string | null | undefined, now: number, staleAfterS: number): boolean {
  return !deviceTime || ageSeconds(deviceTime, now) > staleAfterS;
}
