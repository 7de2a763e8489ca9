import { z } from 'zod';
import {
  HospitalCapability,
  HospitalKind,
  HospitalLoad,
  Lat,
  Lon,
  PointInput,
  StationKind,
  Timestamp,
  VehicleCapability,
  VehicleKind,
  VehicleState,
} from './domain';
import { LonLatParam } from './mapQueries';
import { text } from './validation';

/** What a station and a hospital are first named by. */
const Site = z.object({
  code: z.string().regex(/^[A-Za-z0-9_-]{1,32}$/, 'letters, digits, _ or -, at most 32'),
  name: text(200).trim().min(1),
  nameEn: text(200).nullish(),
});

export const StationInput = Site.extend({
  /** Its dispatch centre (issue 15); the default centre when absent. Its vehicles belong to it too. */
  centreId: z.uuid().optional(),
  kind: StationKind,
  address: text(300).nullish(),
  location: PointInput,
});
export const StationDto = StationInput.extend({ id: z.uuid(), centreId: z.uuid() });
export type StationDto = z.infer<typeof StationDto>;

export const VehicleInput = z.object({
  callSign: text(32).trim().min(1),
  kind: VehicleKind,
  capabilities: z.array(VehicleCapability).max(10),
  homeStationId: z.uuid(),
  inService: z.boolean().default(true),
  /** Why it is out of service (repair, inspection…); dropped when it is in service. */
  outOfServiceReason: text(200).trim().nullish(),
});
export const VehicleDto = VehicleInput.extend({
  id: z.uuid(),
  /** Its home station's centre (issue 15). */
  centreId: z.uuid(),
  deviceId: z.string().nullable(),
  state: VehicleState,
  stateChangedAt: z.string(),
  /** The task step of the live assignment, when busy. */
  taskStatus: z.string().nullable(),
  incidentId: z.uuid().nullable(),
  position: z
    .object({ lon: Lon, lat: Lat, deviceTime: z.string(), ageSeconds: z.number(), stale: z.boolean() })
    .nullable(),
});
export type VehicleDto = z.infer<typeof VehicleDto>;

export const HospitalInput = Site.extend({
  /** Its dispatch centre (issue 15); the default centre when absent. */
  centreId: z.uuid().optional(),
  kind: HospitalKind,
  capabilities: z.array(HospitalCapability).max(20),
  address: text(300).nullish(),
  phone: text(40).nullish(),
  location: PointInput,
});
export const HospitalDto = HospitalInput.extend({
  id: z.uuid(),
  centreId: z.uuid(),
  loadStatus: HospitalLoad,
  loadStatusSetAt: z.string(),
  loadStatusSetBy: z.string().nullable(),
});
export type HospitalDto = z.infer<typeof HospitalDto>;

export const HospitalLoadInput = z.object({ loadStatus: HospitalLoad, note: text(500).optional() });

/** A crew member's post on the vehicle. */
export const CrewRole = z.enum(['doctor', 'nurse', 'driver', 'stretcher_bearer']);
export type CrewRole = z.infer<typeof CrewRole>;

export const CrewMemberInput = z.object({
  name: text(100).trim().min(1),
  crewRole: CrewRole,
  phone: text(40).nullish(),
  stationId: z.uuid().nullish(),
});
export const CrewMemberDto = CrewMemberInput.extend({ id: z.uuid() });
export type CrewMemberDto = z.infer<typeof CrewMemberDto>;

export const ShiftInput = z
  .object({
    vehicleId: z.uuid(),
    startsAt: Timestamp,
    endsAt: Timestamp,
    memberIds: z.array(z.uuid()).max(8),
  })
  .refine((s) => Date.parse(s.endsAt) > Date.parse(s.startsAt), { message: 'endsAt must be after startsAt', path: ['endsAt'] });
