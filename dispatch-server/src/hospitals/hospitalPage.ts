import { type Queryable, sqlFile } from '@dispatch/db';
import { HospitalDto, type HospitalListQuery, type HospitalPage } from '@dispatch/protocol';
import type { z } from 'zod';
import { pageAnswer, PageParams, pageParams, pageRow } from '../resources/paging';

const sql = sqlFile(new URL('./hospitalPage.sql', import.meta.url), { page: { params: PageParams, row: pageRow(HospitalDto) } });

/** A page of hospitals for the administrator's list: sorted, searched and cut in the database. */
export async function hospitalPage(db: Queryable, query: z.output<typeof HospitalListQuery>): Promise<HospitalPage> {
  return pageAnswer(await sql.page.one(db, pageParams(query)), query);
}
