import { rooms, type ClientToServerEvents, type Principal, type Role } from '@dispatch/protocol';
import { HttpError } from '../http/errors';

/**
 * Who may do what: the one place role × action × resource is decided (design brief: "Authorisation lives in one
 * policy module"). REST routes ask it through `requireAuth(tokens, action)` and `authorize`, commands ask it once
 * they hold the resource, socket handlers ask it for each event, and the OpenAPI document prints it (`x-roles`).
 */

/**
 * How far a role reaches: every resource, or only those of the vehicle (crew) or hospital (hospital) it is bound to.
 * A crew's vehicle is the principal's vehicleId: a vehicle tablet's login is bound to its vehicle for good, a crew
 * member's login to the vehicle its shift gives at login (migration 016's rostered_vehicle), and the session ends when
 * that changes, so a crew never reaches a vehicle it is not rostered on.
 */
type Reach = 'any' | 'ownVehicle' | 'ownHospital';

interface Rule {
  /** Ends the refusal message: "role crew may not <what>". */
  what: string;
  roles: Partial<Record<Role, Reach>>;
  /** The answer carries caller phone, address, patient data or staff contacts: every such read is decided here. */
  personalData?: boolean;
  /** The audit action every use is recorded as, with what it read (the register's reads: register.read). */
  audit?: string;
}

const staff = { dispatcher: 'any', supervisor: 'any', admin: 'any' } as const;
const everyone = { ...staff, crew: 'any', hospital: 'any' } as const;
const managers = { supervisor: 'any', admin: 'any' } as const;
const admin = { admin: 'any' } as const;
const consultationParties = { dispatcher: 'any', supervisor: 'any', crew: 'ownVehicle', hospital: 'ownHospital' } as const;