/** Shifts at an instant, or overlapping from…to (a roster's week), or without either those not over yet. */
export const ShiftQuery = z.object({
  at: Timestamp.optional(),
  from: Timestamp.optional(),
  to: Timestamp.optional(),
  vehicleId: z.uuid().optional(),
});
export const ShiftDto = z.object({
  id: z.uuid(),
  vehicleId: z.uuid(),
  startsAt: z.string(),
  endsAt: z.string(),
  memberIds: z.array(z.uuid()),
});
export type ShiftDto = z.infer<typeof ShiftDto>;

/** What a gazetteer place is: towns and districts locate the rest ("near 张兰镇"); the rest is what callers name. */
export const PlaceKind = z.enum([
  'town', 'district', 'village', 'locality', 'street', 'hospital', 'clinic', 'station', 'fire_station', 'police',
  'school', 'market', 'factory', 'government', 'transport', 'landmark',
]);
export type PlaceKind = z.infer<typeof PlaceKind>;

/** How a typed text matched a place: which of its names, and how much of it. */
export const PlaceMatchDto = z.object({
  /** The Chinese name, the English (Latin) name, the toneless pinyin of the name or its initials ("zl" for 张兰). */
  field: z.enum(['name', 'nameEn', 'pinyin', 'initials']),
  /** The whole of it, its start, inside it, or only alike by pg_trgm similarity. */
  quality: z.enum(['exact', 'prefix', 'contains', 'similar']),
});
export type PlaceMatchDto = z.infer<typeof PlaceMatchDto>;

export const PlaceDto = z.object({
  id: z.uuid(),
  name: z.string(),
  nameEn: z.string().nullable(),
  kind: PlaceKind,
  /** The place's point (for a street: the point of its line nearest the line's centre). */
  lon: Lon,
  lat: Lat,
  synthetic: z.boolean(),
  /** The town or district it lies in or nearest to (within 15 km), to tell like-named places apart; null for towns themselves. */
  town: z.object({ name: z.string(), nameEn: z.string().nullable() }).nullable(),
  /** How the search text matched it; null where no text was searched (a map click). */
  match: PlaceMatchDto.nullable(),
  /** Metres from the view centre the search was sent with (or from the clicked point); null without one. */
  distanceM: z.number().nullable(),
  /** Call intake would take this place for the typed text without asking (the one exact name, or the one sure prefix). */
  sure: z.boolean(),
});
export type PlaceDto = z.infer<typeof PlaceDto>;

export const PlaceQuery = z.object({
  q: text(100).trim().min(1),
  limit: z.coerce.number().int().min(1).max(50).default(10),
  /** The centre of the caller's map view: among equal matches, nearer places come first. */
  near: LonLatParam.optional(),
});

/** A place a typed name may mean: the 422 of a call intake whose placeName is not a sure match lists these. */
export const PlaceCandidateDto = PlaceDto.extend({
  /** 1 for an exact name, else the pg_trgm similarity of the names (0 to 1). */
  score: z.number(),
});
export type PlaceCandidateDto = z.infer<typeof PlaceCandidateDto>;

export const ReverseGeocodeQuery = z.object({ at: LonLatParam });

/** A place near a clicked point: where it comes closest to the point, and how far that is. */
export const NearbyPlaceDto = PlaceDto.extend({ closest: z.object({ lon: Lon, lat: Lat }) });
export type NearbyPlaceDto = z.infer<typeof NearbyPlaceDto>;

/** What a map click is near: the nearest place (not a street) and the nearest named road, each within 5 km. */
export const ReverseGeocodeDto = z.object({
  at: z.object({ lon: Lon, lat: Lat }),
  place: NearbyPlaceDto.nullable(),
  road: NearbyPlaceDto.nullable(),
  /** The town or district the point lies in or nearest to (within 15 km). */
  town: z.object({ name: z.string(), nameEn: z.string().nullable() }).nullable(),
});
export type ReverseGeocodeDto = z.infer<typeof ReverseGeocodeDto>;
