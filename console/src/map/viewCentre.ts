/**
 * The centre of the dispatcher's map view (WGS-84), for the gazetteer search to rank nearer places first among
 * equal matches. The map sets it as it moves; the intake reads it when it searches. One map per console.
 */
let centre: { lon: number; lat: number } | null = null;

export function setViewCentre(next: { lon: number; lat: number }): void {
  centre = next;
}

/** "LON,LAT" as the search's `near` parameter takes it, or undefined before the map has a view. */
export function viewCentreParam(): string | undefined {
  return centre ? `${centre.lon.toFixed(5)},${centre.lat.toFixed(5)}` : undefined;
}