const rules = {
  // The phone system's login too: it renews and ends its own session like any other.
  'session.own': { what: 'read, renew or end its own session', roles: { ...everyone, telephony: 'any' } },
  // The map and its reference data are not personal: crews pick destinations, hospitals see the network.
  'map.read': { what: 'read roads, routes and places', roles: everyone },
  'station.read': { what: 'read stations', roles: everyone },
  'station.manage': { what: 'add, change or delete stations', roles: admin },
  'hospital.read': { what: 'read hospitals', roles: everyone },
  'hospital.manage': { what: 'add, change or delete hospitals', roles: admin },
  'hospital.setLoad': { what: 'set a hospital load status', roles: { ...staff, hospital: 'ownHospital' } },
  'vehicle.list': { what: 'list the fleet', roles: staff },
  'vehicle.read': { what: 'read a vehicle', roles: { ...staff, crew: 'ownVehicle' } },
  'vehicle.manage': { what: 'add or delete vehicles', roles: admin },
  'vehicle.update': { what: 'change a vehicle', roles: managers },
  'vehicle.bindDevice': { what: 'bind a GPS device to a vehicle', roles: admin },
  'user.list': { what: 'list logins', roles: managers, personalData: true },
  'user.create': { what: 'create logins', roles: admin },
  'user.manage': { what: 'disable logins or reset passwords', roles: admin },
  'crew.read': { what: 'read crew members and shifts', roles: staff, personalData: true },
  'crew.manage': { what: 'change crew members and shifts', roles: managers },
  'coverage.read': { what: 'read coverage', roles: staff },
  // Move-up: a dispatcher sends a free vehicle to stand by at a station; its crew reads and answers its own.
  'reposition.send': { what: 'send a vehicle to stand by at a station', roles: staff },
  'reposition.read': { what: "read a vehicle's reposition", roles: { ...staff, crew: 'ownVehicle' } },
  'reposition.report': { what: 'accept, arrive at or cancel a reposition', roles: { ...staff, crew: 'ownVehicle' } },
  'incident.read': { what: 'read incidents', roles: staff, personalData: true },
  'incident.create': { what: 'take calls', roles: staff, personalData: true },
  'incident.dispatch': { what: 'dispatch, cancel or close', roles: staff },
  'assignment.read': { what: 'read a task', roles: { ...staff, crew: 'ownVehicle' }, personalData: true },
  'assignment.report': { what: 'report task status', roles: { ...staff, crew: 'ownVehicle' } },
  'assignment.changeDestination': { what: 'choose the destination hospital', roles: { ...staff, crew: 'ownVehicle' } },
  'assignment.recordVitals': { what: 'record vital signs', roles: { ...staff, crew: 'ownVehicle' }, personalData: true },
  'position.report': { what: 'report vehicle positions', roles: { crew: 'ownVehicle' } },
  'outbox.report': { what: 'report events its tablet could not deliver', roles: { crew: 'ownVehicle' } },
  'notice.read': { what: 'read hospital notices', roles: { ...staff, hospital: 'ownHospital' }, personalData: true },
  'notice.acknowledge': { what: 'acknowledge hospital notices', roles: { hospital: 'ownHospital' } },
  'audit.read': { what: 'read the audit log', roles: managers, personalData: true },
  'report.read': { what: 'read quality reports', roles: managers },
  // The phone system reports calls and reads nothing: its own login, so every report is audited and can be revoked.
  'telephony.report': { what: 'report phone calls', roles: { telephony: 'any' }, personalData: true },
  // Transfers: a hospital requests from itself and answers for itself; a dispatcher may enter one a hospital phoned in.
  'transfer.read': { what: 'read transfers', roles: { ...staff, hospital: 'ownHospital' }, personalData: true },
  'transfer.request': { what: 'request transfers', roles: { ...staff, hospital: 'ownHospital' }, personalData: true },
  'transfer.respond': { what: 'accept or decline transfers', roles: { hospital: 'ownHospital' } },
  'transfer.cancel': { what: 'cancel transfers', roles: { ...staff, hospital: 'ownHospital' } },
  'phoneCall.read': { what: 'read phone calls', roles: staff, personalData: true },
  'incident.search': { what: 'search past incidents', roles: managers, personalData: true },
  'alert.read': { what: 'read the console alerts', roles: staff },
  'alert.acknowledge': { what: 'acknowledge or mute console alerts', roles: staff },
  // The task channel: the dispatchers and the crew of the task's vehicle; clinical text, so a personal-data read.
  'message.read': { what: "read a task's messages", roles: { ...staff, crew: 'ownVehicle' }, personalData: true },
  'message.send': { what: "write to a task's messages", roles: { ...staff, crew: 'ownVehicle' } },
  // A patient's consultation: the crew of the task, its receiving hospital (the task's destination now) and the
  // dispatchers and supervisors; clinical text and photos, so administrators are not among them.
  'consultation.read': { what: "read a patient's consultation", roles: consultationParties, personalData: true },
  'consultation.send': { what: "write to a patient's consultation", roles: consultationParties },
  // Administration: what routing runs on and what a call needs by default; bulk files carry staff names and phones.
  'road.manage': { what: 'import road networks or choose the live one', roles: admin },
  'operatorData.manage': { what: 'read or change road speeds and category requirements', roles: admin },
  'bulk.import': { what: 'import files of resources, logins and rosters', roles: admin, personalData: true },
  'bulk.export': { what: 'export files of resources, logins and rosters', roles: admin, personalData: true },
  // The priority-group register (重点人群): health records of residents. Each read names what it read in the audit log
  // (register.read, with the incident, the call or the search); the hospital reads only the care flags of its own
  // notice's patient, the crew only those of its own task's incident.
  'register.import': { what: 'import the priority-group register', roles: admin, personalData: true, audit: 'register.imported' },
  'register.search': { what: 'search the priority-group register', roles: managers, personalData: true, audit: 'register.read' },
  'register.match': { what: 'match a call against the priority-group register', roles: staff, personalData: true, audit: 'register.read' },
  'register.readIncident': { what: "read an incident's register residents", roles: staff, personalData: true, audit: 'register.read' },
  'register.readTask': { what: "read the register residents of a task's incident", roles: { ...staff, crew: 'ownVehicle' }, personalData: true, audit: 'register.read' },
  'register.readCare': { what: "read the care flags of a notice's patient", roles: { ...staff, hospital: 'ownHospital' }, personalData: true, audit: 'register.read' },
  'register.followUps': { what: "read or acknowledge family-doctor teams' follow-up notices", roles: managers, personalData: true, audit: 'register.read' },
} satisfies Record<string, Rule>;

export type Action = keyof typeof rules;

/**
 * What a bounded role is checked against: the vehicle or hospital the resource belongs to, and its centre (or
 * centres: a task of cross-centre help belongs to the incident's centre and to the vehicle's).
 */
export interface Resource {
  vehicleId?: string | null;
  hospitalId?: string | null;
  centreId?: string | readonly string[] | null;
}

/**
 * The centre a login works in (issue 15), null when it reaches every centre: a dispatcher's or supervisor's with a
 * centre. A province supervisor has none; administrators keep every centre's resources; crews and hospitals are
 * bound to their vehicle or hospital already.
 */
export function centreScope(principal: Pick<Principal, 'role' | 'centreId'>): string | null {
  return principal.role === 'dispatcher' || principal.role === 'supervisor' ? (principal.centreId ?? null) : null;
}

/** Whether the resource is of the principal's centre (always, for a login of every centre or a resource of none). */
export function inCentre(principal: Pick<Principal, 'role' | 'centreId'>, resource: Resource): boolean {
  const scope = centreScope(principal);
  if (scope === null || resource.centreId === undefined || resource.centreId === null) return true;
  return typeof resource.centreId === 'string' ? resource.centreId === scope : resource.centreId.includes(scope);
}

/** The action each client→server socket event performs; a new event fails to compile until it has one. */
export const socketActions = {
  'session.resynced': 'session.own',
  'status.reported': 'assignment.report',
  'positions.reported': 'position.report',
  'outbox.stuck': 'outbox.report',
  'message.sent': 'message.send',
} as const satisfies Record<keyof ClientToServerEvents, Action>;

