import type { ApiError } from '@dispatch/protocol';
import { expect } from 'vitest';
import { refusal } from './api';

/** Expects the call to be refused with `status` and a message matching `message`; returns the refusal. */
export async function expectRefusal(answer: Promise<unknown>, status: number, message: RegExp | string): Promise<ApiError> {
  const refused = await refusal(answer);
  expect(refused.status).toBe(status);
  expect(refused.message).toMatch(message);
  return refused;
}
