import type { BindVehicleDeviceRequest } from '@dispatch/protocol';
import { z } from 'zod';
import { appendAudit, type Actor } from '../audit/audit';
import { type Db, inTransaction, sqlFile } from '@dispatch/db';
import { HttpError, notFound, translatePgError } from '../http/errors';

const sql = sqlFile(new URL('./devices.sql', import.meta.url), {
  lockVehicle: { params: z.object({ vehicleId: z.string() }), row: z.object({ device_id: z.string().nullable() }) },
  deviceHolder: { params: z.object({ deviceId: z.string(), vehicleId: z.string() }), row: z.object({ call_sign: z.string() }) },
  bind: { params: z.object({ deviceId: z.string().nullable(), vehicleId: z.string() }) },
});

export interface DeviceBinding {
  vehicleId: string;
  deviceId: string | null;
  previousDeviceId: string | null;
}

/**
 * Binds the id a GPS device or OsmAnd/Traccar client reports to a vehicle (null unbinds), audited.
 * A device id bound to another vehicle is refused with 409 naming that vehicle: moving a phone between
 * vehicles is two deliberate steps, never a silent takeover. Returns the previous id so callers can
 * forget cached lookups of both.
 */
export async function bindVehicleDevice(db: Db, actor: Actor, vehicleId: string, { deviceId }: BindVehicleDeviceRequest): Promise<DeviceBinding> {
  return inTransaction(db, async (client) => {
    const current = await sql.lockVehicle.one(client, { vehicleId });
    if (!current) throw notFound(`vehicle ${vehicleId}`);
    const previousDeviceId = current.device_id;
    if (deviceId !== null) {
      const holder = await sql.deviceHolder.one(client, { deviceId, vehicleId });
      if (holder) throw new HttpError(409, `deviceId: ${deviceId} is bound to vehicle ${holder.call_sign}; unbind it there first`);
    }
    // The unique constraint settles a race between two admins binding the same id at once.
    await sql.bind
      .run(client, { vehicleId, deviceId })
      .catch((e) => translatePgError(e, { vehicles_device_id_key: `deviceId: ${deviceId} is bound to another vehicle` }));
    await appendAudit(client, actor, deviceId === null ? 'vehicle.deviceUnbound' : 'vehicle.deviceBound', { type: 'vehicle', id: vehicleId }, {
      deviceId,
      previousDeviceId,
    });
    return { vehicleId, deviceId, previousDeviceId };
  });
}
