import type { DbClient, Queryable } from '@dispatch/db';
import {
  BULK_COLUMNS,
  CENTRE_ROLES,
  DEFAULT_CENTRE_ID,
  PROVINCE_CELLS,
  type BulkErrorCode,
  type BulkKind,
  type BulkRowError,
  CrewMemberInput,
  type HospitalDto,
  HospitalInput,
  ShiftInput,
  type StationDto,
  StationInput,
  UserInput,
  type VehicleDto,
  VehicleInput,
} from '@dispatch/protocol';
import type { z } from 'zod';
import type { Actor } from '../audit/audit';
import { listCentres } from '../centres/centres';
import { createCrewMember, createShift, listCrewMembers, listShifts } from '../crews/crews';
import { createHospital, listHospitals, updateHospital } from '../hospitals/hospitals';
import { createStation, listStations, updateStation } from '../stations/stations';
import { createUserWithTemporaryPassword, listUsers } from '../users/users';
import { createVehicle, listVehicles, updateVehicle } from '../vehicles/vehicles';

/** One row of a file by column key (BULK_COLUMNS), every cell as trimmed text. */
export type BulkRecord = Record<string, string>;

/** What an import needs to know of the stored data: lookups by natural key, loaded once per file. */
export interface Lookups {
  stations: Map<string, { id: string }>;
  stationCodes: Map<string, string>;
  vehicles: Map<string, { id: string }>;
  vehicleCallSigns: Map<string, string>;
  hospitals: Map<string, { id: string }>;
  hospitalCodes: Map<string, string>;
  membersByName: Map<string, { id: string; phone?: string | null }[]>;
  memberNames: Map<string, string>;
  /** Centres by code and by id (issue 15). */
  centres: Map<string, { id: string }>;
  centreCodes: Map<string, string>;
}

/** What a stored row became, to push to the consoles once committed; a login's one-time password, to show once. */
export type Changed =
  | { kind: 'station'; dto: StationDto }
  /** previousCentreId: the centre it was of before this change (its board is told when the vehicle leaves it). */
  | { kind: 'vehicle'; dto: VehicleDto; previousCentreId?: string }
  | { kind: 'hospital'; dto: HospitalDto }
  | { kind: 'user' | 'crewMember' | 'shift'; dto: { id: string }; temporaryPassword?: { username: string; temporaryPassword: string } };

/** A row turned into a command's input, or the errors that stop it. */
export type Parsed<I> = { input: I; errors: [] } | { input: null; errors: Omit<BulkRowError, 'row'>[] };

/** What one kind of file does; each create and update goes through the domain's own command. */
export interface KindSpec<I, E> {
  /** The stored rows by natural key. */
  existing(db: Queryable, lookups: Lookups, staleAfterSeconds: number): Promise<Map<string, E>>;
  key(record: BulkRecord): string;
  parse(record: BulkRecord, lookups: Lookups): Parsed<I>;
  /** Whether the stored row already says what the file says. */
  same(stored: E, input: I): boolean;
  create(client: DbClient, actor: Actor, input: I, staleAfterSeconds: number): Promise<Changed>;
  /** Absent where the domain has no update command: a differing row is then an `exists` error. */
  update?(client: DbClient, actor: Actor, stored: E, input: I, staleAfterSeconds: number): Promise<Changed>;
  /** The stored rows as the file's records, in key order. */
  exportRecords(db: Queryable, lookups: Lookups, staleAfterSeconds: number): Promise<BulkRecord[]>;
}

export async function loadLookups(db: Queryable, staleAfterSeconds: number): Promise<Lookups> {
  // One after the other: inside the import's transaction they share one client.
  const stations = await listStations(db);
  const vehicles = await listVehicles(db, staleAfterSeconds);
  const hospitals = await listHospitals(db);
  const members = await listCrewMembers(db);
  const centres = await listCentres(db);
  const membersByName = new Map<string, { id: string; phone?: string | null }[]>();
  for (const m of members) membersByName.set(m.name, [...(membersByName.get(m.name) ?? []), m]);
  return {
    stations: new Map(stations.map((s) => [s.code, s])),
    stationCodes: new Map(stations.map((s) => [s.id, s.code])),
    vehicles: new Map(vehicles.map((v) => [v.callSign, v])),
    vehicleCallSigns: new Map(vehicles.map((v) => [v.id, v.callSign])),
    hospitals: new Map(hospitals.map((h) => [h.code, h])),
    hospitalCodes: new Map(hospitals.map((h) => [h.id, h.code])),
    membersByName,
    memberNames: new Map(members.map((m) => [m.id, m.name])),
    centres: new Map(centres.flatMap((c) => [[c.code, c], [c.id, c]] as const)),
    centreCodes: new Map(centres.map((c) => [c.id, c.code])),
  };
}

