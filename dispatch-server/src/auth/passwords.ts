import { randomBytes, randomInt } from 'node:crypto';
import { hash, verify } from '@node-rs/argon2';

/** Argon2id with the library's defaults (OWASP-recommended memory and time costs). */
export const hashPassword = (password: string): Promise<string> => hash(password);

export const verifyPassword = (passwordHash: string, password: string): Promise<boolean> =>
  verify(passwordHash, password).catch(() => false);

// A hash nobody knows the password of: an unknown login is checked against it, so it takes as long as a known one.
let dummyHash: Promise<string> | null = null;

/** Checks a password against a login's hash, or against a dummy one when there is no such login: same work, same time. */
export function verifyPasswordOrDummy(passwordHash: string | null, password: string): Promise<boolean> {
  if (passwordHash) return verifyPassword(passwordHash, password);
  dummyHash ??= hashPassword(randomBytes(32).toString('hex'));
  return dummyHash.then((h) => verifyPassword(h, password)).then(() => false);
}

// No 0/o, 1/l/i: read aloud or copied from paper without mistakes.
const ALPHABET = 'abcdefghjkmnpqrstuvwxyz23456789';

/** A one-time or demo password: four groups of four, about 79 bits, e.g. `k7qm-x3vd-pa9e-2wtn`. */
export function generatePassword(): string {
  return Array.from({ length: 4 }, () => Array.from({ length: 4 }, () => ALPHABET[randomInt(ALPHABET.length)]).join('')).join('-');
}
