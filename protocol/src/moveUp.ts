import { z } from 'zod';
import { RouteDto } from './incidents';

/** A village outside the 30-minute circle now: of every free ambulance, of every health facility, or both. */
export const UncoveredVillageDto = z.object({
  id: z.string(),
  name: z.string(),
  lon: z.number(),
  lat: z.number(),
  /** No free ambulance reaches it within the target time by road. */
  byAmbulance: z.boolean(),
  /** No hospital or township health centre (with an emergency department) is within the target time. */
  byFacility: z.boolean(),
  /** People living there (the gazetteer's population); null when unknown (then weighed by the fallback). */
  population: z.number().int().nonnegative().nullable(),
});
export type UncoveredVillageDto = z.infer<typeof UncoveredVillageDto>;

/**
 * `GET /api/coverage/live` and the `coverage.updated` push: the 30-minute circle (30分钟就医圈) right now, from the
 * free ambulances' live positions (stale or missing ones at their post) over the road graph, recomputed a few
 * seconds after the fleet changes.
 */
export const LiveCoverageDto = z.object({
  /**
   * The centre the figure is of (its villages, its free ambulances and health facilities: issue 15), null for the
   * whole province (every village, ambulance and facility), which the province's logins get.
   */
  centreId: z.uuid().nullable(),
  region: z.string().nullable(),
  computedAt: z.string(),
  minutes: z.number(),
  villages: z.number(),
  freeVehicles: z.number(),
  /** Share of villages (0..1) a free ambulance reaches within the target time. */
  ambulanceShare: z.number(),
  /** Share of villages within the target time of a health facility. */
  facilityShare: z.number(),
  /**
   * The same two shares of the villages' population (0..1): each village weighs its population, one without
   * the median of the known ones (`populationFallback`), every village 1 when none is known (then they equal
   * the village shares).
   */
  ambulancePopulationShare: z.number(),
  facilityPopulationShare: z.number(),
  /** Villages whose population the gazetteer knows (of `villages`). */
  populationKnown: z.number().int().nonnegative(),
  /** The weight of a village without a population: the median of the known ones, or 1 when none is known. */
  populationFallback: z.number().nonnegative(),
  uncovered: z.array(UncoveredVillageDto),
});
export type LiveCoverageDto = z.infer<typeof LiveCoverageDto>;

/** One DMEXCLP move-up: which free vehicle should go to which station, and what that gains. */
export const MoveUpSuggestionDto = z.object({
  vehicleId: z.uuid(),
  callSign: z.string(),
  stationId: z.uuid(),
  stationName: z.string(),
  driveSeconds: z.number(),
  /** Share of villages a free ambulance reaches within the target time, before and after the move. */
  shareBefore: z.number(),
  shareAfter: z.number(),
  /** Share of the villages' population a free ambulance reaches, before and after (weights as in LiveCoverageDto). */
  populationShareBefore: z.number(),
  populationShareAfter: z.number(),
  /**
   * DMEXCLP's expected covered demand (people: villages weighed by population, see LiveCoverageDto), before and
   * after: what the move is chosen by.
   */
  expectedBefore: z.number(),
  expectedAfter: z.number(),
});
export type MoveUpSuggestionDto = z.infer<typeof MoveUpSuggestionDto>;

/** `GET /api/move-up/suggestions`: the best moves now (none when no move gains enough), with the method's inputs. */
export const MoveUpSuggestionsDto = z.object({
  method: z.literal('DMEXCLP'),
  /** The centre whose free vehicles, stations and villages the moves are planned on; null: the whole province's. */
  centreId: z.uuid().nullable(),
  /** Busy fraction q: the share of in-service vehicles busy now, within 0.05–0.9. */
  q: z.number(),
  minutes: z.number(),
  suggestions: z.array(MoveUpSuggestionDto),
});
export type MoveUpSuggestionsDto = z.infer<typeof MoveUpSuggestionsDto>;

export const RepositionState = z.enum(['offered', 'accepted', 'arrived', 'cancelled']);
export type RepositionState = z.infer<typeof RepositionState>;

/** A free vehicle sent to stand by at a station (move-up); it stays dispatchable while it drives there. */
export const RepositionDto = z.object({
  id: z.uuid(),
  vehicleId: z.uuid(),
  callSign: z.string(),
  stationId: z.uuid(),
  stationName: z.string(),
  stationNameEn: z.string().nullable(),
  stationLon: z.number(),
  stationLat: z.number(),
  state: RepositionState,
  createdAt: z.string(),
  updatedAt: z.string(),
  /** The route from where the vehicle was when it was sent; null when no road route was found. */
  route: RouteDto.nullable(),
});
export type RepositionDto = z.infer<typeof RepositionDto>;

/** `POST /api/vehicles/{id}/reposition`: send the vehicle to the station. */
export const SendRepositionRequest = z.object({ stationId: z.uuid() });
export type SendRepositionRequest = z.infer<typeof SendRepositionRequest>;

/** `POST /api/vehicles/{id}/reposition/status`: the crew accepts or arrives; a dispatcher may cancel. */
export const RepositionStatusRequest = z.object({ state: z.enum(['accepted', 'arrived', 'cancelled']) });
export type RepositionStatusRequest = z.infer<typeof RepositionStatusRequest>;
