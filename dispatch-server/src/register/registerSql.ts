import { sqlFile } from '@dispatch/db';
import { z } from 'zod';

const nullable = z.string().nullable();
/** The centres an incident is of: its own and those whose vehicles help on it (the policy's resource, issue 15). */
const centres = z.array(z.string());
const resident = z.object({
  id: z.string(), name: z.string(), birth_date: nullable, groups: z.array(z.string()), flags: z.array(z.string()), team_name: nullable, team_phone: nullable,
});

export const registerSql = sqlFile(new URL('./register.sql', import.meta.url), {
  upsert: {
    params: z.object({
      recordId: z.string(), source: z.enum(['csv', 'fhir', 'demo']), name: z.string(), birthDate: nullable, phone: nullable, address: nullable,
      groups: z.array(z.string()), flags: z.array(z.string()), teamName: nullable, teamPhone: nullable,
    }),
    row: z.object({ id: z.string(), inserted: z.boolean() }),
  },
  match: { params: z.object({ phone: nullable, address: nullable }), row: resident.extend({ matched_by: z.array(z.string()) }) },
  link: { params: z.object({ incidentId: z.string(), residentId: z.string(), matchedBy: z.array(z.string()) }) },
  linked: { params: z.object({ incidentId: z.string() }), row: resident.extend({ matched_by: z.array(z.string()) }) },
  incidentExists: { params: z.object({ id: z.string() }), row: z.object({ id: z.string(), centres }) },
  assignmentIncident: { params: z.object({ id: z.string() }), row: z.object({ incident_id: z.string(), vehicle_id: z.string(), centres }) },
  noticeIncident: { params: z.object({ id: z.string() }), row: z.object({ incident_id: z.string(), hospital_id: z.string(), centres }) },
  page: {
    params: z.object({
      sort: z.string(), pattern: nullable, digits: nullable, flag: nullable, offset: z.number().int(), limit: z.number().int(),
    }),
    row: z.object({
      total: z.number().int(),
      items: z.array(resident.extend({ record_id: z.string(), source: z.string(), phone: nullable, address: nullable, updated_at: z.string() })),
    }),
  },
  followUps: {
    params: z.object({ status: nullable, limit: z.number().int(), centreId: nullable }),
    row: z.object({
      id: z.string(), status: z.string(), incident_id: z.string(), number: z.union([z.string(), z.number()]), closed_at: z.date().nullable(), category: z.string(),
      created_at: z.date(), sent_at: z.date().nullable(), resident_id: z.string(), record_id: z.string(), name: z.string(), team_name: nullable, team_phone: nullable,
    }),
  },
  markSent: { params: z.object({ ids: z.array(z.string()), userId: nullable }), row: z.object({ id: z.string() }) },
  known: { params: z.object({ ids: z.array(z.string()) }), row: z.object({ id: z.string(), centres }) },
});
