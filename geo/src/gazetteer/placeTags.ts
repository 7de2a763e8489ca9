import type { PlaceKind } from '@dispatch/protocol';

/**
 * Which named OSM objects become gazetteer places, and as what. The first rule that matches decides: a
 * hospital that is also a building is a hospital. Towns and districts are what results are located by
 * ("near 张兰镇"); the rest are what callers name: hospitals, stations, schools, markets, factories, landmarks.
 */
const RULES: [key: string, values: readonly string[], kind: PlaceKind][] = [
  ['place', ['city', 'town'], 'town'],
  ['place', ['suburb', 'borough', 'quarter', 'city_block'], 'district'],
  ['place', ['village', 'hamlet'], 'village'],
  ['place', ['neighbourhood', 'locality', 'isolated_dwelling', 'farm', 'square', 'islet'], 'locality'],
  ['amenity', ['hospital'], 'hospital'],
  ['healthcare', ['hospital'], 'hospital'],
  ['amenity', ['clinic', 'doctors'], 'clinic'],
  ['healthcare', ['clinic', 'centre'], 'clinic'],
  ['emergency', ['ambulance_station'], 'station'],
  ['amenity', ['fire_station'], 'fire_station'],
  ['amenity', ['police'], 'police'],
  ['amenity', ['school', 'kindergarten', 'college', 'university'], 'school'],
  ['amenity', ['marketplace'], 'market'],
  ['shop', ['mall', 'supermarket', 'department_store'], 'market'],
  ['man_made', ['works'], 'factory'],
  ['landuse', ['industrial'], 'factory'],
  ['amenity', ['townhall', 'courthouse'], 'government'],
  ['office', ['government'], 'government'],
  ['railway', ['station'], 'transport'],
  ['amenity', ['bus_station', 'ferry_terminal'], 'transport'],
  ['aeroway', ['aerodrome', 'terminal'], 'transport'],
  ['tourism', ['attraction', 'museum', 'theme_park', 'zoo', 'hotel'], 'landmark'],
  ['historic', ['monument', 'memorial', 'castle', 'archaeological_site', 'ruins', 'city_gate'], 'landmark'],
  ['leisure', ['park', 'stadium', 'sports_centre'], 'landmark'],
  ['amenity', ['place_of_worship', 'theatre', 'library', 'community_centre'], 'landmark'],
];

/** The `osmium tags-filter` expressions keeping every object a rule may take (nodes, ways and relations). */
export const OSM_PLACE_FILTERS: readonly string[] = [...new Set(RULES.map(([key]) => key))].map(
  (key) => `nwr/${key}=${[...new Set(RULES.filter(([k]) => k === key).flatMap(([, values]) => values))].join(',')}`,
);

/** The kind of place an OSM object is, or null when it is none (or has no name to be found by). */
export function placeKind(tags: Record<string, unknown>): PlaceKind | null {
  if (typeof tags.name !== 'string' || !tags.name.trim()) return null;
  for (const [key, values, kind] of RULES) if (values.includes(tags[key] as string)) return kind;
  return null;
}
