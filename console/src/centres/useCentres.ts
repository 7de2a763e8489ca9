import type { CentreDto } from '@dispatch/protocol';
import { useLoaded } from '@dispatch/ui';
import { useLiveContext } from '../realtime/useLive';

/** The database's centres (read once per session) and the login's own, null for a login of every centre. */
export function useCentres(): { centres: CentreDto[]; own: CentreDto | null; province: boolean } {
  const { api, session } = useLiveContext();
  const centres = useLoaded(session.token, () => api.call('listCentres')) ?? [];
  const ownId = session.user.centreId ?? null;
  // Only dispatchers and supervisors work in one centre; the others reach every centre's resources (policies.ts).
  const scoped = session.user.role === 'dispatcher' || session.user.role === 'supervisor';
  return { centres, own: scoped ? (centres.find((c) => c.id === ownId) ?? null) : null, province: !scoped || ownId === null };
}

/** A centre's name in the screen's language. */
export const centreName = (centre: Pick<CentreDto, 'name' | 'nameEn'>, lang: string) => (lang === 'en' ? (centre.nameEn ?? centre.name) : centre.name);
