import { z } from 'zod';

/** What every page statement (`-- name: page` in a domain's page .sql) takes besides its own filters. */
export const PageParams = z.object({ sort: z.string(), pattern: z.string().nullable(), offset: z.number().int(), limit: z.number().int() });

/** A page statement's one row: how many entries match, and those of the page in order. */
export const pageRow = <T extends z.ZodType>(item: T) => z.object({ total: z.number().int(), items: z.array(item) });

/**
 * The window and search pattern of a page query. The text is matched anywhere, case-insensitively (ILIKE), so
 * its own `%`, `_` and `\` are escaped: a search for "120_1" finds that call sign, not "120-1".
 */
export function pageParams(query: { page: number; pageSize: number; sort: string; q?: string | undefined }): z.infer<typeof PageParams> {
  const q = query.q?.trim();
  return {
    sort: query.sort,
    pattern: q ? `%${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%` : null,
    offset: (query.page - 1) * query.pageSize,
    limit: query.pageSize,
  };
}

/** The answer: the page asked for, with the total the filter matches (a page past the end is empty, total still right). */
export function pageAnswer<T>(row: { total: number; items: T[] } | undefined, query: { page: number; pageSize: number }) {
  return { items: row?.items ?? [], total: row?.total ?? 0, page: query.page, pageSize: query.pageSize };
}