// ---- cells → values

const LIST_SEPARATORS = /[;；,，、\s]+/;
const list = (cell: string | undefined) => (cell ?? '').split(LIST_SEPARATORS).filter(Boolean);
const optional = (cell: string | undefined) => (cell ? cell : null);
/** A number as written; anything else is left for the schema to refuse (a NaN is "expected number"). */
const number = (cell: string | undefined) => (cell ? (/^[+-]?\d+(\.\d+)?$/.test(cell) ? Number(cell) : Number.NaN) : undefined);
const YES = new Set(['是', 'y', 'yes', 'true', '1', '在用']);
const NO = new Set(['否', 'n', 'no', 'false', '0', '停用']);
/** 是/否 (yes/no, true/false, 1/0); empty is the default. */
function boolean(cell: string | undefined, fallback: boolean): boolean | string {
  if (!cell) return fallback;
  const v = cell.toLowerCase();
  return YES.has(v) ? true : NO.has(v) ? false : cell;
}
/** An instant with its offset, or a local "2026-12-03 08:00" taken in the server's time zone. */
function instant(cell: string | undefined): string | undefined {
  if (!cell) return undefined;
  const local = /^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}(:\d{2})?)$/.exec(cell);
  if (!local) return cell;
  const date = new Date(`${local[1]}T${local[2]}`);
  return Number.isNaN(date.getTime()) ? cell : date.toISOString();
}

// ---- schema issues → row errors

/** The file's column an input field comes from. */
const COLUMN_OF: Record<string, string> = {
  location: 'lon', homeStationId: 'homeStation', vehicleId: 'vehicle', hospitalId: 'hospital', stationId: 'station', memberIds: 'members',
  centreId: 'centre',
};

function codeOf(issue: z.core.$ZodIssue): BulkErrorCode {
  switch (issue.code) {
    case 'invalid_value':
      return 'notInList';
    case 'too_big':
      return issue.origin === 'string' ? 'tooLong' : 'outOfRange';
    case 'too_small':
      return issue.origin === 'string' || issue.origin === 'array' ? 'required' : 'outOfRange';
    case 'invalid_format':
      return 'badFormat';
    case 'invalid_type':
      return /received undefined|received null/.test(issue.message) ? 'required' : 'badFormat';
    default:
      return 'invalid';
  }
}

/** Parses with the domain's input schema; each issue becomes an error naming the file's column. */
function check<S extends z.ZodType>(schema: S, value: unknown, columns: readonly string[], extra: Omit<BulkRowError, 'row'>[] = []): Parsed<z.output<S>> {
  const result = schema.safeParse(value);
  const errors = [...extra];
  if (!result.success) {
    for (const issue of result.error.issues) {
      const [first, second] = issue.path.map(String);
      let column = first ? (COLUMN_OF[first] ?? first) : null;
      if (first === 'location') column = second === 'lat' ? 'lat' : 'lon';
      // An error on a column whose reference already failed (an unknown station) says nothing more.
      if (extra.some((e) => e.column === column)) continue;
      errors.push({ column: column && columns.includes(column) ? column : null, code: codeOf(issue), message: `${issue.path.join('.') || 'row'}: ${issue.message}` });
    }
  }
  return errors.length === 0 && result.success ? { input: result.data, errors: [] } : { input: null, errors };
}

/** A reference by code, call sign or name: the id, or an error on that column. */
function resolve(map: Map<string, { id: string }>, cell: string | undefined, column: string, code: BulkErrorCode, errors: Omit<BulkRowError, 'row'>[]): string | undefined {
  if (!cell) return undefined;
  const found = map.get(cell);
  if (!found) errors.push({ column, code, message: `${column}: ${JSON.stringify(cell)} is not known` });
  return found?.id;
}

/**
 * A station's or hospital's centre cell: the centre's id, or undefined for an empty cell or no such column (a new row
 * is then the default centre's, a stored one keeps its own).
 */
const centreOf = (lookups: Lookups, cell: string | undefined, errors: Omit<BulkRowError, 'row'>[]) => resolve(lookups.centres, cell, 'centre', 'unknownCentre', errors);

