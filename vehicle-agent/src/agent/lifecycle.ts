import type { OrderedTaskStatus } from '@dispatch/protocol';

export type TaskStep = OrderedTaskStatus;

/**
 * The steps a crew may report next from `status`: the next one in order first, then the shortcut a crew really
 * takes (no transport: the patient was treated on scene or refused, so the vehicle is back in service).
 */
export function nextSteps(status: string | null): TaskStep[] {
  switch (status) {
    case 'dispatched':
      return ['acknowledged'];
    case 'acknowledged':
      return ['en_route'];
    case 'en_route':
      return ['on_scene'];
    case 'on_scene':
      return ['at_patient', 'back_in_service'];
    case 'at_patient':
      return ['transporting', 'back_in_service'];
    case 'transporting':
      return ['at_hospital'];
    case 'at_hospital':
      return ['handover'];
    case 'handover':
      return ['back_in_service'];
    case 'back_in_service':
      return ['back_at_base'];
    default:
      return [];
  }
}
