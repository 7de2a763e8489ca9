import { BindVehicleDeviceRequest } from '@dispatch/protocol';
import { appendAudit, type Actor } from '../audit/audit';
import { type Db, inTransaction, isUuid } from '@dispatch/db';
import { HttpError, notFound, translatePgError } from '../http/errors';

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
export async function bindVehicleDevice(db: Db, actor: Actor, vehicleId: string, input: unknown): Promise<DeviceBinding> {
  const { deviceId } = BindVehicleDeviceRequest.parse(input);
  if (!isUuid(vehicleId)) throw notFound(`vehicle ${vehicleId}`);
  return inTransaction(db, async (client) => {
    const current = await client.query<{ device_id: string | null }>('SELECT device_id FROM vehicles WHERE id = $1 FOR UPDATE', [vehicleId]);
    if (!current.rows[0]) throw notFound(`vehicle ${vehicleId}`);
    const previousDeviceId = current.rows[0].device_id;
    if (deviceId !== null) {
      const holder = await client.query<{ call_sign: string }>('SELECT call_sign FROM vehicles WHERE device_id = $1 AND id <> $2', [deviceId, vehicleId]);
      if (holder.rows[0]) {
        throw new HttpError(409, `deviceId: ${deviceId} is bound to vehicle ${holder.rows[0].call_sign}; unbind it there first`);
      }
    }
    // The unique constraint settles a race between two admins binding the same id at once.
    await client
      .query('UPDATE vehicles SET device_id = $2 WHERE id = $1', [vehicleId, deviceId])
      .catch((e) => translatePgError(e, { vehicles_device_id_key: `deviceId: ${deviceId} is bound to another vehicle` }));
    await appendAudit(client, actor, deviceId === null ? 'vehicle.deviceUnbound' : 'vehicle.deviceBound', { type: 'vehicle', id: vehicleId }, {
      deviceId,
      previousDeviceId,
    });
    return { vehicleId, deviceId, previousDeviceId };
  });
}