/** A login's centre cell: a dispatcher or supervisor is the default centre's unless it names another, or 全省 / province. */
function loginCentreOf(lookups: Lookups, role: string | undefined, cell: string | undefined, errors: Omit<BulkRowError, 'row'>[]): string | null | undefined {
  const province = !!cell && PROVINCE_CELLS.includes(cell.toLowerCase());
  if (!CENTRE_ROLES.has(role as never)) {
    if (province) errors.push({ column: 'centre', code: 'invalid', message: 'centreId: only a dispatcher or supervisor login works in one centre, or in every centre' });
    return province ? null : (resolve(lookups.centres, cell, 'centre', 'unknownCentre', errors) ?? null);
  }
  return province ? null : (resolve(lookups.centres, cell, 'centre', 'unknownCentre', errors) ?? (cell ? undefined : DEFAULT_CENTRE_ID));
}

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);
const sorted = (values: readonly string[]) => [...values].sort();
const byKey = <T>(rows: T[], key: (row: T) => string) => rows.sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
/** The keys of a kind's columns. */
const COLUMNS = Object.fromEntries(Object.entries(BULK_COLUMNS).map(([kind, columns]) => [kind, columns.map((c) => c.key)])) as Record<BulkKind, string[]>;

// ---- the kinds

type StationIn = z.output<typeof StationInput>;
type StationOut = Awaited<ReturnType<typeof listStations>>[number];
const stations: KindSpec<StationIn, StationOut> = {
  async existing(db) {
    return new Map((await listStations(db)).map((s) => [s.code, s]));
  },
  key: (r) => r.code ?? '',
  parse(r, lookups) {
    const errors: Omit<BulkRowError, 'row'>[] = [];
    const centreId = centreOf(lookups, r.centre, errors);
    const input = { code: r.code, name: r.name, nameEn: optional(r.nameEn), centreId, kind: r.kind, address: optional(r.address), location: { lon: number(r.lon), lat: number(r.lat) } };
    return check(StationInput, input, COLUMNS.stations, errors);
  },
  same: (s, i) =>
    same([s.name, s.nameEn ?? null, i.centreId ?? s.centreId, s.kind, s.address ?? null, s.location.lon, s.location.lat], [i.name, i.nameEn ?? null, s.centreId, i.kind, i.address ?? null, i.location.lon, i.location.lat]),
  create: async (client, actor, input) => ({ kind: 'station', dto: await createStation(client, actor, input) }),
  update: async (client, actor, stored, input) => ({ kind: 'station', dto: await updateStation(client, actor, stored.id, input) }),
  async exportRecords(db, lookups) {
    return byKey(await listStations(db), (s) => s.code).map((s) => ({
      code: s.code, name: s.name, nameEn: s.nameEn ?? '', kind: s.kind, address: s.address ?? '', lon: String(s.location.lon), lat: String(s.location.lat),
      centre: lookups.centreCodes.get(s.centreId) ?? '',
    }));
  },
};

type VehicleIn = z.output<typeof VehicleInput>;
type VehicleOut = Awaited<ReturnType<typeof listVehicles>>[number];
const vehicles: KindSpec<VehicleIn, VehicleOut> = {
  async existing(db, _lookups, stale) {
    return new Map((await listVehicles(db, stale)).map((v) => [v.callSign, v]));
  },
  key: (r) => r.callSign ?? '',
  parse(r, lookups) {
    const errors: Omit<BulkRowError, 'row'>[] = [];
    const homeStationId = resolve(lookups.stations, r.homeStation, 'homeStation', 'unknownStation', errors);
    const input = { callSign: r.callSign, kind: r.kind, capabilities: list(r.capabilities), homeStationId, inService: boolean(r.inService, true) };
    return check(VehicleInput, input, COLUMNS.vehicles, errors);
  },
  same: (v, i) => same([v.kind, sorted(v.capabilities), v.homeStationId, v.inService], [i.kind, sorted(i.capabilities), i.homeStationId, i.inService]),
  create: async (client, actor, input, stale) => ({ kind: 'vehicle', dto: await createVehicle(client, actor, input, stale) }),
  update: async (client, actor, stored, input, stale) => ({ kind: 'vehicle', dto: await updateVehicle(client, actor, stored.id, input, stale), previousCentreId: stored.centreId }),
  async exportRecords(db, lookups, stale) {
    return byKey(await listVehicles(db, stale), (v) => v.callSign).map((v) => ({
      callSign: v.callSign, kind: v.kind, capabilities: v.capabilities.join(';'), homeStation: lookups.stationCodes.get(v.homeStationId) ?? '', inService: String(v.inService),
    }));
  },
};

