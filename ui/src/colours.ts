import type { HospitalLoad } from '@dispatch/protocol';

/** Hospital load as fever clinics publish it. */
export const LOAD_COLOURS: Record<HospitalLoad, string> = { blue: '#2f7df6', yellow: '#f5c518', red: '#e5484d', closed: '#6b7280' };

export const PRIORITY_COLOURS: Record<1 | 2 | 3 | 4, string> = { 1: '#e5484d', 2: '#f97316', 3: '#eab308', 4: '#94a3b8' };

/** The colour a code stands for; grey for a code the table does not know (the DTOs carry some as plain strings). */
export const colourOf = (table: Record<string | number, string>, code: string | number): string => table[code] ?? '#6b7280';

/** Vehicle colour by state, and by task step when busy: the same on the map, the fleet board and the tablet. */
export function vehicleColour(state: string, taskStatus: string | null): string {
  if (state === 'available') return '#22c55e';
  if (state === 'returning') return '#06b6d4';
  if (state === 'out_of_service') return '#6b7280';
  switch (taskStatus) {
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
