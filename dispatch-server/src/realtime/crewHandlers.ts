import { AgentPositionBatch, StuckEventReport, type PositionsReportResult, type StatusReportResult, type StuckEventResult } from '@dispatch/protocol';
import { appendAudit } from '../audit/audit';
import { staffRoomsOfVehicle } from '../centres/centres';
import type { PositionIngestor } from '../positions/ingestPositions';
import { reportStatus } from '../assignments/reportStatus';
import type { DispatchContext } from '../dispatchContext';
import { authorize, permit, socketActions } from '../policies/policies';
import { answerFor, describeZodError } from '../http/errors';
import type { Gateway } from './gateway';

/**
 * Socket events crews send. Status reports go through the same command as the REST endpoint; the answer
 * is the acknowledgement callback, so an offline outbox knows exactly which events the server has.
 */
export function registerCrewHandlers(io: Gateway, ctx: DispatchContext, ingestor: PositionIngestor): void {
  io.on('connection', (socket) => {
    const principal = socket.data.principal;
    socket.on('status.reported', async (report, ack) => {
      const reply = typeof ack === 'function' ? ack : () => undefined;
      let result: StatusReportResult;
      try {
        permit(principal, socketActions['status.reported']);
        const { assignmentId, ...rest } = report ?? ({} as typeof report);
        const outcome = await reportStatus(
          ctx,
          { principal, remoteAddr: socket.handshake.address },
          String(assignmentId),
          rest,
          principal.vehicleId ? 'tablet' : 'console',
        );
        result = { ok: true, applied: outcome.applied, assignment: outcome.assignment };
      } catch (error) {
        result = failure(error, ctx);
      }
      reply(result);
    });

    socket.on('positions.reported', async (positions, ack) => {
      const reply = typeof ack === 'function' ? ack : () => undefined;
      // Only a login bound to a vehicle gets past the policy; the others never reach the empty id.
      const vehicleId = principal.vehicleId ?? '';
      try {
        authorize(principal, socketActions['positions.reported'], { vehicleId });
      } catch (error) {
        reply(failure(error, ctx));
        return;
      }
      const parsed = AgentPositionBatch.safeParse(positions);
      if (!parsed.success) {
        reply({ ok: false, status: 400, error: describeZodError(parsed.error) });
        return;
      }
      let result: PositionsReportResult;
      try {
        await ingestor.addMany(
          parsed.data.map((p) => ({
            vehicleId,
            lon: p.lon,
            lat: p.lat,
            speedMps: p.speedMps ?? null,
            headingDeg: p.headingDeg ?? null,
            accuracyM: p.accuracyM ?? null,
            deviceTime: new Date(p.deviceTime),
            source: 'agent',
          })),
        );
        result = { ok: true, stored: parsed.data.length };
      } catch (error) {
        result = failure(error, ctx);
      }
      reply(result);
    });

    // A tablet parked an event the server kept failing on (or the crew resolved one): on record, and on every console.
    socket.on('outbox.stuck', async (input, ack) => {
      const reply = typeof ack === 'function' ? ack : () => undefined;
      let result: StuckEventResult;
      try {
        const vehicleId = principal.vehicleId ?? '';
        authorize(principal, socketActions['outbox.stuck'], { vehicleId });
        const report = StuckEventReport.parse(input);
        await appendAudit(ctx.db, { principal, remoteAddr: socket.handshake.address }, `crew.event_${report.state}`, { type: 'vehicle', id: vehicleId }, report);
        ctx.events.publish(await staffRoomsOfVehicle(ctx.db, vehicleId), 'crew.eventStuck', { ...report, vehicleId, reportedAt: new Date().toISOString() });
        result = { ok: true };
      } catch (error) {
        result = failure(error, ctx);
      }
      reply(result);
    });
  });
}

/** A socket acknowledgement for a failure, mapped exactly as a REST answer would be (503 included). */
function failure(error: unknown, ctx: DispatchContext): { ok: false; status: number; error: string } {
  const { status, error: message } = answerFor(error);
  if (status >= 500 && status !== 503) ctx.log.error({ err: error }, 'socket event failed');
  return { ok: false, status, error: message };
}
