import type { ClientConfigDto, RoadRegionDto } from '@dispatch/protocol';

/** What a screen gets from the signed-in frame. */
export interface SectionProps {
  config: ClientConfigDto;
  region: RoadRegionDto | null;
}
