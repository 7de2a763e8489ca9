import { type Queryable, sqlFile } from '@dispatch/db';
import { UserDto, type UserListQuery, type UserPage } from '@dispatch/protocol';
import { z } from 'zod';
import { pageAnswer, PageParams, pageParams, pageRow } from '../resources/paging';

const sql = sqlFile(new URL('./userPage.sql', import.meta.url), {
  page: { params: PageParams.extend({ role: z.string().nullable() }), row: pageRow(UserDto) },
});

/** A page of logins for the administrator's list: sorted, searched and cut in the database. */
export async function userPage(db: Queryable, query: z.output<typeof UserListQuery>): Promise<UserPage> {
  return pageAnswer(await sql.page.one(db, { ...pageParams(query), role: query.role ?? null }), query);
}