type HospitalIn = z.output<typeof HospitalInput>;
type HospitalOut = Awaited<ReturnType<typeof listHospitals>>[number];
const hospitals: KindSpec<HospitalIn, HospitalOut> = {
  async existing(db) {
    return new Map((await listHospitals(db)).map((h) => [h.code, h]));
  },
  key: (r) => r.code ?? '',
  parse(r, lookups) {
    const errors: Omit<BulkRowError, 'row'>[] = [];
    const centreId = centreOf(lookups, r.centre, errors);
    return check(
      HospitalInput,
      {
        code: r.code, name: r.name, nameEn: optional(r.nameEn), centreId, kind: r.kind, capabilities: list(r.capabilities), address: optional(r.address),
        phone: optional(r.phone), location: { lon: number(r.lon), lat: number(r.lat) },
      },
      COLUMNS.hospitals,
      errors,
    );
  },
  same: (h, i) =>
    same(
      [h.name, h.nameEn ?? null, i.centreId ?? h.centreId, h.kind, sorted(h.capabilities), h.address ?? null, h.phone ?? null, h.location.lon, h.location.lat],
      [i.name, i.nameEn ?? null, h.centreId, i.kind, sorted(i.capabilities), i.address ?? null, i.phone ?? null, i.location.lon, i.location.lat],
    ),
  create: async (client, actor, input) => ({ kind: 'hospital', dto: await createHospital(client, actor, input) }),
  update: async (client, actor, stored, input) => ({ kind: 'hospital', dto: await updateHospital(client, actor, stored.id, input) }),
  async exportRecords(db, lookups) {
    return byKey(await listHospitals(db), (h) => h.code).map((h) => ({
      code: h.code, name: h.name, nameEn: h.nameEn ?? '', kind: h.kind, capabilities: h.capabilities.join(';'), address: h.address ?? '',
      phone: h.phone ?? '', lon: String(h.location.lon), lat: String(h.location.lat), centre: lookups.centreCodes.get(h.centreId) ?? '',
    }));
  },
};

/** Checked with the login schema and a stand-in password: the real one is generated at creation. */
const PASSWORD_STAND_IN = 'generated-at-creation';
type UserIn = Omit<z.output<typeof UserInput>, 'password'>;
type UserOut = Awaited<ReturnType<typeof listUsers>>[number];
const users: KindSpec<UserIn, UserOut> = {
  async existing(db) {
    return new Map((await listUsers(db)).map((u) => [u.username, u]));
  },
  key: (r) => r.username ?? '',
  parse(r, lookups) {
    const errors: Omit<BulkRowError, 'row'>[] = [];
    const vehicleId = resolve(lookups.vehicles, r.vehicle, 'vehicle', 'unknownVehicle', errors) ?? null;
    const hospitalId = resolve(lookups.hospitals, r.hospital, 'hospital', 'unknownHospital', errors) ?? null;
    const centreId = loginCentreOf(lookups, r.role, r.centre, errors);
    const login = { username: r.username, displayName: r.displayName, role: r.role, vehicleId, hospitalId, centreId, password: PASSWORD_STAND_IN };
    const parsed = check(UserInput, login, COLUMNS.users, errors);
    if (!parsed.input) return parsed;
    const { password: _password, ...input } = parsed.input;
    return { input, errors: [] };
  },
  same: (u, i) => same([u.displayName, u.role, u.vehicleId, u.hospitalId, u.centreId], [i.displayName, i.role, i.vehicleId ?? null, i.hospitalId ?? null, i.centreId ?? null]),
  async create(client, actor, input) {
    const { user, temporaryPassword } = await createUserWithTemporaryPassword(client, actor, input);
    return { kind: 'user', dto: user, temporaryPassword: { username: user.username, temporaryPassword } };
  },
  async exportRecords(db, lookups) {
    return byKey(await listUsers(db), (u) => u.username).map((u) => ({
      username: u.username, displayName: u.displayName, role: u.role,
      vehicle: u.vehicleId ? (lookups.vehicleCallSigns.get(u.vehicleId) ?? '') : '', hospital: u.hospitalId ? (lookups.hospitalCodes.get(u.hospitalId) ?? '') : '',
      centre: !CENTRE_ROLES.has(u.role) ? '' : u.centreId ? (lookups.centreCodes.get(u.centreId) ?? '') : PROVINCE_CELLS[0]!,
    }));
  },
};

