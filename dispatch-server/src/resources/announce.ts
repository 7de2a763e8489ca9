import { rooms, type ResourceKind } from '@dispatch/protocol';
import type { Publisher } from '../realtime/publisher';

/**
 * Tells every open console that an administrator changed a resource, so a second admin's list and the supervisors'
 * screens fetch their page again. Only the kind and the id travel: lists of logins and crew members are personal,
 * and each console reads what its own role may. The dispatchers' room holds every staff console.
 */
export function announceChange(events: Publisher, kind: ResourceKind, id: string, deleted = false): void {
  events.publish(rooms.dispatchers, 'resource.changed', { kind, id, deleted });
}

/** A handler's answer, announced once it is sent back (the change is committed by then). */
export async function announced<T extends { id: string }>(events: Publisher, kind: ResourceKind, work: Promise<T>): Promise<T> {
  const result = await work;
  announceChange(events, kind, result.id);
  return result;
}
