import { z } from 'zod';
import { Role, Timestamp } from './domain';
import { text } from './validation';

/** Who is calling: the claims of a session's token, checked on every request and socket handshake. */
export const Principal = z.object({
  userId: z.uuid(),
  username: z.string(),
  role: Role,
  vehicleId: z.uuid().nullable(),
  hospitalId: z.uuid().nullable(),
  /** A dispatcher's or supervisor's centre (issue 15); null or absent: every centre (a province supervisor). */
  centreId: z.uuid().nullable().optional(),
});
export type Principal = z.infer<typeof Principal>;

/** GET /api/auth/me: the caller, and whether its session may only set a new password. */
export const Me = Principal.extend({ mustChangePassword: z.boolean() });
export type Me = z.infer<typeof Me>;

/** The answer of a login and of a password change. */
export const LoginResult = z.object({
  token: z.string(),
  user: Principal.extend({ displayName: z.string() }),
  /** The token may only change the password (POST /api/auth/password) until a new one is set. */
  mustChangePassword: z.boolean(),
});
export type LoginResult = z.infer<typeof LoginResult>;

export const LoginRequest = z.object({
  username: text(64).min(1),
  password: text(200).min(1),
});

/** A new password: at least 10 characters, as for a new login. */
export const NewPassword = text(200).min(10, 'at least 10 characters');

export const ChangePasswordRequest = z.object({
  currentPassword: text(200).min(1),
  newPassword: NewPassword,
});

/** The roles that work in one centre, or in every centre when they have none (issue 15). */
export const CENTRE_ROLES: ReadonlySet<Role> = new Set<Role>(['dispatcher', 'supervisor']);

export const UserInput = z
  .object({
    username: z.string().regex(/^[a-z0-9_.-]{2,64}$/, 'lower-case letters, digits, _ . -; 2 to 64'),
    displayName: text(100).trim().min(1),
    password: text(200).min(10, 'at least 10 characters'),
    role: Role,
    vehicleId: z.uuid().nullish(),
    /** A crew login of one crew member: its vehicle is the one its shift gives (see migration 016's rostered_vehicle). */
    crewMemberId: z.uuid().nullish(),
    hospitalId: z.uuid().nullish(),
    /**
     * A dispatcher's or supervisor's centre (issue 15); absent: the default centre; null: every centre (a province
     * login, only when asked for: a forgotten field must not widen a login's reach). Crews, hospitals and
     * administrators work in none (refused when given).
     */
    centreId: z.uuid().nullish(),
  })
  .refine((u) => (u.role === 'crew') === Boolean(u.vehicleId || u.crewMemberId), {
    message: 'a crew login needs vehicleId or crewMemberId, and only a crew login',
    path: ['vehicleId'],
  })
  .refine((u) => !(u.vehicleId && u.crewMemberId), { message: 'a crew login is bound to a vehicle or to a crew member, not both', path: ['crewMemberId'] })
  .refine((u) => (u.role === 'hospital') === Boolean(u.hospitalId), { message: 'a hospital login needs hospitalId, and only a hospital login', path: ['hospitalId'] })
  .refine((u) => !u.centreId || CENTRE_ROLES.has(u.role), { message: 'only a dispatcher or supervisor login works in one centre', path: ['centreId'] });

export const UserDto = z.object({
  id: z.uuid(),
  username: z.string(),
  displayName: z.string(),
  role: Role,
  vehicleId: z.uuid().nullable(),
  crewMemberId: z.uuid().nullable(),
  hospitalId: z.uuid().nullable(),
  /** A dispatcher's or supervisor's centre; null: every centre (and always for the other roles). */
  centreId: z.uuid().nullable(),
  disabled: z.boolean(),
});
export type UserDto = z.infer<typeof UserDto>;

export const SetDisabledRequest = z.object({ disabled: z.boolean() });

/** A dispatcher's or supervisor's centre (issue 15); null: every centre (a province login). */
export const SetUserCentreRequest = z.object({ centreId: z.uuid().nullable() });

/** An admin's password reset: the one-time password is shown once, to the admin. */
export const PasswordReset = z.object({ user: UserDto, temporaryPassword: z.string() });
export type PasswordReset = z.infer<typeof PasswordReset>;

export const AuditQuery = z.object({
  entityType: text(40).optional(),
  entityId: text(80).optional(),
  since: Timestamp.optional(),
  /** Entries before this instant (with since: a window). */
  until: Timestamp.optional(),
  /** Whose entries: the login name, exactly ("system" for timers and failed logins). */
  actor: text(80).optional(),
  /** What: the action, exactly (incident.create) or by its start (incident.). */
  action: text(80).optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(200),
  /** Entries to skip (newest first): the pages after the first. */
  offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
});

/** One line of the audit log; the actor is "system" where no login acted (timers, failed logins). */
export const AuditEntryDto = z.object({
  id: z.number(),
  at: z.string(),
  actor: z.object({ userId: z.uuid().nullable(), username: z.string().nullable(), role: z.string().nullable() }),
  action: z.string(),
  entityType: z.string().nullable(),
  entityId: z.string().nullable(),
  details: z.record(z.string(), z.unknown()),
  remoteAddr: z.string().nullable(),
});
export type AuditEntryDto = z.infer<typeof AuditEntryDto>;
