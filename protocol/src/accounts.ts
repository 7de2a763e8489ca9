import { z } from 'zod';
import { Role } from './domain';
import { text } from './validation';

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

export const UserInput = z
  .object({
    username: z.string().regex(/^[a-z0-9_.-]{2,64}$/, 'lower-case letters, digits, _ . -; 2 to 64'),
    displayName: text(100).trim().min(1),
    password: text(200).min(10, 'at least 10 characters'),
    role: Role,
    vehicleId: z.uuid().nullish(),
    hospitalId: z.uuid().nullish(),
  })
  .refine((u) => (u.role === 'crew') === Boolean(u.vehicleId), { message: 'a crew login needs vehicleId, and only a crew login', path: ['vehicleId'] })
  .refine((u) => (u.role === 'hospital') === Boolean(u.hospitalId), { message: 'a hospital login needs hospitalId, and only a hospital login', path: ['hospitalId'] });

export const UserDto = z.object({
  id: z.uuid(),
  username: z.string(),
  displayName: z.string(),
  role: Role,
  vehicleId: z.uuid().nullable(),
  hospitalId: z.uuid().nullable(),
  disabled: z.boolean(),
});
export type UserDto = z.infer<typeof UserDto>;

export const SetDisabledRequest = z.object({ disabled: z.boolean() });