type MemberIn = z.output<typeof CrewMemberInput>;
type MemberOut = Awaited<ReturnType<typeof listCrewMembers>>[number];
/** A crew member has no code: the name with the phone tells two of one name apart. */
const memberKey = (name: string, phone: string | null | undefined) => (phone ? `${name}/${phone}` : name);
const crewMembers: KindSpec<MemberIn, MemberOut> = {
  async existing(db) {
    return new Map((await listCrewMembers(db)).map((m) => [memberKey(m.name, m.phone), m]));
  },
  key: (r) => memberKey(r.name ?? '', r.phone),
  parse(r, lookups) {
    const errors: Omit<BulkRowError, 'row'>[] = [];
    const stationId = resolve(lookups.stations, r.station, 'station', 'unknownStation', errors) ?? null;
    return check(CrewMemberInput, { name: r.name, crewRole: r.crewRole, phone: optional(r.phone), stationId }, COLUMNS.crewMembers, errors);
  },
  same: (m, i) => same([m.crewRole, m.stationId ?? null], [i.crewRole, i.stationId ?? null]),
  create: async (client, actor, input) => ({ kind: 'crewMember', dto: await createCrewMember(client, actor, input) }),
  async exportRecords(db, lookups) {
    return byKey(await listCrewMembers(db), (m) => memberKey(m.name, m.phone)).map((m) => ({
      name: m.name, crewRole: m.crewRole, phone: m.phone ?? '', station: m.stationId ? (lookups.stationCodes.get(m.stationId) ?? '') : '',
    }));
  },
};

/** A member as a shift's file names it: the name, with the phone when another member has that name. */
function memberReference(lookups: Lookups, id: string): string {
  const name = lookups.memberNames.get(id) ?? '';
  const namesakes = lookups.membersByName.get(name) ?? [];
  const phone = namesakes.find((m) => m.id === id)?.phone;
  return namesakes.length > 1 && phone ? `${name}/${phone}` : name;
}

type ShiftIn = z.output<typeof ShiftInput>;
type ShiftOut = Awaited<ReturnType<typeof listShifts>>[number];
const shiftKey = (vehicle: string, startsAt: string | undefined) => {
  const at = startsAt ? Date.parse(startsAt) : Number.NaN;
  return `${vehicle}@${Number.isNaN(at) ? (startsAt ?? '') : new Date(at).toISOString()}`;
};
const shifts: KindSpec<ShiftIn, ShiftOut> = {
  async existing(db, lookups) {
    return new Map((await listShifts(db)).map((s) => [shiftKey(lookups.vehicleCallSigns.get(s.vehicleId) ?? s.vehicleId, s.startsAt), s]));
  },
  key: (r) => shiftKey(r.vehicle ?? '', instant(r.startsAt)),
  parse(r, lookups) {
    const errors: Omit<BulkRowError, 'row'>[] = [];
    const vehicleId = resolve(lookups.vehicles, r.vehicle, 'vehicle', 'unknownVehicle', errors);
    const memberIds: string[] = [];
    for (const name of list(r.members)) {
      const [plain, phone] = name.split('/');
      const found = (lookups.membersByName.get(plain!) ?? []).filter((m) => !phone || m.phone === phone);
      if (found.length === 1) memberIds.push(found[0]!.id);
      else if (found.length === 0) errors.push({ column: 'members', code: 'unknownMember', message: `members: no crew member ${JSON.stringify(name)}` });
      else errors.push({ column: 'members', code: 'ambiguousMember', message: `members: ${found.length} crew members are named ${JSON.stringify(plain)}: write 姓名/电话` });
    }
    return check(ShiftInput, { vehicleId, startsAt: instant(r.startsAt), endsAt: instant(r.endsAt), memberIds }, COLUMNS.shifts, errors);
  },
  same: (s, i) => Date.parse(s.endsAt) === Date.parse(i.endsAt) && same(sorted(s.memberIds), sorted(i.memberIds)),
  create: async (client, actor, input) => ({ kind: 'shift', dto: await createShift(client, actor, input) }),
  async exportRecords(db, lookups) {
    const rows = (await listShifts(db)).map((s) => ({
      vehicle: lookups.vehicleCallSigns.get(s.vehicleId) ?? '',
      startsAt: new Date(s.startsAt).toISOString(),
      endsAt: new Date(s.endsAt).toISOString(),
      members: s.memberIds.map((id) => memberReference(lookups, id)).join(';'),
    }));
    return byKey(rows, (r) => `${r.vehicle}@${r.startsAt}`);
  },
};

export const KINDS: Record<BulkKind, KindSpec<unknown, unknown>> = {
  stations, vehicles, hospitals, users, crewMembers, shifts,
} as unknown as Record<BulkKind, KindSpec<unknown, unknown>>;
