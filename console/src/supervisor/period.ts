/** The browser's IANA time zone: the reports' days, weeks and months start at its midnight. */
export const browserTimeZone = () => Intl.DateTimeFormat().resolvedOptions().timeZone || 'Asia/Shanghai';

/** Local midnight today. */
export function startOfToday(now = new Date()): Date {
  return new Date(now.getFullYear(), now.getMonth(), now.getDate());
}

/** A day as a date input shows it (YYYY-MM-DD, local). */
export function dayInput(date: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
}

/** The instant a local day starts; `after` days later (1: the end of a day given as the last one included). */
export function dayStart(day: string, after = 0): Date {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  return new Date(y, m - 1, d + after);
}

/** A day `days` before today (local). */
export function daysAgo(days: number): string {
  const today = startOfToday();
  return dayInput(new Date(today.getFullYear(), today.getMonth(), today.getDate() - days));
}

/** A local date-time input's value (YYYY-MM-DDTHH:mm) as an instant, or undefined when empty or invalid. */
export function instantOf(value: string): string | undefined {
  if (!value) return undefined;
  const at = new Date(value);
  return Number.isNaN(at.getTime()) ? undefined : at.toISOString();
}
