/** How OSM tags on a way become the attributes of its edges. */

export interface WayAttributes {
  highway: string;
  name: string | null;
  maxspeedKmh: number | null;
  /** Drivable from the first node towards the last. */
  forward: boolean;
  /** Drivable from the last node towards the first. */
  backward: boolean;
  tunnel: boolean;
  bridge: boolean;
}

const MPH = 1.609344;
const KNOT = 1.852;

/**
 * "50", "50 km/h", "30 mph", "10 knots" → km/h. Zone codes ("RU:urban", "DE:zone30"), "none", "walk",
 * "signals" and lists carry no number we can trust, so they give null and the class speed is used.
 */
export function parseMaxspeed(value: string | undefined): number | null {
  if (value === undefined) return null;
  const match = /^\s*(\d+(?:\.\d+)?)\s*(km\/h|kmh|kph|mph|knots)?\s*$/i.exec(value);
  if (!match) return null;
  const unit = match[2]?.toLowerCase();
  const kmh = Number(match[1]) * (unit === 'mph' ? MPH : unit === 'knots' ? KNOT : 1);
  // A 0 or a typo such as 500 would make an edge free or absurdly fast; the class speed is safer.
  return kmh >= 5 && kmh <= 150 ? Math.round(kmh * 100) / 100 : null;
}

/** Direction of travel along the way's node order, from oneway/junction/highway as OSM defines them. */
export function parseDirection(tags: Record<string, string>): { forward: boolean; backward: boolean } {
  const oneway = tags.oneway?.trim().toLowerCase();
  if (oneway === 'yes' || oneway === 'true' || oneway === '1') return { forward: true, backward: false };
  if (oneway === '-1' || oneway === 'reverse') return { forward: false, backward: true };
  if (oneway === 'no' || oneway === 'false' || oneway === '0') return { forward: true, backward: true };
  const junction = tags.junction;
  if (junction === 'roundabout' || junction === 'circular' || tags.highway === 'motorway') {
    return { forward: true, backward: false };
  }
  // Unknown values ("reversible", "alternating") are open in both directions at some time of day.
  return { forward: true, backward: true };
}

function flag(value: string | undefined): boolean {
  return value !== undefined && value !== 'no' && value !== 'false' && value !== '0';
}

export function wayAttributes(tags: Record<string, string>): WayAttributes {
  const name = tags.name?.trim() || tags.ref?.trim() || null;
  return {
    highway: tags.highway ?? 'road',
    name,
    maxspeedKmh: parseMaxspeed(tags.maxspeed),
    ...parseDirection(tags),
    tunnel: flag(tags.tunnel),
    bridge: flag(tags.bridge),
  };
}

/** OSM's access keys for a car, from the most general to the most specific: the most specific one given decides. */
const ACCESS_KEYS = ['access', 'vehicle', 'motor_vehicle', 'motorcar'] as const;
/**
 * Values that close a road to an ambulance. private and destination stay open: a gated residential compound's
 * gate is opened for the ambulance of a patient inside, and that patient is the destination.
 */
const CLOSED = new Set(['no', 'agricultural', 'forestry', 'use_sidepath']);

/**
 * The tag that closes a way to an ambulance ("motor_vehicle=no"), or null when it may drive it: the most specific
 * access key given decides, and emergency=yes (or designated) opens any road.
 */
export function closedToVehicles(tags: Record<string, string>): string | null {
  if (tags.emergency === 'yes' || tags.emergency === 'designated') return null;
  for (const key of [...ACCESS_KEYS].reverse()) {
    const value = tags[key]?.trim().toLowerCase();
    if (value === undefined || value === '') continue;
    return CLOSED.has(value) ? `${key}=${value}` : null;
  }
  return null;
}

/** Ways that carry a drivable class but are not lines to drive along. */
export function isRoadLine(tags: Record<string, string>): boolean {
  return tags.area !== 'yes';
}
