import { type Queryable, sqlFile } from '@dispatch/db';
import { VehicleDto, type VehicleListQuery, type VehiclePage } from '@dispatch/protocol';
import { z } from 'zod';
import { pageAnswer, PageParams, pageParams, pageRow } from '../resources/paging';

const sql = sqlFile(new URL('./vehiclePage.sql', import.meta.url), {
  page: { params: PageParams.extend({ staleAfterSeconds: z.number(), homeStationId: z.string().nullable() }), row: pageRow(VehicleDto) },
});

/** A page of the fleet for the administrator's list: sorted, searched and cut in the database. */
export async function vehiclePage(db: Queryable, query: z.output<typeof VehicleListQuery>, staleAfterSeconds: number): Promise<VehiclePage> {
  const row = await sql.page.one(db, { ...pageParams(query), staleAfterSeconds, homeStationId: query.homeStationId ?? null });
  return pageAnswer(row, query);
}
