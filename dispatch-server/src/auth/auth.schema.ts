import { text } from '@dispatch/protocol';
import { z } from 'zod';

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
