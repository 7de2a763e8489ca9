import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { Principal } from '@dispatch/protocol';
import { HttpError } from '../http/errors';
import { authorize, can, mayAttempt, permit, readScope, rolesFor, roomsFor } from './policies';

const V1 = '00000000-0000-4000-8000-000000000001';
const V2 = '00000000-0000-4000-8000-000000000002';
const H1 = '00000000-0000-4000-8000-0000000000a1';
const H2 = '00000000-0000-4000-8000-0000000000a2';
const C1 = 'c0000000-0000-4000-8000-000000000001';
const C2 = 'c0000000-0000-4000-8000-000000000002';
const who = (role: Principal['role'], bound: Partial<Principal> = {}): Principal => ({
  userId: '00000000-0000-4000-8000-0000000000ff',
  username: role,
  role,
  vehicleId: null,
  hospitalId: null,
  ...bound,
});
const crew = who('crew', { vehicleId: V1 });
const hospital = who('hospital', { hospitalId: H1 });

function refusal(run: () => void): string {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(HttpError);
    expect((error as HttpError).status).toBe(403);
    return (error as Error).message;
  }
  throw new Error('expected a 403');
}

describe('authorisation policy', () => {
  it('lets a crew read and report only its own vehicle’s task', () => {
    expect(can(crew, 'assignment.read', { vehicleId: V1 })).toBe(true);
    expect(can(crew, 'assignment.read', { vehicleId: V2 })).toBe(false);
    expect(can(crew, 'assignment.report', { vehicleId: null })).toBe(false);
    expect(refusal(() => authorize(crew, 'assignment.report', { vehicleId: V2 }))).toMatch(/not your vehicle/);
  });

  it('lets a hospital read and acknowledge only its own notices, and set only its own load', () => {
    expect(can(hospital, 'notice.read', { hospitalId: H1 })).toBe(true);
    expect(can(hospital, 'notice.acknowledge', { hospitalId: H2 })).toBe(false);
    expect(refusal(() => authorize(hospital, 'hospital.setLoad', { hospitalId: H2 }))).toMatch(/not your hospital/);
    expect(readScope(hospital, 'notice.read')).toEqual({ hospitalId: H1 });
    expect(readScope(who('dispatcher'), 'notice.read')).toEqual({});
    // Bound to nothing, a hospital login reads no notice at all rather than every one.
    expect(refusal(() => readScope(who('hospital'), 'notice.read'))).toMatch(/bound to no hospital/);
  });

  it('refuses a role outright with a message naming the role and the action', () => {
    expect(refusal(() => permit(hospital, 'assignment.report'))).toBe('role hospital may not report task status');
    expect(refusal(() => permit(crew, 'notice.read'))).toBe('role crew may not read hospital notices');
    expect(refusal(() => readScope(crew, 'notice.read'))).toMatch(/role crew/);
    expect(mayAttempt(who('dispatcher'), 'notice.acknowledge')).toBe(false);
  });

  it('treats a missing principal as the system itself (timers), which acts for everyone', () => {
    expect(() => authorize(null, 'notice.acknowledge', { hospitalId: H2 })).not.toThrow();
  });

  it('puts dispatch roles in the dispatchers room, a crew in its vehicle’s, a hospital in its own', () => {
    // Consultations (clinical text and photos) reach dispatchers and supervisors, not administrators.
    // A login of one centre joins its centre's room, one of every centre the province room (issue 15).
    expect(roomsFor(who('supervisor'))).toEqual(['dispatchers', 'province', 'consultations:province']);
    expect(roomsFor(who('dispatcher', { centreId: C1 }))).toEqual(['dispatchers', `centre:${C1}`, `consultations:${C1}`]);
    expect(roomsFor(who('admin', { centreId: C1 }))).toEqual(['dispatchers', 'province']);
    expect(roomsFor(crew)).toEqual([`vehicle:${V1}`]);
    expect(roomsFor(hospital)).toEqual([`hospital:${H1}`]);
    expect(roomsFor(who('crew'))).toEqual([]);
  });

  it('scopes a dispatcher or supervisor of a centre to that centre; a province supervisor and an administrator reach every centre', () => {
    const dispatcherA = who('dispatcher', { centreId: C1 });
    expect(can(dispatcherA, 'incident.read', { centreId: C1 })).toBe(true);
    expect(can(dispatcherA, 'incident.read', { centreId: C2 })).toBe(false);
    // A task of cross-centre help belongs to both centres.
    expect(can(dispatcherA, 'assignment.read', { centreId: [C2, C1] })).toBe(true);
    expect(refusal(() => authorize(dispatcherA, 'incident.dispatch', { centreId: C2 }))).toMatch(/not your centre/);
    expect(readScope(dispatcherA, 'incident.read')).toEqual({ centreId: C1 });
    expect(can(who('supervisor'), 'incident.read', { centreId: C2 })).toBe(true);
    expect(can(who('admin', { centreId: C1 }), 'vehicle.list', { centreId: C2 })).toBe(true);
    // A crew's and a hospital's reach is their vehicle and hospital, whatever the centre.
    expect(can(crew, 'assignment.read', { vehicleId: V1, centreId: C2 })).toBe(true);
  });

  it('describes the allowed roles for the OpenAPI document', () => {
    expect(rolesFor('assignment.read')).toEqual(['dispatcher', 'supervisor', 'admin', 'crew:own-vehicle']);
    expect(rolesFor('notice.acknowledge')).toEqual(['hospital:own-hospital']);
  });
});

describe('no role check outside the policy module', () => {
  const src = fileURLToPath(new URL('..', import.meta.url));
  const files = (dir: string): string[] =>
    readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? files(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : []));
  const roles = '(dispatcher|supervisor|crew|hospital|admin)';
  const forbidden = [
    new RegExp(`principal\\??\\.role\\s*[!=]==`),
    new RegExp(`role\\s*[!=]==\\s*'${roles}'`),
    new RegExp(`case\\s+'${roles}'`),
    new RegExp(`requireAuth\\([^)]*'${roles}'`),
    /roles\.includes\(/,
  ];
  // Whether a new login's role matches its binding is input validation, not a permission.
  const inputValidation = /\.refine\(\(u\) => \(u\.role === '(crew|hospital)'\)/;

  it('finds no role comparison in any server file but the policy module', () => {
    const offenders = files(src)
      .filter((f) => !f.includes(`${join('src', 'policies')}`) && !f.endsWith('.test.ts'))
      .flatMap((f) =>
        readFileSync(f, 'utf8')
          .split('\n')
          .map((line, i) => ({ line, at: `${relative(src, f)}:${i + 1}` }))
          .filter(({ line }) => !inputValidation.test(line) && forbidden.some((re) => re.test(line)))
          .map(({ at, line }) => `${at}: ${line.trim()}`),
      );
    expect(offenders).toEqual([]);
  });

  it('finds every route guard naming a policy action', () => {
    const bare = files(src)
      .filter((f) => f.endsWith('.routes.ts'))
      .flatMap((f) => (readFileSync(f, 'utf8').match(/requireAuth\(tokens\)/g) ?? []).map(() => relative(src, f)));
    expect(bare).toEqual([]);
  });
});