const reachOf = (principal: Principal, action: Action): Reach | undefined => (rules[action].roles as Partial<Record<Role, Reach>>)[principal.role];

/** Whether the principal's role may do `action` to some resource at all (ownership is checked by `can`). */
export function mayAttempt(principal: Principal, action: Action): boolean {
  return reachOf(principal, action) !== undefined;
}

/** Whether the principal may do `action` to this resource; a bounded role needs the resource to be its own. */
export function can(principal: Principal, action: Action, resource: Resource): boolean {
  switch (reachOf(principal, action)) {
    case 'any':
      return inCentre(principal, resource);
    case 'ownVehicle':
      return principal.vehicleId !== null && resource.vehicleId === principal.vehicleId;
    case 'ownHospital':
      return principal.hospitalId !== null && resource.hospitalId === principal.hospitalId;
    default:
      return false;
  }
}

/**
 * A login whose every reach is its own vehicle, with no vehicle now (a rostered crew member outside its shifts):
 * it could do nothing, so it is not let in at all.
 */
export function hasNoVehicleToReach(principal: Pick<Principal, 'role' | 'vehicleId'>): boolean {
  return principal.role === 'crew' && !principal.vehicleId;
}

/** Role-level check before anything is read: 403 naming the role and what it may not do. */
export function permit(principal: Principal, action: Action): void {
  if (!mayAttempt(principal, action)) throw new HttpError(403, `role ${principal.role} may not ${rules[action].what}`);
}

/**
 * Resource-level check, once the resource's vehicle or hospital is known. A null principal is the system itself
 * (timers, reconciliation), which acts for everyone; requests always carry a principal (`requireAuth`).
 */
export function authorize(principal: Principal | null, action: Action, resource: Resource): void {
  if (!principal) return;
  permit(principal, action);
  if (can(principal, action, resource)) return;
  const reach = reachOf(principal, action);
  if (reach === 'any') throw new HttpError(403, `not your centre: a ${principal.role} may ${rules[action].what} only for its own centre`, undefined, 'other_centre');
  throw new HttpError(403, reach === 'ownHospital' ? `not your hospital: a hospital may ${rules[action].what} only for itself` : `not your vehicle: a crew may ${rules[action].what} only for its own vehicle`);
}

/** For lists: what part a principal may read (`{}` = everything); 403 when its role may read none of it. */
export function readScope(principal: Principal, action: Action): Resource {
  permit(principal, action);
  const reach = reachOf(principal, action);
  // A bound role without its binding reads nothing: an empty scope would mean "everything".
  if (reach === 'ownVehicle') {
    if (!principal.vehicleId) throw new HttpError(403, `a crew login bound to no vehicle may not ${rules[action].what}`);
    return { vehicleId: principal.vehicleId };
  }
  if (reach === 'ownHospital') {
    if (!principal.hospitalId) throw new HttpError(403, `a hospital login bound to no hospital may not ${rules[action].what}`);
    return { hospitalId: principal.hospitalId };
  }
  const centreId = centreScope(principal);
  return centreId ? { centreId } : {};
}

/** For lists of incidents, vehicles and hospitals: the one centre the principal may read, null for every centre. */
export function readCentre(principal: Principal | null, action: Action): string | null {
  if (!principal) return null;
  permit(principal, action);
  return reachOf(principal, action) === 'any' ? centreScope(principal) : null;
}

/**
 * The socket rooms a principal joins, i.e. which pushed events it receives: incidents (caller phone, address)
 * reach those who may read incidents; a crew gets only its vehicle's tasks, a hospital only its own notices.
 */
export function roomsFor(principal: Principal): string[] {
  if (mayAttempt(principal, 'incident.read')) {
    const centreId = centreScope(principal);
    return [
      rooms.dispatchers,
      centreId ? rooms.centre(centreId) : rooms.province,
      ...(reachOf(principal, 'consultation.read') === 'any' ? [rooms.consultationReaders(centreId)] : []),
    ];
  }
  const joined: string[] = [];
  if (principal.vehicleId && can(principal, 'assignment.read', { vehicleId: principal.vehicleId })) joined.push(rooms.vehicle(principal.vehicleId));
  if (principal.hospitalId && can(principal, 'notice.read', { hospitalId: principal.hospitalId })) joined.push(rooms.hospital(principal.hospitalId));
  return joined;
}

/** The roles allowed an action, e.g. `['dispatcher', 'crew:own-vehicle']`, for the OpenAPI document's `x-roles`. */
export function rolesFor(action: Action): string[] {
  const suffix: Record<Reach, string> = { any: '', ownVehicle: ':own-vehicle', ownHospital: ':own-hospital' };
  return Object.entries(rules[action].roles).map(([role, reach]) => role + suffix[reach as Reach]);
}

/** The audit action a use of `action` must be recorded as, when its rule demands one (every read of the register). */
export const auditActionOf = (action: Action): string | null => ('audit' in rules[action] ? ((rules[action] as Rule).audit ?? null) : null);

export const readsPersonalData = (action: Action): boolean => 'personalData' in rules[action] && rules[action].personalData === true;
