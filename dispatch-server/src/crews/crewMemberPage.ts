import { type Queryable, sqlFile } from '@dispatch/db';
import { CrewMemberDto, type CrewMemberListQuery, type CrewMemberPage } from '@dispatch/protocol';
import type { z } from 'zod';
import { pageAnswer, PageParams, pageParams, pageRow } from '../resources/paging';

const sql = sqlFile(new URL('./crewMemberPage.sql', import.meta.url), { page: { params: PageParams, row: pageRow(CrewMemberDto) } });

/** A page of crew members for the roster: sorted, searched and cut in the database. */
export async function crewMemberPage(db: Queryable, query: z.output<typeof CrewMemberListQuery>): Promise<CrewMemberPage> {
  return pageAnswer(await sql.page.one(db, pageParams(query)), query);
}
