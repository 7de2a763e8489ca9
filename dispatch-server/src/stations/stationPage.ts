import { type Queryable, sqlFile } from '@dispatch/db';
import { StationDto, type StationListQuery, type StationPage } from '@dispatch/protocol';
import type { z } from 'zod';
import { pageAnswer, PageParams, pageParams, pageRow } from '../resources/paging';

const sql = sqlFile(new URL('./stationPage.sql', import.meta.url), { page: { params: PageParams, row: pageRow(StationDto) } });

/** A page of stations for the administrator's list: sorted, searched and cut in the database. */
export async function stationPage(db: Queryable, query: z.output<typeof StationListQuery>): Promise<StationPage> {
  return pageAnswer(await sql.page.one(db, pageParams(query)), query);
}
