import { principalOf } from '../auth/requireAuth';
import type { DispatchContext } from '../dispatchContext';
import type { Handlers } from '../http/mountRoutes';
import { cancelTransfer } from './cancelTransfer';
import { requestTransfer } from './requestTransfer';
import { respondToTransfer } from './respondToTransfer';
import { getTransfer, listTransfers } from './transfers';

type TransferRoutes = 'listTransfers' | 'requestTransfer' | 'getTransfer' | 'acceptTransfer' | 'declineTransfer' | 'cancelTransfer';

export const transferHandlers = (ctx: DispatchContext): Handlers<TransferRoutes> => ({
  listTransfers: (_, { req }) => listTransfers(ctx.db, principalOf(req)),
  requestTransfer: ({ body }, { req, actor }) => requestTransfer(ctx, { ...actor, principal: principalOf(req) }, body),
  getTransfer: ({ params }, { req }) => getTransfer(ctx.db, principalOf(req), params.id),
  acceptTransfer: ({ params }, { req, actor }) => respondToTransfer(ctx, { ...actor, principal: principalOf(req) }, params.id, { accept: true }),
  declineTransfer: ({ params, body }, { req, actor }) =>
    respondToTransfer(ctx, { ...actor, principal: principalOf(req) }, params.id, { accept: false, reason: body.reason }),
  cancelTransfer: ({ params, body }, { req, actor }) => cancelTransfer(ctx, { ...actor, principal: principalOf(req) }, params.id, body.reason),
});
