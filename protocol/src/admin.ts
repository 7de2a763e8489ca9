import { z } from 'zod';
import { Role } from './domain';
import { UserDto } from './accounts';
import { CrewMemberDto, HospitalDto, StationDto, VehicleDto } from './resources';
import { text } from './validation';

/**
 * A page of a list, as the administrator's screens ask for it: sorted, filtered and cut on the server, with the
 * number of entries the filter matches. The plain lists (GET /api/stations…) stay whole for the dispatcher's
 * console and the tablet, which keep every entry in memory.
 */
type SortKey<S extends readonly string[]> = S[number] | `-${S[number]}`;

const listQuery = <const S extends readonly [string, ...string[]]>(sortable: S) => {
  const keys = sortable.flatMap((key) => [key, `-${key}`]) as [SortKey<S>, ...SortKey<S>[]];
  return z.object({
    /** 1 for the first page. */
    page: z.coerce.number().int().min(1).max(100_000).default(1),
    pageSize: z.coerce.number().int().min(1).max(200).default(25),
    /** A column, `-` first for descending. */
    sort: z.enum(keys).default(sortable[0] as never),
    /** Text each entry's names and codes are searched for (case-insensitive, anywhere in them). */
    q: text(100).trim().optional(),
  });
};

export const StationListQuery = listQuery(['code', 'name', 'kind']);
export const VehicleListQuery = listQuery(['callSign', 'kind', 'state', 'homeStation']).extend({
  homeStationId: z.uuid().optional(),
});
export const HospitalListQuery = listQuery(['code', 'name', 'kind', 'loadStatus']);
export const UserListQuery = listQuery(['username', 'displayName', 'role']).extend({ role: Role.optional() });
export const CrewMemberListQuery = listQuery(['name', 'crewRole']);

/** `{ items, total, page, pageSize }`: `total` entries match the filter, `items` are those of the page asked for. */
const pageOf = <T extends z.ZodType>(item: T) =>
  z.object({ items: z.array(item), total: z.number().int().min(0), page: z.number().int(), pageSize: z.number().int() });

export const StationPage = pageOf(StationDto);
export type StationPage = z.infer<typeof StationPage>;
export const VehiclePage = pageOf(VehicleDto);
export type VehiclePage = z.infer<typeof VehiclePage>;
export const HospitalPage = pageOf(HospitalDto);
export type HospitalPage = z.infer<typeof HospitalPage>;
export const UserPage = pageOf(UserDto);
export type UserPage = z.infer<typeof UserPage>;
export const CrewMemberPage = pageOf(CrewMemberDto);
export type CrewMemberPage = z.infer<typeof CrewMemberPage>;

/** What an administrator's change touched, for open lists to fetch their page again (no names: lists of logins are personal). */
export const ResourceKind = z.enum(['station', 'vehicle', 'hospital', 'user', 'crewMember', 'shift']);
export type ResourceKind = z.infer<typeof ResourceKind>;
export const ResourceChange = z.object({ kind: ResourceKind, id: z.uuid(), deleted: z.boolean() });
export type ResourceChange = z.infer<typeof ResourceChange>;
