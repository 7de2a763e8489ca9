import { principalOf } from '../auth/requireAuth';
import type { DispatchContext } from '../dispatchContext';
import type { Handlers } from '../http/mountRoutes';
import { careFlagsFhir } from '../register/careFlagsFhir';
import { noticeCareFlags } from '../register/registerReads';
import { acknowledgeNotice, getNoticeFhir, getNoticeFor, listNotices } from './notices';

/** @param publicUrl where others reach this server (config PUBLIC_URL), for the links in FHIR exports */
export const noticeHandlers = (ctx: DispatchContext, publicUrl: string): Handlers<'listNotices' | 'getNotice' | 'acknowledgeNotice' | 'getNoticeFhir'> => ({
  listNotices: (_request, { req }) => listNotices(ctx, principalOf(req)),
  getNotice: ({ params }, { req }) => getNoticeFor(ctx, principalOf(req), params.id),
  acknowledgeNotice: ({ params }, { actor }) => acknowledgeNotice(ctx, actor, params.id),
  getNoticeFhir: async ({ params }, { req, res, actor }) => {
    res.type('application/fhir+json');
    const bundle = await getNoticeFhir(ctx, principalOf(req), params.id, publicUrl);
    // The register's care flags travel with the patient (authorised and audited as a register read).
    bundle.entry.push(...careFlagsFhir(await noticeCareFlags(ctx.db, actor, params.id), bundle, publicUrl));
    return bundle;
  },
});
