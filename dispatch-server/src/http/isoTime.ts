/** A database timestamp as ISO-8601 (UTC, with its Z offset), or null when the column is empty. */
export const isoOrNull = (value: unknown): string | null => (value instanceof Date ? value.toISOString() : null);
