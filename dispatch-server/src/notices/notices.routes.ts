import { principalOf } from '../auth/requireAuth';
import type { DispatchContext } from '../dispatchContext';
import type { Handlers } from '../http/mountRoutes';
import { acknowledgeNotice, getNoticeFhir, getNoticeFor, listNotices } from './notices';

/** @param publicUrl where others reach this server (config PUBLIC_URL), for the links in FHIR exports */
export const noticeHandlers = (ctx: DispatchContext, publicUrl: string): Handlers<'listNotices' | 'getNotice' | 'acknowledgeNotice' | 'getNoticeFhir'> => ({
  listNotices: (_request, { req }) => listNotices(ctx, principalOf(req)),
  getNotice: ({ params }, { req }) => getNoticeFor(ctx, principalOf(req), params.id),
  acknowledgeNotice: ({ params }, { actor }) => acknowledgeNotice(ctx, actor, params.id),
  getNoticeFhir: async ({ params }, { req, res }) => {
    res.type('application/fhir+json');
    return getNoticeFhir(ctx, principalOf(req), params.id, publicUrl);
  },
});
